/* strip: a smaller copy of one ELF file, through libelf; see strip.h. */
#include <config.h>

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/strip.h"

/*
 * How the stripped file is laid out.  Everything the loader can see lies in
 * [0, loaded): the ELF header, the program headers, every segment's file
 * bytes and every allocated section.  That range is copied verbatim from the
 * input, padding and all, so no segment or allocated section can change; only
 * e_shoff, e_shnum and e_shstrndx in the ELF header are rewritten.  The
 * non-allocated sections that stay (notes, .gnu_debuglink, a new .shstrtab,
 * the symbol table with STRIP_DEBUG) follow, then a new section header table.
 * Every decision, and every refusal, is made before the first byte is
 * written, so that OUT is untouched on -ENOTSUP.
 *
 * The separate debug file keeps the input's section header table (same
 * indexes, so its symbol table needs no change), with the removed sections'
 * bytes, the notes, and NOBITS in place of everything else: the layout of
 * eu-strip -f and objcopy --only-keep-debug, which gdb and debuginfod read.
 */

/* Caps on what one file may ask of us; real files are far below them. */
#define MAX_ALIGN 0x10000u
#define MAX_LINK_NAME 1024
#define CHUNK (256u * 1024)
#define MAX_SHARED_NAMES 4096 /* dwelf_strtab's search is quadratic */
#define REMOVED SIZE_MAX

struct sec {
	GElf_Shdr sh;	    /* as in the input */
	const char *name;   /* in the input's .shstrtab */
	bool keep;	    /* stays in the stripped file */
	bool stub;	    /* stays, emptied: its contents are removed */
	bool tail;	    /* written after the loaded region */
	size_t idx;	    /* index in the stripped file, or REMOVED */
	size_t name_off;    /* sh_name in the new .shstrtab */
	uint32_t info;	    /* sh_info of a rewritten symbol table */
	uint64_t off;	    /* sh_offset in the stripped file */
	uint64_t dbg_off;   /* sh_offset in the debug file */
	unsigned char *buf; /* new contents in file format, owned; NULL:
			     * the input's bytes */
	size_t len;
};

struct plan {
	int in;
	const struct strip_opts *o;
	struct strbuf *err;
	Elf *elf;
	GElf_Ehdr eh;
	uint64_t size;	 /* of the input */
	uint64_t loaded; /* [0, loaded) is copied verbatim */
	size_t ehsz, shentsz, phnum;
	size_t shnum, shstrndx;
	struct sec *s;		       /* shnum entries, and one for a new debuglink */
	size_t ns;		       /* entries in use */
	size_t nout;		       /* sections in the stripped file */
	size_t link;		       /* entry holding the new .gnu_debuglink, or 0 */
	bool removes;		       /* anything to remove at all */
	bool debug;		       /* write the debug file */
	uint64_t shoff, out_size;      /* the stripped file */
	uint64_t dbg_phoff, dbg_shoff; /* the debug file */
};

/* A sequential writer that can keep the CRC of what it writes (the
 * .gnu_debuglink checksum: CRC-32 as in zlib and gdb). */
struct out {
	int fd;
	uint64_t off;
	bool crc_on;
	uint32_t crc;
	uint32_t table[256];
};

