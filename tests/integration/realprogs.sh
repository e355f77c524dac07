#!/bin/sh
# Real programs of the distribution, each in the rootfs that the default
# invocation `scratchroot -o DIR /usr/bin/PROG` writes, run in a chroot of
# DIR with /proc and /dev as a container runtime gives them, on a small
# realistic workload: stdout and exit status must be those of the same
# command on the host.  Input files go into the tree with --add, at the
# same absolute path as on the host, so both runs take the same arguments.
#
# What a program needs beyond its ELF closure (data files it reads,
# programs it executes, modules it dlopen()s) is never faked into the tree:
# the cases that fail for it are listed in KNOWN_FAILURES below, and each
# is still run, must still fail, and is shown as a "note:" under the
# scenario with the exact failure.
#
# Needs root (chroot, mounts); each program's scenario is skipped when the
# program is not installed.
. "$(dirname "$0")/lib.sh"

CHROOT=$(PATH=/usr/sbin:/sbin:/usr/bin:/bin command -v chroot || :)

# The container's root, run by `unshare -m` (a private mount namespace, so
# every mount below disappears with the process): a tmpfs at VIEW holding
# DIR's top-level entries (directories and files bind-mounted, symlinks
# copied), plus /proc and /dev; then chroot VIEW [--userspec=U:G] PROG ARGS.
# The tree itself gets no proc/ or dev/ directory.
# shellcheck disable=SC2016
VIEW_SH='
set -e
tree=$1 view=$2 chroot=$3 user=$4
shift 4
mount -t tmpfs -o mode=0755 scratchroot-view "$view"
for e in "$tree"/* "$tree"/.[!.]* "$tree"/..?*; do
	[ -e "$e" ] || [ -L "$e" ] || continue
	b=${e##*/}
	if [ -L "$e" ]; then
		cp -P "$e" "$view/$b"
	elif [ -d "$e" ]; then
		mkdir "$view/$b"
		mount --rbind "$e" "$view/$b"
	else
		: >"$view/$b"
		mount --bind "$e" "$view/$b"
	fi
done
mkdir -p "$view/proc" "$view/dev"
mount --rbind /proc "$view/proc"
mount --rbind /dev "$view/dev"
if [ -n "$user" ]; then
	exec "$chroot" --userspec="$user" "$view" "$@"
fi
exec "$chroot" "$view" "$@"
'

# Run-as user inside the tree for tree_run ("" = root).
RUN_AS=

# The cases known to fail in the tree while they work on the host, each
# with its reason.  A listed case that works in the tree fails its
# scenario ("now works: remove it from the list"): the list stays true.
KNOWN_FAILURES='
openssl-legacy	openssl -provider legacy dlopen()s ossl-modules/legacy.so
busybox-applets	the tree has no applet links: in busybox sh, ls alone is not found
git-templates	git init looks for /usr/share/git-core/templates, not in the tree
git-clone-local	git clone runs git-upload-pack through /bin/sh (see R08)
git-https	git over https runs git-remote-https
'

# known ID FAILED DETAIL: the outcome in the tree of the case ID of
# KNOWN_FAILURES: FAILED 1 (as expected: a note with DETAIL) or 0 (it now
# works: a failure).  Run it only when the case works on the host.
known() {
	_why=$(printf '%s\n' "$KNOWN_FAILURES" | awk -F '\t' -v id="$1" '$1 == id { print $2 }')
	[ -n "$_why" ] || fail "known $1: not in KNOWN_FAILURES"
	[ "$2" = 1 ] || fail "'$1' now works in the tree: remove it from the list (KNOWN_FAILURES: $_why)"
	note "known failure $1 ($_why): $3"
}

# known_vs_host ID DETAIL: known ID for the last host_run and tree_run; not
# judged (a note) when the case fails on the host too.
known_vs_host() {
	if [ "$hrc" != 0 ]; then
		note "known failure $1 not judged: it fails on the host too (status $hrc: $(head -n 1 "$W/h.err"))"
		return 0
	fi
	_f=0
	[ "$trc" = 0 ] || _f=1
	known "$1" "$_f" "exits $trc in the tree: $2"
}

need_view() {
	need_root
	need_cmd unshare timeout
	[ -n "$CHROOT" ] || skip "no chroot command"
	unshare -m --propagation private true 2>/dev/null ||
		skip "unshare -m does not work here (no mount namespaces)"
}

