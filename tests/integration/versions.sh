#!/bin/sh
# Symbol versions (DT_VERNEED against DT_VERDEF): a library that lacks a
# version the program was linked against fails to load under glibc, and
# scratchroot must say so, naming the version, the library and the requester.
. "$(dirname "$0")/lib.sh"

need_cmd gcc readelf

# libv OUT v1|v2|none: libv.so.1 defining VERS_1.0, VERS_1.0 and VERS_2.0, or
# no versions at all.
libv() {
	mkdir -p "$(dirname "$1")"
	case $2 in
	v1)	echo 'VERS_1.0 { global: v_old; local: *; };' >"$W/v.map"
		set -- "$1" "-Wl,--version-script=$W/v.map" ;;
	v2)	printf '%s\n' 'VERS_1.0 { global: v_old; local: *; };' \
			'VERS_2.0 { global: v_new; } VERS_1.0;' >"$W/v.map"
		set -- "$1" "-Wl,--version-script=$W/v.map" -DV2 ;;
	none)	set -- "$1" -DV2 ;;
	esac
	_o=$1
	shift
	cc -shared -fPIC -Wl,--no-as-needed -Wl,-soname,libv.so.1 -o "$_o" "$@" \
		"$srcdir/testdata/libv.c"
}

# prog linked against the new libv, run against d/libv.so.1.
setup() {
	libv new/libv.so.1 v2
	cc -Wl,--no-as-needed -Wl,--enable-new-dtags "-Wl,-rpath,$W/d" -o prog \
		"$srcdir/testdata/main-libv.c" new/libv.so.1
	readelf -VW prog | grep -q 'Name: VERS_2.0' || fail "fixture: prog does not need VERS_2.0"
	mkdir -p d
}

version_missing() {
	setup
	libv d/libv.so.1 v1
	sr --list prog
	expect_rc 1
	expect_err_has "'$W/d/libv.so.1'" "'VERS_2.0'" "$W/prog"
	expect_err_lacks "VERS_1.0"
	sr --tree prog
	expect_rc 1
	expect_run_fails "version \`VERS_2.0' not found (required by ./prog)" ./prog
}

version_present() {
	setup
	libv d/libv.so.1 v2
	sr_list prog
	expect_list_is $(glibc_base) "$W/prog" "$W/d/libv.so.1"
	expect_image_runs "" "v1
v2" "$W/prog"
	expect_err_lacks "VERS_2.0"
	expect_run "v1
v2" ./prog
}

# The requester is a library, not the program.
version_missing_for_library() {
	libv new/libv.so.1 v2
	mkdir d
	cc -shared -fPIC -Wl,--no-as-needed -Wl,-soname,libvuser.so.1 -DLIB \
		-o d/libvuser.so.1 "$srcdir/testdata/main-libv.c" new/libv.so.1
	cc -Wl,--no-as-needed -Wl,--disable-new-dtags "-Wl,-rpath,$W/d" -DOLD_ONLY -o prog \
		"$srcdir/testdata/main-libv.c" d/libvuser.so.1 new/libv.so.1
	libv d/libv.so.1 v1
	sr --list prog
	expect_rc 1
	expect_err_has "'$W/d/libv.so.1'" "'VERS_2.0'" "$W/d/libvuser.so.1"
	expect_run_fails "version \`VERS_2.0' not found (required by $W/d/libvuser.so.1)" ./prog
}

# A library with no version information at all: glibc warns and runs.
no_version_info() {
	setup
	libv d/libv.so.1 none
	sr_list prog
	expect_list_is $(glibc_base) "$W/prog" "$W/d/libv.so.1"
	expect_err_has "no version information available"
	expect_run "v1
v2" ./prog
	grep -Fq "no version information available" "$W/.run.err" ||
		fail "real loader: no warning about version information"
}

scenario V1 "a missing symbol version is an error naming version, library, requester" version_missing
scenario V2 "the library defining the version: exit 0" version_present
scenario V3 "a missing version required by a library names that library" version_missing_for_library
scenario V4 "a library without version information: a warning, exit 0" no_version_info
finish
