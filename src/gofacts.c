/*
 * gofacts: a Go program's build information and watched packages, read in
 * pieces with pread; see gofacts.h.
 *
 * What is read, and where the layouts come from (Go's own sources):
 *
 * .go.buildinfo (src/debug/buildinfo/buildinfo.go): a 32-byte header,
 * 16-byte aligned, that opens with "\xff Go buildinf:"; byte 15 bit 2 marks
 * the Go 1.18+ format, where the version and the module information follow
 * as two varint-prefixed strings.  The module information is lines between
 * two 16-byte sentinels ("path\t", "mod\t", "dep\t", "=>\t", "build\t...").
 * The older pointer format (Go 1.13-1.17) is recognised, not read.
 *
 * The pclntab (src/runtime/symtab.go, pcHeader; src/debug/gosym/
 * pclntab.go): magic, two zero bytes, the instruction quantum, the pointer
 * size, then pointer-sized words.  Three layouts are read:
 *   0xfffffffa  Go 1.16-1.17  nfunc nfiles funcnameOffset cuOffset
 *                             filetabOffset pctabOffset pclnOffset
 *   0xfffffff0  Go 1.18-1.19  nfunc nfiles textStart funcnameOffset ...
 *   0xfffffff1  Go 1.20+      as 1.18 (the change is in the _func records)
 * The function names are the NUL-terminated strings from funcnameOffset to
 * cuOffset, in text order (each function, then those inlined into it, at
 * first use), not sorted: every name is read, until all five are seen.  The
 * Go 1.2-1.15 layout (0xfffffffb) keeps its names among the
 * function records; it, unknown layouts and a pclntab that cannot be found
 * take the slow path of the code this replaces: the whole file searched,
 * window by window, for the watched names as NUL-delimited strings.
 *
 * Finding the pclntab: the section .gopclntab (internal linking, or an
 * external linker that keeps it), .data.rel.ro.gopclntab (internally linked
 * PIE); else, as an externally linked PIE (Debian's docker: the host linker
 * merges it into .data.rel.ro) or a file without section headers needs,
 * runtime.firstmoduledata in the writable data, which points to it; else a
 * search of the loaded data for a pcHeader whose offsets fit: the RELRO part
 * of the writable segments first, where a PIE keeps it, then the read-only
 * segments, the rest, and the code last.
 */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratchroot/gofacts.h"

/* The window the file's tables are read through; fuzz builds make it small
 * (a multiple of 16, 128 bytes at least) so that small inputs cross it. */
#ifndef GOFACTS_WINDOW
#define GOFACTS_WINDOW (1u << 20)
#endif
#define WIN ((size_t)GOFACTS_WINDOW)
_Static_assert(GOFACTS_WINDOW % 16 == 0 && GOFACTS_WINDOW >= 128, "GOFACTS_WINDOW");
#define HEAD 4096u		/* the ELF header and the program headers */
#define MAX_LOAD 128		/* PT_LOAD entries kept (HEAD holds at most 126) */
#define MAX_RANGES (3 * MAX_LOAD)	/* a writable segment: RELRO, a part each side */
#define MAX_SHNUM 4096		/* more section headers than this: not read */
#define MAX_SHSTRTAB (64u << 10)
#define PCLN_HEAD (8 + 8 * 8)	/* the largest pcHeader: 1.18+, 8-byte words */
#define PCLN_MIN 64		/* the smallest pclntab section read (as before) */

static const char bi_magic[] = "\xff Go buildinf:";
#define BI_MAGIC_LEN 14
#define BI_HEADER 32
#define BI_ALIGN 16

enum watch {
	W_X509 = 1, W_NET = 2, W_USER = 4, W_LOADLOC = 8, W_TZDATA = 16, W_ALL = 31
};

