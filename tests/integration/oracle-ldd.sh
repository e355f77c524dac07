#!/bin/bash
# Oracle test: scratchroot --list against glibc's own loader (ldd).
#
# For every ELF executable and shared library directly in /usr/bin, /usr/sbin
# and /usr/lib/x86_64-linux-gnu (regular files and symlinks to them), compare
# the libraries `scratchroot --list FILE` finds with those that
# `ldd FILE` reports (ld.so run in trace mode, LD_TRACE_LOADED_OBJECTS=1).
#
#   ldd side:         every "=> /path" and the loader line ("/lib64/ld-... (0x..)"),
#                     each canonicalised with readlink -f;
#   scratchroot side: the --list lines that are regular files (not symlinks),
#                     less the input's own realpath.
#
# Two ways in which ldd's raw output is not what the loader does when the
# kernel starts the program, corrected here rather than listed one by one:
#
#  * $ORIGIN: ldd runs "ld.so FILE", and ld.so takes the main program's
#    $ORIGIN from that path as given, symlinks and all; a program the kernel
#    starts gets it from /proc/self/exe, its realpath.  So ldd on the symlink
#    /usr/bin/java (-> /etc/alternatives/java -> /usr/lib/jvm/.../bin/java,
#    RPATH $ORIGIN/../lib) says "libjli.so => not found", while java runs.
#    ldd is therefore given the input's realpath (as scratchroot does).
#  * The loader itself: see "implicit-ldso" below.
#
# The two sets must be equal.  Static files (ldd: "not a dynamic executable" /
# "statically linked") must give an empty set (but see implicit-ldso); files for which ldd reports a
# dependency "not found" or fails otherwise must make scratchroot exit 1 (and
# name each missing library on stderr).
#
# ldd executes the loader on the file: it is run here only on the system's
# own files.  Environment: SCRATCHROOT (binary under test, required);
# ORACLE_JOBS (parallel workers, default nproc); ORACLE_DIRS (directories
# to scan, default the three above); ORACLE_KEEP=1 keeps the work directory.
#
# Exit: 0 all agree (or disagree only as listed in EXCEPTIONS), 1 failure,
# 77 skipped (not x86_64 glibc, or no ldd).

export LC_ALL=C
# Things that change what the loader does must not leak into the oracle.
unset LD_LIBRARY_PATH LD_PRELOAD LD_AUDIT LD_BIND_NOW LD_TRACE_LOADED_OBJECTS

skip() { echo "oracle-ldd: SKIP: $*"; exit 77; }
fail() { echo "oracle-ldd: FAIL: $*"; exit 1; }

[ "$(uname -m 2>/dev/null)" = x86_64 ] || skip "not an x86_64 machine ($(uname -m))"
command -v ldd >/dev/null 2>&1 || skip "ldd not found"
ldd --version 2>&1 | grep -qiE 'glibc|gnu libc' || skip "ldd is not glibc's"
[ -e /lib64/ld-linux-x86-64.so.2 ] || skip "no /lib64/ld-linux-x86-64.so.2"
command -v readlink >/dev/null 2>&1 || skip "readlink not found"
command -v od >/dev/null 2>&1 || skip "od not found"
command -v xargs >/dev/null 2>&1 || skip "xargs not found"

