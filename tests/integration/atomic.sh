#!/bin/sh
# Writing the rootfs safely: -o DIR appears whole or not at all, even when
# the run is killed; interrupted runs leave nothing behind; two runs give
# the same bytes; nothing from outside the sysroot gets in, nothing outside
# DIR is written, inputs are never modified; what cannot go into an image
# (devices, FIFOs, sockets, symlink loops) is refused with a clear message.
. "$(dirname "$0")/lib.sh"

# Fixtures and trees hold read-only directories: make them removable.
trap 'chmod -R u+rwx "$TD" 2>/dev/null; rm -rf "$TD"' EXIT

# ---- helpers ----

# listing DIR: every entry (type, mode, owner, mtime, size, symlink target)
# and the sha256 of every file, paths relative to DIR.
listing() {
	(cd "$1" && find . -printf '/%P %y %m %U %G %T@ %s %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0r sha256sum)
}

# temps PARENT NAME [PID]: how many temporary trees of NAME are in PARENT
# (only those of the run PID: .NAME.scratchroot-PID-XXXXXX).
temps() {
	find "$1" -mindepth 1 -maxdepth 1 -name ".$2.scratchroot-${3:+$3-}*" | wc -l
}

now_ms() { date +%s%3N; }

# The kill times are fractions of an uninterrupted run drawn from
# ATOMIC_SEED (random unless set; printed, so a failure can be replayed):
# each scenario draws its own sequence from the seed and its ID.
ATOMIC_SEED=${ATOMIC_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
case $ATOMIC_SEED in '' | *[!0-9]*) fail "ATOMIC_SEED must be a number, not '$ATOMIC_SEED'" ;; esac
ATOMIC_SEED=$(echo "$ATOMIC_SEED" | sed 's/^0*\(.\)/\1/')	# not octal
echo "# kill times from ATOMIC_SEED=$ATOMIC_SEED (set it to repeat them)"

# kill_delay MS: sets $d to a random delay in [0, MS) ms (MS a reference
# run's time) and $pm to it in per mille of MS (what the seed fixes).
kill_delay() {
	[ -n "${_rng-}" ] ||
		_rng=$(( (ATOMIC_SEED * 65599 + $(printf %s "$_id" | cksum | cut -d' ' -f1)) % 2147483648 ))
	_rng=$(( (_rng * 1103515245 + 12345) % 2147483648 ))
	pm=$(( (_rng / 65536) % 1000 ))
	d=$(( $1 * pm / 1000 ))
}

ms_to_s() { awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }'; }

# A large input set, made once: $TD/big (many small files in many
# directories, 16 random 4 MiB files, a symlink, a read-only directory) and
# programs: a fixture and, when installed, curl and git.  Sets $BIG_ARGS.
make_big() {
	if [ ! -f "$TD/big.done" ]; then
		mkdir -p "$TD/big/small" "$TD/big/large" "$TD/big/ro/sub"
		for i in $(seq 1 30); do
			mkdir "$TD/big/small/d$i"
			for j in $(seq 1 60); do
				echo "file $i $j" >"$TD/big/small/d$i/f$j"
			done
		done
		for i in $(seq 1 16); do
			dd if=/dev/urandom of="$TD/big/large/f$i" bs=1M count=4 2>/dev/null
		done
		ln -s large/f1 "$TD/big/link"
		echo ro >"$TD/big/ro/sub/file"
		chmod 0555 "$TD/big/ro/sub" "$TD/big/ro"
		gcc -o "$TD/big/hello" "$srcdir/testdata/hello.c" || fail "cannot build hello.c"
		: >"$TD/big.done"
	fi
	BIG_ARGS="--add $TD/big"
	for p in /usr/bin/curl /usr/bin/git; do
		[ ! -x "$p" ] || BIG_ARGS="$BIG_ARGS $p"
	done
}

# reference NAME ARGS...: an uninterrupted build into $W/NAME, its listing
# in $W/NAME.lst, its wall time in ms in $ref_ms (of a second run, with
# the page cache warm, as for the runs that get killed).
reference() {
	_n=$1
	shift
	sr -q -o "$W/$_n" "$@"
	expect_rc 0
	rm -rf "$W/$_n"
	_t0=$(now_ms)
	sr -q -o "$W/$_n" "$@"
	_t1=$(now_ms)
	expect_rc 0
	ref_ms=$((_t1 - _t0))
	[ "$ref_ms" -gt 0 ] || ref_ms=1
	listing "$W/$_n" >"$W/$_n.lst"
}

# kill_run SIGNAL DELAY_MS ARGS...: scratchroot ARGS in the background,
# SIGNAL sent after DELAY_MS (if it is still running); status in $krc, its
# process ID (in the names of its temporaries) in $kpid.
kill_run() {
	_sig=$1 _delay=$2
	shift 2
	"$SR" "$@" >"$W/k.out" 2>"$W/k.err" &
	_pid=$!
	kpid=$_pid
	sleep "$(ms_to_s "$_delay")"
	kill -s "$_sig" "$_pid" 2>/dev/null || :
	krc=0
	wait "$_pid" || krc=$?
}

# same_listing DIR REF.lst: DIR's listing is REF.lst.
same_listing() {
	listing "$1" >"$W/.cur.lst"
	cmp -s "$W/.cur.lst" "$2"
}

# ---- atomicity ----

a01_sigkill_leaves_nothing_or_everything() {
	need_cmd gcc
	make_big
	inputs_before=$(listing "$TD/big" | sha256sum)
	# shellcheck disable=SC2086
	reference REF $BIG_ARGS
	mkdir "$W/p"
	landed=0 left=0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill_delay "$ref_ms"
		step "SIGKILL after ${d} ms (${pm}/1000 of an uninterrupted run, ${ref_ms} ms)"
		# shellcheck disable=SC2086
		kill_run KILL "$d" -q -o "$W/p/D" $BIG_ARGS
		case $krc in
		0)	same_listing "$W/p/D" "$W/REF.lst" ||
				fail "run finished (status 0) but D differs from the reference"
			rm -rf "$W/p/D" ;;
		137)	landed=$((landed + 1))
			if [ -e "$W/p/D" ] || [ -L "$W/p/D" ]; then
				same_listing "$W/p/D" "$W/REF.lst" || {
					diff "$W/REF.lst" "$W/.cur.lst" | head -n 20 >&2
					fail "after SIGKILL at ${d} ms, D exists but is incomplete"
				}
				rm -rf "$W/p/D"
			fi ;;
		*)	cat "$W/k.err" >&2; fail "status $krc after SIGKILL" ;;
		esac
		n=$(temps "$W/p" D)
		[ "$n" -le 1 ] || fail "$n temporary trees of D: earlier ones were not removed by the next run"
		[ "$n" = 0 ] || left=$((left + 1))
		[ -z "$(find "$W/p" -mindepth 1 -maxdepth 1 ! -name 'D' ! -name '.D.scratchroot-*')" ] ||
			fail "something else appeared beside D: $(ls -A "$W/p")"
	done
	[ "$landed" -ge 3 ] || fail "only $landed of 10 kills landed while scratchroot ran"
	[ "$left" -gt 0 ] || note "no SIGKILL left a temporary tree this time (all landed outside the write)"
	# The next successful run on the same DIR removes what killed runs left.
	step "a complete run after the kills"
	# shellcheck disable=SC2086
	sr -q -o "$W/p/D" $BIG_ARGS
	expect_rc 0
	[ "$(temps "$W/p" D)" = 0 ] || fail "a temporary tree of a killed run is still there: $(ls -A "$W/p")"
	same_listing "$W/p/D" "$W/REF.lst" || fail "the run after the kills differs from the reference"
	[ "$(listing "$TD/big" | sha256sum)" = "$inputs_before" ] || fail "an input was modified"
}

