#!/bin/bash
# Hostile inputs and outputs: what an attacker could hand the tool (a
# crafted ELF file, a hostile sysroot, a planted temporary, a file changing
# under it, a closed pipe, a full disk) and where it writes (devices, FIFOs,
# inputs, mount points).  Each scenario failed before its fix; the ones that
# need root or namespaces skip with 77 otherwise.
. "$(dirname "$0")/lib.sh"

hello() { cc -o "$W/${1:-hello}" "$srcdir/testdata/hello.c"; }

# ---- where --tar writes (item 1) ----

tar_onto_what_is_not_a_file() {
	need_root
	hello
	mknod "$W/null" c 1 3
	sr -q --tar "$W/null" "$W/hello"
	expect_rc 0
	[ -c "$W/null" ] || fail "the device node was replaced by a file"
	ln -s "$W/null" "$W/to-null"
	sr -q --tar "$W/to-null" "$W/hello"
	expect_rc 0
	[ -L "$W/to-null" ] && [ -c "$W/null" ] || fail "the symlink to a device was replaced"
	mkfifo "$W/fifo"
	cat "$W/fifo" >"$W/from-fifo" &
	reader=$!
	sr -q --tar "$W/fifo" "$W/hello"
	expect_rc 0
	wait "$reader"
	[ -p "$W/fifo" ] || fail "the FIFO was replaced"
	tar tf "$W/from-fifo" | grep -qx "${W#/}/hello" || fail "no tar came through the FIFO"
}

tar_onto_a_file_or_an_input() {
	hello
	echo keep >"$W/old.tar"
	sr -q --tar "$W/old.tar" "$W/hello"
	expect_rc 1
	expect_err_has "'$W/old.tar': exists (--force replaces it, atomically)"
	[ "$(cat "$W/old.tar")" = keep ] || fail "an existing file was overwritten without --force"
	sr -q --force --tar "$W/old.tar" "$W/hello"
	expect_rc 0
	tar tf "$W/old.tar" >/dev/null || fail "--force did not write the tar"
	cp "$W/hello" "$W/hello.orig"
	sr -q --force --tar "$W/hello" "$W/hello"
	expect_rc 1
	expect_err_has "'$W/hello': is the input '$W/hello'"
	cmp -s "$W/hello" "$W/hello.orig" || fail "the input was overwritten"
	mkdir -p "$W/root/bin"
	cp "$W/hello" "$W/root/bin/"
	copy_into "$W/root" $(glibc_base)
	sr -q --sysroot "$W/root" --tar "$W/root/out.tar" /bin/hello
	expect_rc 1
	expect_err_has "lies inside the sysroot"
	[ ! -e "$W/root/out.tar" ] || fail "a tar was written inside the sysroot"
}

# ---- planted temporaries (item 4) ----

planted_temporaries_are_left_or_removed_safely() {
	need_root
	hello
	mkdir -p "$W/p" "$W/vdir"
	echo victim >"$W/victim"
	chmod 0644 "$W/victim"
	echo in-dir >"$W/vdir/file"
	# Another user's tree, named like a dead run's (the old PID form too).
	mkdir -p "$W/p/.D.scratchroot-999999-abcdef/x"
	ln -s "$W/victim" "$W/p/.D.scratchroot-999999-abcdef/x/v"
	chown -R 65534:65534 "$W/p/.D.scratchroot-999999-abcdef"
	# One of our own user's, with a directory swapped for a symlink.
	mkdir -p "$W/p/.D.scratchroot-0123456789abcdef"
	ln -s "$W/vdir" "$W/p/.D.scratchroot-0123456789abcdef/sub"
	ln -s "$W/victim" "$W/p/.D.scratchroot-0123456789abcdef/f"
	chmod 0555 "$W/p/.D.scratchroot-0123456789abcdef"
	sr -q -o "$W/p/D" "$W/hello"
	expect_rc 0
	[ "$(stat -c %a "$W/victim")" = 644 ] || fail "the victim's mode changed to $(stat -c %a "$W/victim")"
	[ -f "$W/vdir/file" ] || fail "a file behind a planted symlink was removed"
	[ -d "$W/p/.D.scratchroot-999999-abcdef" ] || fail "another user's tree was removed"
	[ ! -e "$W/p/.D.scratchroot-0123456789abcdef" ] || fail "our own stale temporary was left"
}