static int bad(struct plan *p, const char *what)
{
	return seterr(p->err, -ENOEXEC, "malformed ELF: %s", what);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

static bool in_file(const struct plan *p, uint64_t off, uint64_t len)
{
	return off <= p->size && len <= p->size - off;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool is_alloc(const struct sec *s)
{
	return s->sh.sh_flags & SHF_ALLOC;
}

/* Whether the section occupies bytes of the file. */
static bool has_bytes(const struct sec *s)
{
	return s->sh.sh_type != SHT_NOBITS && s->sh.sh_size;
}

/* ---- output ---- */

static void out_init(struct out *w, int fd, bool crc)
{
	w->fd = fd;
	w->off = 0;
	w->crc_on = crc;
	w->crc = 0xffffffffu;
	for (uint32_t n = 0; crc && n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		w->table[n] = c;
	}
}

static int out_write(struct out *w, const void *buf, size_t n)
{
	const unsigned char *b = buf;

	for (size_t i = 0; w->crc_on && i < n; i++)
		w->crc = w->table[(w->crc ^ b[i]) & 0xff] ^ (w->crc >> 8);
	while (n) {
		ssize_t r = write(w->fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		b += r;
		n -= (size_t)r;
		w->off += (uint64_t)r;
	}
	return 0;
}

/* Zeros up to offset TO. */
static int out_pad(struct out *w, uint64_t to)
{
	static const unsigned char zeros[512];
	int r = 0;

	while (!r && w->off < to) {
		uint64_t n = to - w->off;

		r = out_write(w, zeros, n < sizeof(zeros) ? (size_t)n : sizeof(zeros));
	}
	return r;
}

/* N bytes of BUF at offset AT, zeros written up to it (a section table). */
static int out_at(struct out *w, uint64_t at, const void *buf, size_t n)
{
	int r = out_pad(w, at);

	return r < 0 ? r : out_write(w, buf, n);
}

/* LEN bytes of the input at OFF, read from the file itself. */
static int out_copy(struct out *w, int in, uint64_t off, uint64_t len)
{
	unsigned char *buf = xmalloc(CHUNK);
	int r = 0;

	while (!r && len) {
		size_t want = len < CHUNK ? (size_t)len : CHUNK;
		ssize_t got = pread(in, buf, want, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			r = got < 0 ? -errno : -EIO; /* the input shrank */
			break;
		}
		r = out_write(w, buf, (size_t)got);
		off += (uint64_t)got;
		len -= (uint64_t)got;
	}
	free(buf);
	return r;
}

/* ---- file-format conversion (the memory forms are class-specific) ---- */

static int to_file(const struct plan *p, Elf_Type type, const void *mem, size_t memsz,
		   void *file, size_t filesz)
{
	Elf_Data src = {.d_buf = (void *)mem,
			.d_type = type,
			.d_version = EV_CURRENT,
			.d_size = memsz};
	Elf_Data dst = {.d_buf = file, .d_version = EV_CURRENT, .d_size = filesz};

	/* Cannot fail on what we built; -EINVAL would be our bug. */
	return gelf_xlatetof(p->elf, &dst, &src, p->eh.e_ident[EI_DATA]) ? 0 : -EINVAL;
}

/* The ELF header EH in the file's format, p->ehsz bytes into BUF. */
static int ehdr_to_file(const struct plan *p, const GElf_Ehdr *eh, void *buf)
{
	Elf32_Ehdr e;

	if (p->eh.e_ident[EI_CLASS] == ELFCLASS64)
		return to_file(p, ELF_T_EHDR, eh, sizeof(*eh), buf, p->ehsz);
	memcpy(e.e_ident, eh->e_ident, EI_NIDENT);
	e.e_type = eh->e_type;
	e.e_machine = eh->e_machine;
	e.e_version = (Elf32_Word)eh->e_version;
	e.e_entry = (Elf32_Addr)eh->e_entry;
	e.e_phoff = (Elf32_Off)eh->e_phoff;
	e.e_shoff = (Elf32_Off)eh->e_shoff;
	e.e_flags = eh->e_flags;
	e.e_ehsize = eh->e_ehsize;
	e.e_phentsize = eh->e_phentsize;
	e.e_phnum = eh->e_phnum;
	e.e_shentsize = eh->e_shentsize;
	e.e_shnum = eh->e_shnum;
	e.e_shstrndx = eh->e_shstrndx;
	return to_file(p, ELF_T_EHDR, &e, sizeof(e), buf, p->ehsz);
}

/* N section headers in the file's format; the caller frees *ret. */
static int shdrs_to_file(const struct plan *p, const GElf_Shdr *sh, size_t n,
			 unsigned char **ret)
{
	unsigned char *file = xcalloc(n, p->shentsz);
	Elf32_Shdr *m32;
	int r;

	if (p->eh.e_ident[EI_CLASS] == ELFCLASS64) {
		r = to_file(p, ELF_T_SHDR, sh, n * sizeof(*sh), file, n * p->shentsz);
	} else {
		m32 = xcalloc(n, sizeof(*m32));
		for (size_t i = 0; i < n; i++) {
			m32[i].sh_name = sh[i].sh_name;
			m32[i].sh_type = sh[i].sh_type;
			m32[i].sh_flags = (Elf32_Word)sh[i].sh_flags;
			m32[i].sh_addr = (Elf32_Addr)sh[i].sh_addr;
			m32[i].sh_offset = (Elf32_Off)sh[i].sh_offset;
			m32[i].sh_size = (Elf32_Word)sh[i].sh_size;
			m32[i].sh_link = sh[i].sh_link;
			m32[i].sh_info = sh[i].sh_info;
			m32[i].sh_addralign = (Elf32_Word)sh[i].sh_addralign;
			m32[i].sh_entsize = (Elf32_Word)sh[i].sh_entsize;
		}
		r = to_file(p, ELF_T_SHDR, m32, n * sizeof(*m32), file, n * p->shentsz);
		free(m32);
	}
	if (r < 0) {
		free(file);
		return r;
	}
	*ret = file;
	return 0;
}

/* ---- build-id ---- */

/* The hex build-id, as libdw finds it: in the SHT_NOTE sections, or in the
 * PT_NOTE segments of a file without section headers (as stripped with
 * sections).  "" when there is none, or when it is longer than the 20
 * bytes of BUF (ld makes at most a SHA-1 but for --build-id=0xHEX). */
static void find_build_id(Elf *elf, char buf[41])
{
	const unsigned char *id;
	const void *p;
	ssize_t n = dwelf_elf_gnu_build_id(elf, &p);

	buf[0] = '\0';
	if (n <= 0 || n > 20)
		return;
	id = p;
	for (ssize_t i = 0; i < n; i++) {
		buf[2 * i] = "0123456789abcdef"[id[i] >> 4];
		buf[2 * i + 1] = "0123456789abcdef"[id[i] & 15];
	}
	buf[2 * n] = '\0';
}

/* ---- reading the input ---- */

static int read_ehdr(struct plan *p)
{
	if (elf_kind(p->elf) != ELF_K_ELF)
		return seterr(p->err, -ENOEXEC, "not an ELF file");
	if (!gelf_getehdr(p->elf, &p->eh))
		return bad(p, "truncated ELF header");
	p->ehsz = gelf_fsize(p->elf, ELF_T_EHDR, 1, EV_CURRENT);
	p->shentsz = gelf_fsize(p->elf, ELF_T_SHDR, 1, EV_CURRENT);
	if (!p->ehsz || !p->shentsz || p->size < p->ehsz)
		return bad(p, "truncated ELF header");
	if (p->eh.e_type != ET_EXEC && p->eh.e_type != ET_DYN)
		return seterr(p->err, -ENOTSUP,
			      "not stripped: not an executable or shared object");
	p->loaded = p->ehsz;
	return 0;
}

/* Every segment's bytes (not only PT_LOAD: notes and the like too) stay. */
static int read_phdrs(struct plan *p)
{
	size_t entsz = gelf_fsize(p->elf, ELF_T_PHDR, 1, EV_CURRENT), n_load = 0;

	if (elf_getphdrnum(p->elf, &p->phnum) < 0)
		return bad(p, "unreadable program header count");
	if (p->phnum > INT32_MAX ||
	    (p->phnum && (p->eh.e_phentsize != entsz ||
			  !in_file(p, p->eh.e_phoff, (uint64_t)p->phnum * entsz))))
		return bad(p, "program headers beyond the end of the file");
	/* The ELF header is rewritten: program headers inside it would change. */
	if (p->phnum && p->eh.e_phoff < p->ehsz)
		return seterr(p->err, -ENOTSUP,
			      "not stripped: the program headers overlap the ELF header");
	if (p->phnum)
		p->loaded = max_u64(p->loaded, p->eh.e_phoff + p->phnum * entsz);
	for (size_t i = 0; i < p->phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(p->elf, (int)i, &ph))
			return bad(p, "unreadable program header");
		if (ph.p_type == PT_LOAD)
			n_load++;
		if (!ph.p_filesz)
			continue;
		if (!in_file(p, ph.p_offset, ph.p_filesz))
			return bad(p, "segment beyond the end of the file");
		p->loaded = max_u64(p->loaded, ph.p_offset + ph.p_filesz);
	}
	if (!n_load)
		return seterr(p->err, -ENOTSUP, "not stripped: no PT_LOAD segment");
	return 0;
}

static int read_section(struct plan *p, size_t i)
{
	struct sec *s = &p->s[i];
	Elf_Scn *scn = elf_getscn(p->elf, i);

	if (!scn || !gelf_getshdr(scn, &s->sh))
		return bad(p, "unreadable section header");
	s->keep = true;
	if (i == 0) {
		s->name = "";
		return 0;
	}
	s->name = elf_strptr(p->elf, p->shstrndx, s->sh.sh_name);
	if (!s->name)
		return bad(p, "bad section name");
	if (s->sh.sh_type != SHT_NOBITS && !in_file(p, s->sh.sh_offset, s->sh.sh_size))
		return bad(p, "section beyond the end of the file");
	if (s->sh.sh_link >= p->shnum)
		return bad(p, "section link out of range");
	if (is_alloc(s) && has_bytes(s))
		p->loaded = max_u64(p->loaded, s->sh.sh_offset + s->sh.sh_size);
	return 0;
}

static int read_sections(struct plan *p)
{
	int r;

	if (elf_getshdrnum(p->elf, &p->shnum) < 0)
		return bad(p, "unreadable section header count");
	if (!p->shnum)
		return seterr(p->err, -ENOTSUP, "not stripped: no section headers");
	if (p->eh.e_shentsize != p->shentsz || p->shnum > p->size / p->shentsz ||
	    !in_file(p, p->eh.e_shoff, p->shnum * p->shentsz))
		return bad(p, "section headers beyond the end of the file");
	if (elf_getshdrstrndx(p->elf, &p->shstrndx) < 0 || p->shstrndx >= p->shnum)
		return bad(p, "bad section name table index");
	if (!p->shstrndx)
		return seterr(p->err, -ENOTSUP, "not stripped: no section names");
	p->s = xcalloc(p->shnum + 1, sizeof(*p->s));
	p->ns = p->shnum;
	for (size_t i = 0; i < p->shnum; i++)
		if ((r = read_section(p, i)) < 0)
			return r;
	if (is_alloc(&p->s[p->shstrndx]))
		return seterr(p->err, -ENOTSUP,
			      "not stripped: the section name table is loaded");
	return 0;
}

/* ---- what to remove ---- */

/* Debug information by name: DWARF (plain, compressed, LTO), stabs, gdb's
 * index, and the link to a dwz file that only the debug file can use. */
static bool is_debug(const char *name)
{
	static const char *const prefix[] = {
		".debug",     ".zdebug",	   ".gnu.debuglto_", ".stab",
		".gdb_index", ".gnu_debugaltlink", ".line",
	};

	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (starts(name, prefix[i]))
			return true;
	return false;
}

/* What is worth a debug file: debug information or symbols.  (A lone
 * .gnu_debugaltlink is not: a distribution's file keeps it next to its
 * .gnu_debuglink, which must then stay pointing at the real debug file.) */
static bool is_debuginfo(const struct sec *s)
{
	return (is_debug(s->name) && strcmp(s->name, ".gnu_debugaltlink")) ||
	       s->sh.sh_type == SHT_SYMTAB || !strcmp(s->name, ".gnu_debugdata");
}

/* Whether a non-allocated section stays by itself: what tools read from a
 * stripped file (notes such as the Go build ID or stapsdt probes, the link
 * to a debug file), and with STRIP_DEBUG whatever is not debug information. */
static bool wanted(const struct plan *p, size_t i)
{
	const struct sec *s = &p->s[i];

	if (p->o->sections)
		return false;
	if (i == p->shstrndx || s->sh.sh_type == SHT_NOTE || starts(s->name, ".note") ||
	    !strcmp(s->name, ".go.buildinfo") || !strcmp(s->name, ".gnu_debuglink"))
		return true;
	return p->o->mode == STRIP_DEBUG && !is_debug(s->name);
}

/* Whether sh_info names a section (rather than counting something). */
static bool info_is_section(const GElf_Shdr *sh)
{
	return sh->sh_info && (sh->sh_flags & SHF_INFO_LINK || sh->sh_type == SHT_REL ||
			       sh->sh_type == SHT_RELA);
}

/* A kept section keeps the sections it links to; relocations for a removed
 * section go with it; an extended index table follows its symbol table. */
static int close_links(struct plan *p)
{
	bool changed = true;

	for (size_t i = 1; i < p->shnum; i++) {
		struct sec *s = &p->s[i];

		if (s->keep && !is_alloc(s) && info_is_section(&s->sh) &&
		    s->sh.sh_info < p->shnum && !p->s[s->sh.sh_info].keep)
			s->keep = false;
	}
	while (changed) {
		changed = false;
		for (size_t i = 1; i < p->shnum; i++) {
			struct sec *s = &p->s[i];
			size_t link = s->sh.sh_link, info = s->sh.sh_info;

			if (info_is_section(&s->sh) && info >= p->shnum)
				return bad(p, "section info link out of range");
			if (!s->keep && s->sh.sh_type == SHT_SYMTAB_SHNDX &&
			    p->s[link].keep)
				s->keep = changed = true;
			if (!s->keep)
				continue;
			if (link && !p->s[link].keep)
				p->s[link].keep = changed = true;
			if (info_is_section(&s->sh) && !p->s[info].keep)
				p->s[info].keep = changed = true;
		}
	}
	return 0;
}

/* Whether every relocation of section I is against symbol 0. */
static bool no_symbols_used(const struct plan *p, size_t i)
{
	Elf_Scn *scn = elf_getscn(p->elf, i);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	bool rela = p->s[i].sh.sh_type == SHT_RELA;
	size_t entsz = gelf_fsize(p->elf, rela ? ELF_T_RELA : ELF_T_REL, 1, EV_CURRENT);

	if (!d || !entsz || d->d_size / entsz > INT32_MAX)
		return false;
	for (size_t j = 0; j < d->d_size / entsz; j++) {
		GElf_Rela ra;
		GElf_Rel rl;

		if (rela ? !gelf_getrela(d, (int)j, &ra) : !gelf_getrel(d, (int)j, &rl))
			return false;
		if (GELF_R_SYM(rela ? ra.r_info : rl.r_info))
			return false;
	}
	return true;
}

/* S's contents become an empty string table ("\0", made by libdw like
 * every table strip writes).  Returns 0 or -ENOMEM. */
static int empty_strtab(struct sec *s)
{
	Dwelf_Strtab *st = dwelf_strtab_init(true);
	Elf_Data d = {0};

	if (!st)
		return -ENOMEM;
	if (dwelf_strtab_finalize(st, &d)) {
		s->buf = d.d_buf;
		s->len = d.d_size;
	}
	dwelf_strtab_free(st);
	return s->buf ? 0 : -ENOMEM;
}

/* A static program's loaded .rela.plt (IRELATIVE relocations, symbol 0)
 * names .symtab as its symbol table.  Rather than keep the table for that,
 * it stays as a stub: the null symbol and an empty string table.  Returns
 * 0 or -ENOMEM. */
static int stub_symtab(struct plan *p)
{
	for (size_t i = 1; i < p->shnum; i++) {
		const struct sec *r = &p->s[i];
		struct sec *sym = &p->s[r->sh.sh_link], *str;
		size_t symsz = gelf_fsize(p->elf, ELF_T_SYM, 1, EV_CURRENT);

		if (!is_alloc(r) ||
		    (r->sh.sh_type != SHT_RELA && r->sh.sh_type != SHT_REL) ||
		    !r->sh.sh_link || sym->keep || sym->sh.sh_type != SHT_SYMTAB ||
		    !sym->sh.sh_link || !symsz || !no_symbols_used(p, i))
			continue;
		for (size_t j = 1; j < p->shnum; j++)
			if (p->s[j].sh.sh_type == SHT_SYMTAB_SHNDX &&
			    p->s[j].sh.sh_link == r->sh.sh_link)
				return 0;
		str = &p->s[sym->sh.sh_link];
		if (str->keep || str->sh.sh_type != SHT_STRTAB)
			continue;
		sym->keep = sym->stub = str->keep = str->stub = true;
		sym->len = symsz;
		sym->buf = xcalloc(1, symsz);
		sym->info = 1;
		if (empty_strtab(str) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Past MAX_SHARED_NAMES, each name on its own. */
static void names_unshared(struct plan *p, unsigned char **ret, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '\0');
	for (size_t i = 1; i < p->ns; i++) {
		if (!p->s[i].keep)
			continue;
		p->s[i].name_off = sb.len;
		strbuf_add(&sb, p->s[i].name, strlen(p->s[i].name) + 1);
	}
	*ret_len = sb.len;
	*ret = (unsigned char *)strbuf_detach(&sb);
}

/* A new string table of the names of the kept sections, built by libdw as
 * elfutils' strip builds its own: a name that ends another shares its bytes
 * (".plt" in ".rela.plt").  Sets name_off; *ret (malloc'd, the caller
 * frees) and *ret_len get the table.  Returns 0 or -ENOMEM. */
static int lay_out_names(struct plan *p, unsigned char **ret, size_t *ret_len)
{
	Dwelf_Strtab *st = NULL;
	Dwelf_Strent **ent = NULL;
	Elf_Data d = {0};
	size_t n = 0;
	int r = -ENOMEM;

	for (size_t i = 1; i < p->ns; i++)
		n += p->s[i].keep;
	if (n > MAX_SHARED_NAMES) {
		names_unshared(p, ret, ret_len);
		return 0;
	}
	ent = xcalloc(p->ns, sizeof(*ent));
	if (!(st = dwelf_strtab_init(true)))
		goto out;
	for (size_t i = 1; i < p->ns; i++)
		if (p->s[i].keep && !(ent[i] = dwelf_strtab_add(st, p->s[i].name)))
			goto out;
	if (!dwelf_strtab_finalize(st, &d))
		goto out;
	for (size_t i = 1; i < p->ns; i++)
		if (ent[i])
			p->s[i].name_off = dwelf_strent_off(ent[i]);
	*ret = d.d_buf;
	*ret_len = d.d_size;
	r = 0;
out:
	if (st)
		dwelf_strtab_free(st);
	free(ent);
	return r;
}

/* Whether .shstrtab, after the loaded part, would shrink rewritten: it
 * still holds the names of sections removed before (as distributions
 * leave it), or could share tails.  Returns 0 or -ENOMEM. */
static int stale_names(struct plan *p, bool *ret)
{
	const struct sec *t = &p->s[p->shstrndx];
	unsigned char *buf;
	size_t len;
	int r;

	*ret = false;
	if (t->sh.sh_offset < p->loaded)
		return 0;
	if ((r = lay_out_names(p, &buf, &len)) < 0)
		return r;
	*ret = len < t->sh.sh_size;
	free(buf);
	return 0;
}

static int choose(struct plan *p)
{
	int r;

	for (size_t i = 1; i < p->shnum; i++)
		if (!is_alloc(&p->s[i]))
			p->s[i].keep = wanted(p, i);
	if (!p->o->sections && ((r = stub_symtab(p)) < 0 || (r = close_links(p)) < 0))
		return r;
	p->removes = p->o->sections;
	for (size_t i = 1; i < p->shnum; i++) {
		if (p->s[i].keep && !p->s[i].stub)
			continue;
		p->removes = true;
		if (p->o->debug_fd >= 0 && is_debuginfo(&p->s[i]))
			p->debug = true;
	}
	if (!p->removes && !p->o->sections)
		return stale_names(p, &p->removes);
	return 0;
}

/* The .gnu_debuglink contents: the name, NUL-padded to 4, then the CRC
 * (filled in once the debug file is written).  An existing one is reused
 * only as PROGBITS: under that name a crafted file can have, say, a symbol
 * table, whose contents are rewritten on their own. */
static int add_debuglink(struct plan *p)
{
	const char *name = p->o->debuglink;
	size_t n, i;
	struct sec *s;

	if (!p->debug || !name || p->o->sections)
		return 0;
	n = strlen(name);
	if (!n || n > MAX_LINK_NAME || strchr(name, '/'))
		return seterr(p->err, -EINVAL, "bad debug link name '%s'", name);
	for (i = 1; i < p->shnum; i++)
		if (p->s[i].keep && !is_alloc(&p->s[i]) &&
		    !strcmp(p->s[i].name, ".gnu_debuglink"))
			break;
	if (i < p->shnum && p->s[i].sh.sh_type != SHT_PROGBITS)
		return seterr(p->err, -ENOTSUP,
			      "not stripped: section .gnu_debuglink is not PROGBITS");
	if (i == p->shnum) {
		s = &p->s[p->ns++];
		s->name = ".gnu_debuglink";
		s->keep = true;
		s->sh.sh_type = SHT_PROGBITS;
		s->sh.sh_addralign = 4;
	}
	s = &p->s[i];
	s->len = align_up(n + 1, 4) + 4;
	s->buf = xcalloc(1, s->len);
	memcpy(s->buf, name, n);
	p->link = i;
	return 0;
}

static void number(struct plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ns; i++)
		p->s[i].idx = p->s[i].keep ? n++ : REMOVED;
	p->nout = n;
}

/* Sections whose bytes lie in the loaded region stay where they are: one to
 * be removed there could only be hidden, not removed, so the file is left
 * alone; nor may an allocated section overlap the ELF header we rewrite. */
static int check_places(struct plan *p)
{
	for (size_t i = 1; i < p->shnum; i++) {
		const struct sec *s = &p->s[i];

		if (!has_bytes(s))
			continue;
		if (is_alloc(s)) {
			if (s->sh.sh_offset < p->ehsz)
				return seterr(p->err, -ENOTSUP,
					      "not stripped: "
					      "section %s overlaps the ELF header",
					      s->name);
			continue;
		}
		if (p->o->sections || s->sh.sh_offset >= p->loaded || i == p->shstrndx)
			continue;
		if (!s->keep)
			return seterr(p->err, -ENOTSUP,
				      "not stripped: section %s "
				      "lies inside the loaded part of the file",
				      s->name);
		if (s->sh.sh_offset + s->sh.sh_size > p->loaded && !s->buf)
			return seterr(p->err, -ENOTSUP,
				      "not stripped: section %s "
				      "straddles the end of the loaded part",
				      s->name);
	}
	return 0;
}

/* ---- symbol tables: they name sections by index ---- */

static size_t sym_shndx(const struct plan *p, const void *mem, size_t j)
{
	if (p->eh.e_ident[EI_CLASS] == ELFCLASS64)
		return ((const Elf64_Sym *)mem)[j].st_shndx;
	return ((const Elf32_Sym *)mem)[j].st_shndx;
}

static void set_sym_shndx(const struct plan *p, void *mem, size_t j, size_t v)
{
	if (p->eh.e_ident[EI_CLASS] == ELFCLASS64)
		((Elf64_Sym *)mem)[j].st_shndx = (Elf64_Section)v;
	else
		((Elf32_Sym *)mem)[j].st_shndx = (Elf32_Section)v;
}

/* Whether a symbol in section SH must be renumbered (*moves) or dropped
 * (*drops, it names a removed section); -ENOTSUP when that cannot be. */
static int sym_fate(struct plan *p, const struct sec *s, size_t sh, bool *moves,
		    bool *drops)
{
	if (sh == SHN_UNDEF || sh >= SHN_LORESERVE || sh >= p->shnum ||
	    p->s[sh].idx == sh)
		return 0;
	if (is_alloc(s))
		return seterr(p->err, -ENOTSUP,
			      "not stripped: removing sections "
			      "would renumber %s, which %s names",
			      p->s[sh].name, s->name);
	if (p->s[sh].idx >= SHN_LORESERVE && p->s[sh].idx != REMOVED)
		return seterr(p->err, -ENOTSUP, "not stripped: too many sections");
	if (p->s[sh].idx == REMOVED)
		*drops = true;
	else
		*moves = true;
	return 0;
}

/* Whether a kept section other than its name table refers to section I
 * (relocations kept by --emit-relocs name symbols by index). */
static bool linked_to(const struct plan *p, size_t i)
{
	for (size_t j = 1; j < p->shnum; j++)
		if (p->s[j].keep && p->s[j].sh.sh_link == i)
			return true;
	return false;
}

/* The symbol table without the symbols of removed sections (section
 * symbols of .debug_*, on some linkers), the others renumbered. */
static int rewrite_symtab(struct plan *p, size_t i, const Elf_Data *d, size_t n)
{
	struct sec *s = &p->s[i];
	size_t memsz = p->eh.e_ident[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Sym)
							     : sizeof(Elf32_Sym),
	       k = 0, locals = s->sh.sh_info;
	unsigned char *mem = xmalloc(d->d_size ? d->d_size : 1);
	int r;

	for (size_t j = 0; j < n; j++) {
		size_t sh = sym_shndx(p, d->d_buf, j);
		bool numbered = sh && sh < SHN_LORESERVE && sh < p->shnum;

		if (numbered && p->s[sh].idx == REMOVED) {
			locals -= j < s->sh.sh_info;
			continue;
		}
		memcpy(mem + k * memsz, (const unsigned char *)d->d_buf + j * memsz,
		       memsz);
		if (numbered)
			set_sym_shndx(p, mem, k, p->s[sh].idx);
		k++;
	}
	s->len = k * memsz;
	s->buf = xmalloc(s->len ? s->len : 1);
	s->info = (uint32_t)locals;
	r = to_file(p, ELF_T_SYM, mem, s->len, s->buf, s->len);
	free(mem);
	return r;
}

/* The dynamic symbol table is loaded, so the sections it names must keep
 * their indexes; a kept .symtab is rewritten when they move or go. */
static int check_symbols(struct plan *p, size_t i)
{
	struct sec *s = &p->s[i];
	Elf_Scn *scn = elf_getscn(p->elf, i);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	size_t symsz = gelf_fsize(p->elf, ELF_T_SYM, 1, EV_CURRENT), n;
	bool moves = false, drops = false, xindex = false;
	int r;

	if (!d || d->d_type != ELF_T_SYM || !symsz || d->d_size != s->sh.sh_size ||
	    d->d_size % symsz || s->sh.sh_info > d->d_size / symsz)
		return bad(p, "unreadable symbol table");
	n = d->d_size / symsz;
	for (size_t j = 0; j < n; j++) {
		size_t sh = sym_shndx(p, d->d_buf, j);

		xindex |= sh == SHN_XINDEX;
		if ((r = sym_fate(p, s, sh, &moves, &drops)) < 0)
			return r;
	}
	if (!moves && !drops)
		return 0;
	if (xindex)
		return seterr(p->err, -ENOTSUP,
			      "not stripped: %s uses extended "
			      "section indexes",
			      s->name);
	if (drops && linked_to(p, i))
		return seterr(p->err, -ENOTSUP,
			      "not stripped: %s names removed "
			      "sections and other sections name its symbols",
			      s->name);
	return rewrite_symtab(p, i, d, n);
}

static int check_all_symbols(struct plan *p)
{
	int r;

	for (size_t i = 1; i < p->shnum; i++) {
		uint32_t t = p->s[i].sh.sh_type;

		if (p->s[i].keep && !p->s[i].stub &&
		    (t == SHT_SYMTAB || t == SHT_DYNSYM) && (r = check_symbols(p, i)) < 0)
			return r;
	}
	return 0;
}

/* ---- layout ---- */

/* The section name table: the input's when it lies in the loaded part
 * (where its bytes stay anyway, as in Go programs) and no name is new;
 * otherwise a new one, holding only the names that stay. */
static int new_shstrtab(struct plan *p)
{
	struct sec *s = &p->s[p->shstrndx];
	int r;

	if (p->ns == p->shnum && has_bytes(s) &&
	    s->sh.sh_offset + s->sh.sh_size <= p->loaded) {
		for (size_t i = 1; i < p->ns; i++)
			p->s[i].name_off = p->s[i].sh.sh_name;
		return 0;
	}
	if ((r = lay_out_names(p, &s->buf, &s->len)) < 0)
		return r;
	if (s->len > UINT32_MAX)
		return seterr(p->err, -ENOTSUP, "not stripped: too many section names");
	return 0;
}

static int place_tail(struct plan *p)
{
	uint64_t off = p->loaded, align;

	for (size_t i = 1; i < p->ns; i++) {
		struct sec *s = &p->s[i];
		uint64_t len = s->buf ? s->len : s->sh.sh_size;

		s->off = s->sh.sh_offset;
		if (!s->keep || is_alloc(s))
			continue;
		if (!s->buf && s->sh.sh_offset < p->loaded)
			continue;
		if (!s->buf && !has_bytes(s)) {
			s->off = off;
			continue;
		}
		align = s->sh.sh_addralign;
		if (align > MAX_ALIGN || (align & (align - 1)))
			return seterr(p->err, -ENOTSUP,
				      "not stripped: section %s has "
				      "an unusual alignment",
				      s->name);
		off = align_up(off, align) + len;
		s->off = off - len;
		s->tail = true;
	}
	p->shoff = align_up(off, p->eh.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4);
	p->out_size = p->shoff + p->nout * p->shentsz;
	return 0;
}

/* Where each section goes in the debug file: bytes for what was removed,
 * the notes and the name table, NOBITS for the rest. */
static bool dbg_has_data(const struct plan *p, size_t i)
{
	const struct sec *s = &p->s[i];

	return s->sh.sh_type != SHT_NOBITS &&
	       (!s->keep || s->stub || i == p->shstrndx || s->sh.sh_type == SHT_NOTE);
}

static int place_debug(struct plan *p)
{
	uint64_t off = p->ehsz, align;

	p->dbg_phoff = p->phnum ? off : 0;
	off += p->phnum * p->eh.e_phentsize;
	for (size_t i = 1; i < p->shnum; i++) {
		struct sec *s = &p->s[i];

		align = s->sh.sh_addralign;
		if (dbg_has_data(p, i) && align <= MAX_ALIGN && !(align & (align - 1)))
			off = align_up(off, align);
		s->dbg_off = off;
		if (dbg_has_data(p, i))
			off += s->sh.sh_size;
	}
	p->dbg_shoff = align_up(off, p->eh.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4);
	if (p->eh.e_ident[EI_CLASS] == ELFCLASS32 &&
	    p->dbg_shoff + p->shnum * p->shentsz > UINT32_MAX)
		return seterr(p->err, -ENOTSUP, "not stripped: debug file too big");
	return 0;
}

static int plan(struct plan *p)
{
	int r;

	if ((r = read_ehdr(p)) < 0 || (r = read_phdrs(p)) < 0 ||
	    (r = read_sections(p)) < 0 || (r = choose(p)) < 0)
		return r;
	if (!p->removes)
		return 0;
	if (p->o->sections && p->eh.e_phnum == PN_XNUM)
		return seterr(p->err, -ENOTSUP,
			      "not stripped: the program header "
			      "count lives in the section headers");
	if ((r = add_debuglink(p)) < 0)
		return r;
	number(p);
	if ((r = check_places(p)) < 0 || (p->debug && (r = place_debug(p)) < 0))
		return r;
	if (p->o->sections) {
		p->out_size = p->loaded; /* the floor: no section headers */
		return 0;
	}
	if ((r = check_all_symbols(p)) < 0 || (r = new_shstrtab(p)) < 0 ||
	    (r = place_tail(p)) < 0)
		return r;
	if (p->eh.e_ident[EI_CLASS] == ELFCLASS32 && p->out_size > UINT32_MAX)
		return seterr(p->err, -ENOTSUP, "not stripped: output too big");
	return 0;
}

/* ---- writing ---- */

static int write_debug(struct plan *p, uint32_t *crc)
{
	GElf_Ehdr eh = p->eh;
	GElf_Shdr *sh = xcalloc(p->shnum, sizeof(*sh));
	unsigned char *hdr = xmalloc(p->ehsz), *tab = NULL;
	struct out w;
	int r;

	out_init(&w, p->o->debug_fd, true);
	eh.e_phoff = p->dbg_phoff;
	eh.e_shoff = p->dbg_shoff;
	for (size_t i = 0; i < p->shnum; i++) {
		sh[i] = p->s[i].sh;
		if (!i)
			continue;
		sh[i].sh_offset = p->s[i].dbg_off;
		if (!dbg_has_data(p, i))
			sh[i].sh_type = SHT_NOBITS;
	}
	if ((r = ehdr_to_file(p, &eh, hdr)) < 0 ||
	    (r = shdrs_to_file(p, sh, p->shnum, &tab)) < 0 ||
	    (r = out_write(&w, hdr, p->ehsz)) < 0 ||
	    (r = out_copy(&w, p->in, p->eh.e_phoff, p->phnum * p->eh.e_phentsize)) < 0)
		goto out;
	for (size_t i = 1; i < p->shnum; i++) {
		if (!dbg_has_data(p, i))
			continue;
		if ((r = out_pad(&w, p->s[i].dbg_off)) < 0 ||
		    (r = out_copy(&w, p->in, p->s[i].sh.sh_offset, p->s[i].sh.sh_size)) <
			    0)
			goto out;
	}
	if ((r = out_at(&w, p->dbg_shoff, tab, p->shnum * p->shentsz)) < 0)
		goto out;
	*crc = ~w.crc;
out:
	free(sh);
	free(hdr);
	free(tab);
	return r;
}

static void put_crc(struct plan *p, uint32_t crc)
{
	struct sec *s = &p->s[p->link];
	unsigned char *b = s->buf + s->len - 4;

	for (int k = 0; k < 4; k++) {
		int shift = p->eh.e_ident[EI_DATA] == ELFDATA2MSB ? 24 - 8 * k : 8 * k;

		b[k] = (unsigned char)(crc >> shift);
	}
}

/* The stripped file's section headers, indexes and offsets renumbered. */
static GElf_Shdr *new_shdrs(const struct plan *p)
{
	GElf_Shdr *sh = xcalloc(p->nout, sizeof(*sh));
	size_t strndx = p->s[p->shstrndx].idx;

	for (size_t i = 0; i < p->ns; i++) {
		const struct sec *s = &p->s[i];
		GElf_Shdr *d;

		/* idx is REMOVED for a dropped section: no pointer from it. */
		if (!s->keep)
			continue;
		d = &sh[s->idx];
		*d = s->sh;
		if (!i) {
			d->sh_size = p->nout >= SHN_LORESERVE ? p->nout : 0;
			d->sh_link = strndx >= SHN_LORESERVE ? (uint32_t)strndx : 0;
			continue;
		}
		d->sh_name = (uint32_t)s->name_off;
		d->sh_offset = s->off;
		if (s->buf)
			d->sh_size = s->len;
		if (s->buf && s->sh.sh_type == SHT_SYMTAB)
			d->sh_info = s->info;
		if (s->sh.sh_link)
			d->sh_link = (uint32_t)p->s[s->sh.sh_link].idx;
		if (info_is_section(&s->sh))
			d->sh_info = (uint32_t)p->s[s->sh.sh_info].idx;
	}
	return sh;
}

static int write_stripped(struct plan *p, int fd)
{
	GElf_Ehdr eh = p->eh;
	GElf_Shdr *sh = NULL;
	unsigned char *hdr = xmalloc(p->ehsz), *tab = NULL;
	size_t strndx = p->s[p->shstrndx].idx;
	struct out w;
	int r;

	out_init(&w, fd, false);
	eh.e_shoff = p->o->sections ? 0 : p->shoff;
	eh.e_shnum = p->o->sections || p->nout >= SHN_LORESERVE ? 0 : (uint16_t)p->nout;
	eh.e_shstrndx = p->o->sections		  ? SHN_UNDEF
			: strndx >= SHN_LORESERVE ? SHN_XINDEX
						  : (uint16_t)strndx;
	if ((r = ehdr_to_file(p, &eh, hdr)) < 0 ||
	    (r = out_write(&w, hdr, p->ehsz)) < 0 ||
	    (r = out_copy(&w, p->in, p->ehsz, p->loaded - p->ehsz)) < 0 || p->o->sections)
		goto out;
	for (size_t i = 1; i < p->ns; i++) {
		const struct sec *s = &p->s[i];

		if (!s->keep || !s->tail)
			continue;
		if ((r = out_pad(&w, s->off)) < 0 ||
		    (r = s->buf ? out_write(&w, s->buf, s->len)
				: out_copy(&w, p->in, s->sh.sh_offset, s->sh.sh_size)) <
			    0)
			goto out;
	}
	sh = new_shdrs(p);
	if ((r = shdrs_to_file(p, sh, p->nout, &tab)) < 0 ||
	    (r = out_at(&w, p->shoff, tab, p->nout * p->shentsz)) < 0)
		goto out;
out:
	free(sh);
	free(hdr);
	free(tab);
	return r;
}


static int open_elf(int in, struct plan *p)
{
	struct stat st;

	if (fstat(in, &st) < 0)
		return seterr(p->err, -errno, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return seterr(p->err, -EISDIR, "is a directory");
	if (!S_ISREG(st.st_mode))
		return seterr(p->err, -ENOEXEC, "not a regular file");
	p->size = (uint64_t)st.st_size;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return seterr(p->err, -ENOSYS, "libelf is out of date");
	p->elf = elf_begin(in, ELF_C_READ, NULL);
	if (!p->elf)
		return seterr(p->err, -ENOEXEC, "cannot read: %s", elf_errmsg(-1));
	return 0;
}

int strip_fd(int in, int out, const struct strip_opts *o, struct strip_result *res,
	     struct strbuf *err)
{
	static const struct strip_opts defaults = {STRIP_ALL, false, -1, NULL};
	struct plan p = {.in = in, .o = o ? o : &defaults, .err = err};
	struct strip_result rs = {0};
	uint32_t crc = 0;
	int r;

	if ((r = open_elf(in, &p)) < 0)
		goto out;
	/* Nothing to do: OUT stays untouched and the caller copies IN (a
	 * second copy here would double the cost for already-stripped files). */
	if (p.o->mode == STRIP_NONE) {
		find_build_id(p.elf, rs.build_id);
		rs.out_size = (off_t)p.size;
		goto done;
	}
	if ((r = plan(&p)) < 0)
		goto out;
	find_build_id(p.elf, rs.build_id);
	/* New headers can outweigh a small removal: then the input is best. */
	if (!p.removes || (!p.debug && p.out_size > p.size)) {
		rs.out_size = (off_t)p.size;
		goto done;
	}
	if (p.debug && (r = write_debug(&p, &crc)) < 0)
		goto done;
	if (p.link)
		put_crc(&p, crc);
	r = write_stripped(&p, out);
	rs.stripped = true;
	rs.out_size = (off_t)p.out_size;
done:
	if (r < 0) {
		seterr(err, r, "cannot write: %s", strerror(-r));
		goto out;
	}
	rs.in_size = (off_t)p.size;
	if (res)
		*res = rs;
out:
	for (size_t i = 0; p.s && i < p.ns; i++)
		free(p.s[i].buf);
	free(p.s);
	if (p.elf)
		elf_end(p.elf);
	return r;
}

int strip_build_id(int in, char buf[41])
{
	Elf *elf;

	buf[0] = '\0';
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	elf = elf_begin(in, ELF_C_READ, NULL);
	if (!elf)
		return -ENOEXEC;
	if (elf_kind(elf) != ELF_K_ELF) {
		elf_end(elf);
		return -ENOEXEC;
	}
	find_build_id(elf, buf);
	elf_end(elf);
	return 0;
}
