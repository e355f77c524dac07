/*
 * Unit tests for strip.  The fixture is written here through libelf with a
 * layout fixed by hand (ELF_F_LAYOUT), for each class and byte order, with
 * the gaps between sections filled with 0xa5 so that "the loaded bytes are
 * identical" covers padding too.  Its section order is the awkward one Go
 * uses: an allocated note after a debug section, so removing the debug
 * section renumbers the note and the kept symbol table must follow.
 *
 *   index  section              offset  in the PT_LOAD [0, 0x1a4)
 *   1      .text                0x100   yes
 *   2      .debug_info          0x200   no
 *   3      .note.gnu.build-id   0x180   yes (also the PT_NOTE)
 *   4      .comment             0x280
 *   5      .symtab              0x290   null, SECTION .debug_info,
 *                                       note_sym (in 3), func (in 1)
 *   6      .strtab              0x300
 *   7      .shstrtab            0x320
 *
 * Then: files without section headers, relocatable objects, garbage and
 * every truncation and corrupted byte of the fixture give an error, never a
 * crash; and a real program of the machine is stripped with its loaded
 * bytes intact.
 *
 * Last, the other use of libdw beside strip's: machine names
 * (elfobj_machine_name) and the $PLATFORM values that follow from them.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"
#include "scratchroot/ldso.h"
#include "scratchroot/root.h"
#include "scratchroot/strip.h"

#define OFF_TEXT 0x100
#define OFF_NOTE 0x180
#define NOTE_SZ 36
#define LOAD_END (OFF_NOTE + NOTE_SZ)
#define OFF_DEBUG 0x200
#define OFF_COMMENT 0x280
#define OFF_SYMTAB 0x290
#define OFF_STRTAB 0x300
#define OFF_SHSTRTAB 0x320
#define OFF_SHDRS 0x400
#define FILL 0xa5

static const char shstrtab[] =
	"\0.text\0.debug_info\0.note.gnu.build-id\0.comment\0.symtab\0.strtab\0.shstrtab"
	"\0.gnu_debuglink"; /* unused, for renaming a section */
static const char strtab[] = "\0note_sym\0func";
static const unsigned char build_id[20] = {
	0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};
#define BUILD_ID_HEX "deadbeef0102030405060708090a0b0c0d0e0f10"

struct buf {
	unsigned char *p;
	size_t len;
};

static size_t name_at(const char *name)
{
	for (size_t i = 0; i < sizeof(shstrtab); i += strlen(shstrtab + i) + 1)
		if (!strcmp(shstrtab + i, name))
			return i;
	fail_msg("no name %s", name);
	return 0;
}

/* An anonymous temporary file (unlinked at once). */
static int tmp_fd(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/test_strip.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static struct buf read_all(int fd)
{
	struct stat st;
	struct buf b;

	assert_int_equal(fstat(fd, &st), 0);
	b.len = (size_t)st.st_size;
	b.p = malloc(b.len + 1);
	assert_non_null(b.p);
	assert_int_equal(pread(fd, b.p, b.len, 0), (ssize_t)b.len);
	return b;
}

static int fd_of(const struct buf *b)
{
	int fd = tmp_fd();

	assert_int_equal(pwrite(fd, b->p, b->len, 0), (ssize_t)b->len);
	return fd;
}

static Elf_Scn *add_section(Elf *e, const char *name, uint32_t type, uint64_t flags,
			    uint64_t off, uint64_t align, void *data, size_t size,
			    Elf_Type dtype)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *d = elf_newdata(scn);
	GElf_Shdr sh;

	assert_non_null(d);
	d->d_buf = data;
	d->d_size = size;
	d->d_type = dtype;
	d->d_align = 1;
	d->d_version = EV_CURRENT;
	assert_non_null(gelf_getshdr(scn, &sh));
	sh.sh_name = (uint32_t)name_at(name);
	sh.sh_type = type;
	sh.sh_flags = flags;
	sh.sh_addr = flags & SHF_ALLOC ? 0x400000 + off : 0;
	sh.sh_offset = off;
	sh.sh_size = elf_getdata(scn, NULL)->d_size;
	sh.sh_addralign = align;
	assert_true(gelf_update_shdr(scn, &sh));
	return scn;
}

