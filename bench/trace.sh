#!/bin/bash
# Benchmark (not a test): what tracing costs the traced program.  One
# command, the python3 case of tests/integration/trace.sh,
#
#   python3 -c 'import json, sqlite3, ssl, hashlib; ...'
#
# run four ways, taken in turn within each round (after one untimed
# warm-up round), wall seconds the median of BENCH_REPEAT rounds
# (default 15):
#
#   untraced            the command itself
#   --trace run         the same command under scratchroot's tracer: the
#                       run alone, as the tracer times it (fork to the last
#                       process gone), from its "traced run: ... after S s"
#                       line (two decimals, so the column is coarse)
#   scratchroot --trace scratchroot --trace -q --list -- COMMAND: the run,
#                       the static walk of python3, and the walks of the
#                       extension modules it loaded, end to end
#   strace -f           strace -f -e trace=file -o /dev/null COMMAND, the peer
#                       users would otherwise pick (it stops the process at
#                       every system call, not only those of its class)
#
# The target (issue 13): the traced run at most 3x the untraced one.
# Prints a markdown table with ratios to the untraced run.
#
# Environment: SCRATCHROOT (the binary, see tools.sh), PYTHON (default
# /usr/bin/python3), BENCH_REPEAT (default 15).  Needs strace (Debian
# package strace) for the last column; without it that row reads n/a.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tools.sh"
PY=${PYTHON:-/usr/bin/python3}
N=${BENCH_REPEAT:-15}
[ -x "$PY" ] || { echo "trace.sh: no $PY (set PYTHON)" >&2; exit 2; }
code='import json, sqlite3, ssl, hashlib; print(json.dumps({"sqlite": sqlite3.sqlite_version, "tls": ssl.OPENSSL_VERSION.split()[0], "md5": hashlib.md5(b"scratch").hexdigest()}))'
STRACE=$(command -v strace || :)
T=$(mktemp -d "${TMPDIR:-/tmp}/sr-bench-trace.XXXXXX")
trap 'rm -rf "$T"' EXIT

# clock CMD...: wall seconds of CMD, its output dropped.
clock() {
	local t0=$EPOCHREALTIME
	"$@" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; echo "trace.sh: '$*' failed" >&2; exit 1; }
	echo "$EPOCHREALTIME - $t0" | bc -l
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

round() {
	clock "$PY" -c "$code" >>"$T/untraced"
	clock "$SR" --trace -q --list -- "$PY" -c "$code" >>"$T/scratchroot"
	sed -n 's/.*traced run: exit 0 after \([0-9.]*\) s.*/\1/p' "$T/err" >>"$T/run"
	if [ -n "$STRACE" ]; then
		clock "$STRACE" -f -e trace=file -o /dev/null "$PY" -c "$code" >>"$T/strace"
	fi
}

round
rm -f "$T/untraced" "$T/scratchroot" "$T/run" "$T/strace"
for _i in $(seq "$N"); do round; done

base=$(median <"$T/untraced")
row() {
	local v
	if [ ! -s "$2" ]; then
		printf '| %s | n/a | n/a |\n' "$1"
		return
	fi
	v=$(median <"$2")
	printf '| %s | %.3f | %.2fx |\n' "$1" "$v" "$(echo "$v / $base" | bc -l)"
}
echo "python3 -c 'import json, sqlite3, ssl, hashlib; ...', median of $N rounds, $(nproc) cores"
echo
echo "| run | wall s | vs untraced |"
echo "|---|---:|---:|"
row "untraced" "$T/untraced"
row "--trace run (the tracer's own clock)" "$T/run"
row "scratchroot --trace -q --list (run + walks)" "$T/scratchroot"
row "strace -f -e trace=file -o /dev/null" "$T/strace"
