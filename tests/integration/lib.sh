# lib.sh: shared helpers for the integration tests; sourced, not run.
#
# A test defines one function per scenario and runs each with
#     scenario ID "what it checks" FUNCTION
# which runs FUNCTION in a subshell under `set -e`, in a fresh directory $W
# (also the current directory), and prints "ok - ID ...", "FAIL - ID ..."
# (followed by the scenario's log) or "skip - ID ... # reason".  `finish`
# prints the summary and exits 1 if anything failed, 77 if everything was
# skipped, 0 otherwise.
#
# Each scenario checks both what scratchroot says and what the real loader
# does with the same files (by running the fixture program).
#
# Environment (set by `make check`): SCRATCHROOT, the binary under test;
# top_srcdir, where testdata/ lives.  Everything is written under one
# `mktemp -d` directory, removed on exit.

set -eu
LC_ALL=C
export LC_ALL
unset LD_LIBRARY_PATH LD_PRELOAD GLIBC_TUNABLES 2>/dev/null || true

# Run only through make check, which says where everything is: no default.
[ -n "${SCRATCHROOT-}" ] && [ -n "${top_srcdir-}" ] || {
	echo "${0##*/}: SCRATCHROOT or top_srcdir is not set: run the tests through" \
		"make check (one of them: make check TESTS=tests/integration/${0##*/})" >&2
	exit 99
}
SR=$SCRATCHROOT
srcdir=$top_srcdir
CC=${CC_FOR_FIXTURES:-gcc}
TD=$(mktemp -d "${TMPDIR:-/tmp}/scratchroot-test.XXXXXX")
trap 'rm -rf "$TD"' EXIT
trap 'exit 1' HUP INT TERM
TD=$(cd "$TD" && pwd -P)	# physical, so expected paths compare exactly
W=$TD
n_pass=0 n_fail=0 n_skip=0
last_skip=

[ -x "$SR" ] || { echo "scratchroot binary '$SR' not found (set SCRATCHROOT)"; exit 99; }

# ---- outcomes ----

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
# Marks the start of a part of a scenario (shown when the scenario fails).
step() { echo "-- $*"; }
# A part of a scenario that cannot run here; printed under its result line.
note() { echo "$*" >>"$W/.notes"; }

need_cmd() {
	for _c; do
		command -v "$_c" >/dev/null 2>&1 || skip "'$_c' is not installed"
	done
}

need_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }

# True when the real loader can be run in a chroot; notes why not otherwise.
can_chroot() {
	if [ "$(id -u)" != 0 ]; then
		note "real-loader check in a chroot skipped: not root"
		return 1
	fi
	command -v chroot >/dev/null 2>&1 || { note "no chroot command"; return 1; }
}

scenario() {
	_id=$1 _title=$2
	shift 2
	W=$TD/$_id
	mkdir -p "$W"
	set +e
	(set -e; cd "$W"; "$@") >"$W/.log" 2>&1
	_rc=$?
	set -e
	case $_rc in
	0)	echo "ok - $_id $_title"; n_pass=$((n_pass + 1)) ;;
	77)	last_skip=$(sed -n 's/^SKIP: //p' "$W/.log" | tail -n 1)
		echo "skip - $_id $_title # $last_skip"; n_skip=$((n_skip + 1)) ;;
	*)	echo "FAIL - $_id $_title"; n_fail=$((n_fail + 1))
		sed 's/^/#   /' "$W/.log" ;;
	esac
	[ ! -f "$W/.notes" ] || awk '!seen[$0]++ { print "#   note: " $0 }' "$W/.notes"
	W=$TD
}

finish() {
	echo "# $n_pass passed, $n_fail failed, $n_skip skipped"
	[ "$n_fail" = 0 ] || exit 1
	if [ "$n_pass" = 0 ] && [ "$n_skip" != 0 ]; then
		echo "all scenarios skipped: $last_skip"
		exit 77
	fi
	exit 0
}

# ---- building fixtures (never with the project's CFLAGS) ----

# cc COMPILER-ARGS...: runs $CC, showing its output only when it fails.
cc() {
	"$CC" "$@" >"$W/.cc.log" 2>&1 || { cat "$W/.cc.log" >&2; fail "$CC $*"; }
}

