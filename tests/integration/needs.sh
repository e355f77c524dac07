#!/bin/sh
# Run-time needs (src/needs.c): the files a program loads behind DT_NEEDED's
# back.  For each rule, a fixture program (testdata/needs-*) is built, put
# in a tree with the default invocation (plus --with NAME=... where the rule
# only works on request) and run from that tree as a container runtime runs
# it; then the same program is put in a tree with the rule switched off and
# shown to fail the way users see it fail, so each scenario proves its rule
# matters.  --tree must give the reason for each file the rule adds.
. "$(dirname "$0")/lib.sh"

need_cmd gcc readelf
case $(interp_of "$(command -v ls)") in
*ld-linux-x86-64.so.2) ;;
*) skip "these scenarios need an x86_64 glibc host" ;;
esac

# fixture NAME [ARGS...]: testdata/needs-NAME.c built as $W/NAME.
fixture() {
	_n=$1
	shift
	cc -O1 -o "$W/$_n" "$srcdir/testdata/needs-$_n.c" "$@"
}

# go_fixture NAME: testdata/needs-NAME.go built as $W/NAME, CGO_ENABLED=0,
# standard library only, offline, with a build cache under $TD.
go_fixture() {
	command -v go >/dev/null 2>&1 || skip "'go' is not installed (golang-go)"
	mkdir -p "$W/go-$1"
	cp "$srcdir/testdata/needs-$1.go" "$W/go-$1/main.go"
	printf 'module example.com/needs%s\n\ngo 1.16\n' "$1" >"$W/go-$1/go.mod"
	(cd "$W/go-$1" && env CGO_ENABLED=0 GOCACHE="$TD/.gocache" GOPATH="$TD/.gopath" \
		GOFLAGS="-mod=mod -modcacherw" GOPROXY=off GOTOOLCHAIN=local GOENV=off \
		GOTELEMETRY=off go build -o "$W/$1" .) >"$W/.go.log" 2>&1 ||
		{ cat "$W/.go.log" >&2; fail "go build of testdata/needs-$1.go"; }
}

# ct_out TREE PROG [ARG...]: what PROG prints when run from TREE; it must
# succeed.
ct_out() {
	_st=0
	timeout 30 "$ct" "$@" >"$W/.run.out" 2>"$W/.run.err" || _st=$?
	if [ "$_st" != 0 ]; then
		cat "$W/.run.out" "$W/.run.err" >&2
		fail "real loader: '$*' from its tree exited $_st"
	fi
	cat "$W/.run.out"
}

# expect_count_over N MIN WHAT: N is a number above MIN.
expect_count_over() {
	case $1 in '' | *[!0-9]*) fail "$3: '$1' is not a count" ;; esac
	[ "$1" -gt "$2" ] || fail "$3: $1 certificates, expected more than $2"
}

# absent TREE GLOB WHAT: no file named GLOB in TREE.
absent() {
	_f=$(find "$1" -name "$2" | head -n 1)
	[ -z "$_f" ] || fail "$3: ${_f#"$1"} is in the tree"
}

# soname_of PROG PREFIX: the DT_NEEDED entry of PROG starting with PREFIX.
soname_of() {
	readelf -dW "$1" | sed -n "s/.*Shared library: \[\($2[^]]*\)\]/\1/p" | head -n 1
}

# The host's CA bundle (ca-certificates) and how many certificates it holds.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
need_ca_bundle() {
	[ -f "$ca_bundle" ] || skip "no $ca_bundle on the host (ca-certificates)"
	_n=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$ca_bundle")
	[ "$_n" -gt 100 ] || skip "$ca_bundle holds only $_n certificates"
}

# ---- libgcc_s ----

libgcc_s_for_pthread_cancel() {
	need_root
	fixture cancel -pthread
	readelf --dyn-syms -W "$W/cancel" | grep -q ' pthread_cancel' ||
		fail "fixture: does not import pthread_cancel"
	expect_run cancelled "$W/cancel"
	step "default tree: glibc finds libgcc_s.so.1 for the cancellation"
	sr -q -o "$W/T1" "$W/cancel"
	expect_rc 0
	expect_run cancelled "$ct" "$W/T1" "$W/cancel"
	sr_tree -q "$W/cancel"
	expect_rc 0
	expect_out_has "    at run time: libgcc_s.so.1 => " \
		"  [glibc loads it for pthread_cancel; imported by $W/cancel; dlopen from libc.so.6]"
	step "--without libgcc_s: the cancellation aborts"
	sr -q -o "$W/T2" --without libgcc_s "$W/cancel"
	expect_rc 0
	absent "$W/T2" 'libgcc_s*' "--without libgcc_s"
	expect_run_fails "libgcc_s.so.1 must be installed for pthread_cancel to work" \
		"$ct" "$W/T2" "$W/cancel"
}

# ---- nss (and the base files it reads) ----

