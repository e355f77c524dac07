/* ldconf: ld.so.cache, ld.so.conf and musl path files; see ldconf.h. */
#include <config.h>

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/ldconf.h"

/* Layout of the cache (glibc sysdeps/generic/dl-cache.h). */
#define OLD_MAGIC "ld.so-1.7.0"
#define OLD_MAGIC_LEN 11
#define OLD_HEADER 16		/* magic padded to 12, uint32 nlibs */
#define OLD_ENTRY 12		/* int32 flags, uint32 key, uint32 value */
#define NEW_MAGIC "glibc-ld.so.cache1.1"
#define NEW_MAGIC_LEN 20
#define NEW_HEADER 48
#define NEW_ENTRY 24		/* old entry, uint32 osversion, uint64 hwcap */
#define EXT_MAGIC 0xeaa42174u
#define EXT_HEADER 8		/* uint32 magic, uint32 count */
#define EXT_SECTION 16		/* uint32 tag, flags, offset, size */
#define EXT_TAG_GENERATOR 0
#define EXT_TAG_HWCAPS 1
#define HWCAP_EXTENSION (UINT64_C(1) << 62)
#define HWCAP_ISA_LEVEL_MASK UINT64_C(0x3ff)

/* Entry flags (glibc sysdeps/generic/ldconfig.h). */
#define FLAG_ELF 0x0001
#define FLAG_ELF_LIBC6 0x0003
#define FLAG_SPARC_LIB64 0x0100
#define FLAG_X8664_LIB64 0x0300
#define FLAG_S390_LIB64 0x0400
#define FLAG_POWERPC_LIB64 0x0500
#define FLAG_MIPS64_LIBN32 0x0600
#define FLAG_MIPS64_LIBN64 0x0700
#define FLAG_X8664_LIBX32 0x0800
#define FLAG_ARM_LIBHF 0x0900
#define FLAG_AARCH64_LIB64 0x0a00
#define FLAG_ARM_LIBSF 0x0b00
#define FLAG_MIPS_LIB32_NAN2008 0x0c00
#define FLAG_MIPS64_LIBN32_NAN2008 0x0d00
#define FLAG_MIPS64_LIBN64_NAN2008 0x0e00
#define FLAG_RISCV_FLOAT_ABI_SOFT 0x0f00
#define FLAG_RISCV_FLOAT_ABI_DOUBLE 0x1000
#define FLAG_LARCH_FLOAT_ABI_SOFT 0x1100
#define FLAG_LARCH_FLOAT_ABI_DOUBLE 0x1200

/* e_flags bits that select the ABI, for <elf.h> files that predate them. */
#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EF_ARM_ABI_FLOAT_HARD
#define EF_ARM_ABI_FLOAT_HARD 0x400
#endif
#ifndef EF_MIPS_ABI2
#define EF_MIPS_ABI2 0x20
#endif
#ifndef EF_MIPS_NAN2008
#define EF_MIPS_NAN2008 0x400
#endif
#ifndef EF_RISCV_FLOAT_ABI
#define EF_RISCV_FLOAT_ABI 0x6
#endif
#define LARCH_ABI_MASK 0x7
#define LARCH_ABI_SOFT_FLOAT 0x1

/* ldconf_load limits. */
#define LDCONF_MAX_SIZE (1024 * 1024)
#define LDCONF_MAX_DEPTH 16

/* ---- ld.so.cache ------------------------------------------------------ */

/* The file being parsed: the owned copy and the byte order to read it in. */
struct cache_parse {
	struct ldcache *c;
	const unsigned char *b;
	size_t len;
	bool big;
	/* One past the last NUL in the buffer (0 if none): a string starting
	 * before it is terminated inside the buffer.  Checking this instead
	 * of scanning each string keeps hostile files linear. */
	size_t nul_end;
	size_t hwcaps_off;	/* file offset of the glibc-hwcaps array */
	uint32_t hwcaps_n;	/* its element count; 0 when absent */
};

