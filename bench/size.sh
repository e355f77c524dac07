#!/bin/bash
# Benchmark (not a test): how small the trees are.  For each program, side by
# side in one run:
#
#   floor                         what the loader maps: the sum of the PT_LOAD
#                                 p_filesz of every ELF file of the
#                                 `scratchroot --strip=none` tree, plus the
#                                 size of its other regular files
#   scratchroot -o DIR            default (--strip=all)
#   scratchroot --strip-sections  down to the mapped bytes
#   scratchroot --upx             only when upx is in PATH (else n/a)
#   lddtree --copy-to-tree DIR    pax-utils, files copied as they are
#   lddtree + strip               a copy of that tree with
#                                 `strip --strip-unneeded` on every ELF file
#
# and the cost of stripping: scratchroot's default against --strip=none on the
# same input (wall seconds, median of BENCH_REPEAT samples, default 3, after
# one warm-up round; the two taken in turn within each round, which goes
# first alternating from round to round), with bash's EPOCHREALTIME around
# /usr/bin/time -f '%e %M', whose %M gives the peak RSS.  One tree takes tens
# of milliseconds, so a sample is BENCH_INNER builds in a row (default 5, each
# into its own directory, all removed after the timing) and its time is their
# mean.
#
# Programs: /usr/bin/curl, git, openssl (Debian's, already stripped), rg
# (Debian's ripgrep, Rust, already stripped), and programs built here with
# debug information: a Go net/http + crypto/x509 program (`go build`, the
# default build keeps DWARF and the symbol table), a C program and a shared
# library of its own, both gcc -g -O0, linking zlib and libm, and a Rust
# program (rustc -g -C opt-level=1).  A program whose compiler is missing is
# left out with a note.
#
# Like with like: scratchroot adds files lddtree never does (base files
# /etc/passwd, /etc/group, /tmp, /home/nonroot; the CA bundle, NSS files,
# /etc/services, libgcc_s.so.1 for pthread_cancel), so every scratchroot
# run here, timed ones included, passes
#   --no-base --without=certs --without=nss --without=netbase --without=libgcc_s
# Tree size = the sum of the sizes of its regular files (a hard-linked file
# counted once; symlinks and directories count 0, unlike du -sb).
#
# Targets: default trees within 5% of the floor and never larger than lddtree
# followed by strip; --strip-sections within 2% of the floor; stripping costs
# at most 30% more time than copying (default / --strip=none <= 1.30).
#
# Environment:
#   SCRATCHROOT   the binary (default: ../scratchroot or ../_build/scratchroot
#                 beside this script, else scratchroot in PATH)
#   BENCH_REPEAT  timed samples per program and mode (default 3)
#   BENCH_INNER   builds per sample (default 5)
#   TMPDIR        where the programs are built and the trees written
#                 (default /tmp)
#
# Needs readelf (binutils) or eu-readelf for the floor, strip (binutils) for
# the lddtree + strip column, pax-utils' lddtree (with python3-pyelftools);
# go, gcc and rustc for the built programs; /usr/bin/time (Debian package
# "time") for the peak RSS.  The lddtree tree is copied with a plain
# `cp -a DIR DIR2` (no --parents, so coreutils 9.1's `cp -a --parents
# /abs/path` bug does not apply).  Takes well under a minute on 2 cores.

export LC_ALL=C
unset LD_LIBRARY_PATH LD_PRELOAD

here=$(cd "$(dirname "$0")" && pwd)
. "$here/tools.sh"
REPEAT=${BENCH_REPEAT:-3}
INNER=${BENCH_INNER:-5}
for v in "$REPEAT" "$INNER"; do
	case $v in
	'' | *[!0-9]* | 0) echo "size.sh: BENCH_REPEAT and BENCH_INNER must be positive integers" >&2; exit 2 ;;
	esac
done

LIKE=(--no-base --without=certs --without=nss --without=netbase --without=libgcc_s)

