/* gofacts: facts read out of a Go program; see gofacts.h.  (A first cut
 * moved out of needs.c: it reads the whole file.) */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scratchroot/gofacts.h"

/* Each NUL-terminated string of BUF that starts with PREFIX, in turn. */
static const char *next_string(const char *buf, size_t len, const char *prefix,
			       const char **pos)
{
	size_t n = strlen(prefix);
	const char *p = *pos ? *pos : buf, *end = buf + len;

	while (p < end && (p = memmem(p, (size_t)(end - p), prefix, n))) {
		const char *s = p;

		p += n;
		if (s != buf && s[-1] != '\0')
			continue;
		if (!memchr(s, '\0', (size_t)(end - s)))
			return NULL;
		*pos = s + strlen(s) + 1;
		return s;
	}
	return NULL;
}

/* ---- Go programs (R9) ---- */

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

static void go_buildinfo(const char *buf, size_t len, struct gofacts *g)
{
	static const char magic[] = "\xff Go buildinf:";
	const unsigned char *p, *end = (const unsigned char *)buf + len;
	const char *at = NULL;

	for (size_t off = 0; off + 32 <= len; off += 16)
		if (!memcmp(buf + off, magic, 14)) {
			at = buf + off;
			break;
		}
	if (!at || !(at[15] & 2))
		return;	/* absent, or the pre-1.18 pointer format */
	p = (const unsigned char *)at + 32;
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

			if (ll > 5 && !strncmp(l, "path\t", 5) && !g->path)
				g->path = xstrndup(l + 5, ll - 5);
			if (ll >= 23 && !strncmp(l, "build\tCGO_ENABLED=", 18))
				g->cgo = l[18] == '1';
			l += ll + 1;
		}
	}
}

static void go_names(const char *names, size_t len, struct gofacts *g)
{
	const char *s = names, *end = names + len, *z;

	/* Tens of thousands of names: one memchr each, and a comparison only
	 * for the first letters of the watched packages. */
	for (; s < end && (z = memchr(s, '\0', (size_t)(end - s))); s = z + 1) {
		switch (*s) {
		case 'c':
			g->x509 |= !strncmp(s, "crypto/x509.", 12);
			break;
		case 'n':
			/* The resolver, not just net.IP (which crypto/x509 uses too). */
			g->net |= !strncmp(s, "net.(*Resolver).", 16);
			break;
		case 'o':
			g->user |= !strncmp(s, "os/user.", 8);
			break;
		case 't':
			g->loadlocation |= !strncmp(s, "time.LoadLocation", 17);
			g->tzdata |= !strncmp(s, "time/tzdata.", 12);
			break;
		default:
			break;
		}
	}
}

/* The function-name table of .gopclntab (Go 1.16 and later layouts). */
static bool go_pclntab(const char *buf, size_t len, struct gofacts *g)
{
	Elf *e = elf_memory((char *)buf, len);
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	bool found = false;

	if (!e)
		return false;
	if (elf_getshdrstrndx(e, &shstrndx) == 0) {
		while ((scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;
			const char *name;
			const unsigned char *t;
			uint64_t ptr, nameoff, cuoff;
			uint32_t magic;
			bool be = buf[EI_DATA] == ELFDATA2MSB;

			if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)) ||
			    strcmp(name, ".gopclntab") || sh.sh_type == SHT_NOBITS ||
			    sh.sh_offset > len || sh.sh_size > len - sh.sh_offset || sh.sh_size < 64)
				continue;
			t = (const unsigned char *)buf + sh.sh_offset;
			magic = be ? (uint32_t)t[0] << 24 | t[1] << 16 | t[2] << 8 | t[3]
				   : (uint32_t)t[3] << 24 | t[2] << 16 | t[1] << 8 | t[0];
			ptr = t[7];
			if (ptr != 4 && ptr != 8)
				break;
			{
				/* fields after the 8-byte header, each ptr bytes */
				unsigned k = magic == 0xfffffffa ? 2 : 3;
				uint64_t f[2] = { 0, 0 };

				if (magic != 0xfffffff0 && magic != 0xfffffff1 && magic != 0xfffffffa)
					break;
				for (unsigned i = 0; i < 2; i++)
					for (unsigned b = 0; b < ptr; b++) {
						unsigned char byte = t[8 + (k + i) * ptr + b];

						f[i] |= (uint64_t)byte << (be ? (ptr - 1 - b) * 8 : b * 8);
					}
				nameoff = f[0];
				cuoff = f[1];
			}
			if (nameoff < cuoff && cuoff <= sh.sh_size) {
				go_names((const char *)t + nameoff, cuoff - nameoff, g);
				found = true;
			}
			break;
		}
	}
	elf_end(e);
	return found;
}

