#!/bin/sh
# --trace: a real run under our ptrace tracer, merged with the static walk.
# Each scenario builds what it runs under $W (a temporary directory, which
# --trace leaves out unless --trace-include brings it back), and checks the
# tree by running the same command from it in a chroot, as a container
# runtime would.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

# "$ct_env" TREE VAR=VALUE... CHROOT TREE PROG ARG...: like "$ct", with an
# environment (a script, so that expect_run can time it out).
ct_env="$TD/ct_env"
cat >"$ct_env" <<'CT'
#!/bin/sh
t=$1
shift
mkdir -p "$t/proc" "$t/dev"
exec unshare -m sh -c 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" &&
	exec env -i "$@"' "$t" "$@"
CT
chmod +x "$ct_env"

# tree_listing DIR: every entry with its type, mode and link target.
tree_listing() {
	(cd "$1" && find . -printf '%p %y %m %l %s\n' | sort)
}

# The plugin fixture: $W/app/main dlopens $W/app/plugins/greet.so, whose
# answer comes from its own DT_NEEDED library, found by its $ORIGIN.
build_plugin() {
	mkdir -p "$W/app/plugins"
	cc_lib "from the plugin's library" libgreetdep.so.1 "$W/app/plugins/libgreetdep.so.1"
	cc -shared -fPIC -Wl,--no-as-needed -Wl,--enable-new-dtags,-rpath,'$ORIGIN' \
		-o "$W/app/plugins/greet.so" "$srcdir/testdata/trace-plugin.c" \
		"$W/app/plugins/libgreetdep.so.1"
	cc -o "$W/app/main" "$srcdir/testdata/trace-dlopen.c" -ldl
	expect_run "plugin: from the plugin's library" "$W/app/main" "$W/app/plugins/greet.so"
}

plugin_needs_the_trace() {
	need_root
	build_plugin
	step "the static tree lacks the plugin and fails"
	sr -q -o "$W/static" "$W/app/main"
	expect_rc 0
	[ ! -e "$W/static$W/app/plugins/greet.so" ] || fail "the static tree has the plugin"
	expect_run_fails "greet.so" "$ct" "$W/static" "$W/app/main" "$W/app/plugins/greet.so"
	step "the traced tree has it, its own library too, and runs"
	sr -o "$W/traced" --trace --trace-include "$W/app/*" -- "$W/app/main" "$W/app/plugins/greet.so"
	expect_rc 0
	expect_err_has "'$W/app/main': traced run: exit 0"
	expect_out_has "plugin: from the plugin's library"
	[ -f "$W/traced$W/app/plugins/greet.so" ] && [ -f "$W/traced$W/app/plugins/libgreetdep.so.1" ] ||
		fail "the traced tree lacks the plugin or its library"
	expect_run "plugin: from the plugin's library" "$ct" "$W/traced" "$W/app/main" \
		"$W/app/plugins/greet.so"
	step "--tree shows it as a traced program with its walk, --why labels it"
	sr --tree --trace --trace-include "$W/app/*" -- "$W/app/main" "$W/app/plugins/greet.so"
	expect_rc 0
	grep -q "^$W/app/plugins/greet.so (ELF64.*\[traced: pid [0-9]*, openat\]" "$W/out" ||
		{ cat "$W/out" >&2; fail "--tree does not show the plugin as traced"; }
	expect_out_has "libgreetdep.so.1 => $W/app/plugins/libgreetdep.so.1  [RUNPATH of" \
		"traced: run of $W/app/main $W/app/plugins/greet.so (exit 0" \
		"    added $W/app/plugins/greet.so  [opened, pid "
	sr --list --why --trace --trace-include "$W/app/*" -- "$W/app/main" "$W/app/plugins/greet.so"
	expect_rc 0
	grep -q "^$W/app/plugins/greet.so  (traced: pid [0-9]*, openat)$" "$W/out" ||
		{ cat "$W/out" >&2; fail "--why does not label the plugin traced"; }
}

probed_names_are_shown() {
	build_plugin
	sr --tree --trace --trace-include "$W/app/*" -- "$W/app/main" "$W/app/plugins/missing.so"
	expect_rc 0
	expect_out_has "    probed $W/app/plugins/missing.so  [pid "
	expect_err_has "warning: the traced program exited with status 1"
}

