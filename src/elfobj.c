/* elfobj: ELF facts through libelf, via the program headers; see elfobj.h. */
#include <config.h>

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"

/* Caps on what one file may ask of us; real files are far below them. */
#define MAX_PHNUM 65535
#define MAX_DYN 100000
#define MAX_VERNEED 10000

struct seg {
	uint64_t vaddr, offset, filesz;
	uint32_t flags;
};

struct parse {
	struct elffile *f;	/* the bytes */
	const struct elfobj_watch *watch;	/* the imports kept, or NULL: all */
	const unsigned char *ident;	/* e_ident: the first ident_len bytes */
	size_t ident_len;
	size_t len;		/* file size */
	Elf *elf;		/* libelf over the head */
	Elf *ph_elf;		/* the one the program headers are read from */
	Elf *fd_elf;		/* libelf over the whole file, for typed parts
				 * beyond the head (made on need; it reads with
				 * pread, never maps) */
	char **bufs;		/* converted copies, freed at the end */
	size_t n_bufs, a_bufs;
	struct seg *load;
	size_t n_load, alloc_load;
	const char *strtab;	/* DT_STRTAB whole, or NULL when read by blocks */
	size_t strsz;
	uint64_t str_off;	/* its file offset */
	const char **str_blocks;	/* a large one: its STR_BLOCK-byte blocks
					 * read, each on first need */
	struct strbuf *err;
};

static int bad(struct parse *p, const char *what)
{
	return seterr(p->err, -ENOEXEC, "malformed ELF: %s", what);
}

/* Translates a virtual address to a file offset through the PT_LOAD segment
 * that holds it; *avail is how many file bytes follow it in that segment. */
static int vaddr_to_off(const struct parse *p, uint64_t vaddr, uint64_t *off,
			uint64_t *avail)
{
	for (size_t i = 0; i < p->n_load; i++) {
		const struct seg *s = &p->load[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz) {
			*off = s->offset + (vaddr - s->vaddr);
			*avail = s->filesz - (vaddr - s->vaddr);
			return 0;
		}
	}
	return -ENOEXEC;
}

/* libelf over the whole file: for the section headers, program headers
 * that lie beyond the head, and typed parts beyond the head. */
static Elf *whole(struct parse *p)
{
	if (!p->fd_elf)
		p->fd_elf = p->f->mem ? elf_memory((char *)p->f->mem, p->len)
				      : elf_begin(p->f->fd, ELF_C_READ, NULL);
	return p->fd_elf;
}

static bool in_head(const struct parse *p, uint64_t off, uint64_t len)
{
	return elffile_in_head(p->f, off, len);
}

/* LEN bytes of the file at OFF as TYPE, converted by libelf, or NULL when
 * out of bounds. */
static Elf_Data *chunk(struct parse *p, uint64_t off, uint64_t len, Elf_Type type)
{
	Elf *e = p->elf;

	if (!len || off > p->len || len > p->len - off)
		return NULL;
	if (!in_head(p, off, len) && !(e = whole(p)))
		return NULL;
	return elf_getdata_rawchunk(e, (int64_t)off, len, type);
}

/* LEN bytes of the file at OFF as they are in the file, or NULL. */
static const char *bytes(struct parse *p, uint64_t off, uint64_t len)
{
	return elffile_bytes(p->f, off, len);
}

/*
 * DT_STRTAB is read whole when it is small or in the head.  A large one (a
 * Go program or a library exporting every symbol: 5 MB of names) is read a
 * block at a time, as the names looked at need: DT_NEEDED and the version
 * names, the imports (see read_imports()).
 */
#ifndef ELFOBJ_LARGE
#define ELFOBJ_LARGE (512u << 10)	/* fuzz builds make it small */
#endif
#define STR_BLOCK 4096u

static const char *str_block(struct parse *p, size_t b)
{
	uint64_t at = (uint64_t)b * STR_BLOCK;

	if (!p->str_blocks[b])
		p->str_blocks[b] = bytes(p, p->str_off + at,
					 p->strsz - at < STR_BLOCK ? p->strsz - at : STR_BLOCK);
	return p->str_blocks[b];
}

/* A string from DT_STRTAB, or NULL when the index or terminator is bad. */
static const char *str_at(struct parse *p, uint64_t idx)
{
	const char *blk, *s;
	size_t in, n;

	if (idx >= p->strsz)
		return NULL;
	if (!p->str_blocks) {
		if (!p->strtab || !memchr(p->strtab + idx, '\0', p->strsz - idx))
			return NULL;
		return p->strtab + idx;
	}
	if (!(blk = str_block(p, (size_t)(idx / STR_BLOCK))))
		return NULL;
	in = (size_t)(idx % STR_BLOCK);
	n = p->strsz - (idx - in) < STR_BLOCK ? (size_t)(p->strsz - (idx - in)) : STR_BLOCK;
	if (memchr(blk + in, '\0', n - in))
		return blk + in;
	/* A name across blocks: read from it on, more each time. */
	for (uint64_t len = 2 * STR_BLOCK;; len *= 2) {
		if (len > p->strsz - idx)
			len = p->strsz - idx;
		if (!(s = bytes(p, p->str_off + idx, len)))
			return NULL;
		if (memchr(s, '\0', len))
			return s;
		if (len == p->strsz - idx)
			return NULL;
	}
}

/* DT_STRTAB at OFF, SIZE bytes: whole, or by blocks when large. */
static void strtab_init(struct parse *p, uint64_t off, size_t size)
{
	p->str_off = off;
	p->strsz = size;
	if (size > ELFOBJ_LARGE && !in_head(p, off, size)) {
		p->str_blocks = xcalloc(size / STR_BLOCK + 1, sizeof(*p->str_blocks));
		return;
	}
	p->strtab = bytes(p, off, size);
	if (!p->strtab)
		p->strsz = 0;
}