nss_for_getpwuid_and_getgrgid() {
	need_root
	fixture users
	expect_run "root root" "$W/users"
	step "default tree: nsswitch.conf, /etc/passwd, /etc/group"
	sr -q -o "$W/T1" "$W/users"
	expect_rc 0
	expect_run "root root" "$ct" "$W/T1" "$W/users"
	grep -q '^passwd: *files$' "$W/T1/etc/nsswitch.conf" || fail "nsswitch.conf has no 'passwd: files'"
	grep -q '^group: *files$' "$W/T1/etc/nsswitch.conf" || fail "nsswitch.conf has no 'group: files'"
	sr_tree -q "$W/users"
	expect_rc 0
	expect_out_has "    file /etc/nsswitch.conf (written by scratchroot)  [NSS configuration; $W/users imports user, host or service lookups]"
	step "--without nss: no nsswitch.conf"
	sr -q -o "$W/T2" --without nss "$W/users"
	expect_rc 0
	[ ! -e "$W/T2/etc/nsswitch.conf" ] || fail "--without nss wrote /etc/nsswitch.conf"
	# glibc 2.34 and later fall back to their built-in 'files' service when
	# nsswitch.conf is missing: only older ones fail there.
	if timeout 30 "$ct" "$W/T2" "$W/users" >"$W/.run.out" 2>&1; then
		note "--without nss still runs: this glibc falls back to 'files' without nsswitch.conf"
	fi
	step "--without base: the user database itself is missing"
	sr -q -o "$W/T3" --without base "$W/users"
	expect_rc 0
	[ ! -e "$W/T3/etc/passwd" ] && [ ! -e "$W/T3/etc/group" ] || fail "--without base wrote passwd or group"
	expect_run_fails "unknown user 0" "$ct" "$W/T3" "$W/users"
}

# ---- netbase ----

netbase_for_getservbyname() {
	need_root
	[ -f /etc/services ] || skip "no /etc/services on the host (netbase)"
	fixture services
	expect_run 80/tcp "$W/services"
	step "default tree: /etc/services"
	sr -q -o "$W/T1" "$W/services"
	expect_rc 0
	expect_run 80/tcp "$ct" "$W/T1" "$W/services"
	cmp -s "$W/T1/etc/services" /etc/services || fail "/etc/services is not the host's"
	[ ! -e "$W/T1/etc/protocols" ] || fail "/etc/protocols added, but nothing looks up protocols"
	sr_tree -q "$W/services"
	expect_rc 0
	expect_out_has "    file /etc/services  [service names (getservbyname)]"
	step "--without netbase: the service is unknown"
	sr -q -o "$W/T2" --without netbase "$W/services"
	expect_rc 0
	[ ! -e "$W/T2/etc/services" ] || fail "--without netbase wrote /etc/services"
	expect_run_fails "unknown service http/tcp" "$ct" "$W/T2" "$W/services"
}

# ---- certs ----

certs_for_openssl() {
	need_root
	pkg-config --exists openssl 2>/dev/null ||
		skip "OpenSSL's headers are not installed (libssl-dev, pkg-config)"
	need_ca_bundle
	# shellcheck disable=SC2046
	fixture openssl $(pkg-config --cflags --libs openssl)
	host=$("$W/openssl") || fail "the fixture fails on the host"
	expect_count_over "$host" 100 "on the host"
	crypto=$(soname_of "$W/openssl" libcrypto.so)
	[ -n "$crypto" ] || fail "fixture: no NEEDED libcrypto"
	step "default tree: OPENSSLDIR/cert.pem and the bundle it leads to"
	sr -q -o "$W/T1" "$W/openssl"
	expect_rc 0
	n=$(ct_out "$W/T1" "$W/openssl")
	[ "$n" = "$host" ] || fail "from the tree: $n certificates, on the host $host"
	sr_tree -q "$W/openssl"
	expect_rc 0
	expect_out_has "/cert.pem  [CA bundle of OpenSSL ($crypto, loaded by $W/openssl)]"
	step "--without certs: the store is empty"
	sr -q -o "$W/T2" --without certs "$W/openssl"
	expect_rc 0
	absent "$W/T2" cert.pem "--without certs"
	absent "$W/T2" ca-certificates.crt "--without certs"
	n=$(ct_out "$W/T2" "$W/openssl")
	[ "$n" = 0 ] || fail "--without certs: the store holds '$n' certificates, expected 0"
}

certs_for_gnutls() {
	need_root
	pkg-config --exists gnutls 2>/dev/null ||
		skip "GnuTLS's headers are not installed (libgnutls28-dev, pkg-config)"
	need_ca_bundle
	# shellcheck disable=SC2046
	fixture gnutls $(pkg-config --cflags --libs gnutls)
	host=$("$W/gnutls") || fail "the fixture fails on the host"
	expect_count_over "$host" 100 "on the host"
	tls=$(soname_of "$W/gnutls" libgnutls.so)
	[ -n "$tls" ] || fail "fixture: no NEEDED libgnutls"
	step "default tree: GnuTLS's compiled-in trust store"
	sr -q -o "$W/T1" "$W/gnutls"
	expect_rc 0
	n=$(ct_out "$W/T1" "$W/gnutls")
	[ "$n" = "$host" ] || fail "from the tree: $n certificates, on the host $host"
	sr_tree -q "$W/gnutls"
	expect_rc 0
	expect_out_has "  [CA bundle of GnuTLS ($tls)]"
	step "--without certs: no system trust"
	sr -q -o "$W/T2" --without certs "$W/gnutls"
	expect_rc 0
	absent "$W/T2" ca-certificates.crt "--without certs"
	n=$(ct_out "$W/T2" "$W/gnutls")
	[ "$n" = 0 ] || fail "--without certs: '$n' certificates, expected 0"
}