static const struct watched {
	const char *prefix;
	size_t len;
	unsigned bit;
} watched_names[] = {
	{ "crypto/x509.", 12, W_X509 },
	/* The resolver, not just net.IP (which crypto/x509 uses too). */
	{ "net.(*Resolver).", 16, W_NET },
	{ "os/user.", 8, W_USER },
	{ "time.LoadLocation", 17, W_LOADLOC },
	{ "time/tzdata.", 12, W_TZDATA },
};

struct seg {
	uint64_t off, filesz;	/* file range, cut at the end of the file */
	uint64_t vaddr;
	uint32_t flags;
};

struct range {
	uint64_t off, end;
};

struct found {
	uint64_t off, size;
	bool ok;
};

struct gofile {
	int fd;
	uint64_t size;
	bool be, is64;
	char head[HEAD];	/* the first head_len bytes, libelf over them */
	size_t head_len;
	Elf *head_elf;
	Elf *elf;		/* libelf over FD for the section headers, or NULL */
	bool has_sections;
	struct found buildinfo, pclntab;
	struct seg load[MAX_LOAD];
	size_t n_load;
	uint64_t relro_off, relro_end;	/* file range of PT_GNU_RELRO */
	unsigned char *win;	/* WIN bytes */
	struct strbuf *err;
};

static int bad(struct gofile *f, const char *what)
{
	return seterr(f->err, -ENOEXEC, "malformed ELF file: %s", what);
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The WIDTH-byte integer at P, in the file's byte order. */
static uint64_t get(const struct gofile *f, const unsigned char *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)p[i] << (f->be ? (width - 1 - i) * 8 : i * 8);
	return v;
}

/* The pointer-sized word at P: the hot loop of the moduledata search. */
static uint64_t word(const struct gofile *f, const unsigned char *p)
{
	bool swap = f->be != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	uint64_t v64;
	uint32_t v32;

	if (f->is64) {
		memcpy(&v64, p, 8);
		return swap ? __builtin_bswap64(v64) : v64;
	}
	memcpy(&v32, p, 4);
	return swap ? __builtin_bswap32(v32) : v32;
}