/* The whole DT_STRTAB, read now if it was left to blocks; NULL when it
 * cannot be read. */
static const char *strtab_whole(struct parse *p)
{
	if (p->str_blocks) {
		free(p->str_blocks);
		p->str_blocks = NULL;
		p->strtab = p->strsz ? bytes(p, p->str_off, p->strsz) : NULL;
		if (!p->strtab)
			p->strsz = 0;
	}
	return p->strtab;
}

/* N entries of TYPE (ENTSZ bytes each in the file) at OFF, as an array of
 * Elf32 or Elf64 structures in this machine's byte order, or NULL. */
static const void *entries(struct parse *p, uint64_t off, uint64_t n, size_t entsz,
			   Elf_Type type)
{
	const char *raw = bytes(p, off, n * entsz);
	Elf_Data src, dst;
	char *out;

	if (!raw)
		return NULL;
	if (p->ident[EI_DATA] == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB
									  : ELFDATA2MSB) &&
	    (uintptr_t)raw % 8 == 0)
		return raw;
	out = xmalloc(n * entsz);
	p->bufs = xgrow(p->bufs, &p->a_bufs, p->n_bufs + 1, sizeof(*p->bufs));
	p->bufs[p->n_bufs++] = out;
	src = (Elf_Data){ .d_buf = (void *)raw, .d_type = type, .d_size = n * entsz,
			  .d_version = EV_CURRENT };
	dst = (Elf_Data){ .d_buf = out, .d_type = type, .d_size = n * entsz,
			  .d_version = EV_CURRENT };
	return gelf_xlatetom(p->elf, &dst, &src, p->ident[EI_DATA]) ? out : NULL;
}

static int read_phdrs(struct parse *p, struct elfobj *o, const GElf_Ehdr *eh,
		      GElf_Phdr *dyn)
{
	size_t phnum, entsz = gelf_fsize(p->elf, ELF_T_PHDR, 1, EV_CURRENT);
	Elf *e = p->elf;

	/* Headers beyond the head, or counted in section 0, are read whole. */
	if (eh->e_phnum == PN_XNUM || !in_head(p, eh->e_phoff, (uint64_t)eh->e_phnum * entsz))
		e = whole(p);
	p->ph_elf = e;
	if (!e || elf_getphdrnum(e, &phnum) < 0)
		return bad(p, "unreadable program header count");
	if (eh->e_phnum != PN_XNUM)
		phnum = eh->e_phnum;
	o->phnum_xnum = eh->e_phnum == PN_XNUM;
	if (phnum > MAX_PHNUM)
		return bad(p, "too many program headers");
	/* libelf quietly reports fewer headers than a truncated file claims. */
	if (phnum && (eh->e_phentsize != entsz || eh->e_phoff > p->len ||
		      phnum * entsz > p->len - eh->e_phoff))
		return bad(p, "program headers beyond the end of the file");
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph))
			return bad(p, "program header table out of bounds");
		if (ph.p_type == PT_LOAD || ph.p_type == PT_INTERP ||
		    ph.p_type == PT_DYNAMIC) {
			/* (A .bss-only PT_LOAD may start at the end of the file.) */
			if (ph.p_filesz &&
			    (ph.p_offset > p->len || ph.p_filesz > p->len - ph.p_offset))
				return bad(p, "segment beyond the end of the file");
		}
		if (ph.p_type == PT_LOAD) {
			p->load = xgrow(p->load, &p->alloc_load, p->n_load + 1,
					sizeof(*p->load));
			p->load[p->n_load++] = (struct seg){ ph.p_vaddr, ph.p_offset,
							     ph.p_filesz, ph.p_flags };
			o->load_size += ph.p_filesz;
			o->n_load++;
		} else if (ph.p_type == PT_INTERP && !o->interp) {
			const char *s = bytes(p, ph.p_offset, ph.p_filesz);

			if (!s || !memchr(s, '\0', ph.p_filesz))
				return bad(p, "PT_INTERP is not NUL-terminated");
			if (!*s)
				return bad(p, "PT_INTERP is empty");
			o->interp = xstrdup(s);
		} else if (ph.p_type == PT_DYNAMIC && !o->has_dynamic) {
			o->has_dynamic = true;
			o->dynamic_empty = ph.p_filesz == 0;
			*dyn = ph;
		}
	}
	return 0;
}

struct dyninfo {
	uint64_t strtab, strsz, soname, rpath, runpath;
	uint64_t verneed, verneednum, verdef, verdefnum;
	uint64_t symtab, syment, hash, gnu_hash;
	bool has_strtab, has_soname, has_rpath, has_runpath;
	uint64_t *needed, *filter, *aux;
	size_t n_needed, n_filter, n_aux, a_needed, a_filter, a_aux;
};

static void push(uint64_t **v, size_t *n, size_t *a, uint64_t x)
{
	*v = xgrow(*v, a, *n + 1, sizeof(**v));
	(*v)[(*n)++] = x;
}

static int read_dynamic(struct parse *p, struct elfobj *o, const GElf_Phdr *ph,
			struct dyninfo *d)
{
	bool is64 = p->ident[EI_CLASS] == ELFCLASS64;
	size_t entsz = gelf_fsize(p->elf, ELF_T_DYN, 1, EV_CURRENT), n;
	const void *data;