# signal_leaves_nothing SIGNAL: after SIGNAL (handled), DIR is absent and no
# temporary tree is left; a run that had already finished is complete.
signal_leaves_nothing() {
	_signal=$1 _exp=$2
	need_cmd gcc
	make_big
	# shellcheck disable=SC2086
	reference REF $BIG_ARGS
	mkdir "$W/p"
	landed=0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill_delay "$ref_ms"
		step "SIG$_signal after ${d} ms (${pm}/1000 of an uninterrupted run, ${ref_ms} ms)"
		# shellcheck disable=SC2086
		kill_run "$_signal" "$d" -o "$W/p/D" $BIG_ARGS
		if [ "$krc" = 0 ]; then
			same_listing "$W/p/D" "$W/REF.lst" ||
				fail "run finished (status 0) but D differs from the reference"
			rm -rf "$W/p/D"
		else
			case $krc in
			1)	grep -q "interrupted" "$W/k.err" || { cat "$W/k.err" >&2; fail "status 1 without 'interrupted'"; } ;;
			"$_exp") ;;	# before the handler was installed
			*)	cat "$W/k.err" >&2; fail "status $krc after SIG$_signal" ;;
			esac
			landed=$((landed + 1))
			[ ! -e "$W/p/D" ] && [ ! -L "$W/p/D" ] ||
				fail "after SIG$_signal at ${d} ms (status $krc), D exists"
		fi
		[ "$(temps "$W/p" D)" = 0 ] ||
			fail "after SIG$_signal at ${d} ms (status $krc), a temporary tree is left: $(ls -A "$W/p")"
		[ -z "$(ls -A "$W/p")" ] || fail "left in the parent: $(ls -A "$W/p")"
	done
	[ "$landed" -ge 3 ] || fail "only $landed of 10 signals landed while scratchroot ran"
}