[ -n "${SCRATCHROOT-}" ] || { echo "oracle-ldd: SCRATCHROOT is not set: run the tests through make check" >&2; exit 99; }
SR=$SCRATCHROOT
[ -x "$SR" ] || fail "scratchroot binary not found: $SR (set SCRATCHROOT)"
case $SR in /*) ;; *) SR=$(cd "$(dirname "$SR")" && pwd)/$(basename "$SR") ;; esac

# Expected disagreements, one per line: "ABSOLUTE-INPUT-PATH  reason".
# Keyed by the input path exactly as scanned (a symlink and its target are
# separate inputs).  Each must say why ldd and scratchroot legitimately
# differ; a bug in scratchroot does NOT go here.  Entries for files that
# are absent, or that now agree, are reported as stale but do not fail.
#
# Needing no entry: the vdso (linux-vdso.so.1: ldd prints it without a
# path, so it never enters the ldd set); ld.so as input (ldd says
# "statically linked", scratchroot lists only ld.so, the input itself);
# programs reached through symlinks with an $ORIGIN RPATH (java & co.,
# llvm-omp-device-info-14: ldd is given the realpath, see the header);
# leaf libraries without a loader line (implicit-ldso, see the worker).
# /usr/bin/musl-ldd -> musl's libc.so, which is also musl's loader (an
# entry point, no PT_INTERP, no DT_NEEDED) needs none either: scratchroot
# calls it self-contained, as the kernel runs it.
EXCEPTIONS='
'

NO_BUNDLES="--no-base --without=nss --without=certs --without=libgcc_s --without=netbase --without=dlopen-notes --without=terminfo --without=config"
export NO_BUNDLES

TIMEOUT=
command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout 120"

OUT=$(mktemp -d "${TMPDIR:-/tmp}/oracle-ldd.XXXXXX") || fail "mktemp"
if [ "${ORACLE_KEEP:-0}" = 1 ]; then
	echo "oracle-ldd: work directory kept: $OUT"
else
	trap 'rm -rf "$OUT"' EXIT
fi
mkdir "$OUT/v"

# Worker: takes input paths, writes one verdict file per path into $OUT/v:
# first line "AGREE kind [note]", "DISAGREE kind" or "SKIP why", then the
# details of a disagreement.  Written to fork little: ~2241 files, 2 cores.
oracle_worker() {
	local f key hdr lout lrc sout serr src self x kind note problems
	local -a lpaths canon missing
	local -A L S
	local errf="$OUT/err.$BASHPID"	# not inside $(...): a subshell's own
	for f; do
		key=${f//\//%}
		exec 3>"$OUT/v/$key"
		# ELF magic (7f 45 4c 46), e_type (bytes 16-17: 2 EXEC, 3 DYN)
		# and e_entry (bytes 24-31 for ELF64).
		hdr=$(od -An -tx1 -N32 -- "$f" 2>/dev/null)
		hdr=${hdr//[$' \n\t']/}
		case $hdr in
		7f454c46*) ;;
		*) echo "SKIP not-elf" >&3; exec 3>&-; continue ;;
		esac
		case ${hdr:32:4} in
		0200|0002|0300|0003) ;;
		*) echo "SKIP elf-type-${hdr:32:4}" >&3; exec 3>&-; continue ;;
		esac

		# ldd is given the realpath: see "$ORIGIN" in the header.
		self=$(readlink -f -- "$f")
		lout=$($TIMEOUT ldd -- "$self" 2>&1); lrc=$?
		# Only what the loader loads: the run-time bundles (NSS, certificates,
		# libgcc_s...) are files ldd cannot know about.
		sout=$("$SR" --list $NO_BUNDLES "$f" 2>"$errf"); src=$?
		serr=; IFS= read -r -d '' serr <"$errf"

		# The ldd set: "=> /path" and the loader line, canonicalised.
		lpaths=() missing=() kind=dynamic note=
		while IFS= read -r x; do
			x=${x#"${x%%[![:space:]]*}"}
			case $x in
			*' => not found'*) missing+=("${x%% *}") ;;
			*' => /'*) x=${x#*' => '}; lpaths+=("${x% (0x*}") ;;
			/*' (0x'*) lpaths+=("${x% (0x*}") ;;
			*'not a dynamic executable'*) kind=static ;;
			*'statically linked'*) kind=static-ldso ;;
			esac
		done <<<"$lout"
		L=() S=()
		if [ ${#lpaths[@]} -gt 0 ]; then
			mapfile -t canon < <(readlink -f -- "${lpaths[@]}")
			for x in "${canon[@]}"; do [ -n "$x" ] && L[$x]=1; done
		fi
		# ld.so maps itself for every object it loads, but lists itself
		# only when an object of the closure names it in DT_NEEDED
		# (libc.so.6 does), and says "statically linked" for an object
		# with no DT_NEEDED at all.  scratchroot, by design, gives a
		# library input the default interpreter.  So for a plain shared
		# library (ET_DYN, e_entry 0: nothing to run) that ld.so did load,
		# the loader belongs to ldd's set too.
		if [ "$kind" != static ] && [ "${hdr:32:2}${hdr:34:2}" = 0300 ] &&
		   [ "${hdr:8:2}" = 02 ] && [ "${hdr:48:16}" = 0000000000000000 ] &&
		   [ -z "${L[$LDSO]+x}" ] && [ "$self" != "$LDSO" ]; then
			L[$LDSO]=1 note=implicit-ldso
		fi
		[ "$kind" = static-ldso ] && [ -z "$note" ] && kind=static

		# The scratchroot set: regular files only, less the input itself.
		# Every listed path must exist (symlinks and directories too).
		problems=
		while IFS= read -r x; do
			[ -n "$x" ] || continue
			if [ ! -e "$x" ] && [ ! -L "$x" ]; then
				problems+="scratchroot lists $x, which does not exist"$'\n'
			elif [ -f "$x" ] && [ ! -L "$x" ] && [ "$x" != "$self" ]; then
				S[$x]=1
			fi
		done <<<"$sout"

		if [ ${#missing[@]} -gt 0 ] || { [ $lrc -ne 0 ] && [ "$kind" != static ]; }; then
			kind=unresolved
			[ $src -eq 1 ] || problems+="ldd finds a library missing or fails (exit $lrc), but scratchroot exits $src, expected 1"$'\n'
			for x in "${missing[@]}"; do
				[[ $serr == *"$x"* ]] ||
					problems+="scratchroot does not name the missing library $x on stderr"$'\n'
			done
		else
			[ $src -eq 0 ] || problems+="scratchroot exits $src, expected 0"$'\n'
			local same=1
			[ ${#L[@]} -eq ${#S[@]} ] || same=0
			for x in "${!L[@]}"; do [ -n "${S[$x]+x}" ] || same=0; done
			if [ $same = 0 ]; then
				if [ "$kind" = static ]; then
					problems+="ldd: static file, but scratchroot lists libraries"$'\n'
				else
					problems+="library sets differ"$'\n'
				fi
			fi
		fi

		if [ -z "$problems" ]; then
			echo "AGREE $kind $note" >&3
		else
			{
				echo "DISAGREE $kind $note"
				printf '%s' "$problems" | sed 's/^/  problem: /'
				echo "  ldd exit $lrc, set${note:+ ($note)}:"
				printf '%s\n' "${!L[@]}" | sed '/^$/d; s/^/    /' | sort
				echo "  scratchroot exit $src, set:"
				printf '%s\n' "${!S[@]}" | sed '/^$/d; s/^/    /' | sort
				echo "  only in ldd:"
				for x in "${!L[@]}"; do [ -n "${S[$x]+x}" ] || echo "    $x"; done | sort
				echo "  only in scratchroot:"
				for x in "${!S[@]}"; do [ -n "${L[$x]+x}" ] || echo "    $x"; done | sort
				echo "  ldd $self:"
				sed 's/^[[:space:]]*/    /' <<<"$lout"
				if [ -n "$serr" ]; then
					echo "  scratchroot stderr:"
					printf '%s' "$serr" | sed 's/^/    /'
				fi
			} >&3
		fi
		exec 3>&-
	done
	rm -f "$errf"
}
export -f oracle_worker
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
export OUT SR TIMEOUT LDSO

