#!/bin/sh
# glibc's search rules (doc/loader-rules.md G1-G17, scenarios T01-T39): for
# each layout, what scratchroot --list/--tree says, and what the host's
# glibc loader does when the fixture program is run.
. "$(dirname "$0")/lib.sh"

need_cmd gcc readelf ldd
case $(interp_of "$(command -v ls)") in
*ld-linux-x86-64.so.2) ;;
*) skip "these scenarios need an x86_64 glibc host" ;;
esac

# make_glibc_root ROOT: the host's loader and libc.so.6 (symlinks included)
# copied into ROOT, so that a program can run in `chroot ROOT`.
make_glibc_root() {
	mkdir -p "$1/etc"
	glibc_base >"$W/.base"
	copy_into "$1" $(cat "$W/.base")
}

t01_soname_chain() {
	cc_lib foo libfoo.so.1 d/libfoo.so.1.2.3
	ln -s libfoo.so.1.2.3 d/libfoo.so.1
	ln -s libfoo.so.1 d/libfoo.so
	cc_prog exe -Ld -lfoo -Wl,--enable-new-dtags "-Wl,-rpath,$W/d"
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/d/libfoo.so.1" "$W/d/libfoo.so.1.2.3"
	expect_image_runs "" foo "$W/exe"
	sr_tree exe
	expect_out_has "libfoo.so.1 => $W/d/libfoo.so.1 -> $W/d/libfoo.so.1.2.3"
	expect_run foo ./exe
	expect_opened_as_loader ./exe
}

# T02: the paths in --list are enough to run the program in an empty root.
t02_list_makes_a_root() {
	cc -o hello "$srcdir/testdata/hello.c"
	sr_list "$W/hello"
	expect_image_runs "" hello "$W/hello"
	mkdir R
	copy_into R $(grep -v "^$W/" "$W/out")
	cp hello R/hello
	sr_list --sysroot R /hello
	expect_list_is $(glibc_base) /hello
	! can_chroot || expect_run hello chroot R /hello
}

t04_wrong_class() {
	mkdir d32
	echo 'int w;' | gcc -m32 -shared -fPIC -nostdlib -Wl,-soname,libw.so.1 \
		-o d32/libw.so.1 -x c - 2>"$W/.m32.log" ||
		skip "gcc -m32 -nostdlib does not work here"
	cc_lib good libw.so.1 d64/libw.so.1
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/d32:$W/d64" d64/libw.so.1
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/d64/libw.so.1"
	expect_image_runs "" good "$W/exe"
	sr_tree exe
	expect_out_has "note: $W/d32/libw.so.1: skipped"
	expect_run good ./exe
	expect_opened_as_loader ./exe
}

t05_wrong_machine() {
	need_cmd aarch64-linux-gnu-gcc
	mkdir darm
	echo 'int w;' | aarch64-linux-gnu-gcc -shared -fPIC -nostdlib \
		-Wl,-soname,libw.so.1 -o darm/libw.so.1 -x c - ||
		fail "cannot build the aarch64 library"
	cc_lib good libw.so.1 good/libw.so.1
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/darm:$W/good" good/libw.so.1
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/good/libw.so.1"
	expect_image_runs "" good "$W/exe"
	sr_tree exe
	expect_out_has "libw.so.1 => $W/good/libw.so.1" "note: $W/darm/libw.so.1: skipped"
	expect_run good ./exe
	expect_opened_as_loader ./exe
}

# T08/T09: exe -> A/liba.so.1 -> libb.so.1 (in B), the exe's path being A:B.
t08_layout() {
	cc_lib b libb.so.1 B/libb.so.1 -DFN=b_who
	cc_lib a liba.so.1 A/liba.so.1 -DFN=a_who B/libb.so.1
	cc_prog exe "-Wl,$1" "-Wl,-rpath,$W/A:$W/B" A/liba.so.1
}

