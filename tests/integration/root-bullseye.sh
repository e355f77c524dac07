#!/bin/sh
# A Debian 11 (bullseye) root, glibc 2.31: NSS's files and dns services are
# modules there (libnss_files.so.2, libnss_dns.so.2 with libresolv.so.2),
# loaded by libc.so.6 behind DT_NEEDED's back (doc/loader-rules.md R2), and
# the release is told from the root's libc.so.6, whose loader names none
# (E4).  Each program runs in a chroot of the image and of the root, and
# must behave the same; with the rule off (--without NAME) it fails.
. "${top_srcdir:-/work/main}/tests/integration/lib.sh"

need_root
case $(uname -m) in x86_64) ;; *) skip "an amd64 root needs an x86_64 host" ;; esac
use_root root_bullseye
MINOR=31

bullseye_is_2_31() {
	libc=$(chain "$R" /lib/x86_64-linux-gnu/libc.so.6 | tail -n 1)
	strings -a "$R$libc" | grep -q 'release version 2\.31\.' || fail "$libc is not glibc 2.31"
	! strings -a "$R$(chain "$R" /lib64/ld-linux-x86-64.so.2 | tail -n 1)" | grep -q 'release version' ||
		fail "this loader names its release: the scenario is meant for one that does not"
	sr_tree -q --sysroot "$R" /usr/bin/getent
	expect_rc 0
	expect_out_has "glibc 2.31 loads libnss_files.so.2"
}

# A static program built in the root: glibc 2.31's static NSS dlopens
# libnss_files.so.2, which needs the shared libc.so.6 and the loader.
static_nss_program() {
	root_copy "$R" "$W/S"
	mkdir -p "$W/S/opt"
	cp "$srcdir/testdata/needs-users.c" "$W/S/opt/"
	in_root "$W/S" PATH=/usr/bin:/bin gcc -static -O1 -o /opt/users /opt/needs-users.c \
		>"$W/.gcc" 2>&1 || { cat "$W/.gcc" >&2; fail "gcc -static in the root"; }
	sr -q --sysroot "$W/S" -o "$W/T" /opt/users
	expect_rc 0
	same_in "$W/T" "$W/S" /opt/users
	[ "$(cat "$W/.same")" = "root root" ] || fail "static program: '$(cat "$W/.same")'"
	sr_tree -q --sysroot "$W/S" /opt/users
	expect_rc 0
	expect_out_has "/opt/users (ELF64 x86-64, static, glibc)" \
		"    interpreter /lib64/ld-linux-x86-64.so.2 -> " \
		"a static glibc older than 2.33 loads libnss_files.so.2" "        libc.so.6 => "
	sr -q --sysroot "$W/S" -o "$W/T2" --without nss /opt/users
	expect_rc 0
	fails_in "$W/T2" /opt/users
}

scenario B01 "bullseye: glibc 2.31 told from libc.so.6, not the loader" bullseye_is_2_31
scenario B02 "bullseye: id, whoami, getent passwd/group/hosts with libnss_files" root_nss_files "$R" "$MINOR"
scenario B03 "bullseye: a name from a DNS server on 127.0.0.1, libnss_dns and libresolv" root_nss_dns "$R" "$MINOR"
scenario B04 "bullseye: a static program's NSS loads libnss_files, libc.so.6, the loader" static_nss_program
scenario B05 "bullseye: tput and clear with the root's terminfo" root_terminfo "$R"
finish
