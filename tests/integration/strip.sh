#!/bin/sh
# Stripping (--strip=all|debug|none, --strip-sections, --debug-dir): every
# ELF file written into the tree is compared with its input.  For each one:
# every segment's file bytes and every allocated section are byte-identical
# (the ELF header too, but for e_shoff, e_shnum and e_shstrndx);
# `eu-elflint --gnu-ld` says nothing it did not say about the input; the
# notes tools read (.note.gnu.build-id, .note.dlopen, .go.buildinfo, the Go
# build ID) are still there; the file is no bigger; and the program still
# runs from the tree, its stripped libraries and loader with it.
#
# Sizes (input, stripped, --strip-sections, the floor = the sum of the
# PT_LOAD p_filesz, and binutils' `strip --strip-unneeded`) are shown as
# notes; they are measured, not asserted, except that a -g file shrinks.
. "$(dirname "$0")/lib.sh"

need_cmd readelf eu-elflint cmp od

MULTI=/usr/lib/x86_64-linux-gnu

need_strip() {
	"$SR" --help 2>/dev/null | grep -q -- '--strip=' ||
		skip "scratchroot has no --strip option yet"
}

# ---- reading ELF files ----

is_elf() {
	[ -f "$1" ] && [ ! -L "$1" ] &&
		[ "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" = 7f454c46 ]
}

# sections FILE: its section names, one a line.
sections() {
	readelf -SW "$1" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\).*/\1/p'
}

has_section() { sections "$1" | grep -Fxq -- "$2"; }

# unloaded_sections FILE: the names of its non-allocated sections.
unloaded_sections() {
	readelf -SW "$1" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] //p' | awk '$7 !~ /A/ { print $1 }'
}

# floor FILE: the sum of its PT_LOAD p_filesz.
floor() {
	_s=0
	for _z in $(readelf -lW "$1" | awk '$1 == "LOAD" { print $5 }'); do
		_s=$((_s + _z))
	done
	echo "$_s"
}

size_of() { wc -c <"$1" | tr -d ' '; }

# ---- the invariants ----

# same_loaded IN OUT: the ELF header (but for e_shoff, e_shnum,
# e_shstrndx), every segment's file bytes and every allocated section's
# bytes are identical.
same_loaded() {
	_i=$1 _o=$2
	if [ "$(od -An -tx1 -j4 -N1 "$_i" | tr -d ' ')" = 02 ]; then
		set -- 0 40 48 12 64	# ELF64: e_shoff at 40, e_shnum at 60
	else
		set -- 0 32 36 12 52	# ELF32: e_shoff at 32, e_shnum at 48
	fi
	cmp -s -i "$1" -n "$2" "$_i" "$_o" && cmp -s -i "$3" -n "$4" "$_i" "$_o" ||
		fail "$_o: ELF header differs from $_i beyond the section header fields"
	_eh=$5
	readelf -lW "$_i" | awk '$2 ~ /^0x/ { print $1, $2, $5 }' >"$W/.segs"
	[ -s "$W/.segs" ] || fail "$_i: no program headers"
	while read -r _t _off _sz; do
		_off=$((_off)) _sz=$((_sz))
		[ "$_sz" -gt 0 ] || continue
		if [ "$_off" -lt "$_eh" ]; then
			_sz=$((_sz - (_eh - _off)))
			_off=$_eh
		fi
		[ "$_sz" -le 0 ] || cmp -s -i "$_off" -n "$_sz" "$_i" "$_o" ||
			fail "$_o: $_t segment at offset $_off differs from $_i"
	done <"$W/.segs"
	readelf -SW "$_i" | sed -n 's/^ *\[ *[0-9]*\] //p' |
		awk '$7 ~ /A/ && $2 != "NOBITS" { print $1, $4, $5 }' >"$W/.secs"
	while read -r _n _off _sz; do
		_off=$((0x$_off)) _sz=$((0x$_sz))
		[ "$_sz" -gt 0 ] || continue
		if [ "$_off" -lt "$_eh" ]; then
			fail "$_i: allocated section $_n overlaps the ELF header"
		fi
		cmp -s -i "$_off" -n "$_sz" "$_i" "$_o" ||
			fail "$_o: allocated section $_n differs from $_i"
	done <"$W/.secs"
}