	if (!ph->p_filesz)
		return 0;
	n = entsz ? ph->p_filesz / entsz : 0;
	if (n > MAX_DYN)
		n = MAX_DYN;
	data = n ? entries(p, ph->p_offset, n, entsz, ELF_T_DYN) : NULL;
	if (!data || entsz != (is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn)))
		return bad(p, "unreadable PT_DYNAMIC");
	for (size_t i = 0; i < n; i++) {
		struct {
			int64_t d_tag;
			union {
				uint64_t d_val, d_ptr;
			} d_un;
		} dyn;

		if (is64) {
			dyn.d_tag = ((const Elf64_Dyn *)data)[i].d_tag;
			dyn.d_un.d_val = ((const Elf64_Dyn *)data)[i].d_un.d_val;
		} else {
			dyn.d_tag = ((const Elf32_Dyn *)data)[i].d_tag;
			dyn.d_un.d_val = ((const Elf32_Dyn *)data)[i].d_un.d_val;
		}
		switch (dyn.d_tag) {
		case DT_NULL:
			return 0;
		case DT_NEEDED:
			push(&d->needed, &d->n_needed, &d->a_needed, dyn.d_un.d_val);
			break;
		case DT_FILTER:
			push(&d->filter, &d->n_filter, &d->a_filter, dyn.d_un.d_val);
			break;
		case DT_AUXILIARY:
			push(&d->aux, &d->n_aux, &d->a_aux, dyn.d_un.d_val);
			break;
		case DT_STRTAB:
			d->strtab = dyn.d_un.d_ptr;
			d->has_strtab = true;
			break;
		case DT_STRSZ:
			d->strsz = dyn.d_un.d_val;
			break;
		case DT_SONAME:
			d->soname = dyn.d_un.d_val;
			d->has_soname = true;
			break;
		case DT_RPATH:
			d->rpath = dyn.d_un.d_val;
			d->has_rpath = true;
			break;
		case DT_RUNPATH:
			d->runpath = dyn.d_un.d_val;
			d->has_runpath = true;
			break;
		case DT_FLAGS:
			o->flags = dyn.d_un.d_val;
			break;
		case DT_FLAGS_1:
			o->flags_1 = dyn.d_un.d_val;
			break;
		case DT_VERNEED:
			d->verneed = dyn.d_un.d_ptr;
			break;
		case DT_VERNEEDNUM:
			d->verneednum = dyn.d_un.d_val;
			break;
		case DT_VERDEF:
			d->verdef = dyn.d_un.d_ptr;
			break;
		case DT_VERDEFNUM:
			d->verdefnum = dyn.d_un.d_val;
			break;
		case DT_SYMTAB:
			d->symtab = dyn.d_un.d_ptr;
			break;
		case DT_SYMENT:
			d->syment = dyn.d_un.d_val;
			break;
		case DT_HASH:
			d->hash = dyn.d_un.d_ptr;
			break;
		case DT_GNU_HASH:
			d->gnu_hash = dyn.d_un.d_ptr;
			break;
		default:
			break;
		}
	}
	return 0;
}

static int strings(struct parse *p, const uint64_t *idx, size_t n,
		   struct strlist *out, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = str_at(p, idx[i]);

		if (!s)
			return seterr(p->err, -ENOEXEC,
				      "malformed ELF: bad %s string index", what);
		strlist_add(out, s);
	}
	return 0;
}

static int one_string(struct parse *p, bool has, uint64_t idx, char **out,
		      const char *what)
{
	const char *s;

	if (!has)
		return 0;
	s = str_at(p, idx);
	if (!s)
		return seterr(p->err, -ENOEXEC,
			      "malformed ELF: bad %s string index", what);
	*out = xstrdup(s);
	return 0;
}

/*
 * The version tables carry no size: entries chain through offsets.  They are
 * read through a window of WANT bytes from VADDR (at most to the end of the
 * segment), and parsed again through a larger one when a chain leaves it.
 */
#define VERSION_WINDOW 4096

static Elf_Data *version_chunk(struct parse *p, uint64_t vaddr, Elf_Type type,
			       uint64_t want, bool *whole)
{
	uint64_t off, avail;

	if (vaddr_to_off(p, vaddr, &off, &avail) < 0 || !avail)
		return NULL;
	*whole = want >= avail;
	return chunk(p, off, *whole ? avail : want, type);
}

/* Out of the window: the caller retries with a larger one. */
#define E_WINDOW 1

static int parse_verneed(struct parse *p, struct elfobj *o, const struct dyninfo *d,
			 Elf_Data *data, bool whole)
{
	size_t off = 0;

	o->verneed = xcalloc(d->verneednum, sizeof(*o->verneed));
	for (uint64_t i = 0; i < d->verneednum; i++) {
		struct elfobj_verneed *vn = &o->verneed[o->n_verneed];
		GElf_Verneed need;
		const char *file;
		size_t aoff;

		if (!gelf_getverneed(data, (int)off, &need))
			return whole ? bad(p, "DT_VERNEED entry out of bounds") : E_WINDOW;
		file = str_at(p, need.vn_file);
		if (!file)
			return bad(p, "bad DT_VERNEED file name");
		vn->file = xstrdup(file);
		o->n_verneed++;
		aoff = off + need.vn_aux;
		for (unsigned j = 0; j < need.vn_cnt; j++) {
			GElf_Vernaux aux;
			const char *name;

			if (aoff > INT32_MAX)
				return bad(p, "DT_VERNEED auxiliary entry out of bounds");
			if (!gelf_getvernaux(data, (int)aoff, &aux))
				return whole ? bad(p, "DT_VERNEED auxiliary entry out of bounds")
					     : E_WINDOW;
			name = str_at(p, aux.vna_name);
			if (!name)
				return bad(p, "bad DT_VERNEED version name");
			strlist_add(&vn->versions, name);
			if (aux.vna_flags & VER_FLG_WEAK)
				strlist_add(&vn->weak, name);
			if (!aux.vna_next)
				break;
			aoff += aux.vna_next;
		}
		if (!need.vn_next)
			break;
		off += need.vn_next;
		if (off > INT32_MAX)
			return bad(p, "DT_VERNEED chain out of bounds");
	}
	return 0;
}