static void add_symbols(Elf *e, Elf_Scn *scn, int cls)
{
	static unsigned char mem[4 * sizeof(Elf64_Sym)];
	size_t symsz = cls == ELFCLASS64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	Elf_Data *d = elf_newdata(scn);
	GElf_Sym s[4] = {
		{0},
		{.st_info = GELF_ST_INFO(STB_LOCAL, STT_SECTION), .st_shndx = 2},
		{.st_name = 1,
		 .st_info = GELF_ST_INFO(STB_LOCAL, STT_NOTYPE),
		 .st_shndx = 3,
		 .st_value = 0x400000 + OFF_NOTE},
		{.st_name = 10,
		 .st_info = GELF_ST_INFO(STB_GLOBAL, STT_FUNC),
		 .st_shndx = 1,
		 .st_value = 0x400000 + OFF_TEXT,
		 .st_size = 64},
	};
	GElf_Shdr sh;

	memset(mem, 0, sizeof(mem));
	d->d_buf = mem;
	d->d_size = 4 * symsz;
	d->d_type = ELF_T_SYM;
	d->d_align = 1;
	d->d_version = EV_CURRENT;
	for (int i = 0; i < 4; i++)
		assert_true(gelf_update_sym(d, i, &s[i]));
	assert_non_null(gelf_getshdr(scn, &sh));
	sh.sh_name = (uint32_t)name_at(".symtab");
	sh.sh_type = SHT_SYMTAB;
	sh.sh_offset = OFF_SYMTAB;
	sh.sh_size = 4 * symsz;
	sh.sh_addralign = 8;
	sh.sh_entsize = symsz;
	sh.sh_link = 6;
	sh.sh_info = 3;
	assert_true(gelf_update_shdr(scn, &sh));
}

static void add_phdrs(Elf *e)
{
	GElf_Phdr load = {.p_type = PT_LOAD,
			  .p_flags = PF_R | PF_X,
			  .p_vaddr = 0x400000,
			  .p_paddr = 0x400000,
			  .p_filesz = LOAD_END,
			  .p_memsz = LOAD_END,
			  .p_align = 0x1000};
	GElf_Phdr note = {.p_type = PT_NOTE,
			  .p_flags = PF_R,
			  .p_offset = OFF_NOTE,
			  .p_vaddr = 0x400000 + OFF_NOTE,
			  .p_paddr = 0x400000 + OFF_NOTE,
			  .p_filesz = NOTE_SZ,
			  .p_memsz = NOTE_SZ,
			  .p_align = 4};

	assert_non_null(gelf_newphdr(e, 2));
	assert_true(gelf_update_phdr(e, 0, &load));
	assert_true(gelf_update_phdr(e, 1, &note));
}

/* The fixture for CLS and DATA, as bytes. */
static struct buf make_fixture(int cls, int data)
{
	static unsigned char text[64], debug[100], note[NOTE_SZ];
	static char comment[] = "GCC: test";
	static char shstr[sizeof(shstrtab)], str[sizeof(strtab)];
	uint32_t hdr[3] = {4, sizeof(build_id), NT_GNU_BUILD_ID};
	int fd = tmp_fd();
	Elf *e;
	GElf_Ehdr eh;
	struct buf b;

