#!/bin/sh
# --check runs each program from the new tree as a container runtime would,
# reports each outcome, and leaves the tree as it was.
. "$(dirname "$0")/lib.sh"

# ---- the escape fixture (testdata/check-escape.c) ----

# need_namespaces: --check makes PID, network, IPC, UTS and mount namespaces.
need_namespaces() {
	need_root
	unshare -p -f -n -i -u -m true 2>/dev/null ||
		skip "cannot make PID, network, IPC, UTS and mount namespaces here (unshare -pfnium)"
}

# escape_fixture: testdata/check-escape.c linked -static, as $W/check-escape.
escape_fixture() {
	case $("$CC" -print-file-name=libc.a) in
	/*) ;;
	*) skip "no static libc (libc.a) for gcc -static" ;;
	esac
	cc -static -O2 -o "$W/check-escape" "$srcdir/testdata/check-escape.c"
}

# start_server NAME: a host process listening on the host's 127.0.0.1 (the
# fixture's "serve"), which also serves as a host process to signal; sets
# NAME_pid and NAME_port.  The scenario's trap (stop_servers) stops it.
start_server() {
	"$W/check-escape" serve "$W/$1.port" </dev/null >/dev/null 2>&1 &
	echo "$!" >>"$W/.servers"
	eval "$1_pid=$!"
	_n=0
	while [ ! -s "$W/$1.port" ]; do
		_n=$((_n + 1))
		[ "$_n" -lt 100 ] || fail "the $1 server did not start"
		sleep 0.1
	done
	eval "$1_port=$(cat "$W/$1.port")"
}

stop_servers() {
	[ ! -f "$W/.servers" ] || while read -r _p; do
		kill "$_p" 2>/dev/null || :
	done <"$W/.servers"
}

# expect_blocked CHECK [ARGS...]: the fixture's CHECK, run through --check,
# reports "CHECK: blocked".
expect_blocked() {
	_c=$1
	shift
	sr -f -o "$W/t" "--check=only=$_c${*:+ $*}" "$W/check-escape"
	expect_rc 0
	expect_err_has "scratchroot: '$W/check-escape': --check ran: exit 0: $_c: blocked"
}

# escapes_on_host CHECK [ARGS...]: the same check, run plainly as root on
# the host, reports "CHECK: ESCAPED": the fixture does detect the escape.
escapes_on_host() {
	_c=$1
	shift
	_st=0
	"$W/check-escape" "only=$_c" "$@" >"$W/host.out" 2>&1 || _st=$?
	[ "$_st" = 1 ] && grep -q "^$_c: ESCAPED: " "$W/host.out"
}

expect_escapes_on_host() {
	escapes_on_host "$@" || {
		cat "$W/host.out" >&2
		fail "run on the host, the fixture does not report '$1: ESCAPED'"
	}
}

# The same where a host that is itself a container may block the escape.
maybe_escapes_on_host() {
	escapes_on_host "$@" ||
		note "run on the host, '$1' is not ESCAPED (is the host confined?): $(cat "$W/host.out")"
}

# host_blk: MAJOR:MINOR of a block device of the host, empty if none.
host_blk() {
	for _d in /dev/vda /dev/sda /dev/nvme0n1 /dev/xvda /dev/loop0; do
		[ -b "$_d" ] || continue
		printf '%d:%d\n' "0x$(stat -c %t "$_d")" "0x$(stat -c %T "$_d")"
		return 0
	done
}

# tree_state DIR: every path of DIR with its type, mode, size and mtime.
tree_state() {
	(cd "$1" && find . -printf '%p %y %m %s %T@\n' | sort)
}

check_pid_namespace() {
	need_namespaces
	escape_fixture
	trap stop_servers EXIT
	start_server host
	start_server victim
	expect_blocked proc "hostpid=$host_pid"
	expect_blocked kill "hostpid=$host_pid"
	kill -0 "$host_pid" 2>/dev/null || fail "a host process was killed from inside --check"
	expect_escapes_on_host proc "hostpid=$victim_pid"
	expect_escapes_on_host kill "hostpid=$victim_pid"
	sleep 0.2
	! kill -0 "$victim_pid" 2>/dev/null || fail "the fixture's kill on the host did not kill"
}

check_devices_and_root() {
	need_namespaces
	escape_fixture
	blk=$(host_blk)
	expect_blocked dev
	maybe_escapes_on_host dev
	expect_blocked rofs rofs
	if [ -n "$blk" ]; then
		expect_blocked mknod "blk=$blk"
	else
		note "mknod not tried: the host has no block device to copy"
	fi
	sr -f -o "$W/t" "--check=ls /dev" "$W/check-escape"
	expect_rc 0
	expect_err_has "--check ran: exit 0: fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
	# The tree is not modified, not even for a moment: the same paths,
	# modes and mtimes as a tree written without --check.
	sr -o "$W/plain" "$W/check-escape"
	expect_rc 0
	sr -o "$W/checked" "--check=rofs${blk:+ blk=$blk}" "$W/check-escape"
	expect_rc 0
	tree_state "$W/plain" >"$W/plain.state"
	tree_state "$W/checked" >"$W/checked.state"
	diff -u "$W/plain.state" "$W/checked.state" >&2 || fail "--check changed the tree"
}

check_network_and_uts() {
	need_namespaces
	escape_fixture
	trap stop_servers EXIT
	start_server host
	expect_blocked net "port=$host_port"
	maybe_escapes_on_host net "port=$host_port"
	expect_blocked uts
	maybe_escapes_on_host uts
}

check_privileges() {
	need_namespaces
	escape_fixture
	for c in caps nnp sysctl; do
		expect_blocked "$c"
		maybe_escapes_on_host "$c"
	done
}

check_everything_at_once() {
	need_namespaces
	escape_fixture
	trap stop_servers EXIT
	start_server host
	blk=$(host_blk)
	sr -o "$W/t" "--check=hostpid=$host_pid port=$host_port rofs${blk:+ blk=$blk}" "$W/check-escape"
	expect_rc 0
	expect_err_has "scratchroot: '$W/check-escape': --check ran: exit 0: proc: blocked"
	kill -0 "$host_pid" 2>/dev/null || fail "a host process was killed from inside --check"
}

# No process of the namespace outlives its pid 1; a signal comes back as
# 128 + the signal, as from a shell.
check_namespace_ends_with_its_program() {
	need_namespaces
	escape_fixture
	tok=left-behind-$$
	sr -o "$W/t" "--check=orphan $tok" "$W/check-escape"
	expect_rc 0
	expect_err_has "scratchroot: '$W/check-escape': --check ran: exit 0: orphan left"
	for f in /proc/[0-9]*/cmdline; do
		case $(tr '\0' ' ' 2>/dev/null <"$f") in
		*"orphan $tok"*) fail "a child of the checked program is still running (${f%/cmdline})" ;;
		esac
	done
	sr -o "$W/t2" --check=crash "$W/check-escape"
	expect_rc 1
	expect_err_has "scratchroot: '$W/check-escape': --check FAILED: exit 139"
}