static void clear_verneed(struct elfobj *o)
{
	for (size_t i = 0; i < o->n_verneed; i++) {
		free(o->verneed[i].file);
		strlist_clear(&o->verneed[i].versions);
		strlist_clear(&o->verneed[i].weak);
	}
	free(o->verneed);
	o->verneed = NULL;
	o->n_verneed = 0;
}

static int parse_verdef(struct parse *p, struct elfobj *o, const struct dyninfo *d,
			Elf_Data *data, bool whole)
{
	size_t off = 0;

	for (uint64_t i = 0; i < d->verdefnum; i++) {
		GElf_Verdef def;
		GElf_Verdaux aux;
		const char *name;

		if (!gelf_getverdef(data, (int)off, &def))
			return whole ? bad(p, "DT_VERDEF entry out of bounds") : E_WINDOW;
		if (def.vd_cnt) {
			if (off + def.vd_aux > INT32_MAX)
				return bad(p, "DT_VERDEF auxiliary entry out of bounds");
			if (!gelf_getverdaux(data, (int)(off + def.vd_aux), &aux))
				return whole ? bad(p, "DT_VERDEF auxiliary entry out of bounds")
					     : E_WINDOW;
			name = str_at(p, aux.vda_name);
			if (!name)
				return bad(p, "bad DT_VERDEF version name");
			if (!(def.vd_flags & VER_FLG_BASE))
				strlist_add(&o->verdef, name);
		}
		if (!def.vd_next)
			break;
		off += def.vd_next;
		if (off > INT32_MAX)
			return bad(p, "DT_VERDEF chain out of bounds");
	}
	return 0;
}

static void clear_verdef(struct elfobj *o)
{
	strlist_clear(&o->verdef);
}

/* Parses a version table (PARSE, after RESET of what a narrower window
 * left) through windows growing until its chain fits. */
static int read_versions(struct parse *p, struct elfobj *o, const struct dyninfo *d,
			 uint64_t vaddr, Elf_Type type, const char *outside,
			 void (*reset)(struct elfobj *),
			 int (*parse)(struct parse *, struct elfobj *, const struct dyninfo *,
				      Elf_Data *, bool))
{
	uint64_t want = VERSION_WINDOW;
	Elf_Data *data;
	bool whole;
	int r;

	do {
		reset(o);
		data = version_chunk(p, vaddr, type, want, &whole);
		if (!data)
			return bad(p, outside);
		r = parse(p, o, d, data, whole);
		want *= 8;
	} while (r == E_WINDOW);
	return r;
}

static int read_verneed(struct parse *p, struct elfobj *o, const struct dyninfo *d)
{
	if (!d->verneed || !d->verneednum)
		return 0;
	if (d->verneednum > MAX_VERNEED)
		return bad(p, "too many DT_VERNEED entries");
	return read_versions(p, o, d, d->verneed, ELF_T_VNEED,
			     "DT_VERNEED outside the loaded segments", clear_verneed, parse_verneed);
}

static int read_verdef(struct parse *p, struct elfobj *o, const struct dyninfo *d)
{
	int r;

	if (!d->verdef || !d->verdefnum)
		return 0;
	if (d->verdefnum > MAX_VERNEED)
		return bad(p, "too many DT_VERDEF entries");
	o->has_verdef = true;
	r = read_versions(p, o, d, d->verdef, ELF_T_VDEF,
			  "DT_VERDEF outside the loaded segments", clear_verdef, parse_verdef);
	strlist_sort_uniq(&o->verdef);
	return r;
}

/* The imports worth keeping: those of the parse's watch list, or all.  A
 * program imports hundreds of names and a few dozen are watched: each name
 * is hashed in the pass that checks its terminator, and only names whose
 * hash bit is set in the watch's bit set are compared. */

/* FNV-1a (the low 32 bits of util's) of the NUL-terminated string at S, at
 * most MAX bytes long; sets *len, or returns false when no NUL comes within
 * MAX bytes. */
static bool hash_name(const char *s, size_t max, uint32_t *hash, size_t *len)
{
	const char *z = memchr(s, '\0', max);

	if (!z)
		return false;
	*len = (size_t)(z - s);
	*hash = (uint32_t)util_fnv1a(s, *len);
	return true;
}

static void watch_set(struct elfobj_watch *w, uint32_t h)
{
	w->bits[h % ELFOBJ_WATCH_BITS / 64] |= 1ull << (h % 64);
}

static bool watch_maybe(const struct elfobj_watch *w, uint32_t h)
{
	return w->bits[h % ELFOBJ_WATCH_BITS / 64] >> (h % 64) & 1;
}

