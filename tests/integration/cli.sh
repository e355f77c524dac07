#!/bin/sh
# The command-line contract: modes, --help, --version, exit statuses, where
# data and messages go.
. "$(dirname "$0")/lib.sh"

help_goes_to_stdout() {
	sr --help
	expect_rc 0
	expect_out_has "Usage: scratchroot" "--tree" "--list" "--sysroot" "--library-path" "Exit status"
	[ ! -s "$W/err" ] || fail "--help wrote to stderr"
}

version_is_printed() {
	sr --version
	expect_rc 0
	grep -Eq '^scratchroot [0-9]+\.[0-9]+' "$W/out" || fail "bad --version: $(cat "$W/out")"
}

usage_errors_exit_2() {
	sr; expect_rc 2
	expect_err_has "scratchroot: one of --tree, --list, -o DIR or --tar FILE is required"
	sr --list; expect_rc 2
	expect_err_has "no input FILE given"
	sr --tree --list /bin/true; expect_rc 2
	sr --no-such-option /bin/true; expect_rc 2
	expect_err_has "Try 'scratchroot --help'"
	sr --sysroot; expect_rc 2
}

list_is_sorted_paths_and_tree_names_the_loader() {
	cc_lib self libself.so.1 "$W/lib/libself.so.1"
	cc_prog "$W/bin/app" "$W/lib/libself.so.1" -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
	sr_list "$W/bin/app"
	expect_list_has "$W/bin/app" "$W/lib/libself.so.1"
	glibc_base >"$W/base"
	while read -r p; do expect_list_has "$p"; done <"$W/base"
	sr_tree "$W/bin/app"
	expect_rc 0
	expect_out_has "$W/bin/app (ELF64 x86-64, dynamic, glibc)" "interpreter /" \
		"libself.so.1 => $W/bin/../lib/libself.so.1" "[RUNPATH of $W/bin/app: $W/bin/../lib]"
	expect_run self "$W/bin/app"
}

relative_inputs_are_taken_from_the_current_directory() {
	cc_prog "$W/bin/app"
	cd "$W/bin"
	sr_list app
	expect_list_has "$W/bin/app"
}

every_problem_is_reported_not_only_the_first() {
	cc_lib a liba.so.1 "$W/lib/liba.so.1"
	cc_prog "$W/app" "$W/lib/liba.so.1"
	: >"$W/notelf"
	sr --list -q "$W/app" "$W/missing" "$W/notelf"
	expect_rc 1
	expect_err_has "scratchroot: '$W/app': liba.so.1: cannot open shared object file" \
		"scratchroot: '$W/missing': No such file or directory" \
		"scratchroot: '$W/notelf': empty file"
	[ "$(wc -l <"$W/err")" = 3 ] || fail "expected exactly 3 messages"
	[ ! -s "$W/out" ] || fail "--list printed paths although the job failed"
}

library_path_option_is_the_containers_ld_library_path() {
	cc_lib llp libllp.so.1 "$W/llp/libllp.so.1"
	cc_prog "$W/app" "$W/llp/libllp.so.1"
	sr --list "$W/app"; expect_rc 1
	sr_list -L /nonexistent -L "$W/llp" "$W/app"
	expect_list_has "$W/llp/libllp.so.1"
	sr_tree --library-path="$W/llp" "$W/app"
	expect_out_has "[LD_LIBRARY_PATH: $W/llp]"
	expect_run llp env LD_LIBRARY_PATH="$W/llp" "$W/app"
}

# Programs with the same needs share one walked closure within a run: the
# trees of a batch must be exactly those of one run per program.
batch_equals_single_runs() {
	elf_files 150 >"$W/files"
	[ "$(wc -l <"$W/files")" -ge 20 ] || skip "fewer than 20 ELF files in /usr/bin"
	# shellcheck disable=SC2046
	# (The closing "image:" line is about the whole run's image.)
	sr --tree -q $(cat "$W/files")
	grep -v '^image: ' "$W/out" >"$W/batch"
	while read -r f; do
		sr --tree -q "$f"
		grep -v '^image: ' "$W/out"
	done <"$W/files" >"$W/single"
	cmp -s "$W/batch" "$W/single" || { diff "$W/single" "$W/batch" | head -20 >&2; fail "batch and single trees differ"; }
}

# --list --why: each path with its reason, run-time files included.
list_why_gives_reasons() {
	cc -pthread -o "$W/cancel" "$srcdir/testdata/needs-cancel.c"
	sr --list --why -q "$W/cancel"
	expect_rc 0
	libgcc=$(chain "" "$(ldconfig -p | awk '$1 == "libgcc_s.so.1" && /x86-64/ { print $NF; exit }')" | tail -n 1)
	expect_out_has "$libgcc  (glibc loads it for pthread_cancel; imported by $W/cancel)" \
		"$W/cancel  (program)" "/etc/passwd  (base files"
	sr --tree --why /bin/true
	expect_rc 2
	expect_err_has "--why goes with --list"
}

scenario C01 "--help goes to stdout, exit 0" help_goes_to_stdout
scenario C02 "--version" version_is_printed
scenario C03 "usage errors exit 2 with a hint" usage_errors_exit_2
scenario C04 "--list and --tree of a program with its own library" list_is_sorted_paths_and_tree_names_the_loader
scenario C05 "relative input paths" relative_inputs_are_taken_from_the_current_directory
scenario C06 "every problem reported, one line each, exit 1" every_problem_is_reported_not_only_the_first
scenario C07 "-L is LD_LIBRARY_PATH" library_path_option_is_the_containers_ld_library_path
scenario C08 "a batch of programs gives each its own tree" batch_equals_single_runs
scenario C09 "--list --why gives each path's reason" list_why_gives_reasons
finish