static uint32_t get32(const struct cache_parse *p, size_t off)
{
	const unsigned char *q = p->b + off;

	if (p->big)
		return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
		       (uint32_t)q[2] << 8 | q[3];
	return (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 |
	       (uint32_t)q[1] << 8 | q[0];
}

static uint64_t get64(const struct cache_parse *p, size_t off)
{
	uint64_t a = get32(p, off), b = get32(p, off + 4);

	return p->big ? a << 32 | b : b << 32 | a;
}

/* The string at BASE + OFF, or NULL if it starts or ends outside the file. */
static const char *cache_str(const struct cache_parse *p, size_t base,
			     uint32_t off)
{
	size_t start;

	if (base > p->len || off >= p->len - base)
		return NULL;
	start = base + off;
	if (start >= p->nul_end)
		return NULL;
	return p->c->buf + start;
}

static bool is_hwcaps_extension(uint64_t hwcap)
{
	return ((hwcap >> 32) & ~HWCAP_ISA_LEVEL_MASK) ==
	       (HWCAP_EXTENSION >> 32);
}

/* Appends to c->entries, which parse_new/parse_old sized for every entry. */
static void add_entry(struct cache_parse *p, int32_t flags, uint64_t hwcap,
		      const char *key, const char *value, const char *subdir)
{
	struct ldcache_entry *e = &p->c->entries[p->c->n_entries++];

	e->flags = flags;
	e->hwcap = hwcap;
	e->key = key;
	e->value = value;
	e->hwcaps_subdir = subdir;
}

/*
 * Reads the extension directory at file offset OFF.  Like ld.so, a malformed
 * directory is ignored as a whole rather than failing the cache: entries then
 * simply have no hwcaps subdirectory name.
 */
static void parse_extensions(struct cache_parse *p, uint32_t off)
{
	size_t gen_off = 0, gen_size = 0, hw_off = 0, hw_size = 0;
	bool have_gen = false, have_hw = false;
	uint32_t count;

	if (off == 0 || off % 4 || off > p->len || p->len - off < EXT_HEADER)
		return;
	if (get32(p, off) != EXT_MAGIC)
		return;
	count = get32(p, off + 4);
	if ((p->len - off - EXT_HEADER) / EXT_SECTION < count)
		return;
	for (uint32_t i = 0; i < count; i++) {
		size_t s = off + EXT_HEADER + (size_t)i * EXT_SECTION;
		uint32_t tag = get32(p, s), soff = get32(p, s + 8);
		uint32_t size = get32(p, s + 12);

		if (soff > p->len || size > p->len - soff)
			return;
		if (tag == EXT_TAG_GENERATOR) {
			have_gen = true;
			gen_off = soff;
			gen_size = size;
		} else if (tag == EXT_TAG_HWCAPS) {
			have_hw = true;
			hw_off = soff;
			hw_size = size;
		}
	}
	if (have_gen)
		p->c->generator = xstrndup(p->c->buf + gen_off,
					   strnlen(p->c->buf + gen_off, gen_size));
	if (have_hw && hw_size && hw_off % 4 == 0 && hw_size % 4 == 0) {
		p->hwcaps_off = hw_off;
		p->hwcaps_n = (uint32_t)(hw_size / 4);
	}
}

/*
 * The glibc-hwcaps subdirectory name of an extension entry.  ldconfig writes
 * the array's string offsets relative to the new-format header, as all other
 * strings; ld.so reads them relative to the start of the file.  The two agree
 * for every cache without the libc5 part in front, and for the rare compat
 * file with hwcaps entries the writer's convention gives the real names.
 */
static const char *hwcaps_subdir(const struct cache_parse *p, size_t base,
				 uint64_t hwcap)
{
	uint32_t idx = (uint32_t)hwcap;

	if (!is_hwcaps_extension(hwcap) || idx >= p->hwcaps_n)
		return NULL;
	return cache_str(p, base, get32(p, p->hwcaps_off + (size_t)idx * 4));
}

/* The new format, with its header at file offset OFF. */
static int parse_new(struct cache_parse *p, size_t off, struct strbuf *err)
{
	uint32_t nlibs;
	unsigned char fl;

	if (p->len - off < NEW_HEADER)
		return seterr(err, -EINVAL, "ld.so.cache: truncated header");
	p->c->new_format = true;
	/* A cache written for the other byte order is ignored by ld.so.  The
	 * flag is a byte, so it is checked before any count read in the
	 * wrong order can make the file look corrupt. */
	fl = p->b[off + 28];
	if (fl != 0 && (fl & 3) != (p->big ? 3 : 2))
		return 0;
	nlibs = get32(p, off + 20);
	if ((p->len - off - NEW_HEADER) / NEW_ENTRY < nlibs)
		return seterr(err, -EINVAL,
			      "ld.so.cache: %" PRIu32 " entries do not fit in the file",
			      nlibs);
	parse_extensions(p, get32(p, off + 32));
	p->c->entries = xcalloc(nlibs, sizeof(*p->c->entries));
	for (uint32_t i = 0; i < nlibs; i++) {
		size_t e = off + NEW_HEADER + (size_t)i * NEW_ENTRY;
		uint64_t hwcap = get64(p, e + 16);
		const char *key = cache_str(p, off, get32(p, e + 4));
		const char *value = cache_str(p, off, get32(p, e + 8));

		if (!key || !value)
			return seterr(err, -EINVAL,
				      "ld.so.cache: entry %" PRIu32 " has a bad string offset",
				      i);
		add_entry(p, (int32_t)get32(p, e), hwcap, key, value,
			  hwcaps_subdir(p, off, hwcap));
	}
	return 0;
}

/* The libc5 format, possibly with a new-format cache hidden in its string
 * table (the "compat" file). */
static int parse_old(struct cache_parse *p, struct strbuf *err)
{
	static const size_t aligns[] = { 8, 4 };
	uint32_t nlibs;
	size_t end;

	if (p->len < OLD_HEADER)
		return seterr(err, -EINVAL, "ld.so.cache: truncated header");
	nlibs = get32(p, 12);
	if ((p->len - OLD_HEADER) / OLD_ENTRY < nlibs)
		return seterr(err, -EINVAL,
			      "ld.so.cache: %" PRIu32 " entries do not fit in the file",
			      nlibs);
	end = OLD_HEADER + (size_t)nlibs * OLD_ENTRY;
	/* ALIGN_CACHE is the alignment of struct cache_file_new on the
	 * machine that wrote the file: 8 on 64-bit, 4 on i386. */
	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		size_t off = (end + aligns[i] - 1) & ~(aligns[i] - 1);

		if (off <= p->len && p->len - off >= NEW_HEADER &&
		    !memcmp(p->b + off, NEW_MAGIC, NEW_MAGIC_LEN))
			return parse_new(p, off, err);
	}
	p->c->entries = xcalloc(nlibs, sizeof(*p->c->entries));
	for (uint32_t i = 0; i < nlibs; i++) {
		size_t e = OLD_HEADER + (size_t)i * OLD_ENTRY;
		const char *key = cache_str(p, end, get32(p, e + 4));
		const char *value = cache_str(p, end, get32(p, e + 8));

		if (!key || !value)
			return seterr(err, -EINVAL,
				      "ld.so.cache: entry %" PRIu32 " has a bad string offset",
				      i);
		add_entry(p, (int32_t)get32(p, e), 0, key, value, NULL);
	}
	return 0;
}

