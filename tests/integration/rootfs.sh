#!/bin/sh
# -o DIR: the tree holds what each program needs, in the right places, with
# the image conventions, and the program runs from it in a chroot.
. "$(dirname "$0")/lib.sh"

# The app of the quick start: /opt/app/bin/app finds libself in $ORIGIN/../lib.
make_app() {
	cc_lib self libself.so.1 "$W/opt/app/lib/libself.so.1.0"
	ln -sf libself.so.1.0 "$W/opt/app/lib/libself.so.1"
	cc_prog "$W/opt/app/bin/app" "$W/opt/app/lib/libself.so.1" \
		-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
}

origin_app_runs_from_its_tree() {
	need_root
	make_app
	sr -q -o "$W/t" "$W/opt/app/bin/app"
	expect_rc 0
	[ -L "$W/t$W/opt/app/lib/libself.so.1" ] || fail "SONAME symlink not kept as a symlink"
	[ "$(readlink "$W/t$W/opt/app/lib/libself.so.1")" = libself.so.1.0 ] || fail "symlink text changed"
	[ -f "$W/t$W/opt/app/lib/libself.so.1.0" ] || fail "library missing"
	expect_run self "$ct" "$W/t" "$W/opt/app/bin/app"
}

moved_app_takes_its_origin_libraries_along() {
	need_root
	make_app
	sr -q -o "$W/t" "$W/opt/app/bin/app:/app/bin/app"
	expect_rc 0
	[ -f "$W/t/app/bin/app" ] || fail "program not at DEST"
	[ -f "$W/t/app/lib/libself.so.1" ] || fail "\$ORIGIN library did not follow the program"
	[ ! -e "$W/t$W/opt/app/bin/app" ] || fail "program also left at its source path"
	expect_run self "$ct" "$W/t" /app/bin/app
	# Into a directory at the top: $ORIGIN/../lib would leave the image.
	sr -q -o "$W/t2" "$W/opt/app/bin/app:/app"
	expect_rc 1
	expect_err_has "cannot follow /app to its new place: '\$ORIGIN/../lib' leads outside the image"
	[ ! -e "$W/t2" ] || fail "a tree was written after an error"
}

base_files_follow_the_distroless_conventions() {
	need_root
	cc -o "$W/hello" "$srcdir/testdata/hello.c"
	sr -q -o "$W/t" "$W/hello"
	expect_rc 0
	grep -qx 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' "$W/t/etc/passwd" ||
		fail "no nonroot user"
	grep -qx 'root:x:0:0:root:/root:/sbin/nologin' "$W/t/etc/passwd" || fail "no root user"
	grep -qx 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' "$W/t/etc/passwd" ||
		fail "no nobody user"
	for g in root:x:0: tty:x:5: staff:x:50: nobody:x:65534: nonroot:x:65532:; do
		grep -qx "$g" "$W/t/etc/group" || fail "group line $g missing"
	done
	[ "$(stat -c '%a %u %g' "$W/t/tmp")" = "1777 0 0" ] || fail "/tmp is $(stat -c '%a %u %g' "$W/t/tmp")"
	[ "$(stat -c '%a %u %g' "$W/t/home/nonroot")" = "700 65532 65532" ] ||
		fail "/home/nonroot is $(stat -c '%a %u %g' "$W/t/home/nonroot")"
	[ "$(find "$W/t" ! -user 0 | grep -v '/home/nonroot$')" = "" ] || fail "files not owned by root"
	[ "$(find "$W/t" -newermt @0 | head -1)" = "" ] || fail "an mtime is not SOURCE_DATE_EPOCH (0)"
	sr -q --no-base -o "$W/t3" "$W/hello"
	expect_rc 0
	# (/tmp itself is there: the program lives under it.)
	[ ! -e "$W/t3/etc/passwd" ] && [ ! -e "$W/t3/etc/group" ] && [ ! -e "$W/t3/home" ] ||
		fail "--no-base still wrote base files"
	expect_run hello "$ct" "$W/t3" "$W/hello"
}