temporary_files_need_an_include() {
	build_plugin
	sr --tree --trace -- "$W/app/main" "$W/app/plugins/greet.so"
	expect_rc 0
	expect_out_has "    left out $W/app/plugins/greet.so  [opened, pid " \
		"a temporary directory (--trace-include brings it back)"
	expect_out_lacks "    added $W/app/plugins/greet.so"
	step "--trace-exclude after the include wins"
	sr --list --trace --trace-include "$W/app/*" --trace-exclude '*/plugins/libgreet*' \
		-- "$W/app/main" "$W/app/plugins/greet.so"
	expect_rc 0
	expect_list_has "$W/app/plugins/greet.so" "$W/app/plugins/libgreetdep.so.1"
	# The plugin's own walk still brings its library: only the copy the
	# trace saw is excluded.
	sr --tree --trace --trace-include "$W/app/*" --trace-exclude '*/plugins/libgreet*' \
		-- "$W/app/main" "$W/app/plugins/greet.so"
	expect_out_has "--trace-exclude '*/plugins/libgreet*'"
}

python_modules() {
	need_root
	need_cmd "$PY"
	code='import json, sqlite3, ssl, hashlib; print(json.dumps({"sqlite": sqlite3.sqlite_version, "tls": ssl.OPENSSL_VERSION.split()[0], "md5": hashlib.md5(b"scratch").hexdigest()}))'
	want=$("$PY" -c "$code")
	sr -o "$W/t" --trace -- "$PY" -c "$code"
	expect_rc 0
	expect_err_has "traced Python: " "modules kept as bytecode alone"
	expect_run "$want" "$ct" "$W/t" "$PY" -c "$code"
	find "$W/t/usr/lib/python3"* -name '*.pyc' -path '*__pycache__*' | grep -q . &&
		fail "bytecode left in __pycache__ although its source is not there"
	[ -f "$W/t/usr/lib/python3.11/json/__init__.pyc" ] || [ ! -d /usr/lib/python3.11 ] ||
		fail "json's bytecode is not beside its source's place"
	step "far smaller than the whole standard library"
	lib=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
	sr -q -o "$W/all" --add "$lib" "$PY"
	expect_rc 0
	traced=$(du -sk "$W/t" | cut -f1)
	all=$(du -sk "$W/all" | cut -f1)
	note "python3 tree: traced $traced KiB, with --add $lib $all KiB"
	echo "traced $traced KiB, --add $all KiB"
	[ $((traced * 2)) -lt "$all" ] || fail "the traced tree ($traced KiB) is not far smaller than --add's ($all KiB)"
}

# git clone over HTTPS from a dumb-HTTP server on 127.0.0.1 (Python's
# http.server with TLS, a self-signed certificate).
git_over_https() {
	need_root
	need_cmd git openssl "$PY"
	mkdir -p "$W/srv" "$W/home"
	git init -q --bare "$W/srv/repo.git"
	git init -q "$W/work"
	echo "cloned through the trace" >"$W/work/README"
	git -C "$W/work" add README
	git -C "$W/work" -c user.name=t -c user.email=t@example.invalid commit -qm one
	git -C "$W/work" push -q "$W/srv/repo.git" HEAD:refs/heads/main
	git --git-dir="$W/srv/repo.git" symbolic-ref HEAD refs/heads/main
	git --git-dir="$W/srv/repo.git" update-server-info
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" \
		-days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1 || fail "openssl req"
	timeout 120 "$PY" "$srcdir/testdata/trace-https.py" "$W/srv" "$W/cert.pem" "$W/key.pem" \
		"$W/port" 100 &
	srv=$!
	trap 'kill $srv 2>/dev/null || :' EXIT
	for _i in $(seq 50); do [ -s "$W/port" ] && break; sleep 0.1; done
	port=$(cat "$W/port") || fail "the HTTPS server did not start"
	url=https://127.0.0.1:$port/repo.git
	step "the traced tree holds git-remote-https and clones"
	GIT_SSL_NO_VERIFY=1 HOME=$W/home GIT_CONFIG_NOSYSTEM=1 \
		sr -o "$W/traced" --trace=60 -- git clone -q "$url" "$W/clone"
	expect_rc 0
	[ "$(cat "$W/clone/README")" = "cloned through the trace" ] || fail "the traced clone failed"
	[ -e "$W/traced/usr/lib/git-core/git-remote-https" ] || fail "no git-remote-https in the tree"
	timeout 30 "$ct_env" "$W/traced" GIT_SSL_NO_VERIFY=1 HOME=/tmp "$(command -v chroot)" \
		"$W/traced" /usr/bin/git clone -q "$url" /tmp/c >"$W/run" 2>&1 ||
		{ cat "$W/run" >&2; fail "git clone from the traced tree failed"; }
	[ "$(cat "$W/traced/tmp/c/README")" = "cloned through the trace" ] ||
		fail "the clone from the traced tree is not there"
	step "the static tree does not"
	sr -q -o "$W/static" "$(command -v git)"
	expect_rc 0
	[ ! -e "$W/static/usr/lib/git-core/git-remote-https" ] || fail "the static tree has git-remote-https"
	expect_run_fails "remote-https" "$ct_env" "$W/static" GIT_SSL_NO_VERIFY=1 HOME=/tmp \
		"$(command -v chroot)" "$W/static" /usr/bin/git clone -q "$url" /tmp/c
}