[ ${#LDDTREE[@]} -gt 0 ] || echo "size.sh: lddtree missing or not working: its columns read n/a" >&2

READELF=
if command -v readelf >/dev/null 2>&1; then
	READELF=readelf
elif command -v eu-readelf >/dev/null 2>&1; then
	READELF=eu-readelf
else
	echo "size.sh: neither readelf nor eu-readelf: cannot compute the floor" >&2
	exit 2
fi
STRIP=$(command -v strip) || STRIP=
[ -n "$STRIP" ] || echo "size.sh: no strip (binutils): the lddtree + strip column reads n/a" >&2
UPX=$(command -v upx) || UPX=

load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sizebench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

now() { echo "${EPOCHREALTIME/,/.}"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
is_elf() { [ "$(od -An -tx1 -N4 -- "$1" 2>/dev/null | tr -d ' \n')" = 7f454c46 ]; }

# Programs: names[i] (row label), paths[i].
names=() paths=() notes=()
add_prog() { names+=("$1"); paths+=("$2"); }

for p in curl git openssl; do
	if [ -x "/usr/bin/$p" ] && is_elf "/usr/bin/$p"; then
		add_prog "$p" "/usr/bin/$p"
	else
		notes+=("$p: /usr/bin/$p missing or not ELF, left out")
	fi
done
if [ -x /usr/bin/rg ] && is_elf /usr/bin/rg; then
	add_prog "rg (Rust, Debian)" /usr/bin/rg
else
	notes+=("rg (Rust): /usr/bin/rg missing (Debian package ripgrep), left out")
fi

echo "size.sh: building the programs with debug information..." >&2

# Go: stdlib only, offline, its own build cache.
if command -v go >/dev/null 2>&1; then
	mkdir -p "$tmp/go"
	cat >"$tmp/go/main.go" <<'EOF'
package main

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
)

func main() {
	pool, err := x509.SystemCertPool()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("roots:", len(pool.Subjects()))
	if len(os.Args) > 1 {
		resp, err := http.Get(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(resp.Status)
		resp.Body.Close()
	}
}
EOF
	printf 'module sizebench\n\ngo 1.19\n' >"$tmp/go/go.mod"
	if (cd "$tmp/go" && env GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local \
		GOCACHE="$tmp/go/cache" GOPATH="$tmp/go/path" \
		go build -o hello-go . ) >"$tmp/go/build.log" 2>&1; then
		add_prog "Go net/http (go build, DWARF)" "$tmp/go/hello-go"
	else
		notes+=("Go: go build failed ($(head -n 2 "$tmp/go/build.log" | tr '\n' ' ')), left out")
	fi
else
	notes+=("Go: no go in PATH, left out")
fi

# C: a -g program linking a -g shared library of its own, zlib and libm.
if command -v gcc >/dev/null 2>&1; then
	mkdir -p "$tmp/c"
	cat >"$tmp/c/lib.c" <<'EOF'
#include <math.h>
#include <stddef.h>

struct stats { double mean, stddev, min, max; size_t n; };

struct stats sizebench_stats(const double *v, size_t n)
{
	struct stats s = { 0, 0, n ? v[0] : 0, n ? v[0] : 0, n };
	double sq = 0;
	for (size_t i = 0; i < n; i++) {
		s.mean += v[i];
		sq += v[i] * v[i];
		if (v[i] < s.min)
			s.min = v[i];
		if (v[i] > s.max)
			s.max = v[i];
	}
	if (n) {
		s.mean /= (double)n;
		s.stddev = sqrt(sq / (double)n - s.mean * s.mean);
	}
	return s;
}
EOF
	cat >"$tmp/c/main.c" <<'EOF'
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

struct stats { double mean, stddev, min, max; size_t n; };
struct stats sizebench_stats(const double *v, size_t n);

int main(int argc, char **argv)
{
	double v[64];
	unsigned char in[4096], out[8192];
	uLongf outlen = sizeof out;
	for (int i = 0; i < 64; i++)
		v[i] = sin(i * 0.1) * 100.0;
	struct stats s = sizebench_stats(v, 64);
	memset(in, argc > 1 ? argv[1][0] : 'a', sizeof in);
	if (compress(out, &outlen, in, sizeof in) != Z_OK)
		return 1;
	printf("mean %.3f stddev %.3f; 4096 bytes -> %lu (zlib %s)\n",
	       s.mean, s.stddev, (unsigned long)outlen, zlibVersion());
	return 0;
}
EOF
	if (cd "$tmp/c" &&
	    gcc -g -O0 -fPIC -shared -Wl,-soname,libsizebench.so.1 -o libsizebench.so.1 lib.c -lm &&
	    gcc -g -O0 -o hello-c main.c -L. -l:libsizebench.so.1 -lz -lm -Wl,-rpath,"$tmp/c") \
		>"$tmp/c/build.log" 2>&1; then
		add_prog "C gcc -g -O0 + own -g .so" "$tmp/c/hello-c"
	else
		notes+=("C -g: build failed ($(head -n 2 "$tmp/c/build.log" | tr '\n' ' ')), left out")
	fi
else
	notes+=("C -g: no gcc in PATH, left out")
fi

# Rust with debuginfo.
RUSTC=$(command -v rustc) || { [ -x "$HOME/.cargo/bin/rustc" ] && RUSTC=$HOME/.cargo/bin/rustc; } || RUSTC=
if [ -n "$RUSTC" ]; then
	mkdir -p "$tmp/rs"
	cat >"$tmp/rs/hello.rs" <<'EOF'
use std::collections::HashMap;

fn main() {
    let mut m: HashMap<String, usize> = HashMap::new();
    for a in std::env::args() {
        *m.entry(a).or_insert(0) += 1;
    }
    println!("hello from rust: {} distinct args", m.len());
}
EOF
	if (cd "$tmp/rs" && "$RUSTC" -g -C opt-level=1 -o hello-rs hello.rs) >"$tmp/rs/build.log" 2>&1; then
		add_prog "Rust rustc -g -C opt-level=1" "$tmp/rs/hello-rs"
	else
		notes+=("Rust -g: rustc failed ($(head -n 2 "$tmp/rs/build.log" | tr '\n' ' ')), left out")
	fi
else
	notes+=("Rust -g: no rustc in PATH or ~/.cargo/bin, left out")
fi

[ ${#names[@]} -gt 0 ] || { echo "size.sh: nothing to measure" >&2; exit 2; }

# tree_size DIR: bytes of its regular files, each inode once.
tree_size() {
	find "$1" -type f -printf '%i %s\n' | sort -u | awk '{ s += $2 } END { printf "%.0f\n", s }'
}

# tree_count DIR: "REGULAR ELF SYMLINKS".
tree_count() {
	local f reg=0 elf=0 lnk
	while IFS= read -r -d '' f; do
		reg=$((reg + 1))
		! is_elf "$f" || elf=$((elf + 1))
	done < <(find "$1" -type f -print0)
	lnk=$(find "$1" -type l | wc -l)
	echo "$reg $elf $lnk"
}

# floor DIR: PT_LOAD p_filesz of each ELF file, the size of every other
# regular file, each inode once.
floor() {
	local f ino sz total=0 n
	declare -A seen=()
	while IFS=' ' read -r -d '' ino sz f; do
		[ -z "${seen[$ino]:-}" ] || continue
		seen[$ino]=1
		if is_elf "$f"; then
			n=$("$READELF" -lW -- "$f" 2>/dev/null | awk '
				function hex(s,  i, n) {
					s = tolower(s); sub(/^0x/, "", s); n = 0
					for (i = 1; i <= length(s); i++)
						n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
					return n
				}
				$1 == "LOAD" { t += hex($5); k++ }
				END { if (k) printf "%.0f\n", t }')
			if [ -z "$n" ]; then
				echo "size.sh: no PT_LOAD read from $f: its whole size counts" >&2
				n=$sz
			fi
			total=$((total + n))
		else
			total=$((total + sz))
		fi
	done < <(find "$1" -type f -printf '%i %s %p\0')
	echo "$total"
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%+.2f%%", (a - b) * 100 / b; else print "n/a" }'; }

# Sizes: one untimed build per variant.
declare -A size cnt rc_of err_of
echo "size.sh: ${#names[@]} programs: trees..." >&2
for i in "${!names[@]}"; do
	prog=${paths[$i]}
	d=$tmp/t$i
	mkdir -p "$d"
	variants=(none default sections)
	[ -z "$UPX" ] || variants+=(upx)
	for v in "${variants[@]}"; do
		case $v in
		none) opts=(--strip=none) ;;
		default) opts=() ;;
		sections) opts=(--strip-sections) ;;
		upx) opts=(--upx) ;;
		esac
		"$SR" -q "${LIKE[@]}" "${opts[@]}" -o "$d/$v" "$prog" >/dev/null 2>"$d/$v.err"
		rc_of[$i,$v]=$?
		if [ "${rc_of[$i,$v]}" = 0 ] && [ -d "$d/$v" ]; then
			size[$i,$v]=$(tree_size "$d/$v")
			cnt[$i,$v]=$(tree_count "$d/$v")
		else
			err_of[$i,$v]=$(head -n 2 "$d/$v.err" | tr '\n' ' ')
		fi
	done
	if [ -n "${size[$i,none]:-}" ]; then
		size[$i,floor]=$(floor "$d/none")
	fi
	if [ ${#LDDTREE[@]} -gt 0 ]; then
		"${LDDTREE[@]}" --copy-to-tree "$d/lddtree" "$prog" >/dev/null 2>"$d/lddtree.err"
		rc_of[$i,lddtree]=$?
		if [ "${rc_of[$i,lddtree]}" = 0 ] && [ -d "$d/lddtree" ]; then
			size[$i,lddtree]=$(tree_size "$d/lddtree")
			cnt[$i,lddtree]=$(tree_count "$d/lddtree")
			if [ -n "$STRIP" ]; then
				cp -a "$d/lddtree" "$d/lstrip"
				serr=0
				while IFS= read -r -d '' f; do
					is_elf "$f" || continue
					"$STRIP" --strip-unneeded -- "$f" 2>>"$d/lstrip.err" || serr=$((serr + 1))
				done < <(find "$d/lstrip" -type f -print0)
				size[$i,lstrip]=$(tree_size "$d/lstrip")
				[ "$serr" = 0 ] || err_of[$i,lstrip]="strip failed on $serr file(s): $(head -n 1 "$d/lstrip.err")"
			fi
		else
			err_of[$i,lddtree]=$(head -n 2 "$d/lddtree.err" | tr '\n' ' ')
		fi
	fi
	# Keep only what the timing needs.
	rm -rf "$d"/none "$d"/default "$d"/sections "$d"/upx "$d"/lddtree "$d"/lstrip
done

# Timing: default (strips) against --strip=none (copies), same input.
# measure I MODE ROUND: BENCH_INNER builds; mean wall seconds, largest
# peak KiB and the exit statuses into files.
measure() {
	local i=$1 m=$2 r=$3 t0 t1 k rcs=() opts=()
	[ "$m" = default ] || opts=(--strip=none)
	rm -rf "$tmp/out" "$tmp"/time.$i.$m.$r.*
	mkdir "$tmp/out"
	T=()
	t0=$(now)
	for ((k = 1; k <= INNER; k++)); do
		[ -z "$TIME" ] || T=("$TIME" -f '%e %M' -o "$tmp/time.$i.$m.$r.$k")
		"${T[@]}" "$SR" -q "${LIKE[@]}" "${opts[@]}" -o "$tmp/out/$k" "${paths[$i]}" >/dev/null 2>/dev/null
		rcs+=($?)
	done
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v n="$INNER" 'BEGIN { printf "%.4f\n", (b - a) / n }' >"$tmp/wall.$i.$m.$r"
	printf '%s\n' "${rcs[@]}" | sort -u | tr '\n' ' ' >"$tmp/rc.$i.$m.$r"
	echo >>"$tmp/rc.$i.$m.$r"
	if [ -n "$TIME" ]; then
		# time -o may hold "Command exited with non-zero status N" first.
		for ((k = 1; k <= INNER; k++)); do
			tail -n 1 "$tmp/time.$i.$m.$r.$k" | awk '{ print $2 }'
		done | sort -g | tail -n 1 >"$tmp/peak.$i.$m.$r"
	fi
	rm -rf "$tmp/out"
}

echo "size.sh: timing, warm-up + $REPEAT rounds..." >&2
for ((r = 0; r <= REPEAT; r++)); do
	[ "$r" = 0 ] || echo "size.sh: round $r" >&2
	for i in "${!names[@]}"; do
		if ((r % 2)); then
			measure "$i" default "$r"
			measure "$i" none "$r"
		else
			measure "$i" none "$r"
			measure "$i" default "$r"
		fi
	done
done

declare -A wall rss trc
for i in "${!names[@]}"; do
	for m in default none; do
		wall[$i,$m]=$(for ((r = 1; r <= REPEAT; r++)); do cat "$tmp/wall.$i.$m.$r"; done | median)
		if [ -n "$TIME" ]; then
			rss[$i,$m]=$(for ((r = 1; r <= REPEAT; r++)); do cat "$tmp/peak.$i.$m.$r"; done | median)
		fi
		trc[$i,$m]=$(for ((r = 1; r <= REPEAT; r++)); do tr ' ' '\n' <"$tmp/rc.$i.$m.$r"; done | grep . | sort -u | tr '\n' ' ')
		trc[$i,$m]=${trc[$i,$m]% }
	done
done

# cell I KEY: "bytes (+x.xx%)" against the floor, or why not.
cell() {
	local i=$1 k=$2
	if [ -n "${size[$i,$k]:-}" ]; then
		if [ -n "${size[$i,floor]:-}" ]; then
			echo "${size[$i,$k]} ($(pct "${size[$i,$k]}" "${size[$i,floor]}"))"
		else
			echo "${size[$i,$k]}"
		fi
	elif [ -n "${rc_of[$i,$k]:-}" ]; then
		echo "failed (exit ${rc_of[$i,$k]})"
	else
		echo "n/a"
	fi
}

ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mib() { [ -n "${1:-}" ] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || echo n/a; }

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
fs=$(df -PT "$tmp" 2>/dev/null | awk 'NR == 2 { print $2 }')
echo "## scratchroot size benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}; $(uname -sr);" \
	"load average at start ${load0:-n/a}, at end $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" \
	"(times are noisy when it nears nproc)"
echo "- trees written to ${TMPDIR:-/tmp} (${fs:-unknown} filesystem)"
echo "- scratchroot: $SR ($("$SR" --version 2>/dev/null | head -n 1)), every run with ${LIKE[*]}" \
	"(no base files, no run-time bundles: the files lddtree would copy)"
echo "- lddtree: $( [ ${#LDDTREE[@]} -gt 0 ] && echo "${LDDTREE[*]} --copy-to-tree" || echo "not available")"
echo "- strip: $( [ -n "$STRIP" ] && "$STRIP" --version 2>/dev/null | head -n 1 || echo "not available") (--strip-unneeded on each ELF file of a copy of lddtree's tree)"
echo "- upx: $( [ -n "$UPX" ] && "$UPX" --version 2>/dev/null | head -n 1 || echo "not in PATH (Debian 12 has no upx package): --upx column n/a")"
echo "- floor: PT_LOAD p_filesz of each ELF file of the --strip=none tree ($READELF -lW), plus its other regular files;" \
	"tree bytes: regular files only (each inode once; symlinks and directories 0); % is over the floor"
echo "- strip time: scratchroot default / --strip=none, wall seconds per tree, median of $REPEAT samples of $INNER builds each," \
	"after a warm-up round;" \
	"peak: max RSS, $( [ -n "$TIME" ] && echo "/usr/bin/time -f %M" || echo "n/a: /usr/bin/time missing (Debian package time)")"
echo
echo "| program | floor bytes | scratchroot default | --strip-sections | --upx | lddtree --copy-to-tree | lddtree + strip --strip-unneeded | strip time ratio | default s | --strip=none s | peak MiB default / none |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for i in "${!names[@]}"; do
	if [ -n "$UPX" ]; then upxc=$(cell "$i" upx); else upxc=n/a; fi
	if [ "${trc[$i,default]}" = 0 ] && [ "${trc[$i,none]}" = 0 ]; then
		tr_=$(ratio_of "${wall[$i,default]}" "${wall[$i,none]}")
	else
		tr_="failed (exit ${trc[$i,default]} / ${trc[$i,none]})"
	fi
	echo "| ${names[$i]} | ${size[$i,floor]:-n/a} | $(cell "$i" default) | $(cell "$i" sections) | $upxc" \
		"| $(cell "$i" lddtree) | $(cell "$i" lstrip) | $tr_ | ${wall[$i,default]} | ${wall[$i,none]}" \
		"| $(mib "${rss[$i,default]:-}") / $(mib "${rss[$i,none]:-}") |"
done
echo
echo "Files per tree (regular / of them ELF / symlinks):"
for i in "${!names[@]}"; do
	read -r a b c <<<"${cnt[$i,default]:-? ? ?}"
	line="- ${names[$i]} (${paths[$i]}): scratchroot $a / $b / $c"
	if [ -n "${cnt[$i,lddtree]:-}" ]; then
		read -r a b c <<<"${cnt[$i,lddtree]}"
		line+="; lddtree $a / $b / $c"
	fi
	echo "$line"
done
echo
echo "lddtree copies each library once under the name it was asked for" \
	"(no symlinks); scratchroot writes the file the symlink chain ends at" \
	"plus the symlinks.  The floor ignores the alignment padding between" \
	"PT_LOAD segments in the file, which no stripper can remove without" \
	"relinking, so a tree of small files sits further above it."
if [ ${#notes[@]} -gt 0 ]; then
	echo
	for n in "${notes[@]}"; do echo "- note: $n"; done
fi
for i in "${!names[@]}"; do
	for k in none default sections upx lddtree lstrip; do
		[ -z "${err_of[$i,$k]:-}" ] || echo "- ${names[$i]}: $k: ${err_of[$i,$k]}"
	done
done
echo

verdict() { [ "$1" = 1 ] && echo met || echo "NOT met"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }
echo "### Targets"
echo
for i in "${!names[@]}"; do
	n=${names[$i]} fl=${size[$i,floor]:-}
	if [ -n "$fl" ] && [ -n "${size[$i,default]:-}" ]; then
		echo "- $n: default within 5% of the floor: $(verdict "$(le "${size[$i,default]}" "$(awk -v f="$fl" 'BEGIN { printf "%.0f", f * 1.05 }')")") ($(pct "${size[$i,default]}" "$fl"))"
	else
		echo "- $n: default within 5% of the floor: not measured"
	fi
	if [ -n "${size[$i,default]:-}" ] && [ -n "${size[$i,lstrip]:-}" ]; then
		echo "- $n: default never larger than lddtree + strip: $(verdict "$(le "${size[$i,default]}" "${size[$i,lstrip]}")") (${size[$i,default]} vs ${size[$i,lstrip]} bytes)"
	else
		echo "- $n: default never larger than lddtree + strip: not measured"
	fi
	if [ -n "$fl" ] && [ -n "${size[$i,sections]:-}" ]; then
		echo "- $n: --strip-sections within 2% of the floor: $(verdict "$(le "${size[$i,sections]}" "$(awk -v f="$fl" 'BEGIN { printf "%.0f", f * 1.02 }')")") ($(pct "${size[$i,sections]}" "$fl"))"
	else
		echo "- $n: --strip-sections within 2% of the floor: not measured"
	fi
	if [ "${trc[$i,default]}" = 0 ] && [ "${trc[$i,none]}" = 0 ]; then
		r=$(ratio_of "${wall[$i,default]}" "${wall[$i,none]}")
		echo "- $n: stripping at most 30% slower than copying: $(verdict "$(le "$r" 1.30)") (${r}x)"
	else
		echo "- $n: stripping at most 30% slower than copying: not measured (scratchroot exited ${trc[$i,default]} / ${trc[$i,none]})"
	fi
done
