#!/bin/bash
# Benchmark (not a test): resolve the libraries of every ELF file in a
# directory (default /usr/bin) with
#
#   scratchroot --list F1 F2 ...    one process, every file as an argument,
#                                   on one thread per core (batch.h)
#   scratchroot --list -j1 F1 ...   the same on one thread
#   ldd F                           once per file, in a loop, as people use it
#   lddtree -l F                    (pax-utils) once per file, in a loop
#   lddtree -l F1 F2 ...            (pax-utils) one invocation, all files
#   libtree -p -vvv F1 F2 ...       optional (LIBTREE=/path/to/libtree): every
#                                   file's whole tree, the job scratchroot does
#   libtree -p -vv F1 F2 ...        the same, libtree's default of walking a
#                                   library's dependencies only the first time
#                                   it is met in the run (so a later program's
#                                   libraries are not resolved in its own
#                                   RPATH/RUNPATH context)
#
# and print a markdown table: wall seconds (median of the runs, the tools
# taken in turn within each round), ratio to scratchroot, CPU seconds (user
# + system, /usr/bin/time) and peak RSS (/usr/bin/time -f %M: the largest
# single process of the run, so for a loop the largest one ldd/lddtree
# process).  The one-process tools take a tenth of a second, where other
# work on the machine shows most: they run FAST_REPEAT rounds (default 15),
# the loops BENCH_REPEAT (default 3).
#
# Then the same fast tools (scratchroot, -j1, libtree -vv) on the corpora
# users point scratchroot at besides a /usr/bin: Go programs (Debian's
# golang-built docker, podman, skopeo, umoci... and programs built here with
# go build), static programs (qemu-user-static, busybox-static, a gcc -static
# build) and one big shared library (libLLVM), each with its own table and
# the targets: wall at most libtree -vv's, CPU on one thread at most 1.2x
# libtree's, peak memory under 32 MiB (scratchroot maps no file and uses no
# memfd: the peak RSS is all of its memory).  With OLD_SCRATCHROOT set, the
# --list and --tree outputs of every corpus are compared with that build's.
#
# Environment:
#   SCRATCHROOT   the binary (default: ../scratchroot or ../_build/scratchroot
#                 beside this script, else scratchroot in PATH)
#   LIBTREE       haampie/libtree binary to add as a column (optional)
#   BENCH_DIR     directory to scan (default /usr/bin)
#   BENCH_REPEAT  runs of the loops and of lddtree (default 3)
#   FAST_REPEAT   runs of scratchroot and libtree (default 15)
#   OLD_SCRATCHROOT  an earlier build whose outputs must be the same
#   CORPORA       "no" to leave the corpora out
#
# Needs nothing installed beyond coreutils; /usr/bin/time (Debian package
# "time") gives peak RSS, without it the column reads n/a.  ldd executes
# the loader on each file: point it only at the system's own files.
# Takes ~15 minutes on 2 cores, most of it lddtree's per-file loop (a
# Python start-up per file).

export LC_ALL=C
unset LD_LIBRARY_PATH LD_PRELOAD

here=$(cd "$(dirname "$0")" && pwd)
. "$here/tools.sh"
DIR=${BENCH_DIR:-/usr/bin}
REPEAT=${BENCH_REPEAT:-3}
FAST_REPEAT=${FAST_REPEAT:-15}

LT=${LIBTREE:-}
if [ -n "$LT" ] && ! [ -x "$LT" ]; then
	echo "walk.sh: LIBTREE=$LT is not executable, column left out" >&2
	LT=
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/walkbench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