# need_prog PROG: /usr/bin/PROG, or the scenario is skipped.
need_prog() {
	[ -x "/usr/bin/$1" ] || skip "/usr/bin/$1 is not installed"
}

# take_env ARGS...: leading VAR=VALUE arguments (values without spaces) into
# $_env, their count into $_nenv.
take_env() {
	_env= _nenv=0
	for _a; do
		case $_a in
		*=*) _env="$_env $_a"; _nenv=$((_nenv + 1)) ;;
		*) break ;;
		esac
	done
}

# tree_run TREE [VAR=VALUE...] PROG [ARG...]: PROG in a container view of
# TREE, with only PATH, HOME and the VARs in its environment; stdout in
# $W/t.out, stderr in $W/t.err, status in $trc.  Checks that no mount is
# left behind.
tree_run() {
	_tree=$1
	shift
	case $_tree in /*) ;; *) _tree=$W/$_tree ;; esac
	take_env "$@"
	shift "$_nenv"
	_home=/
	[ -z "$RUN_AS" ] || _home=/home/nonroot
	_view=$(mktemp -d "$W/.view.XXXXXX")
	trc=0
	# shellcheck disable=SC2086
	env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=$_home $_env \
		timeout 60 unshare -m --propagation private /bin/sh -c "$VIEW_SH" view \
		"$_tree" "$_view" "$CHROOT" "$RUN_AS" "$@" >"$W/t.out" 2>"$W/t.err" || trc=$?
	if grep -qF " $_view" /proc/self/mounts; then
		fail "a mount under $_view was left behind"
	fi
	rmdir "$_view"
}

# host_run [VAR=VALUE...] PROG [ARG...]: the same on the host, from /;
# $W/h.out, $W/h.err, $hrc.
host_run() {
	take_env "$@"
	shift "$_nenv"
	mkdir -p "$W/home"
	hrc=0
	# shellcheck disable=SC2086
	(cd / && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$W/home" $_env \
		timeout 60 "$@") >"$W/h.out" 2>"$W/h.err" || hrc=$?
}

show_runs() {
	echo "--- host: status $hrc, stdout:" >&2; cat "$W/h.out" >&2
	echo "--- host stderr:" >&2; cat "$W/h.err" >&2
	echo "--- tree: status $trc, stdout:" >&2; cat "$W/t.out" >&2
	echo "--- tree stderr:" >&2; cat "$W/t.err" >&2
}

# same_as_host TREE [VAR=VALUE...] PROG [ARG...]: same stdout, same status.
same_as_host() {
	_t=$1
	shift
	step "$*"
	host_run "$@"
	tree_run "$_t" "$@"
	if [ "$hrc" != "$trc" ] || ! cmp -s "$W/h.out" "$W/t.out"; then
		show_runs
		fail "in the tree, '$*' differs from the host"
	fi
}

# tree_ok TREE [VAR=VALUE...] PROG [ARG...]: runs in the tree, status 0.
tree_ok() {
	_t=$1
	shift
	step "$* (in the tree only)"
	tree_run "$_t" "$@"
	if [ "$trc" != 0 ]; then
		echo "--- stdout:" >&2; cat "$W/t.out" >&2
		echo "--- stderr:" >&2; cat "$W/t.err" >&2
		fail "in the tree, '$*' exited $trc"
	fi
}

# build TREE ARGS...: scratchroot -o $W/TREE ARGS, which must succeed.
build() {
	_t=$1
	shift
	step "scratchroot -o $_t $*"
	sr -o "$W/$_t" "$@"
	expect_rc 0
	[ -d "$W/$_t" ] || fail "$W/$_t was not written"
}

# Input files, in $W/data (added to trees at the same path).
make_data() {
	mkdir -p "$W/data"
	printf 'alpha\nbeta\ngamma beta\n' >"$W/data/data.txt"
	printf '[{"name":"ann","n":1},{"name":"bob","n":2},{"name":"cy","n":3}]\n' >"$W/data/j.json"
	printf 'not json\n' >"$W/data/bad.json"
}

# ---- the programs ----

r01_jq() {
	need_view
	need_prog jq
	make_data
	build T /usr/bin/jq --add "$W/data"
	same_as_host T /usr/bin/jq --version
	same_as_host T /usr/bin/jq -n '{"a":[1,2]}|.a|add'
	same_as_host T /usr/bin/jq -c '[.[]|select(.n>1)|.name]' "$W/data/j.json"
	same_as_host T /usr/bin/jq -r '.[0].name|ascii_upcase' "$W/data/j.json"
	same_as_host T /usr/bin/jq -n '"\u00e9t\u00e9"|@base64'
	# A parse error: the same message status (2) and no output.
	same_as_host T /usr/bin/jq . "$W/data/bad.json"
	[ "$trc" != 0 ] || fail "jq accepted invalid JSON"
}

r02_sqlite3() {
	need_view
	need_prog sqlite3
	mkdir -p "$W/db"
	build T /usr/bin/sqlite3 --add "$W/db"
	same_as_host T /usr/bin/sqlite3 :memory: 'select 6*7'
	same_as_host T /usr/bin/sqlite3 -version
	same_as_host T /usr/bin/sqlite3 :memory: \
		"select json_extract('{\"a\":[1,2]}','\$.a[1]'), printf('%.2f', 3.14159), upper('x')"
	# A database file, written then read again by a second process.
	same_as_host T /usr/bin/sqlite3 "$W/db/t.db" \
		'create table t(x int); insert into t values (1),(2),(3); select sum(x), group_concat(x) from t;'
	same_as_host T /usr/bin/sqlite3 "$W/db/t.db" 'select count(*), max(x) from t'
	cmp -s "$W/db/t.db" "$W/T$W/db/t.db" ||
		note "the database files written on the host and in the tree differ (not required)"
	# SQL error: status 1 on both.
	same_as_host T /usr/bin/sqlite3 :memory: 'select * from nosuchtable'
}

r03_openssl() {
	need_view
	need_prog openssl
	make_data
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/data/key.pem" \
		-out "$W/data/cert.pem" -days 2 -subj /CN=scratchroot.test >/dev/null 2>&1 ||
		fail "openssl req on the host failed"
	build T /usr/bin/openssl --add "$W/data"
	same_as_host T /usr/bin/openssl version
	same_as_host T /usr/bin/openssl dgst -sha256 "$W/data/data.txt"
	same_as_host T /usr/bin/openssl dgst -sha512 -r "$W/data/data.txt"
	same_as_host T /usr/bin/openssl base64 -in "$W/data/data.txt"
	same_as_host T /usr/bin/openssl enc -aes-256-cbc -pbkdf2 -pass pass:secret \
		-S 0011223344556677 -in "$W/data/data.txt" -a
	same_as_host T /usr/bin/openssl x509 -in "$W/data/cert.pem" -noout -subject -fingerprint -sha256
	same_as_host T /usr/bin/openssl pkey -in "$W/data/key.pem" -pubout
	tree_ok T /usr/bin/openssl genpkey -algorithm ed25519 -out /tmp/k.pem
	tree_ok T /usr/bin/openssl rand -hex 16
	# `req` reads /usr/lib/ssl/openssl.cnf: the config bundle brings it.
	tree_ok T /usr/bin/openssl req -new -x509 -key "$W/data/key.pem" -subj /CN=x -days 1 -out /dev/null
	# Beyond the ELF walk: the dlopen()ed legacy provider.  Shown, not faked.
	host_run /usr/bin/openssl dgst -provider legacy -md4 "$W/data/data.txt"
	tree_run T /usr/bin/openssl dgst -provider legacy -md4 "$W/data/data.txt"
	known_vs_host openssl-legacy "$(grep -o 'filename([^)]*)' "$W/t.err" | head -n 1)"
}

r04_busybox() {
	need_view
	need_prog busybox
	make_data
	build T /usr/bin/busybox --add "$W/data"
	same_as_host T /usr/bin/busybox sh -c 'echo hi'
	same_as_host T /usr/bin/busybox sh -c 'for i in 1 2 3; do echo $((i * i)); done; exit 3'
	same_as_host T /usr/bin/busybox sh -c "busybox wc -l <'$W/data/data.txt'; busybox sha256sum '$W/data/data.txt'; busybox ls '$W/data'"
	same_as_host T /usr/bin/busybox sed -n 2p "$W/data/data.txt"
	same_as_host T /usr/bin/busybox awk '/beta/ { n++ } END { print n }' "$W/data/data.txt"
	# The tree has no applet links: inside busybox sh, `ls` alone is not
	# found (as on a host without them); `busybox ls` is the way.
	# A busybox built with its shell's standalone mode (Debian's
	# busybox-static) runs its applets without links: nothing to judge.
	if env -i PATH=/nonexistent /usr/bin/busybox sh -c 'ls /' >/dev/null 2>&1; then
		note "busybox-applets not judged: this busybox runs applets without links (standalone shell)"
		return 0
	fi
	host_run /usr/bin/busybox sh -c 'ls /'
	tree_run T /usr/bin/busybox sh -c 'ls /'
	known_vs_host busybox-applets "$(head -n 1 "$W/t.err"); 'busybox ls' works"
}

r05_rg() {
	need_view
	need_prog rg
	make_data
	mkdir -p "$W/data/sub"
	printf 'beta in sub\n' >"$W/data/sub/more.txt"
	build T /usr/bin/rg --add "$W/data"
	same_as_host T /usr/bin/rg --version
	same_as_host T /usr/bin/rg -n beta "$W/data/data.txt"
	same_as_host T /usr/bin/rg -c --sort path beta "$W/data"
	same_as_host T /usr/bin/rg -j2 --files --sort path "$W/data"
	same_as_host T /usr/bin/rg -o '[a-z]+a\b' "$W/data/data.txt"
	# No match: status 1.
	same_as_host T /usr/bin/rg zeta "$W/data"
	if /usr/bin/rg --pcre2-version >/dev/null 2>&1; then
		same_as_host T /usr/bin/rg --pcre2 -o 'b\w+(?=a)' "$W/data/data.txt"
	fi
}

# An HTTPS server on the host (openssl s_server) for curl; its port in $port.
start_https() {
	port=
	for _try in 1 2 3 4 5; do
		_p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		openssl s_server -accept "127.0.0.1:$_p" -cert "$W/data/cert.pem" \
			-key "$W/data/key.pem" -www -quiet </dev/null >"$W/s_server.log" 2>&1 &
		spid=$!
		for _i in 1 2 3 4 5 6 7 8 9 10; do
			if curl -s -o /dev/null --cacert "$W/data/cert.pem" "https://127.0.0.1:$_p/"; then
				port=$_p
				return 0
			fi
			kill -0 "$spid" 2>/dev/null || break
			sleep 0.3
		done
		kill "$spid" 2>/dev/null || :
		wait "$spid" 2>/dev/null || :
		spid=
	done
	return 1
}

r06_curl() {
	need_view
	need_prog curl
	make_data
	build T /usr/bin/curl --add "$W/data"
	same_as_host T /usr/bin/curl --version
	same_as_host T /usr/bin/curl -s "file://$W/data/data.txt"
	same_as_host T /usr/bin/curl -sS -o /dev/null -w '%{http_code} %{size_download}\n' "file://$W/data/j.json"
	# /etc/passwd of the tree is the base file, not the host's.
	tree_ok T /usr/bin/curl -s file:///etc/passwd
	cmp -s "$W/t.out" "$W/T/etc/passwd" || { cat "$W/t.out" >&2; fail "curl file:///etc/passwd in the tree"; }
	# Nothing listens on port 1 (connection refused: status 7).
	same_as_host T /usr/bin/curl -s http://127.0.0.1:1/
	# HTTPS against a local server with its own certificate.
	if ! command -v openssl >/dev/null 2>&1; then
		note "HTTPS part left out: no openssl on the host for a local server"
		return 0
	fi
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/data/key.pem" \
		-out "$W/data/cert.pem" -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || fail "openssl req failed"
	build T2 /usr/bin/curl --add "$W/data"
	spid=
	trap '[ -z "$spid" ] || kill "$spid" 2>/dev/null || :' EXIT
	if ! start_https; then
		note "HTTPS part left out: openssl s_server did not start ($(head -n 1 "$W/s_server.log"))"
		return 0
	fi
	same_as_host T2 /usr/bin/curl -sS -o /dev/null -w '%{http_code}\n' \
		--cacert "$W/data/cert.pem" "https://127.0.0.1:$port/"
	[ "$(cat "$W/t.out")" = 200 ] || fail "HTTPS in the tree: $(cat "$W/t.out")"
	# Without --cacert: the system CA bundle (in the tree: the certs
	# bundle), which does not know the server's certificate, on both.
	host_run /usr/bin/curl -sS -o /dev/null "https://127.0.0.1:$port/"
	tree_run T2 /usr/bin/curl -sS -o /dev/null "https://127.0.0.1:$port/"
	if [ "$hrc" != "$trc" ]; then
		show_runs
		fail "curl https without --cacert: status $trc in the tree, $hrc on the host (the CA bundle?)"
	fi
}

GIT_ENV="GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Ann GIT_AUTHOR_EMAIL=ann@example.org
GIT_COMMITTER_NAME=Ann GIT_COMMITTER_EMAIL=ann@example.org
GIT_AUTHOR_DATE=@1700000000 GIT_COMMITTER_DATE=@1700000000 TZ=UTC"

# git_same ARGS...: git ARGS with $GIT_ENV, same as on the host.
# shellcheck disable=SC2086
git_same() { same_as_host T $GIT_ENV /usr/bin/git "$@"; }

r07_git() {
	need_view
	need_prog git
	R=$W/repo
	mkdir -p "$R"
	printf 'alpha\nbeta\n' >"$R/a.txt"
	printf 'gamma\n' >"$R/b.txt"
	build T /usr/bin/git --add "$R"
	git_same --version
	# The same work on the host's copy and on the tree's: the commit ids
	# must be the same.
	git_same init -q -b main "$R"
	if grep -q 'templates not found' "$W/h.err"; then
		note "known failure git-templates not judged: the host has no templates either"
	elif grep -q 'templates not found' "$W/t.err"; then
		known git-templates 1 "$(grep 'templates not found' "$W/t.err")"
	else
		known git-templates 0 ""
	fi
	git_same -C "$R" add a.txt b.txt
	git_same -C "$R" commit -q -m first
	git_same -C "$R" rev-parse HEAD
	git_same -C "$R" log --format='%H %an %ad %s' --date=iso
	git_same -C "$R" cat-file -p HEAD:a.txt
	git_same -C "$R" rm -q b.txt
	git_same -C "$R" commit -q -m second
	git_same -C "$R" diff --stat HEAD~1 HEAD
	git_same -C "$R" tag -a -m v1 v1
	git_same -C "$R" describe
	git_same -C "$R" status --porcelain
	# gc runs git subcommands (pack-refs, repack, pack-objects, ...).
	git_same -C "$R" gc -q
	git_same -C "$R" count-objects -v
	git_same -C "$R" fsck --no-progress
	# git init in /tmp of the tree, as a container would.
	# shellcheck disable=SC2086
	tree_ok T $GIT_ENV /usr/bin/git init -q -b main /tmp/new
	[ -f "$W/T/tmp/new/.git/HEAD" ] || fail "git init /tmp/new made no repository in the tree"
	# git clone executes git-upload-pack through /bin/sh, and https needs
	# git-remote-https: programs outside the ELF walk.  Shown, not faked.
	host_run $GIT_ENV /usr/bin/git clone -q "$R" "$W/clone"
	# shellcheck disable=SC2086
	tree_run T $GIT_ENV /usr/bin/git clone -q "$R" "$W/clone"
	known_vs_host git-clone-local "$(grep -m 1 '^fatal:' "$W/t.err" || head -n 1 "$W/t.err")"
	# Nothing listens on port 1: both fail, but the tree's git cannot
	# even try (no git-remote-https).
	# shellcheck disable=SC2086
	host_run $GIT_ENV /usr/bin/git ls-remote https://127.0.0.1:1/x.git
	# shellcheck disable=SC2086
	tree_run T $GIT_ENV /usr/bin/git ls-remote https://127.0.0.1:1/x.git
	if grep -q "remote-https" "$W/h.err"; then
		note "known failure git-https not judged: the host has no git-remote-https either"
	elif grep -q "remote-https" "$W/t.err"; then
		known git-https 1 "$(head -n 1 "$W/t.err")"
	else
		known git-https 0 ""
	fi
}

# What git clone needs beyond its ELF closure, named explicitly with --add:
# with these two, a local clone works in the tree as on the host.
r08_git_clone_with_its_helpers() {
	need_view
	need_prog git
	[ -x /bin/sh ] && [ -e /usr/bin/git-upload-pack ] ||
		skip "no /bin/sh or /usr/bin/git-upload-pack"
	R=$W/repo
	mkdir -p "$R"
	printf 'alpha\n' >"$R/a.txt"
	build T /usr/bin/git --add "$R" --add /bin/sh --add /usr/bin/git-upload-pack
	git_same init -q -b main "$R"
	git_same -C "$R" add a.txt
	git_same -C "$R" commit -q -m first
	git_same clone -q --no-local "$R" "$W/clone"
	git_same -C "$W/clone" log --format='%H %s'
	git_same -C "$W/clone" cat-file -p HEAD:a.txt
}

# ---- several programs in one tree ----

r09_one_tree_for_three() {
	need_view
	need_prog jq
	need_prog sqlite3
	need_prog busybox
	build T /usr/bin/jq /usr/bin/sqlite3 /usr/bin/busybox
	for p in jq sqlite3 busybox; do
		[ -f "$W/T/usr/bin/$p" ] || fail "/usr/bin/$p is not in the tree"
	done
	same_as_host T /usr/bin/jq -n '{"a":[1,2]}|.a|add'
	same_as_host T /usr/bin/sqlite3 :memory: 'select 6*7'
	same_as_host T /usr/bin/busybox sh -c 'echo hi'
	# As the unprivileged user of the base files, in its home: every file
	# must be readable and every program executable by others.
	RUN_AS=65532:65532
	tree_ok T /usr/bin/jq -n '[1,2]|add'
	[ "$(cat "$W/t.out")" = 3 ] || fail "jq as 65532: $(cat "$W/t.out")"
	tree_ok T /usr/bin/sqlite3 /home/nonroot/t.db 'create table t(x); insert into t values (7); select x*6 from t'
	[ "$(cat "$W/t.out")" = 42 ] || fail "sqlite3 as 65532: $(cat "$W/t.out")"
	tree_ok T /usr/bin/busybox sh -c 'busybox id -u; echo x >/tmp/f; busybox cat /tmp/f'
	[ "$(cat "$W/t.out")" = "65532
x" ] || fail "busybox as 65532: $(cat "$W/t.out")"
	RUN_AS=
}

# ---- scratchroot's own --check ----

r10_check_reports_each_program() {
	need_root
	need_prog jq
	need_prog sqlite3
	jqv=$(/usr/bin/jq --version)
	sqv=$(/usr/bin/sqlite3 --version | head -n 1)
	sr -o "$W/T" --check /usr/bin/jq /usr/bin/sqlite3
	expect_rc 0
	expect_err_has "scratchroot: '/usr/bin/jq': --check ran: exit 0: $jqv" \
		"scratchroot: '/usr/bin/sqlite3': --check ran: exit 0: $sqv"
	# ARGS split at spaces; FILE:DEST runs the program at its new place.
	sr -o "$W/T2" -q '--check=-n 6*7' /usr/bin/jq:/jq
	expect_rc 0
	expect_err_has "scratchroot: '/jq': --check ran: exit 0: 42"
	# The tree is left as written: no proc/ or dev/, no mount left.
	for t in T T2; do
		[ ! -e "$W/$t/proc" ] && [ ! -e "$W/$t/dev" ] || fail "--check left proc/ or dev/ in $t"
	done
	! grep -qF "$W/" /proc/self/mounts || fail "--check left a mount: $(grep -F "$W/" /proc/self/mounts)"
	# A program that fails its check: reported, exit 1, the tree stays.
	if [ -x /usr/bin/busybox ]; then
		sr -o "$W/T3" --check /usr/bin/busybox
		expect_rc 1
		expect_err_has "scratchroot: '/usr/bin/busybox': --check FAILED: exit "
		[ -f "$W/T3/usr/bin/busybox" ] || fail "the tree of a failed --check was removed"
	fi
}

scenario R01 "jq runs from its tree as on the host" r01_jq
scenario R02 "sqlite3 runs from its tree as on the host" r02_sqlite3
scenario R03 "openssl runs from its tree as on the host" r03_openssl
scenario R04 "busybox runs from its tree as on the host" r04_busybox
scenario R05 "rg (Rust) runs from its tree as on the host" r05_rg
scenario R06 "curl runs from its tree as on the host (file://, https)" r06_curl
scenario R07 "git runs from its tree as on the host (init, commit, gc)" r07_git
scenario R08 "git clone with /bin/sh and git-upload-pack added" r08_git_clone_with_its_helpers
scenario R09 "jq, sqlite3 and busybox in one tree, also as user 65532" r09_one_tree_for_three
scenario R10 "--check runs each program and reports it" r10_check_reports_each_program
finish