int ldcache_parse(const void *buf, size_t len, unsigned char ei_data,
		  struct ldcache **ret, struct strbuf *err)
{
	struct cache_parse p = { 0 };
	struct ldcache *c = NULL;
	const unsigned char *nul;
	int r;

	if (ei_data != ELFDATA2LSB && ei_data != ELFDATA2MSB)
		return seterr(err, -EINVAL, "ld.so.cache: unknown byte order %u",
			      ei_data);
	c = xcalloc(1, sizeof(*c));
	c->buf = xmalloc(len);
	if (len)
		memcpy(c->buf, buf, len);
	c->len = len;
	p.c = c;
	p.b = (const unsigned char *)c->buf;
	p.len = len;
	p.big = ei_data == ELFDATA2MSB;
	nul = len ? memrchr(p.b, '\0', len) : NULL;
	p.nul_end = nul ? (size_t)(nul - p.b) + 1 : 0;

	/* The order of the checks is ld.so's (_dl_load_cache_lookup). */
	if (len >= NEW_MAGIC_LEN && !memcmp(p.b, NEW_MAGIC, NEW_MAGIC_LEN))
		r = parse_new(&p, 0, err);
	else if (len >= OLD_MAGIC_LEN && !memcmp(p.b, OLD_MAGIC, OLD_MAGIC_LEN))
		r = parse_old(&p, err);
	else
		r = seterr(err, -EINVAL, "not an ld.so.cache file");
	if (r < 0)
		goto out;
	*ret = c;
	c = NULL;
out:
	ldcache_free(c);
	return r;
}

