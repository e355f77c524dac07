#!/bin/sh
# Static programs (doc/loader-rules.md E3, T37): no interpreter, nothing is
# searched, so --list gives the program alone (plus any symlink to it).
. "$(dirname "$0")/lib.sh"

need_cmd gcc readelf

# check_static KIND: ./prog is a KIND ("static" or "static-pie") program.
check_static() {
	[ -z "$(interp_of prog)" ] || fail "fixture: prog has a PT_INTERP"
	expect_run static ./prog
	sr_list prog
	expect_list_is "$W/prog"
	expect_image_runs "" static "$W/prog"
	sr_tree prog
	expect_rc 0
	expect_out_has "$W/prog (ELF64 x86-64, $1)" "no interpreter"
	expect_out_lacks "libc.so" "ld-linux"
	ln -s prog link
	sr_list link
	expect_list_is "$W/link" "$W/prog"
}

static_glibc() {
	cc -static -DMSG='"static"' -o prog "$srcdir/testdata/hello.c"
	readelf -hW prog | grep -q 'EXEC' || fail "fixture: not ET_EXEC"
	check_static static
}

static_pie_glibc() {
	cc -static-pie -fPIE -DMSG='"static"' -o prog "$srcdir/testdata/hello.c"
	readelf -hW prog | grep -q 'DYN' || fail "fixture: not ET_DYN"
	readelf -dW prog | grep -q 'Flags:.*PIE' || fail "fixture: no DF_1_PIE"
	check_static static-pie
}

static_musl() {
	need_cmd musl-gcc
	CC=musl-gcc
	cc -static -DMSG='"static"' -o prog "$srcdir/testdata/hello.c"
	check_static static
}

# In a sysroot with /bin -> usr/bin: the directory symlink is listed too.
static_in_sysroot() {
	mkdir -p R/usr/bin
	ln -s usr/bin R/bin
	cc -static -DMSG='"static"' -o R/usr/bin/prog "$srcdir/testdata/hello.c"
	sr_list --sysroot R /bin/prog
	expect_list_is /bin /usr/bin/prog
	expect_image_runs R static /bin/prog
	! can_chroot || expect_run static chroot R /bin/prog
}

scenario S1 "gcc -static: the program alone" static_glibc
scenario S2 "gcc -static-pie: the program alone" static_pie_glibc
scenario S3 "musl-gcc -static: the program alone" static_musl
scenario S4 "a static program in a sysroot, through /bin -> usr/bin" static_in_sysroot
finish