certs_for_go_x509() {
	need_root
	need_ca_bundle
	go_fixture gocerts
	[ -z "$(interp_of "$W/gocerts")" ] || fail "fixture: not a static program"
	host=$("$W/gocerts") || fail "the fixture fails on the host"
	expect_count_over "$host" 100 "on the host"
	# The first of crypto/x509's list (root_linux.go) that the host has.
	for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt \
		/etc/ssl/ca-bundle.pem /etc/pki/tls/cacert.pem \
		/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem /etc/ssl/cert.pem; do
		[ ! -f "$f" ] || break
	done
	step "default tree: the CA bundle crypto/x509 reads"
	sr -q -o "$W/T1" "$W/gocerts"
	expect_rc 0
	n=$(ct_out "$W/T1" "$W/gocerts")
	[ "$n" = "$host" ] || fail "from the tree: $n subjects, on the host $host"
	sr_tree -q "$W/gocerts"
	expect_rc 0
	expect_out_has "    file $f  [CA bundle Go's crypto/x509 reads]"
	step "--without certs: an empty system pool"
	sr -q -o "$W/T2" --without certs "$W/gocerts"
	expect_rc 0
	absent "$W/T2" ca-certificates.crt "--without certs"
	n=$(ct_out "$W/T2" "$W/gocerts")
	[ "$n" = 0 ] || fail "--without certs: '$n' subjects, expected 0"
}

# ---- Go's os/user: the base files ----

base_for_go_user_current() {
	need_root
	go_fixture gouser
	step "default tree: /etc/passwd and /etc/group"
	sr -o "$W/T1" "$W/gouser"
	expect_rc 0
	expect_err_has "scratchroot: '$W/gouser': note: Go's os/user reads /etc/passwd and /etc/group (the base files)"
	# (ct runs it with an empty environment: no $USER, no $HOME.)
	expect_run "root /root root" "$ct" "$W/T1" "$W/gouser"
	step "--without base: user.Current fails"
	sr -q -o "$W/T2" --without base "$W/gouser"
	expect_rc 0
	[ ! -e "$W/T2/etc/passwd" ] || fail "--without base wrote /etc/passwd"
	expect_run_fails "user: Current requires cgo or \$USER, \$HOME set in environment" \
		"$ct" "$W/T2" "$W/gouser"
}

# ---- gconv ----

gconv_on_request() {
	need_root
	fixture iconv
	euro=$(printf '\342\202\254')
	expect_run a4 "$W/iconv" ISO-8859-15 "$euro"
	step "default: a note, no module, iconv_open fails"
	sr -o "$W/T0" "$W/iconv"
	expect_rc 0
	expect_err_has "scratchroot: '$W/iconv': note: converts charsets with iconv: --with gconv=CHARSET,... adds the modules"
	absent "$W/T0" 'gconv*' "the default tree"
	expect_run_fails "iconv_open: Invalid argument" "$ct" "$W/T0" "$W/iconv" ISO-8859-15 "$euro"
	step "--with gconv=ISO-8859-15: the module and the configuration"
	sr -q -o "$W/T1" --with gconv=ISO-8859-15 "$W/iconv"
	expect_rc 0
	expect_run a4 "$ct" "$W/T1" "$W/iconv" ISO-8859-15 "$euro"
	[ "$(find "$W/T1" -name '*.so' -path '*/gconv/*' | wc -l)" = 1 ] ||
		fail "more than the one module: $(find "$W/T1" -name '*.so' -path '*/gconv/*')"
	sr_tree -q --with gconv=ISO-8859-15 "$W/iconv"
	expect_rc 0
	grep -Eq '^    at run time: /[^ ]*/gconv/ISO8859-15\.so => [^ ]*/gconv/ISO8859-15\.so  \[gconv module for ISO-8859-15 \(--with gconv\); dlopen from libc\.so\.6\]( .*)?$' "$W/out" ||
		{ cat "$W/out" >&2; fail "--tree lacks the ISO8859-15.so line with its reason"; }
	grep -Eq '^    file /[^ ]*/gconv/gconv-modules  \[gconv configuration\]$' "$W/out" ||
		{ cat "$W/out" >&2; fail "--tree lacks the gconv-modules line with its reason"; }
	step "--with gconv=latin9: an alias of ISO-8859-15"
	sr -q -o "$W/T2" --with gconv=latin9 "$W/iconv"
	expect_rc 0
	expect_run a4 "$ct" "$W/T2" "$W/iconv" ISO-8859-15 "$euro"
	step "--with gconv=NO-SUCH-CHARSET: an error"
	sr -q -o "$W/T3" --with gconv=NO-SUCH-CHARSET "$W/iconv"
	expect_rc 1
	expect_err_has "scratchroot: '$W/iconv': --with gconv: no module converts 'NO-SUCH-CHARSET'"
	[ ! -e "$W/T3" ] || fail "a tree was written after an error"
}

# ---- tzdata ----