# ---- --force never replaces what is read (item 5) ----

force_never_replaces_an_input_or_the_sysroot() {
	hello
	mkdir "$W/bin"
	cp "$W/hello" "$W/bin/prog"
	sr -q --force -o "$W/bin" "$W/bin/prog"
	expect_rc 1
	expect_err_has "'$W/bin': is or holds the input '$W/bin/prog'"
	[ -x "$W/bin/prog" ] || fail "the input was deleted"
	sr -q --force -o "$W" "$W/bin/prog"
	expect_rc 1
	[ -x "$W/bin/prog" ] || fail "the input was deleted (DIR above it)"
	mkdir -p "$W/root/bin"
	cp "$W/hello" "$W/root/bin/"
	copy_into "$W/root" $(glibc_base)
	sr -q --sysroot "$W/root" --force -o "$W/root" /bin/hello
	expect_rc 1
	[ -x "$W/root/bin/hello" ] || fail "the sysroot was replaced"
	sr -q --sysroot "$W/root" -o "$W/root/out" /bin/hello
	expect_rc 1
	expect_err_has "lies inside the sysroot"
	[ ! -e "$W/root/out" ] || fail "a tree was written inside the sysroot"
}

# ---- bundle arguments (item 6) ----

bundle_arguments_name_no_path() {
	hello
	for arg in locale=../../../../etc locale=/etc tzdata=../../../etc/shadow \
		tzdata=/etc/shadow gconv=../x gconv=a/b locale=C.UTF-8/x terminfo=../x; do
		sr -q --list --with="$arg" "$W/hello"
		expect_rc 2
	done
	expect_err_has "--with:"
	if [ -f /usr/share/zoneinfo/Europe/Paris ]; then
		sr_list --with=tzdata=Europe/Paris "$W/hello"
		expect_list_has /usr/share/zoneinfo/Europe/Paris
	fi
}

# ---- a sysroot that changes under the run (item 7) ----

swapped_directories_leak_nothing() {
	# Symlinks only: a file read outside would be refused when copied (its
	# identity changed), a link target would be copied as it was read.
	mkdir -p "$W/root/a/b" "$W/out/b"
	for i in $(seq 1 200); do
		ln -s inside-target "$W/root/a/b/link$i"
		ln -s LEAK-TARGET "$W/out/b/link$i"
	done
	echo LEAK-MARKER >"$W/out/b/file"
	ln -s "$W/out" "$W/root/a.swap"
	# /a and a symlink to the outside swap places as fast as the kernel
	# can (renameat2 RENAME_EXCHANGE), until the file "stop" appears.
	python3 - "$W/root" "$W/stop" <<'PY' &
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
root, stop = sys.argv[1].encode(), sys.argv[2]
a, b = root + b"/a", root + b"/a.swap"
n = 0
while n % 4096 or not os.path.exists(stop):
    libc.renameat2(-100, a, -100, b, 2)  # AT_FDCWD, RENAME_EXCHANGE
    n += 1
if os.path.islink(a):
    libc.renameat2(-100, a, -100, b, 2)
PY
	swapper=$!
	leaked=
	for i in $(seq 1 100); do
		rc=0
		"$SR" -q --no-base --strip=none --sysroot "$W/root" --add /a -o "$W/t$i" \
			>/dev/null 2>"$W/err.$i" || rc=$?
		[ "$rc" -le 1 ] || { leaked="run $i ended with $rc"; break; }
		if [ -e "$W/t$i" ] && grep -rq LEAK-MARKER "$W/t$i"; then
			leaked="run $i copied a file from outside the sysroot"; break
		fi
		if [ -n "$(find "$W/t$i" -lname 'LEAK-TARGET' 2>/dev/null)" ]; then
			leaked="run $i copied a link target from outside"; break
		fi
	done
	: >"$W/stop"
	wait "$swapper" || :
	[ -z "$leaked" ] || fail "$leaked"
	ok=$(find "$W" -maxdepth 1 -name 't*' -type d | wc -l)
	note "$ok of 100 runs wrote a tree while /a was being swapped"
}