a02_sigterm() { signal_leaves_nothing TERM 143; }
a03_sigint() { signal_leaves_nothing INT 130; }

a04_force_is_old_or_new_never_a_mix() {
	need_cmd gcc
	make_big
	# shellcheck disable=SC2086
	reference NEW $BIG_ARGS
	sr -q -o "$W/OLD" "$TD/big/hello"
	expect_rc 0
	listing "$W/OLD" >"$W/OLD.lst"
	mkdir "$W/p"
	old=0 new=0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rm -rf "$W/p/D"
		cp -a "$W/OLD" "$W/p/D"
		kill_delay "$ref_ms"
		step "--force, SIGKILL after ${d} ms (${pm}/1000 of an uninterrupted run, ${ref_ms} ms)"
		# shellcheck disable=SC2086
		kill_run KILL "$d" -q --force -o "$W/p/D" $BIG_ARGS
		[ "$krc" = 0 ] || [ "$krc" = 137 ] || { cat "$W/k.err" >&2; fail "status $krc"; }
		if same_listing "$W/p/D" "$W/OLD.lst"; then
			old=$((old + 1))
		elif same_listing "$W/p/D" "$W/NEW.lst"; then
			new=$((new + 1))
		else
			diff "$W/NEW.lst" "$W/.cur.lst" | head -n 20 >&2
			fail "after SIGKILL at ${d} ms (status $krc), D is neither the old tree nor the new one"
		fi
		[ "$krc" != 0 ] || same_listing "$W/p/D" "$W/NEW.lst" || fail "status 0 but D is the old tree"
	done
	note "--force under SIGKILL: old tree $old times, new tree $new times"
	# SIGTERM during --force: the old tree stays and the run leaves none
	# of its own temporaries.  (Those of the SIGKILLed runs above are
	# removed by the first run that gets that far, which a SIGTERM may
	# stop before: the complete run at the end checks them.)
	for i in 1 2 3 4 5; do
		rm -rf "$W/p/D"
		cp -a "$W/OLD" "$W/p/D"
		kill_delay "$ref_ms"
		step "--force, SIGTERM after ${d} ms (${pm}/1000 of an uninterrupted run, ${ref_ms} ms)"
		# shellcheck disable=SC2086
		kill_run TERM "$d" -q --force -o "$W/p/D" $BIG_ARGS
		if [ "$krc" = 0 ]; then
			same_listing "$W/p/D" "$W/NEW.lst" || fail "status 0 but D is not the new tree"
		else
			same_listing "$W/p/D" "$W/OLD.lst" ||
				fail "after SIGTERM at ${d} ms (status $krc), D is not the old tree"
		fi
		[ "$(temps "$W/p" D "$kpid")" = 0 ] ||
			fail "after SIGTERM at ${d} ms with --force (status $krc), its temporary is left: $(ls -A "$W/p")"
	done
	# A complete --force run: the new tree, nothing else left.
	# shellcheck disable=SC2086
	sr -q --force -o "$W/p/D" $BIG_ARGS
	expect_rc 0
	same_listing "$W/p/D" "$W/NEW.lst" || fail "--force did not give the new tree"
	[ "$(ls -A "$W/p")" = D ] || fail "left beside D: $(ls -A "$W/p")"
}

a05_non_empty_dir_is_refused() {
	mkdir -p "$W/p/D/sub"
	echo keep >"$W/p/D/sub/keep"
	listing "$W/p" >"$W/before.lst"
	sr -o "$W/p/D" /bin/sh
	expect_rc 1
	expect_err_has "scratchroot: '$W/p/D': not empty (--force replaces it, atomically)"
	same_listing "$W/p" "$W/before.lst" || fail "the refused DIR (or its parent) was changed"
	# A file where DIR should be: refused, left alone.
	: >"$W/p/F"
	listing "$W/p" >"$W/before.lst"
	sr -o "$W/p/F" /bin/sh
	expect_rc 1
	expect_err_has "scratchroot: '$W/p/F': exists and is not a directory"
	same_listing "$W/p" "$W/before.lst" || fail "the refused file (or its parent) was changed"
	# An empty directory is fine.
	mkdir "$W/p/E"
	sr -q -o "$W/p/E" /bin/sh
	expect_rc 0
	[ -f "$W/p/E/etc/passwd" ] || fail "the empty DIR was not filled"
}