process_tree() {
	need_root
	mkdir -p "$W/app/etc" "$W/app/share"
	cc_lib second libsecond.so.1 "$W/app/lib/libsecond.so.1"
	cc_prog "$W/app/bin/second" "$W/app/lib/libsecond.so.1" -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
	cc -o "$W/app/bin/forker" "$srcdir/testdata/trace-forker.c" -pthread
	echo "colour = blue" >"$W/app/etc/forker.conf"
	echo "read on a thread" >"$W/app/share/data.txt"
	set -- "$W/app/bin/forker" "$W/app/etc/forker.conf" "$W/app/share/data.txt" "$W/app/bin/second"
	want=$(printf 'config: colour = blue\ndata: read on a thread\nsecond')
	expect_run "$want" "$@"
	sr --list --why --trace --trace-include "$W/app/*" -- "$@"
	expect_rc 0
	for _p in "$W/app/bin/forker" "$W/app/bin/second" "$W/app/lib/libsecond.so.1" \
		"$W/app/etc/forker.conf" "$W/app/share/data.txt"; do
		grep -q "^$_p  (" "$W/out" || { cat "$W/out" >&2; fail "--list lacks $_p"; }
	done
	expect_err_has "2 processes and 1 thread"
	# The thread's open is the thread's own pid, not the process's.
	main_pid=$(sed -n "s|^$W/app/etc/forker.conf  (traced: pid \([0-9]*\), openat)$|\1|p" "$W/out")
	thread_pid=$(sed -n "s|^$W/app/share/data.txt  (traced: pid \([0-9]*\), openat)$|\1|p" "$W/out")
	[ -n "$main_pid" ] && [ -n "$thread_pid" ] && [ "$main_pid" != "$thread_pid" ] ||
		{ cat "$W/out" >&2; fail "the thread's open is not labelled with its own pid"; }
	sr -q -o "$W/t" --trace --trace-include "$W/app/*" -- "$@"
	expect_rc 0
	expect_run "$want" "$ct" "$W/t" "$@"
}

record_and_replay() {
	need_root
	build_plugin
	cc_lib "the other plugin's library" libotherdep.so.1 "$W/app/plugins/libotherdep.so.1"
	cc -shared -fPIC -Wl,--no-as-needed -Wl,--enable-new-dtags,-rpath,'$ORIGIN' \
		-o "$W/app/plugins/other.so" "$srcdir/testdata/trace-plugin.c" \
		"$W/app/plugins/libotherdep.so.1"
	sr -q -o "$W/direct" --trace-record "$W/a.trace" --trace --trace-include "$W/app/*" \
		-- "$W/app/main" "$W/app/plugins/greet.so"
	expect_rc 0
	[ "$(head -n 1 "$W/a.trace")" = "scratchroot-trace 1" ] || fail "the record has no version line"
	grep -v '^#' "$W/a.trace" | tail -n +2 | cut -f1 >"$W/paths"
	sort -c "$W/paths" || fail "the record is not sorted by path"
	grep -q "^$W/app/plugins/greet.so	opened	[0-9]*	openat$" "$W/a.trace" ||
		{ cat "$W/a.trace" >&2; fail "the record lacks the plugin"; }
	step "a replay gives the same tree, running nothing"
	sr -q -o "$W/replayed" --trace-replay "$W/a.trace" --trace-include "$W/app/*"
	expect_rc 0
	tree_listing "$W/direct" >"$W/l1"
	tree_listing "$W/replayed" >"$W/l2"
	diff -u "$W/l1" "$W/l2" >&2 || fail "record and replay differ from the direct trace"
	diff -r "$W/direct" "$W/replayed" >&2 || fail "the files differ"
	expect_err_lacks "traced run"
	step "records merge"
	sr -q --list --trace-record "$W/b.trace" --trace --trace-include "$W/app/*" \
		-- "$W/app/main" "$W/app/plugins/other.so"
	expect_rc 0
	sr --list --trace-replay "$W/a.trace" --trace-replay "$W/b.trace" --trace-include "$W/app/*"
	expect_rc 0
	expect_list_has "$W/app/plugins/greet.so" "$W/app/plugins/libgreetdep.so.1" \
		"$W/app/plugins/other.so" "$W/app/plugins/libotherdep.so.1" "$W/app/main"
	step "a record of another version is refused"
	sed '1s/ 1$/ 99/' "$W/a.trace" >"$W/c.trace"
	sr --list --trace-replay "$W/c.trace"
	expect_rc 1
	expect_err_has "a record of another version"
}