# lint_same IN OUT: eu-elflint --gnu-ld reports nothing about OUT that it
# does not report about IN (section and symbol numbers aside: they shift).
lint() {
	eu-elflint --gnu-ld --quiet "$1" 2>&1 |
		sed -e 's/^[^:]*: //' -e 's/\[ *[0-9]*\]/[N]/g' -e 's/symbol [0-9]*/symbol N/g' | sort -u
}

lint_same() {
	lint "$1" >"$W/.lint.in"
	lint "$2" >"$W/.lint.out"
	comm -13 "$W/.lint.in" "$W/.lint.out" >"$W/.lint.new"
	if [ -s "$W/.lint.new" ]; then
		sed 's/^/    /' "$W/.lint.new" >&2
		fail "$2: eu-elflint --gnu-ld has new complaints"
	fi
}

# check_file IN OUT MODE SECTIONS: the invariants for one stripped file.
check_file() {
	_in=$1 _out=$2 _mode=$3 _secs=$4
	if [ "$_mode" = none ]; then
		cmp -s "$_in" "$_out" || fail "$_out: --strip=none changed the file"
		return 0
	fi
	[ "$(size_of "$_out")" -le "$(size_of "$_in")" ] || fail "$_out: bigger than $_in"
	same_loaded "$_in" "$_out"
	lint_same "$_in" "$_out"
	if [ "$_secs" = 1 ]; then
		readelf -hW "$_out" | grep -q 'Number of section headers: *0$' ||
			fail "$_out: --strip-sections left section headers"
		return 0
	fi
	for _note in .note.gnu.build-id .note.dlopen .go.buildinfo .note.go.buildid \
		.note.stapsdt .gnu_debuglink; do
		! has_section "$_in" "$_note" || has_section "$_out" "$_note" ||
			fail "$_out: $_note is gone"
	done
	# (Rust's .debug_gdb_scripts is allocated: it stays.)
	_dbg=$(unloaded_sections "$_out" | grep -E '^\.(z?debug|gnu\.debuglto_)' | tr '\n' ' ')
	[ -z "$_dbg" ] || fail "$_out: debug sections remain: $_dbg"
	case $_mode in
	all)	# (a static program's .rela.plt names .symtab: a stub stays)
		! has_section "$_out" .symtab ||
			readelf -sW "$_out" | grep -q "^Symbol table '.symtab' contains 1 entry" ||
			fail "$_out: --strip=all kept .symtab" ;;
	debug)	! has_section "$_in" .symtab || has_section "$_out" .symtab ||
			fail "$_out: --strip=debug removed .symtab" ;;
	esac
}

# check_tree SRCROOT TREE MODE [SECTIONS]: check_file for every ELF file of
# TREE against the same path under SRCROOT ("" for the host); the paths
# checked go to $W/.checked.
check_tree() {
	_root=${1%/} _tree=$2
	: >"$W/.checked"
	(cd "$_tree" && find . -type f) | sed 's/^\.//' | sort >"$W/.files"
	while read -r _p; do
		is_elf "$_tree$_p" || continue
		[ -f "$_root$_p" ] || fail "$_p: in the tree but not in the input root"
		check_file "$_root$_p" "$_tree$_p" "$3" "${4:-0}"
		echo "$_p" >>"$W/.checked"
	done <"$W/.files"
	[ -s "$W/.checked" ] || fail "no ELF file in $_tree"
}

expect_checked() {
	for _p; do
		grep -Fxq -- "$_p" "$W/.checked" || fail "$_p was not in the tree"
	done
}

# measure NAME IN: sizes as a note: input, stripped, --strip-sections, the
# floor and binutils' strip --strip-unneeded (the stripped files are
# $W/m.all and $W/m.sec, written by the caller).
measure() {
	_bu=-
	if command -v strip >/dev/null 2>&1 &&
	   strip --strip-unneeded -o "$W/m.bu" "$2" 2>/dev/null; then
		_bu=$(size_of "$W/m.bu")
	fi
	note "size $1: input $(size_of "$2"), stripped $(size_of "$W/m.all"), --strip-sections $(size_of "$W/m.sec"), floor $(floor "$2"), strip --strip-unneeded $_bu"
}

# ---- running what was stripped ----