# cc_lib WHO SONAME OUT [ARGS...]: testdata/who.c as a shared library whose
# who() returns WHO.  ARGS (more flags, libraries to need) come last.
cc_lib() {
	_who=$1 _soname=$2 _out=$3
	shift 3
	mkdir -p "$(dirname "$_out")"
	cc -shared -fPIC -Wl,--no-as-needed "-Wl,-soname,$_soname" "-DWHO=\"$_who\"" \
		-o "$_out" "$srcdir/testdata/who.c" "$@"
}

# cc_prog OUT [ARGS...]: testdata/main-who.c, which prints who().
cc_prog() {
	_out=$1
	shift
	mkdir -p "$(dirname "$_out")"
	cc -Wl,--no-as-needed -o "$_out" "$srcdir/testdata/main-who.c" "$@"
}

# elf_files N: the first N ELF files of /usr/bin (regular files and
# symlinks to them), a line each.
elf_files() {
	_n=0
	for _f in /usr/bin/*; do
		[ -f "$_f" ] && [ "$(head -c4 "$_f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		echo "$_f"
		_n=$((_n + 1))
		[ "$_n" -lt "$1" ] || break
	done
}

# ---- running scratchroot ----

# sr ARGS...: runs scratchroot; stdout in $W/out, stderr in $W/err, status in $rc.
sr() {
	rc=0
	timeout 60 "$SR" "$@" >"$W/out" 2>"$W/err" || rc=$?
	if [ "$rc" -ge 124 ]; then
		cat "$W/err" >&2
		fail "scratchroot $* crashed or hung (status $rc)"
	fi
}

expect_rc() {
	[ "$rc" = "$1" ] && return 0
	echo "--- stdout:" >&2; cat "$W/out" >&2
	echo "--- stderr:" >&2; cat "$W/err" >&2
	fail "scratchroot exited $rc, expected $1"
}

# sr_list ARGS...: --list, which must succeed and be sorted and unique.
# The loader scenarios look at what the loader opens: the base files
# (passwd, group, /tmp, the home directories) are left out (--no-base).
sr_list() {
	sr --list --no-base "$@"
	expect_rc 0
	sort -u "$W/out" >"$W/.sorted"
	cmp -s "$W/out" "$W/.sorted" || { cat "$W/out" >&2; fail "--list output is not sorted and unique"; }
}

# sr_tree ARGS...: --tree, status in $rc (not checked).
sr_tree() { sr --tree "$@"; }

expect_list_has() {
	for _p; do
		grep -Fxq -- "$_p" "$W/out" || { cat "$W/out" >&2; fail "--list lacks $_p"; }
	done
}

expect_list_lacks() {
	for _p; do
		! grep -Fxq -- "$_p" "$W/out" || { cat "$W/out" >&2; fail "--list has $_p"; }
	done
}

# expect_list_is PATH...: the --list output is exactly these paths.
expect_list_is() {
	printf '%s\n' "$@" | sort -u >"$W/.want"
	if ! cmp -s "$W/.want" "$W/out"; then
		diff -u "$W/.want" "$W/out" | sed 's/^/    /' >&2
		fail "--list differs from the expected set (- expected, + got)"
	fi
}

expect_out_has() {
	for _s; do
		grep -Fq -- "$_s" "$W/out" || { cat "$W/out" >&2; fail "output lacks '$_s'"; }
	done
}

expect_out_lacks() {
	for _s; do
		! grep -Fq -- "$_s" "$W/out" || { cat "$W/out" >&2; fail "output has '$_s'"; }
	done
}

expect_err_has() {
	for _s; do
		grep -Fq -- "$_s" "$W/err" || { cat "$W/err" >&2; fail "stderr lacks '$_s'"; }
	done
}

expect_err_lacks() {
	for _s; do
		! grep -Fq -- "$_s" "$W/err" || { cat "$W/err" >&2; fail "stderr has '$_s'"; }
	done
}

# ---- running the fixture (what the real loader does) ----

# "$ct" TREE PROG ARGS...: runs PROG from TREE as a container runtime does:
# chrooted, with /proc mounted (glibc finds the program's $ORIGIN through
# /proc/self/exe) and /dev bound, in a private mount namespace, with an
# empty environment.  A script, so that expect_run can time it out.
ct="$TD/ct"
cat >"$ct" <<'CT'
#!/bin/sh
t=$1
shift
mkdir -p "$t/proc" "$t/dev"
exec unshare -m sh -c 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" &&
	exec env -i "$(command -v chroot)" "$0" "$@"' "$t" "$@"
CT
chmod +x "$ct"

# expect_run OUTPUT CMD...: CMD succeeds and prints exactly OUTPUT.
expect_run() {
	_want=$1
	shift
	_st=0
	timeout 30 "$@" >"$W/.run.out" 2>"$W/.run.err" || _st=$?
	if [ "$_st" != 0 ] || [ "$(cat "$W/.run.out")" != "$_want" ]; then
		cat "$W/.run.out" "$W/.run.err" >&2
		fail "real loader: '$*' exited $_st, expected output '$_want'"
	fi
}

# expect_run_fails TEXT CMD...: CMD fails and its stderr contains TEXT.
expect_run_fails() {
	_want=$1
	shift
	_st=0
	timeout 30 "$@" >"$W/.run.out" 2>"$W/.run.err" || _st=$?
	if [ "$_st" = 0 ] || ! grep -Fq -- "$_want" "$W/.run.err"; then
		cat "$W/.run.out" "$W/.run.err" >&2
		fail "real loader: '$*' exited $_st, expected a failure saying '$_want'"
	fi
}

# expect_opened_as_loader CMD...: the paths the --tree in $W/out shows the
# interpreter and each library opened under are exactly those glibc's loader
# gives its objects when running CMD (LD_DEBUG=files: "calling init: PATH").
# CMD may start with wrappers (env, chroot): only the last program counts.
expect_opened_as_loader() {
	LD_DEBUG=files timeout 30 "$@" >/dev/null 2>"$W/.debug" || :
	awk '{ pid = $1 }
	     /\ttransferring control: / { block[pid] = "" }
	     /\tcalling init: / { sub(/.*calling init: /, ""); block[pid] = block[pid] $0 "\n" }
	     /\tinitialize program: / { last = block[pid] }
	     END { printf "%s", last }' "$W/.debug" | sort -u >"$W/.loader"
	sed -n -e 's/^ *interpreter \([^ ]*\).*/\1/p' \
		-e '/ => not found$/d' -e 's/^ *[^ ]* => \([^ ]*\).*/\1/p' "$W/out" |
		sort -u >"$W/.tool"
	[ -s "$W/.loader" ] || { tail -n 20 "$W/.debug" >&2; fail "LD_DEBUG=files showed nothing for '$*'"; }
	if ! cmp -s "$W/.loader" "$W/.tool"; then
		diff -u "$W/.loader" "$W/.tool" | sed 's/^/    /' >&2
		fail "paths as opened: the loader (-) and --tree (+) differ for '$*'"
	fi
}