time_limit() {
	need_cmd sleep
	start=$(date +%s)
	sr -o "$W/t" --trace=1 -- sleep 1000
	end=$(date +%s)
	expect_rc 0
	[ $((end - start)) -lt 8 ] || fail "the time limit did not stop sleep ($((end - start)) s)"
	expect_err_has "traced run: stopped at the time limit (1 s)" \
		"warning: traced run stopped at the time limit: every process got SIGTERM"
	[ -x "$W/t$(command -v sleep | xargs readlink -f)" ] || [ -d "$W/t/usr" ] ||
		fail "no tree was written"
	step "a program killed by a signal is reported"
	sr --list --trace -- /bin/sh -c 'kill -ABRT $$'
	expect_rc 0
	expect_err_has "traced run: killed by signal 6 (SIGABRT)" \
		"warning: the traced program was killed by signal 6 (SIGABRT)"
}

refusals() {
	need_root
	cp /bin/true "$W/true-suid"
	chmod 4755 "$W/true-suid"
	step "a set-id PROGRAM is refused"
	sr --list --trace -- "$W/true-suid"
	expect_rc 1
	expect_err_has "'$W/true-suid' is set-user-ID: scratchroot never runs a privileged program under ptrace"
	step "a set-id program exec'd by the traced one fails with EPERM"
	sr --list --trace -- /bin/sh -c "'$W/true-suid'; echo status=\$?"
	expect_rc 0
	expect_err_has "'$W/true-suid': warning: set-user-ID: pid " "the exec failed with EPERM" \
		"status=126"
	step "ptrace forbidden: one line says so and what to do"
	cc -o "$W/noptrace" "$srcdir/testdata/trace-noptrace.c"
	rc=0
	# (LeakSanitizer stops the threads of an ASan build with ptrace.)
	ASAN_OPTIONS=detect_leaks=0 "$W/noptrace" "$SR" --list --trace -- /bin/true \
		>"$W/out" 2>"$W/err" || rc=$?
	expect_rc 1
	expect_err_has "ptrace is not allowed here (PTRACE_TRACEME: Operation not permitted)" \
		"--cap-add=SYS_PTRACE"
	[ "$(wc -l <"$W/err")" = 1 ] || { cat "$W/err" >&2; fail "more than one line"; }
}

# An AArch64 program would run under qemu-user (binfmt_misc), whose system
# calls are the emulator's: it is refused, with what to do instead.
aarch64_refused() {
	need_cmd aarch64-linux-gnu-gcc
	aarch64-linux-gnu-gcc -o "$W/hello-arm" "$srcdir/testdata/hello.c" >"$W/.cc.log" 2>&1 ||
		skip "aarch64-linux-gnu-gcc cannot build"
	sr --list --trace -- "$W/hello-arm"
	expect_rc 1
	expect_err_has "'$W/hello-arm' is an aarch64 program: here it would run in an emulator" \
		"--trace-record FILE" "--trace-replay FILE"
}

usage() {
	sr --list --trace
	expect_rc 2
	expect_err_has "--trace needs a PROGRAM to run"
	sr --list --trace --sysroot / -- /bin/true
	expect_rc 2
	expect_err_has "--trace runs PROGRAM on this machine, not in --sysroot"
	sr --list --trace-record x /bin/true
	expect_rc 2
	expect_err_has "--trace-record needs --trace or --trace-replay"
	sr --list --trace=0 -- /bin/true
	expect_rc 2
	sr --help
	expect_rc 0
	expect_out_has "EXECUTES PROGRAM on this machine, with your privileges"
	step "--trace-log takes the program's output"
	sr -q --list --trace --trace-log "$W/log" -- /bin/sh -c 'echo to-stdout; echo to-stderr >&2'
	expect_rc 0
	expect_err_lacks "to-stdout" "to-stderr"
	expect_out_lacks "to-stdout"
	grep -q to-stdout "$W/log" && grep -q to-stderr "$W/log" || fail "--trace-log lacks the output"
	step "with --list the program's stdout goes to stderr"
	sr -q --list --trace -- /bin/sh -c 'echo to-stdout'
	expect_out_lacks "to-stdout"
	expect_err_has "to-stdout"
}

scenario T01 "a dlopen'd plugin: the static tree fails, the traced one runs" plugin_needs_the_trace
scenario T02 "names probed and not found are shown" probed_names_are_shown
scenario T03 "temporary files come only with --trace-include; rules in order" temporary_files_need_an_include
scenario T04 "python3: the same output from a far smaller tree" python_modules
scenario T05 "git clone over HTTPS: git-remote-https comes with the trace" git_over_https
scenario T06 "a config file, a thread, a fork and an exec" process_tree
scenario T07 "record and replay give the same tree; records merge" record_and_replay
scenario T08 "the time limit, a program killed by a signal" time_limit
scenario T09 "set-id programs and forbidden ptrace are refused" refusals
scenario T10 "an aarch64 program is refused with what to do" aarch64_refused
scenario T11 "usage, --help, --trace-log, stdout with --list" usage
finish