# tree_loader TREE PROG: sets $ld to TREE's own (stripped) loader for
# PROG, a program of the host written into TREE ("" when static), and $lp
# to TREE's library directories, so that PROG can run from TREE without root.
tree_loader() {
	_interp=$(interp_of "$1$2")
	ld='' lp=''
	[ -n "$_interp" ] || return 0
	ld=$1$(chain "$1" "$_interp" | tail -n 1)
	lp=$( (cd "$1" && find . -name '*.so*' -type f) | sed "s|^\.|$1|; s|/[^/]*$||" |
		sort -u | tr '\n' ':')
	lp=${lp%:}
}

# run_tree TREE WANT PROG [ARGS]: PROG prints WANT run from TREE by TREE's
# loader, and in a chroot of TREE when root.
run_tree() {
	_tr=$1 _want=$2 _prog=$3
	shift 3
	tree_loader "$_tr" "$_prog"
	if [ -n "$ld" ]; then
		expect_run "$_want" "$ld" --library-path "$lp" "$_tr$_prog" "$@"
	else
		expect_run "$_want" "$_tr$_prog" "$@"
	fi
	! can_chroot || expect_run "$_want" chroot "$_tr" "$_prog" "$@"
}

# ---- fixtures ----

# prog OUT [CC-ARGS]: testdata/strip-prog.c, which prints "strip-prog 42".
prog() {
	_o=$1
	shift
	cc -o "$_o" "$srcdir/testdata/strip-prog.c" "$@"
}

# ---- scenarios ----

gcc_g_program() {
	need_strip
	prog "$W/p" -g
	md5sum "$W/p" >"$W/.sum"
	sr -q -o "$W/T" "$W/p"
	expect_rc 0
	md5sum -c --quiet "$W/.sum" || fail "the input was modified"
	check_tree "" "$W/T" all
	expect_checked "$W/p" "$MULTI/libc.so.6" "$MULTI/ld-linux-x86-64.so.2"
	[ "$(size_of "$W/T$W/p")" -lt "$(size_of "$W/p")" ] || fail "the -g program did not shrink"
	readelf -nW "$W/T$W/p" | grep -q 'FDO .*0x407c0c0a' ||
		fail ".note.dlopen is no longer readable"
	run_tree "$W/T" "strip-prog 42" "$W/p"
	sr -q -o "$W/S" --strip-sections "$W/p"
	expect_rc 0
	cp "$W/T$W/p" "$W/m.all"
	cp "$W/S$W/p" "$W/m.sec"
	measure "gcc -g program" "$W/p"
	for f in libc.so.6 ld-linux-x86-64.so.2; do
		cp "$W/T$MULTI/$f" "$W/m.all"
		cp "$W/S$MULTI/$f" "$W/m.sec"
		measure "$f" "$MULTI/$f"
	done
}

already_stripped() {
	need_strip
	prog "$W/p" -O2 -s
	sr -q -o "$W/T" "$W/p"
	expect_rc 0
	check_tree "" "$W/T" all
	run_tree "$W/T" "strip-prog 42" "$W/p"
}

static_program() {
	need_strip
	prog "$W/p" -g -static
	sr -q -o "$W/T" "$W/p"
	expect_rc 0
	check_tree "" "$W/T" all
	expect_checked "$W/p"
	[ "$(size_of "$W/T$W/p")" -lt "$(size_of "$W/p")" ] || fail "did not shrink"
	run_tree "$W/T" "strip-prog 42" "$W/p"
}

static_pie_program() {
	need_strip
	prog "$W/p" -g -static-pie -fPIE
	readelf -hW "$W/p" | grep -q DYN || fail "fixture: not ET_DYN"
	sr -q -o "$W/T" "$W/p"
	expect_rc 0
	check_tree "" "$W/T" all
	run_tree "$W/T" "strip-prog 42" "$W/p"
	sr -q -o "$W/S" --strip-sections "$W/p"
	expect_rc 0
	check_tree "" "$W/S" all 1
	run_tree "$W/S" "strip-prog 42" "$W/p"
}

