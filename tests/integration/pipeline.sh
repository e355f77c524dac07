#!/bin/sh
# One manifest feeds every view: --list, --list --why, --tree and the tree
# written by -o agree; the views carry nothing out; the summary says each
# thing once; a live run is left alone by another run, whatever its PID
# namespace; the loader names and hints the walk gives.
. "$(dirname "$0")/lib.sh"

# $W/set: a batch of programs of /usr/bin, and a fixture with its own
# library found through $ORIGIN.
batch() {
	elf_files 40 >"$W/set"
	cc_lib own libown.so.1 "$W/app/lib/libown.so.1"
	cc_prog "$W/app/bin/app" "$W/app/lib/libown.so.1" -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
	echo "$W/app/bin/app" >>"$W/set"
}

# What a tree holds, as --list shows it: every path but the directories
# that hold something.
tree_paths() {
	(cd "$1" && find . -mindepth 1 \( ! -type d -o -empty \) -printf '/%P\n' | LC_ALL=C sort)
}

views_and_tree_agree() {
	need_root
	batch
	# shellcheck disable=SC2046
	sr --list -q $(cat "$W/set")
	expect_rc 0
	cp "$W/out" "$W/list"
	# shellcheck disable=SC2046
	sr --list --why -q $(cat "$W/set")
	expect_rc 0
	sed 's/  (.*)$//' "$W/out" >"$W/why"
	cmp -s "$W/list" "$W/why" || { diff "$W/list" "$W/why" >&2; fail "--list and --list --why differ"; }
	grep -qx /etc/passwd "$W/list" || fail "--list lacks /etc/passwd, which the tree holds"
	grep -qx /home/nonroot "$W/list" || fail "--list lacks the empty /home/nonroot"
	# shellcheck disable=SC2046
	sr -o "$W/t" -q --strip=none $(cat "$W/set")
	expect_rc 0
	tree_paths "$W/t" >"$W/tree"
	cmp -s "$W/list" "$W/tree" || { diff "$W/list" "$W/tree" | head -20 >&2; fail "--list and the tree differ"; }
	# Every file of the tree has a reason, and the reasons are the tree's.
	! grep -q '  ()$' "$W/out" || fail "a path without a reason"
	# --tree's sizes are the image's: a file's last size is its size in the tree.
	sr --tree -q "$W/app/bin/app"
	expect_rc 0
	size=$(stat -c %s "$W/t$W/app/lib/libown.so.1")
	kib=$(awk -v s="$size" 'BEGIN { printf "%.1f KiB", s / 1024 }')
	grep "libown.so.1 =>" "$W/out" | grep -q -- "$kib" || { cat "$W/out" >&2; fail "--tree does not give libown's $kib"; }
}

# A stand-in upx that records that it ran.
stand_in_upx() {
	mkdir -p "$W/bin"
	printf '#!/bin/sh\necho "$@" >>"%s/upx.ran"\nexit 0\n' "$W" >"$W/bin/upx"
	chmod +x "$W/bin/upx"
}

views_have_no_side_effects() {
	cc -g -o "$W/hello" "$srcdir/testdata/hello.c"
	stand_in_upx
	for mode in --tree --list "--list --why"; do
		rc=0
		# shellcheck disable=SC2086
		PATH="$W/bin:$PATH" "$SR" $mode -q --debug-dir="$W/dbg" --upx "$W/hello" >"$W/out" 2>"$W/err" || rc=$?
		expect_rc 0
		[ ! -e "$W/dbg" ] || fail "$mode wrote the debug directory"
		[ ! -e "$W/upx.ran" ] || fail "$mode ran upx: $(cat "$W/upx.ran")"
	done
	# -o carries the same plan out: the debug file appears, by build-id.
	rc=0
	PATH="$W/bin:$PATH" "$SR" -o "$W/t" -q --debug-dir="$W/dbg" "$W/hello" >"$W/out" 2>"$W/err" || rc=$?
	expect_rc 0
	[ -n "$(find "$W/dbg/.build-id" -name '*.debug' -type f)" ] || fail "-o kept no debug file"
	[ -z "$(find "$W/dbg" -name '.*scratchroot-*')" ] || fail "a temporary is left in the debug directory"
}

summary_says_each_file_once() {
	for i in 1 2 3; do cc -o "$W/h$i" "$srcdir/testdata/needs-users.c"; done
	sr -o "$W/t" "$W/h1" "$W/h2" "$W/h3"
	expect_rc 0
	n=$(grep -c 'run time: /etc/nsswitch.conf' "$W/err")
	[ "$n" = 1 ] || { cat "$W/err" >&2; fail "nsswitch.conf named $n times in the summary"; }
}