check_reports_each_program() {
	need_root
	cc_lib self libself.so.1 "$W/app/lib/libself.so.1"
	cc_prog "$W/app/bin/app" "$W/app/lib/libself.so.1" -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
	cc -o "$W/hello" "$srcdir/testdata/hello.c"
	sr -o "$W/t" --check=who "$W/app/bin/app" "$W/hello"
	expect_rc 0
	expect_err_has "scratchroot: '$W/app/bin/app': --check ran: exit 0: self" \
		"scratchroot: '$W/hello': --check ran: exit 0: hello"
	[ ! -e "$W/t/proc" ] && [ ! -e "$W/t/dev" ] || fail "--check changed the tree"
	sr -q -o "$W/t2" --check=nosuch "$W/app/bin/app"
	expect_rc 1
	expect_err_has "scratchroot: '$W/app/bin/app': --check FAILED: exit 3: nosuch: missing"
	[ -f "$W/t2$W/app/bin/app" ] || fail "the tree is gone after a failed check"
}

check_needs_output_dir() {
	sr --list --check /bin/true
	expect_rc 2
	expect_err_has "--check needs -o DIR"
}

scenario K01 "--check runs each program, reports, changes nothing" check_reports_each_program
scenario K02 "--check needs -o" check_needs_output_dir
scenario K03 "--check: pid 1 of its own PID namespace, no host process to see or signal" check_pid_namespace
scenario K04 "--check: a private /dev without disks, a read-only root, the tree untouched" check_devices_and_root
scenario K05 "--check: only a loopback network, its own hostname" check_network_and_uts
scenario K06 "--check: Docker's capabilities, no new privileges, read-only /proc/sys" check_privileges
scenario K07 "--check: every escape of the fixture blocked in one run" check_everything_at_once
scenario K08 "--check: the namespace ends with its program, the status comes back" check_namespace_ends_with_its_program
finish