/* Reads exactly LEN bytes at OFF, which must lie in the file. */
static int read_at(struct gofile *f, void *buf, uint64_t off, size_t len)
{
	char *p = buf;

	if (off > f->size || len > f->size - off)
		return bad(f, "a table lies beyond the end of the file");
	while (len) {
		ssize_t n = pread(f->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return seterr(f->err, -errno, "pread: %s", strerror(errno));
		if (n == 0)
			return bad(f, "the file is shorter than its size");
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- ELF headers ---- */

static void add_segment(struct gofile *f, const GElf_Phdr *ph)
{
	uint64_t avail;

	if (ph->p_offset >= f->size)
		return;
	avail = min64(ph->p_filesz, f->size - ph->p_offset);
	if (ph->p_type == PT_GNU_RELRO) {
		f->relro_off = ph->p_offset;
		f->relro_end = ph->p_offset + avail;
	} else if (ph->p_type == PT_LOAD && avail && f->n_load < MAX_LOAD) {
		f->load[f->n_load++] = (struct seg){ .off = ph->p_offset, .filesz = avail,
						     .vaddr = ph->p_vaddr,
						     .flags = ph->p_flags };
	}
}

/* Whether the section header table is one to read: in the file, of a sane
 * size (libelf allocates for every entry), the entries of this class. */
static bool sections_usable(const struct gofile *f, const GElf_Ehdr *eh)
{
	size_t entsz = gelf_fsize(f->head_elf, ELF_T_SHDR, 1, EV_CURRENT);

	return eh->e_shoff && eh->e_shnum >= 2 && eh->e_shnum <= MAX_SHNUM &&
	       eh->e_shentsize == entsz && eh->e_shoff <= f->size &&
	       (uint64_t)eh->e_shnum * entsz <= f->size - eh->e_shoff;
}

/* The ELF header and program headers from the file's first HEAD bytes (in
 * every real program they follow the ELF header); libelf over the file for
 * the section headers when they are sane. */
static int read_headers(struct gofile *f)
{
	const unsigned char *id = (const unsigned char *)f->head;
	GElf_Ehdr eh;
	size_t phnum;
	int r;

	f->head_len = (size_t)min64(f->size, HEAD);
	if ((r = read_at(f, f->head, 0, f->head_len)) < 0)
		return r;
	if (f->head_len < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return seterr(f->err, -ENOEXEC, "not an ELF file");
	if ((id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) ||
	    (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB))
		return bad(f, "unknown class or byte order");
	f->is64 = id[EI_CLASS] == ELFCLASS64;
	f->be = id[EI_DATA] == ELFDATA2MSB;
	f->head_elf = elf_memory(f->head, f->head_len);
	if (!f->head_elf || elf_kind(f->head_elf) != ELF_K_ELF ||
	    !gelf_getehdr(f->head_elf, &eh))
		return bad(f, "ELF header");
	if (elf_getphdrnum(f->head_elf, &phnum) < 0)
		return bad(f, "program header count");
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(f->head_elf, (int)i, &ph))
			return bad(f, "program headers (not in the first 4 KiB)");
		add_segment(f, &ph);
	}
	if (sections_usable(f, &eh))
		f->elf = elf_begin(f->fd, ELF_C_READ, NULL);
	return 0;
}

/* Whether the section names can be read: libelf reads the whole table. */
static bool names_usable(struct gofile *f, size_t shstrndx)
{
	Elf_Scn *scn = elf_getscn(f->elf, shstrndx);
	GElf_Shdr sh;

	return scn && gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS &&
	       sh.sh_size <= MAX_SHSTRTAB && sh.sh_offset <= f->size &&
	       sh.sh_size <= f->size - sh.sh_offset;
}

static void keep(struct found *s, const GElf_Shdr *sh)
{
	if (!s->ok)
		*s = (struct found){ .off = sh->sh_offset, .size = sh->sh_size,
				     .ok = true };
}

/* The first in-file .go.buildinfo and pclntab sections. */
static void read_sections(struct gofile *f)
{
	size_t shnum, shstrndx;
	Elf_Scn *scn = NULL;

	if (!f->elf || elf_getshdrnum(f->elf, &shnum) < 0 || shnum <= 1)
		return;
	f->has_sections = true;
	if (elf_getshdrstrndx(f->elf, &shstrndx) < 0 || !names_usable(f, shstrndx))
		return;
	while ((scn = elf_nextscn(f->elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
		    sh.sh_offset > f->size || sh.sh_size > f->size - sh.sh_offset ||
		    !(name = elf_strptr(f->elf, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(name, ".go.buildinfo"))
			keep(&f->buildinfo, &sh);
		else if ((!strcmp(name, ".gopclntab") ||
			  !strcmp(name, ".data.rel.ro.gopclntab")) &&
			 sh.sh_size >= PCLN_MIN)
			keep(&f->pclntab, &sh);
	}
}

/* ---- the loaded data, part by part ---- */

enum part { PART_DATA, PART_RELRO, PART_RODATA, PART_TEXT };

/* Appends to OUT the file ranges of the load segments of kind PART, the
 * writable ones cut at PT_GNU_RELRO; returns the new count. */
static size_t add_parts(const struct gofile *f, enum part part, struct range *out,
			size_t n)
{
	for (size_t i = 0; i < f->n_load; i++) {
		const struct seg *s = &f->load[i];
		uint64_t a = s->off, b = s->off + s->filesz;
		uint64_t ra = a > f->relro_off ? a : f->relro_off;
		uint64_t rb = min64(b, f->relro_end);
		bool x = s->flags & PF_X, w = s->flags & PF_W;

		if ((part == PART_TEXT && x) || (part == PART_RODATA && !x && !w) ||
		    (part == PART_DATA && w && !x && ra >= rb)) {
			out[n++] = (struct range){ a, b };
		} else if (part == PART_RELRO && w && !x && ra < rb) {
			out[n++] = (struct range){ ra, rb };
		} else if (part == PART_DATA && w && !x) {
			if (a < ra)
				out[n++] = (struct range){ a, ra };
			if (rb < b)
				out[n++] = (struct range){ rb, b };
		}
	}
	return n;
}

/* The ranges of the N_ORDER kinds in ORDER, in that order, into OUT (room
 * for MAX_RANGES: each segment is of one kind, in three ranges at most). */
static size_t ranges(const struct gofile *f, const enum part *order, size_t n_order,
		     struct range *out)
{
	size_t n = 0;

	for (size_t k = 0; k < n_order; k++)
		n = add_parts(f, order[k], out, n);
	return n;
}

/* ---- .go.buildinfo ---- */

static uint64_t uvarint(const unsigned char **p, const unsigned char *end)
{
	uint64_t v = 0;

	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char b = *(*p)++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	*p = end;
	return 0;
}

/* The module path and version of a "mod\t" or "dep\t" line's rest:
 * "path\tversion\tsum"; *VER is NULL when there is no version. */
static void module_fields(const char *s, size_t n, char **mod, char **ver)
{
	const char *tab = memchr(s, '\t', n), *v, *tab2;

	*ver = NULL;
	*mod = xstrndup(s, tab ? (size_t)(tab - s) : n);
	if (!tab)
		return;
	v = tab + 1;
	n -= (size_t)(v - s);
	tab2 = memchr(v, '\t', n);
	if (tab2 ? tab2 > v : n > 0)
		*ver = xstrndup(v, tab2 ? (size_t)(tab2 - v) : n);
}

static void modinfo_line(const char *l, size_t ll, struct gofacts *g)
{
	static const char cgo[] = "build\tCGO_ENABLED=";
	char *mod, *ver;

	if (ll > 5 && !memcmp(l, "path\t", 5)) {
		if (!g->path)
			g->path = xstrndup(l + 5, ll - 5);
	} else if (ll > 4 && !memcmp(l, "mod\t", 4)) {
		if (!g->main_module)
			module_fields(l + 4, ll - 4, &g->main_module, &g->main_version);
	} else if (ll > 4 && !memcmp(l, "dep\t", 4)) {
		module_fields(l + 4, ll - 4, &mod, &ver);
		if (ver) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addstrs(&sb, mod, "@", ver, (char *)NULL);
			free(mod);
			free(ver);
			mod = strbuf_detach(&sb);
		}
		strlist_take(&g->deps, mod);
	} else if (ll == sizeof(cgo) && !memcmp(l, cgo, sizeof(cgo) - 1) &&
		   (l[ll - 1] == '0' || l[ll - 1] == '1')) {
		g->cgo = l[ll - 1] - '0';
	}
}

/* The Go 1.18+ build information in BUF (LEN bytes): the first 16-aligned
 * header, then the version and the module information. */
static void parse_buildinfo(const char *buf, size_t len, struct gofacts *g)
{
	const unsigned char *p, *end = (const unsigned char *)buf + len;
	const char *at = NULL;

	for (size_t off = 0; len >= BI_HEADER && off <= len - BI_HEADER; off += BI_ALIGN)
		if (!memcmp(buf + off, bi_magic, BI_MAGIC_LEN)) {
			at = buf + off;
			break;
		}
	if (!at || !(at[15] & 2))
		return;	/* absent, or the pre-1.18 pointer format */
	p = (const unsigned char *)at + BI_HEADER;
	for (int i = 0; i < 2 && p < end; i++) {
		uint64_t n = uvarint(&p, end);
		const char *s = (const char *)p;

		if (n > (uint64_t)(end - p))
			return;
		p += n;
		if (i == 0) {
			g->version = xstrndup(s, (size_t)n);
			continue;
		}
		/* modinfo, between two 16-byte sentinels */
		if (n < 33)
			return;
		for (const char *l = s + 16, *e = s + n - 16; l < e;) {
			const char *nl = memchr(l, '\n', (size_t)(e - l));
			size_t ll = nl ? (size_t)(nl - l) : (size_t)(e - l);

			modinfo_line(l, ll, g);
			l += ll + 1;
		}
	}
}

/* The file offset of the first 16-aligned build information magic in the
 * writable data (where the Go linker puts it), or -ENOENT. */
static int find_buildinfo(struct gofile *f, uint64_t *at)
{
	static const enum part order[] = { PART_DATA, PART_RELRO };
	struct range rg[MAX_RANGES];
	size_t n = ranges(f, order, sizeof(order) / sizeof(order[0]), rg);
	int r;

	for (size_t j = 0; j < n; j++) {
		uint64_t pos = align_up(rg[j].off, BI_ALIGN);

		while (pos < rg[j].end && rg[j].end - pos >= BI_MAGIC_LEN) {
			size_t len = (size_t)min64(WIN, rg[j].end - pos), i;

			if ((r = read_at(f, f->win, pos, len)) < 0)
				return r;
			for (i = 0; i + BI_MAGIC_LEN <= len; i += BI_ALIGN)
				if (!memcmp(f->win + i, bi_magic, BI_MAGIC_LEN)) {
					*at = pos + i;
					return 0;
				}
			pos += i;
		}
	}
	return -ENOENT;
}

/* Reads the build information: 0 for a Go program, -ENOENT otherwise.  With
 * section headers only .go.buildinfo is read; without, the writable data is
 * searched for its magic. */
static int read_buildinfo(struct gofile *f, struct gofacts *g)
{
	uint64_t off, size;
	size_t len;
	int r;

	if (f->has_sections) {
		if (!f->buildinfo.ok)
			return -ENOENT;	/* the Go linker always writes .go.buildinfo */
		off = f->buildinfo.off;
		size = f->buildinfo.size;
	} else {
		if ((r = find_buildinfo(f, &off)) < 0)
			return r;
		size = f->size - off;
	}
	len = (size_t)min64(size, WIN);
	if ((r = read_at(f, f->win, off, len)) < 0)
		return r;
	parse_buildinfo((const char *)f->win, len, g);
	if (!g->version &&
	    !(len >= BI_MAGIC_LEN && !memcmp(f->win, bi_magic, BI_MAGIC_LEN)))
		return -ENOENT;
	return 0;
}

/* ---- the pclntab ---- */

struct pcln {
	uint64_t nameoff, cuoff;	/* the function names, from the table's start */
};

/* The function-name table of the pcHeader H (HLEN bytes of it) in a section
 * or segment part of AVAIL bytes from H.  STRICT (a header found by
 * searching) wants every field plausible; a named section gets the checks of
 * the code this replaces.  -ENOENT when it is not one read here. */
static int pcln_decode(const struct gofile *f, const unsigned char *h, size_t hlen,
		       uint64_t avail, bool strict, struct pcln *t)
{
	uint32_t magic = (uint32_t)get(f, h, 4);
	unsigned ptr = h[7], k, nwords;
	uint64_t w[8] = { 0 };

	if (avail < PCLN_MIN || hlen < PCLN_MIN || (ptr != 4 && ptr != 8))
		return -ENOENT;
	if (magic == 0xfffffffa)
		k = 2;	/* funcnameOffset's word */
	else if (magic == 0xfffffff0 || magic == 0xfffffff1)
		k = 3;
	else
		return -ENOENT;
	nwords = k + 5;	/* through pclnOffset */
	for (unsigned i = 0; i < nwords && 8 + (i + 1) * ptr <= hlen; i++)
		w[i] = get(f, h + 8 + i * ptr, ptr);
	t->nameoff = w[k];
	t->cuoff = w[k + 1];
	if (!(t->nameoff < t->cuoff && t->cuoff <= avail))
		return -ENOENT;
	if (!strict)
		return 0;
	if (h[4] || h[5] || (h[6] != 1 && h[6] != 2 && h[6] != 4) ||
	    ptr != (f->is64 ? 8u : 4u) || 8 + nwords * ptr > hlen ||
	    t->nameoff < 8 + nwords * ptr || w[nwords - 1] >= avail)
		return -ENOENT;
	for (unsigned i = k + 1; i + 1 < nwords; i++)
		if (w[i] > w[i + 1])
			return -ENOENT;	/* cu, filetab, pctab, pcln: in order */
	return 0;
}

static int pcln_at(struct gofile *f, uint64_t off, uint64_t avail, bool strict,
		   struct pcln *t)
{
	unsigned char h[PCLN_HEAD];
	size_t hlen = (size_t)min64(avail, sizeof(h));
	int r;

	if (hlen < PCLN_MIN)
		return -ENOENT;
	if ((r = read_at(f, h, off, hlen)) < 0)
		return r;
	return pcln_decode(f, h, hlen, avail, strict, t);
}

/* The file offset of the virtual address VADDR and the bytes after it in its
 * segment, or -ENOENT. */
static int vaddr_to_off(const struct gofile *f, uint64_t vaddr, uint64_t *off,
			uint64_t *avail)
{
	for (size_t i = 0; i < f->n_load; i++) {
		const struct seg *s = &f->load[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz) {
			*off = s->off + (vaddr - s->vaddr);
			*avail = s->filesz - (vaddr - s->vaddr);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * runtime.firstmoduledata (src/runtime/symtab.go, Go 1.16 and later) opens
 * with the pcHeader's address and the slices the pclntab is cut into:
 * funcnametab, cutab, filetab (pointer, length, capacity each; the linker
 * gives each length in bytes), in that order from the header.  The linker
 * puts it in .noptrdata; the Go linker, GNU ld and gold write the addresses
 * there (lld leaves a PIE's zero, for the dynamic relocations to fill).  Ten
 * words of that shape that lead to a pcHeader whose offsets agree find the
 * table without searching the read-only data, which precedes it by
 * megabytes.
 */
#define MD_WORDS 10
#define MD_TRIES 64	/* shapes followed to a pcHeader, at most (real files: one) */

static int moduledata_at(struct gofile *f, const unsigned char *p, uint64_t *at,
			 struct pcln *t, unsigned *tries)
{
	unsigned ws = f->is64 ? 8 : 4;
	uint64_t w[MD_WORDS], off, avail;
	int r;

	/* funcnametab's length and capacity first: most words fail there */
	w[2] = word(f, p + 2 * ws);
	if (!w[2] || w[2] != word(f, p + 3 * ws))
		return -ENOENT;
	for (unsigned i = 0; i < MD_WORDS; i++)
		w[i] = word(f, p + i * ws);
	if (!w[0] || w[1] <= w[0] || w[1] - w[0] > 4096 || w[5] != w[6] || w[8] != w[9] ||
	    w[4] < w[1] || w[4] - w[1] < w[2] || w[7] < w[4] || w[7] - w[4] < w[5] ||
	    vaddr_to_off(f, w[0], &off, &avail) < 0)
		return -ENOENT;
	++*tries;
	if ((r = pcln_at(f, off, avail, true, t)) < 0)
		return r;
	if (t->nameoff != w[1] - w[0] || t->cuoff != w[4] - w[0])
		return -ENOENT;
	*at = off;
	return 0;
}

/* Searches the file range RG, word-aligned, for runtime.firstmoduledata. */
static int moduledata_range(struct gofile *f, struct range rg, uint64_t *at,
			    struct pcln *t, unsigned *tries)
{
	size_t ws = f->is64 ? 8 : 4, need = MD_WORDS * ws;
	uint64_t pos = align_up(rg.off, ws);
	int r;

	while (pos < rg.end && rg.end - pos >= need) {
		size_t len = (size_t)min64(WIN, rg.end - pos), i;

		if ((r = read_at(f, f->win, pos, len)) < 0)
			return r;
		for (i = 0; i + need <= len && *tries < MD_TRIES; i += ws)
			if ((r = moduledata_at(f, f->win + i, at, t, tries)) != -ENOENT)
				return r;
		if (*tries == MD_TRIES)
			break;
		pos += i;
	}
	return -ENOENT;
}

/* Searches the writable data outside RELRO for runtime.firstmoduledata. */
static int find_moduledata(struct gofile *f, uint64_t *at, struct pcln *t)
{
	static const enum part order[] = { PART_DATA };
	struct range rg[MAX_RANGES];
	size_t n = ranges(f, order, 1, rg);
	unsigned tries = 0;
	int r = -ENOENT;

	for (size_t j = 0; r == -ENOENT && j < n; j++)
		r = moduledata_range(f, rg[j], at, t, &tries);
	return r;
}

/* Whether the 8 bytes at P open a pcHeader of a layout read here. */
static bool pcln_magic(const struct gofile *f, const unsigned char *p)
{
	uint32_t m;

	if (p[2] != 0xff || p[4] || p[5])	/* 0xff in either byte order */
		return false;
	m = (uint32_t)get(f, p, 4);
	return m == 0xfffffffa || m == 0xfffffff0 || m == 0xfffffff1;
}

/* Searches the file range RG, 4-aligned, for a plausible pcHeader; one in
 * the window is judged there, one across its end read apart. */
static int search_range(struct gofile *f, struct range rg, uint64_t *at,
			struct pcln *t)
{
	uint64_t pos = align_up(rg.off, 4);
	int r;

	while (pos < rg.end && rg.end - pos >= PCLN_HEAD) {
		size_t len = (size_t)min64(WIN, rg.end - pos), i;

		if ((r = read_at(f, f->win, pos, len)) < 0)
			return r;
		for (i = 0; i + 8 <= len; i += 4) {
			uint64_t avail = rg.end - pos - i;

			if (!pcln_magic(f, f->win + i))
				continue;
			if (i + PCLN_HEAD <= len)
				r = pcln_decode(f, f->win + i, PCLN_HEAD, avail, true, t);
			else
				r = pcln_at(f, pos + i, avail, true, t);
			if (r != -ENOENT) {
				*at = pos + i;
				return r;
			}
		}
		pos += i;
	}
	return -ENOENT;
}

/* Where the function names are: the named pclntab section's, or those of
 * the pcHeader runtime.firstmoduledata points to, or of one found by a
 * search of the loaded data.  -ENOENT when none is read here. */
static int find_funcnames(struct gofile *f, uint64_t *off, uint64_t *len)
{
	static const enum part order[] = {
		PART_RELRO, PART_RODATA, PART_DATA, PART_TEXT,
	};
	struct range rg[MAX_RANGES];
	size_t n;
	struct pcln t;
	uint64_t at = 0;
	int r;

	if (f->pclntab.ok) {
		/* A named section decides, as before: no search besides. */
		at = f->pclntab.off;
		r = pcln_at(f, at, f->pclntab.size, false, &t);
	} else if ((r = find_moduledata(f, &at, &t)) == -ENOENT) {
		n = ranges(f, order, sizeof(order) / sizeof(order[0]), rg);
		for (size_t j = 0; r == -ENOENT && j < n; j++)
			r = search_range(f, rg[j], &at, &t);
	}
	if (r < 0)
		return r;
	*off = at + t.nameoff;
	*len = t.cuoff - t.nameoff;
	return 0;
}

/* ---- the function names ---- */

/* The watched bits of the name S, of which N bytes are known. */
static unsigned watch_bits(const char *s, size_t n)
{
	unsigned bits = 0;

	if (!n || (*s != 'c' && *s != 'n' && *s != 'o' && *s != 't'))
		return 0;
	for (size_t i = 0; i < sizeof(watched_names) / sizeof(watched_names[0]); i++) {
		const struct watched *w = &watched_names[i];

		if (n >= w->len && !memcmp(s, w->prefix, w->len))
			bits |= w->bit;
	}
	return bits;
}

/* Marks in *BITS the watched packages among the names of the LEN bytes at
 * OFF: each starts at OFF or after a NUL and counts once its NUL is seen
 * before the end.  One window at a time; a name cut by the window's end is
 * read again from its start, one longer than the window is judged by its
 * first bytes once its NUL comes. */
static int scan_names(struct gofile *f, uint64_t off, uint64_t len, unsigned *bits)
{
	uint64_t pos = 0;
	unsigned pending = 0;
	bool inside = false;	/* pos is inside a name longer than the window */
	int r;

	while (pos < len && *bits != W_ALL) {
		size_t n = (size_t)min64(WIN, len - pos);
		const char *s = (const char *)f->win, *end = s + n, *z;

		if ((r = read_at(f, f->win, off + pos, n)) < 0)
			return r;
		if (inside) {
			if (!(z = memchr(s, '\0', n))) {
				pos += n;
				continue;
			}
			*bits |= pending;
			inside = false;
			s = z + 1;
		}
		for (; s < end && (z = memchr(s, '\0', (size_t)(end - s))); s = z + 1)
			*bits |= watch_bits(s, (size_t)(z - s));
		if (s == end || pos + n == len) {
			pos += n;	/* all read, or a last name without its NUL */
		} else if (s == (const char *)f->win) {
			pending = watch_bits(s, n);
			inside = true;
			pos += n;
		} else {
			pos += (uint64_t)(s - (const char *)f->win);
		}
	}
	return 0;
}

static int read_names(struct gofile *f, struct gofacts *g)
{
	uint64_t off, len;
	unsigned bits = 0;
	int r = find_funcnames(f, &off, &len);

	if (r == -ENOENT) {
		off = 0;	/* an unknown layout: the whole file, as before */
		len = f->size;
	} else if (r < 0) {
		return r;
	}
	if ((r = scan_names(f, off, len, &bits)) < 0)
		return r;
	g->x509 = bits & W_X509;
	g->net = bits & W_NET;
	g->user = bits & W_USER;
	g->loadlocation = bits & W_LOADLOC;
	g->tzdata = bits & W_TZDATA;
	return 0;
}

int gofacts_read(int fd, uint64_t size, struct gofacts *ret, struct strbuf *err)
{
	struct gofile *f = xcalloc(1, sizeof(*f));
	struct gofacts g = { .cgo = -1 };
	int r;

	f->fd = fd;
	f->size = size;
	f->err = err;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		r = seterr(err, -ENOSYS, "libelf is out of date");
		goto out;
	}
	if (size > INT64_MAX) {
		r = bad(f, "larger than a file offset");
		goto out;
	}
	f->win = xmalloc(WIN);
	if ((r = read_headers(f)) < 0)
		goto out;
	read_sections(f);
	if ((r = read_buildinfo(f, &g)) < 0 || (r = read_names(f, &g)) < 0)
		goto out;
	*ret = g;
	memset(&g, 0, sizeof(g));
out:
	gofacts_release(&g);
	if (f->elf)
		elf_end(f->elf);
	if (f->head_elf)
		elf_end(f->head_elf);
	free(f->win);
	free(f);
	return r;
}

void gofacts_release(struct gofacts *g)
{
	free(g->version);
	free(g->path);
	free(g->main_module);
	free(g->main_version);
	strlist_clear(&g->deps);
	memset(g, 0, sizeof(*g));
	g->cgo = -1;
}