t08_runpath_not_transitive() {
	t08_layout --enable-new-dtags
	sr --list exe
	expect_rc 1
	expect_err_has "'$W/A/liba.so.1': libb.so.1: cannot open shared object file"
	expect_run_fails "libb.so.1: cannot open shared object file" ./exe a_who
}

t09_rpath_transitive() {
	t08_layout --disable-new-dtags
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/A/liba.so.1" "$W/B/libb.so.1"
	expect_image_runs "" b "$W/exe" b_who
	sr_tree exe
	expect_out_has "libb.so.1 => $W/B/libb.so.1  [RPATH of $W/exe: $W/B, for liba.so.1]"
	expect_run b ./exe b_who
	expect_opened_as_loader ./exe b_who
}

t10_runpath_disables_rpath_chain() {
	cc_lib b libb.so.1 B/libb.so.1 -DFN=b_who
	cc_lib a liba.so.1 A/liba.so.1 -DFN=a_who -Wl,--enable-new-dtags \
		-Wl,-rpath,/nonexistent B/libb.so.1
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/A:$W/B" A/liba.so.1
	sr --list exe
	expect_rc 1
	expect_err_has "'$W/A/liba.so.1': libb.so.1: cannot open shared object file"
	expect_run_fails "libb.so.1: cannot open shared object file" ./exe a_who
}

t11_order() {
	for d in rp llp run; do cc_lib $d libw.so.1 $d/libw.so.1; done
	cc_prog exe_rpath -Wl,--disable-new-dtags "-Wl,-rpath,$W/rp" rp/libw.so.1
	cc_prog exe_runpath -Wl,--enable-new-dtags "-Wl,-rpath,$W/run" run/libw.so.1

	sr_list exe_rpath
	expect_list_is $(glibc_base) "$W/exe_rpath" "$W/rp/libw.so.1"
	sr_list -L "$W/llp" exe_rpath
	expect_list_is $(glibc_base) "$W/exe_rpath" "$W/rp/libw.so.1"
	expect_image_runs "" rp "LD_LIBRARY_PATH=$W/llp" "$W/exe_rpath"
	expect_run rp ./exe_rpath
	expect_run rp env "LD_LIBRARY_PATH=$W/llp" ./exe_rpath
	sr_tree -L "$W/llp" exe_rpath
	expect_opened_as_loader env "LD_LIBRARY_PATH=$W/llp" ./exe_rpath

	sr_list exe_runpath
	expect_list_is $(glibc_base) "$W/exe_runpath" "$W/run/libw.so.1"
	sr_list -L "$W/llp" exe_runpath
	expect_list_is $(glibc_base) "$W/exe_runpath" "$W/llp/libw.so.1"
	expect_image_runs "" llp "LD_LIBRARY_PATH=$W/llp" "$W/exe_runpath"
	sr_tree -L "$W/llp" exe_runpath
	expect_out_has "libw.so.1 => $W/llp/libw.so.1  [LD_LIBRARY_PATH: $W/llp]"
	expect_run run ./exe_runpath
	expect_run llp env "LD_LIBRARY_PATH=$W/llp" ./exe_runpath
	sr_tree -L "$W/llp" exe_runpath
	expect_opened_as_loader env "LD_LIBRARY_PATH=$W/llp" ./exe_runpath
}