# Two runs racing for the same DIR: one wins, the other fails cleanly.
a06_concurrent_runs() {
	need_cmd gcc
	make_big
	# shellcheck disable=SC2086
	reference BIG $BIG_ARGS
	sr -q -o "$W/SMALL" /bin/sh
	expect_rc 0
	listing "$W/SMALL" >"$W/SMALL.lst"
	mkdir "$W/p"
	# shellcheck disable=SC2086
	"$SR" -q -o "$W/p/D" $BIG_ARGS >"$W/a.out" 2>"$W/a.err" &
	pa=$!
	sleep "$(ms_to_s $((ref_ms / 3)))"
	sr -q -o "$W/p/D" /bin/sh
	ra=0
	wait "$pa" || ra=$?
	step "big run: status $ra; small run: status $rc"
	if [ "$ra" = 0 ] && [ "$rc" = 0 ]; then
		fail "both runs claim to have written D"
	elif [ "$ra" = 0 ]; then
		same_listing "$W/p/D" "$W/BIG.lst" || fail "D is not the tree of the run that succeeded"
	elif [ "$rc" = 0 ]; then
		same_listing "$W/p/D" "$W/SMALL.lst" || fail "D is not the tree of the run that succeeded"
		grep -q "^scratchroot: '$W/p/D': " "$W/a.err" || { cat "$W/a.err" >&2; fail "the losing run did not say why"; }
	else
		cat "$W/a.err" "$W/err" >&2
		fail "both runs failed"
	fi
	[ "$(ls -A "$W/p")" = D ] || fail "left beside D: $(ls -A "$W/p")"
}

# A SIGKILLed --tar run: FILE is absent or complete.  SIGTERM, SIGINT:
# absent or complete, and no new temporary file.
a07_tar_under_signals() {
	need_cmd gcc
	make_big
	mkdir "$W/p"
	# shellcheck disable=SC2086
	sr -q --tar "$W/ref.tar" $BIG_ARGS
	_t0=$(now_ms)
	# shellcheck disable=SC2086
	sr -q --force --tar "$W/ref.tar" $BIG_ARGS
	_t1=$(now_ms)
	expect_rc 0
	ref_ms=$((_t1 - _t0))
	ref=$(sha256sum <"$W/ref.tar")
	for sig in KILL TERM INT; do
		for i in 1 2 3 4; do
			kill_delay "$ref_ms"
			step "--tar, SIG$sig after ${d} ms (${pm}/1000 of an uninterrupted run, ${ref_ms} ms)"
			# shellcheck disable=SC2086
			kill_run "$sig" "$d" -q --tar "$W/p/x.tar" $BIG_ARGS
			if [ -e "$W/p/x.tar" ]; then
				[ "$(sha256sum <"$W/p/x.tar")" = "$ref" ] ||
					fail "after SIG$sig at $d ms (status $krc), x.tar exists but is not the complete tar"
				# A SIGKILL between the rename and the exit leaves a
				# complete tar and status 137; any other signal is
				# only noted, so the run ends with 0.
				[ "$krc" = 0 ] || [ "$sig" = KILL ] ||
					fail "status $krc but x.tar was written"
				rm -f "$W/p/x.tar"
			fi
			if [ "$sig" != KILL ]; then
				[ "$(temps "$W/p" x.tar "$kpid")" = 0 ] ||
					fail "after SIG$sig at $d ms (status $krc), its temporary tar is left: $(ls -A "$W/p")"
				[ "$krc" = 0 ] || interrupted_tar=1
			fi
		done
	done
	[ -n "${interrupted_tar-}" ] ||
		note "SIGTERM/SIGINT never stopped a --tar run: it went on and exit 0 (the tar is complete)"
	# The next complete run removes what the killed runs left.
	step "a complete --tar run after the kills ($(temps "$W/p" x.tar) temporaries left)"
	sr -q --tar "$W/p/x.tar" "$TD/big/hello"
	expect_rc 0
	[ "$(temps "$W/p" x.tar)" = 0 ] ||
		fail "temporary tars of killed runs are not removed by the next run: $(find "$W/p" -name '.x.tar.scratchroot-*' -printf '%f ')"
	[ "$(ls -A "$W/p")" = x.tar ] || fail "left beside x.tar: $(ls -A "$W/p")"
}