/* The file bytes of section NAME, or NULL; *has_sections tells whether the
 * file has section headers at all. */
static const char *section(const char *buf, size_t len, const char *name, size_t *size,
			   bool *has_sections)
{
	Elf *e = elf_memory((char *)buf, len);
	const char *ret = NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx, shnum = 0;

	*has_sections = e && elf_getshdrnum(e, &shnum) == 0 && shnum > 1;
	if (e && elf_getshdrstrndx(e, &shstrndx) == 0) {
		while (!ret && (scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;
			const char *n;

			if (gelf_getshdr(scn, &sh) && (n = elf_strptr(e, shstrndx, sh.sh_name)) &&
			    !strcmp(n, name) && sh.sh_type != SHT_NOBITS && sh.sh_offset <= len &&
			    sh.sh_size <= len - sh.sh_offset) {
				ret = buf + sh.sh_offset;
				*size = sh.sh_size;
			}
		}
	}
	if (e)
		elf_end(e);
	return ret;
}

static int gofacts_mem(const char *buf, size_t len, struct gofacts *g)
{
	static const char *const pkgs[] = { "crypto/x509.", "net.(*Resolver).", "os/user.",
					    "time.LoadLocation", "time/tzdata." };
	size_t bisize = 0;
	bool has_sections;
	const char *bi = section(buf, len, ".go.buildinfo", &bisize, &has_sections);

	memset(g, 0, sizeof(*g));
	g->cgo = -1;
	if (!bi && has_sections)
		return -ENOENT;	/* the Go linker always writes .go.buildinfo */
	/* With section headers only .go.buildinfo is read; without, the
	 * whole file is searched for its magic. */
	if (bi)
		go_buildinfo(bi, bisize, g);
	else
		go_buildinfo(buf, len, g);
	if (!g->version && !(bi ? bisize >= 14 && !memcmp(bi, "\xff Go buildinf:", 14)
			       : memmem(buf, len, "\xff Go buildinf:", 14) != NULL))
		return -ENOENT;
	if (!go_pclntab(buf, len, g)) {
		/* No section headers: look for the names as whole strings. */
		for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
			const char *pos = NULL, *s = next_string(buf, len, pkgs[i], &pos);

			if (!s)
				continue;
			go_names(s, strlen(s) + 1, g);
		}
	}
	return 0;
}

void gofacts_release(struct gofacts *g)
{
	free(g->version);
	free(g->path);
	free(g->main_module);
	free(g->main_version);
	strlist_clear(&g->deps);
	memset(g, 0, sizeof(*g));
}

int gofacts_read(int fd, uint64_t size, struct gofacts *g, struct strbuf *err)
{
	void *map;
	int ret;

	memset(g, 0, sizeof(*g));
	g->cgo = -1;
	if (!size || size > (512u << 20))
		return -ENOENT;
	map = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return seterr(err, -errno, "%s", strerror(errno));
	ret = gofacts_mem(map, (size_t)size, g);
	munmap(map, (size_t)size);
	return ret;
}