	memset(text, 0x90, sizeof(text));
	memset(debug, 0x42, sizeof(debug));
	memcpy(note, hdr, sizeof(hdr));
	memcpy(note + 12, "GNU", 4);
	memcpy(note + 16, build_id, sizeof(build_id));
	memcpy(shstr, shstrtab, sizeof(shstrtab));
	memcpy(str, strtab, sizeof(strtab));
	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	assert_non_null(e);
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	elf_fill(FILL);
	assert_non_null(gelf_newehdr(e, cls));
	assert_non_null(gelf_getehdr(e, &eh));
	eh.e_ident[EI_DATA] = (unsigned char)data;
	eh.e_type = ET_EXEC;
	eh.e_machine = data == ELFDATA2MSB ? EM_AARCH64 : EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = 0x400000 + OFF_TEXT;
	eh.e_phoff = gelf_fsize(e, ELF_T_EHDR, 1, EV_CURRENT);
	eh.e_shoff = OFF_SHDRS;
	eh.e_shstrndx = 7;
	assert_true(gelf_update_ehdr(e, &eh));
	add_phdrs(e);
	add_section(e, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, OFF_TEXT, 16,
		    text, sizeof(text), ELF_T_BYTE);
	add_section(e, ".debug_info", SHT_PROGBITS, 0, OFF_DEBUG, 1, debug, sizeof(debug),
		    ELF_T_BYTE);
	add_section(e, ".note.gnu.build-id", SHT_NOTE, SHF_ALLOC, OFF_NOTE, 4, note,
		    sizeof(note), ELF_T_NHDR);
	add_section(e, ".comment", SHT_PROGBITS, SHF_MERGE | SHF_STRINGS, OFF_COMMENT, 1,
		    comment, sizeof(comment), ELF_T_BYTE);
	add_symbols(e, elf_newscn(e), cls);
	add_section(e, ".strtab", SHT_STRTAB, 0, OFF_STRTAB, 1, str, sizeof(str),
		    ELF_T_BYTE);
	add_section(e, ".shstrtab", SHT_STRTAB, 0, OFF_SHSTRTAB, 1, shstr, sizeof(shstr),
		    ELF_T_BYTE);
	assert_true(elf_update(e, ELF_C_WRITE) > 0);
	elf_end(e);
	b = read_all(fd);
	close(fd);
	return b;
}

struct result {
	int ret;
	struct strip_result res;
	struct buf out, dbg;
	char err[256];
};

/* Strips B with mode MODE (sections: SECTIONS; a debug file when LINK). */
static struct result run(const struct buf *b, enum strip_mode mode, bool sections,
			 const char *link)
{
	struct strip_opts o = {mode, sections, -1, link};
	struct strbuf err = STRBUF_INIT;
	struct result r;
	int in = fd_of(b), out = tmp_fd();

	memset(&r, 0, sizeof(r));
	if (link)
		o.debug_fd = tmp_fd();
	r.ret = strip_fd(in, out, &o, &r.res, &err);
	snprintf(r.err, sizeof(r.err), "%s", err.buf);
	strbuf_release(&err);
	r.out = read_all(out);
	/* The input is only read. */
	{
		struct buf again = read_all(in);

		assert_int_equal(again.len, b->len);
		assert_memory_equal(again.p, b->p, b->len);
		free(again.p);
	}
	if (link) {
		r.dbg = read_all(o.debug_fd);
		close(o.debug_fd);
	}
	close(in);
	close(out);
	return r;
}

static void free_result(struct result *r)
{
	free(r->out.p);
	free(r->dbg.p);
}

/* The section names of IMG, joined by spaces. */
static void section_names(const struct buf *img, char *names, size_t size)
{
	Elf *e = elf_memory((char *)img->p, img->len);
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	assert_non_null(e);
	assert_int_equal(elf_getshdrstrndx(e, &shstrndx), 0);
	names[0] = '\0';
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *n;

		assert_non_null(gelf_getshdr(scn, &sh));
		n = elf_strptr(e, shstrndx, sh.sh_name);
		assert_non_null(n);
		snprintf(names + strlen(names), size - strlen(names), "%s%s",
			 *names ? " " : "", n);
	}
	elf_end(e);
}

/* Everything loaded is the input's: [e_ehsize, LOAD_END) byte for byte, and
 * the ELF header but for the section header fields. */