tzdata_on_request() {
	need_root
	[ -f /usr/share/zoneinfo/Europe/Paris ] || skip "no /usr/share/zoneinfo/Europe/Paris (tzdata)"
	fixture tz
	expect_run "CET +0100" "$W/tz" Europe/Paris
	step "default: a note, no zone, UTC"
	sr -o "$W/T0" "$W/tz"
	expect_rc 0
	expect_err_has "scratchroot: '$W/tz': note: uses time zones: --with tzdata[=ZONE,...] adds them"
	[ ! -e "$W/T0/usr/share/zoneinfo" ] || fail "zones in the default tree"
	out=$(ct_out "$W/T0" "$W/tz" Europe/Paris)
	case $out in
	*" +0000") ;;
	*) fail "without the zone: '$out', expected glibc's UTC fallback (+0000)" ;;
	esac
	step "--with tzdata=Europe/Paris"
	sr -q -o "$W/T1" --with tzdata=Europe/Paris "$W/tz"
	expect_rc 0
	expect_run "CET +0100" "$ct" "$W/T1" "$W/tz" Europe/Paris
	expect_run "CEST +0200" "$ct" "$W/T1" "$W/tz" Europe/Paris 1690000000
	[ "$(find "$W/T1/usr/share/zoneinfo" ! -type d)" = "$W/T1/usr/share/zoneinfo/Europe/Paris" ] ||
		fail "more than the one zone: $(find "$W/T1/usr/share/zoneinfo" ! -type d)"
	sr_tree -q --with tzdata=Europe/Paris "$W/tz"
	expect_rc 0
	expect_out_has "    file /usr/share/zoneinfo/Europe/Paris  [--with tzdata]"
	if [ -e /usr/share/zoneinfo/America/Montreal ]; then
		step "--with tzdata=America/Montreal: a zone that may be a link (to Toronto)"
		sr -q -o "$W/T2" --with tzdata=America/Montreal "$W/tz"
		expect_rc 0
		expect_run "EST -0500" "$ct" "$W/T2" "$W/tz" America/Montreal
	fi
	step "--with tzdata: every zone"
	sr -q -o "$W/T4" --with tzdata "$W/tz"
	expect_rc 0
	expect_run "CET +0100" "$ct" "$W/T4" "$W/tz" Europe/Paris
	expect_run "CEST +0200" "$ct" "$W/T4" "$W/tz" Europe/Paris 1690000000
	sr_tree -q --with tzdata "$W/tz"
	expect_rc 0
	expect_out_has "    file /usr/share/zoneinfo/ (whole tree)  [--with tzdata: every zone]"
	step "--with tzdata=Nowhere/Zone: an error"
	sr -q -o "$W/T3" --with tzdata=Nowhere/Zone "$W/tz"
	expect_rc 1
	expect_err_has "scratchroot: '$W/tz': unknown time zone 'Nowhere/Zone' (no /usr/share/zoneinfo/Nowhere/Zone)"
	[ ! -e "$W/T3" ] || fail "a tree was written after an error"
}

# ---- dlopen-notes ----

# libdlnote.so.1 (its RUNPATH leads to $W/xdep) carries a .note.dlopen:
# libxdep.so.1 required, libxrec.so.1 recommended; the program links it.
make_dlnote() {
	cc_lib xdep libxdep.so.1 "$W/xdep/libxdep.so.1" -DFN=xdep_who
	cc_lib xrec libxrec.so.1 "$W/xdep/libxrec.so.1" -DFN=xrec_who
	mkdir -p "$W/lib"
	cc -shared -fPIC -DLIB -Wl,-soname,libdlnote.so.1 \
		-Wl,--enable-new-dtags,-rpath,"$W/xdep" -o "$W/lib/libdlnote.so.1" \
		"$srcdir/testdata/needs-dlnote.c" "$srcdir/testdata/needs-dlnote.S" -ldl
	[ "$(readelf -nW "$W/lib/libdlnote.so.1" | grep -o '0x407c0c0a' | wc -l)" = 2 ] ||
		fail "fixture: libdlnote.so.1 lacks its two FDO dlopen notes"
	cc -o "$W/dlnote" "$srcdir/testdata/needs-dlnote.c" "$W/lib/libdlnote.so.1" \
		-Wl,--enable-new-dtags,-rpath,"$W/lib"
}

dlopen_notes() {
	need_root
	make_dlnote
	expect_run xdep "$W/dlnote"
	step "default tree: the required library, not the recommended one"
	sr -o "$W/T1" "$W/dlnote"
	expect_rc 0
	expect_err_has "scratchroot: '$W/dlnote': note: $W/lib/libdlnote.so.1 may load libxrec.so.1 for 'y' (recommended): --with dlopen-notes adds it"
	[ -f "$W/T1$W/xdep/libxdep.so.1" ] || fail "libxdep.so.1 is not in the tree"
	[ ! -e "$W/T1$W/xdep/libxrec.so.1" ] || fail "the recommended libxrec.so.1 is in the default tree"
	expect_run xdep "$ct" "$W/T1" "$W/dlnote"
	sr_tree -q "$W/dlnote"
	expect_rc 0
	expect_out_has "    at run time: libxdep.so.1 => $W/xdep/libxdep.so.1  ['x' (required) in the .note.dlopen of $W/lib/libdlnote.so.1; dlopen from libdlnote.so.1]"
	expect_out_lacks libxrec
	sr_list "$W/dlnote"
	expect_list_has "$W/xdep/libxdep.so.1"
	expect_list_lacks "$W/xdep/libxrec.so.1"
	step "--with dlopen-notes: the recommended one too"
	sr_list --with dlopen-notes "$W/dlnote"
	expect_list_has "$W/xdep/libxdep.so.1" "$W/xdep/libxrec.so.1"
	sr_tree -q --with dlopen-notes "$W/dlnote"
	expect_rc 0
	expect_out_has "    at run time: libxrec.so.1 => $W/xdep/libxrec.so.1  ['y' (recommended) in the .note.dlopen of $W/lib/libdlnote.so.1; dlopen from libdlnote.so.1]"
	step "--without dlopen-notes: the dlopen fails"
	sr -o "$W/T2" --without dlopen-notes "$W/dlnote"
	expect_rc 0
	expect_err_lacks "libxrec.so.1"
	[ ! -e "$W/T2$W/xdep" ] || fail "--without dlopen-notes: $W/xdep is in the tree"
	expect_run_fails "libxdep.so.1: cannot open shared object file" "$ct" "$W/T2" "$W/dlnote"
}