void ldcache_free(struct ldcache *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c->generator);
	free(c->entries);
	free(c);
}

int ldcache_libcmp(const char *p1, const char *p2)
{
	/* glibc's code; the values are accumulated unsigned so that an absurd
	 * run of digits wraps as it does in practice there, without the
	 * undefined behaviour of signed overflow. */
	while (*p1 != '\0') {
		if (*p1 >= '0' && *p1 <= '9') {
			unsigned v1, v2;

			if (!(*p2 >= '0' && *p2 <= '9'))
				return 1;
			v1 = (unsigned)(*p1++ - '0');
			v2 = (unsigned)(*p2++ - '0');
			while (*p1 >= '0' && *p1 <= '9')
				v1 = v1 * 10 + (unsigned)(*p1++ - '0');
			while (*p2 >= '0' && *p2 <= '9')
				v2 = v2 * 10 + (unsigned)(*p2++ - '0');
			if (v1 != v2)
				return (int)(v1 - v2);
		} else if (*p2 >= '0' && *p2 <= '9') {
			return -1;
		} else if (*p1 != *p2) {
			return *p1 - *p2;
		} else {
			p1++;
			p2++;
		}
	}
	return *p1 - *p2;
}

/*
 * _DL_CACHE_DEFAULT_ID of the loader for this target: the flags of its own
 * ABI.  Targets whose dl-cache.h does not define one keep the generic
 * FLAG_ELF_LIBC6, and accept FLAG_ELF as well (see ldcache_flags_ok).
 */
static int32_t default_id(uint16_t m, unsigned char cls, uint32_t fl)
{
	bool c64 = cls == ELFCLASS64;

	switch (m) {
	case EM_X86_64:
		return FLAG_ELF_LIBC6 | (c64 ? FLAG_X8664_LIB64 : FLAG_X8664_LIBX32);
	case EM_AARCH64:
		return FLAG_ELF_LIBC6 | FLAG_AARCH64_LIB64;
	case EM_PPC64:
		return FLAG_ELF_LIBC6 | FLAG_POWERPC_LIB64;
	case EM_S390:
		return c64 ? FLAG_ELF_LIBC6 | FLAG_S390_LIB64 : FLAG_ELF_LIBC6;
	case EM_SPARCV9:
		return FLAG_ELF_LIBC6 | FLAG_SPARC_LIB64;
	case EM_RISCV:
		return FLAG_ELF_LIBC6 | ((fl & EF_RISCV_FLOAT_ABI) ?
			FLAG_RISCV_FLOAT_ABI_DOUBLE : FLAG_RISCV_FLOAT_ABI_SOFT);
	case EM_LOONGARCH:
		return FLAG_ELF_LIBC6 |
		       ((fl & LARCH_ABI_MASK) == LARCH_ABI_SOFT_FLOAT ?
			FLAG_LARCH_FLOAT_ABI_SOFT : FLAG_LARCH_FLOAT_ABI_DOUBLE);
	case EM_MIPS:
		if (fl & EF_MIPS_NAN2008) {
			if (c64)
				return FLAG_ELF_LIBC6 | FLAG_MIPS64_LIBN64_NAN2008;
			if (fl & EF_MIPS_ABI2)
				return FLAG_ELF_LIBC6 | FLAG_MIPS64_LIBN32_NAN2008;
			return FLAG_ELF_LIBC6 | FLAG_MIPS_LIB32_NAN2008;
		}
		if (c64)
			return FLAG_ELF_LIBC6 | FLAG_MIPS64_LIBN64;
		if (fl & EF_MIPS_ABI2)
			return FLAG_ELF_LIBC6 | FLAG_MIPS64_LIBN32;
		return FLAG_ELF_LIBC6;
	default:
		return FLAG_ELF_LIBC6;
	}
}