static void same_loaded(const struct buf *in, const struct buf *out)
{
	Elf *a = elf_memory((char *)in->p, in->len),
	    *b = elf_memory((char *)out->p, out->len);
	GElf_Ehdr ea, eb;

	assert_non_null(gelf_getehdr(a, &ea));
	assert_non_null(gelf_getehdr(b, &eb));
	assert_true(out->len >= LOAD_END);
	assert_memory_equal(in->p + ea.e_ehsize, out->p + ea.e_ehsize,
			    LOAD_END - ea.e_ehsize);
	ea.e_shoff = eb.e_shoff;
	ea.e_shnum = eb.e_shnum;
	ea.e_shstrndx = eb.e_shstrndx;
	assert_memory_equal(&ea, &eb, sizeof(ea));
	elf_end(a);
	elf_end(b);
}

/* Symbol I of the .symtab of IMG (which must have one). */
static void symbol(const struct buf *img, int i, GElf_Sym *sym, GElf_Shdr *symtab)
{
	Elf *e = elf_memory((char *)img->p, img->len);
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		assert_non_null(gelf_getshdr(scn, symtab));
		if (symtab->sh_type == SHT_SYMTAB)
			break;
	}
	assert_non_null(scn);
	assert_non_null(gelf_getsym(elf_getdata(scn, NULL), i, sym));
	elf_end(e);
}