void elfobj_watch_init(struct elfobj_watch *w, const char *const *names, size_t n)
{
	memset(w, 0, sizeof(*w));
	if (n > ELFOBJ_MAX_WATCH)
		abort();
	w->names = names;
	w->n = n;
	for (size_t i = 0; i < n; i++) {
		w->first[(unsigned char)names[i][0]] = true;
		watch_set(w, (uint32_t)util_fnv1a(names[i], strlen(names[i])));
	}
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Keeps import NAME (LEN bytes, hash H) when it is watched, or when no
 * watch list was given, and sets its bit in o->watched. */
static void keep_import(const struct parse *p, struct elfobj *o, const char *name, size_t len,
			uint32_t h)
{
	const struct elfobj_watch *w = p->watch;
	const char *const *at;
	size_t i;

	if (!w) {
		strlist_addn(&o->imports, name, len);
		return;
	}
	if (!watch_maybe(w, h) ||
	    !(at = bsearch(name, w->names, w->n, sizeof(*w->names), cmp_name)))
		return;
	strlist_addn(&o->imports, name, len);
	i = (size_t)(at - w->names);
	o->watched[i / 64] |= 1ull << (i % 64);
}

/* The 32-bit word I of the block B read from the file, in its byte order. */
static uint32_t word32(const struct parse *p, const char *b, uint64_t i)
{
	const unsigned char *w = (const unsigned char *)b + 4 * i;

	return p->ident[EI_DATA] == ELFDATA2MSB
		       ? (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16 | (uint32_t)w[2] << 8 | w[3]
		       : (uint32_t)w[3] << 24 | (uint32_t)w[2] << 16 | (uint32_t)w[1] << 8 | w[0];
}

/* DT_GNU_HASH's header and buckets (as the file has them). */
struct gnuhash {
	uint32_t nbucket, symoffset;
	const char *buckets;
	uint64_t chain;		/* the file offset of chain[0] (symbol symoffset) */
};

/* How many entries DT_SYMTAB has: the loader never needs to know, so the
 * file says it only through its hash tables (DT_HASH's nchain, or the
 * highest index DT_GNU_HASH reaches).  0 when neither tells.  *G is
 * DT_GNU_HASH when there is one (G->buckets NULL otherwise). */
static uint64_t count_symbols(struct parse *p, const struct dyninfo *d, struct gnuhash *g)
{
	enum { BLOCK = 64 };
	uint64_t off, avail, hash_n = 0;
	uint32_t nbucket, symoffset, bloom, last = 0;
	size_t word = p->ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	const char *b;

	memset(g, 0, sizeof(*g));
	if (d->hash && vaddr_to_off(p, d->hash, &off, &avail) == 0 &&
	    (b = bytes(p, off, 8)))
		hash_n = word32(p, b, 1);
	if (!d->gnu_hash || vaddr_to_off(p, d->gnu_hash, &off, &avail) < 0 ||
	    !(b = bytes(p, off, 16)))
		return hash_n;
	nbucket = word32(p, b, 0);
	symoffset = word32(p, b, 1);
	bloom = word32(p, b, 2);
	off += 16 + (uint64_t)bloom * word;
	if (nbucket && !(b = bytes(p, off, 4ull * nbucket)))
		return hash_n;
	if (nbucket)
		*g = (struct gnuhash){ nbucket, symoffset, b, off + 4ull * nbucket };
	if (hash_n)
		return hash_n;
	for (uint32_t i = 0; i < nbucket; i++)
		if (word32(p, b, i) > last)
			last = word32(p, b, i);
	if (last < symoffset)
		return symoffset;
	/* The chain of the last bucket used ends at the last symbol. */
	off += 4ull * nbucket + 4ull * (last - symoffset);
	for (uint64_t i = 0; i < MAX_DYN * 10; i += BLOCK) {
		uint64_t n = BLOCK;

		if (off + 4 * i > p->len)
			return 0;
		if (n > (p->len - off - 4 * i) / 4)
			n = (p->len - off - 4 * i) / 4;
		if (!n || !(b = bytes(p, off + 4 * i, 4 * n)))
			return 0;
		for (uint64_t j = 0; j < n; j++)
			if (word32(p, b, j) & 1)
				return last + i + j + 1;
	}
	return 0;
}

/* The symbol table being read for imports. */
struct symtab {
	uint64_t off, n;	/* file offset, entries */
	size_t entsz;
	bool is64;
};

/* Entry I's name index, section and binding, from DATA (entries of T
 * converted to this machine's order). */
static void sym_fields(const struct symtab *t, const void *data, uint64_t i, uint64_t *st_name,
		       unsigned *shndx, unsigned *bind)
{
	unsigned info;

	if (t->is64) {
		const Elf64_Sym *sym = (const Elf64_Sym *)data + i;

		*st_name = sym->st_name, info = sym->st_info, *shndx = sym->st_shndx;
	} else {
		const Elf32_Sym *sym = (const Elf32_Sym *)data + i;

		*st_name = sym->st_name, info = sym->st_info, *shndx = sym->st_shndx;
	}
	*bind = ELF64_ST_BIND(info);
}

static bool is_import(unsigned shndx, unsigned bind)
{
	return shndx == SHN_UNDEF && (bind == STB_GLOBAL || bind == STB_WEAK);
}

/* The imports among symbols [FROM, TO) of T, each name looked at. */
static int scan_imports(struct parse *p, struct elfobj *o, const struct symtab *t, uint64_t from,
			uint64_t to)
{
	const void *data = to > from ? entries(p, t->off + from * t->entsz, to - from, t->entsz,
					      ELF_T_SYM)
				     : NULL;
	/* A table ending in NUL terminates every string it holds. */
	bool terminated = p->strtab && p->strsz && p->strtab[p->strsz - 1] == '\0';

	if (to > from && !data)
		return bad(p, "unreadable DT_SYMTAB");
	for (uint64_t i = 0; i < to - from; i++) {
		uint64_t st_name;
		unsigned shndx, bind;
		const char *name;
		uint32_t h;
		size_t len;

		sym_fields(t, data, i, &st_name, &shndx, &bind);
		if (!is_import(shndx, bind))
			continue;
		if (terminated)
			name = st_name < p->strsz ? p->strtab + st_name : NULL;
		else
			name = str_at(p, st_name);
		if (!name)
			return bad(p, "bad dynamic symbol name index");
		if (!*name || (p->watch && !p->watch->first[(unsigned char)*name]))
			continue;
		if (!hash_name(name, p->strsz - st_name, &h, &len))
			return bad(p, "bad dynamic symbol name index");
		keep_import(p, o, name, len, h);
	}
	return 0;
}

/* DT_GNU_HASH's hash of NAME (the loader's dl_new_hash). */
static uint32_t gnu_hash(const char *name)
{
	uint32_t h = 5381;

	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = h * 33 + *c;
	return h;
}

/* Symbol NAME of T's hashed part (symbols G->symoffset on) when it is an
 * import: its bucket's chain walked as the loader looks a name up
 * (elf/dl-lookup.c do_lookup_x), a symbol read only when its hash matches. */
static int lookup_import(struct parse *p, struct elfobj *o, const struct symtab *t,
			 const struct gnuhash *g, const char *name)
{
	enum { CHUNK = 16 };
	uint32_t h = gnu_hash(name);
	uint64_t i = word32(p, g->buckets, h % g->nbucket);

	if (i < g->symoffset)
		return 0;	/* an empty bucket */
	while (i < t->n) {
		uint64_t k = i - g->symoffset, m = t->n - i < CHUNK ? t->n - i : CHUNK;
		const char *chain = bytes(p, g->chain + 4 * k, 4 * m);

		if (!chain)
			return bad(p, "DT_GNU_HASH chain out of bounds");
		for (uint64_t j = 0; j < m; j++, i++) {
			uint32_t hw = word32(p, chain, j);
			const void *sym;
			uint64_t st_name;
			unsigned shndx, bind;
			const char *s;

			if ((hw | 1) == (h | 1)) {
				sym = entries(p, t->off + i * t->entsz, 1, t->entsz, ELF_T_SYM);
				if (!sym)
					return bad(p, "unreadable DT_SYMTAB");
				sym_fields(t, sym, 0, &st_name, &shndx, &bind);
				if (is_import(shndx, bind) && (s = str_at(p, st_name)) &&
				    !strcmp(s, name))
					keep_import(p, o, name, strlen(name),
						    (uint32_t)util_fnv1a(name, strlen(name)));
			}
			if (hw & 1)
				return 0;
		}
	}
	return 0;
}

/*
 * The undefined global symbols of DT_SYMTAB: what the object imports.  A
 * program has hundreds (thousands for C++, mostly mangled "_Z" names): the
 * symbols are read as libelf converted them, without a copy each, and a name
 * is looked at further only when a watched name starts with its letter.
 *
 * A large table (a Go program or a library that exports everything: 120,000
 * symbols, 8 MB with their names) is not read whole when the imports are
 * watched and DT_GNU_HASH is there: the symbols before its symoffset (the
 * ones the linker leaves out of the hash: the undefined ones, mostly) are
 * read, and each watched name is looked up in the hashed part (where an
 * executable's undefined functions whose address is taken sit).
 */
static int read_imports(struct parse *p, struct elfobj *o, const struct dyninfo *d)
{
	struct symtab t = { .is64 = p->ident[EI_CLASS] == ELFCLASS64,
			    .entsz = gelf_fsize(p->elf, ELF_T_SYM, 1, EV_CURRENT) };
	struct gnuhash g;
	uint64_t avail;
	int r;

	t.n = count_symbols(p, d, &g);
	if (!d->symtab || !t.n || (d->syment && d->syment != t.entsz))
		return 0;
	if (vaddr_to_off(p, d->symtab, &t.off, &avail) < 0)
		return bad(p, "DT_SYMTAB outside the loaded segments");
	if (t.n > avail / t.entsz)
		return bad(p, "DT_SYMTAB larger than its segment");
	if (t.entsz != (t.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym)))
		return 0;
	if (!p->watch || !g.buckets || g.symoffset >= t.n ||
	    (t.n - g.symoffset) * t.entsz <= ELFOBJ_LARGE) {
		if (!strtab_whole(p) && p->strsz)
			return bad(p, "unreadable DT_STRTAB");
		r = scan_imports(p, o, &t, 1, t.n);
	} else {
		r = scan_imports(p, o, &t, 1, g.symoffset ? g.symoffset : 1);
		for (size_t i = 0; r == 0 && i < p->watch->n; i++)
			r = lookup_import(p, o, &t, &g, p->watch->names[i]);
	}
	strlist_sort_uniq(&o->imports);
	return r;
}

/* For a static program, the functions it links in (from .symtab, when not
 * stripped): what a dynamic program would import, it contains. */
static void read_symtab(struct parse *p, struct elfobj *o, Elf *e, Elf_Scn *scn,
			const GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_size / sh->sh_entsize;

	for (size_t i = 1; data && i < n && i < 10 * MAX_DYN; i++) {
		GElf_Sym sym;
		const char *name;
		size_t len;

		if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
		    GELF_ST_TYPE(sym.st_info) != STT_FUNC || GELF_ST_BIND(sym.st_info) == STB_LOCAL)
			continue;
		name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (name && *name) {
			len = strlen(name);
			keep_import(p, o, name, len, (uint32_t)util_fnv1a(name, len));
		}
	}
	o->has_symtab = true;
	strlist_sort_uniq(&o->imports);
}

