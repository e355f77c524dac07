#!/bin/sh
# Bad input gets one clear line naming the file and the reason, exit 1:
# never a crash, never a hang, never a modified input.
. "$(dirname "$0")/lib.sh"

# bad FILE REASON: --list FILE fails with exactly one message about FILE.
bad() {
	sr --list -q "$1"
	expect_rc 1
	expect_err_has "scratchroot: '$1': $2"
	[ "$(wc -l <"$W/err")" = 1 ] || { cat "$W/err" >&2; fail "expected one line for $1"; }
}

not_elf_files() {
	printf 'hello\n' >"$W/text"
	bad "$W/text" "not an ELF file"
	: >"$W/empty"
	bad "$W/empty" "empty file"
	printf '\177ELF' >"$W/short"
	bad "$W/short" "file too short"
}

scripts_name_their_interpreter() {
	printf '#!/usr/bin/python3 -u\nprint(1)\n' >"$W/s.py"
	chmod +x "$W/s.py"
	bad "$W/s.py" "a script for '/usr/bin/python3', not an ELF program"
}

missing_files_directories_and_specials() {
	bad "$W/nope" "No such file or directory"
	mkdir "$W/dir"
	bad "$W/dir" "is a directory"
	mkfifo "$W/fifo"
	bad "$W/fifo" "not a regular file"
	ln -s loop2 "$W/loop1"
	ln -s loop1 "$W/loop2"
	bad "$W/loop1" "too many levels of symbolic links"
}

# truncate_at FILE BYTES OUT: the first BYTES of FILE.
truncate_at() { head -c "$2" "$1" >"$3"; }

truncated_and_corrupt_elf() {
	cc_prog "$W/good"
	cp "$W/good" "$W/good.orig"
	for n in 20 63 64 100 400 1000; do
		truncate_at "$W/good" "$n" "$W/t$n"
		sr --list -q "$W/t$n"
		expect_rc 1
		expect_err_has "scratchroot: '$W/t$n': "
	done
	# Corrupt e_phoff, then the PT_DYNAMIC offset, then every byte of the
	# program headers in turn: always a clean exit 0 or 1.
	python_free_patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
	cp "$W/good" "$W/c1"; python_free_patch "$W/c1" 32 '\377\377\377\377\377\377\0\0'
	bad "$W/c1" "malformed ELF"
	for off in $(seq 64 8 400); do
		cp "$W/good" "$W/c"
		python_free_patch "$W/c" "$off" '\377\377\377\177'
		sr --list -q "$W/c"
		[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "status $rc after corrupting byte $off"
	done
	cmp -s "$W/good" "$W/good.orig" || fail "an input was modified"
}

unresolvable_names_are_all_listed() {
	cc_lib x libx1.so.1 "$W/l/libx1.so.1"
	cc_lib y liby2.so.1 "$W/l/liby2.so.1"
	cc_prog "$W/app" "$W/l/libx1.so.1" "$W/l/liby2.so.1"
	rm -r "$W/l"
	sr --list -q "$W/app"
	expect_rc 1
	expect_err_has "'$W/app': libx1.so.1: cannot open shared object file" \
		"'$W/app': liby2.so.1: cannot open shared object file"
	expect_run_fails "libx1.so.1: cannot open shared object file" "$W/app"
}

sysroot_must_be_a_directory() {
	: >"$W/file"
	sr --sysroot "$W/file" --list /bin/true
	expect_rc 1
	expect_err_has "scratchroot: '$W/file': not a directory"
	sr --sysroot "$W/none" --list /bin/true
	expect_rc 1
	expect_err_has "scratchroot: '$W/none': No such file or directory"
}

a_missing_interpreter_is_reported() {
	mkdir -p "$W/root/bin"
	cc_prog "$W/root/bin/app"
	sr --sysroot "$W/root" --list -q /bin/app
	expect_rc 1
	expect_err_has "'/bin/app': interpreter '$(interp_of "$W/root/bin/app")': No such file or directory"
}

scenario B01 "non-ELF, empty and too-short files" not_elf_files
scenario B02 "scripts name their #! interpreter" scripts_name_their_interpreter
scenario B03 "missing files, directories, FIFOs, symlink loops" missing_files_directories_and_specials
scenario B04 "truncated and corrupt ELF: clean errors, input unchanged" truncated_and_corrupt_elf
scenario B05 "every unresolvable name is listed" unresolvable_names_are_all_listed
scenario B06 "a sysroot that is not a directory" sysroot_must_be_a_directory
scenario B07 "a missing interpreter in a sysroot" a_missing_interpreter_is_reported
finish