# ---- determinism ----

a08_two_runs_same_bytes() {
	need_cmd gcc tar
	make_big
	progs="$TD/big/hello"
	for p in jq sqlite3 curl; do
		[ ! -x "/usr/bin/$p" ] || progs="$progs /usr/bin/$p"
	done
	step "two trees, different umask, cwd and input order"
	# shellcheck disable=SC2086
	(umask 022; sr -q -o "$W/A" --add "$TD/big/small" $progs; expect_rc 0)
	rev=$(echo $progs | tr ' ' '\n' | sort -r | tr '\n' ' ')
	# shellcheck disable=SC2086
	(umask 077; cd /; sr -q -o "$W/B" $rev --add "$TD/big/small"; expect_rc 0)
	listing "$W/A" >"$W/A.lst"
	listing "$W/B" >"$W/B.lst"
	if ! cmp -s "$W/A.lst" "$W/B.lst"; then
		diff "$W/A.lst" "$W/B.lst" | head -n 20 >&2
		fail "two runs gave different trees"
	fi
	# Owners 0:0 (but /home/nonroot), mtimes 0 without SOURCE_DATE_EPOCH.
	awk 'NF > 2 && $1 != "/home/nonroot" && ($4 != 0 || $5 != 0) { print; bad = 1 }
	     NF > 2 && $6 != "0.0000000000" { print; bad = 1 }
	     END { exit bad }' "$W/A.lst" >&2 || fail "owners or mtimes are not 0"
	grep -q '^/home/nonroot d 700 65532 65532 ' "$W/A.lst" || fail "/home/nonroot is not 0700 65532:65532"
	step "two tars: to a file and to a pipe"
	# shellcheck disable=SC2086
	sr -q --tar "$W/a.tar" --add "$TD/big/small" $progs
	expect_rc 0
	# shellcheck disable=SC2086
	(cd /; "$SR" -q --tar - $rev --add "$TD/big/small" | cat >"$W/b.tar")
	[ "$(sha256sum <"$W/a.tar")" = "$(sha256sum <"$W/b.tar")" ] || fail "two tars differ"
	# The tar holds the same tree as -o writes.
	mkdir "$W/X"
	tar -C "$W/X" --numeric-owner -xpf "$W/a.tar"
	listing "$W/X" | grep -v '^/ d ' >"$W/X.lst"
	grep -v '^/ d ' "$W/A.lst" >"$W/A2.lst"
	if ! cmp -s "$W/A2.lst" "$W/X.lst"; then
		diff "$W/A2.lst" "$W/X.lst" | head -n 20 >&2
		fail "the tar, extracted, differs from the tree"
	fi
	step "SOURCE_DATE_EPOCH=1700000000"
	export SOURCE_DATE_EPOCH=1700000000
	# shellcheck disable=SC2086
	sr -q -o "$W/C" --tar "$W/c.tar" --add "$TD/big/small" $progs
	expect_rc 0
	# shellcheck disable=SC2086
	sr -q -o "$W/D" --tar "$W/d.tar" $rev --add "$TD/big/small"
	expect_rc 0
	[ "$(sha256sum <"$W/c.tar")" = "$(sha256sum <"$W/d.tar")" ] || fail "two tars differ with SOURCE_DATE_EPOCH"
	! cmp -s "$W/a.tar" "$W/c.tar" || fail "SOURCE_DATE_EPOCH did not change the tar"
	listing "$W/C" >"$W/C.lst"
	listing "$W/D" >"$W/D.lst"
	cmp -s "$W/C.lst" "$W/D.lst" || fail "two trees differ with SOURCE_DATE_EPOCH"
	awk 'NF > 2 && $6 != "1700000000.0000000000" { print; bad = 1 } END { exit bad }' \
		"$W/C.lst" >&2 || fail "mtimes in the tree are not SOURCE_DATE_EPOCH"
	TZ=UTC tar --full-time -tvf "$W/c.tar" | awk '$4 " " $5 != "2023-11-14 22:13:20" { print; bad = 1 } END { exit bad }' >&2 ||
		fail "mtimes in the tar are not SOURCE_DATE_EPOCH"
}

# ---- containment ----

