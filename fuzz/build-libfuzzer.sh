#!/bin/bash
# Builds the fuzz targets with clang's libFuzzer, ASan and UBSan, from the
# same sources as the tool (src/*.c without main.c).  The ELF reader's head
# (the first bytes read at once, elfobj.c) is made 256 bytes so that small
# inputs also take the reads beyond it, and the Go reader's window
# (gofacts.c) 512 bytes so that they cross it.
#
# Usage: fuzz/build-libfuzzer.sh BUILD_DIR
#   BUILD_DIR is a configured build directory (it holds config.h); the
#   targets are written there as fuzz-NAME-libfuzzer.  CC (default clang)
#   and CFLAGS are honoured.  Then, for example:
#   BUILD_DIR/fuzz-ldcache-libfuzzer -max_total_time=60 fuzz/corpus/ldcache
#   BUILD_DIR/fuzz-gofacts-libfuzzer -dict=fuzz/gofacts.dict CORPUS_COPY
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
build=$1
srcdir=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$build/config.h" ]; then
	echo "$0: $build/config.h not found: run configure in $build first" >&2
	exit 1
fi
cc=${CC:-clang}
# Every library the modules link, as the Makefile has them.
pkgs="libelf libdw libarchive json-c"
pkg_cflags=$(pkg-config --cflags $pkgs)
pkg_libs=$(pkg-config --libs $pkgs)

lib_sources=()
for f in "$srcdir"/src/*.c; do
	[ "$(basename "$f")" = main.c ] || lib_sources+=("$f")
done

for name in elfobj ldcache ldconf gofacts strip; do
	target=$srcdir/fuzz/fuzz_$name.c
	out=$build/fuzz-$name-libfuzzer
	if [ ! -f "$target" ]; then
		echo "$0: $target missing, skipping" >&2
		continue
	fi
	# shellcheck disable=SC2086 # pkg-config output is a word list
	"$cc" -std=c11 -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I "$srcdir/include" -I "$build" $pkg_cflags ${CFLAGS:-} \
		-DELFFILE_HEAD=256 -DGOFACTS_WINDOW=512 -DELFOBJ_LARGE=256 \
		"$target" "${lib_sources[@]}" $pkg_libs -o "$out"
	echo "built $out"
done
