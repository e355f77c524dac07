/*
 * Unit tests for gofacts.  The Go programs are built here, in memory, for
 * each pclntab layout (Go 1.16, 1.18, 1.20 and the 1.2 one that is not
 * read), each class and byte order, and each way the table is found: by
 * its section, through runtime.firstmoduledata, by a search of the loaded
 * data, with and without section headers.  The layout, offsets from the
 * file's start (virtual addresses are BASE + offset):
 *
 *   0x000  ELF header, program headers (PT_LOAD R, PT_LOAD RW, PT_GNU_RELRO)
 *   0x200  section headers: null, .shstrtab, the pclntab's, .go.buildinfo,
 *          .noptrdata
 *   0x600  .shstrtab
 *   0x1000 the first segment: LEAD bytes, then the pclntab (pcHeader,
 *          function names, cutab, filetab, pctab, pcln)
 *   D      the data segment (D: the page after the pclntab): .go.buildinfo,
 *          then at D + MD_AT runtime.firstmoduledata
 *
 * Then the window of the name scan is crossed (a name cut by it, one longer
 * than it, one without its NUL at the table's end), and every truncation,
 * corrupted byte and hostile offset gives an answer, never a crash.
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

#include "scratchroot/gofacts.h"

#define BASE 0x400000u
#define OFF_SH 0x200u
#define OFF_SHSTR 0x600u
#define OFF_SEG 0x1000u
#define DATA_SIZE 0x4000u
#define MD_AT 0x3800u

enum where {
	IN_GOPCLNTAB,		/* section .gopclntab */
	IN_RELRO_SECTION,	/* .data.rel.ro.gopclntab, as internal PIE links */
	UNNAMED,		/* in .data.rel.ro (external PIE links) */
};

struct spec {
	bool is32, be;
	uint32_t magic;
	enum where where;
	bool moduledata;	/* write runtime.firstmoduledata */
	bool relro;		/* the pclntab in a RW segment under PT_GNU_RELRO */
	bool no_sections;	/* e_shoff, e_shnum, e_shstrndx zero */
	bool one_rw;		/* the pclntab and the data in one RW segment,
				 * RELRO over the first part (GNU ld's PIE) */
	uint64_t lead;		/* bytes before the pclntab in its segment */
	const char *names;	/* the function-name table (NULs inside) ... */
	size_t names_len;	/* ... of this many bytes */
	const char *version;
	const char *modinfo;	/* lines, without the sentinels */
	unsigned char flags;	/* .go.buildinfo byte 15 */
};

struct img {
	unsigned char *b;
	size_t size;
	bool is64, be;
	uint64_t pcln_off, pcln_size, data_off, bi_size, nameoff, cuoff;
};

/* Names of the default program: one of each watched package but tzdata. */
static const char default_names[] =
	"runtime.main\0crypto/x509.(*CertPool).AddCert\0net.(*Resolver).LookupHost\0"
	"os/user.Current\0time.LoadLocation\0main.main\0";

static const char default_modinfo[] =
	"path\texample.com/app\n"
	"mod\texample.com/app\t(devel)\t\n"
	"dep\tgolang.org/x/sys\tv0.5.0\th1:abc=\n"
	"dep\texample.com/local\tv1.2.3\n"
	"=>\t../local\t(devel)\t\n"
	"build\t-compiler=gc\n"
	"build\tCGO_ENABLED=0\n"
	"build\tGOOS=linux\n";

static struct spec default_spec(uint32_t magic)
{
	return (struct spec){ .magic = magic, .where = IN_GOPCLNTAB, .moduledata = true,
			      .names = default_names,
			      .names_len = sizeof(default_names) - 1,
			      .version = "go1.21.4", .modinfo = default_modinfo,
			      .flags = 2 };
}

static void put(struct img *im, uint64_t off, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++) {
		size_t shift = im->be ? (width - 1 - i) * 8 : i * 8;

		im->b[off + i] = (unsigned char)(v >> shift);
	}
}