# A sysroot whose symlinks lead to /etc/shadow, above its root and in
# loops; the same absolute paths hold different files on the host.
make_sysroot() {
	S=$W/S H=$W/host
	copy_into "$S" $(glibc_base)
	mkdir -p "$S/opt/lib" "$S/bin" "$S/data" "$S/etc" "$H/bin" "$H/data" "$S$H/data" "$S$H/bin"
	echo SYSROOT-SHADOW >"$S/etc/shadow"
	echo HOST-MARKER >"$H/data/marker.txt"
	echo SYSROOT-MARKER >"$S$H/data/marker.txt"
	# libwho.so.1 at $H/lib on the host and in the sysroot, reached by
	# a symlink that climbs far above the root.
	cc_lib host libwho.so.1 "$H/lib/libwho.so.1"
	cc_lib sysroot libwho.so.1 "$S$H/lib/libwho.so.1"
	ln -s "../../../../../../../../../../..$H/lib/libwho.so.1" "$S/opt/lib/libwho.so.1"
	cc_prog "$S/bin/app" "$H/lib/libwho.so.1" -Wl,--enable-new-dtags,-rpath,/opt/lib
	# A program at the same absolute path on both sides, reached through
	# an absolute symlink.
	cc_prog "$H/bin/app" "$H/lib/libwho.so.1" -Wl,--enable-new-dtags,-rpath,"$H/lib"
	cp "$S/bin/app" "$S$H/bin/app"
	ln -s "$H/bin/app" "$S/bin/applink"
	ln -s /etc/shadow "$S/data/shadow"
	ln -s ../../.. "$S/data/up"
	ln -s "$H/data/marker.txt" "$S/data/marker"
	ln -s loopb "$S/data/loopa"
	ln -s loopa "$S/data/loopb"
	# A second sysroot with a library that is a symlink to itself.
	S2=$W/S2
	copy_into "$S2" $(glibc_base)
	mkdir -p "$S2/opt/lib" "$S2/bin"
	cc_lib loop libloop.so.1 "$W/tmp/libloop.so.1"
	ln -s libloop.so.1 "$S2/opt/lib/libloop.so.1"
	cc_prog "$S2/bin/app2" "$W/tmp/libloop.so.1" -Wl,--enable-new-dtags,-rpath,/opt/lib
	rm -r "$W/tmp"
}

# no_host_content TREE FILE...: no file of TREE has the bytes of a FILE.
no_host_content() {
	_t=$1
	shift
	find "$_t" -type f -print0 | xargs -0r sha256sum | awk '{ print $1 }' | sort -u >"$W/.tree.sums"
	for _f; do
		[ -f "$_f" ] || continue
		_s=$(sha256sum <"$_f" | awk '{ print $1 }')
		! grep -qx "$_s" "$W/.tree.sums" || fail "the tree holds a copy of the host's $_f"
	done
}

