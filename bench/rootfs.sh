#!/bin/bash
# Benchmark (not a test): writing a rootfs, three ways side by side, for two
# input sets, curl alone and 20 dynamically linked programs of /usr/bin:
#
#   scratchroot -o DIR FILE...             default options (base files too)
#   lddtree --copy-to-tree DIR FILE...     pax-utils
#   cp -a --parents (cwd /) of the paths of `scratchroot --list FILE...`,
#                                          computed beforehand: the I/O floor,
#                                          copying the same files with no
#                                          analysis at all
#
# Each tool writes into an absent (cp: empty) directory, removed between
# runs outside the timing.  Wall seconds: median of BENCH_REPEAT runs
# (default 3; the tools taken in turn within each round, after one untimed
# warm-up round, so every tool sees a warm page cache), measured with bash's
# EPOCHREALTIME around /usr/bin/time -f '%e %M', whose %M gives the peak RSS
# (of the largest single process: for cp, of xargs or one cp).  Prints a
# markdown table with ratios to the cp floor and to lddtree, peak MiB and
# the size of each tree (du -sb, files), then the project's targets: within
# 1.5x of the cp floor, faster than lddtree.
#
# Environment:
#   SCRATCHROOT   the binary (default: ../scratchroot or ../_build/scratchroot
#                 beside this script, else scratchroot in PATH)
#   BENCH_REPEAT  runs per tool and set (default 3)
#   TMPDIR        where the trees are written (default /tmp)
#
# cp note: coreutils 9.1 (Debian 12) fails `cp -a --parents /abs/path DIR`
# with "No such file or directory" for the parent directories (fixed in
# 9.2), so the copy runs from / with the paths made relative.

export LC_ALL=C
unset LD_LIBRARY_PATH LD_PRELOAD

here=$(cd "$(dirname "$0")" && pwd)
. "$here/tools.sh"
REPEAT=${BENCH_REPEAT:-3}


# The 20 programs: dynamically linked, in /usr/bin of a Debian 12 box with
# the packages of tools/deps.sh (curl git openssl jq sqlite3 ripgrep,
# elfutils, binutils via build-essential) and of the base system (apt,
# dpkg, gpgv, tar, gzip, grep, sed, findutils, diffutils, bash, perl-base)
# plus python3 (which pax-utils' lddtree needs).  Each is checked below.
SET20="curl git openssl jq sqlite3 rg gpgv apt dpkg tar gzip grep sed find diff bash perl python3 eu-readelf objdump"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rootfsbench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

now() { echo "${EPOCHREALTIME/,/.}"; }

# A program counts when it is there and scratchroot sees a dynamic ELF file.
dynamic() { "$SR" --tree "$1" 2>/dev/null | head -n 1 | grep -q ', dynamic, '; }

curl_files=()
if [ -x /usr/bin/curl ] && dynamic /usr/bin/curl; then
	curl_files=(/usr/bin/curl)
else
	echo "rootfs.sh: /usr/bin/curl is missing or not dynamically linked" >&2
fi
set20_files=() missing=()
for p in $SET20; do
	if [ -x "/usr/bin/$p" ] && dynamic "/usr/bin/$p"; then
		set20_files+=("/usr/bin/$p")
	else
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] ||
	echo "rootfs.sh: left out (missing or not dynamic): ${missing[*]}" >&2

sets=() ; setfiles=()
[ ${#curl_files[@]} -gt 0 ] && { sets+=("curl"); setfiles+=("${curl_files[*]}"); }
[ ${#set20_files[@]} -gt 0 ] && { sets+=("${#set20_files[@]} programs"); setfiles+=("${set20_files[*]}"); }
[ ${#sets[@]} -gt 0 ] || { echo "rootfs.sh: nothing to measure" >&2; exit 2; }

methods=(sr lddtree cp)
method_name() {
	case $1 in
	sr) echo "scratchroot -o" ;;
	lddtree) echo "lddtree --copy-to-tree" ;;
	cp) echo "cp -a --parents of --list (floor)" ;;
	esac
}

# The relative paths for cp, once per set, untimed.
for s in "${!sets[@]}"; do
	read -r -a files <<<"${setfiles[$s]}"
	"$SR" --list "${files[@]}" >"$tmp/list.$s" 2>"$tmp/list.$s.err" ||
		{ echo "rootfs.sh: scratchroot --list failed for set '${sets[$s]}':" >&2; cat "$tmp/list.$s.err" >&2; exit 2; }
	sed 's|^/||' "$tmp/list.$s" >"$tmp/rel.$s"
done

# run SET METHOD OUT: one build of SET into OUT.
run() {
	local s=$1 m=$2 out=$3 files
	read -r -a files <<<"${setfiles[$s]}"
	case $m in
	sr) "${T[@]}" "$SR" -q -o "$out" "${files[@]}" ;;
	lddtree) "${T[@]}" "${LDDTREE[@]}" --copy-to-tree "$out" "${files[@]}" ;;
	cp) (cd / && "${T[@]}" xargs -d '\n' -a "$tmp/rel.$s" cp -a --parents -t "$out") ;;
	esac
}

