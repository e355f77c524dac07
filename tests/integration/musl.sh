#!/bin/sh
# musl's search rules (doc/loader-rules.md M1-M16) with musl-gcc fixtures:
# what scratchroot says, and what musl's loader does when the program runs.
. "$(dirname "$0")/lib.sh"

need_cmd musl-gcc readelf
CC=musl-gcc
MUSL_LDSO=/lib/ld-musl-x86_64.so.1
[ -e "$MUSL_LDSO" ] || skip "no $MUSL_LDSO"

# musl_base: the loader with its symlinks, as the kernel resolves it.
musl_base() { chain "" "$MUSL_LDSO"; }

# make_musl_root ROOT: a root whose only file is the musl loader (a copy of
# the real file at /lib/ld-musl-x86_64.so.1).
make_musl_root() {
	mkdir -p "$1/lib" "$1/etc"
	cp "$MUSL_LDSO" "$1$MUSL_LDSO"
}

# M1, M2: libc.so is the loader itself; no other libc file.
m2_libc_is_the_loader() {
	cc -o hello "$srcdir/testdata/hello.c"
	[ "$(interp_of hello)" = "$MUSL_LDSO" ] || fail "fixture: PT_INTERP is not $MUSL_LDSO"
	readelf -dW hello | grep -Fq 'Shared library: [libc.so]' || fail "fixture: no NEEDED libc.so"
	sr_list hello
	expect_list_is $(musl_base) "$W/hello"
	expect_image_runs "" hello "$W/hello"
	sr_tree hello
	expect_out_has "(ELF64 x86-64, dynamic, musl)" "interpreter $MUSL_LDSO"
	expect_run hello ./hello
}

t08_runpath_inherited() {
	cc_lib b libb.so.1 B/libb.so.1 -DFN=b_who
	cc_lib a liba.so.1 A/liba.so.1 -DFN=a_who B/libb.so.1
	cc_prog exe -Wl,--enable-new-dtags "-Wl,-rpath,$W/A:$W/B" A/liba.so.1
	readelf -dW exe | grep -q RUNPATH || fail "fixture: no RUNPATH"
	sr_list exe
	expect_list_is $(musl_base) "$W/exe" "$W/A/liba.so.1" "$W/B/libb.so.1"
	expect_image_runs "" b "$W/exe" b_who
	expect_run b ./exe b_who
}

t11_library_path_first() {
	for d in rp llp run; do cc_lib $d libw.so.1 $d/libw.so.1; done
	cc_prog exe_rpath -Wl,--disable-new-dtags "-Wl,-rpath,$W/rp" rp/libw.so.1
	cc_prog exe_runpath -Wl,--enable-new-dtags "-Wl,-rpath,$W/run" run/libw.so.1
	sr_list exe_rpath
	expect_list_is $(musl_base) "$W/exe_rpath" "$W/rp/libw.so.1"
	expect_run rp ./exe_rpath
	for e in exe_rpath exe_runpath; do
		sr_list -L "$W/llp" $e
		expect_list_is $(musl_base) "$W/$e" "$W/llp/libw.so.1"
		expect_image_runs "" llp "LD_LIBRARY_PATH=$W/llp" "$W/$e"
		expect_run llp env "LD_LIBRARY_PATH=$W/llp" ./$e
	done
}

# M7: an rpath with any DST but $ORIGIN is dropped whole.  (No image run:
# without /proc in a chroot the program's $ORIGIN is unknown.)
m7_lib_dst_drops_rpath() {
	cc_lib w libw.so.1 d/libw.so.1
	cc_prog exe -Wl,--enable-new-dtags "-Wl,-rpath,/nonexistent/\$LIB:$W/d" d/libw.so.1
	sr --list exe
	expect_rc 1
	expect_err_has "libw.so.1"
	expect_run_fails "libw.so.1" ./exe
	cc_prog exe2 -Wl,--enable-new-dtags "-Wl,-rpath,/nonexistent/\$ORIGIN:$W/d" d/libw.so.1
	sr_list exe2
	expect_list_is $(musl_base) "$W/exe2" "$W/d/libw.so.1"
	expect_run w ./exe2
}

