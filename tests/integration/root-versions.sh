#!/bin/sh
# Every ELF program of /usr/bin in the bullseye (glibc 2.31) and trixie
# (glibc 2.41) roots, in one image per root (scratchroot --sysroot ROOT -o
# IMAGE over all of them: the tree must hold every program's needs): each
# program's `--version` (timeout 5, stdin /dev/null, a private /proc and
# /dev) gives the same exit status and output in a chroot of the image as
# in a chroot of the root, for at least 99% of the programs that answer
# --version in the root.  Each miss is printed with what it lacked.
. "${top_srcdir:-/work/main}/tests/integration/lib.sh"

need_root
case $(uname -m) in x86_64) ;; *) skip "amd64 roots need an x86_64 host" ;; esac

# elf_programs ROOT: the names in ROOT/usr/bin that lead (inside ROOT) to
# an ELF file, a line each.
elf_programs() {
	for _f in "$1"/usr/bin/*; do
		_n=${_f##*/}
		_real=$(chain "$1" "/usr/bin/$_n" | tail -n 1)
		[ -f "$1$_real" ] && [ ! -L "$1$_real" ] || continue
		[ "$(head -c4 "$1$_real" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		echo "/usr/bin/$_n"
	done
}

# why_missed PROG: a line on what PROG lacked in the image: what is known
# of it, else its first complaint or the first lines that differ.
why_missed() {
	_e=$(grep -v '^$' "$W/.img.err" | head -n 1)
	case $1 in
	/usr/bin/apt-get)
		echo "data files: APT scores the Debian system by dpkg's status file and dpkg itself (apt-pkg/deb/debsystem.cc), which the image does not carry, and prints the score"
		return ;;
	esac
	case $_e in
	*"error while loading shared libraries"*) echo "a library: $_e" ;;
	"") echo "same status, other output: $(diff "$W/.root.out" "$W/.img.out" | grep '^[<>]' | head -n 2 | tr '\n' ' ')" ;;
	*) echo "$_e" ;;
	esac
}

versions_of() {
	_r=$1
	elf_programs "$_r" >"$W/progs"
	_n=$(wc -l <"$W/progs")
	[ "$_n" -gt 100 ] || fail "only $_n ELF programs in $_r/usr/bin"
	step "one image for the $_n programs"
	# shellcheck disable=SC2046
	sr -q --sysroot "$_r" -o "$W/IMG" $(cat "$W/progs")
	expect_rc 0
	answered=0 same=0 missed=0
	: >"$W/misses"
	while read -r _p; do
		_a=0 _b=0
		CT_TIMEOUT=5 in_root "$_r" "$_p" --version >"$W/.root.out" 2>"$W/.root.err" || _a=$?
		[ "$_a" = 0 ] && [ -s "$W/.root.out" ] || continue
		answered=$((answered + 1))
		CT_TIMEOUT=5 in_root "$W/IMG" "$_p" --version >"$W/.img.out" 2>"$W/.img.err" || _b=$?
		if [ "$_b" = 0 ] && cmp -s "$W/.root.out" "$W/.img.out"; then
			same=$((same + 1))
		else
			missed=$((missed + 1))
			echo "miss: $_p (status $_b): $(why_missed "$_p")" >>"$W/misses"
		fi
	done <"$W/progs"
	cat "$W/misses"
	echo "$_r: $same of $answered programs that answer --version in the root answer the same from the image ($_n ELF programs, $missed misses)"
	note "$(basename "$_r"): $same/$answered the same, $missed misses"
	while read -r _m; do note "$_m"; done <"$W/misses"
	[ $((same * 100)) -ge $((answered * 99)) ] ||
		fail "$same of $answered is below 99%"
}

bullseye_versions() { use_root root_bullseye; versions_of "$R"; }
trixie_versions() { use_root root_trixie; versions_of "$R"; }

scenario V01 "bullseye: --version of every ELF program in /usr/bin, one image" bullseye_versions
scenario V02 "trixie: --version of every ELF program in /usr/bin, one image" trixie_versions
finish