# expect_image_runs ROOT OUTPUT [VAR=VALUE...] PROG [ARG...]: an image made
# of nothing but the paths of the --list in $W/out, copied from ROOT ("" for
# the host), runs PROG in a chroot and prints OUTPUT, as the original does.
# IMG_EXTRA: host paths to add (an emulator and its libraries).
expect_image_runs() {
	_from=${1%/} _want=$2 _env=
	shift 2
	while case ${1-} in *=*) true ;; *) false ;; esac; do
		_env="$_env $1"
		shift
	done
	can_chroot || return 0
	rm -rf "$W/IMG"
	mkdir "$W/IMG"
	while read -r _p; do
		mkdir -p "$W/IMG$(dirname "$_p")"
		cp -a "$_from$_p" "$W/IMG$_p"
	done <"$W/out"
	[ -z "${IMG_EXTRA-}" ] || copy_into "$W/IMG" $IMG_EXTRA
	expect_run "$_want" env $_env chroot "$W/IMG" "$@"
}

# ---- an oracle for paths ----

# chain ROOT PATH: resolves the absolute PATH inside ROOT ("" for the host)
# the way the kernel does after chroot ROOT: prints every symlink crossed,
# then the file reached, all as paths inside ROOT.
chain() {
	_root=${1%/} _rest=$2 _at= _hops=0
	while :; do
		while [ "${_rest#/}" != "$_rest" ]; do _rest=${_rest#/}; done
		[ -n "$_rest" ] || break
		_c=${_rest%%/*}
		case $_rest in */*) _rest=${_rest#*/} ;; *) _rest= ;; esac
		case $_c in
		.) continue ;;
		..) _at=${_at%/*}; continue ;;
		esac
		if [ -L "$_root$_at/$_c" ]; then
			_hops=$((_hops + 1))
			[ "$_hops" -le 40 ] || fail "chain: symlink loop at $_at/$_c"
			echo "$_at/$_c"
			_t=$(readlink "$_root$_at/$_c")
			case $_t in /*) _at= ;; esac
			_rest=$_t/$_rest
		else
			_at=$_at/$_c
		fi
	done
	echo "${_at:-/}"
}

# host_closure FILE: the paths the host's loader opens for FILE (its
# interpreter and what ldd shows), with every symlink crossed, one a line;
# nothing for a static FILE.
host_closure() {
	_i=$(interp_of "$1")
	[ -n "$_i" ] || return 0
	ldd "$1" >"$TD/.ldd" || fail "ldd $1 failed"
	{ chain "" "$_i"
	  awk '$2 == "=>" && $3 ~ /^\// { print $3 }' "$TD/.ldd" | while read -r _p; do
		chain "" "$_p"
	  done; } | sort -u
}

# glibc_base: the paths every glibc program of the host needs (interpreter
# and libc.so.6, with the symlinks crossed), learnt from the real loader.
glibc_base() {
	if [ ! -s "$TD/.glibc.base" ]; then
		gcc -o "$TD/.hello" "$srcdir/testdata/hello.c" ||
			fail "cannot build testdata/hello.c"
		host_closure "$TD/.hello" >"$TD/.glibc.base"
		grep -q 'libc\.so\.6$' "$TD/.glibc.base" || fail "ldd does not show libc.so.6"
	fi
	cat "$TD/.glibc.base"
}

# copy_into ROOT PATH...: copies each host PATH (a symlink stays a symlink)
# to the same place under ROOT, making the parent directories; a PATH that
# is already there is left alone.
copy_into() {
	_r=$1
	shift
	for _p; do
		[ ! -e "$_r$_p" ] && [ ! -L "$_r$_p" ] || continue
		mkdir -p "$_r$(dirname "$_p")"
		cp -a "$_p" "$_r$_p"
	done
}

# interp_of FILE: its PT_INTERP.
interp_of() {
	readelf -lW "$1" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p'
}

# ---- Debian roots built with mmdebstrap ----

# debian_root NAME SUITE ARCH PACKAGES [OPTION...]: prints the directory of
# a Debian root (--variant=minbase, plus the comma-separated PACKAGES, and
# more mmdebstrap OPTIONs such as a --customize-hook) for SUITE and ARCH,
# built once and kept under $SCRATCHROOT_ROOTS (default: roots/ in the
# build directory) for the next run.  A lock makes tests running in
# parallel wait for one build instead of making two.  Skips (77) when
# mmdebstrap or the archive is missing; fails when the archive is there and
# the build fails.  The root is made again when its recipe changes.
debian_root() {
	_name=$1 _suite=$2 _arch=$3 _pkgs=$4
	shift 4
	need_root
	need_cmd mmdebstrap flock
	_mirror=${SCRATCHROOT_MIRROR:-http://deb.debian.org/debian}
	_cache=${SCRATCHROOT_ROOTS:-${top_builddir:-$TD}/roots}
	mkdir -p "$_cache"
	_recipe="$_suite $_arch $_pkgs $_mirror $*"
	_st=0
	(
		flock 9
		if [ "$(cat "$_cache/$_name.ok" 2>/dev/null)" != "$_recipe" ]; then
			rm -rf --one-file-system "$_cache/$_name" "$_cache/$_name.ok"
			if ! mmdebstrap --quiet --variant=minbase --architectures="$_arch" \
				--include="$_pkgs" "$@" "$_suite" "$_cache/$_name" "$_mirror" \
				>"$_cache/$_name.log" 2>&1; then
				rm -rf --one-file-system "$_cache/$_name"
				exit 3
			fi
			printf '%s\n' "$_recipe" >"$_cache/$_name.ok"
		fi
	) 9>"$_cache/$_name.lock" || _st=$?
	if [ "$_st" != 0 ]; then
		tail -n 5 "$_cache/$_name.log" >&2
		if command -v curl >/dev/null 2>&1 &&
			curl -fsI --max-time 20 "$_mirror/dists/$_suite/Release" >/dev/null 2>&1; then
			fail "mmdebstrap $_suite ($_arch) failed with the archive reachable: $_cache/$_name.log"
		fi
		skip "mmdebstrap $_suite ($_arch) failed: the archive $_mirror is not reachable"
	fi
	echo "$_cache/$_name"
}

# foreign_arch_ok ARCH: whether programs of ARCH (arm64) run in a chroot,
# through qemu-user-static registered with binfmt_misc (flag F), mounting
# binfmt_misc and enabling the entry when needed; skips otherwise.
foreign_arch_ok() {
	case $1 in
	arm64) _q=qemu-aarch64 ;;
	*) skip "no emulator known for $1" ;;
	esac
	[ -e /proc/sys/fs/binfmt_misc/status ] ||
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
		skip "binfmt_misc cannot be mounted"
	[ -e "/proc/sys/fs/binfmt_misc/$_q" ] ||
		{ command -v update-binfmts >/dev/null 2>&1 && update-binfmts --enable "$_q" >/dev/null 2>&1; } ||
		skip "no binfmt entry for $_q (qemu-user-static, binfmt-support)"
	grep -q '^flags: .*F' "/proc/sys/fs/binfmt_misc/$_q" ||
		skip "the binfmt entry for $_q lacks flag F: it would not work in a chroot"
}

# The roots the run-time tests share (each built once, see debian_root):
# glibc 2.31, 2.41 and an arm64 2.36, with the programs they run.  mmdebstrap
# writes no /etc/hosts; an installed system (and a container) has one.
ROOT_PROGS=ca-certificates,curl,openssl,jq,ncurses-bin,less,procps,git
ROOT_HOSTS='--customize-hook=printf "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" >"$1/etc/hosts"'
root_bullseye() { debian_root bullseye bullseye amd64 "$ROOT_PROGS,gcc,libc6-dev" "$ROOT_HOSTS"; }
# en_US.UTF-8 in the locale archive, de_DE.UTF-8 as a directory of its own.
root_trixie() {
	debian_root trixie trixie amd64 "$ROOT_PROGS,locales" "$ROOT_HOSTS" \
		'--customize-hook=chroot "$1" localedef -i en_US -f UTF-8 en_US.UTF-8 && chroot "$1" localedef --no-archive -i de_DE -f UTF-8 de_DE.UTF-8'
}
root_bookworm_arm64() { debian_root bookworm-arm64 bookworm arm64 ca-certificates,curl,openssl,jq "$ROOT_HOSTS"; }

# in_root DIR [VAR=VALUE...] PROG [ARG...]: runs PROG in a chroot of DIR as
# a container runtime would: a private mount namespace with /proc mounted
# and /dev bound, an environment of only the VAR=VALUEs (no spaces in
# them), stdin from /dev/null, within ${CT_TIMEOUT:-30} seconds.  With
# CT_RESOLV, that file is bound over DIR/etc/resolv.conf (as runtimes do);
# CT_PREFIX (such as "ip netns exec NS") comes first.  Status as PROG's.
# "$inroot" is the same as a script, for expect_run and expect_run_fails.
inroot="$TD/in-root"
cat >"$inroot" <<'INROOT'
#!/bin/sh
t=$1 vars=
shift
while case ${1-} in [A-Za-z_]*=*) true ;; *) false ;; esac; do
	vars="$vars $1"
	shift
done
mkdir -p "$t/proc" "$t/dev"
if [ -n "${CT_RESOLV-}" ]; then
	[ ! -L "$t/etc/resolv.conf" ] || { echo "$t/etc/resolv.conf is a symlink" >&2; exit 125; }
	[ -e "$t/etc/resolv.conf" ] || { mkdir -p "$t/etc" && : >"$t/etc/resolv.conf"; }
fi
# shellcheck disable=SC2086
exec timeout "${CT_TIMEOUT:-30}" ${CT_PREFIX-} unshare -m sh -c '
	t=$0
	mount -t proc proc "$t/proc" && mount --rbind /dev "$t/dev" || exit 125
	[ -z "${CT_RESOLV-}" ] || mount --bind "$CT_RESOLV" "$t/etc/resolv.conf" || exit 125
	exec env -i "$@" </dev/null' "$t" $vars "$(command -v chroot)" "$t" "$@"
INROOT
chmod +x "$inroot"
in_root() { "$inroot" "$@"; }

# same_in IMAGE ROOT [VAR=VALUE...] PROG [ARG...]: PROG gives the same exit
# status and output in a chroot of IMAGE as in one of ROOT (in_root); the
# output is left in $W/.same.
same_in() {
	_img=$1 _root=$2
	shift 2
	_a=0 _b=0
	in_root "$_root" "$@" >"$W/.same.root" 2>"$W/.same.root.err" || _a=$?
	in_root "$_img" "$@" >"$W/.same" 2>"$W/.same.err" || _b=$?
	if [ "$_a" != "$_b" ] || ! cmp -s "$W/.same.root" "$W/.same"; then
		echo "--- in the root (status $_a):" >&2
		cat "$W/.same.root" "$W/.same.root.err" >&2
		echo "--- in the image (status $_b):" >&2
		cat "$W/.same" "$W/.same.err" >&2
		fail "'$*' differs between the image and the root"
	fi
	[ "$_a" = 0 ] || note "'$*' fails in the root as well (status $_a)"
}

# fails_in IMAGE [VAR=VALUE...] PROG [ARG...]: PROG fails in IMAGE, or
# prints something else than it printed last in same_in.
fails_in() {
	_img=$1
	shift
	_b=0
	in_root "$_img" "$@" >"$W/.fails" 2>"$W/.fails.err" || _b=$?
	if [ "$_b" = 0 ] && cmp -s "$W/.fails" "$W/.same"; then
		cat "$W/.fails" >&2
		fail "'$*' still works in $_img"
	fi
}

# with_dns NAME ADDRESS CMD...: runs CMD with a network namespace of its own
# (only lo, up) in which a DNS server on 127.0.0.1:53 answers NAME with
# ADDRESS (testdata/tiny-dns.py); in_root calls made by CMD run in it, with
# a resolv.conf naming that server.  Needs ip(8) and python3.
with_dns() {
	_dn=$1 _da=$2
	shift 2
	need_cmd ip python3
	_ns=scratchroot-$$-$(date +%s%N)
	ip netns add "$_ns" || skip "cannot make a network namespace (ip netns add)"
	ip netns exec "$_ns" ip link set lo up
	# An address that is not loopback, so getaddrinfo's AI_ADDRCONFIG asks for A
	# records at all (getent ahosts sets it).
	ip netns exec "$_ns" ip addr add 192.0.2.1/32 dev lo
	printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n' >"$W/resolv.conf"
	rm -f "$W/.dns.ready"
	ip netns exec "$_ns" python3 "$srcdir/testdata/tiny-dns.py" "$_dn" "$_da" "$W/.dns.ready" \
		>"$W/.dns.log" 2>&1 &
	_dpid=$!
	_i=0
	while [ ! -e "$W/.dns.ready" ] && [ "$_i" -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	_st=0
	if [ -e "$W/.dns.ready" ]; then
		(CT_PREFIX="ip netns exec $_ns" CT_RESOLV="$W/resolv.conf"
		 export CT_PREFIX CT_RESOLV; "$@") || _st=$?
	else
		cat "$W/.dns.log" >&2
		_st=99
	fi
	kill "$_dpid" 2>/dev/null || :
	wait "$_dpid" 2>/dev/null || :
	ip netns del "$_ns"
	[ "$_st" != 99 ] || fail "the DNS server did not start"
	return "$_st"
}

# ---- scenarios the root tests share ----

# The programs of the NSS scenarios, the users and groups of the root in
# the image (--add), not scratchroot's base files, so the outputs compare.
NSS_PROGS="/usr/bin/id /usr/bin/whoami /usr/bin/getent"
nss_image() {
	_r=$1 _o=$2
	shift 2
	# shellcheck disable=SC2086
	sr -q --sysroot "$_r" --without base --add /etc/passwd --add /etc/group -o "$_o" "$@" $NSS_PROGS
	expect_rc 0
}

# root_nss_files ROOT MINOR: id, whoami, getent passwd/group/hosts answer
# from the root's files as in the root itself; before glibc 2.34 that takes
# libnss_files.so.2 (and the image fails without the nss bundle), from
# 2.34 on nothing but the files (and /etc/hosts matters for localhost).
root_nss_files() {
	_r=$1 _minor=$2
	nss_image "$_r" "$W/T"
	for _c in id whoami "getent passwd root" "getent group root" "getent passwd nobody" \
		"getent hosts localhost"; do
		# shellcheck disable=SC2086
		same_in "$W/T" "$_r" $_c
	done
	# shellcheck disable=SC2086
	sr_tree -q --sysroot "$_r" $NSS_PROGS
	expect_rc 0
	expect_out_has "    file /etc/hosts  [host names the files service reads before DNS"
	if [ "$_minor" -lt 34 ]; then
		expect_out_has "    at run time: libnss_files.so.2 => " \
			"[NSS module of 'files' for users, groups or hosts: glibc 2.$_minor loads libnss_files.so.2 (2.34 built it in); dlopen from libc.so.6]" \
			"    at run time: libnss_dns.so.2 => " "        libresolv.so.2 => "
	else
		expect_out_lacks "libnss_files" "libnss_dns"
	fi
	step "--without nss"
	nss_image "$_r" "$W/T2" --without nss
	[ ! -e "$W/T2/etc/hosts" ] || fail "--without nss: /etc/hosts in the image"
	same_in "$W/T" "$_r" getent hosts localhost
	fails_in "$W/T2" getent hosts localhost
	same_in "$W/T" "$_r" getent passwd root
	if [ "$_minor" -lt 34 ]; then
		fails_in "$W/T2" getent passwd root
	else
		in_root "$W/T2" getent passwd root >/dev/null ||
			fail "glibc 2.$_minor without nsswitch.conf: 'files' is built in, yet getent passwd root fails"
	fi
}

# root_nss_dns ROOT MINOR: a name only a DNS server on 127.0.0.1 knows,
# resolved as in the root; before 2.34 only with libnss_dns.so.2.
root_nss_dns() {
	_r=$1 _minor=$2
	nss_image "$_r" "$W/T"
	nss_image "$_r" "$W/T2" --without nss
	with_dns scratch.test 192.0.2.7 dns_lookups "$_r" "$_minor"
}

dns_lookups() {
	for _c in "getent hosts scratch.test" "getent ahostsv4 scratch.test"; do
		# shellcheck disable=SC2086
		same_in "$W/T" "$1" $_c
		grep -q '^192\.0\.2\.7 ' "$W/.same" || fail "'$_c' did not get the server's answer"
		if [ "$2" -lt 34 ]; then
			# shellcheck disable=SC2086
			fails_in "$W/T2" $_c
		fi
	done
	same_in "$W/T" "$1" getent hosts no-such.test
}

# root_terminfo ROOT: tput colors and clear read the description of $TERM.
root_terminfo() {
	_r=$1
	sr -q --sysroot "$_r" -o "$W/T" /usr/bin/tput /usr/bin/clear
	expect_rc 0
	same_in "$W/T" "$_r" TERM=xterm-256color tput colors
	[ "$(cat "$W/.same")" = 256 ] || fail "tput colors: '$(cat "$W/.same")', expected 256"
	same_in "$W/T" "$_r" TERM=tmux-256color tput colors
	same_in "$W/T" "$_r" TERM=linux clear
	same_in "$W/T" "$_r" TERM=vt100 tput cup 3 4
	sr -q --sysroot "$_r" -o "$W/T2" --without terminfo /usr/bin/tput /usr/bin/clear
	expect_rc 0
	same_in "$W/T" "$_r" TERM=xterm-256color tput colors
	fails_in "$W/T2" TERM=xterm-256color tput colors
}

# root_copy ROOT DIR: a copy of ROOT at DIR to add files to, sharing the
# root's files (hard links) when both are on one file system.
root_copy() {
	cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }
}

# use_root FUNC: sets R to the directory of the root FUNC (root_trixie...)
# builds, or ends the script or scenario the way FUNC ended (skipped, failed).
use_root() {
	R=$("$1") || { _st=$?; echo "$R"; exit "$_st"; }
}