shared_library() {
	need_strip
	cc_lib lib libwho.so.1 "$W/lib/libwho.so.1" -g
	cc_prog "$W/bin/prog" "$W/lib/libwho.so.1" -g -Wl,-rpath,"$W/lib"
	sr -q -o "$W/T" "$W/bin/prog"
	expect_rc 0
	check_tree "" "$W/T" all
	expect_checked "$W/lib/libwho.so.1"
	[ "$(size_of "$W/T$W/lib/libwho.so.1")" -lt "$(size_of "$W/lib/libwho.so.1")" ] ||
		fail "the -g library did not shrink"
	readelf -dW "$W/T$W/lib/libwho.so.1" | grep -q 'SONAME.*libwho.so.1' ||
		fail "the stripped library lost its dynamic section"
	run_tree "$W/T" lib "$W/bin/prog"
	sr -q -o "$W/S" --strip-sections "$W/bin/prog"
	expect_rc 0
	check_tree "" "$W/S" all 1
	run_tree "$W/S" lib "$W/bin/prog"
}

# real_program PROG WANT-PATTERN ARGS...: a distribution program and its
# libraries, stripped, with and without section headers.
real_program() {
	need_strip
	rp_prog=$1 rp_pat=$2
	shift 2
	[ -x "$rp_prog" ] || skip "$rp_prog is not installed"
	for v in all sec; do
		if [ $v = all ]; then sr -q -o "$W/$v" "$rp_prog"; else sr -q -o "$W/$v" --strip-sections "$rp_prog"; fi
		expect_rc 0
		check_tree "" "$W/$v" all "$([ $v = sec ] && echo 1 || echo 0)"
		expect_checked "$(readlink -f "$rp_prog")"
		tree_loader "$W/$v" "$rp_prog"
		timeout 30 "$ld" --library-path "$lp" "$W/$v$rp_prog" "$@" >"$W/.o" 2>&1 ||
			{ cat "$W/.o" >&2; fail "$rp_prog $* failed from the tree ($v)"; }
		grep -q -- "$rp_pat" "$W/.o" || { cat "$W/.o" >&2; fail "$rp_prog $*: no '$rp_pat'"; }
		! can_chroot || timeout 30 chroot "$W/$v" "$rp_prog" "$@" >/dev/null ||
			fail "$rp_prog failed in a chroot ($v)"
	done
	cp "$W/all$rp_prog" "$W/m.all"
	cp "$W/sec$rp_prog" "$W/m.sec"
	measure "$rp_prog" "$rp_prog"
}

curl_program() { real_program /usr/bin/curl 'curl ' --version; }
rg_program() { real_program /usr/bin/rg 'ripgrep' --version; }

go_program() {
	need_strip
	GO=$(command -v go || echo /usr/lib/go/bin/go)
	[ -x "$GO" ] || skip "go is not installed"
	mkdir -p "$W/src"
	cat >"$W/src/main.go" <<-'EOF'
	package main

	import "fmt"

	func main() { fmt.Println("go-prog") }
	EOF
	printf 'module example.com/stripgo\n\ngo 1.16\n' >"$W/src/go.mod"
	(cd "$W/src" && HOME=$W GOPATH=$W/gopath GOCACHE=$W/gocache GOFLAGS=-mod=mod \
		GOTOOLCHAIN=local CGO_ENABLED=0 "$GO" build -o "$W/goprog" .) >"$W/.go.log" 2>&1 ||
		{ cat "$W/.go.log" >&2; fail "go build failed"; }
	for v in all debug; do
		sr -q -o "$W/$v" --strip=$v "$W/goprog"
		expect_rc 0
		check_tree "" "$W/$v" $v
		expect_checked "$W/goprog"
		has_section "$W/$v$W/goprog" .go.buildinfo || fail ".go.buildinfo is gone"
		HOME=$W GOCACHE=$W/gocache "$GO" version -m "$W/$v$W/goprog" >"$W/.gov" 2>&1 || :
		grep -q 'example.com/stripgo' "$W/.gov" ||
			{ cat "$W/.gov" >&2; fail "go version -m cannot read the module from the stripped file"; }
		run_tree "$W/$v" go-prog "$W/goprog"
	done
	sr -q -o "$W/sec" --strip-sections "$W/goprog"
	expect_rc 0
	check_tree "" "$W/sec" all 1
	run_tree "$W/sec" go-prog "$W/goprog"
	cp "$W/all$W/goprog" "$W/m.all"
	cp "$W/sec$W/goprog" "$W/m.sec"
	measure "Go program" "$W/goprog"
}