/* For a static program, the functions it links in (from .symtab, when not
 * stripped): what a dynamic program would import, it contains.  And where
 * its section headers name .rodata, that section alone is the read-only
 * data searched for compiled-in strings (a large static program's
 * read-only segments also hold its relocations and unwind tables). */
static void read_static_functions(struct parse *p, struct elfobj *o)
{
	Elf *e = whole(p);
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool names = e && elf_getshdrstrndx(e, &shstrndx) == 0;

	while (e && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_offset > p->len ||
		    sh.sh_size > p->len - sh.sh_offset)
			continue;
		if (sh.sh_type == SHT_SYMTAB && sh.sh_entsize && !o->has_symtab)
			read_symtab(p, o, e, scn, &sh);
		if (names && sh.sh_type == SHT_PROGBITS && sh.sh_size &&
		    (name = elf_strptr(e, shstrndx, sh.sh_name)) && !strcmp(name, ".rodata")) {
			o->rodata[0] = (struct elfobj_range){ sh.sh_offset, sh.sh_size };
			o->n_rodata = 1;
		}
	}
}

/* The notes of every PT_NOTE segment: FDO dlopen notes (systemd's
 * .note.dlopen), the Go build ID, the GNU build-id. */
static void read_notes(struct parse *p, struct elfobj *o)
{
	size_t phnum;

	if (!p->ph_elf || elf_getphdrnum(p->ph_elf, &phnum) < 0)
		return;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getphdr(p->ph_elf, (int)i, &ph) || ph.p_type != PT_NOTE ||
		    ph.p_offset > p->len || ph.p_filesz > p->len - ph.p_offset)
			continue;
		data = chunk(p, ph.p_offset, ph.p_filesz,
					    ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
		if (!data)
			continue;
		while ((off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			const char *name = (const char *)data->d_buf + noff;
			const char *desc = (const char *)data->d_buf + doff;

			if (nh.n_type == ELFOBJ_NOTE_DLOPEN && nh.n_namesz == 4 &&
			    !memcmp(name, "FDO", 4))
				strlist_addn(&o->dlopen_notes, desc,
					     strnlen(desc, nh.n_descsz));
			if (nh.n_type == ELFOBJ_NOTE_GO_BUILDID && nh.n_namesz == 4 &&
			    !memcmp(name, "Go\0\0", 4))
				o->is_go = true;
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp(name, "GNU", 4) && nh.n_descsz && nh.n_descsz <= 20 &&
			    !o->build_id[0])
				for (size_t k = 0; k < nh.n_descsz; k++) {
					unsigned char b = (unsigned char)desc[k];

					o->build_id[2 * k] = "0123456789abcdef"[b >> 4];
					o->build_id[2 * k + 1] = "0123456789abcdef"[b & 15];
				}
		}
	}
}