# The same library without a RUNPATH: libxdep.so.1 is found only in a
# default directory, which the host does not have it in (a warning), but
# a sysroot does.
dlopen_notes_default_directory() {
	need_root
	cc_lib xdep libxdep.so.1 "$W/xdep/libxdep.so.1" -DFN=xdep_who
	mkdir -p "$W/lib"
	cc -shared -fPIC -DLIB -Wl,-soname,libdlnote.so.1 -o "$W/lib/libdlnote.so.1" \
		"$srcdir/testdata/needs-dlnote.c" "$srcdir/testdata/needs-dlnote.S" -ldl
	cc -o "$W/dlnote" "$srcdir/testdata/needs-dlnote.c" "$W/lib/libdlnote.so.1" \
		-Wl,--enable-new-dtags,-rpath,"$W/lib"
	step "on the host: no libxdep.so.1 where glibc would look, a warning"
	sr_list "$W/dlnote"
	expect_err_has "scratchroot: '$W/lib/libdlnote.so.1': warning: no library for 'x' of its .note.dlopen is in the root"
	expect_list_lacks "$W/xdep/libxdep.so.1"
	step "in a sysroot holding it in /usr/lib/x86_64-linux-gnu"
	mkdir "$W/S"
	# shellcheck disable=SC2046
	copy_into "$W/S" $(cat "$W/out")
	libc=$(chain "$W/S" /lib/x86_64-linux-gnu/libc.so.6 | tail -n 1)
	[ -f "$W/S$libc" ] || fail "no libc.so.6 in /lib/x86_64-linux-gnu of the sysroot"
	cp "$W/xdep/libxdep.so.1" "$W/S$(dirname "$libc")/libxdep.so.1"
	[ ! -e "$W/S/etc/ld.so.cache" ] || fail "the sysroot has an ld.so.cache"
	sr -q --sysroot "$W/S" -o "$W/T1" "$W/dlnote"
	expect_rc 0
	expect_run xdep "$ct" "$W/T1" "$W/dlnote"
	sr_tree -q --sysroot "$W/S" "$W/dlnote"
	expect_rc 0
	expect_out_has "    at run time: libxdep.so.1 => /lib/x86_64-linux-gnu/libxdep.so.1" \
		"  ['x' (required) in the .note.dlopen of $W/lib/libdlnote.so.1; dlopen from libdlnote.so.1]"
	sr -q --sysroot "$W/S" -o "$W/T2" --without dlopen-notes "$W/dlnote"
	expect_rc 0
	expect_run_fails "libxdep.so.1: cannot open shared object file" "$ct" "$W/T2" "$W/dlnote"
}

# ---- musl ----

musl_gets_no_glibc_bundles() {
	need_root
	need_cmd musl-gcc
	[ -f /etc/services ] || skip "no /etc/services on the host (netbase)"
	CC=musl-gcc
	fixture services
	fixture cancel
	fixture users
	fixture iconv
	[ "$(interp_of "$W/services")" = /lib/ld-musl-x86_64.so.1 ] || fail "fixture: not a musl program"
	euro=$(printf '\342\202\254')
	step "default tree: /etc/services, nothing of glibc's"
	sr -q -o "$W/T1" "$W/services" "$W/cancel" "$W/users" "$W/iconv"
	expect_rc 0
	expect_run 80/tcp "$ct" "$W/T1" "$W/services"
	expect_run cancelled "$ct" "$W/T1" "$W/cancel"
	expect_run "root root" "$ct" "$W/T1" "$W/users"
	# musl converts ISO-8859-15 itself.
	expect_run a4 "$ct" "$W/T1" "$W/iconv" ISO-8859-15 "$euro"
	[ ! -e "$W/T1/etc/nsswitch.conf" ] || fail "nsswitch.conf in a musl tree"
	absent "$W/T1" 'libgcc_s*' "a musl tree"
	absent "$W/T1" 'gconv*' "a musl tree"
	absent "$W/T1" 'libc.so.6' "a musl tree"
	cmp -s "$W/T1/etc/services" /etc/services || fail "/etc/services is not the host's"
	sr_tree -q "$W/services" "$W/cancel" "$W/users"
	expect_rc 0
	expect_out_has "    file /etc/services  [service names (getservbyname)]"
	expect_out_lacks nsswitch libgcc_s
	step "--with gconv, --with libgcc_s: nothing for musl programs"
	sr_list --with gconv=ISO-8859-15 --with libgcc_s "$W/iconv" "$W/cancel"
	expect_list_lacks /etc/nsswitch.conf
	! grep -q 'gconv\|libgcc_s' "$W/out" || { cat "$W/out" >&2; fail "glibc files for musl programs"; }
	step "--without netbase: musl does not know the service"
	sr -q -o "$W/T2" --without netbase "$W/services"
	expect_rc 0
	[ ! -e "$W/T2/etc/services" ] || fail "--without netbase wrote /etc/services"
	expect_run_fails "unknown service http/tcp" "$ct" "$W/T2" "$W/services"
}

# ---- --sysroot ----

