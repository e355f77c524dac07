#!/bin/sh
# Replays the saved fuzz seeds through each fuzz target (built by make check
# with a replay main(), under the same sanitizers as the rest of the build).
. "$(dirname "$0")/lib.sh"

[ -n "${top_builddir-}" ] || { echo "fuzz-replay.sh: top_builddir is not set: run it through make check" >&2; exit 99; }
bld=$top_builddir

replay() {
	target=$1
	bin=$bld/fuzz/fuzz_$target
	[ -x "$bin" ] || fail "$bin not built"
	n=$(find "$srcdir/fuzz/corpus/$target" -type f | wc -l)
	[ "$n" -gt 0 ] || fail "no seeds for $target"
	"$bin" "$srcdir/fuzz/corpus/$target" >"$W/replay.out" 2>&1 ||
		{ cat "$W/replay.out" >&2; fail "fuzz_$target failed on a seed"; }
	grep -q "replayed $n inputs" "$W/replay.out" ||
		{ cat "$W/replay.out" >&2; fail "expected $n inputs replayed"; }
}

scenario F01 "ELF reader seeds" replay elfobj
scenario F02 "ld.so.cache parser seeds" replay ldcache
scenario F03 "ld.so.conf parser seeds" replay ldconf
scenario F04 "Go program reader seeds" replay gofacts
scenario F05 "stripper seeds" replay strip
finish