several_programs_share_one_tree() {
	need_root
	make_app
	cc_lib other libother.so.1 "$W/lib2/libother.so.1"
	cc_prog "$W/p2" "$W/lib2/libother.so.1" -Wl,--enable-new-dtags,-rpath,"$W/lib2"
	sr -q -o "$W/t" "$W/opt/app/bin/app" "$W/p2"
	expect_rc 0
	expect_run self "$ct" "$W/t" "$W/opt/app/bin/app"
	expect_run other "$ct" "$W/t" "$W/p2"
	# Two different files for one path is an error naming both.
	cc_prog "$W/p3"
	sr -q -o "$W/t4" "$W/p2:/bin/x" "$W/p3:/bin/x"
	expect_rc 1
	expect_err_has "'/bin/x': file from '$W/p3' conflicts with file from '$W/p2'"
	[ ! -e "$W/t4" ] || fail "a tree was written after a conflict"
}

musl_static_and_static_pie_programs() {
	need_root
	cc -static -o "$W/st" "$srcdir/testdata/hello.c"
	cc -static-pie -o "$W/spie" "$srcdir/testdata/hello.c"
	sr -q --no-base -o "$W/t" "$W/st" "$W/spie"
	expect_rc 0
	expect_run hello "$ct" "$W/t" "$W/st"
	expect_run hello "$ct" "$W/t" "$W/spie"
	rmdir "$W/t/proc" "$W/t/dev"
	# Nothing but the two programs: no loader, no libc.
	[ "$(find "$W/t" -type f | sort)" = "$(printf '%s\n' "$W/t$W/spie" "$W/t$W/st")" ] ||
		fail "static tree holds $(find "$W/t" -type f)"
	[ "$(find "$W/t" -type l)" = "" ] || fail "static tree holds symlinks"
	need_cmd musl-gcc
	musl-gcc -o "$W/m" "$srcdir/testdata/hello.c"
	sr -q --no-base -o "$W/tm" "$W/m"
	expect_rc 0
	expect_run hello "$ct" "$W/tm" "$W/m"
	[ -L "$W/tm/lib/ld-musl-x86_64.so.1" ] || fail "musl loader symlink missing"
	[ ! -e "$W/tm/usr/lib/x86_64-linux-gnu/libc.so.6" ] || fail "glibc in a musl tree"
}

added_trees_and_their_elf_files() {
	need_root
	make_app
	mkdir -p "$W/assets/sub"
	echo conf >"$W/assets/sub/app.conf"
	ln -s sub/app.conf "$W/assets/link"
	cp "$W/opt/app/bin/app" "$W/assets/tool"
	cp -a "$W/opt/app/lib" "$W/lib"
	sr -q -o "$W/t" --add "$W/assets:/srv" "$W/opt/app/bin/app"
	expect_rc 0
	[ "$(cat "$W/t/srv/sub/app.conf")" = conf ] || fail "--add file missing"
	[ "$(readlink "$W/t/srv/link")" = sub/app.conf ] || fail "--add symlink not kept"
	# /srv/tool finds libself through $ORIGIN/../lib: it followed to /lib.
	[ -f "$W/t/lib/libself.so.1" ] || fail "the added ELF file's library did not follow it"
	expect_run self "$ct" "$W/t" /srv/tool
	mkfifo "$W/assets/fifo"
	sr -q -o "$W/t5" --add "$W/assets"
	expect_rc 1
	expect_err_has "'$W/assets/fifo': a device, FIFO or socket cannot go into an image"
}

setid_bits_are_dropped_unless_kept() {
	need_root
	cc -o "$W/suid" "$srcdir/testdata/hello.c"
	chmod 4755 "$W/suid"
	sr -o "$W/t" "$W/suid"
	expect_rc 0
	expect_err_has "'$W/suid': warning: set-user-ID/set-group-ID bits dropped"
	[ "$(stat -c %a "$W/t$W/suid")" = 755 ] || fail "set-id bit kept"
	sr -q --keep-setid -o "$W/t2" "$W/suid"
	[ "$(stat -c %a "$W/t2$W/suid")" = 4755 ] || fail "--keep-setid lost the bit"
	[ "$(stat -c %a "$W/suid")" = 4755 ] || fail "the input was modified"
}

output_dir_rules() {
	cc -o "$W/hello" "$srcdir/testdata/hello.c"
	mkdir "$W/empty"
	sr -q -o "$W/empty" "$W/hello"
	expect_rc 0
	[ -f "$W/empty$W/hello" ] || fail "an empty DIR was not filled"
	sr -q -o "$W/empty" "$W/hello"
	expect_rc 1
	expect_err_has "'$W/empty': not empty (--force replaces it, atomically)"
	sr -q --force -o "$W/empty" "$W/hello"
	expect_rc 0
	[ -f "$W/empty$W/hello" ] || fail "--force lost the tree"
	[ "$(ls -A "$W" | grep -c scratchroot)" = 0 ] || fail "a temporary directory was left"
	ln -s "$W/empty" "$W/link"
	sr -q -o "$W/link" "$W/hello"
	expect_rc 1
	expect_err_has "'$W/link': is a symlink"
}