now() {
	if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

# The ELF files: regular files and symlinks to them, by their magic.
files=()
for f in "$DIR"/*; do
	[ -f "$f" ] || continue
	m=$(od -An -tx1 -N4 -- "$f" 2>/dev/null)
	[ "${m//[$' \n\t']/}" = 7f454c46 ] && files+=("$f")
done
N=${#files[@]}
[ "$N" -gt 0 ] || { echo "walk.sh: no ELF files in $DIR" >&2; exit 2; }

# Tools: name and a key for run() below.
names=() keys=()
add() { names+=("$1"); keys+=("$2"); }
add "scratchroot --list (1 process, a thread per core)" sr
add "scratchroot --list -j1 (1 process, 1 thread)" sr1
add "ldd (loop, 1 per file)" ldd
if [ ${#LDDTREE[@]} -gt 0 ]; then
	add "lddtree -l (loop, 1 per file)" lddtree-loop
	add "lddtree -l (1 process)" lddtree-all
fi
[ -n "$LT" ] && add "libtree -p -vvv (1 process, every file's tree)" libtree-full
[ -n "$LT" ] && add "libtree -p -vv (1 process, each library walked once)" libtree

# One run of a tool over all the files, under $TIME when there is one;
# the one-process tools are timed directly, not through a shell.
run() { # key
	case $1 in
	sr) $TIME "$SR" --list "${files[@]}" ;;
	sr1) $TIME "$SR" --list -j1 "${files[@]}" ;;
	# A loop exits 1 if any file failed.
	ldd) $TIME bash -c 'rc=0; for f; do ldd "$f" || rc=1; done; exit $rc' \
		ldd-loop "${files[@]}" ;;
	lddtree-loop) $TIME bash -c 'lt=$1 rc=0; shift; for f; do $lt -l "$f" || rc=1; done; exit $rc' \
		lddtree-loop "${LDDTREE[*]}" "${files[@]}" ;;
	lddtree-all) $TIME "${LDDTREE[@]}" -l "${files[@]}" ;;
	libtree) $TIME "$LT" -p -vv "${files[@]}" ;;
	libtree-full) $TIME "$LT" -p -vvv "${files[@]}" ;;
	esac
}

# One measurement: wall seconds, peak RSS KiB, exit status.
measure() { # index round
	local i=$1 r=$2 t0 t1 rc
	[ -n "$TIME" ] && TIME="/usr/bin/time -f %M,%U,%S -o $tmp/rss.$i.$r"
	t0=$(now)
	run "${keys[$i]}" >/dev/null 2>"$tmp/err.$i.$r"
	rc=$?
	t1=$(now)
	[ -n "$TIME" ] && TIME=/usr/bin/time
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >"$tmp/wall.$i.$r"
	echo "$rc" >"$tmp/rc.$i.$r"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
echo "walk.sh: $N ELF files in $DIR; $REPEAT rounds of ${#names[@]} tools..." >&2
# Warm the page cache for everyone: one untimed run of scratchroot.
"$SR" --list "${files[@]}" >/dev/null 2>&1
fast() { case $1 in sr | sr1 | libtree) return 0 ;; *) return 1 ;; esac; }
rounds=$((REPEAT > FAST_REPEAT ? REPEAT : FAST_REPEAT))
for ((r = 1; r <= rounds; r++)); do
	for i in "${!names[@]}"; do
		if fast "${keys[$i]}"; then n=$FAST_REPEAT; else n=$REPEAT; fi
		if [ "$r" -le "$n" ]; then
			echo "walk.sh: round $r: ${names[$i]}" >&2
			measure "$i" "$r"
		fi
	done
done

load1=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
wall=() rss=() cpus=() rcs=()
for i in "${!names[@]}"; do
	wall[$i]=$(cat "$tmp"/wall."$i".* | median)
	if [ -n "$TIME" ]; then
		# time -o may hold "Command exited with non-zero status N" first;
		# then "peak KiB,user s,system s".
		rss[$i]=$(for r in "$tmp"/rss."$i".*; do tail -n 1 "$r" | cut -d, -f1; done | median)
		cpus[$i]=$(for r in "$tmp"/rss."$i".*; do
			tail -n 1 "$r" | awk -F, '{ printf "%.2f\n", $2 + $3 }'; done | median)
	fi
	rcs[$i]=$(cat "$tmp"/rc."$i".* | sort -u | tr '\n' ' ')
done

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "## scratchroot walk benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}; $(uname -sr)"
echo "- input: $N ELF files in $DIR (regular files and symlinks to ELF files)"
echo "- load average (1 5 15 min): ${load0:-n/a} before, ${load1:-n/a} after: other work on the machine skews the numbers"
echo "- scratchroot: $SR ($("$SR" --version 2>/dev/null | head -n 1))"
echo "- wall and CPU (user + system): median of $FAST_REPEAT runs for scratchroot and libtree -vv, of $REPEAT for the others; peak: max RSS of the largest single process," \
	"$( [ -n "$TIME" ] && echo "from /usr/bin/time -f %M" || echo "n/a: /usr/bin/time missing (Debian package time)")"
echo
echo "| tool | files | wall s | ratio vs scratchroot | CPU s | peak MiB | exit |"
echo "|---|---:|---:|---:|---:|---:|---|"
legend="exit: the tool's exit status (a loop: 1 if any file failed; ldd fails on static files, libtree exits 28 when a dependency is not found)"
for i in "${!names[@]}"; do
	ratio=$(awk -v a="${wall[$i]}" -v b="${wall[0]}" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }')
	peak=n/a
	[ -n "${rss[$i]:-}" ] && peak=$(awk -v k="${rss[$i]}" 'BEGIN { printf "%.1f", k / 1024 }')
	echo "| ${names[$i]} | $N | ${wall[$i]} | $ratio | ${cpus[$i]:-n/a} | $peak | ${rcs[$i]% } |"
done
echo
echo "$legend"
echo

# The project's targets, checked against what was measured.
sr_err=$(grep -c "^scratchroot: '" "$tmp/err.0.1" 2>/dev/null)
sr_warn=$(grep -c "^scratchroot: '.*warning:" "$tmp/err.0.1" 2>/dev/null)
echo "- scratchroot exit status ${rcs[0]% }: $((sr_err - sr_warn)) problem line(s), $sr_warn warning line(s) on stderr"
if [ "$((sr_err - sr_warn))" -gt 0 ]; then
	grep "^scratchroot: '" "$tmp/err.0.1" | grep -v 'warning:' | head -n 10 | sed 's/^/  - `/; s/$/`/'
fi
verdict() { [ "$1" = 1 ] && echo met || echo "NOT met"; }
# The row of tool KEY, or nothing when it was not run.
row() { for i in "${!keys[@]}"; do [ "${keys[$i]}" = "$1" ] && echo "$i"; done; }
# 1 when scratchroot's wall time (row 0) is below that of every row given.
faster() {
	local k i ok=1
	for k; do
		i=$(row "$k")
		[ -n "$i" ] || continue
		awk -v a="${wall[$i]}" -v b="${wall[0]}" 'BEGIN { exit !(b < a) }' || ok=0
	done
	echo "$ok"
}
r_ldd=$(awk -v a="${wall[$(row ldd)]}" -v b="${wall[0]}" 'BEGIN { print (b > 0 && a / b >= 20) ? 1 : 0 }')
echo "- target >= 20x faster than ldd: $(verdict "$r_ldd")"
if [ ${#LDDTREE[@]} -gt 0 ]; then
	echo "- target faster than lddtree: $(verdict "$(faster lddtree-loop lddtree-all)")"
else
	echo "- target faster than lddtree: not measured (lddtree missing or not working)"
fi
if [ -n "$LT" ]; then
	echo "- target faster than libtree, both modes (wall): $(verdict "$(faster libtree libtree-full)")"
	i=$(row libtree) j=$(row sr1)
	echo "- one thread (-j1) against libtree -vv: wall ${wall[$j]} s vs ${wall[$i]} s, CPU ${cpus[$j]:-n/a} s vs ${cpus[$i]:-n/a} s"
else
	echo "- target faster than libtree: not measured (set LIBTREE to a libtree binary)"
fi
if [ -n "${rss[0]:-}" ]; then
	echo "- target peak memory < 64 MiB: $(verdict "$(awk -v k="${rss[0]}" 'BEGIN { print (k < 65536) ? 1 : 0 }')")"
fi

# ---- the corpora ----

[ "${CORPORA:-yes}" = no ] && exit 0
corpus_dir=$tmp/corpora
mkdir -p "$corpus_dir"

# Go programs: those of Debian's golang packages that are installed, and two
# built here (one with cgo, one without) when go is.
go_files=()
for f in /usr/bin/docker /usr/sbin/dockerd /usr/bin/dockerd /usr/bin/containerd /usr/bin/ctr \
	/usr/bin/containerd-shim-runc-v2 /usr/bin/podman /usr/bin/skopeo /usr/bin/umoci \
	/usr/bin/runc /usr/bin/buildah; do
	[ -f "$f" ] && go_files+=("$f")
done
if command -v go >/dev/null 2>&1; then
	for src in needs-gocerts needs-gouser; do
		for cgo in 0 1; do
			out=$corpus_dir/$src-cgo$cgo
			(cd "$corpus_dir" && CGO_ENABLED=$cgo HOME=$corpus_dir GOCACHE=$corpus_dir/cache \
				go build -o "$out" "$here/../testdata/$src.go") >/dev/null 2>&1 &&
				go_files+=("$out")
		done
	done
fi
static_files=()
for f in /usr/bin/qemu-*-static /bin/busybox; do
	[ -f "$f" ] && file -L "$f" 2>/dev/null | grep -Eq 'statically linked|static-pie linked' &&
		static_files+=("$f")
done
if gcc -static -o "$corpus_dir/hello-static" "$here/../testdata/hello.c" 2>/dev/null; then
	static_files+=("$corpus_dir/hello-static")
fi
big_files=()
for f in /usr/lib/x86_64-linux-gnu/libLLVM-*.so.*; do
	[ -f "$f" ] && ! [ -L "$f" ] && big_files+=("$f")
done

PERF=
command -v perf >/dev/null 2>&1 && perf stat -x, -e task-clock true >/dev/null 2>&1 && PERF=perf

# corpus NAME FILE...: the fast tools on FILES, FAST_REPEAT rounds.
corpus() {
	local name=$1 k r
	shift
	[ $# -gt 0 ] || { echo "- $name: no such files here, left out"; echo; return; }
	local keys_c=(sr sr1) labels=("scratchroot --list" "scratchroot --list -j1")
	[ -n "$LT" ] && keys_c+=(lt) && labels+=("libtree -p -vv")
	"$SR" --list "$@" >/dev/null 2>&1
	for ((r = 1; r <= FAST_REPEAT; r++)); do
		for k in "${keys_c[@]}"; do
			local t0 t1 cmd
			case $k in
			sr) cmd=("$SR" --list "$@") ;;
			sr1) cmd=("$SR" --list -j1 "$@") ;;
			lt) cmd=("$LT" -p -vv "$@") ;;
			esac
			t0=$(now)
			/usr/bin/time -f %M -o "$tmp/c.$k.$r" "${cmd[@]}" >/dev/null 2>&1
			t1=$(now)
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >"$tmp/cw.$k.$r"
			# CPU time to the millisecond: perf's task-clock where perf
			# runs, /usr/bin/time's 10 ms ticks otherwise.
			if [ -n "$PERF" ]; then
				$PERF stat -x, -e task-clock -o "$tmp/cp.$k.$r" "${cmd[@]}" >/dev/null 2>&1
				awk -F, '/task-clock/ { printf "%.4f\n", $1 / 1000 }' "$tmp/cp.$k.$r" >"$tmp/cc.$k.$r"
			else
				/usr/bin/time -f %U,%S -o "$tmp/cp.$k.$r" "${cmd[@]}" >/dev/null 2>&1
				tail -n 1 "$tmp/cp.$k.$r" | awk -F, '{ printf "%.3f\n", $1 + $2 }' >"$tmp/cc.$k.$r"
			fi
		done
	done
	declare -A cw cc cr
	for k in "${keys_c[@]}"; do
		cw[$k]=$(cat "$tmp"/cw."$k".* | median)
		cc[$k]=$(cat "$tmp"/cc."$k".* | median)
		cr[$k]=$(for r in "$tmp"/c."$k".*; do tail -n 1 "$r"; done | median)
	done
	echo "### $name ($# files)"
	echo
	echo "| tool | wall s | CPU s ($([ -n "$PERF" ] && echo "perf task-clock" || echo "time -f %U+%S")) | peak MiB |"
	echo "|---|---:|---:|---:|"
	for i in "${!keys_c[@]}"; do
		k=${keys_c[$i]}
		echo "| ${labels[$i]} | ${cw[$k]} | ${cc[$k]} | $(awk -v k="${cr[$k]}" 'BEGIN { printf "%.1f", k / 1024 }') |"
	done
	echo
	if [ -n "$LT" ]; then
		echo "- wall at most libtree -vv's: $(verdict "$(awk -v a="${cw[sr]}" -v b="${cw[lt]}" 'BEGIN { print a <= b ? 1 : 0 }')") (${cw[sr]} s vs ${cw[lt]} s)"
		echo "- CPU on one thread at most 1.2x libtree -vv's: $(verdict "$(awk -v a="${cc[sr1]}" -v b="${cc[lt]}" 'BEGIN { print a <= 1.2 * b + 0.0005 ? 1 : 0 }')") (${cc[sr1]} s vs ${cc[lt]} s)"
	fi
	echo "- peak under 32 MiB: $(verdict "$(awk -v k="${cr[sr]}" 'BEGIN { print k < 32768 ? 1 : 0 }')")"
	if [ -n "${OLD_SCRATCHROOT:-}" ]; then
		local same=1
		for mode in --list --tree; do
			"$SR" "$mode" -q --no-base "$@" >"$tmp/new.out" 2>/dev/null
			"$OLD_SCRATCHROOT" "$mode" -q "$@" 2>/dev/null | grep -v '^/etc/\(passwd\|group\)$' >"$tmp/old.out"
			[ "$mode" = --tree ] && "$OLD_SCRATCHROOT" "$mode" -q "$@" >"$tmp/old.out" 2>/dev/null &&
				"$SR" "$mode" -q "$@" >"$tmp/new.out" 2>/dev/null
			cmp -s "$tmp/new.out" "$tmp/old.out" || same=0
		done
		echo "- --list and --tree the same as $OLD_SCRATCHROOT's: $(verdict "$same")"
	fi
	echo
	rm -f "$tmp"/c.* "$tmp"/cw.* "$tmp"/cc.* "$tmp"/cp.*
}

echo "## Corpora"
echo
corpus "Go programs" "${go_files[@]}"
corpus "static programs" "${static_files[@]}"
corpus "one big shared library" "${big_files[@]}"