bool ldcache_flags_ok(uint16_t e_machine, unsigned char ei_class,
		      uint32_t e_flags, int32_t flags)
{
	int32_t id;

	/* arm accepts unmarked objects next to those of its float ABI. */
	if (e_machine == EM_ARM)
		return flags == FLAG_ELF_LIBC6 ||
		       flags == (FLAG_ELF_LIBC6 |
				 ((e_flags & EF_ARM_ABI_FLOAT_HARD) ?
				  FLAG_ARM_LIBHF : FLAG_ARM_LIBSF));
	id = default_id(e_machine, ei_class, e_flags);
	if (id == FLAG_ELF_LIBC6)
		return flags == FLAG_ELF || flags == FLAG_ELF_LIBC6;
	return flags == id;
}

/* Preference among glibc-hwcaps subdirectories, best first, as each
 * architecture's dl-hwcaps-subdirs.c lists them. */
static const char *const hwcaps_order[] = {
	"x86-64-v4", "x86-64-v3", "x86-64-v2",
	"power10", "power9",
	"z17", "z16", "z15", "z14", "z13",
};

static size_t alt_rank(const struct ldcache_entry *e)
{
	const size_t n = sizeof(hwcaps_order) / sizeof(hwcaps_order[0]);

	if (!is_hwcaps_extension(e->hwcap))
		return n + 1;	/* legacy AT_HWCAP entry */
	for (size_t i = 0; e->hwcaps_subdir && i < n; i++)
		if (!strcmp(e->hwcaps_subdir, hwcaps_order[i]))
			return i;
	return n;
}

/*
 * ld.so's binary search (search_cache; entries are sorted in descending
 * order): returns the index of the first entry whose key equals NAME and sets
 * *RET_END to the bound of the walk, or returns n_entries.  Its index
 * arithmetic is kept so that an unsorted file gives the same answer.
 */
static size_t find_first(const struct ldcache *c, const char *name,
			 size_t *ret_end)
{
	int64_t left = 0, right = (int64_t)c->n_entries - 1;

	*ret_end = c->n_entries;
	while (left <= right) {
		int64_t mid = (left + right) / 2;
		int cmp = ldcache_libcmp(name, c->entries[mid].key);

		if (cmp == 0) {
			while (mid > 0 &&
			       !ldcache_libcmp(name, c->entries[mid - 1].key))
				mid--;
			*ret_end = (size_t)right + 1;
			return (size_t)mid;
		}
		if (cmp < 0)
			left = mid + 1;
		else
			right = mid - 1;
	}
	return c->n_entries;
}

const char *ldcache_lookup(const struct ldcache *c, const char *name,
			   uint16_t e_machine, unsigned char ei_class,
			   uint32_t e_flags, struct strlist *alts)
{
	const struct ldcache_entry **cand = NULL;
	size_t n_cand = 0, alloc = 0;
	int32_t id = default_id(e_machine, ei_class, e_flags);
	const char *best = NULL;
	size_t end;

	if (!c || !name)
		return NULL;
	for (size_t i = find_first(c, name, &end);
	     i < end && !ldcache_libcmp(name, c->entries[i].key); i++) {
		const struct ldcache_entry *e = &c->entries[i];

		if (!ldcache_flags_ok(e_machine, ei_class, e_flags, e->flags))
			continue;
		if (!c->new_format) {
			/* Without hwcap data ld.so keeps the last accepted
			 * entry, unless one has exactly its own flags. */
			best = e->value;
			if (e->flags == id)
				break;
			continue;
		}
		if (e->hwcap) {
			/* glibc-hwcaps entries precede the normal one; a
			 * legacy hwcap entry is a possible alternative on
			 * glibc <= 2.36. */
			cand = xgrow(cand, &alloc, n_cand + 1, sizeof(*cand));
			cand[n_cand++] = e;
			continue;
		}
		best = e->value;
		break;
	}
	/* Insertion sort: stable, and the lists are a handful long. */
	for (size_t i = 1; i < n_cand; i++) {
		const struct ldcache_entry *e = cand[i];
		size_t j = i;

		for (; j > 0 && alt_rank(cand[j - 1]) > alt_rank(e); j--)
			cand[j] = cand[j - 1];
		cand[j] = e;
	}
	for (size_t i = 0; alts && i < n_cand; i++)
		if (!strlist_has(alts, cand[i]->value))
			strlist_add(alts, cand[i]->value);
	free(cand);
	return best;
}

/* ---- ld.so.conf --------------------------------------------------------- */

enum conf_item { CONF_DIR, CONF_INCLUDE };