a09_sysroot_symlinks_stay_inside() {
	need_cmd gcc
	make_sysroot
	mkdir "$W/p"
	listing "$S" >"$W/S.before"
	listing "$H" >"$W/H.before"
	ls -A / >"$W/root.before"
	step "inputs, libraries and --add sources through the sysroot's symlinks"
	# (--strip=none: files are compared with the sysroot's, byte for byte.)
	sr --strip=none --sysroot "$S" -o "$W/p/D" /bin/app /bin/applink /data/up/bin/app:/again/app \
		--add /data --add /data/shadow:/copy/shadow --add /data/up/etc/shadow:/copy/up-shadow \
		--add /data/marker:/copy/marker --add /data/up:/up
	expect_rc 0
	D=$W/p/D
	cmp -s "$D/copy/shadow" "$S/etc/shadow" || fail "/copy/shadow is not the sysroot's /etc/shadow"
	cmp -s "$D/copy/up-shadow" "$S/etc/shadow" || fail "/copy/up-shadow is not the sysroot's /etc/shadow"
	cmp -s "$D/up/etc/shadow" "$S/etc/shadow" || fail "/up/etc/shadow is not the sysroot's /etc/shadow"
	[ "$(cat "$D/copy/marker")" = SYSROOT-MARKER ] || fail "/copy/marker: $(cat "$D/copy/marker")"
	cmp -s "$D$H/lib/libwho.so.1" "$S$H/lib/libwho.so.1" || fail "libwho.so.1 is not the sysroot's"
	cmp -s "$D$H/bin/app" "$S$H/bin/app" || fail "the target of /bin/applink is not the sysroot's"
	[ "$(readlink "$D/data/shadow")" = /etc/shadow ] || fail "/data/shadow is not copied as a symlink"
	[ "$(readlink "$D/data/up")" = ../../.. ] || fail "/data/up is not copied as a symlink"
	[ "$(readlink "$D/data/loopa")" = loopb ] || fail "/data/loopa is not copied as a symlink"
	no_host_content "$D" /etc/shadow "$H/lib/libwho.so.1" "$H/bin/app" "$H/data/marker.txt"
	if can_chroot; then
		expect_run sysroot chroot "$D" /bin/app
		expect_run sysroot chroot "$D" /bin/applink
		expect_run sysroot chroot "$D" /again/app
	fi
	step "symlink loops: as an input, as an --add source, as a library"
	sr --sysroot "$S" -o "$W/p/L1" /data/loopa
	expect_rc 1
	expect_err_has "scratchroot: '/data/loopa': "
	grep -qi "too many levels of symbolic links" "$W/err" || { cat "$W/err" >&2; fail "the loop is not named"; }
	sr --sysroot "$S" -o "$W/p/L2" --add /data/loopb:/x /bin/app
	expect_rc 1
	expect_err_has "scratchroot: '/data/loopb': "
	grep -qi "too many levels of symbolic links" "$W/err" || { cat "$W/err" >&2; fail "the loop is not named"; }
	sr --sysroot "$S2" -o "$W/p/L3" /bin/app2
	expect_rc 1
	expect_err_has "scratchroot: '/bin/app2': libloop.so.1: cannot open shared object file"
	grep -qi "too many levels of symbolic links" "$W/err" || { cat "$W/err" >&2; fail "the loop is not named"; }
	step "nothing written outside DIR, inputs unchanged"
	[ "$(ls -A "$W/p")" = D ] || fail "beside DIR: $(ls -A "$W/p" | tr '\n' ' ')"
	same_listing "$S" "$W/S.before" || fail "the sysroot was modified"
	same_listing "$H" "$W/H.before" || fail "the host-side files were modified"
	ls -A / >"$W/root.after"
	cmp -s "$W/root.before" "$W/root.after" || fail "something appeared in /: $(diff "$W/root.before" "$W/root.after")"
}

a10_dir_that_is_a_symlink_is_refused() {
	mkdir -p "$W/p/empty" "$W/p/full"
	echo keep >"$W/p/full/keep"
	ln -s empty "$W/p/to-empty"
	ln -s full "$W/p/to-full"
	ln -s nowhere "$W/p/dangling"
	listing "$W/p" >"$W/before.lst"
	for l in to-empty to-full dangling; do
		for f in "" --force; do
			step "-o $l $f"
			sr -q $f -o "$W/p/$l" /bin/sh
			expect_rc 1
			expect_err_has "scratchroot: '$W/p/$l': is a symlink"
		done
		sr -q -o "$W/p/$l/" /bin/sh
		expect_rc 1
	done
	same_listing "$W/p" "$W/before.lst" || fail "a symlink DIR or what it points to was changed"
	[ ! -e "$W/p/nowhere" ] || fail "the target of the dangling symlink was created"
}

# DIR/ is the same DIR: refused or accepted exactly like DIR.
a11_dir_with_trailing_slash() {
	sr -q -o "$W/new/" /bin/sh
	expect_rc 0
	[ -f "$W/new/etc/passwd" ] || fail "-o DIR/ did not write DIR"
	mkdir "$W/empty"
	sr -q -o "$W/empty/" /bin/sh
	expect_rc 0
	[ -f "$W/empty/etc/passwd" ] || fail "-o EMPTY/ did not fill EMPTY"
}