static void find_rodata(const struct parse *p, struct elfobj *o)
{
	bool separate = false;

	for (size_t i = 0; i < p->n_load; i++)
		separate |= p->load[i].filesz && !(p->load[i].flags & (PF_W | PF_X));
	o->rodata = xcalloc(p->n_load + 1, sizeof(*o->rodata));
	for (size_t i = 0; i < p->n_load; i++) {
		const struct seg *s = &p->load[i];

		if (s->filesz && !(s->flags & PF_W) && !(separate && (s->flags & PF_X)))
			o->rodata[o->n_rodata++] = (struct elfobj_range){ s->offset, s->filesz };
	}
}

static enum elfobj_kind classify(const struct elfobj *o)
{
	bool pie = o->flags_1 & DF_1_PIE;

	switch (o->e_type) {
	case ET_EXEC:
		return o->interp ? ELFOBJ_DYNAMIC_EXEC : ELFOBJ_STATIC;
	case ET_DYN:
		if (o->interp)
			return pie || !o->soname ? ELFOBJ_DYNAMIC_EXEC : ELFOBJ_SHARED;
		if (pie)
			return ELFOBJ_STATIC_PIE;
		return o->e_entry && !o->needed.n ? ELFOBJ_SELF : ELFOBJ_SHARED;
	default:
		return ELFOBJ_OTHER;
	}
}

static int parse(struct parse *p, struct elfobj *o)
{
	struct dyninfo d = { 0 };
	GElf_Phdr dynph = { 0 };
	GElf_Ehdr eh;
	int ret;

	if (p->ident_len < SELFMAG || memcmp(p->ident, ELFMAG, SELFMAG))
		return seterr(p->err, -ENOEXEC, "not an ELF file");
	if (p->ident_len < EI_NIDENT)
		return seterr(p->err, -ENOEXEC, "file too short");
	if (p->ident[EI_CLASS] != ELFCLASS32 && p->ident[EI_CLASS] != ELFCLASS64)
		return bad(p, "unknown ELF class");
	if (p->ident[EI_DATA] != ELFDATA2LSB && p->ident[EI_DATA] != ELFDATA2MSB)
		return bad(p, "unknown byte order");
	p->elf = elf_memory(p->f->head, p->f->head_len);
	if (!p->elf || elf_kind(p->elf) != ELF_K_ELF || !gelf_getehdr(p->elf, &eh))
		return bad(p, "truncated ELF header");
	o->ei_class = eh.e_ident[EI_CLASS];
	o->ei_data = eh.e_ident[EI_DATA];
	o->ei_osabi = eh.e_ident[EI_OSABI];
	o->ei_abiversion = eh.e_ident[EI_ABIVERSION];
	o->e_type = eh.e_type;
	o->e_machine = eh.e_machine;
	o->e_flags = eh.e_flags;
	o->e_entry = eh.e_entry;

	ret = read_phdrs(p, o, &eh, &dynph);
	if (ret < 0)
		goto out;
	/* Its tables live in what is loaded: glibc stops here too. */
	if (o->has_dynamic && !o->n_load) {
		ret = bad(p, "object file has no loadable segments");
		goto out;
	}
	if (o->has_dynamic) {
		ret = read_dynamic(p, o, &dynph, &d);
		if (ret < 0)
			goto out;
	}
	if (d.has_strtab) {
		uint64_t off, avail;

		if (vaddr_to_off(p, d.strtab, &off, &avail) < 0) {
			ret = bad(p, "DT_STRTAB outside the loaded segments");
			goto out;
		}
		strtab_init(p, off, d.strsz < avail ? d.strsz : avail);
	}
	if ((ret = strings(p, d.needed, d.n_needed, &o->needed, "DT_NEEDED")) < 0 ||
	    (ret = strings(p, d.filter, d.n_filter, &o->filter, "DT_FILTER")) < 0 ||
	    (ret = strings(p, d.aux, d.n_aux, &o->auxiliary, "DT_AUXILIARY")) < 0 ||
	    (ret = one_string(p, d.has_soname, d.soname, &o->soname, "DT_SONAME")) < 0 ||
	    (ret = one_string(p, d.has_rpath, d.rpath, &o->rpath, "DT_RPATH")) < 0 ||
	    (ret = one_string(p, d.has_runpath, d.runpath, &o->runpath, "DT_RUNPATH")) < 0 ||
	    (ret = read_verneed(p, o, &d)) < 0 ||
	    (ret = read_verdef(p, o, &d)) < 0 ||
	    (ret = read_imports(p, o, &d)) < 0)
		goto out;
	read_notes(p, o);
	find_rodata(p, o);
	o->kind = classify(o);
	if (o->kind == ELFOBJ_STATIC || o->kind == ELFOBJ_STATIC_PIE || o->kind == ELFOBJ_SELF)
		read_static_functions(p, o);
out:
	free(d.needed);
	free(d.filter);
	free(d.aux);
	return ret;
}