static uint32_t crc32_bitwise(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

static const int combos[4][2] = {
	{ELFCLASS64, ELFDATA2LSB},
	{ELFCLASS64, ELFDATA2MSB},
	{ELFCLASS32, ELFDATA2LSB},
	{ELFCLASS32, ELFDATA2MSB},
};

static void strip_all_keeps_loaded_bytes(void **state)
{
	for (int c = 0; c < 4; c++) {
		struct buf in = make_fixture(combos[c][0], combos[c][1]);
		struct result r = run(&in, STRIP_ALL, false, NULL);
		char names[256];

		assert_int_equal(r.ret, 0);
		assert_true(r.res.stripped);
		assert_int_equal(r.res.in_size, in.len);
		assert_int_equal(r.res.out_size, r.out.len);
		assert_true(r.out.len < in.len);
		assert_string_equal(r.res.build_id, BUILD_ID_HEX);
		same_loaded(&in, &r.out);
		section_names(&r.out, names, sizeof(names));
		assert_string_equal(names, ".text .note.gnu.build-id .shstrtab");
		free_result(&r);
		free(in.p);
	}
}

static void strip_debug_renumbers_the_symbol_table(void **state)
{
	for (int c = 0; c < 4; c++) {
		struct buf in = make_fixture(combos[c][0], combos[c][1]);
		struct result r = run(&in, STRIP_DEBUG, false, NULL);
		char names[256];
		GElf_Sym sym;
		GElf_Shdr symtab;

		assert_int_equal(r.ret, 0);
		assert_true(r.res.stripped);
		same_loaded(&in, &r.out);
		section_names(&r.out, names, sizeof(names));
		assert_string_equal(
			names,
			".text .note.gnu.build-id .comment .symtab .strtab .shstrtab");
		/* The section symbol of .debug_info is gone; note_sym follows
		 * the note from index 3 to 2; func stays in .text (1). */
		symbol(&r.out, 1, &sym, &symtab);
		assert_int_equal(symtab.sh_size / symtab.sh_entsize, 3);
		assert_int_equal(symtab.sh_info, 2);
		assert_int_equal(symtab.sh_link, 5);
		assert_int_equal(sym.st_name, 1);
		assert_int_equal(sym.st_shndx, 2);
		symbol(&r.out, 2, &sym, &symtab);
		assert_int_equal(sym.st_name, 10);
		assert_int_equal(sym.st_shndx, 1);
		free_result(&r);
		free(in.p);
	}
}

static void debug_file_and_debuglink(void **state)
{
	for (int c = 0; c < 4; c++) {
		struct buf in = make_fixture(combos[c][0], combos[c][1]);
		struct result r = run(&in, STRIP_ALL, false, "x.debug");
		char names[256];
		unsigned char *link;
		uint32_t crc = crc32_bitwise(r.dbg.p, r.dbg.len), got = 0;
		Elf *e;
		Elf_Scn *scn;
		GElf_Shdr sh;

		assert_int_equal(r.ret, 0);
		same_loaded(&in, &r.out);
		section_names(&r.out, names, sizeof(names));
		assert_string_equal(names,
				    ".text .note.gnu.build-id .shstrtab .gnu_debuglink");
		/* "x.debug\0", then the CRC of the debug file in the file's order. */
		e = elf_memory((char *)r.out.p, r.out.len);
		scn = elf_getscn(e, 4);
		assert_non_null(gelf_getshdr(scn, &sh));
		assert_int_equal(sh.sh_size, 12);
		link = r.out.p + sh.sh_offset;
		assert_memory_equal(link, "x.debug\0", 8);
		for (int k = 0; k < 4; k++)
			got |= (uint32_t)link[8 + k]
			       << (combos[c][1] == ELFDATA2MSB ? 24 - 8 * k : 8 * k);
		assert_int_equal(got, crc);
		elf_end(e);
		/* The debug file: every section, same indexes; the removed ones
		 * with their bytes, the loaded ones NOBITS but for the note. */
		section_names(&r.dbg, names, sizeof(names));
		assert_string_equal(names,
				    ".text .debug_info .note.gnu.build-id .comment "
				    ".symtab .strtab .shstrtab");
		e = elf_memory((char *)r.dbg.p, r.dbg.len);
		assert_non_null(gelf_getshdr(elf_getscn(e, 1), &sh));
		assert_int_equal(sh.sh_type, SHT_NOBITS);
		assert_non_null(gelf_getshdr(elf_getscn(e, 2), &sh));
		assert_int_equal(sh.sh_type, SHT_PROGBITS);
		assert_memory_equal(r.dbg.p + sh.sh_offset, in.p + OFF_DEBUG, 100);
		assert_non_null(gelf_getshdr(elf_getscn(e, 3), &sh));
		assert_int_equal(sh.sh_type, SHT_NOTE);
		assert_memory_equal(r.dbg.p + sh.sh_offset, in.p + OFF_NOTE, NOTE_SZ);
		elf_end(e);
		free_result(&r);
		free(in.p);
	}
}

static void strip_sections_leaves_the_floor(void **state)
{
	for (int c = 0; c < 4; c++) {
		struct buf in = make_fixture(combos[c][0], combos[c][1]);
		struct result r = run(&in, STRIP_ALL, true, NULL), again;
		Elf *e;
		GElf_Ehdr eh;
		char id[41];
		int fd;

		assert_int_equal(r.ret, 0);
		assert_int_equal(r.out.len, LOAD_END);
		same_loaded(&in, &r.out);
		e = elf_memory((char *)r.out.p, r.out.len);
		assert_non_null(gelf_getehdr(e, &eh));
		assert_int_equal(eh.e_shoff, 0);
		assert_int_equal(eh.e_shnum, 0);
		assert_int_equal(eh.e_shstrndx, SHN_UNDEF);
		elf_end(e);
		/* The build-id is still read, from the PT_NOTE. */
		fd = fd_of(&r.out);
		assert_int_equal(strip_build_id(fd, id), 0);
		assert_string_equal(id, BUILD_ID_HEX);
		close(fd);
		/* No section headers: refused, and OUT is left empty. */
		again = run(&r.out, STRIP_ALL, false, "x.debug");
		assert_int_equal(again.ret, -ENOTSUP);
		assert_non_null(strstr(again.err, "no section headers"));
		assert_int_equal(again.out.len, 0);
		assert_int_equal(again.dbg.len, 0);
		free_result(&again);
		free_result(&r);
		free(in.p);
	}
}

static void nothing_to_remove_leaves_out_untouched(void **state)
{
	struct buf in = make_fixture(ELFCLASS64, ELFDATA2LSB);
	struct result r = run(&in, STRIP_ALL, false, NULL),
		      twice = run(&r.out, STRIP_ALL, false, NULL);
	struct result none = run(&in, STRIP_NONE, true, NULL);

	assert_int_equal(twice.ret, 0);
	assert_false(twice.res.stripped);
	assert_int_equal(twice.res.out_size, (off_t)r.out.len);
	assert_int_equal(twice.out.len, 0);
	assert_int_equal(none.ret, 0);
	assert_false(none.res.stripped);
	assert_int_equal(none.res.out_size, (off_t)in.len);
	assert_int_equal(none.out.len, 0);
	free_result(&r);
	free_result(&twice);
	free_result(&none);
	free(in.p);
}

static void refuses_what_it_cannot_strip(void **state)
{
	struct buf in = make_fixture(ELFCLASS64, ELFDATA2LSB);
	struct buf garbage = {(unsigned char *)strdup("#!/bin/sh\necho not ELF\n"), 23};
	struct buf empty = {(unsigned char *)strdup(""), 0};
	struct result r;
	struct strbuf err = STRBUF_INIT;
	struct strip_opts o = {STRIP_ALL, false, -1, NULL};
	struct strip_result res;
	int dir = open(".", O_RDONLY | O_DIRECTORY), out = tmp_fd();

	r = run(&garbage, STRIP_ALL, false, NULL);
	assert_int_equal(r.ret, -ENOEXEC);
	assert_non_null(strstr(r.err, "not an ELF file"));
	assert_int_equal(r.out.len, 0);
	free_result(&r);
	r = run(&empty, STRIP_ALL, false, NULL);
	assert_int_equal(r.ret, -ENOEXEC);
	free_result(&r);
	/* A relocatable object (e_type 1, little-endian at offset 16). */
	in.p[16] = ET_REL;
	r = run(&in, STRIP_ALL, false, NULL);
	assert_int_equal(r.ret, -ENOTSUP);
	assert_int_equal(r.out.len, 0);
	free_result(&r);
	/* A non-allocated section inside the loaded range cannot go. */
	/* A non-allocated section inside the loaded range cannot go: move
	 * .comment (ELF64 sh_offset: header 4, byte 24) to 0x110, in .text. */
	in.p[16] = ET_EXEC;
	in.p[OFF_SHDRS + 4 * 64 + 24] = 0x10;
	in.p[OFF_SHDRS + 4 * 64 + 25] = 0x01;
	r = run(&in, STRIP_ALL, false, NULL);
	assert_int_equal(r.ret, -ENOTSUP);
	assert_non_null(strstr(r.err, ".comment"));
	assert_int_equal(r.out.len, 0);
	free_result(&r);
	assert_true(dir >= 0);
	assert_int_equal(strip_fd(dir, out, &o, &res, &err), -EISDIR);
	close(dir);
	close(out);
	strbuf_release(&err);
	free(in.p);
	free(garbage.p);
	free(empty.p);
}

/* A crafted file whose symbol table is named .gnu_debuglink: that is no
 * place for the link to the debug file (its contents are symbols, rewritten
 * on their own), so the file is refused rather than half-linked. */
static void a_debuglink_that_is_not_progbits(void **state)
{
	struct buf in = make_fixture(ELFCLASS64, ELFDATA2LSB);
	size_t name = name_at(".gnu_debuglink");
	unsigned char *sh_name = in.p + OFF_SHDRS + 5 * 64; /* .symtab's */
	struct result r;

	for (int k = 0; k < 4; k++)
		sh_name[k] = (unsigned char)(name >> 8 * k);
	r = run(&in, STRIP_DEBUG, false, "x.debug");
	assert_int_equal(r.ret, -ENOTSUP);
	assert_non_null(strstr(r.err, ".gnu_debuglink"));
	assert_int_equal(r.out.len, 0);
	assert_int_equal(r.dbg.len, 0);
	free_result(&r);
	free(in.p);
}

/* Every truncation and every byte set to 0 or 0xff in the headers: an
 * answer, never a crash (the sanitizer build checks the "never"). */
static void survives_corruption(void **state)
{
	for (int c = 0; c < 4; c += 3) {
		struct buf in = make_fixture(combos[c][0], combos[c][1]);
		struct buf b = {malloc(in.len), 0};

		for (size_t len = 0; len < in.len; len += 3) {
			struct result r;

			memcpy(b.p, in.p, len);
			b.len = len;
			r = run(&b, STRIP_ALL, false, "x.debug");
			assert_true(r.ret == 0 || r.ret == -ENOEXEC || r.ret == -ENOTSUP);
			free_result(&r);
		}
		for (size_t i = 0; i < in.len; i++) {
			if (i >= 0x100 && i < OFF_SHDRS)
				continue; /* section contents */
			for (int v = 0; v < 2; v++) {
				struct result r;

				memcpy(b.p, in.p, in.len);
				b.len = in.len;
				b.p[i] = v ? 0xff : 0;
				r = run(&b, v ? STRIP_DEBUG : STRIP_ALL, i & 1,
					"x.debug");
				assert_true(r.ret == 0 || r.ret == -ENOEXEC ||
					    r.ret == -ENOTSUP);
				free_result(&r);
			}
		}
		free(b.p);
		free(in.p);
	}
}

/* A real program of this machine, if there is one. */
static void strips_a_real_program(void **state)
{
	static const char *const paths[] = {"/usr/bin/true", "/bin/true"};
	struct buf in = {NULL, 0};
	struct result r;
	Elf *e;
	size_t phnum;

	for (size_t i = 0; i < 2 && !in.p; i++) {
		int fd = open(paths[i], O_RDONLY);

		if (fd >= 0) {
			in = read_all(fd);
			close(fd);
		}
	}
	if (!in.p) {
		print_message("# no /usr/bin/true here: nothing to check\n");
		return;
	}
	r = run(&in, STRIP_ALL, true, NULL);
	assert_int_equal(r.ret, 0);
	assert_true(r.out.len <= in.len);
	e = elf_memory((char *)in.p, in.len);
	assert_int_equal(elf_getphdrnum(e, &phnum), 0);
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		assert_non_null(gelf_getphdr(e, (int)i, &ph));
		if (ph.p_type != PT_LOAD || !ph.p_filesz)
			continue;
		assert_true(ph.p_offset + ph.p_filesz <= r.out.len);
		if (ph.p_offset == 0) /* the ELF header's e_sh* fields change */
			continue;
		assert_memory_equal(in.p + ph.p_offset, r.out.p + ph.p_offset,
				    ph.p_filesz);
	}
	elf_end(e);
	free_result(&r);
	free(in.p);
}

