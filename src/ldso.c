/* ldso: facts about a program's loader read from the root; see ldso.h. */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratchroot/ldso.h"

#define MAX_LOADER_SIZE (64u << 20)
#define MAX_CACHE_SIZE (256u << 20)

bool ldso_is_musl(const char *interp)
{
	const char *base = path_basename(interp);

	return !strncmp(base, "ld-musl-", 8);
}

const char *ldso_default_interp(uint16_t m, unsigned char cls, uint32_t flags)
{
	switch (m) {
	case EM_X86_64:
		return cls == ELFCLASS64 ? "/lib64/ld-linux-x86-64.so.2"
					 : "/libx32/ld-linux-x32.so.2";
	case EM_386:
		return "/lib/ld-linux.so.2";
	case EM_AARCH64:
		return "/lib/ld-linux-aarch64.so.1";
	case EM_ARM:
		return (flags & EF_ARM_ABI_FLOAT_HARD) ? "/lib/ld-linux-armhf.so.3"
						       : "/lib/ld-linux.so.3";
	case EM_PPC64:
		return "/lib64/ld64.so.2";
	case EM_S390:
		return "/lib/ld64.so.1";
	case EM_RISCV:
		return "/lib/ld-linux-riscv64-lp64d.so.1";
	default:
		return NULL;
	}
}

/* Debian's multiarch triplet, for the fallback directory list. */
static const char *triplet(uint16_t m, unsigned char cls, uint32_t flags)
{
	switch (m) {
	case EM_X86_64:
		return cls == ELFCLASS64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
	case EM_386:
		return "i386-linux-gnu";
	case EM_AARCH64:
		return "aarch64-linux-gnu";
	case EM_ARM:
		return (flags & EF_ARM_ABI_FLOAT_HARD) ? "arm-linux-gnueabihf"
						       : "arm-linux-gnueabi";
	case EM_PPC64:
		return "powerpc64le-linux-gnu";
	case EM_S390:
		return "s390x-linux-gnu";
	case EM_RISCV:
		return "riscv64-linux-gnu";
	default:
		return NULL;
	}
}

const char *ldso_musl_arch(uint16_t m, unsigned char cls, unsigned char data,
			   uint32_t flags)
{
	switch (m) {
	case EM_X86_64:
		return cls == ELFCLASS64 ? "x86_64" : "x32";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return data == ELFDATA2MSB ? "aarch64_be" : "aarch64";
	case EM_ARM:
		if (data == ELFDATA2MSB)
			return (flags & EF_ARM_ABI_FLOAT_HARD) ? "armebhf" : "armeb";
		return (flags & EF_ARM_ABI_FLOAT_HARD) ? "armhf" : "arm";
	case EM_PPC64:
		return data == ELFDATA2MSB ? "powerpc64" : "powerpc64le";
	case EM_PPC:
		return "powerpc";
	case EM_S390:
		return "s390x";
	case EM_RISCV:
		return cls == ELFCLASS64 ? "riscv64" : "riscv32";
	default:
		return NULL;
	}
}

static void add_platforms(struct ldso *l)
{
	static const char *const x86_64[] = { "x86_64", "haswell", "xeon_phi", NULL };
	static const char *const i386[] = { "i686", "i586", "i486", "i386", NULL };
	static const char *const aarch64[] = { "aarch64", NULL };
	static const char *const arm[] = { "v7l", "v8l", "v6l", NULL };
	const char *const *p = NULL;

	switch (l->e_machine) {
	case EM_X86_64:
		p = x86_64;
		break;
	case EM_386:
		p = i386;
		break;
	case EM_AARCH64:
		p = aarch64;
		break;
	case EM_ARM:
		p = arm;
		break;
	case EM_PPC64:
	case EM_PPC:
	case EM_S390:
	case EM_RISCV:
	case EM_MIPS:
	case EM_LOONGARCH:
		strlist_add(&l->platforms, elfobj_machine_name(l->e_machine));
		return;
	default:
		return; /* no $PLATFORM value known, and none made up */
	}
	for (; *p; p++)
		strlist_add(&l->platforms, *p);
}

/* glibc-hwcaps subdirectories the loader may probe, best first (G6.1), and
 * for glibc 2.26-2.36 the legacy hwcap subdirectories ([tls/][PLATFORM/][HWCAP/]). */