a12_special_files_are_refused() {
	mkdir -p "$W/p" "$W/tree/sub"
	echo data >"$W/tree/ok"
	mkfifo "$W/fifo" "$W/tree/sub/fifo"
	mknod "$W/chr" c 1 3 2>/dev/null || note "mknod not permitted: no device node of our own"
	[ ! -e "$W/chr" ] || mknod "$W/tree/sub/chr" c 1 3
	py=$(command -v /usr/bin/python3 python3 2>/dev/null | head -n 1 || :)
	if [ -n "$py" ]; then
		"$py" -c 'import socket, sys
for p in sys.argv[1:]:
    socket.socket(socket.AF_UNIX).bind(p)' "$W/sock" "$W/tree/sub/sock"
	else
		note "no python3: no socket fixture"
	fi
	for f in "$W/fifo" "$W/chr" "$W/sock" /dev/null; do
		[ -e "$f" ] || continue
		step "input $f"
		sr -o "$W/p/D" "$f"
		expect_rc 1
		expect_err_has "scratchroot: '$f': not a regular file"
		step "--add $f"
		sr -o "$W/p/D" --add "$f" /bin/sh
		expect_rc 1
		expect_err_has "scratchroot: '$f': a device, FIFO or socket cannot go into an image"
	done
	step "--add of a tree holding them"
	sr -o "$W/p/D" --add "$W/tree" /bin/sh
	expect_rc 1
	for f in fifo chr sock; do
		[ -e "$W/tree/sub/$f" ] || continue
		expect_err_has "scratchroot: '$W/tree/sub/$f': a device, FIFO or socket cannot go into an image"
	done
	sr --tar "$W/p/t.tar" --add "$W/tree" /bin/sh
	expect_rc 1
	expect_err_has "scratchroot: '$W/tree/sub/fifo': a device, FIFO or socket cannot go into an image"
	[ -z "$(ls -A "$W/p")" ] || fail "refused runs left: $(ls -A "$W/p")"
}

# FILE:DEST and --add SRC:DEST with a DEST that climbs above the root.
a13_dest_outside_the_image_is_refused() {
	need_cmd gcc
	cc -o hello "$srcdir/testdata/hello.c"
	mkdir p
	step "--add SRC:/../../escape"
	sr -o "$W/p/D" --add "$W/hello:/../../escape"
	expect_rc 1
	expect_err_has "destination outside the image"
	step "FILE:/a/../../../escape"
	sr -o "$W/p/D" "$W/hello:/a/../../../escape"
	expect_rc 1
	expect_err_has "scratchroot: '"
	[ ! -e "$W/escape" ] && [ ! -e /escape ] || fail "a file was written outside DIR"
	[ -z "$(ls -A "$W/p")" ] || fail "DIR was written: $(find "$W/p" -name hello)"
}

# As an unprivileged user, --force over a tree with read-only directories
# and a SIGKILLed run's tree: nothing is left behind.
a14_unprivileged_force_leaves_nothing() {
	need_root
	need_cmd setpriv
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	U="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	$U true 2>/dev/null || U="setpriv --reuid=65534 --regid=65534 --clear-groups"
	$U test -x "$SR" 2>/dev/null || skip "$SR is not executable by nobody"
	chmod 0755 "$TD" "$W"
	mkdir -p "$W/p" "$W/ro/sub"
	echo x >"$W/ro/sub/f"
	chmod 0555 "$W/ro/sub" "$W/ro"
	chown nobody "$W/p"
	$U "$SR" -q -o "$W/p/D" --add "$W/ro" /bin/sh || fail "first run as nobody failed"
	$U "$SR" -q --force -o "$W/p/D" --add "$W/ro" /bin/sh || fail "--force run as nobody failed"
	[ "$(ls -A "$W/p")" = D ] ||
		fail "as nobody, --force left the old tree behind: $(ls -A "$W/p" | tr '\n' ' ')"
}

scenario A01 "SIGKILL at random points: DIR absent or complete; the next run cleans up" a01_sigkill_leaves_nothing_or_everything
scenario A02 "SIGTERM: DIR absent, no temporary tree left" a02_sigterm
scenario A03 "SIGINT: DIR absent, no temporary tree left" a03_sigint
scenario A04 "--force under SIGKILL/SIGTERM: the old tree or the new, never a mix" a04_force_is_old_or_new_never_a_mix
scenario A05 "a non-empty DIR (or a file) is refused and left untouched" a05_non_empty_dir_is_refused
scenario A06 "two runs racing for one DIR: one wins, nothing left" a06_concurrent_runs
scenario A07 "--tar under signals: absent or complete" a07_tar_under_signals
scenario A08 "determinism: same tree, same tar bytes, SOURCE_DATE_EPOCH" a08_two_runs_same_bytes
scenario A09 "sysroot symlinks to /etc/shadow, ../../.., loops stay inside" a09_sysroot_symlinks_stay_inside
scenario A10 "a DIR that is a symlink is refused" a10_dir_that_is_a_symlink_is_refused
scenario A11 "-o DIR/ with a trailing slash" a11_dir_with_trailing_slash
scenario A12 "devices, FIFOs and sockets are refused" a12_special_files_are_refused
scenario A13 "a DEST above the image's root is refused" a13_dest_outside_the_image_is_refused
scenario A14 "as a user, --force over read-only directories leaves nothing" a14_unprivileged_force_leaves_nothing
finish