/* A section of one byte named NAME (an offset in the names), laid out by
 * libelf. */
static void add_byte_section(Elf *e, size_t name, uint32_t type, void *buf, size_t len)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *d = elf_newdata(scn);
	GElf_Shdr sh;

	assert_non_null(d);
	d->d_buf = buf;
	d->d_size = len;
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	d->d_version = EV_CURRENT;
	assert_non_null(gelf_getshdr(scn, &sh));
	sh.sh_name = (uint32_t)name;
	sh.sh_type = type;
	sh.sh_addralign = 1;
	assert_true(gelf_update_shdr(scn, &sh));
}

/* Past 4096 kept sections the names are not shared (libdw's table search
 * is quadratic): 5000 are written one after the other, and all resolve. */
static void many_sections(void **state)
{
	enum { N = 5000 };
	static unsigned char byte = 1;
	struct strbuf names = STRBUF_INIT;
	size_t *off = calloc(N + 2, sizeof(*off));
	GElf_Phdr load = {.p_type = PT_LOAD, .p_flags = PF_R, .p_align = 0x1000};
	struct buf in, out;
	struct result r;
	GElf_Ehdr eh;
	size_t shstrndx;
	int fd = tmp_fd();
	Elf *e;

	strbuf_addch(&names, '\0');
	for (int i = 0; i < N + 2; i++) {
		off[i] = names.len;
		if (i < N)
			strbuf_addf(&names, ".k%d", i);
		else
			strbuf_addstr(&names, i == N ? ".debug_info" : ".shstrtab");
		strbuf_addch(&names, '\0');
	}
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	assert_non_null(gelf_newehdr(e, ELFCLASS64));
	assert_non_null(gelf_getehdr(e, &eh));
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shstrndx = N + 2;
	assert_true(gelf_update_ehdr(e, &eh));
	assert_non_null(gelf_newphdr(e, 1));
	for (int i = 0; i < N + 1; i++)
		add_byte_section(e, off[i], SHT_PROGBITS, &byte, 1);
	add_byte_section(e, off[N + 1], SHT_STRTAB, names.buf, names.len);
	load.p_filesz = load.p_memsz = 64 + 56; /* the headers */
	assert_true(gelf_update_phdr(e, 0, &load));
	assert_true(elf_update(e, ELF_C_WRITE) > 0);
	elf_end(e);
	in = read_all(fd);
	close(fd);
	r = run(&in, STRIP_DEBUG, false, NULL);
	assert_int_equal(r.ret, 0);
	assert_true(r.res.stripped);
	out = r.out;
	e = elf_memory((char *)out.p, out.len);
	assert_int_equal(elf_getshdrstrndx(e, &shstrndx), 0);
	assert_int_equal(shstrndx, N + 1);
	for (size_t i = 1; i <= N + 1; i++) {
		GElf_Shdr sh;

		assert_non_null(gelf_getshdr(elf_getscn(e, i), &sh));
		assert_string_equal(elf_strptr(e, shstrndx, sh.sh_name),
				    names.buf + off[i <= N ? i - 1 : N + 1]);
	}
	elf_end(e);
	free_result(&r);
	free(in.p);
	free(off);
	strbuf_release(&names);
}