musl_program() {
	need_strip
	need_cmd musl-gcc
	CC=musl-gcc prog "$W/p" -g
	sr -q -o "$W/T" "$W/p"
	expect_rc 0
	check_tree "" "$W/T" all
	expect_checked "$W/p"
	[ "$(size_of "$W/T$W/p")" -lt "$(size_of "$W/p")" ] || fail "did not shrink"
	expect_run "strip-prog 42" "$W/T$W/p"
	! can_chroot || expect_run "strip-prog 42" chroot "$W/T" "$W/p"
}

# An aarch64 program and its libraries in a cross sysroot.
aarch64_sysroot() {
	need_strip
	need_cmd aarch64-linux-gnu-gcc
	XLIB=/usr/aarch64-linux-gnu/lib
	[ -f "$XLIB/libc.so.6" ] || skip "no $XLIB (libc6-arm64-cross)"
	mkdir -p R/usr/lib/aarch64-linux-gnu R/opt
	ln -s usr/lib R/lib
	for f in "$XLIB"/*; do
		case $f in *.a | *.o) continue ;; esac
		cp -a "$f" R/usr/lib/aarch64-linux-gnu/
	done
	ln -s /usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 R/usr/lib/ld-linux-aarch64.so.1
	CC=aarch64-linux-gnu-gcc prog R/opt/p -g
	sr -q --sysroot "$W/R" -o "$W/T" /opt/p
	expect_rc 0
	check_tree "$W/R" "$W/T" all
	expect_checked /opt/p /usr/lib/aarch64-linux-gnu/libc.so.6
	if command -v qemu-aarch64 >/dev/null 2>&1; then
		expect_run "strip-prog 42" qemu-aarch64 -L "$W/T" \
			"$W/T/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1" "$W/T/opt/p"
	else
		note "not run: no qemu-aarch64"
	fi
}

# Other classes and byte orders: i386 (ELF32 LSB), aarch64 big-endian LP64
# (ELF64 MSB) and ILP32 (ELF32 MSB), from the libc-free strip-tiny.c.
other_classes() {
	need_strip
	oc_built=0
	for oc_t in "gcc -m32:i386" "aarch64-linux-gnu-gcc -mbig-endian:be64" \
		 "aarch64-linux-gnu-gcc -mbig-endian -mabi=ilp32:be32"; do
		oc_cc=${oc_t%:*} oc_n=${oc_t#*:}
		# shellcheck disable=SC2086
		$oc_cc -g -static -nostdlib -ffreestanding -fno-pie -no-pie -o "$W/$oc_n" \
			"$srcdir/testdata/strip-tiny.c" >/dev/null 2>&1 || { note "$oc_cc: cannot build"; continue; }
		oc_built=$((oc_built + 1))
		for v in all debug; do
			sr -q -o "$W/T$v$oc_n" --strip=$v "$W/$oc_n"
			expect_rc 0
			check_tree "" "$W/T$v$oc_n" $v
			[ "$(size_of "$W/T$v$oc_n$W/$oc_n")" -lt "$(size_of "$W/$oc_n")" ] || fail "$oc_n did not shrink"
		done
		sr -q -o "$W/S$oc_n" --strip-sections "$W/$oc_n"
		expect_rc 0
		check_tree "" "$W/S$oc_n" all 1
		case $oc_n in
		i386)	expect_run tiny "$W/Tall$oc_n$W/$oc_n"; expect_run tiny "$W/S$oc_n$W/$oc_n" ;;
		be64)	if command -v qemu-aarch64_be >/dev/null 2>&1; then
				expect_run tiny qemu-aarch64_be "$W/Tall$oc_n$W/$oc_n"
				expect_run tiny qemu-aarch64_be "$W/S$oc_n$W/$oc_n"
			fi ;;
		esac
	done
	[ "$oc_built" -gt 0 ] || skip "no compiler for i386 or big-endian aarch64"
}

strip_debug_keeps_symbols() {
	need_strip
	need_cmd gdb
	prog "$W/p" -g
	sr -q -o "$W/T" --strip=debug "$W/p"
	expect_rc 0
	check_tree "" "$W/T" debug
	[ "$(size_of "$W/T$W/p")" -lt "$(size_of "$W/p")" ] || fail "did not shrink"
	_addr=$(readelf -sW "$W/p" | awk '$8 == "strip_probe" { print "0x" $2 }')
	gdb -batch -nx -ex "info symbol $_addr" "$W/T$W/p" >"$W/.gdb" 2>&1 || :
	grep -q '^strip_probe in section \.text' "$W/.gdb" ||
		{ cat "$W/.gdb" >&2; fail "gdb cannot name strip_probe from the kept symbol table"; }
	run_tree "$W/T" "strip-prog 42" "$W/p"
}

strip_none_copies() {
	need_strip
	prog "$W/p" -g
	sr -q -o "$W/T" --strip=none "$W/p"
	expect_rc 0
	check_tree "" "$W/T" none
}

strip_sections_floor() {
	need_strip
	prog "$W/p" -g
	sr -q -o "$W/T" --strip-sections "$W/p"
	expect_rc 0
	check_tree "" "$W/T" all 1
	expect_checked "$W/p" "$MULTI/libc.so.6" "$MULTI/ld-linux-x86-64.so.2"
	readelf -nW "$W/T$W/p" | grep -q 'Build ID' || fail "the build-id note is not readable"
	run_tree "$W/T" "strip-prog 42" "$W/p"
}

# --debug-dir: the debug information goes to DIR/.build-id/xx/yyyy.debug,
# gdb finds it there by build-id, and through .gnu_debuglink (its CRC
# checked by gdb) next to the program.
debug_dir_round_trip() {
	need_strip
	need_cmd gdb
	prog "$W/p" -g
	_id=$(readelf -nW "$W/p" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
	[ -n "$_id" ] || fail "fixture: no build-id"
	sr -q -o "$W/T" --debug-dir "$W/D" "$W/p"
	expect_rc 0
	check_tree "" "$W/T" all
	_dbg=$W/D/.build-id/$(echo "$_id" | cut -c1-2)/$(echo "$_id" | cut -c3-).debug
	[ -f "$_dbg" ] || { find "$W/D" >&2; fail "no $_dbg"; }
	has_section "$_dbg" .debug_info || fail "the debug file has no .debug_info"
	has_section "$_dbg" .symtab || fail "the debug file has no .symtab"
	has_section "$W/T$W/p" .gnu_debuglink || fail "no .gnu_debuglink"
	_addr=$(readelf -sW "$W/p" | awk '$8 == "strip_probe" { print "0x" $2 }')
	gdb -batch -nx -ex "info symbol $_addr" "$W/T$W/p" >"$W/.gdb0" 2>&1 || :
	! grep -q '^strip_probe in' "$W/.gdb0" || fail "the stripped file still names strip_probe"
	gdb -batch -nx -iex "set debug-file-directory $W/D" -ex "info symbol $_addr" \
		-ex 'info line strip_probe' "$W/T$W/p" >"$W/.gdb" 2>&1 || :
	grep -q '^strip_probe in section \.text' "$W/.gdb" &&
		grep -q 'Line [0-9]* of ".*strip-prog\.c"' "$W/.gdb" ||
		{ cat "$W/.gdb" >&2; fail "gdb did not find the debug file by build-id"; }
	_link=$(readelf -p .gnu_debuglink "$W/T$W/p" | sed -n 's/^ *\[ *0\] *//p')
	[ -n "$_link" ] || fail "empty .gnu_debuglink"
	mkdir "$W/L" "$W/empty"
	cp "$W/T$W/p" "$W/L/p"
	cp "$_dbg" "$W/L/$_link"
	gdb -batch -nx -iex "set debug-file-directory $W/empty" -ex "info symbol $_addr" \
		"$W/L/p" >"$W/.gdb2" 2>&1 || :
	grep -q '^strip_probe in section \.text' "$W/.gdb2" && ! grep -q 'does not match' "$W/.gdb2" ||
		{ cat "$W/.gdb2" >&2; fail "gdb did not accept the debug file through .gnu_debuglink"; }
	run_tree "$W/T" "strip-prog 42" "$W/p"
}

