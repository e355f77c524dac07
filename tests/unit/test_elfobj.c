/*
 * Unit tests for elfobj.  The ELF images are built here, in memory, for each
 * class and byte order, so that every field the loader reads is under the
 * test's control; the corrupt variants check that bad offsets, counts and
 * string indexes give -ENOEXEC and never a crash.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"

#define BASE 0x10000u
#define OFF_PH 0x40u
#define OFF_INTERP 0x180u
#define OFF_DYN 0x200u
#define OFF_STR 0x400u
#define OFF_VN 0x600u
#define SIZE 0x800u

struct img {
	unsigned char b[SIZE];
	bool is64, be;
	size_t nstr;		/* next free byte of the string table */
	size_t ndyn;		/* dynamic entries written */
};

static void put(struct img *im, size_t off, uint64_t v, int width)
{
	for (int i = 0; i < width; i++) {
		int shift = im->be ? (width - 1 - i) * 8 : i * 8;

		im->b[off + (size_t)i] = (unsigned char)(v >> shift);
	}
}

static size_t str(struct img *im, const char *s)
{
	size_t at = im->nstr;

	memcpy(im->b + OFF_STR + at, s, strlen(s) + 1);
	im->nstr += strlen(s) + 1;
	return at;
}

static void dyn(struct img *im, int64_t tag, uint64_t val)
{
	size_t w = im->is64 ? 8 : 4, off = OFF_DYN + im->ndyn * 2 * w;

	put(im, off, (uint64_t)tag, (int)w);
	put(im, off + w, val, (int)w);
	im->ndyn++;
}

/* A program header: type, offset, vaddr, filesz in either layout. */
static void phdr(struct img *im, int i, uint32_t type, uint64_t off, uint64_t sz)
{
	if (im->is64) {
		size_t p = OFF_PH + (size_t)i * 56;

		put(im, p, type, 4);
		put(im, p + 8, off, 8);
		put(im, p + 16, BASE + off, 8);
		put(im, p + 32, sz, 8);
		put(im, p + 40, sz, 8);
	} else {
		size_t p = OFF_PH + (size_t)i * 32;

		put(im, p, type, 4);
		put(im, p + 4, off, 4);
		put(im, p + 8, BASE + off, 4);
		put(im, p + 16, sz, 4);
		put(im, p + 20, sz, 4);
	}
}

/* A dynamic program: PT_LOAD over the whole image, PT_INTERP, PT_DYNAMIC,
 * two DT_NEEDED, SONAME, RUNPATH, FLAGS_1 and a DT_VERNEED on libc.so.6. */