int elfobj_parse_file(struct elffile *f, const struct elfobj_opts *opts,
		      struct elfobj **ret, struct strbuf *err)
{
	struct parse p = { .f = f, .watch = opts ? opts->watch : NULL,
			   .ident = (const unsigned char *)f->head, .ident_len = f->head_len,
			   .len = (size_t)f->size, .err = err };
	struct elfobj *o;
	int r;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return seterr(err, -ENOSYS, "libelf is out of date");
	o = xcalloc(1, sizeof(*o));
	o->imports_watched = p.watch != NULL;
	r = parse(&p, o);
	if (p.elf)
		elf_end(p.elf);
	if (p.fd_elf)
		elf_end(p.fd_elf);
	free(p.str_blocks);
	for (size_t i = 0; i < p.n_bufs; i++)
		free(p.bufs[i]);
	free(p.bufs);
	free(p.load);
	if (r < 0) {
		elfobj_free(o);
		return r;
	}
	*ret = o;
	return 0;
}

int elfobj_parse(void *buf, size_t len, const struct elfobj_opts *opts, struct elfobj **ret,
		 struct strbuf *err)
{
	struct elffile f;
	int r;

	/* Read as a file is: the head first, the rest part by part. */
	elffile_open_mem(&f, buf, len);
	r = elfobj_parse_file(&f, opts, ret, err);
	elffile_close(&f);
	return r;
}

int elfobj_parse_fd(int fd, const struct elfobj_opts *opts, struct elfobj **ret,
		    struct strbuf *err)
{
	struct elffile f;
	int r = elffile_open_fd(&f, fd, err);

	if (r == 0)
		r = elfobj_parse_file(&f, opts, ret, err);
	elffile_close(&f);
	return r;
}

void elfobj_free(struct elfobj *o)
{
	if (!o)
		return;
	free(o->interp);
	free(o->soname);
	free(o->rpath);
	free(o->runpath);
	free(o->rodata);
	strlist_clear(&o->needed);
	strlist_clear(&o->filter);
	strlist_clear(&o->auxiliary);
	clear_verneed(o);
	strlist_clear(&o->verdef);
	strlist_clear(&o->imports);
	strlist_clear(&o->dlopen_notes);
	free(o);
}

const char *elfobj_kind_name(enum elfobj_kind kind)
{
	switch (kind) {
	case ELFOBJ_STATIC:
		return "static";
	case ELFOBJ_STATIC_PIE:
		return "static-pie";
	case ELFOBJ_SELF:
		return "self-contained";
	case ELFOBJ_DYNAMIC_EXEC:
		return "dynamic";
	case ELFOBJ_SHARED:
		return "shared library";
	default:
		return "not loadable";
	}
}

/* Our short names for the machines the tool knows (tests and output use
 * them), libdw's for the others, "machine N" for the rest: that one in a
 * buffer of the calling thread, valid until its next call. */
const char *elfobj_machine_name(uint16_t m)
{
	static _Thread_local char unknown[sizeof("machine 65535")];
	const char *name;

	switch (m) {
	case EM_X86_64:
		return "x86-64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	case EM_PPC64:
		return "ppc64";
	case EM_PPC:
		return "ppc";
	case EM_S390:
		return "s390";
	case EM_RISCV:
		return "riscv";
	case EM_MIPS:
		return "mips";
	case EM_LOONGARCH:
		return "loongarch";
	default:
		if ((name = dwelf_elf_e_machine_string(m)))
			return name;
		snprintf(unknown, sizeof(unknown), "machine %u", (unsigned)m);
		return unknown;
	}
}

bool elfobj_imports(const struct elfobj *o, const char *sym)
{
	return strlist_has_sorted(&o->imports, sym);
}

bool elfobj_is_script(const char *buf, size_t len, char **ret)
{
	size_t i = 2, start;

	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return false;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	start = i;
	while (i < len && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
	       buf[i] != '\0')
		i++;
	*ret = xstrndup(buf + start, i - start);
	return true;
}