# T12: $ORIGIN of a library is the directory it was opened from, symlinks
# not resolved.
t12_origin_symlinked_file() {
	cc_lib f libf.so.1 real/libf.so.1
	cc_lib g libg.so.1 real/libg.so.1 -DFN=g_who -Wl,--enable-new-dtags \
		'-Wl,-rpath,$ORIGIN' real/libf.so.1
	mkdir link
	ln -s ../real/libg.so.1 link/libg.so.1
	cc_prog exe -Wl,--enable-new-dtags "-Wl,-rpath,$W/link" link/libg.so.1
	sr --list exe
	expect_rc 1
	expect_err_has "'$W/link/libg.so.1': libf.so.1: cannot open shared object file"
	expect_run_fails "libf.so.1: cannot open shared object file" ./exe
	# Found through -L, libg still coming through link/.
	cc_lib extra libf.so.1 extra/libf.so.1
	sr_list -L "$W/extra" exe
	expect_list_is $(glibc_base) "$W/exe" "$W/link/libg.so.1" "$W/real/libg.so.1" \
		"$W/extra/libf.so.1"
	expect_image_runs "" extra "LD_LIBRARY_PATH=$W/extra" "$W/exe"
	expect_run extra env "LD_LIBRARY_PATH=$W/extra" ./exe
	sr_tree -L "$W/extra" exe
	expect_opened_as_loader env "LD_LIBRARY_PATH=$W/extra" ./exe
}

t12_origin_symlinked_dir() {
	# lnk -> real: libg's $ORIGIN is $W/lnk, so libf is opened as lnk/libf.so.1.
	cc_lib f libf.so.1 real/libf.so.1
	cc_lib g libg.so.1 real/libg.so.1 -DFN=g_who -Wl,--enable-new-dtags \
		'-Wl,-rpath,$ORIGIN' real/libf.so.1
	ln -s real lnk
	cc_prog exe -Wl,--enable-new-dtags "-Wl,-rpath,$W/lnk" real/libg.so.1
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/lnk" "$W/real/libg.so.1" "$W/real/libf.so.1"
	expect_image_runs "" f "$W/exe"
	sr_tree exe
	expect_out_has "libf.so.1 => $W/lnk/libf.so.1 -> $W/real/libf.so.1  [RUNPATH of $W/lnk/libg.so.1: $W/lnk, for libg.so.1]"
	expect_run f ./exe
	expect_opened_as_loader ./exe
}

# T13: $ORIGIN of the main program is the directory of its realpath.
# (No image run here or in T15: without /proc in a chroot, the loader cannot
# learn the program's $ORIGIN.)
t13_origin_main_symlink() {
	cc_lib bin libh.so.1 bin/libh.so.1
	cc_lib sub libh.so.1 sub/libh.so.1
	cc_prog bin/exe_b -Wl,--enable-new-dtags '-Wl,-rpath,$ORIGIN' bin/libh.so.1
	ln -s ../bin/exe_b sub/exe_b_link
	sr_list sub/exe_b_link
	expect_list_is $(glibc_base) "$W/sub/exe_b_link" "$W/bin/exe_b" "$W/bin/libh.so.1"
	expect_run bin ./sub/exe_b_link
	sr_tree sub/exe_b_link
	expect_opened_as_loader ./sub/exe_b_link
}

# T14: `..` after $ORIGIN is resolved physically, through the directory symlink.
t14_dotdot_physical() {
	mkdir -p phys2/a/b
	ln -s phys2/a/b L
	cc_lib physical libdep.so.1 phys2/a/dep/libdep.so.1
	cc_lib lexical libdep.so.1 dep/libdep.so.1
	cc_lib m2 libm2.so.1 phys2/a/b/libm2.so.1 -DFN=m2_who -Wl,--enable-new-dtags \
		'-Wl,-rpath,$ORIGIN/../dep' dep/libdep.so.1
	cc_prog exe -Wl,--enable-new-dtags "-Wl,-rpath,$W/L" phys2/a/b/libm2.so.1
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/L" "$W/phys2/a/b/libm2.so.1" \
		"$W/phys2/a/dep/libdep.so.1"
	expect_image_runs "" physical "$W/exe"
	expect_run physical ./exe
	sr_tree exe
	expect_out_has "libdep.so.1 => $W/L/../dep/libdep.so.1 -> $W/phys2/a/dep/libdep.so.1"
	expect_opened_as_loader ./exe
}