scenario ST1 "gcc -g program, its libc and loader: loaded bytes identical, runs" gcc_g_program
scenario ST2 "gcc -O2 -s (already stripped)" already_stripped
scenario ST3 "gcc -g -static" static_program
scenario ST4 "gcc -g -static-pie, also with --strip-sections" static_pie_program
scenario ST5 "a -g shared library and the program that needs it" shared_library
scenario ST6 "/usr/bin/curl and its libraries" curl_program
scenario ST7 "/usr/bin/rg (Rust)" rg_program
scenario ST8 "a Go program: .go.buildinfo and the Go build ID stay" go_program
scenario ST9 "musl-gcc -g" musl_program
scenario ST10 "an aarch64 -g program in a cross sysroot" aarch64_sysroot
scenario ST11 "ELF32 LSB, ELF64 MSB, ELF32 MSB (strip-tiny.c)" other_classes
scenario ST12 "--strip=debug keeps the symbol table" strip_debug_keeps_symbols
scenario ST13 "--strip=none writes the files unchanged" strip_none_copies
scenario ST14 "--strip-sections: no section headers, still runs" strip_sections_floor
# upx is an external program that Debian 12 does not package.
upx_missing_is_an_error_before_any_work() {
	mkdir "$W/bin"
	cc -o "$W/hello" "$srcdir/testdata/hello.c"
	rc=0
	PATH="$W/bin" "$SR" -o "$W/t" --upx "$W/hello" >"$W/out" 2>"$W/err" || rc=$?
	expect_rc 2
	expect_err_has "scratchroot: --upx: no upx on PATH"
	[ ! -e "$W/t" ] || fail "a tree was written"
	sr -o "$W/t" --upx-libs "$W/hello"
	expect_rc 2
	expect_err_has "--upx-libs needs --upx"
}


