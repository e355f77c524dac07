#!/bin/sh
# A Debian 12 arm64 root resolved from the x86_64 host (--sysroot): curl,
# openssl, jq, id and getent run under qemu-user-static (binfmt_misc, flag
# F) in a chroot of the image as in a chroot of the root; the aarch64
# loader's files, the CA bundle and OpenSSL's configuration come from the
# root, never the host (doc/loader-rules.md R8, R12, T38).
. "${top_srcdir:-/work/main}/tests/integration/lib.sh"

need_root
foreign_arch_ok arm64
use_root root_bookworm_arm64
PROGS="/usr/bin/curl /usr/bin/openssl /usr/bin/jq /usr/bin/id /usr/bin/getent"

arm64_programs() {
	# shellcheck disable=SC2086
	sr -q --sysroot "$R" --without base --add /etc/passwd --add /etc/group -o "$W/T" $PROGS
	expect_rc 0
	[ -e "$W/T/lib/ld-linux-aarch64.so.1" ] || fail "no aarch64 loader in the image"
	! find "$W/T" -name 'ld-linux-x86-64*' | grep -q . || fail "an x86-64 loader in the image"
	same_in "$W/T" "$R" curl --version
	same_in "$W/T" "$R" curl -s file:///etc/group
	same_in "$W/T" "$R" openssl version -a
	same_in "$W/T" "$R" openssl x509 -noout -subject -in /usr/lib/ssl/cert.pem
	same_in "$W/T" "$R" jq --version
	same_in "$W/T" "$R" jq -n '[1,2,3] | add'
	same_in "$W/T" "$R" id
	same_in "$W/T" "$R" getent passwd root
	same_in "$W/T" "$R" getent hosts localhost
	# shellcheck disable=SC2086
	sr_tree -q --sysroot "$R" $PROGS
	expect_rc 0
	expect_out_has "/usr/bin/curl (ELF64 aarch64, dynamic, glibc)" \
		"    file /usr/lib/ssl/openssl.cnf  [configuration OpenSSL (libcrypto.so.3) reads when it starts (OPENSSLDIR/openssl.cnf)]"
	step "--without certs: OpenSSL has no CA bundle"
	# shellcheck disable=SC2086
	sr -q --sysroot "$R" --without base --add /etc/passwd --add /etc/group --without certs \
		-o "$W/T2" $PROGS
	expect_rc 0
	same_in "$W/T" "$R" openssl x509 -noout -subject -in /usr/lib/ssl/cert.pem
	fails_in "$W/T2" openssl x509 -noout -subject -in /usr/lib/ssl/cert.pem
}

scenario Q01 "arm64 bookworm: curl, openssl, jq, id, getent under qemu-user-static" arm64_programs
finish