# T15: a DT_NEEDED with $ORIGIN (made by giving the library that SONAME).
t15_needed_origin() {
	cc_lib h '$ORIGIN/lib/libh.so.1' bin/lib/libh.so.1
	cc_prog bin/exe_c bin/lib/libh.so.1
	readelf -dW bin/exe_c | grep -Fq 'Shared library: [$ORIGIN/lib/libh.so.1]' ||
		fail "fixture: DT_NEEDED is not \$ORIGIN/lib/libh.so.1"
	sr_list bin/exe_c
	expect_list_is $(glibc_base) "$W/bin/exe_c" "$W/bin/lib/libh.so.1"
	(cd / && expect_run h "$W/bin/exe_c")
	sr_tree bin/exe_c
	expect_opened_as_loader ./bin/exe_c
}

# T16: $LIB is the loader's build-time value; a copy of libw in each
# plausible place, and the tool must pick the one the loader picks.
t16_dst_lib() {
	for l in lib64 lib lib/x86_64-linux-gnu usr/lib64; do
		cc_lib "$l" libw.so.1 "L/$l/libw.so.1"
	done
	cc_prog exe -Wl,--enable-new-dtags "-Wl,-rpath,$W/L/\$LIB" L/lib/libw.so.1
	got=$(./exe) || fail "real loader: ./exe failed"
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/L/$got/libw.so.1"
	expect_image_runs "" "$got" "$W/exe"
	sr_tree exe
	expect_opened_as_loader ./exe
	# The ${LIB} spelling.
	cc_prog exe2 -Wl,--enable-new-dtags "-Wl,-rpath,$W/L/\${LIB}" L/lib/libw.so.1
	expect_run "$got" ./exe2
	sr_list exe2
	expect_list_is $(glibc_base) "$W/exe2" "$W/L/$got/libw.so.1"
	# $LIBX is no DST: kept as it is.
	cc_lib literal libw.so.1 'X/$LIBX/libw.so.1'
	cc_prog exe3 -Wl,--enable-new-dtags "-Wl,-rpath,$W/X/\$LIBX:$W/L/\$LIB" L/lib/libw.so.1
	expect_run literal ./exe3
	sr_list exe3
	expect_list_is $(glibc_base) "$W/exe3" "$W/X/\$LIBX/libw.so.1"
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
	expect_list_is $(glibc_base) "$W/exe" "$W/L/libA.so.1" "$W/L/libB.so.1" \
		"$W/L/libD.so.1" "$W/Y/libC.so.1"
	expect_image_runs "" C-from-Y "$W/exe"
	expect_run C-from-Y ./exe
	sr_tree exe
	expect_opened_as_loader ./exe
}

t18_cycle() {
	cc_lib q libQ.so.1 d/libQ.so.1 -DFN=q_who
	cc_lib p libP.so.1 d/libP.so.1 -DFN=p_who d/libQ.so.1
	cc_lib q libQ.so.1 d/libQ.so.1 d/libP.so.1
	readelf -dW d/libQ.so.1 | grep -Fq '[libP.so.1]' || fail "fixture: no cycle"
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/d" d/libP.so.1
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/d/libP.so.1" "$W/d/libQ.so.1"
	expect_image_runs "" q "$W/exe"
	expect_run q ./exe
	sr_tree exe
	expect_opened_as_loader ./exe
}

# T19: an absolute-path DT_NEEDED whose SONAME satisfies a later bare name.
t19_abs_needed_soname() {
	cc_lib abs "$W/abs/libs1.so" abs/libs1.so -DFN=abs_who
	cc_lib other libs.so.1 other/libs.so.1 -DFN=other_who
	cc_lib user libuser.so.1 d/libuser.so.1 -DFN=user_who -Wl,--disable-new-dtags \
		"-Wl,-rpath,$W/other" other/libs.so.1
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/d" abs/libs1.so d/libuser.so.1
	# The same file, now with the SONAME libs.so.1.
	cc_lib abs libs.so.1 abs/libs1.so -DFN=abs_who
	readelf -dW exe | grep -Fq "Shared library: [$W/abs/libs1.so]" ||
		fail "fixture: no absolute DT_NEEDED"
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/abs/libs1.so" "$W/d/libuser.so.1"
	expect_image_runs "" abs "$W/exe" abs_who
	expect_run abs ./exe abs_who
	sr_tree exe
	expect_opened_as_loader ./exe abs_who
	[ "$(./exe other_who || :)" = "other_who: missing" ] ||
		fail "real loader: other/libs.so.1 was loaded"
}

