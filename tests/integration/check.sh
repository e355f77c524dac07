#!/bin/sh
# --check runs each program from the new tree as a container runtime would,
# reports each outcome, and leaves the tree as it was.
. "$(dirname "$0")/lib.sh"

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
finish