static void add_hwcaps(struct ldso *l)
{
	static const char *const x86[] = { "x86-64-v4", "x86-64-v3", "x86-64-v2", NULL };
	static const char *const ppc[] = { "power10", "power9", NULL };
	static const char *const s390[] = { "z17", "z16", "z15", "z14", "z13", NULL };
	static const char *const none[] = { NULL };
	const char *const *hw = none, *const *caps = none;
	static const char *const x86caps[] = { "x86_64", "avx512_1", NULL };
	static const char *const armcaps[] = { "atomics", NULL };
	static const char *const i386caps[] = { "sse2", NULL };

	switch (l->e_machine) {
	case EM_X86_64:
		hw = x86;
		caps = x86caps;
		break;
	case EM_PPC64:
		hw = ppc;
		break;
	case EM_S390:
		hw = s390;
		break;
	case EM_AARCH64:
		caps = armcaps;
		break;
	case EM_386:
		caps = i386caps;
		break;
	default:
		break;
	}
	if (l->glibc_minor == 0 || l->glibc_minor >= 33)
		for (; *hw; hw++)
			strlist_add(&l->hwcaps, *hw);
	if (l->glibc_minor != 0 && (l->glibc_minor < 26 || l->glibc_minor > 36))
		return;
	for (int tls = 1; tls >= 0; tls--) {
		for (size_t p = 0; p <= l->platforms.n; p++) {
			for (const char *const *c = caps;; c++) {
				struct strbuf sb = STRBUF_INIT;

				if (tls)
					strbuf_addstr(&sb, "tls/");
				if (p < l->platforms.n)
					strbuf_addf(&sb, "%s/", l->platforms.v[p]);
				if (*c)
					strbuf_addf(&sb, "%s/", *c);
				if (sb.len) {
					strbuf_setlen(&sb, sb.len - 1);
					if (!strlist_has(&l->legacy, sb.buf))
						strlist_add(&l->legacy, sb.buf);
				}
				strbuf_release(&sb);
				if (!*c)
					break;
			}
		}
	}
}

/* Finds the first run of two or more NUL-separated "/dir/" strings in the
 * loader image: glibc's SYSTEM_DIRS (elf/gen-trusted-dirs.awk). */
static void scan_sysdirs(const char *buf, size_t len, struct strlist *out)
{
	for (const char *p = buf; len > 1 && (p = memchr(p, '/', len - 1 - (size_t)(p - buf)));
	     p++) {
		struct strlist run = STRLIST_INIT;
		size_t i = (size_t)(p - buf), j = i;

		if (i && buf[i - 1] != '\0')
			continue;
		for (;;) {
			const char *s = buf + j, *end = memchr(s, '\0', len - j);
			size_t n;
			bool ok = true;

			if (!end || s[0] != '/')
				break;
			n = (size_t)(end - s);
			if (n < 2 || s[n - 1] != '/' || !strstr(s, "lib"))
				break;
			for (size_t k = 0; k < n; k++)
				if (s[k] <= ' ' || s[k] > '~')
					ok = false;
			if (!ok)
				break;
			strlist_addn(&run, s, n - 1);
			j += n + 1;
		}
		if (run.n >= 2) {
			for (size_t k = 0; k < run.n; k++)
				strlist_add(out, run.v[k]);
			strlist_clear(&run);
			return;
		}
		strlist_clear(&run);
	}
}

/* Whether the image holds STR as a whole NUL-terminated string. */
static bool has_string(const char *buf, size_t len, const char *str)
{
	size_t n = strlen(str) + 1;
	const char *p = buf, *end = buf + len;

	while ((p = memmem(p, (size_t)(end - p), str, n))) {
		if (p == buf || p[-1] == '\0')
			return true;
		p++;
	}
	return false;
}

static int scan_version(const char *buf, size_t len)
{
	static const char key[] = "release version 2.";
	const char *p = memmem(buf, len, key, sizeof(key) - 1);

	if (!p)
		return 0;
	p += sizeof(key) - 1;
	if (p >= buf + len || *p < '0' || *p > '9')
		return 0;
	return (int)strtol(p, NULL, 10);
}

int ldso_libc_minor(const char *buf, size_t len, const struct strlist *verdef)
{
	int best = buf ? scan_version(buf, len) : 0;

	if (best)
		return best;
	for (size_t i = 0; verdef && i < verdef->n; i++) {
		const char *v = verdef->v[i];
		char *end;
		long n;

		if (strncmp(v, "GLIBC_2.", 8) || v[8] < '0' || v[8] > '9')
			continue;
		n = strtol(v + 8, &end, 10);
		if ((*end == '\0' || *end == '.') && n > 0 && n < 1000 && (int)n > best)
			best = (int)n;
	}
	return best;
}