/* Our short names where we have one, libdw's for the other machines it
 * knows, "machine N" past those. */
static void machine_names(void **state)
{
	assert_string_equal(elfobj_machine_name(EM_X86_64), "x86-64");
	assert_string_equal(elfobj_machine_name(EM_AARCH64), "aarch64");
	assert_non_null(dwelf_elf_e_machine_string(EM_SPARCV9));
	assert_string_equal(elfobj_machine_name(EM_SPARCV9),
			    dwelf_elf_e_machine_string(EM_SPARCV9));
	assert_null(dwelf_elf_e_machine_string(0x7777));
	assert_string_equal(elfobj_machine_name(0x7777), "machine 30583");
}

/* $PLATFORM takes no value made of a machine name nobody's loader uses. */
static void no_platform_for_an_unknown_machine(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	struct root *r = NULL;
	struct elfobj prog;
	struct ldso *l;
	uint16_t machines[] = {0x7777, EM_SPARCV9, EM_X86_64};

	snprintf(dir, sizeof(dir), "%s/test_strip.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(root_open(dir, &r, NULL), 0);
	for (int i = 0; i < 3; i++) {
		memset(&prog, 0, sizeof(prog));
		prog.e_machine = machines[i];
		prog.ei_class = ELFCLASS64;
		prog.ei_data = ELFDATA2LSB;
		l = ldso_load(r, "/lib/ld-linux.so.2", &prog, false);
		if (i < 2)
			assert_int_equal(l->platforms.n, 0);
		else
			assert_string_equal(l->platforms.v[0], "x86_64");
		ldso_free(l);
	}
	root_free(r);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strip_all_keeps_loaded_bytes),
		cmocka_unit_test(strip_debug_renumbers_the_symbol_table),
		cmocka_unit_test(debug_file_and_debuglink),
		cmocka_unit_test(strip_sections_leaves_the_floor),
		cmocka_unit_test(nothing_to_remove_leaves_out_untouched),
		cmocka_unit_test(refuses_what_it_cannot_strip),
		cmocka_unit_test(a_debuglink_that_is_not_progbits),
		cmocka_unit_test(survives_corruption),
		cmocka_unit_test(strips_a_real_program),
		cmocka_unit_test(many_sections),
		cmocka_unit_test(machine_names),
		cmocka_unit_test(no_platform_for_an_unknown_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