# S: a root made of the host paths of the --list for getservbyname (and,
# when OpenSSL's headers are there, the OpenSSL fixture), with its own
# /etc/services and CA bundle: the tree must take them from S.
sysroot_files_come_from_the_sysroot() {
	need_root
	[ -f /etc/services ] || skip "no /etc/services on the host (netbase)"
	fixture services
	progs="$W/services"
	if pkg-config --exists openssl 2>/dev/null && [ -f "$ca_bundle" ]; then
		# shellcheck disable=SC2046
		fixture openssl $(pkg-config --cflags --libs openssl)
		progs="$progs $W/openssl"
	else
		note "OpenSSL part skipped: no libssl-dev or no $ca_bundle"
	fi
	# shellcheck disable=SC2086
	sr_list $progs
	mkdir "$W/S"
	# shellcheck disable=SC2046
	copy_into "$W/S" $(cat "$W/out")
	printf 'http\t\t8080/tcp\n' >"$W/S/etc/services"
	if [ -e "$W/openssl" ]; then
		sr_tree -q --sysroot "$W/S" "$W/openssl"
		expect_rc 0
		pem=$(sed -n 's/^    file \(.*\/cert\.pem\)  \[CA bundle of OpenSSL.*/\1/p' "$W/out")
		[ -n "$pem" ] || { cat "$W/out" >&2; fail "no OpenSSL CA bundle in the sysroot's --tree"; }
		real=$(chain "$W/S" "$pem" | tail -n 1)
		[ -f "$W/S$real" ] && [ ! -L "$W/S$real" ] || fail "$pem does not lead to a file in the sysroot"
		awk '/-----BEGIN CERTIFICATE-----/ { n++ } n <= 3' "$ca_bundle" >"$W/S$real"
	fi
	step "the tree of the sysroot's programs"
	# shellcheck disable=SC2086
	# (--strip=none: every file is compared with the sysroot's, byte for byte.)
	sr -q --strip=none --sysroot "$W/S" -o "$W/T1" $progs
	expect_rc 0
	expect_run 8080/tcp "$ct" "$W/T1" "$W/services"
	[ ! -e "$W/openssl" ] || expect_run 3 "$ct" "$W/T1" "$W/openssl"
	(cd "$W/T1" && find . ! -type d) | sed 's/^\.//' | sort >"$W/.files"
	while read -r f; do
		case $f in /etc/nsswitch.conf | /etc/passwd | /etc/group) continue ;; esac
		if [ -L "$W/T1$f" ]; then
			[ "$(readlink "$W/T1$f")" = "$(readlink "$W/S$f")" ] || fail "$f: not the sysroot's symlink"
		else
			cmp -s "$W/T1$f" "$W/S$f" || fail "$f: not the sysroot's file"
		fi
	done <"$W/.files"
	step "a sysroot without /etc/services: a note, and not the host's"
	cp -a "$W/S" "$W/S2"
	rm "$W/S2/etc/services"
	sr --sysroot "$W/S2" -o "$W/T2" "$W/services"
	expect_rc 0
	expect_err_has "scratchroot: '$W/services': note: /etc/services is missing in the root (service names (getservbyname))"
	[ ! -e "$W/T2/etc/services" ] || fail "/etc/services came from outside the sysroot"
	expect_run_fails "unknown service http/tcp" "$ct" "$W/T2" "$W/services"
}

# ---- static glibc ----

static_glibc_nss_configuration() {
	need_root
	cc -static -o "$W/users" "$srcdir/testdata/needs-users.c"
	[ -z "$(interp_of "$W/users")" ] || fail "fixture: not static"
	sr -q -o "$W/T1" "$W/users"
	expect_rc 0
	expect_run "root root" "$ct" "$W/T1" "$W/users"
	sr_tree -q "$W/users"
	expect_rc 0
	expect_out_has "    file /etc/nsswitch.conf (written by scratchroot)  [NSS configuration; $W/users contains user, host or service lookups]"
	sr -q -o "$W/T2" --without base "$W/users"
	expect_rc 0
	expect_run_fails "unknown user 0" "$ct" "$W/T2" "$W/users"
}

# ---- terminfo ----

terminfo_for_tput_and_clear() {
	need_root
	need_cmd tput clear
	tput=$(command -v tput) clear=$(command -v clear)
	[ "$(TERM=xterm-256color "$tput" colors)" = 256 ] || skip "the host has no xterm-256color"
	TERM=xterm "$clear" >"$W/clear.host"
	step "default tree: the common terminals from the library's directories"
	sr -q -o "$W/T1" "$tput" "$clear"
	expect_rc 0
	expect_run 256 "$inroot" "$W/T1" TERM=xterm-256color "$tput" colors
	"$inroot" "$W/T1" TERM=xterm "$clear" >"$W/clear.tree" || fail "clear fails from the tree"
	cmp -s "$W/clear.host" "$W/clear.tree" || fail "clear: not the host's output"
	expect_run 8 "$inroot" "$W/T1" TERM=linux "$tput" colors
	sr_tree -q "$tput"
	expect_rc 0
	grep -Eq '^    file /[^ ]*terminfo/x/xterm-256color  \[terminal description for TERM=xterm-256color, which libtinfo\.so\.[0-9]+ reads \(--with terminfo=NAME adds others\)\]$' "$W/out" ||
		{ cat "$W/out" >&2; fail "--tree lacks xterm-256color with its reason"; }
	step "--with terminfo=ansi: one more"
	if [ "$(TERM=ansi "$tput" colors 2>/dev/null)" = 8 ]; then
		sr -q -o "$W/T3" --with terminfo=ansi "$tput"
		expect_rc 0
		expect_run 8 "$inroot" "$W/T3" TERM=ansi "$tput" colors
		expect_run_fails "unknown terminal" "$inroot" "$W/T1" TERM=ansi "$tput" colors
	else
		note "no ansi entry on the host"
	fi
	sr -q -o "$W/T4" --with terminfo=no-such-terminal "$tput"
	expect_rc 1
	expect_err_has "--with terminfo: no description of terminal 'no-such-terminal' in "
	sr -q --list --with terminfo=x/y "$tput"
	expect_rc 2
	expect_err_has "'x/y' is not a terminal name"
	step "--without terminfo: tput does not know the terminal"
	sr -q -o "$W/T2" --without terminfo "$tput" "$clear"
	expect_rc 0
	absent "$W/T2" 'xterm*' "--without terminfo"
	expect_run_fails 'unknown terminal "xterm-256color"' "$inroot" "$W/T2" TERM=xterm-256color "$tput" colors
}