/* Receives each directory or absolute include pattern in file order;
 * a negative return stops the parse. */
typedef int conf_fn(void *ctx, enum conf_item kind, const char *s);

/* isspace() and isblank() of the C locale, whatever the process's locale. */
static bool is_space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool has_prefix_nocase(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char a = *s, b = *prefix;

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/* Turns a directory line into the path ldconfig stats, in place.  Returns
 * false for a line that names no absolute directory. */
static bool clean_dir(char *s)
{
	size_t n = strlen(s);
	char *eq;

	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
	/* glibc <= 2.36 read "dir=TYPE" (a library type such as libc6). */
	eq = strrchr(s, '=');
	if (eq && !strchr(eq + 1, '/')) {
		*eq = '\0';
		n = (size_t)(eq - s);
	}
	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return n > 0 && s[0] == '/';
}

/* One line, as elf/ldconfig.c parse_conf reads it.  BASE is the directory
 * of the file, for relative include patterns. */
static int parse_line(char *cp, const char *base, conf_fn *fn, void *ctx)
{
	int ret = 0;

	*strchrnul(cp, '#') = '\0';
	while (is_space(*cp))
		cp++;
	if (!*cp)
		return 0;
	if (!strncmp(cp, "include", 7) && is_blank(cp[7])) {
		char *rest = cp + 8, *pat;

		while (ret >= 0 && (pat = strsep(&rest, " \t"))) {
			char *abs;

			if (!*pat)
				continue;
			abs = pat[0] == '/' ? xstrdup(pat) : path_join(base, pat);
			ret = fn(ctx, CONF_INCLUDE, abs);
			free(abs);
		}
		return ret;
	}
	/* "hwcap" lines are ignored since glibc 2.32. */
	if (has_prefix_nocase(cp, "hwcap") && is_blank(cp[5]))
		return 0;
	if (!clean_dir(cp))
		return 0;
	return fn(ctx, CONF_DIR, cp);
}

static int parse_conf(const char *text, size_t len, const char *file,
		      conf_fn *fn, void *ctx)
{
	struct strbuf line = STRBUF_INIT;
	char *base = file && file[0] == '/' ? path_dirname(file) : xstrdup("/");
	size_t pos = 0;
	int ret = 0;

	while (ret >= 0 && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		strbuf_reset(&line);
		strbuf_add(&line, text + pos, n);
		pos += n + (nl ? 1 : 0);
		/* getline() keeps a NUL byte, but the line ends there for
		 * the string functions that parse it. */
		strbuf_setlen(&line, strlen(line.buf));
		ret = parse_line(line.buf, base, fn, ctx);
	}
	strbuf_release(&line);
	free(base);
	return ret;
}

struct text_lists {
	struct strlist *dirs;
	struct strlist *includes;
};

static int collect_item(void *ctx, enum conf_item kind, const char *s)
{
	struct text_lists *tl = ctx;
	struct strlist *sl = kind == CONF_DIR ? tl->dirs : tl->includes;

	if (sl)
		strlist_add(sl, s);
	return 0;
}

int ldconf_parse_text(const char *text, size_t len, const char *file,
		      struct strlist *dirs, struct strlist *includes)
{
	struct text_lists tl = { dirs, includes };

	if (!text)
		return 0;
	return parse_conf(text, len, file, collect_item, &tl);
}

struct devino {
	dev_t dev;
	ino_t ino;
};

struct conf_load {
	const struct root *r;
	struct strlist *dirs;
	struct devino *seen;
	size_t n_seen, alloc_seen;
	unsigned depth;
	struct strbuf *err;
};

/* Records DIR's inode; false if it was already recorded. */
static bool mark_seen(struct conf_load *ld, const struct stat *st)
{
	for (size_t i = 0; i < ld->n_seen; i++)
		if (ld->seen[i].dev == st->st_dev && ld->seen[i].ino == st->st_ino)
			return false;
	ld->seen = xgrow(ld->seen, &ld->alloc_seen, ld->n_seen + 1,
			 sizeof(*ld->seen));
	ld->seen[ld->n_seen].dev = st->st_dev;
	ld->seen[ld->n_seen].ino = st->st_ino;
	ld->n_seen++;
	return true;
}

static int load_file(struct conf_load *ld, const char *file, bool top);

/* Lists the directory of PATTERN inside the root and returns the full
 * names matching its last component, in C collation order. */
static void glob_last(const struct root *r, const char *pattern,
		      struct strlist *matches)
{
	const char *slash = strrchr(pattern, '/');
	char *dir = NULL, *real = NULL;
	DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	int fd;

	if (!slash || !slash[1])
		return;
	dir = slash == pattern ? xstrdup("/") :
				 xstrndup(pattern, (size_t)(slash - pattern));
	if (root_resolve(r, dir, NULL, &real, &st, NULL) < 0 ||
	    !S_ISDIR(st.st_mode))
		goto out;
	fd = root_open_file(r, real);
	if (fd < 0)
		goto out;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		goto out;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* glob() without GLOB_PERIOD: a leading dot must be matched
		 * by a dot in the pattern. */
		if (!fnmatch(slash + 1, de->d_name, FNM_PERIOD))
			strlist_take(matches, path_join(dir, de->d_name));
	}
	strlist_sort_uniq(matches);
out:
	if (d)
		closedir(d);
	free(real);
	free(dir);
}

