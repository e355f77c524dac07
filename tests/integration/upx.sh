#!/bin/sh
# --upx: executables packed with the external upx after stripping, each
# tested with upx -t, never the loader.  Debian 12 does not package upx: the
# whole test is skipped (exit 77) where it is missing.
. "$(dirname "$0")/lib.sh"

command -v upx >/dev/null 2>&1 || skip "upx is not installed (Debian 12 does not package it)"

upx_packs_executables_not_the_loader() {
	need_root
	cc -o "$W/hello" "$srcdir/testdata/hello.c"
	sr -q -o "$W/t" --upx "$W/hello"
	expect_rc 0
	upx -t -q "$W/t$W/hello" >/dev/null 2>&1 || fail "the program is not a tested upx file"
	loader=$(find "$W/t" -name 'ld-linux*' -type f | head -n1)
	! upx -t -q "$loader" >/dev/null 2>&1 || fail "the loader was packed"
	mkdir -p "$W/t/proc" "$W/t/dev"
	expect_run hello chroot "$W/t" "$W/hello"
}

scenario U01 "--upx packs executables, never the loader" upx_packs_executables_not_the_loader
finish