# ---- locale ----

locale_c_utf8_on_request() {
	need_root
	[ -d /usr/lib/locale/C.utf8 ] || skip "no /usr/lib/locale/C.utf8 on the host (libc-bin)"
	fixture locale
	want=$(LANG=C.UTF-8 LC_ALL= "$W/locale")
	[ "$want" = "C.UTF-8 3 U+20AC 1234567" ] || fail "on the host: '$want'"
	step "default: a note, no locale, the C locale"
	sr -o "$W/T0" "$W/locale"
	expect_rc 0
	expect_err_has "scratchroot: '$W/locale': note: calls setlocale: --with locale=NAME (e.g. C.UTF-8) adds a locale"
	expect_run "(null) -1 U+0000 1234567" "$inroot" "$W/T0" LANG=C.UTF-8 "$W/locale"
	step "--with locale=C.UTF-8: the host's answers"
	sr -q -o "$W/T1" --with locale=C.UTF-8 "$W/locale"
	expect_rc 0
	expect_run "$want" "$inroot" "$W/T1" LANG=C.UTF-8 "$W/locale"
	[ -f "$W/T1/usr/lib/locale/C.utf8/LC_CTYPE" ] || fail "no C.utf8/LC_CTYPE in the tree"
	sr_tree -q --with locale=C.UTF-8 "$W/locale"
	expect_rc 0
	expect_out_has "    file /usr/lib/locale/C.utf8/ (whole tree)  [--with locale]"
	sr -q -o "$W/T2" --with locale=xx_NOWHERE.UTF-8 "$W/locale"
	expect_rc 1
	expect_err_has "--with locale: 'xx_NOWHERE.UTF-8' is not compiled in the root"
}

# ---- config: OpenSSL's configuration and the providers it activates ----

# S: the host's openssl with its closure and its legacy provider, whose
# openssl.cnf includes a directory with a file that activates legacy.
openssl_legacy_provider() {
	need_root
	need_cmd openssl
	openssl=$(command -v openssl)
	modules=$(openssl version -m | sed -n 's/^MODULESDIR: "\(.*\)"$/\1/p')
	dir=$(openssl version -d | sed -n 's/^OPENSSLDIR: "\(.*\)"$/\1/p')
	[ -f "$modules/legacy.so" ] || skip "no legacy provider ($modules/legacy.so)"
	! openssl md4 </dev/null >/dev/null 2>&1 || skip "md4 works without the legacy provider here"
	sr_list "$openssl"
	mkdir "$W/S"
	# shellcheck disable=SC2046
	copy_into "$W/S" $(cat "$W/out") $(chain "" "$modules/legacy.so")
	conf=$(chain "$W/S" "$dir/openssl.cnf" | tail -n 1)
	[ -n "$conf" ] && [ -e "$W/S$conf" ] || fail "no $dir/openssl.cnf in the sysroot"
	rm -f "$W/S$conf"
	printf 'openssl_conf = openssl_init\n.include /etc/ssl/openssl.cnf.d\n' >"$W/S$conf"
	mkdir -p "$W/S/etc/ssl/openssl.cnf.d"
	printf '[openssl_init]\nproviders = provider_sect\n[provider_sect]\ndefault = default_sect\nlegacy = legacy_sect\n[default_sect]\nactivate = 1\n[legacy_sect]\nactivate = 1\n' \
		>"$W/S/etc/ssl/openssl.cnf.d/legacy.cnf"
	expect_run "MD4(stdin)= 31d6cfe0d16ae931b73c59d7e0c089c0" "$inroot" "$W/S" "$openssl" md4
	step "default tree: openssl.cnf, what it includes, the legacy provider"
	sr -q --sysroot "$W/S" -o "$W/T1" "$openssl"
	expect_rc 0
	expect_run "MD4(stdin)= 31d6cfe0d16ae931b73c59d7e0c089c0" "$inroot" "$W/T1" "$openssl" md4
	sr_tree -q --sysroot "$W/S" "$openssl"
	expect_rc 0
	expect_out_has "    file $dir/openssl.cnf  [configuration OpenSSL (libcrypto.so.3) reads when it starts (OPENSSLDIR/openssl.cnf)]" \
		"    file /etc/ssl/openssl.cnf.d/legacy.cnf  [OpenSSL configuration included by $dir/openssl.cnf]" \
		"    at run time: $modules/legacy.so => " \
		"[OpenSSL provider 'legacy', which its configuration loads; dlopen from libcrypto.so.3]"
	step "--without config: md4 is unknown"
	sr -q --sysroot "$W/S" -o "$W/T2" --without config "$openssl"
	expect_rc 0
	absent "$W/T2" legacy.so "--without config"
	[ ! -e "$W/T2$conf" ] || fail "--without config: $conf is in the tree"
	expect_run_fails "Error setting digest" "$inroot" "$W/T2" "$openssl" md4
	step "the provider missing from the root: a warning"
	rm "$W/S$(chain "$W/S" "$modules/legacy.so" | tail -n 1)"
	sr --sysroot "$W/S" -o "$W/T3" "$openssl"
	expect_rc 0
	expect_err_has "warning: OpenSSL's configuration loads provider 'legacy', but $modules/legacy.so is not in the root"
}

