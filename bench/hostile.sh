#!/bin/bash
# Benchmark (not a test): hostile sysroots that used to cost memory and
# time quadratic in their size, each walked with `scratchroot --list`:
#
#   chain  N libraries (default 1000), each needing the next and each with
#          DT_RPATH $ORIGIN/nonexist<i>: glibc searches the RPATH of every
#          object on the loader chain, so library i probes i missing
#          directories (and their hwcaps subdirectories) for its one name;
#   wide   a program with one DT_RPATH of 131,072 missing directories (1 MiB)
#          and 100 DT_NEEDED libraries found nowhere.
#
# Prints a markdown table: wall seconds and peak RSS (/usr/bin/time), the
# targets (the chain under 1 s and 64 MiB; the wide RPATH bounded by the
# size of the input) and the exit status (1 for "wide": its libraries are
# missing on purpose).  The fixtures are built under a mktemp -d directory
# with gcc, every linker flag spelled out, and removed afterwards.
#
# Environment: SCRATCHROOT (the binary, see tools.sh), CHAIN (default 1000).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tools.sh"
[ -n "$TIME" ] || { echo "hostile.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
N=${CHAIN:-1000}
T=$(mktemp -d "${TMPDIR:-/tmp}/sr-hostile.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2

printf 'int f(void) { return 0; }\n' >f.c
printf 'int main(void) { return 0; }\n' >m.c
echo "building the chain of $N libraries..." >&2
gcc -shared -fPIC -Wl,-soname,lib$N.so -o "lib$N.so" f.c || exit 2
for i in $(seq $((N - 1)) -1 0); do
	gcc -shared -fPIC -Wl,--disable-new-dtags -Wl,-soname,"lib$i.so" \
		-Wl,-rpath,"\$ORIGIN/nonexist$i" -Wl,--no-as-needed \
		-o "lib$i.so" f.c -L. -l:"lib$((i + 1)).so" || exit 2
done
gcc -o chain m.c -Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN' -Wl,--no-as-needed -L. -l:lib0.so ||
	exit 2

echo "building the wide RPATH..." >&2
python3 -c "print('-Wl,-rpath,' + ':'.join('/n%05x' % i for i in range(131072)))" >opts
for i in $(seq 1 100); do
	gcc -shared -fPIC -Wl,-soname,"libmiss$i.so" -o "libmiss$i.so" f.c || exit 2
done
# shellcheck disable=SC2046
gcc -o wide m.c -Wl,--disable-new-dtags @opts -Wl,--no-as-needed -L. \
	$(for i in $(seq 1 100); do echo "-l:libmiss$i.so"; done) || exit 2
rm -f libmiss*.so

# measure NAME FILE TARGET: one row.
measure() {
	local rc=0 s kib
	"$TIME" -f '%e %M' -o time.out "$SR" --list -q --no-base "$2" >/dev/null 2>&1 || rc=$?
	read -r s kib < <(tail -n 1 time.out)
	printf '| %s | %s | %.2f | %.1f | %s | %s |\n' "$1" "$(wc -c <"$2")" "$s" \
		"$(echo "$kib / 1024" | bc -l)" "$3" "$rc"
}

echo "| case | input bytes | wall s | peak MiB | target | exit |"
echo "|---|---:|---:|---:|---|---|"
measure "chain of $N, each RPATH \$ORIGIN/nonexist<i>" chain "under 1 s and 64 MiB"
measure "one RPATH of 131,072 missing dirs, 100 missing libraries" wide "bounded by the input"