# ---- a file that shrinks while it is read (item 8) ----

# A shared library of a few MiB with a symbol table and debug information.
big_library() {
	python3 -c '
for i in range(6000):
    print("int f%d(int x) { return x * %d + %d; }" % (i, i, i))
print("char table[1 << 20] = { 1 };")' >"$W/big.c"
	cc -shared -fPIC -g -O0 -o "$W/libbig.so" "$W/big.c"
}

shrinking_input_is_an_error_not_a_crash() {
	big_library
	cp "$W/libbig.so" "$W/pristine.so"
	size=$(stat -c %s "$W/libbig.so")
	(
		while [ -e "$W/pristine.so" ]; do
			truncate -s $((size / 3)) "$W/libbig.so"
			cat "$W/pristine.so" >"$W/libbig.so"
		done
	) &
	shrinker=$!
	for i in $(seq 1 30); do
		rc=0
		"$SR" -q --no-base -o "$W/t$i" --add "$W/libbig.so" >/dev/null 2>"$W/err.$i" || rc=$?
		case $rc in
		0) ;;
		1) [ "$(wc -l <"$W/err.$i")" -ge 1 ] && ! grep -qv "^scratchroot: '" "$W/err.$i" ||
			{ kill "$shrinker"; cat "$W/err.$i" >&2; fail "run $i: no clear message"; } ;;
		*) kill "$shrinker"; cat "$W/err.$i" >&2; fail "run $i ended with $rc (a signal)" ;;
		esac
	done
	rm -f "$W/pristine.so"
	wait "$shrinker" 2>/dev/null || :
}

# ---- many files to strip, few descriptors (item 9) ----

many_files_few_descriptors() {
	cc -g -o "$W/prog" "$srcdir/testdata/strip-prog.c"
	mkdir "$W/many"
	for i in $(seq 1 1100); do cp "$W/prog" "$W/many/p$i"; done
	rc=0
	(ulimit -n 128 && exec "$SR" -q --no-base -o "$W/t" --add "$W/many") >"$W/out" 2>"$W/err" || rc=$?
	expect_rc 0
	[ "$(find "$W/t$W/many" -type f | wc -l)" = 1100 ] || fail "not every file is in the tree"
	[ "$(stat -c %s "$W/t$W/many/p1")" -lt "$(stat -c %s "$W/prog")" ] || fail "the files were not stripped"
}

# ---- an empty mount point (item 10) ----

into_an_empty_mount_point() {
	need_root
	hello
	mkdir "$W/mnt"
	mount -t tmpfs tmpfs "$W/mnt" || skip "cannot mount a tmpfs"
	rc=0
	"$SR" -q -o "$W/mnt" "$W/hello" >"$W/out" 2>"$W/err" || rc=$?
	r2=0
	"$SR" -q -o "$W/mnt" "$W/hello" >"$W/out2" 2>"$W/err2" || r2=$?
	r3=0
	"$SR" -q --force -o "$W/mnt" --no-base "$W/hello" >"$W/out3" 2>"$W/err3" || r3=$?
	mountpoint -q "$W/mnt" || { umount "$W/mnt" 2>/dev/null; fail "the mount point was replaced"; }
	have=$(find "$W/mnt" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
	umount "$W/mnt"
	[ "$rc" = 0 ] || { cat "$W/err" >&2; fail "writing into an empty mount point: status $rc"; }
	[ "$r2" = 1 ] && grep -q "not empty" "$W/err2" || { cat "$W/err2" >&2; fail "a full mount point was not refused"; }
	[ "$r3" = 0 ] || { cat "$W/err3" >&2; fail "--force into a full mount point: status $r3"; }
	case $have in *etc*) fail "--force --no-base kept the old /etc: $have" ;; esac
	case $have in *tmp*) ;; *) fail "the tree is not in the mount point: $have" ;; esac
}

# ---- every mode fails on an image error (item 11) ----

image_errors_fail_every_mode() {
	hello
	echo x >"$W/passwd"
	for mode in --list "--list --why" --tree; do
		# shellcheck disable=SC2086
		sr $mode -q --add "$W/passwd:/etc/passwd" "$W/hello"
		expect_rc 1
		expect_err_has "'/etc/passwd': a base file goes here"
	done
}