# ---- a large symbol table ----

# 30000 exported functions (-rdynamic) put the dynamic symbol table past
# the size read whole: the imports come from the symbols before
# DT_GNU_HASH's symoffset and from lookups of the watched names in the
# hashed part, where getservbyname sits (its address taken in non-PIE code).
imports_of_a_large_symbol_table() {
	need_root
	awk 'BEGIN { print ".section .note.GNU-stack,\"\",@progbits"; print ".text"
		for (i = 0; i < 30000; i++)
			printf ".globl sr_export_%d\n.type sr_export_%d,@function\nsr_export_%d: ret\n", i, i, i }' \
		>"$W/exports.s"
	fixture exports -fno-pic -no-pie -rdynamic "$W/exports.s"
	expect_run "80/tcp root" "$W/exports"
	_n=$(readelf -W --dyn-syms "$W/exports" | grep -c ' sr_export_')
	[ "$_n" = 30000 ] || fail "fixture: $_n exported functions, expected 30000"
	readelf -W --dyn-syms "$W/exports" | grep -q '[1-9a-f][0-9a-f]* *0 FUNC *GLOBAL DEFAULT *UND getservbyname' ||
		fail "fixture: getservbyname has no PLT address (not in the hashed part)"
	sr -q -o "$W/T1" "$W/exports"
	expect_rc 0
	expect_run "80/tcp root" "$ct" "$W/T1" "$W/exports"
	sr_tree -q "$W/exports"
	expect_rc 0
	expect_out_has "    file /etc/services  [service names (getservbyname)]"
	expect_out_has "    file /etc/nsswitch.conf (written by scratchroot)  [NSS configuration; $W/exports imports user, host or service lookups]"
	sr -q -o "$W/T2" --without netbase "$W/exports"
	expect_rc 0
	expect_run_fails "unknown service http/tcp" "$ct" "$W/T2" "$W/exports"
}

scenario N01 "libgcc_s: pthread_cancel of a blocked thread" libgcc_s_for_pthread_cancel
scenario N02 "nss and base: getpwuid(0), getgrgid(0)" nss_for_getpwuid_and_getgrgid
scenario N03 "netbase: getservbyname" netbase_for_getservbyname
scenario N04 "certs: OpenSSL's default verify paths" certs_for_openssl
scenario N05 "certs: GnuTLS's system trust" certs_for_gnutls
scenario N06 "certs: Go's x509.SystemCertPool" certs_for_go_x509
scenario N07 "base: Go's user.Current" base_for_go_user_current
scenario N08 "gconv: iconv to ISO-8859-15, --with gconv=..." gconv_on_request
scenario N09 "tzdata: localtime in Europe/Paris, --with tzdata=..." tzdata_on_request
scenario N10 "dlopen-notes: required by default, recommended on request" dlopen_notes
scenario N11 "dlopen-notes: a default directory; a missing library is a warning" dlopen_notes_default_directory
scenario N12 "musl: /etc/services, none of glibc's bundles" musl_gets_no_glibc_bundles
scenario N13 "--sysroot: every bundle file from the sysroot" sysroot_files_come_from_the_sysroot
# NSS (libnss3) keeps its trust anchors in libnssckbi.so, which it loads
# from its own directory: that library is the "bundle".
n15_nss3_builtin_roots() {
	nss3=$(ldconfig -p | awk '$1 == "libnss3.so" && /x86-64/ { print $NF; exit }')
	[ -n "$nss3" ] || skip "libnss3 is not installed"
	ckbi=$(dirname "$nss3")/libnssckbi.so
	[ -f "$ckbi" ] || skip "no libnssckbi.so beside libnss3"
	printf 'int NSS_NoDB_Init(const char *dir);\nint main(void) { return NSS_NoDB_Init(0) != 0; }\n' >"$W/n.c"
	cc -o "$W/nss3" "$W/n.c" -l:libnss3.so
	sr_list "$W/nss3"
	expect_list_has "$(chain "" "$ckbi" | tail -n 1)"
	sr_tree -q "$W/nss3"
	expect_out_has "[built-in root certificates of NSS; libnss3.so loads it; dlopen from libnss3.so]"
	sr_list --without=certs "$W/nss3"
	expect_list_lacks "$(chain "" "$ckbi" | tail -n 1)"
}

scenario N14 "static glibc: nsswitch.conf and the base files" static_glibc_nss_configuration
scenario N15 "certs: NSS's libnssckbi.so, loaded from libnss3's directory" n15_nss3_builtin_roots
scenario N16 "terminfo: tput colors, clear, --with terminfo=NAME" terminfo_for_tput_and_clear
scenario N17 "locale: --with locale=C.UTF-8 for setlocale(LC_ALL, \"\")" locale_c_utf8_on_request
scenario N18 "config: openssl.cnf includes a file activating the legacy provider (md4)" openssl_legacy_provider
scenario N19 "a table of 30000 symbols: imports through DT_GNU_HASH" imports_of_a_large_symbol_table
finish