# /root (0700, root's home in /etc/passwd) exists, so a program run as uid 0
# with HOME=/root (what runtimes set from passwd) can write its dotfiles;
# nobody's home, /nonexistent, must not exist.
root_home_is_writable() {
	need_root
	need_cmd git
	git=$(command -v git)
	sr -q -o "$W/t" "$git"
	expect_rc 0
	[ "$(stat -c '%a %u %g' "$W/t/root")" = "700 0 0" ] || fail "/root is $(stat -c '%a %u %g' "$W/t/root")"
	[ ! -e "$W/t/nonexistent" ] || fail "/nonexistent exists"
	"$inroot" "$W/t" HOME=/root "$git" config --global user.name x ||
		fail "git config --global fails as uid 0"
	[ "$(cat "$W/t/root/.gitconfig")" = "$(printf '[user]\n\tname = x')" ] ||
		fail "/root/.gitconfig: $(cat "$W/t/root/.gitconfig")"
	expect_run x "$inroot" "$W/t" HOME=/root "$git" config --global user.name
	sr -q --no-base -o "$W/t2" "$git"
	expect_rc 0
	expect_run_fails "could not lock config file" "$inroot" "$W/t2" HOME=/root "$git" config --global user.name x
}

# A program named through symlinks (/usr/bin/awk -> /etc/alternatives/awk
# -> /usr/bin/mawk): the tree keeps each link with its own text; with
# FILE:DEST the program itself lands at DEST.
alternatives_chain_is_kept() {
	need_root
	[ -L /usr/bin/awk ] && [ -L /etc/alternatives/awk ] || skip "no /usr/bin/awk through /etc/alternatives"
	chain "" /usr/bin/awk >"$W/chain"
	sr -q -o "$W/t" /usr/bin/awk
	expect_rc 0
	while read -r p; do
		if [ -L "$p" ]; then
			[ -L "$W/t$p" ] && [ "$(readlink "$W/t$p")" = "$(readlink "$p")" ] ||
				fail "$p: not the host's symlink in the tree"
		else
			[ -f "$W/t$p" ] && [ ! -L "$W/t$p" ] || fail "$p: not a file in the tree"
		fi
	done <"$W/chain"
	[ "$(sed -n 2p "$W/chain")" = /etc/alternatives/awk ] || fail "chain: $(cat "$W/chain")"
	expect_run 3 "$inroot" "$W/t" /usr/bin/awk 'BEGIN { print 1 + 2 }'
	sr -q -o "$W/t2" /usr/bin/awk:/app/awk
	expect_rc 0
	[ -f "$W/t2/app/awk" ] && [ ! -L "$W/t2/app/awk" ] || fail "/app/awk is not the program"
	[ ! -e "$W/t2/etc/alternatives" ] || fail "the alternatives link came along to DEST"
	expect_run 3 "$inroot" "$W/t2" /app/awk 'BEGIN { print 1 + 2 }'
}

scenario R01 "an \$ORIGIN app runs from its tree; symlinks kept" origin_app_runs_from_its_tree
scenario R02 "FILE:DEST moves the program and its \$ORIGIN libraries" moved_app_takes_its_origin_libraries_along
scenario R03 "base files: passwd, group, /tmp, /home/nonroot; --no-base" base_files_follow_the_distroless_conventions
scenario R04 "several programs in one tree; conflicts name both" several_programs_share_one_tree
scenario R05 "static, static-pie and musl programs" musl_static_and_static_pie_programs
scenario R06 "--add trees, their ELF files walked; FIFOs refused" added_trees_and_their_elf_files
scenario R07 "set-id bits dropped with a warning, --keep-setid" setid_bits_are_dropped_unless_kept
scenario R08 "DIR absent or empty, --force, never a symlink" output_dir_rules
scenario R09 "/root is root's home: git config --global as uid 0; --no-base" root_home_is_writable
scenario R10 "a program through /etc/alternatives: the chain kept; FILE:DEST" alternatives_chain_is_kept
finish