# T20c: /etc/ld.so.preload in a root, with a comment.
t20_preload_file() {
	make_glibc_root R
	cc_lib pre libpre.so R/opt/foo/libpre.so -DFN=pre_who
	echo '/opt/foo/libpre.so # comment' >R/etc/ld.so.preload
	cc_lib w libw.so.1 R/opt/w/libw.so.1
	cc_prog R/exe -Wl,--enable-new-dtags -Wl,-rpath,/opt/w R/opt/w/libw.so.1
	sr_list --sysroot R /exe
	# The image needs the preload file too, or it runs differently.
	expect_list_is $(glibc_base) /exe /opt/foo/libpre.so /opt/w/libw.so.1 /etc/ld.so.preload
	expect_image_runs R "pre
w" /exe pre_who who
	sr_tree --sysroot R /exe
	expect_out_has "/etc/ld.so.preload"
	can_chroot || return 0
	expect_run "pre
w" chroot R /exe pre_who who
	expect_opened_as_loader chroot R /exe pre_who who
}

# T21: every glibc-hwcaps variant is listed with the base file, with the
# symlinks on the way (x86-64-v3 is a directory symlink here).
t21_hwcaps() {
	cc_lib base libhw.so.1 d/libhw.so.1
	cc_lib v2 libhw.so.1 d/glibc-hwcaps/x86-64-v2/libhw.so.1
	cc_lib v3 libhw.so.1 v3real/libhw.so.1
	ln -s ../../v3real d/glibc-hwcaps/x86-64-v3
	cc_prog exe -Wl,--enable-new-dtags "-Wl,-rpath,$W/d" d/libhw.so.1
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/d/libhw.so.1" \
		"$W/d/glibc-hwcaps/x86-64-v2/libhw.so.1" "$W/d/glibc-hwcaps/x86-64-v3" \
		"$W/v3real/libhw.so.1"
	expect_image_runs "" "$(./exe)" "$W/exe"
	sr_tree exe
	expect_out_has "libhw.so.1 => $W/d/libhw.so.1" \
		"also $W/d/glibc-hwcaps/x86-64-v2/libhw.so.1 (chosen on CPUs that support it)" \
		"also $W/d/glibc-hwcaps/x86-64-v3/libhw.so.1 (chosen on CPUs that support it)"
	want=base
	for v in v2 v3; do
		! "$(interp_of exe)" --help | grep -q "x86-64-$v (supported, searched)" || want=$v
	done
	expect_run $want ./exe
}

# T21, glibc <= 2.36: legacy hwcap subdirectories are probed too.
t21_legacy_hwcaps() {
	"$(interp_of "$(command -v ls)")" --help | grep -q 'Legacy HWCAP' ||
		skip "this glibc has no legacy hwcap subdirectories (>= 2.37)"
	cc_lib base libhw.so.1 d/libhw.so.1
	cc_lib legacy libhw.so.1 d/x86_64/libhw.so.1
	cc_prog exe -Wl,--enable-new-dtags "-Wl,-rpath,$W/d" d/libhw.so.1
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/d/libhw.so.1" "$W/d/x86_64/libhw.so.1"
	expect_image_runs "" legacy "$W/exe"
	expect_run legacy ./exe
}