# ---- closed pipes and full disks name the output (item 13) ----

closed_pipe_and_full_disk() {
	hello
	set +e
	"$SR" -q --tar - "$W/hello" 2>"$W/err" | head -c 10 >/dev/null
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" = 1 ] || fail "--tar - | head: status $rc, expected 1"
	expect_err_has "scratchroot: '-': Broken pipe"
	# A full disk: a device node of our own (/dev/full's numbers), so that
	# a regression could only ever replace this one.
	if [ "$(id -u)" = 0 ] && mknod "$W/full" c 1 7 2>/dev/null; then
		sr -q --tar "$W/full" "$W/hello"
		expect_rc 1
		expect_err_has "scratchroot: '$W/full': No space left on device"
		expect_err_lacks "libc.so.6"
	else
		note "no device node of our own (not root): the full-disk case is not run"
	fi
}

# ---- the debug directory (item 14) ----

debug_dir_only_with_a_written_image() {
	cc -g -o "$W/prog" "$srcdir/testdata/strip-prog.c"
	cc_lib gone libgone.so.1 "$W/lib/libgone.so.1"
	cc -g -o "$W/broken" "$srcdir/testdata/strip-prog.c" -Wl,--no-as-needed "$W/lib/libgone.so.1"
	rm "$W/lib/libgone.so.1"
	sr -q -o "$W/t" --debug-dir "$W/dbg" "$W/prog" "$W/broken"
	expect_rc 1
	[ ! -e "$W/dbg" ] || fail "a failed job wrote the debug directory"
	id=$(readelf -n "$W/prog" | sed -n 's/.*Build ID: \(..\).*/\1/p')
	mkdir -p "$W/dbg2/.build-id" "$W/elsewhere"
	ln -s "$W/elsewhere" "$W/dbg2/.build-id/$id"
	sr -q -o "$W/t2" --debug-dir "$W/dbg2" "$W/prog"
	expect_rc 1
	expect_err_has "a symlink is in the way"
	[ -z "$(ls -A "$W/elsewhere")" ] || fail "a debug file was written through a planted symlink"
	[ ! -e "$W/t2" ] || fail "the tree was published although the debug directory failed"
}

# ---- one line per diagnostic (item 15) ----

diagnostics_are_one_line() {
	soname=$(printf 'libnl.so.1\nscratchroot: forged')
	mkdir -p "$W/lib"
	cc -shared -fPIC -Wl,--no-as-needed "-Wl,-soname,$soname" -DWHO='"x"' \
		-o "$W/lib/libnl.so.1" "$srcdir/testdata/who.c"
	cc_prog "$W/app" "$W/lib/libnl.so.1"
	rm "$W/lib/libnl.so.1"
	sr --list -q "$W/app"
	expect_rc 1
	[ "$(wc -l <"$W/err")" = 1 ] || { cat "$W/err" >&2; fail "the message is not one line"; }
	expect_err_has 'libnl.so.1\nscratchroot: forged: cannot open shared object file'
	# A PT_INTERP with control bytes and invalid UTF-8.
	hello
	python3 - "$W/hello" "$W/odd" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.index(b'/lib64/ld-linux-x86-64.so.2')
b[i:i + 5] = b'/\x01\xff\x1b['
open(sys.argv[2], 'wb').write(b)
PY
	sr --list -q "$W/odd"
	expect_rc 1
	[ "$(wc -l <"$W/err")" = 1 ] || fail "the interpreter's message is not one line"
	expect_err_has '\x01\xff\x1b['
}

# ---- racing --force runs (item 16) ----

racing_force_runs() {
	hello
	for i in $(seq 1 10); do
		"$SR" -q --force -o "$W/D" "$W/hello" >"$W/out.$i" 2>"$W/err.$i" &
	done
	failed=0
	for job in $(jobs -p); do wait "$job" || failed=$((failed + 1)); done
	[ "$failed" = 0 ] || { cat "$W"/err.* >&2; fail "$failed of 10 --force runs failed"; }
	[ -x "$W/D$W/hello" ] || fail "D is not complete"
	[ -z "$(find "$W" -maxdepth 1 -name '.D.scratchroot-*')" ] || fail "temporaries left"
}