# A run stopped while it writes keeps its temporary tree, even when a run
# in another PID namespace (where its PID means nothing) writes the same
# DIR: the temporary is locked, not named by a PID.
live_run_is_left_alone() {
	need_root
	need_cmd unshare
	unshare -p -f true 2>/dev/null || skip "no PID namespaces here"
	mkdir -p "$W/big" "$W/p"
	for i in $(seq 1 24); do dd if=/dev/urandom of="$W/big/f$i" bs=1M count=4 2>/dev/null; done
	cc -o "$W/hello" "$srcdir/testdata/hello.c"
	"$SR" -q -o "$W/p/D" --add "$W/big" "$W/hello" >"$W/a.out" 2>"$W/a.err" &
	a=$!
	for _ in $(seq 1 200); do
		[ -z "$(find "$W/p" -maxdepth 1 -name '.D.scratchroot-*')" ] || break
		sleep 0.01
	done
	kill -STOP "$a"
	tmp=$(find "$W/p" -maxdepth 1 -name '.D.scratchroot-*')
	[ -n "$tmp" ] || { kill -CONT "$a"; wait "$a"; skip "the run ended before it could be stopped"; }
	rc=0
	unshare -p -f "$SR" -q -o "$W/p/D" "$W/hello" >"$W/out" 2>"$W/err" || rc=$?
	still=$(find "$W/p" -maxdepth 1 -name '.D.scratchroot-*')
	kill -CONT "$a"
	arc=0
	wait "$a" || arc=$?
	expect_rc 0
	[ "$still" = "$tmp" ] || fail "the run in another PID namespace removed the live run's temporary ($tmp)"
	[ "$arc" = 1 ] || fail "the stopped run ended with $arc, expected 1 (DIR was written meanwhile)"
	grep -q "another run wrote it meanwhile" "$W/a.err" || { cat "$W/a.err" >&2; fail "no clear message"; }
	[ -z "$(find "$W/p" -maxdepth 1 -name '.D.scratchroot-*')" ] || fail "a temporary is left"
	[ -x "$W/p/D$W/hello" ] || fail "D is not the second run's tree"
}

# A library given as an input has no PT_INTERP: its libc's loader is the
# one of its machine, named as musl names it (arch/*/reloc.h LDSO_ARCH).
musl_loader_names() {
	need_cmd musl-gcc
	musl-gcc -shared -fPIC -o "$W/lib.so" "$srcdir/testdata/who.c" -DWHO='"x"'
	mkdir "$W/root"
	# e_machine (offset 18, little-endian): PPC64 21, S390 22, RISC-V 243.
	for m in 21:powerpc64le 22:s390x 243:riscv64; do
		cp "$W/lib.so" "$W/lib-${m#*:}.so"
		printf "\\$(printf %03o "${m%%:*}")\\000" |
			dd of="$W/lib-${m#*:}.so" bs=1 seek=18 conv=notrunc 2>/dev/null
		cp "$W/lib-${m#*:}.so" "$W/root/"
		sr --list --sysroot "$W/root" "/lib-${m#*:}.so"
		expect_rc 1
		expect_err_has "interpreter '/lib/ld-musl-${m#*:}.so.1'"
	done
}

# A library in a directory that ld.so.conf lists but the cache does not
# know: the loader will not find it, and the message says why.
conf_hint() {
	need_cmd ldconfig
	mkdir -p "$W/r/etc/ld.so.conf.d" "$W/r/opt/x"
	cc_lib x libx.so.1 "$W/r/opt/x/libx.so.1"
	cc_prog "$W/r/app" "$W/r/opt/x/libx.so.1"
	copy_into "$W/r" $(glibc_base)
	echo "include /etc/ld.so.conf.d/*.conf" >"$W/r/etc/ld.so.conf"
	echo /opt/x >"$W/r/etc/ld.so.conf.d/x.conf"
	sr --list --sysroot "$W/r" /app
	expect_rc 1
	expect_err_has "libx.so.1: cannot open shared object file" \
		"/opt/x/libx.so.1 exists, in a directory /etc/ld.so.conf lists, but /etc/ld.so.cache does not know it: run ldconfig in the root"
	ldconfig -r "$W/r"
	sr_list --sysroot "$W/r" /app
	expect_list_has /opt/x/libx.so.1 /etc/ld.so.cache
}

scenario P01 "--list, --list --why and the tree written are the same set" views_and_tree_agree
scenario P02 "--tree and --list run no upx and write no debug directory" views_have_no_side_effects
scenario P03 "the summary names each run-time file once" summary_says_each_file_once
scenario P04 "a run in another PID namespace leaves a live run's temporary alone" live_run_is_left_alone
scenario P05 "musl loader names for ppc64, s390x and riscv64" musl_loader_names
scenario P06 "a library ld.so.conf lists but the cache lacks: a hint" conf_hint
finish