# measure SET METHOD ROUND: wall seconds, peak KiB, status into files.
measure() {
	local s=$1 m=$2 r=$3 out=$tmp/out t0 t1 rc
	rm -rf "$out"
	[ "$m" != cp ] || mkdir "$out"
	T=()
	[ -z "$TIME" ] || T=("$TIME" -f '%e %M' -o "$tmp/time.$s.$m.$r")
	t0=$(now)
	run "$s" "$m" "$out" >/dev/null 2>"$tmp/err.$s.$m.$r"
	rc=$?
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >"$tmp/wall.$s.$m.$r"
	echo "$rc" >"$tmp/rc.$s.$m.$r"
	if [ "$r" = "$REPEAT" ]; then
		du -sb "$out" 2>/dev/null | awk '{ print $1 }' >"$tmp/size.$s.$m"
		find "$out" -type f 2>/dev/null | wc -l >"$tmp/nfiles.$s.$m"
	fi
	rm -rf "$out"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

active=(sr cp)
[ ${#LDDTREE[@]} -gt 0 ] && active=(sr lddtree cp)
[ ${#LDDTREE[@]} -gt 0 ] || echo "rootfs.sh: lddtree missing or not working: its rows are left out" >&2

echo "rootfs.sh: ${#sets[@]} sets, ${#active[@]} tools, warm-up + $REPEAT rounds..." >&2
for s in "${!sets[@]}"; do
	for m in "${active[@]}"; do
		measure "$s" "$m" 0
	done
done
for ((r = 1; r <= REPEAT; r++)); do
	echo "rootfs.sh: round $r" >&2
	for s in "${!sets[@]}"; do
		for m in "${active[@]}"; do
			measure "$s" "$m" "$r"
		done
	done
done

# Results: wall[s,m], rss[s,m] (KiB), statuses.
declare -A wall rss rcs size nfiles
for s in "${!sets[@]}"; do
	for m in "${active[@]}"; do
		wall[$s,$m]=$(for ((r = 1; r <= REPEAT; r++)); do cat "$tmp/wall.$s.$m.$r"; done | median)
		if [ -n "$TIME" ]; then
			# time -o may hold "Command exited with non-zero status N" first.
			rss[$s,$m]=$(for ((r = 1; r <= REPEAT; r++)); do tail -n 1 "$tmp/time.$s.$m.$r" | awk '{ print $2 }'; done | median)
		fi
		rcs[$s,$m]=$(for ((r = 1; r <= REPEAT; r++)); do cat "$tmp/rc.$s.$m.$r"; done | sort -u | tr '\n' ' ')
		size[$s,$m]=$(cat "$tmp/size.$s.$m")
		nfiles[$s,$m]=$(cat "$tmp/nfiles.$s.$m")
	done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
fs=$(df -PT "$tmp" 2>/dev/null | awk 'NR == 2 { print $2 }')
echo "## scratchroot rootfs benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}; $(uname -sr)"
echo "- trees written to ${TMPDIR:-/tmp} (${fs:-unknown} filesystem); sources in /usr"
echo "- scratchroot: $SR ($("$SR" --version 2>/dev/null | head -n 1))"
echo "- lddtree: $( [ ${#LDDTREE[@]} -gt 0 ] && echo "${LDDTREE[*]}" || echo "not available")"
for s in "${!sets[@]}"; do
	echo "- set '${sets[$s]}': ${setfiles[$s]//\/usr\/bin\//}"
done
[ ${#missing[@]} -eq 0 ] || echo "- left out of the 20 (missing or not dynamic here): ${missing[*]}"
echo "- wall: median of $REPEAT runs after a warm-up round; peak: max RSS of the largest single process," \
	"$( [ -n "$TIME" ] && echo "/usr/bin/time -f %M" || echo "n/a: /usr/bin/time missing (Debian package time)")"
echo
echo "| set | tool | wall s | vs cp floor | vs lddtree | peak MiB | tree bytes (du -sb) | files | exit |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
for s in "${!sets[@]}"; do
	for m in "${active[@]}"; do
		vs_cp=$(ratio "${wall[$s,$m]}" "${wall[$s,cp]}")
		vs_lt=n/a
		[ ${#LDDTREE[@]} -gt 0 ] && vs_lt=$(ratio "${wall[$s,$m]}" "${wall[$s,lddtree]}")
		peak=n/a
		[ -n "${rss[$s,$m]:-}" ] && peak=$(awk -v k="${rss[$s,$m]}" 'BEGIN { printf "%.1f", k / 1024 }')
		echo "| ${sets[$s]} | $(method_name "$m") | ${wall[$s,$m]} | $vs_cp | $vs_lt | $peak | ${size[$s,$m]} | ${nfiles[$s,$m]} | ${rcs[$s,$m]% } |"
	done
done
echo
echo "Trees differ in content: scratchroot adds the base files (/etc/passwd," \
	"/etc/group, /tmp, /home/nonroot) and keeps every symlink on the way" \
	"(the cp floor copies exactly the same paths, without the base files);" \
	"lddtree copies each library under the name it was asked for."
echo

verdict() { [ "$1" = 1 ] && echo met || echo "NOT met"; }
for s in "${!sets[@]}"; do
	r=$(awk -v a="${wall[$s,sr]}" -v b="${wall[$s,cp]}" 'BEGIN { print (b > 0 && a / b <= 1.5) ? 1 : 0 }')
	echo "- ${sets[$s]}: target within 1.5x of the cp floor: $(verdict "$r") ($(ratio "${wall[$s,sr]}" "${wall[$s,cp]}"))"
	if [ ${#LDDTREE[@]} -gt 0 ]; then
		r=$(awk -v a="${wall[$s,sr]}" -v b="${wall[$s,lddtree]}" 'BEGIN { print (a < b) ? 1 : 0 }')
		echo "- ${sets[$s]}: target faster than lddtree: $(verdict "$r") ($(ratio "${wall[$s,sr]}" "${wall[$s,lddtree]}"))"
	else
		echo "- ${sets[$s]}: target faster than lddtree: not measured (lddtree missing or not working)"
	fi
	for m in "${active[@]}"; do
		case ${rcs[$s,$m]% } in
		0) ;;
		*) echo "- ${sets[$s]}: $(method_name "$m") exited ${rcs[$s,$m]% }: $(head -n 3 "$tmp/err.$s.$m.1" | tr '\n' ' ')" ;;
		esac
	done
done