# T22: a library found only through ROOT/etc/ld.so.cache.
t22_cache() {
	need_cmd ldconfig
	make_glibc_root R
	cc_lib foo libfoo.so.1 R/opt/foo/libfoo.so.1.2.3
	ln -s libfoo.so.1.2.3 R/opt/foo/libfoo.so.1
	cc_lib bar libbar.so.1 bar/libbar.so.1
	echo /opt/foo >R/etc/ld.so.conf
	ldconfig -r "$W/R"
	[ -s R/etc/ld.so.cache ] || fail "ldconfig -r wrote no cache"
	mkdir R/opt/bar
	cp bar/libbar.so.1 R/opt/bar/	# after ldconfig: not in the cache
	cc_prog R/tfoo R/opt/foo/libfoo.so.1
	cc_prog R/tbar bar/libbar.so.1

	step "with the cache"
	sr_list --sysroot R /tfoo
	# The image needs the cache: /opt/foo is not a default directory (T22c).
	expect_list_is $(glibc_base) /tfoo /opt/foo/libfoo.so.1 /opt/foo/libfoo.so.1.2.3 \
		/etc/ld.so.cache
	expect_image_runs R foo /tfoo
	sr_tree --sysroot R /tfoo
	expect_out_has "libfoo.so.1 => /opt/foo/libfoo.so.1 -> /opt/foo/libfoo.so.1.2.3  [ld.so.cache"
	if can_chroot; then
		expect_run foo chroot R /tfoo
		expect_opened_as_loader chroot R /tfoo
	fi
	step "a library added after ldconfig ran"
	sr --list --sysroot R /tbar
	expect_rc 1
	expect_err_has "'/tbar': libbar.so.1: cannot open shared object file"
	! can_chroot ||
		expect_run_fails "libbar.so.1: cannot open shared object file" chroot R /tbar

	step "without the cache"
	rm R/etc/ld.so.cache
	sr --list --sysroot R /tfoo
	expect_rc 1
	expect_err_has "'/tfoo': libfoo.so.1: cannot open shared object file"
	if can_chroot; then
		expect_run_fails "libfoo.so.1: cannot open shared object file" chroot R /tfoo
	fi
}

# T22c: an image made of --list's paths must run the program even when its
# library is found only through the cache (doc/loader-rules.md L11c): the
# cache must then be among the paths.
t22c_cache_image() {
	need_cmd ldconfig
	make_glibc_root R
	cc_lib foo libfoo.so.1 R/opt/foo/libfoo.so.1
	echo /opt/foo >R/etc/ld.so.conf
	ldconfig -r "$W/R"
	cc_prog R/tfoo R/opt/foo/libfoo.so.1
	sr_list --sysroot R /tfoo
	! can_chroot || expect_run foo chroot R /tfoo
	expect_image_runs R foo /tfoo
}

# T23: the same SONAME in two configured directories: the cache's order wins.
t23_cache_dup() {
	need_cmd ldconfig
	make_glibc_root R
	mkdir -p R/etc/sub
	echo 'include /etc/sub/*.conf' >R/etc/ld.so.conf
	echo /libdirB >R/etc/sub/a.conf
	echo /libdirA >R/etc/sub/b.conf
	cc_lib A libdup.so.1 R/libdirA/libdup.so.1
	cc_lib B libdup.so.1 R/libdirB/libdup.so.1
	ldconfig -r "$W/R"
	cc_prog R/exe R/libdirA/libdup.so.1
	sr_list --sysroot R /exe
	expect_list_is $(glibc_base) /exe /libdirB/libdup.so.1 /etc/ld.so.cache
	expect_image_runs R B /exe
	can_chroot || return 0
	expect_run B chroot R /exe
	sr_tree --sysroot R /exe
	expect_opened_as_loader chroot R /exe
}

