#!/bin/sh
# A cross (aarch64) sysroot: every path, absolute symlinks included, is
# resolved inside the root, never on the host (doc/loader-rules.md T03, T38).
# The loader's own answer comes from qemu-aarch64 run in `chroot ROOT` (with
# qemu's x86-64 closure copied in) when root, or from the aarch64 ld.so run
# explicitly under `qemu-aarch64 -L ROOT` otherwise.
. "$(dirname "$0")/lib.sh"

need_cmd aarch64-linux-gnu-gcc readelf
XLIB=/usr/aarch64-linux-gnu/lib
[ -f "$XLIB/libc.so.6" ] && [ -f "$XLIB/ld-linux-aarch64.so.1" ] ||
	skip "no $XLIB (libc6-arm64-cross)"
CC=aarch64-linux-gnu-gcc
LDSO=/lib/ld-linux-aarch64.so.1
MULTI=/usr/lib/aarch64-linux-gnu

# make_root ROOT: Debian-like arm64 layout: lib -> usr/lib, the libraries in
# /usr/lib/aarch64-linux-gnu, and the interpreter reached through an
# absolute symlink /usr/lib/ld-linux-aarch64.so.1 -> $MULTI/ld-linux-aarch64.so.1.
make_root() {
	mkdir -p "$1$MULTI" "$1/etc" "$1/opt/w"
	ln -s usr/lib "$1/lib"
	for f in "$XLIB"/*; do
		case $f in *.a | *.o) continue ;; esac
		cp -a "$f" "$1$MULTI/"
	done
	ln -s "$MULTI/ld-linux-aarch64.so.1" "$1/usr/lib/ld-linux-aarch64.so.1"
}

# expected ROOT PROG OPENED...: what --list must say: each path the loader
# opens (the interpreter, then each library), resolved in ROOT, plus PROG.
expected() {
	_r=$1
	shift
	for _p; do chain "$_r" "$_p"; done | sort -u
}

# run_in ROOT OUTPUT ARGS...: the aarch64 loader runs ROOT/prog (ARGS are its
# arguments) and prints OUTPUT; in a chroot, it also opens each library
# under the path the --tree in $W/out shows.  HOSTILE=1: only a chroot is
# faithful.
run_in() {
	_r=$1 _want=$2
	shift 2
	if ! command -v qemu-aarch64 >/dev/null 2>&1; then
		note "real-loader check skipped: no qemu-aarch64"
		return 0
	fi
	if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null 2>&1; then
		_q=$(command -v qemu-aarch64)
		copy_into "$_r" $(host_closure "$_q") $(chain "" "$_q")
		expect_run "$_want" chroot "$_r" "$_q" /prog "$@"
		expect_opened_as_loader chroot "$_r" "$_q" /prog "$@"
	elif [ "${HOSTILE:-0}" = 1 ]; then
		note "real-loader check skipped: needs root (chroot)"
	else
		note "not root: loader run explicitly under qemu-aarch64 -L (PT_INTERP not checked)"
		expect_run "$_want" qemu-aarch64 -L "$_r" "$_r$MULTI/ld-linux-aarch64.so.1" /prog "$@"
	fi
}

# image_runs OUTPUT ARGS...: an image of the --list in $W/out (plus qemu)
# runs /prog ARGS in a chroot and prints OUTPUT.
image_runs() {
	if ! command -v qemu-aarch64 >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
		note "image check skipped: needs root and qemu-aarch64"
		return 0
	fi
	_q=$(command -v qemu-aarch64)
	IMG_EXTRA="$(host_closure "$_q") $(chain "" "$_q")"
	expect_image_runs R "$@"
	IMG_EXTRA=
}

a1_layout() {
	make_root R
	cc_lib w libw.so.1 R/opt/w/libw.so.1
	cc_prog R/prog -Wl,--enable-new-dtags -Wl,-rpath,/opt/w R/opt/w/libw.so.1
	[ "$(interp_of R/prog)" = "$LDSO" ] || fail "fixture: PT_INTERP is not $LDSO"
	sr_list --sysroot R /prog
	expected R /prog "$LDSO" /opt/w/libw.so.1 /lib/aarch64-linux-gnu/libc.so.6 >"$W/want"
	expect_list_is $(cat "$W/want")
	# The same, spelled out.
	expect_list_is /lib /opt/w/libw.so.1 /prog "$MULTI/ld-linux-aarch64.so.1" \
		"$MULTI/libc.so.6" /usr/lib/ld-linux-aarch64.so.1
	image_runs w "$(command -v qemu-aarch64)" /prog
	sr_tree --sysroot R /prog
	expect_rc 0
	expect_out_has "/prog (ELF64 aarch64, dynamic, glibc)" \
		"interpreter $LDSO -> $MULTI/ld-linux-aarch64.so.1" \
		"libc.so.6 => /lib/aarch64-linux-gnu/libc.so.6 -> $MULTI/libc.so.6"
	expect_err_lacks /usr/aarch64-linux-gnu
	run_in R w
}

# Symlinks that would leave the root on the host: an absolute one to
# /etc/shadow and a relative one with too many `..`.
a2_hostile_symlinks() {
	make_root R
	cc_lib w libw.so.1 R/opt/w/libw.so.1
	cc_lib evil-in-root libevil.so.1 R/opt/w/libevil.so.1 -DFN=evil_who
	cc_lib dots-in-root libdots.so.1 R/opt/w/libdots.so.1 -DFN=dots_who
	cc_prog R/prog -Wl,--enable-new-dtags -Wl,-rpath,/opt/w \
		R/opt/w/libw.so.1 R/opt/w/libevil.so.1 R/opt/w/libdots.so.1
	mv R/opt/w/libevil.so.1 R/etc/shadow
	ln -s /etc/shadow R/opt/w/libevil.so.1
	mv R/opt/w/libdots.so.1 "R$MULTI/libdots.so.1"
	ln -s "../../../../../../../../../../../../../../../..$MULTI/libdots.so.1" \
		R/opt/w/libdots.so.1
	sr_list --sysroot R /prog
	expected R /prog "$LDSO" /opt/w/libw.so.1 /opt/w/libevil.so.1 /opt/w/libdots.so.1 \
		/lib/aarch64-linux-gnu/libc.so.6 >"$W/want"
	expect_list_is $(cat "$W/want")
	expect_list_has /etc/shadow "$MULTI/libdots.so.1" /opt/w/libevil.so.1 /opt/w/libdots.so.1
	image_runs "w
evil-in-root
dots-in-root" "$(command -v qemu-aarch64)" /prog who evil_who dots_who
	sr_tree --sysroot R /prog
	expect_rc 0
	HOSTILE=1
	run_in R "w
evil-in-root
dots-in-root" who evil_who dots_who
}

# The aarch64 loader skips an x86-64 library placed first (T38).
a3_wrong_machine_skipped() {
	make_root R
	cc_lib w libw.so.1 R/opt/w/libw.so.1
	(CC=gcc; cc_lib x86 libw.so.1 R/opt/x86/libw.so.1)
	cc_prog R/prog -Wl,--enable-new-dtags -Wl,-rpath,/opt/x86:/opt/w R/opt/w/libw.so.1
	sr_list --sysroot R /prog
	expect_list_has /opt/w/libw.so.1
	expect_list_lacks /opt/x86/libw.so.1
	sr_tree --sysroot R /prog
	expect_out_has "libw.so.1 => /opt/w/libw.so.1" "note: /opt/x86/libw.so.1: skipped"
	run_in R w
}

# No ld.so.cache in the root: the host's x86-64 cache must not be used.
a4_no_host_cache() {
	make_root R
	cc_lib w libw.so.1 R/usr/local/lib/libw.so.1
	cc_prog R/prog R/usr/local/lib/libw.so.1
	sr --list --sysroot R /prog
	expect_rc 1
	expect_err_has "'/prog': libw.so.1: cannot open shared object file"
	if command -v qemu-aarch64 >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		_q=$(command -v qemu-aarch64)
		copy_into R $(host_closure "$_q") $(chain "" "$_q")
		expect_run_fails "libw.so.1: cannot open shared object file" chroot R "$_q" /prog
	else
		note "real-loader check skipped: needs root and qemu-aarch64"
	fi
}

scenario A1 "aarch64 root: /lib -> usr/lib and an absolute interpreter symlink" a1_layout
scenario A2 "symlinks to /etc/shadow and ../../.. stay inside the root" a2_hostile_symlinks
scenario A3 "an x86-64 library earlier in the path is skipped" a3_wrong_machine_skipped
scenario A4 "a root without ld.so.cache: /usr/local/lib is not searched" a4_no_host_cache
finish