t13_origin_main_symlink() {
	cc_lib bin libh.so.1 bin/libh.so.1
	cc_lib sub libh.so.1 sub/libh.so.1
	cc_prog bin/exe_b -Wl,--enable-new-dtags '-Wl,-rpath,$ORIGIN' bin/libh.so.1
	ln -s ../bin/exe_b sub/exe_b_link
	sr_list sub/exe_b_link
	expect_list_is $(musl_base) "$W/sub/exe_b_link" "$W/bin/exe_b" "$W/bin/libh.so.1"
	expect_run bin ./sub/exe_b_link
}

# M3: no DST in a DT_NEEDED for musl.
t15_needed_origin() {
	cc_lib h '$ORIGIN/lib/libh.so.1' bin/lib/libh.so.1
	cc_prog bin/exe_c bin/lib/libh.so.1
	sr --list bin/exe_c
	expect_rc 1
	expect_err_has '$ORIGIN/lib/libh.so.1'
	(cd bin && expect_run_fails '$ORIGIN/lib/libh.so.1' ./exe_c)
}

t17_bfs_first_loader() {
	cc_lib C-from-X libC.so.1 X/libC.so.1
	cc_lib C-from-Y libC.so.1 Y/libC.so.1
	cc_lib D libD.so.1 L/libD.so.1 -DFN=d_who X/libC.so.1
	cc_lib A libA.so.1 L/libA.so.1 -DFN=a_who L/libD.so.1
	cc_lib B libB.so.1 L/libB.so.1 -DFN=b_who -Wl,--disable-new-dtags \
		"-Wl,-rpath,$W/Y" Y/libC.so.1
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/L:$W/X" L/libA.so.1 L/libB.so.1
	sr_list exe
	expect_list_is $(musl_base) "$W/exe" "$W/L/libA.so.1" "$W/L/libB.so.1" \
		"$W/L/libD.so.1" "$W/Y/libC.so.1"
	expect_image_runs "" C-from-Y "$W/exe"
	expect_run C-from-Y ./exe
}

# T19, musl half: the SONAME is never matched, so both files load.
t19_abs_needed_both() {
	cc_lib abs "$W/abs/libs1.so" abs/libs1.so -DFN=abs_who
	cc_lib other libs.so.1 other/libs.so.1 -DFN=other_who
	cc_lib user libuser.so.1 d/libuser.so.1 -DFN=user_who -Wl,--disable-new-dtags \
		"-Wl,-rpath,$W/other" other/libs.so.1
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/d" abs/libs1.so d/libuser.so.1
	cc_lib abs libs.so.1 abs/libs1.so -DFN=abs_who
	sr_list exe
	expect_list_is $(musl_base) "$W/exe" "$W/abs/libs1.so" "$W/d/libuser.so.1" \
		"$W/other/libs.so.1"
	expect_image_runs "" "abs
other" "$W/exe" abs_who other_who
	expect_run "abs
other" ./exe abs_who other_who
}

# T29: libc's other names need no file, in a root holding only the loader.
t29_reserved_names() {
	make_musl_root R
	for n in libpthread.so.0 libm.so.6 libc.musl-x86_64.so.1; do
		cc_lib stub $n stub/$n -DFN=stub_who
	done
	cc_lib w libw.so.1 R/usr/lib/libw.so.1
	cc -Wl,--no-as-needed -o R/exe "$srcdir/testdata/main-who.c" \
		stub/libpthread.so.0 stub/libm.so.6 stub/libc.musl-x86_64.so.1 R/usr/lib/libw.so.1
	sr_list --sysroot R /exe
	expect_list_is $MUSL_LDSO /exe /usr/lib/libw.so.1
	expect_image_runs R w /exe
	can_chroot || return 0
	expect_run w chroot R /exe
}