static void glibc_facts(struct ldso *l, const struct root *r)
{
	char *buf = NULL, *cache = NULL;
	size_t len = 0, clen = 0;
	struct strbuf err = STRBUF_INIT;
	int ret;

	if (root_read_file(r, l->interp, MAX_LOADER_SIZE, &buf, &len, NULL) == 0) {
		scan_sysdirs(buf, len, &l->sysdirs);
		l->glibc_minor = scan_version(buf, len);
	}
	if (!l->sysdirs.n) {
		const char *t = triplet(l->e_machine, l->ei_class, l->e_flags);

		l->sysdirs_guessed = true;
		if (t) {
			char *a, *b;

			a = path_join("/lib", t);
			b = path_join("/usr/lib", t);
			strlist_take(&l->sysdirs, a);
			strlist_take(&l->sysdirs, b);
		}
		strlist_add(&l->sysdirs, "/lib");
		strlist_add(&l->sysdirs, "/usr/lib");
	}
	/* $LIB: the first system directory without its leading '/' (Debian)
	 * or its basename (upstream), whichever the loader holds. */
	{
		const char *first = l->sysdirs.v[0] + 1;

		if (!buf || has_string(buf, len, first) ||
		    !has_string(buf, len, path_basename(first)))
			l->dst_lib = xstrdup(first);
		else
			l->dst_lib = xstrdup(path_basename(first));
	}
	free(buf);
	add_platforms(l);
	add_hwcaps(l);

	ret = root_read_file(r, "/etc/ld.so.cache", MAX_CACHE_SIZE, &cache, &clen, NULL);
	if (ret == 0) {
		if (ldcache_parse(cache, clen, l->ei_data, &l->cache, &err) < 0) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "/etc/ld.so.cache ignored: %s", err.buf);
			l->cache_problem = strbuf_detach(&sb);
		}
	} else if (ret != -ENOENT) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "/etc/ld.so.cache unreadable: %s", strerror(-ret));
		l->cache_problem = strbuf_detach(&sb);
	}
	free(cache);
	strbuf_release(&err);
}

static void musl_facts(struct ldso *l, const struct root *r)
{
	char *prefix = path_dirname(l->interp), *pp, *buf = NULL;
	struct strbuf sb = STRBUF_INIT;
	const char *arch;
	size_t len;
	int ret;

	/* Drop the last two components of the loader path (M8). */
	pp = path_dirname(prefix);
	free(prefix);
	if (!strcmp(pp, "/") || !strcmp(pp, "."))
		pp[0] = '\0';
	arch = ldso_musl_arch(l->e_machine, l->ei_class, l->ei_data, l->e_flags);
	strbuf_addf(&sb, "%s/etc/ld-musl-%s.path", pp, arch ? arch : "unknown");
	free(pp);
	l->musl_path_file = strbuf_detach(&sb);
	ret = root_read_file(r, l->musl_path_file, 1u << 20, &buf, &len, NULL);
	if (ret == 0) {
		l->musl_path_found = true;
		ldconf_parse_musl_path(buf, len, &l->sysdirs);
		free(buf);
	} else if (ret == -ENOENT || ret == -ENOTDIR) {
		strlist_add(&l->sysdirs, "/lib");
		strlist_add(&l->sysdirs, "/usr/local/lib");
		strlist_add(&l->sysdirs, "/usr/lib");
	}
	/* Any other error leaves the system path empty, as musl does. */
}

struct ldso *ldso_load(const struct root *r, const char *interp,
		       const struct elfobj *prog, bool musl)
{
	struct ldso *l = xcalloc(1, sizeof(*l));

	l->flavour = musl ? LIBC_MUSL : LIBC_GLIBC;
	l->interp = xstrdup(interp);
	l->e_machine = prog->e_machine;
	l->ei_class = prog->ei_class;
	l->ei_data = prog->ei_data;
	l->e_flags = prog->e_flags;
	if (musl)
		musl_facts(l, r);
	else
		glibc_facts(l, r);
	return l;
}

void ldso_free(struct ldso *l)
{
	if (!l)
		return;
	free(l->interp);
	strlist_clear(&l->sysdirs);
	free(l->dst_lib);
	strlist_clear(&l->platforms);
	strlist_clear(&l->hwcaps);
	strlist_clear(&l->legacy);
	ldcache_free(l->cache);
	free(l->cache_problem);
	free(l->musl_path_file);
	free(l);
}
