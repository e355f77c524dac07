#!/bin/bash
# Batches walked on several threads (-j, batch.h): whatever the number of
# threads, the same paths, the same trees, the same problems in the same
# order and the same exit status as one thread, bad inputs spread among
# the parts included; and the same image from -o.
. "$(dirname "$0")/lib.sh"

# $W/files: N ELF programs of /usr/bin (at least 130, for two parts).
elf_inputs() {
	elf_files "$1" >"$W/files"
	[ "$(wc -l <"$W/files")" -ge 130 ] || skip "fewer than 130 ELF files in /usr/bin"
}

# $W/inputs: the files of elf_inputs with bad inputs at places that land in
# different parts: missing, a directory, a script, a truncated ELF file, a
# program whose library is missing, and the same bad input twice.
with_bad_inputs() {
	cc_lib gone libgone.so.1 "$W/lib/libgone.so.1"
	cc_prog "$W/needs-gone" -L"$W/lib" -l:libgone.so.1
	rm "$W/lib/libgone.so.1"
	printf '#!/bin/sh\necho hi\n' >"$W/script.sh"
	head -c 100 /bin/true >"$W/truncated"
	awk -v W="$W" '
		NR == 1 { print W "/missing" }
		NR == 40 { print W }
		NR == 70 { print W "/script.sh" }
		NR == 100 { print W "/truncated" }
		NR == 120 { print W "/needs-gone" }
		{ print }
		END { print W "/needs-gone" }' "$W/files" >"$W/inputs"
}

# run_jobs J MODE...: scratchroot MODE -jJ over $W/inputs, output kept as
# $W/J.out, $W/J.err, $W/J.rc.
run_jobs() {
	_j=$1
	shift
	# shellcheck disable=SC2046
	sr "$@" -j"$_j" $(cat "$W/inputs")
	mv "$W/out" "$W/$_j.out"
	mv "$W/err" "$W/$_j.err"
	echo "$rc" >"$W/$_j.rc"
}

same_as_one_thread() {
	for _j in "$@"; do
		for _x in out err rc; do
			cmp -s "$W/1.$_x" "$W/$_j.$_x" ||
				{ diff "$W/1.$_x" "$W/$_j.$_x" | head -20 >&2; fail "-j$_j $_x differs from -j1"; }
		done
	done
}

list_is_the_same_for_every_j() {
	elf_inputs 300
	with_bad_inputs
	for j in 1 2 3 8; do run_jobs "$j" --list; done
	same_as_one_thread 2 3 8
	[ "$(cat "$W/1.rc")" = 1 ] || fail "bad inputs, yet status $(cat "$W/1.rc")"
	# Every bad input is reported once, in input order.
	grep -n "" "$W/1.err" >&2
	order=$(grep -o -e "'$W/missing'" -e "'$W': is a directory" -e "'$W/script.sh'" \
		-e "'$W/truncated'" -e "libgone.so.1: cannot open" "$W/1.err" | tr '\n' ' ')
	[ "$order" = "'$W/missing' '$W': is a directory '$W/script.sh' '$W/truncated' libgone.so.1: cannot open " ] ||
		fail "problems not once each in input order: $order"
}

tree_is_the_same_for_every_j() {
	elf_inputs 200
	with_bad_inputs
	for j in 1 2 4; do run_jobs "$j" --tree; done
	same_as_one_thread 2 4
	grep -q "^$W/needs-gone" "$W/1.out" || fail "the tree lacks a program that failed"
}

image_is_the_same_for_every_j() {
	elf_inputs 130
	cp "$W/files" "$W/inputs"
	# One input moved by FILE:DEST goes with its part.
	sed -i '65s|$|:/opt/moved/prog|' "$W/inputs"
	for j in 1 2; do
		# shellcheck disable=SC2046
		sr -o "$W/root$j" --strip=none -q -j"$j" $(cat "$W/inputs")
		expect_rc 0
		(cd "$W/root$j" && find . -printf '%y %m %l %p\n' | sort) >"$W/list$j"
	done
	cmp -s "$W/list1" "$W/list2" || { diff "$W/list1" "$W/list2" | head >&2; fail "-j2 image differs"; }
	diff -r --no-dereference "$W/root1" "$W/root2" >/dev/null || fail "-j2 image content differs"
	[ -f "$W/root2/opt/moved/prog" ] || fail "FILE:DEST was not honoured"
}

# The run-time rules' problems (an unknown zone for every program) come
# after every walk problem, in input order, whatever the threads.
rules_problems_follow_the_walks() {
	elf_inputs 200
	with_bad_inputs
	for j in 1 2 4; do run_jobs "$j" --list --with=tzdata=No/Such; done
	same_as_one_thread 2 4
	first_zone=$(grep -n "unknown time zone" "$W/1.err" | head -n 1 | cut -d: -f1)
	last_walk=$(grep -n -e "libgone.so.1: cannot open" -e "'$W/truncated'" "$W/1.err" |
		tail -n 1 | cut -d: -f1)
	[ -n "$first_zone" ] && [ -n "$last_walk" ] && [ "$first_zone" -gt "$last_walk" ] ||
		fail "a rule's problem (line $first_zone) before a walk's (line $last_walk)"
	grep "unknown time zone" "$W/1.err" | sed "s/^scratchroot: '\([^']*\)'.*/\1/" >"$W/zone-order"
	grep -v -e "^$W" "$W/inputs" >"$W/good-inputs"
	cmp -s "$W/zone-order" "$W/good-inputs" ||
		{ diff "$W/good-inputs" "$W/zone-order" | head >&2; fail "rule problems not in input order"; }
}

jobs_is_checked() {
	for bad in 0 9 x ''; do
		sr --list -j "$bad" /bin/true
		expect_rc 2
		expect_err_has "--jobs takes a number from 1 to 8"
	done
}

scenario B01 "--list: same paths, problems and status for -j1/2/3/8" list_is_the_same_for_every_j
scenario B02 "--tree: same trees, notes and problems for -j1/2/4" tree_is_the_same_for_every_j
scenario B03 "-o: the same image for -j1 and -j2" image_is_the_same_for_every_j
scenario B04 "--jobs takes 1 to 8" jobs_is_checked
scenario B05 "the rules' problems follow the walks', in input order" rules_problems_follow_the_walks
finish