# The upx plumbing, with a stand-in upx (the real one is tested by upx.sh
# where it exists): what is packed, what never is, what upx refuses.
upx_plumbing_with_a_stand_in() {
	need_root
	mkdir "$W/bin"
	cat >"$W/bin/upx" <<'FAKE'
#!/bin/sh
# A stand-in upx: "packs" by appending a marker; -t checks it; refuses
# files that contain the string REFUSE-ME.
case $1 in
--version) echo "upx stand-in"; exit 0 ;;
-t) tail -c 12 "$3" | grep -q PACKED-BY-UP || exit 2; exit 0 ;;
esac
out= in=
while [ $# -gt 0 ]; do
	case $1 in -o) out=$2; shift ;; -*) ;; *) in=$1 ;; esac
	shift
done
! grep -q REFUSE-ME "$in" || exit 1
{ cat "$in"; printf 'PACKED-BY-UP'; } >"$out"
FAKE
	chmod +x "$W/bin/upx"
	cc -o "$W/hello" "$srcdir/testdata/hello.c"
	rc=0
	PATH="$W/bin:$PATH" "$SR" -o "$W/t" --upx "$W/hello" >"$W/out" 2>"$W/err" || rc=$?
	expect_rc 0
	[ "$(tail -c 12 "$W/t$W/hello")" = PACKED-BY-UP ] || fail "the program was not packed"
	for f in $(find "$W/t" -type f -name 'l*.so*'); do
		[ "$(tail -c 12 "$f")" != PACKED-BY-UP ] || fail "$f (a library or the loader) was packed"
	done
	rc=0
	PATH="$W/bin:$PATH" "$SR" -o "$W/t2" --upx --upx-libs "$W/hello" >"$W/out" 2>"$W/err" || rc=$?
	expect_rc 0
	libc=$(find "$W/t2" -type f -name 'libc.so*' | head -n1)
	ld=$(find "$W/t2" -type f -name 'ld-linux*' | head -n1)
	[ "$(tail -c 12 "$libc")" = PACKED-BY-UP ] || fail "--upx-libs did not pack libc"
	[ "$(tail -c 12 "$ld")" != PACKED-BY-UP ] || fail "the loader was packed"
	cc -DMSG='"REFUSE-ME"' -o "$W/refuse-me" "$srcdir/testdata/hello.c"
	rc=0
	PATH="$W/bin:$PATH" "$SR" -o "$W/t3" --upx "$W/refuse-me" >"$W/out" 2>"$W/err" || rc=$?
	expect_rc 0
	expect_err_has "'$W/refuse-me': note: left unpacked: upx refused it or its test failed"
	[ "$(tail -c 12 "$W/t3$W/refuse-me")" != PACKED-BY-UP ] || fail "a refused file is packed"
}

scenario ST17 "--upx plumbing with a stand-in upx: executables, --upx-libs, never the loader, refusals" upx_plumbing_with_a_stand_in
scenario ST16 "--upx without upx on PATH: a usage error before any work" upx_missing_is_an_error_before_any_work
scenario ST15 "--debug-dir: gdb finds the symbols by build-id and debuglink" debug_dir_round_trip
finish