static void build(struct img *im, bool is64, bool be, uint16_t machine)
{
	size_t w = is64 ? 8 : 4;
	size_t n1, n2, son, run, vf, v1, v2;

	memset(im, 0, sizeof(*im));
	im->is64 = is64;
	im->be = be;
	im->nstr = 1;
	memcpy(im->b, ELFMAG, SELFMAG);
	im->b[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	im->b[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	im->b[EI_VERSION] = EV_CURRENT;
	put(im, 16, ET_DYN, 2);
	put(im, 18, machine, 2);
	put(im, 20, EV_CURRENT, 4);
	put(im, 24 + w, OFF_PH, (int)w);		/* e_phoff */
	put(im, 24 + 3 * w + 4, is64 ? 64 : 52, 2);	/* e_ehsize */
	put(im, 24 + 3 * w + 6, is64 ? 56 : 32, 2);	/* e_phentsize */
	put(im, 24 + 3 * w + 8, 3, 2);			/* e_phnum */
	put(im, 24 + 3 * w + 10, is64 ? 64 : 40, 2);	/* e_shentsize */
	phdr(im, 0, PT_LOAD, 0, SIZE);
	phdr(im, 1, PT_INTERP, OFF_INTERP, 28);
	memcpy(im->b + OFF_INTERP, "/lib64/ld-linux-x86-64.so.2", 28);
	phdr(im, 2, PT_DYNAMIC, OFF_DYN, 16 * 2 * w);

	n1 = str(im, "libfoo.so.1");
	n2 = str(im, "libc.so.6");
	son = str(im, "libapp.so");
	run = str(im, "$ORIGIN/../lib");
	vf = n2;
	v1 = str(im, "GLIBC_2.34");
	v2 = str(im, "GLIBC_2.2.5");
	dyn(im, DT_NEEDED, n1);
	dyn(im, DT_NEEDED, n2);
	dyn(im, DT_SONAME, son);
	dyn(im, DT_RUNPATH, run);
	dyn(im, DT_FLAGS_1, DF_1_PIE | DF_1_NODEFLIB);
	dyn(im, DT_STRTAB, BASE + OFF_STR);
	dyn(im, DT_STRSZ, 0x100);
	dyn(im, DT_VERNEED, BASE + OFF_VN);
	dyn(im, DT_VERNEEDNUM, 1);
	dyn(im, DT_NULL, 0);

	/* Elf_Verneed (16 bytes) then two Elf_Vernaux (16 bytes each). */
	put(im, OFF_VN, 1, 2);
	put(im, OFF_VN + 2, 2, 2);
	put(im, OFF_VN + 4, vf, 4);
	put(im, OFF_VN + 8, 16, 4);
	put(im, OFF_VN + 12, 0, 4);
	put(im, OFF_VN + 16 + 6, 2, 2);
	put(im, OFF_VN + 16 + 8, v1, 4);
	put(im, OFF_VN + 16 + 12, 16, 4);
	put(im, OFF_VN + 32 + 4, VER_FLG_WEAK, 2);
	put(im, OFF_VN + 32 + 6, 3, 2);
	put(im, OFF_VN + 32 + 8, v2, 4);
	put(im, OFF_VN + 32 + 12, 0, 4);
}

static struct elfobj *parse_ok(struct img *im)
{
	struct strbuf err = STRBUF_INIT;
	struct elfobj *o = NULL;
	int r = elfobj_parse(im->b, SIZE, NULL, &o, &err);

	if (r < 0)
		fail_msg("parse failed: %s", err.buf);
	strbuf_release(&err);
	return o;
}

static void check_facts(struct elfobj *o, uint16_t machine)
{
	assert_int_equal(o->e_machine, machine);
	assert_string_equal(o->interp, "/lib64/ld-linux-x86-64.so.2");
	assert_true(o->has_dynamic);
	assert_int_equal(o->needed.n, 2);
	assert_string_equal(o->needed.v[0], "libfoo.so.1");
	assert_string_equal(o->needed.v[1], "libc.so.6");
	assert_string_equal(o->soname, "libapp.so");
	assert_string_equal(o->runpath, "$ORIGIN/../lib");
	assert_null(o->rpath);
	assert_true(o->flags_1 & DF_1_NODEFLIB);
	assert_int_equal(o->kind, ELFOBJ_DYNAMIC_EXEC);
	assert_int_equal(o->n_verneed, 1);
	assert_string_equal(o->verneed[0].file, "libc.so.6");
	assert_int_equal(o->verneed[0].versions.n, 2);
	assert_string_equal(o->verneed[0].versions.v[0], "GLIBC_2.34");
	assert_string_equal(o->verneed[0].versions.v[1], "GLIBC_2.2.5");
	assert_int_equal(o->verneed[0].weak.n, 1);
	assert_string_equal(o->verneed[0].weak.v[0], "GLIBC_2.2.5");
}

static void reads_elf64_little_endian(void **state)
{
	struct img im;
	struct elfobj *o;

	build(&im, true, false, EM_X86_64);
	o = parse_ok(&im);
	assert_int_equal(o->ei_class, ELFCLASS64);
	check_facts(o, EM_X86_64);
	elfobj_free(o);
}

static void reads_elf64_big_endian(void **state)
{
	struct img im;
	struct elfobj *o;

	build(&im, true, true, EM_S390);
	o = parse_ok(&im);
	assert_int_equal(o->ei_data, ELFDATA2MSB);
	check_facts(o, EM_S390);
	elfobj_free(o);
}

static void reads_elf32_both_orders(void **state)
{
	struct img im;
	struct elfobj *o;

	build(&im, false, false, EM_386);
	o = parse_ok(&im);
	assert_int_equal(o->ei_class, ELFCLASS32);
	check_facts(o, EM_386);
	elfobj_free(o);
	build(&im, false, true, EM_PPC);
	o = parse_ok(&im);
	check_facts(o, EM_PPC);
	elfobj_free(o);
}

static void needs_no_section_headers(void **state)
{
	struct img im;
	struct elfobj *o;

	/* build() writes e_shoff = e_shnum = 0: everything came from phdrs. */
	build(&im, true, false, EM_AARCH64);
	o = parse_ok(&im);
	assert_int_equal(o->needed.n, 2);
	elfobj_free(o);
}

static void classifies_static_pie_and_shared(void **state)
{
	struct img im;
	struct elfobj *o;

	build(&im, true, false, EM_X86_64);
	put(&im, OFF_PH + 56, PT_NULL, 4);	/* drop PT_INTERP */
	o = parse_ok(&im);
	assert_null(o->interp);
	assert_int_equal(o->kind, ELFOBJ_STATIC_PIE);
	elfobj_free(o);
	put(&im, OFF_DYN + 4 * 16 + 8, 0, 8);	/* DT_FLAGS_1 = 0 */
	o = parse_ok(&im);
	assert_int_equal(o->kind, ELFOBJ_SHARED);
	elfobj_free(o);
	/* An entry point and nothing needed: a loader, musl's libc.so. */
	put(&im, 24, 0x1040, 8);		/* e_entry */
	o = parse_ok(&im);
	assert_int_equal(o->kind, ELFOBJ_SHARED);	/* it still needs two */
	elfobj_free(o);
	put(&im, OFF_DYN, DT_DEBUG, 8);
	put(&im, OFF_DYN + 16, DT_DEBUG, 8);
	o = parse_ok(&im);
	assert_int_equal(o->e_entry, 0x1040);
	assert_int_equal(o->kind, ELFOBJ_SELF);
	elfobj_free(o);
}

static void expect_enoexec(struct img *im, size_t len, const char *reason)
{
	struct strbuf err = STRBUF_INIT;
	struct elfobj *o = NULL;

	assert_int_equal(elfobj_parse(im->b, len, NULL, &o, &err), -ENOEXEC);
	assert_null(o);
	if (!strstr(err.buf, reason))
		fail_msg("reason '%s' does not mention '%s'", err.buf, reason);
	strbuf_release(&err);
}

static void rejects_non_elf_and_truncated(void **state)
{
	struct img im;

	build(&im, true, false, EM_X86_64);
	expect_enoexec(&im, 10, "file too short");
	memcpy(im.b, "#!/bin/sh\n", 10);
	expect_enoexec(&im, SIZE, "not an ELF file");
	build(&im, true, false, EM_X86_64);
	expect_enoexec(&im, 40, "malformed");
	expect_enoexec(&im, 0x100, "malformed");	/* phdrs fit, segments do not */
	im.b[EI_CLASS] = 7;
	expect_enoexec(&im, SIZE, "class");
}

static void rejects_bad_offsets_and_indexes(void **state)
{
	struct img im;

	build(&im, true, false, EM_X86_64);
	put(&im, OFF_DYN + 8, 0xfffff, 8);		/* DT_NEEDED index */
	expect_enoexec(&im, SIZE, "DT_NEEDED");
	build(&im, true, false, EM_X86_64);
	put(&im, OFF_DYN + 5 * 16 + 8, 0x7777777, 8);	/* DT_STRTAB vaddr */
	expect_enoexec(&im, SIZE, "DT_STRTAB");
	build(&im, true, false, EM_X86_64);
	put(&im, OFF_PH + 2 * 56 + 8, 0xffffffff, 8);	/* PT_DYNAMIC offset */
	expect_enoexec(&im, SIZE, "beyond the end");
	build(&im, true, false, EM_X86_64);
	put(&im, OFF_PH + 56 + 32, 0, 8);		/* PT_INTERP filesz 0 */
	expect_enoexec(&im, SIZE, "PT_INTERP");
	build(&im, true, false, EM_X86_64);
	put(&im, OFF_VN + 16 + 8, 0x9999, 4);		/* version name index */
	expect_enoexec(&im, SIZE, "version");
	build(&im, true, false, EM_X86_64);
	put(&im, 24 + 3 * 8 + 8, 60000, 2);		/* e_phnum */
	expect_enoexec(&im, SIZE, "program header");
}

/* Parses LEN bytes of BUF from a file (the tool's way: elfobj_parse_fd) and
 * from memory; both must give the same status (success when OK), and the
 * same facts. */
static void same_from_file_and_memory(const unsigned char *buf, size_t len, bool ok)
{
	struct strbuf e1 = STRBUF_INIT, e2 = STRBUF_INIT;
	struct elfobj *a = NULL, *b = NULL;
	unsigned char *copy = malloc(len);
	int fd = memfd_create("elfobj-test", MFD_CLOEXEC), ra, rb;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	ra = elfobj_parse_fd(fd, NULL, &a, &e1);
	memcpy(copy, buf, len);
	rb = elfobj_parse(copy, len, NULL, &b, &e2);
	assert_int_equal(ra, rb);
	assert_string_equal(e1.buf, e2.buf);
	if (ok)
		assert_int_equal(ra, 0);
	if (ra == 0) {
		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->needed.n, b->needed.n);
		for (size_t i = 0; i < a->needed.n; i++)
			assert_string_equal(a->needed.v[i], b->needed.v[i]);
		assert_int_equal(a->n_verneed, b->n_verneed);
		assert_int_equal(a->load_size, b->load_size);
		assert_true((a->interp && b->interp && !strcmp(a->interp, b->interp)) ||
			    (!a->interp && !b->interp));
	}
	elfobj_free(a);
	elfobj_free(b);
	strbuf_release(&e1);
	strbuf_release(&e2);
	free(copy);
	close(fd);
}

/* The reader takes a file's first kilobytes at once and the rest part by
 * part: whichever side of that line a table or a header lies, or straddles,
 * the file reads as the same bytes in memory do. */
static void reads_a_file_as_memory_whatever_the_layout(void **state)
{
	enum { BIG = 0x9000 };
	unsigned char *big = calloc(1, BIG);
	struct img im;

	(void)state;
	for (int v = 0; v < 4; v++) {
		build(&im, v & 1, v & 2, EM_X86_64);
		same_from_file_and_memory(im.b, SIZE, true);
	}
	/* The image moved up by SHIFT bytes: every part crosses the line at
	 * some SHIFT (offsets and the PT_LOAD follow; the vaddrs stay). */
	for (size_t shift = 0x3000; shift <= 0x4800; shift += 0x80) {
		build(&im, true, false, EM_X86_64);
		put(&im, 24 + 8, OFF_PH + shift, 8);	/* e_phoff */
		for (int i = 0; i < 3; i++) {
			size_t ph = OFF_PH + (size_t)i * 56;
			uint64_t off = 0;

			for (int k = 7; k >= 0; k--)
				off = off << 8 | im.b[ph + 8 + (size_t)k];
			put(&im, ph + 8, off + shift, 8);
		}
		memset(big, 0, BIG);
		memcpy(big + shift, im.b, SIZE);
		memcpy(big, im.b, 64);
		same_from_file_and_memory(big, shift + SIZE, true);
	}
	/* No program headers, their offset at every place around the line. */
	for (size_t off = 0x3f00; off <= 0x4100; off += 8) {
		build(&im, true, false, EM_X86_64);
		put(&im, 24 + 3 * 8 + 8, 0, 2);		/* e_phnum = 0 */
		put(&im, 24 + 8, off, 8);		/* e_phoff */
		memset(big, 0, BIG);
		memcpy(big, im.b, 64);
		same_from_file_and_memory(big, BIG, false);
	}
	free(big);
}

/* Sets the p_flags of program header I. */
static void phdr_flags(struct img *im, int i, uint32_t flags)
{
	put(im, OFF_PH + (size_t)i * (im->is64 ? 56 : 32) + (im->is64 ? 4 : 24), flags, 4);
}

/* R | R+X | R | R+W segments, as ld lays out a -z separate-code file. */
static void four_segments(struct img *im, bool is64, bool be)
{
	build(im, is64, be, is64 ? EM_X86_64 : EM_386);
	put(im, 24 + 3 * (is64 ? 8 : 4) + 8, 5, 2);	/* e_phnum */
	phdr(im, 0, PT_LOAD, 0, 0x100);
	phdr(im, 1, PT_LOAD, 0x100, 0x100);
	phdr(im, 2, PT_LOAD, 0x200, 0x300);
	phdr(im, 3, PT_LOAD, 0x500, 0x300);
	phdr(im, 4, PT_DYNAMIC, OFF_DYN, 16 * 2 * (is64 ? 8 : 4));
	phdr_flags(im, 0, PF_R);
	phdr_flags(im, 1, PF_R | PF_X);
	phdr_flags(im, 2, PF_R);
	phdr_flags(im, 3, PF_R | PF_W);
}

static void read_only_data_is_the_segments_neither_writable_nor_executable(void **state)
{
	struct img *im = malloc(sizeof(*im));
	struct elfobj *o;

	(void)state;
	for (int v = 0; v < 4; v++) {
		four_segments(im, v & 1, v & 2);
		o = parse_ok(im);
		assert_int_equal(o->n_rodata, 2);
		assert_int_equal(o->rodata[0].offset, 0);
		assert_int_equal(o->rodata[0].size, 0x100);
		assert_int_equal(o->rodata[1].offset, 0x200);
		assert_int_equal(o->rodata[1].size, 0x300);
		assert_string_equal(o->needed.v[0], "libfoo.so.1");
		elfobj_free(o);

		/* Without -z separate-code .rodata shares the text segment:
		 * every segment that is not writable is searched. */
		phdr_flags(im, 0, PF_R | PF_X);
		phdr_flags(im, 2, PF_R | PF_X);
		o = parse_ok(im);
		assert_int_equal(o->n_rodata, 3);
		assert_int_equal(o->rodata[2].offset, 0x200);
		elfobj_free(o);
	}
	free(im);
}

static void recognises_scripts(void **state)
{
	char *interp = NULL;

	assert_true(elfobj_is_script("#! /usr/bin/env python3\n", 24, &interp));
	assert_string_equal(interp, "/usr/bin/env");
	free(interp);
	assert_false(elfobj_is_script("\177ELF", 4, &interp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_elf64_little_endian),
		cmocka_unit_test(reads_elf64_big_endian),
		cmocka_unit_test(reads_elf32_both_orders),
		cmocka_unit_test(needs_no_section_headers),
		cmocka_unit_test(classifies_static_pie_and_shared),
		cmocka_unit_test(rejects_non_elf_and_truncated),
		cmocka_unit_test(rejects_bad_offsets_and_indexes),
		cmocka_unit_test(read_only_data_is_the_segments_neither_writable_nor_executable),
		cmocka_unit_test(reads_a_file_as_memory_whatever_the_layout),
		cmocka_unit_test(recognises_scripts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