# T24: the cache compares digits numerically: libfoo.so.01 finds libfoo.so.1.
t24_cache_numeric() {
	need_cmd ldconfig
	make_glibc_root R
	cc_lib foo libfoo.so.01 link/libfoo.so.01
	cc_prog R/exe link/libfoo.so.01
	cc_lib foo libfoo.so.1 R/opt/foo/libfoo.so.1
	echo /opt/foo >R/etc/ld.so.conf
	ldconfig -r "$W/R"
	sr_list --sysroot R /exe
	expect_list_is $(glibc_base) /exe /opt/foo/libfoo.so.1 /etc/ld.so.cache
	expect_image_runs R foo /exe
	can_chroot || return 0
	expect_run foo chroot R /exe
	sr_tree --sysroot R /exe
	expect_opened_as_loader chroot R /exe
}

t25_nodeflib() {
	cc_lib w libw.so.1 d/libw.so.1
	cc_prog exe -Wl,-z,nodefaultlib -Wl,--enable-new-dtags "-Wl,-rpath,$W/d" d/libw.so.1
	readelf -dW exe | grep -q 'Flags:.*NODEFLIB' || fail "fixture: no NODEFLIB"
	sr --list exe
	expect_rc 1
	expect_err_has "'$W/exe': libc.so.6: cannot open shared object file"
	expect_err_lacks "libw.so.1"
	expect_run_fails "libc.so.6: cannot open shared object file" ./exe
}

# T28: the interpreter, at an unusual path, satisfies libc's DT_NEEDED
# ld-linux-x86-64.so.2.
t28_interp_soname() {
	make_glibc_root R
	real_ld=$(chain R "$(interp_of "$(command -v ls)")" | tail -n 1)
	mkdir -p R/opt/ld
	mv "R$real_ld" R/opt/ld/myld.so
	rm -rf R/lib64 R/usr/lib64
	cc -Wl,--dynamic-linker=/opt/ld/myld.so -o R/exe "$srcdir/testdata/hello.c"
	libc=$(ldd "$(command -v ls)" | awk '$1 == "libc.so.6" { print $3 }')
	sr_list --sysroot R /exe
	expect_list_is $(chain "" "$libc") /exe /opt/ld/myld.so
	expect_image_runs R hello /exe
	can_chroot || return 0
	expect_run hello chroot R /exe
	sr_tree --sysroot R /exe
	expect_opened_as_loader chroot R /exe
}

# T31: a setuid program ignores LD_LIBRARY_PATH and a non-trusted $ORIGIN.
t31_secure() {
	cc_lib w libw.so.1 d/libw.so.1
	cc_lib o libo.so.1 lib/libo.so.1 -DFN=o_who
	cc_prog exe d/libw.so.1
	cc_prog exe_origin -Wl,--enable-new-dtags '-Wl,-rpath,$ORIGIN/lib' lib/libo.so.1
	sr_list -L "$W/d" exe
	expect_list_is $(glibc_base) "$W/exe" "$W/d/libw.so.1"
	sr_list exe_origin
	expect_list_is $(glibc_base) "$W/exe_origin" "$W/lib/libo.so.1"
	chmod 4755 exe exe_origin
	sr --list -L "$W/d" exe
	expect_rc 1
	expect_err_has "libw.so.1: cannot open shared object file"
	sr --list exe_origin
	expect_rc 1
	expect_err_has "libo.so.1: cannot open shared object file"
	if [ "$(id -u)" != 0 ] || [ "$(stat -c %u exe)" != 0 ] || ! command -v setpriv >/dev/null ||
	    findmnt -no OPTIONS -T "$W" 2>/dev/null | grep -q nosuid; then
		note "real-loader check skipped: needs root, setpriv and a suid mount"
		return 0
	fi
	chmod 755 "$TD" "$W"
	nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	expect_run_fails "libw.so.1: cannot open shared object file" \
		env "LD_LIBRARY_PATH=$W/d" $nobody ./exe
	expect_run_fails "libo.so.1: cannot open shared object file" $nobody ./exe_origin o_who
	chmod 755 exe_origin
	expect_run o $nobody ./exe_origin o_who
}