DIRS=${ORACLE_DIRS:-/usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu}
JOBS=${ORACLE_JOBS:-$(nproc 2>/dev/null || echo 2)}

start=$(date +%s.%N)
for d in $DIRS; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		# Regular files, and symlinks whose target is a regular file.
		[ -f "$f" ] && printf '%s\0' "$f"
	done
done >"$OUT/inputs"
[ -s "$OUT/inputs" ] || skip "no files found in $DIRS"

xargs -0 -P "$JOBS" -n 32 bash -c 'oracle_worker "$@"' oracle_worker <"$OUT/inputs"

total=0 agree=0 expected=0 bad=0 skipped=0 implicit=0
declare -A exc=()
while read -r p reason; do
	[ -n "$p" ] && exc[$p]=$reason
done <<<"$EXCEPTIONS"

while IFS= read -r -d '' f; do
	key=${f//\//%}
	v="$OUT/v/$key"
	if [ ! -s "$v" ]; then
		echo "oracle-ldd: no verdict for $f (worker crashed?)"
		bad=$((bad + 1)); total=$((total + 1)); continue
	fi
	read -r status kind note <"$v"
	case $status in
	SKIP) skipped=$((skipped + 1)); continue ;;
	AGREE)
		total=$((total + 1)); agree=$((agree + 1))
		[ "$note" = implicit-ldso ] && implicit=$((implicit + 1))
		[ -n "${exc[$f]+x}" ] && echo "oracle-ldd: note: stale exception, $f now agrees"
		;;
	*)
		total=$((total + 1))
		if [ -n "${exc[$f]+x}" ]; then
			expected=$((expected + 1))
			echo "--- expected disagreement: $f (${exc[$f]})"
		else
			bad=$((bad + 1))
			echo "--- DISAGREEMENT: $f"
		fi
		tail -n +2 "$v"
		;;
	esac
done <"$OUT/inputs"
for p in "${!exc[@]}"; do
	grep -qzxF -- "$p" "$OUT/inputs" || echo "oracle-ldd: note: stale exception, $p not scanned"
done
end=$(date +%s.%N)

echo "oracle: $agree of $total files agree with ldd"
echo "oracle-ldd: $expected expected disagreement(s) (exception list), $bad unexpected;" \
	"$implicit agree once ld.so is counted for a leaf library (implicit-ldso);" \
	"$skipped non-ELF or non-EXEC/DYN files skipped; $JOBS jobs;" \
	"$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
[ "$bad" -eq 0 ] || fail "$bad file(s) disagree with ldd"
exit 0
