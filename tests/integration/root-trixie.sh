#!/bin/sh
# A Debian 13 (trixie) root, glibc 2.41: files and dns built into libc.so.6,
# no legacy hwcaps; the same programs behave as in a chroot of the root, and
# its locales (en_US.UTF-8 in the archive, de_DE.UTF-8 as a directory) give
# setlocale(LC_ALL, "") the root's answers (doc/loader-rules.md R2, R5).
. "${top_srcdir:-/work/main}/tests/integration/lib.sh"

need_root
need_cmd gcc
case $(uname -m) in x86_64) ;; *) skip "an amd64 root needs an x86_64 host" ;; esac
use_root root_trixie
MINOR=41

trixie_is_2_41() {
	libc=$(chain "$R" /lib/x86_64-linux-gnu/libc.so.6 | tail -n 1)
	strings -a "$R$libc" | grep -q 'release version 2\.41\.' || fail "$libc is not glibc 2.41"
	sr_tree -q --sysroot "$R" /usr/bin/getent /usr/bin/jq
	expect_rc 0
	expect_out_lacks libnss_files libnss_dns
}

# needs-locale built on the host (glibc 2.36 runs on 2.41) in a copy of
# the root that shares its files.
locales_of_the_root() {
	root_copy "$R" "$W/S"
	mkdir -p "$W/S/opt"
	cc -O1 -o "$W/S/opt/locale" "$srcdir/testdata/needs-locale.c"
	[ -d "$R/usr/lib/locale/de_DE.utf8" ] && [ -f "$R/usr/lib/locale/locale-archive" ] ||
		fail "the root lacks its generated locales"
	sr -q --sysroot "$W/S" -o "$W/T" --with locale=C.UTF-8,en_US.UTF-8,de_DE.UTF-8 /opt/locale
	expect_rc 0
	for l in C.UTF-8 en_US.UTF-8 de_DE.UTF-8; do
		same_in "$W/T" "$W/S" LANG=$l /opt/locale
		grep -q "^$l 3 U+20AC " "$W/.same" || fail "LANG=$l: '$(cat "$W/.same")'"
	done
	same_in "$W/T" "$W/S" LANG=en_US.UTF-8 /opt/locale
	[ "$(cat "$W/.same")" = "en_US.UTF-8 3 U+20AC 1,234,567" ] || fail "en_US: '$(cat "$W/.same")'"
	[ -f "$W/T/usr/lib/locale/locale-archive" ] || fail "no locale-archive for en_US.UTF-8"
	[ -f "$W/T/usr/lib/locale/de_DE.utf8/LC_NUMERIC" ] || fail "no de_DE.utf8 directory"
	sr_tree -q --sysroot "$W/S" --with locale=en_US.UTF-8,de_DE.UTF-8 /opt/locale
	expect_rc 0
	expect_out_has "    file /usr/lib/locale/locale-archive  [--with locale: the archive holding every compiled locale]" \
		"    file /usr/lib/locale/de_DE.utf8/ (whole tree)  [--with locale]"
	step "the default tree: no locale, setlocale fails"
	sr -q --sysroot "$W/S" -o "$W/T2" /opt/locale
	expect_rc 0
	fails_in "$W/T2" LANG=en_US.UTF-8 /opt/locale
}

scenario X01 "trixie: glibc 2.41, files and dns built in" trixie_is_2_41
scenario X02 "trixie: id, whoami, getent passwd/group/hosts" root_nss_files "$R" "$MINOR"
scenario X03 "trixie: a name from a DNS server on 127.0.0.1" root_nss_dns "$R" "$MINOR"
scenario X04 "trixie: tput and clear with the root's terminfo" root_terminfo "$R"
scenario X05 "trixie: C.UTF-8, en_US.UTF-8 (archive), de_DE.UTF-8 (directory)" locales_of_the_root
finish