t39_same_inode() {
	cc_lib x libx.so.1 A/libx.so.1
	cc_lib stub libxalias.so.1 B/libxalias.so.1 -DFN=stub_who
	cc_lib y liby.so.1 A/liby.so.1 -DFN=y_who B/libxalias.so.1
	rm B/libxalias.so.1
	ln -s ../A/libx.so.1 B/libxalias.so.1
	cc_prog exe -Wl,--disable-new-dtags "-Wl,-rpath,$W/A:$W/B" A/libx.so.1 A/liby.so.1
	sr_list exe
	expect_list_is $(glibc_base) "$W/exe" "$W/A/libx.so.1" "$W/A/liby.so.1" \
		"$W/B/libxalias.so.1"
	expect_image_runs "" x "$W/exe"
	expect_run x ./exe
	sr_tree exe
	expect_opened_as_loader ./exe
	# The real loader opens the alias too (then sees the same inode).
	LD_DEBUG=libs ./exe >/dev/null 2>"$W/debug" || true
	grep -Fq "trying file=$W/B/libxalias.so.1" "$W/debug" ||
		{ cat "$W/debug" >&2; fail "the loader did not open B/libxalias.so.1"; }
}

scenario T01 "SONAME symlink chain: the symlink and the real file" t01_soname_chain
scenario T02 "a root made of --list's paths runs the program" t02_list_makes_a_root
scenario T04 "a wrong-class library earlier in the path is skipped" t04_wrong_class
scenario T05 "a wrong-machine library earlier in the path is skipped" t05_wrong_machine
scenario T08 "RUNPATH is not transitive" t08_runpath_not_transitive
scenario T09 "RPATH is transitive" t09_rpath_transitive
scenario T10 "a library's RUNPATH disables the executable's RPATH" t10_runpath_disables_rpath_chain
scenario T11 "order: RPATH > LD_LIBRARY_PATH (-L) > RUNPATH" t11_order
scenario T12a "\$ORIGIN of a library reached through a file symlink" t12_origin_symlinked_file
scenario T12b "\$ORIGIN of a library reached through a directory symlink" t12_origin_symlinked_dir
scenario T13 "\$ORIGIN of the main program reached through a symlink" t13_origin_main_symlink
scenario T14 "'..' after \$ORIGIN through a directory symlink is physical" t14_dotdot_physical
scenario T15 "DT_NEEDED with \$ORIGIN" t15_needed_origin
scenario T16 "\$LIB as the loader expands it" t16_dst_lib
scenario T17 "breadth-first: the first loader's search wins" t17_bfs_first_loader
scenario T18 "a DT_NEEDED cycle terminates" t18_cycle
scenario T19 "an absolute DT_NEEDED satisfies its SONAME elsewhere" t19_abs_needed_soname
scenario T20 "/etc/ld.so.preload in a root" t20_preload_file
scenario T21a "glibc-hwcaps variant listed with the base file" t21_hwcaps
scenario T21b "legacy hwcap subdirectory listed (glibc <= 2.36)" t21_legacy_hwcaps
scenario T22 "found only through ld.so.cache in a root; not without it" t22_cache
scenario T22c "an image of --list's paths runs a library found via the cache" t22c_cache_image
scenario T23 "the same SONAME in two configured directories" t23_cache_dup
scenario T24 "ld.so.cache keys compare numerically" t24_cache_numeric
scenario T25 "NODEFLIB: a library only in a default directory is not found" t25_nodeflib
scenario T28 "the interpreter satisfies DT_NEEDED ld-linux-x86-64.so.2" t28_interp_soname
scenario T31 "setuid: LD_LIBRARY_PATH and untrusted \$ORIGIN ignored" t31_secure
scenario T39 "the same inode under two names: both paths listed" t39_same_inode
finish
