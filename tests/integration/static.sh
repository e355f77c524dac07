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

# rodata_build BEFORE [NAME]: testdata/static-rodata.c built as ./ro, NAME
# BEFORE bytes into a block of 1 MiB; sets ro_size (.rodata's size) and
# ro_pos (where /etc/nsswitch.conf starts in it, -1 when nowhere).
rodata_build() {
	cc -O1 -static -DBEFORE="$1" ${2:+-DNAME="\"$2\""} -o ro "$srcdir/testdata/static-rodata.c"
	set -- $(readelf -SW ro | sed -n 's/.* \.rodata  *PROGBITS  *[0-9a-f]*  *\([0-9a-f]*\)  *\([0-9a-f]*\) .*/\1 \2/p')
	[ $# = 2 ] || fail "fixture: no .rodata in ro"
	ro_size=$((0x$2))
	_at=$(grep -obUa /etc/nsswitch.conf ro | head -n 1 | cut -d: -f1)
	if [ -n "$_at" ]; then ro_pos=$((_at - 0x$1)); else ro_pos=-1; fi
}

# The pieces needs.c reads a static program's read-only data in, from its
# end (RODATA_PIECE), with the NUL the search appends after the data: a
# string that starts DIST bytes from that end, PIECE < DIST < PIECE + 19,
# lies across the last piece and the one before.
PIECE=262144

# A static program's read-only data is searched from its end, piece by
# piece: the string is found wherever it is (at the start of 1 MiB,
# across two pieces, in the last one); a program without it gets no NSS
# files.
static_rodata_in_pieces() {
	expect_nss() {
		expect_run static ./ro
		sr_list --why ro
		expect_rc 0
		expect_out_has "/etc/nsswitch.conf  (NSS configuration of a static glibc program)"
	}
	step "the string at the start of 1 MiB of read-only data"
	rodata_build 0
	[ "$ro_pos" -ge 0 ] && [ $((ro_size - ro_pos)) -gt $((3 * PIECE)) ] ||
		fail "fixture: the string is at $ro_pos of $ro_size bytes"
	expect_nss
	step "the string across the last two pieces"
	rodata_build $((ro_size + 1 - ro_pos - PIECE - 9))
	[ $((ro_size + 1 - ro_pos)) = $((PIECE + 9)) ] ||
		fail "fixture: the string is $((ro_size + 1 - ro_pos)) bytes from the end, not $((PIECE + 9))"
	expect_nss
	step "the string in the last piece"
	rodata_build $((1048576 - 64))
	[ $((ro_size + 1 - ro_pos)) -lt "$PIECE" ] || fail "fixture: the string is not in the last piece"
	expect_nss
	step "no such string: no NSS files"
	rodata_build 0 /etc/nsswitch.cong
	[ "$ro_pos" = -1 ] || fail "fixture: /etc/nsswitch.conf in ro"
	sr_list --why ro
	expect_rc 0
	expect_out_lacks "nsswitch.conf"
}

scenario S1 "gcc -static: the program alone" static_glibc
scenario S2 "gcc -static-pie: the program alone" static_pie_glibc
scenario S3 "musl-gcc -static: the program alone" static_musl
scenario S4 "a static program in a sysroot, through /bin -> usr/bin" static_in_sysroot
scenario S5 "a static program's read-only data, searched in pieces from its end" static_rodata_in_pieces
finish