# ---- all outputs or none (item 17) ----

all_outputs_or_none() {
	need_root
	mknod "$W/full" c 1 7 || skip "cannot make a device node"
	hello
	sr -q -o "$W/t" --tar "$W/full" "$W/hello"
	expect_rc 1
	[ ! -e "$W/t" ] || fail "DIR was published although the tar failed"
}

# ---- libraries the loader refuses (also seen) ----

# patch LIB OUT WHAT: a copy of LIB with WHAT changed (noload: every PT_LOAD
# made PT_NULL; nodyn: PT_DYNAMIC of size 0; xnum: e_phnum = PN_XNUM).
patch() {
	python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
src, out, what = sys.argv[1:]
b = bytearray(open(src, 'rb').read())
phoff, = struct.unpack_from('<Q', b, 0x20)
phentsize, phnum = struct.unpack_from('<HH', b, 0x36)
if what == 'xnum':
    shoff, = struct.unpack_from('<Q', b, 0x28)
    struct.pack_into('<H', b, 0x38, 0xffff)
    struct.pack_into('<I', b, shoff + 0x2c, phnum)   # sh_info of section 0
for i in range(phnum):
    at = phoff + i * phentsize
    ptype, = struct.unpack_from('<I', b, at)
    if what == 'noload' and ptype == 1:
        struct.pack_into('<I', b, at, 0)
    if what == 'nodyn' and ptype == 2:
        struct.pack_into('<Q', b, at + 0x20, 0)
open(out, 'wb').write(b)
PY
}

refused_libraries() {
	cc_lib w libw.so.1 "$W/good/libw.so.1"
	cc_prog "$W/app" "$W/good/libw.so.1" -Wl,--enable-new-dtags,-rpath,'$ORIGIN/lib'
	mkdir "$W/lib"
	for what in noload:'object file has no loadable segments' \
		nodyn:'object file has no dynamic section' \
		xnum:'too many program headers'; do
		patch "$W/good/libw.so.1" "$W/lib/libw.so.1" "${what%%:*}"
		expect_run_fails "libw.so.1" "$W/app"
		sr --list -q "$W/app"
		expect_rc 1
		expect_err_has "libw.so.1: '$W/lib/libw.so.1': " "${what#*:}"
	done
	hello
	sr --list -q "$W/hello/"
	expect_rc 1
	expect_err_has "'$W/hello/': Not a directory"
	sr --list -q ""
	expect_rc 1
	expect_err_has "'': an empty file name"
}

scenario H01 "--tar into a device, a symlink to one, a FIFO: written in place" tar_onto_what_is_not_a_file
scenario H02 "--tar onto a file (without --force), an input, the sysroot: refused" tar_onto_a_file_or_an_input
scenario H03 "planted temporaries: another user's left, ours removed, no symlink followed" planted_temporaries_are_left_or_removed_safely
scenario H04 "--force never replaces an input or the sysroot, nothing is written inside it" force_never_replaces_an_input_or_the_sysroot
scenario H05 "bundle arguments are names, never paths" bundle_arguments_name_no_path
scenario H06 "a directory swapped for a symlink mid-run leaks nothing" swapped_directories_leak_nothing
scenario H07 "an input that shrinks while it is read: an error, never SIGBUS" shrinking_input_is_an_error_not_a_crash
scenario H08 "1100 files to strip under ulimit -n 128" many_files_few_descriptors
scenario H09 "-o onto an empty mount point, and --force onto a full one" into_an_empty_mount_point
scenario H10 "--list, --list --why and --tree exit 1 on an image error" image_errors_fail_every_mode
scenario H11 "a closed pipe and a full disk: exit 1, the output named" closed_pipe_and_full_disk
scenario H12 "--debug-dir: only with a written image, never through a symlink" debug_dir_only_with_a_written_image
scenario H13 "a newline or control bytes in a name: one escaped line" diagnostics_are_one_line
scenario H14 "ten racing --force runs on an absent DIR all succeed" racing_force_runs
scenario H15 "-o DIR --tar FILE: a failed tar publishes no DIR" all_outputs_or_none
scenario H16 "libraries glibc refuses, a trailing slash, an empty name" refused_libraries
finish