static int load_include(struct conf_load *ld, const char *pattern)
{
	struct strlist matches = STRLIST_INIT;
	int ret = 0;

	glob_last(ld->r, pattern, &matches);
	if (matches.n && ld->depth >= LDCONF_MAX_DEPTH) {
		ret = seterr(ld->err, -ELOOP,
			     "%s: includes nested more than %d deep", pattern,
			     LDCONF_MAX_DEPTH);
		goto out;
	}
	ld->depth++;
	for (size_t i = 0; ret >= 0 && i < matches.n; i++)
		ret = load_file(ld, matches.v[i], false);
	ld->depth--;
out:
	strlist_clear(&matches);
	return ret;
}

static int load_item(void *ctx, enum conf_item kind, const char *s)
{
	struct conf_load *ld = ctx;
	struct stat st;

	if (kind == CONF_INCLUDE)
		return load_include(ld, s);
	/* ldconfig drops what it cannot stat, and later spellings of a
	 * directory it already has (add_dir_1, add_single_dir). */
	if (root_resolve(ld->r, s, NULL, NULL, &st, NULL) < 0 ||
	    !S_ISDIR(st.st_mode))
		return 0;
	if (mark_seen(ld, &st))
		strlist_add(ld->dirs, s);
	return 0;
}

static int load_file(struct conf_load *ld, const char *file, bool top)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = root_read_file(ld->r, file, LDCONF_MAX_SIZE, &buf, &len, NULL);
	if (ret < 0) {
		/* ldconfig warns about an unreadable included file and
		 * carries on. */
		if (!top)
			return 0;
		return seterr(ld->err, ret, "%s: %s", file, strerror(-ret));
	}
	ret = parse_conf(buf, len, file, load_item, ld);
	free(buf);
	return ret;
}

int ldconf_load(const struct root *r, const char *file, struct strlist *dirs,
		struct strbuf *err)
{
	struct conf_load ld = { .r = r, .dirs = dirs, .err = err };
	char *abs = file[0] == '/' ? xstrdup(file) : path_join("/", file);
	int ret;

	/* Directories the caller already has count as listed. */
	for (size_t i = 0; i < dirs->n; i++) {
		struct stat st;

		if (root_resolve(r, dirs->v[i], NULL, NULL, &st, NULL) == 0)
			mark_seen(&ld, &st);
	}
	ret = load_file(&ld, abs, true);
	free(ld.seen);
	free(abs);
	return ret;
}

/* ---- musl --------------------------------------------------------------- */

void ldconf_parse_musl_path(const char *text, size_t len, struct strlist *dirs)
{
	const char *nul;
	size_t pos = 0;

	if (!text)
		return;
	/* musl reads the file into a C string: a NUL byte ends it. */
	nul = memchr(text, '\0', len);
	if (nul)
		len = (size_t)(nul - text);
	while (pos < len) {
		size_t n = 0;

		while (pos < len && (text[pos] == ':' || text[pos] == '\n'))
			pos++;
		while (pos + n < len && text[pos + n] != ':' &&
		       text[pos + n] != '\n')
			n++;
		if (n)
			strlist_addn(dirs, text + pos, n);
		pos += n;
	}
}
