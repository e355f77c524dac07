/*
 * Fuzz target: the stripper, strip_fd() from a memfd into another, in each
 * mode (STRIP_NONE, STRIP_DEBUG, STRIP_ALL; section headers kept or not; a
 * debug file or not).  Beyond "no crash", what it promises must hold:
 *
 *   - it answers 0, -ENOEXEC or -ENOTSUP, and writes nothing unless it
 *     answers 0 with stripped set (then out_size is the output's size);
 *   - the output is an ELF file libelf reads, its section headers (if any)
 *     and names readable, each section's bytes (if any) inside the file;
 *   - the ELF header is the input's but for e_shoff, e_shnum, e_shstrndx,
 *     the program headers are the input's byte for byte, and so are the
 *     file bytes of every segment (but for those three header fields);
 *   - a debug file, when written, is an ELF file libelf reads.
 *
 * A broken promise aborts.
 */
#include <config.h>

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/strip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct img {
	unsigned char *p;
	size_t len;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static struct img slurp(int fd)
{
	struct stat st;
	struct img m = {NULL, 0};

	check(fstat(fd, &st) == 0);
	m.len = (size_t)st.st_size;
	m.p = xmalloc(m.len ? m.len : 1);
	check(pread(fd, m.p, m.len, 0) == (ssize_t)m.len);
	return m;
}

/* Whether byte OFF of the file is one of the ELF header fields strip
 * rewrites (e_shoff, e_shnum, e_shstrndx). */
static bool rewritten(int cls, uint64_t off)
{
	size_t o[3], n[3];

	if (cls == ELFCLASS64) {
		o[0] = offsetof(Elf64_Ehdr, e_shoff), n[0] = 8;
		o[1] = offsetof(Elf64_Ehdr, e_shnum), n[1] = 2;
		o[2] = offsetof(Elf64_Ehdr, e_shstrndx), n[2] = 2;
	} else {
		o[0] = offsetof(Elf32_Ehdr, e_shoff), n[0] = 4;
		o[1] = offsetof(Elf32_Ehdr, e_shnum), n[1] = 2;
		o[2] = offsetof(Elf32_Ehdr, e_shstrndx), n[2] = 2;
	}
	for (int k = 0; k < 3; k++)
		if (off >= o[k] && off < o[k] + n[k])
			return true;
	return false;
}

/* [OFF, OFF + LEN) of IN and OUT are the same but for the rewritten
 * header fields. */
static void same_bytes(const struct img *in, const struct img *out, int cls, uint64_t off,
		       uint64_t len)
{
	if (!len)
		return; /* a .bss-only segment's offset may lie past the end */
	check(off <= in->len && len <= in->len - off);
	check(off <= out->len && len <= out->len - off);
	for (uint64_t i = off; i < off + len; i++)
		check(in->p[i] == out->p[i] || rewritten(cls, i));
}

/* The section headers and names of E are readable, and each section's
 * bytes lie inside the file of LEN bytes. */
static void check_sections(Elf *e, size_t len)
{
	size_t shnum, shstrndx;
	Elf_Scn *scn = NULL;

	check(elf_getshdrnum(e, &shnum) == 0);
	if (!shnum)
		return;
	check(elf_getshdrstrndx(e, &shstrndx) == 0);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		check(gelf_getshdr(scn, &sh) != NULL);
		check(elf_strptr(e, shstrndx, sh.sh_name) != NULL);
		/* An empty section may point anywhere (libelf reads it). */
		if (sh.sh_type != SHT_NOBITS && sh.sh_size)
			check(sh.sh_offset <= len && sh.sh_size <= len - sh.sh_offset);
	}
}

static void check_output(const struct img *in, const struct img *out, bool sections)
{
	Elf *a = elf_memory((char *)in->p, in->len),
	    *b = elf_memory((char *)out->p, out->len);
	GElf_Ehdr ea, eb;
	size_t phnum, n, shnum, entsz;
	int cls;

	check(a && b && elf_kind(b) == ELF_K_ELF);
	check(gelf_getehdr(a, &ea) && gelf_getehdr(b, &eb));
	cls = ea.e_ident[EI_CLASS];
	check(elf_getphdrnum(a, &phnum) == 0);
	ea.e_shoff = eb.e_shoff;
	ea.e_shnum = eb.e_shnum;
	ea.e_shstrndx = eb.e_shstrndx;
	check(!memcmp(&ea, &eb, sizeof(ea)));
	same_bytes(in, out, cls, 0, gelf_fsize(a, ELF_T_EHDR, 1, EV_CURRENT));
	entsz = gelf_fsize(a, ELF_T_PHDR, 1, EV_CURRENT);
	if (phnum)
		same_bytes(in, out, cls, ea.e_phoff, phnum * entsz);
	check(elf_getphdrnum(b, &n) == 0 && n == phnum);
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr pa, pb;

		check(gelf_getphdr(a, (int)i, &pa) && gelf_getphdr(b, (int)i, &pb));
		check(!memcmp(&pa, &pb, sizeof(pa)));
		same_bytes(in, out, cls, pa.p_offset, pa.p_filesz);
	}
	check(elf_getshdrnum(b, &shnum) == 0);
	check(!sections || (!shnum && !eb.e_shoff));
	check_sections(b, out->len);
	elf_end(a);
	elf_end(b);
}

static void check_debug(const struct img *dbg)
{
	Elf *e = elf_memory((char *)dbg->p, dbg->len);
	GElf_Ehdr eh;

	check(e && elf_kind(e) == ELF_K_ELF && gelf_getehdr(e, &eh));
	check_sections(e, dbg->len);
	elf_end(e);
}

static void strip_once(int in, const struct img *src, enum strip_mode mode, bool sections,
		       bool debug)
{
	struct strip_opts o = {mode, sections, -1, debug ? "x.debug" : NULL};
	struct strip_result res;
	struct strbuf err = STRBUF_INIT;
	struct img out, dbg = {NULL, 0};
	int fd = memfd_create("out", MFD_CLOEXEC), r;

	check(fd >= 0);
	if (debug)
		check((o.debug_fd = memfd_create("dbg", MFD_CLOEXEC)) >= 0);
	r = strip_fd(in, fd, &o, &res, &err);
	check(r == 0 || r == -ENOEXEC || r == -ENOTSUP);
	out = slurp(fd);
	if (debug)
		dbg = slurp(o.debug_fd);
	if (r == 0 && res.stripped) {
		check(res.out_size == (off_t)out.len && res.in_size == (off_t)src->len);
		check_output(src, &out, sections);
		if (dbg.len)
			check_debug(&dbg);
	} else {
		check(!out.len && !dbg.len);
	}
	free(out.p);
	free(dbg.p);
	if (debug)
		close(o.debug_fd);
	close(fd);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		enum strip_mode mode;
		bool sections, debug;
	} runs[] = {
		{STRIP_NONE, false, false},  {STRIP_ALL, false, false},
		{STRIP_ALL, true, false},    {STRIP_ALL, false, true},
		{STRIP_DEBUG, false, false}, {STRIP_DEBUG, true, true},
		{STRIP_DEBUG, false, true},
	};
	struct img src = {xmalloc(size ? size : 1), size};
	int in = memfd_create("in", MFD_CLOEXEC);

	memcpy(src.p, data, size);
	if (elf_version(EV_CURRENT) != EV_NONE && in >= 0 &&
	    write(in, data, size) == (ssize_t)size)
		for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
			strip_once(in, &src, runs[i].mode, runs[i].sections,
				   runs[i].debug);
	if (in >= 0)
		close(in);
	free(src.p);
	return 0;
}