/* Field F of the ELF structure TYPE at AT, by its name in either class. */
#define OFFSET(im, type, f) \
	((im)->is64 ? offsetof(Elf64_##type, f) : offsetof(Elf32_##type, f))
#define WIDTH(im, type, f) \
	((im)->is64 ? sizeof(((Elf64_##type *)0)->f) : sizeof(((Elf32_##type *)0)->f))
#define FIELD(im, type, at, f, v) \
	put(im, (at) + OFFSET(im, type, f), v, WIDTH(im, type, f))
#define EHSZ(im) ((im)->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))
#define PHSZ(im) ((im)->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr))
#define SHSZ(im) ((im)->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr))

static uint64_t align(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static void phdr(struct img *im, int i, uint32_t type, uint32_t flags, uint64_t off,
		 uint64_t size)
{
	uint64_t at = EHSZ(im) + (uint64_t)i * PHSZ(im);

	FIELD(im, Phdr, at, p_type, type);
	FIELD(im, Phdr, at, p_flags, flags);
	FIELD(im, Phdr, at, p_offset, off);
	FIELD(im, Phdr, at, p_vaddr, BASE + off);
	FIELD(im, Phdr, at, p_paddr, BASE + off);
	FIELD(im, Phdr, at, p_filesz, size);
	FIELD(im, Phdr, at, p_memsz, size);
	FIELD(im, Phdr, at, p_align, 0x1000);
}

static void shdr(struct img *im, int i, uint32_t name, uint32_t type, uint64_t flags,
		 uint64_t off, uint64_t size)
{
	uint64_t at = OFF_SH + (uint64_t)i * SHSZ(im);

	FIELD(im, Shdr, at, sh_name, name);
	FIELD(im, Shdr, at, sh_type, type);
	FIELD(im, Shdr, at, sh_flags, flags);
	FIELD(im, Shdr, at, sh_addr, flags & SHF_ALLOC ? BASE + off : 0);
	FIELD(im, Shdr, at, sh_offset, off);
	FIELD(im, Shdr, at, sh_size, size);
	FIELD(im, Shdr, at, sh_addralign, 1);
}

/* The pcHeader and its tables at pcln_off; sets pcln_size, nameoff, cuoff. */
static void pclntab(struct img *im, const struct spec *s)
{
	unsigned ptr = im->is64 ? 8 : 4, k = s->magic == 0xfffffffa ? 2 : 3;
	uint64_t hdr = 8 + (k + 5) * ptr, at = im->pcln_off;
	uint64_t cu, file, pc, pcln, w[8] = { 3, 1, BASE + OFF_SEG, 0, 0, 0, 0, 0 };

	im->nameoff = align(hdr, 32);
	cu = align(im->nameoff + s->names_len, 8);
	file = cu + 8;
	pc = file + 8;
	pcln = pc + 8;
	im->cuoff = cu;
	w[k] = im->nameoff;
	w[k + 1] = cu;
	w[k + 2] = file;
	w[k + 3] = pc;
	w[k + 4] = pcln;
	put(im, at, s->magic, 4);
	im->b[at + 6] = 1;	/* quantum */
	im->b[at + 7] = (unsigned char)ptr;
	for (unsigned i = 0; i < k + 5; i++)
		put(im, at + 8 + i * ptr, w[i], ptr);
	memcpy(im->b + at + im->nameoff, s->names, s->names_len);
	memcpy(im->b + at + file, "a.go", 5);
	im->pcln_size = pcln + 32;
}

static size_t uvarint_put(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	for (; v >= 0x80; v >>= 7)
		p[n++] = (unsigned char)(v | 0x80);
	p[n++] = (unsigned char)v;
	return n;
}

/* .go.buildinfo at data_off; sets bi_size. */
static void buildinfo(struct img *im, const struct spec *s)
{
	unsigned char *p = im->b + im->data_off, *q;
	size_t vl = strlen(s->version), ml = strlen(s->modinfo);

	memcpy(p, "\xff Go buildinf:", 14);
	p[14] = im->is64 ? 8 : 4;
	p[15] = s->flags | (im->be ? 1 : 0);
	q = p + 32;
	q += uvarint_put(q, vl);
	memcpy(q, s->version, vl);
	q += vl;
	q += uvarint_put(q, ml + 32);
	memset(q, 0x30, 16);	/* the sentinels' bytes do not matter here */
	memcpy(q + 16, s->modinfo, ml);
	memset(q + 16 + ml, 0xf2, 16);
	im->bi_size = (uint64_t)(q + 32 + ml - p);
}

/* The first ten words of runtime.firstmoduledata at AT, for the pcHeader
 * at virtual address P. */
static void moduledata_at(struct img *im, uint64_t at, uint64_t p)
{
	unsigned ws = im->is64 ? 8 : 4;
	uint64_t names = im->cuoff - im->nameoff;
	uint64_t w[10] = { p, p + im->nameoff, names, names, p + im->cuoff, 8, 8,
			   p + im->cuoff + 8, 8, 8 };

	for (unsigned i = 0; i < 10; i++)
		put(im, at + i * ws, w[i], ws);
}

static void headers(struct img *im, const struct spec *s)
{
	static const char shstr[] = "\0.shstrtab\0.gopclntab\0.data.rel.ro.gopclntab\0"
				    ".data.rel.ro\0.go.buildinfo\0.noptrdata";
	/* the offsets of ".gopclntab", ".data.rel.ro.gopclntab", ".data.rel.ro" */
	uint32_t pcln_name = s->where == IN_GOPCLNTAB ? 11
			     : s->where == IN_RELRO_SECTION ? 22 : 45;
	uint32_t pcln_flags = s->relro || s->one_rw ? PF_R | PF_W : PF_R;
	uint64_t seg_end = s->one_rw ? im->size : im->pcln_off + im->pcln_size;

	memcpy(im->b, ELFMAG, SELFMAG);
	im->b[EI_CLASS] = im->is64 ? ELFCLASS64 : ELFCLASS32;
	im->b[EI_DATA] = im->be ? ELFDATA2MSB : ELFDATA2LSB;
	im->b[EI_VERSION] = EV_CURRENT;
	FIELD(im, Ehdr, 0, e_type, ET_EXEC);
	FIELD(im, Ehdr, 0, e_machine, im->is64 ? EM_X86_64 : EM_PPC);
	FIELD(im, Ehdr, 0, e_version, EV_CURRENT);
	FIELD(im, Ehdr, 0, e_phoff, EHSZ(im));
	FIELD(im, Ehdr, 0, e_ehsize, EHSZ(im));
	FIELD(im, Ehdr, 0, e_phentsize, PHSZ(im));
	FIELD(im, Ehdr, 0, e_phnum, 3);
	FIELD(im, Ehdr, 0, e_shentsize, SHSZ(im));
	phdr(im, 0, PT_LOAD, pcln_flags, OFF_SEG, seg_end - OFF_SEG);
	phdr(im, 1, s->one_rw ? PT_NOTE : PT_LOAD, PF_R | PF_W, im->data_off, DATA_SIZE);
	phdr(im, 2, s->relro || s->one_rw ? PT_GNU_RELRO : PT_NOTE, PF_R, OFF_SEG,
	     s->relro || s->one_rw ? im->pcln_off + im->pcln_size - OFF_SEG : 0);
	memcpy(im->b + OFF_SHSTR, shstr, sizeof(shstr));
	shdr(im, 1, 1, SHT_STRTAB, 0, OFF_SHSTR, sizeof(shstr));
	shdr(im, 2, pcln_name, SHT_PROGBITS, SHF_ALLOC, im->pcln_off, im->pcln_size);
	shdr(im, 3, 58, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, im->data_off, im->bi_size);
	shdr(im, 4, 72, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, im->data_off + 0x100,
	     DATA_SIZE - 0x100);
	if (!s->no_sections) {
		FIELD(im, Ehdr, 0, e_shoff, OFF_SH);
		FIELD(im, Ehdr, 0, e_shnum, 5);
		FIELD(im, Ehdr, 0, e_shstrndx, 1);
	}
}

static void build(struct img *im, const struct spec *s)
{
	memset(im, 0, sizeof(*im));
	im->is64 = !s->is32;
	im->be = s->be;
	im->pcln_off = OFF_SEG + s->lead;
	im->data_off = align(im->pcln_off + 0x200 + s->names_len, 0x1000);
	im->size = im->data_off + DATA_SIZE;
	im->b = calloc(1, im->size);
	assert_non_null(im->b);
	pclntab(im, s);
	assert_true(im->pcln_off + im->pcln_size <= im->data_off);
	buildinfo(im, s);
	if (s->moduledata)
		moduledata_at(im, im->data_off + MD_AT, BASE + im->pcln_off);
	headers(im, s);
}

static void release(struct img *im)
{
	free(im->b);
	im->b = NULL;
}

/* Reads the first LEN bytes of IM as a file of SIZE bytes. */
static int read_as(const struct img *im, size_t len, uint64_t size, struct gofacts *g,
		   struct strbuf *err)
{
	int fd = memfd_create("gofacts-test", MFD_CLOEXEC), r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, im->b, len), (ssize_t)len);
	r = gofacts_read(fd, size, g, err);
	close(fd);
	return r;
}

static int read_img(const struct img *im, struct gofacts *g)
{
	struct strbuf err = STRBUF_INIT;
	int r = read_as(im, im->size, im->size, g, &err);

	if (r && r != -ENOENT)
		print_message("# gofacts_read: %s\n", err.buf);
	strbuf_release(&err);
	return r;
}

/* The facts of the default program, however it was laid out. */
static void expect_default(const struct img *im)
{
	struct gofacts g;

	assert_int_equal(read_img(im, &g), 0);
	assert_string_equal(g.version, "go1.21.4");
	assert_string_equal(g.path, "example.com/app");
	assert_string_equal(g.main_module, "example.com/app");
	assert_string_equal(g.main_version, "(devel)");
	assert_int_equal(g.deps.n, 2);
	assert_string_equal(g.deps.v[0], "golang.org/x/sys@v0.5.0");
	assert_string_equal(g.deps.v[1], "example.com/local@v1.2.3");
	assert_int_equal(g.cgo, 0);
	assert_true(g.x509 && g.net && g.user && g.loadlocation);
	assert_false(g.tzdata);
	gofacts_release(&g);
	assert_null(g.version);
	assert_int_equal(g.deps.n, 0);
}

static const uint32_t layouts[] = { 0xfffffffa, 0xfffffff0, 0xfffffff1 };

static void reads_each_layout_by_its_section(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		for (int v = 0; v < 4; v++) {
			struct spec s = default_spec(layouts[i]);
			struct img im;

			s.is32 = v & 1;
			s.be = v & 2;
			s.moduledata = false;
			build(&im, &s);
			expect_default(&im);
			s.where = IN_RELRO_SECTION;
			s.relro = true;
			release(&im);
			build(&im, &s);
			expect_default(&im);
			release(&im);
		}
}

/* An externally linked PIE keeps no pclntab section: moduledata leads to
 * it, else the search finds it (RELRO first, or the read-only segment). */
static void finds_the_table_without_its_section(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		for (int v = 0; v < 16; v++) {
			struct spec s = default_spec(layouts[i]);
			struct img im;

			s.where = UNNAMED;
			s.is32 = v & 1;
			s.be = v & 2;
			s.moduledata = v & 4;
			s.relro = v & 8;
			build(&im, &s);
			expect_default(&im);
			release(&im);
			s.relro = false;
			s.one_rw = true;
			build(&im, &s);
			expect_default(&im);
			release(&im);
		}
}

/* A pcHeader found by the search across the end of its 1 MiB window. */
static void finds_a_header_across_the_window(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct spec s = default_spec(0xfffffff1);
		struct img im;

		s.where = UNNAMED;
		s.moduledata = false;
		s.lead = (1u << 20) - 40 + 4 * (unsigned)v;
		build(&im, &s);
		expect_default(&im);
		release(&im);
	}
}

/* Without section headers the build information is found in the writable
 * data, the table through moduledata or by the search. */
static void reads_a_file_without_section_headers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		for (int v = 0; v < 8; v++) {
			struct spec s = default_spec(layouts[i]);
			struct img im;

			s.no_sections = true;
			s.is32 = v & 1;
			s.moduledata = v & 2;
			s.relro = v & 4;
			build(&im, &s);
			expect_default(&im);
			/* and with e_shoff beyond the end, as when cut off */
			FIELD(&im, Ehdr, 0, e_shoff, im.size + 4096);
			FIELD(&im, Ehdr, 0, e_shnum, 5);
			expect_default(&im);
			release(&im);
		}
}

/* The Go 1.2-1.15 layout and unknown magics: the names are still found,
 * by the search of the whole file the old reader made. */
static void an_unread_layout_searches_the_whole_file(void **state)
{
	static const uint32_t others[] = { 0xfffffffb, 0x12345678 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct spec s = default_spec(others[i]);
		struct img im;

		build(&im, &s);
		expect_default(&im);
		s.where = UNNAMED;
		release(&im);
		build(&im, &s);
		expect_default(&im);
		release(&im);
	}
}

static void reads_the_build_information(void **state)
{
	struct spec s = default_spec(0xfffffff1);
	struct gofacts g;
	struct img im;

	(void)state;
	s.modinfo = "path\tcmd/x\nbuild\tCGO_ENABLED=1\ndep\tno/version\n"
		    "mod\tm\nmod\tsecond\tv2\n";
	build(&im, &s);
	assert_int_equal(read_img(&im, &g), 0);
	assert_string_equal(g.path, "cmd/x");
	assert_int_equal(g.cgo, 1);
	assert_int_equal(g.deps.n, 1);
	assert_string_equal(g.deps.v[0], "no/version");
	assert_string_equal(g.main_module, "m");
	assert_null(g.main_version);
	gofacts_release(&g);
	release(&im);

	/* No CGO_ENABLED line, no module information at all. */
	s.modinfo = "";
	build(&im, &s);
	assert_int_equal(read_img(&im, &g), 0);
	assert_string_equal(g.version, "go1.21.4");
	assert_null(g.path);
	assert_null(g.main_module);
	assert_int_equal(g.cgo, -1);
	assert_true(g.x509);
	gofacts_release(&g);
	release(&im);

	/* The pre-1.18 pointer format: a Go program, its version not read. */
	s = default_spec(0xfffffffa);
	s.flags = 0;
	build(&im, &s);
	assert_int_equal(read_img(&im, &g), 0);
	assert_null(g.version);
	assert_true(g.user);
	gofacts_release(&g);
	release(&im);
}

/* A watched name cut by the end of the 1 MiB window, a name longer than
 * the window (judged by its start once its NUL comes), and one without its
 * NUL at the table's end (not counted, as before). */
static void names_across_the_window(void **state)
{
	enum { MIB = 1 << 20 };
	size_t len = 0, cap = 4 * MIB;
	char *names = calloc(1, cap);
	struct spec s = default_spec(0xfffffff0);
	struct gofacts g;
	struct img im;

	(void)state;
	assert_non_null(names);
	while (len < MIB - 8) {
		size_t n = len + 100 < MIB - 8 ? 99 : MIB - 8 - len - 1;

		memset(names + len, 'a', n);
		len += n + 1;
	}
	memcpy(names + len, "crypto/x509.X", 14);	/* across the window */
	len += 14;
	memcpy(names + len, "os/user.", 8);		/* longer than two windows */
	memset(names + len + 8, 'u', 2 * MIB + 10);
	len += 8 + 2 * MIB + 10 + 1;
	memcpy(names + len, "net.(*Resolver).Y", 18);
	len += 18;
	memcpy(names + len, "time/tzdata.get4", 16);	/* no NUL: the end */
	len += 16;
	s.names = names;
	s.names_len = len;
	build(&im, &s);
	/* cuoff is rounded up: pad with 'z' so that the last name has no NUL */
	memset(im.b + im.pcln_off + im.nameoff + len, 'z', im.cuoff - im.nameoff - len);
	assert_int_equal(read_img(&im, &g), 0);
	assert_true(g.x509 && g.user && g.net);
	assert_false(g.tzdata || g.loadlocation);
	gofacts_release(&g);
	release(&im);
	free(names);
}

static void refuses_what_is_not_a_go_program(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct spec s = default_spec(0xfffffff1);
	struct gofacts g;
	struct img im;

	(void)state;
	build(&im, &s);
	/* No .go.buildinfo among the sections: not Go. */
	memcpy(im.b + OFF_SHSTR + 58, ".go.buildinfX", 13);
	assert_int_equal(read_img(&im, &g), -ENOENT);
	release(&im);
	/* No magic in the writable data of a file without sections. */
	s.no_sections = true;
	build(&im, &s);
	im.b[im.data_off] = 0;
	assert_int_equal(read_img(&im, &g), -ENOENT);
	/* Not ELF, empty, too short for its size. */
	memcpy(im.b, "#!/bin/sh\n", 10);
	assert_int_equal(read_as(&im, im.size, im.size, &g, &err), -ENOEXEC);
	assert_non_null(strstr(err.buf, "not an ELF file"));
	assert_int_equal(read_as(&im, 0, 0, &g, &err), -ENOEXEC);
	release(&im);
	build(&im, &s);
	assert_int_equal(read_as(&im, im.size, im.size + 100, &g, &err), -ENOEXEC);
	assert_non_null(strstr(err.buf, "shorter"));
	release(&im);
	strbuf_release(&err);
}

/* Offsets and sizes that point anywhere: an answer, never a crash. */
static void survives_hostile_offsets(void **state)
{
	struct spec s = default_spec(0xfffffff0);
	uint64_t pcln;
	struct gofacts g;
	struct img im;
	int r;

	(void)state;
	/* funcnameOffset past cuOffset, cuOffset past the section: the whole
	 * file is searched instead, and the names are there. */
	for (int v = 0; v < 2; v++) {
		build(&im, &s);
		pcln = im.pcln_off + 8 + 3 * 8;	/* funcnameOffset */
		put(&im, pcln + 8 * v, v ? UINT64_MAX : im.cuoff + 1, 8);
		expect_default(&im);
		release(&im);
	}
	/* moduledata pointing outside any segment, or to a bogus header. */
	s.where = UNNAMED;
	build(&im, &s);
	put(&im, im.data_off + MD_AT, 0x7fff0000, 8);
	expect_default(&im);
	put(&im, im.data_off + MD_AT, BASE + im.data_off, 8);
	expect_default(&im);
	/* ... or to the right header with the wrong offsets */
	moduledata_at(&im, im.data_off + MD_AT, BASE + im.pcln_off);
	put(&im, im.data_off + MD_AT + 8, BASE + im.pcln_off + im.nameoff + 8, 8);
	put(&im, im.data_off + MD_AT + 16, im.cuoff - im.nameoff - 8, 8);
	put(&im, im.data_off + MD_AT + 24, im.cuoff - im.nameoff - 8, 8);
	expect_default(&im);
	/* ... and more than 64 shapes that lead nowhere before the real one:
	 * the search takes over. */
	moduledata_at(&im, im.data_off + MD_AT, BASE + im.pcln_off);
	for (int i = 0; i < 70; i++)
		moduledata_at(&im, im.data_off + 0x400 + (uint64_t)i * 80,
			      BASE + im.data_off);
	expect_default(&im);
	release(&im);
	/* A version length of 2^63, and modinfo shorter than its sentinels. */
	s = default_spec(0xfffffff1);
	build(&im, &s);
	memcpy(im.b + im.data_off + 32, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 10);
	assert_int_equal(read_img(&im, &g), 0);
	assert_null(g.version);
	gofacts_release(&g);
	/* A varint that never ends: read as 0, an empty version. */
	memset(im.b + im.data_off + 32, 0x80, im.bi_size - 32);
	assert_int_equal(read_img(&im, &g), 0);
	assert_string_equal(g.version, "");
	gofacts_release(&g);
	release(&im);
	s.modinfo = "x";
	build(&im, &s);
	im.b[im.data_off + 32 + 1 + 8] = 20;	/* modinfo length 20 < 33 */
	assert_int_equal(read_img(&im, &g), 0);
	assert_null(g.path);
	gofacts_release(&g);
	release(&im);
	/* Program headers beyond the first 4 KiB; 60000 section headers; a
	 * section name table of 1 GiB. */
	s = default_spec(0xfffffff1);
	build(&im, &s);
	put(&im, offsetof(Elf64_Ehdr, e_phoff), 0x2000, 8);
	assert_int_equal(read_img(&im, &g), -ENOEXEC);
	put(&im, offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr), 8);
	put(&im, offsetof(Elf64_Ehdr, e_shnum), 60000, 2);
	expect_default(&im);	/* read as a file without section headers */
	put(&im, offsetof(Elf64_Ehdr, e_shnum), 5, 2);
	put(&im, OFF_SH + sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_size), 1u << 30,
	    8);
	r = read_img(&im, &g);
	assert_int_equal(r, -ENOENT);	/* no names: no .go.buildinfo */
	release(&im);
}

/* Every truncation, and every byte of the header, section headers and
 * tables set to 0x00 and to 0xff: 0, -ENOENT or -ENOEXEC, never a crash
 * (the sanitizer build checks the reads). */
static void survives_truncation_and_corruption(void **state)
{
	struct spec s = default_spec(0xfffffff0);
	struct strbuf err = STRBUF_INIT;
	struct gofacts g;
	struct img im;
	int r;

	(void)state;
	s.where = UNNAMED;
	build(&im, &s);
	for (size_t len = 0; len <= im.size; len += len < 0x1100 ? 1 : 61) {
		r = read_as(&im, len, len, &g, &err);
		assert_true(r == 0 || r == -ENOENT || r == -ENOEXEC);
		if (r == 0)
			gofacts_release(&g);
	}
	for (size_t at = 0; at < im.size; at += at < 0x1100 ? 1 : 7)
		for (int v = 0; v < 2; v++) {
			unsigned char keep = im.b[at];

			im.b[at] = v ? 0xff : 0x00;
			r = read_as(&im, im.size, im.size, &g, &err);
			assert_true(r == 0 || r == -ENOENT || r == -ENOEXEC);
			if (r == 0)
				gofacts_release(&g);
			im.b[at] = keep;
		}
	release(&im);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_each_layout_by_its_section),
		cmocka_unit_test(finds_the_table_without_its_section),
		cmocka_unit_test(finds_a_header_across_the_window),
		cmocka_unit_test(reads_a_file_without_section_headers),
		cmocka_unit_test(an_unread_layout_searches_the_whole_file),
		cmocka_unit_test(reads_the_build_information),
		cmocka_unit_test(names_across_the_window),
		cmocka_unit_test(refuses_what_is_not_a_go_program),
		cmocka_unit_test(survives_hostile_offsets),
		cmocka_unit_test(survives_truncation_and_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