# T30: <prefix>/etc/ld-musl-x86_64.path replaces the default path.
t30_path_file() {
	make_musl_root R
	cc_lib 4 libw.so.1 R/usr/local/lib/libw.so.1
	cc_lib 5 libw.so.1 R/opt/x/libw.so.1
	cc_prog R/exe R/opt/x/libw.so.1
	step "no path file: /lib:/usr/local/lib:/usr/lib"
	sr_list --sysroot R /exe
	expect_list_is $MUSL_LDSO /exe /usr/local/lib/libw.so.1
	expect_image_runs R 4 /exe
	! can_chroot || expect_run 4 chroot R /exe
	step "path file: /nonexist:/opt/x"
	printf '/nonexist:/opt/x\n' >R/etc/ld-musl-x86_64.path
	sr_list --sysroot R /exe
	# The image needs the path file, or musl searches its default path.
	expect_list_is $MUSL_LDSO /exe /opt/x/libw.so.1 /etc/ld-musl-x86_64.path
	expect_image_runs R 5 /exe
	! can_chroot || expect_run 5 chroot R /exe
	step "path file: /nonexist"
	echo /nonexist >R/etc/ld-musl-x86_64.path
	sr --list --sysroot R /exe
	expect_rc 1
	expect_err_has "libw.so.1"
	! can_chroot || expect_run_fails "libw.so.1" chroot R /exe
	step "PT_INTERP /opt/musl/lib/...: /opt/musl/etc/ld-musl-x86_64.path"
	mkdir -p R/opt/musl/lib R/opt/musl/etc
	cp "$MUSL_LDSO" R/opt/musl/lib/
	echo /opt/x >R/opt/musl/etc/ld-musl-x86_64.path
	cc_prog R/exe2 -Wl,--dynamic-linker=/opt/musl/lib/ld-musl-x86_64.so.1 R/opt/x/libw.so.1
	sr_list --sysroot R /exe2
	expect_list_is /opt/musl/lib/ld-musl-x86_64.so.1 /exe2 /opt/x/libw.so.1 \
		/opt/musl/etc/ld-musl-x86_64.path
	expect_image_runs R 5 /exe2
	! can_chroot || expect_run 5 chroot R /exe2
}

# M9: musl takes the first file that opens, whatever its machine.
t05_wrong_machine_taken() {
	need_cmd aarch64-linux-gnu-gcc
	mkdir darm
	echo 'int w;' | aarch64-linux-gnu-gcc -shared -fPIC -nostdlib \
		-Wl,-soname,libw.so.1 -o darm/libw.so.1 -x c - ||
		fail "cannot build the aarch64 library"
	cc_lib good libw.so.1 good/libw.so.1
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/darm:$W/good" good/libw.so.1
	sr --list exe
	expect_rc 1
	expect_err_has "$W/darm/libw.so.1"
	st=0
	timeout 30 ./exe >/dev/null 2>&1 || st=$?
	[ "$st" != 0 ] || fail "real loader: ./exe ran with the aarch64 library first"
}

scenario M2 "libc.so is the loader: the list is the loader chain and the program" m2_libc_is_the_loader
scenario T05m "a wrong-machine library first in the path is taken (and fails)" t05_wrong_machine_taken
scenario T08m "RUNPATH is inherited" t08_runpath_inherited
scenario T11m "LD_LIBRARY_PATH (-L) comes before RPATH and RUNPATH" t11_library_path_first
scenario M7 "an rpath with \$LIB is dropped whole" m7_lib_dst_drops_rpath
scenario T13m "\$ORIGIN of the main program reached through a symlink" t13_origin_main_symlink
scenario T15m "no \$ORIGIN expansion in DT_NEEDED" t15_needed_origin
scenario T17m "breadth-first: the first loader's search wins" t17_bfs_first_loader
scenario T19m "an absolute DT_NEEDED does not satisfy its SONAME" t19_abs_needed_both
scenario T29 "libc's reserved names need no file" t29_reserved_names
scenario T30 "the path file in a sysroot replaces the default path" t30_path_file
finish
