/*
 * Unit tests for ldconf: ld.so.cache parsing and lookup, ld.so.conf text and
 * include expansion inside a root, musl's path file.
 *
 * Caches are built in memory by the small writer below, which lays the file
 * out as glibc's ldconfig does (elf/cache.c save_cache), in either byte order.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/ldconf.h"

/* ---- an in-memory ldconfig ---------------------------------------------- */

#define HWCAPS(i) ((UINT64_C(1) << 62) | (uint64_t)(i))

struct ent {
	int32_t flags;
	const char *key;
	const char *value;
	uint64_t hwcap;
};

enum layout { NEW_ONLY, OLD_ONLY, COMPAT };

struct spec {
	enum layout layout;
	bool big;		/* byte order of the integers */
	int endian_flag;	/* header flags byte; -1: the one matching big */
	const struct ent *ents;
	size_t n;
	const char *const *hwcaps;	/* glibc-hwcaps subdirectory names */
	size_t n_hwcaps;
	const char *generator;
	size_t compat_align;	/* 8 (even old count, as ldconfig) or 4 */
};

static void put32_at(struct strbuf *sb, size_t off, uint32_t v, bool big)
{
	for (int i = 0; i < 4; i++)
		sb->buf[off + (size_t)i] =
			(char)(v >> (big ? 24 - 8 * i : 8 * i));
}

static void put32(struct strbuf *sb, uint32_t v, bool big)
{
	size_t off = sb->len;

	strbuf_add(sb, "\0\0\0\0", 4);
	put32_at(sb, off, v, big);
}

static void put64(struct strbuf *sb, uint64_t v, bool big)
{
	put32(sb, (uint32_t)(big ? v >> 32 : v), big);
	put32(sb, (uint32_t)(big ? v : v >> 32), big);
}

static void pad_to(struct strbuf *sb, size_t align)
{
	while (sb->len % align)
		strbuf_addch(sb, '\0');
}

/* Adds S to the string table ST and returns its offset there. */
static uint32_t str_add(struct strbuf *st, const char *s)
{
	uint32_t off = (uint32_t)st->len;

	strbuf_add(st, s, strlen(s) + 1);
	return off;
}

/* Writes the cache of SPEC into OUT (binary, OUT->len bytes). */
static void build_cache(const struct spec *sp, struct strbuf *out)
{
	struct strbuf st = STRBUF_INIT;
	uint32_t *key = calloc(sp->n + 1, sizeof(*key));
	uint32_t *val = calloc(sp->n + 1, sizeof(*val));
	uint32_t *hw = calloc(sp->n_hwcaps + 1, sizeof(*hw));
	bool big = sp->big;
	size_t n_old = sp->n, old_end = 0, base = 0, new_size, ext_patch = 0;

	for (size_t i = 0; i < sp->n; i++) {
		key[i] = str_add(&st, sp->ents[i].key);
		val[i] = str_add(&st, sp->ents[i].value);
	}
	for (size_t i = 0; i < sp->n_hwcaps; i++)
		hw[i] = str_add(&st, sp->hwcaps[i]);
	new_size = 48 + 24 * sp->n;
	strbuf_reset(out);

	if (sp->layout != NEW_ONLY) {
		if (sp->layout == COMPAT && sp->compat_align != 4)
			n_old = (n_old + 1) & ~(size_t)1;
		strbuf_add(out, "ld.so-1.7.0\0", 12);
		put32(out, (uint32_t)n_old, big);
		old_end = 16 + 12 * n_old;
		base = sp->layout == COMPAT ?
			(old_end + sp->compat_align - 1) & ~(sp->compat_align - 1) :
			old_end;
		for (size_t i = 0; i < n_old; i++) {
			size_t j = i < sp->n ? i : sp->n - 1;
			/* Old strings are relative to the end of the old
			 * entries; in a compat file they sit after the new
			 * block. */
			size_t shift = sp->layout == COMPAT ?
				base - old_end + new_size : 0;

			put32(out, (uint32_t)sp->ents[j].flags, big);
			put32(out, (uint32_t)(shift + key[j]), big);
			put32(out, (uint32_t)(shift + val[j]), big);
		}
	}
	if (sp->layout != OLD_ONLY) {
		int fl = sp->endian_flag < 0 ? (big ? 3 : 2) : sp->endian_flag;

		pad_to(out, sp->layout == COMPAT ? sp->compat_align : 1);
		base = out->len;
		strbuf_add(out, "glibc-ld.so.cache1.1", 20);
		put32(out, (uint32_t)sp->n, big);
		put32(out, (uint32_t)st.len, big);
		strbuf_add(out, "\0\0\0\0", 4);
		out->buf[base + 28] = (char)fl;
		ext_patch = out->len;
		put32(out, 0, big);
		strbuf_add(out, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
		for (size_t i = 0; i < sp->n; i++) {
			put32(out, (uint32_t)sp->ents[i].flags, big);
			put32(out, (uint32_t)(new_size + key[i]), big);
			put32(out, (uint32_t)(new_size + val[i]), big);
			put32(out, 0, big);
			put64(out, sp->ents[i].hwcap, big);
		}
	}
	strbuf_add(out, st.buf, st.len);

	if (sp->layout != OLD_ONLY && (sp->generator || sp->n_hwcaps)) {
		size_t ext, nsec = !!sp->generator + !!sp->n_hwcaps, data;

		pad_to(out, 4);
		ext = out->len;
		put32_at(out, ext_patch, (uint32_t)ext, big);
		put32(out, 0xeaa42174u, big);
		put32(out, (uint32_t)nsec, big);
		data = ext + 8 + 16 * nsec;
		if (sp->n_hwcaps) {
			put32(out, 1, big);
			put32(out, 0, big);
			put32(out, (uint32_t)data, big);
			put32(out, (uint32_t)(4 * sp->n_hwcaps), big);
			data += 4 * sp->n_hwcaps;
		}
		if (sp->generator) {
			put32(out, 0, big);
			put32(out, 0, big);
			put32(out, (uint32_t)data, big);
			put32(out, (uint32_t)strlen(sp->generator), big);
		}
		/* Like ldconfig: hwcaps string offsets relative to the
		 * new-format header. */
		for (size_t i = 0; i < sp->n_hwcaps; i++)
			put32(out, (uint32_t)(new_size + hw[i]), big);
		if (sp->generator)
			strbuf_addstr(out, sp->generator);
	}
	strbuf_release(&st);
	free(key);
	free(val);
	free(hw);
}

static struct ldcache *parse_ok(const struct strbuf *file, unsigned char ei_data)
{
	struct strbuf err = STRBUF_INIT;
	struct ldcache *c = NULL;
	int ret = ldcache_parse(file->buf, file->len, ei_data, &c, &err);

	if (ret)
		fail_msg("ldcache_parse: %d %s", ret, err.buf);
	strbuf_release(&err);
	assert_non_null(c);
	return c;
}

static void assert_parse_fails(const void *buf, size_t len,
			       unsigned char ei_data)
{
	struct strbuf err = STRBUF_INIT;
	struct ldcache *c = NULL;

	assert_int_equal(ldcache_parse(buf, len, ei_data, &c, &err), -EINVAL);
	assert_null(c);
	assert_true(err.len > 0);
	strbuf_release(&err);
}

/* The shape of a Debian amd64 cache with libc6-i386 and hwcaps variants,
 * in ldconfig's order: keys descending, higher flags first, glibc-hwcaps
 * entries (by subdirectory name) before the normal entry. */
static const char *const hwcaps_names[] = { "x86-64-v2", "x86-64-v3", "x86-64-v4" };
static const struct ent typical[] = {
	{ 0x0303, "libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1", 0 },
	{ 0x0303, "libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6", 0 },
	{ 0x0303, "libfoo.so.1", "/usr/lib/glibc-hwcaps/x86-64-v2/libfoo.so.1", HWCAPS(0) },
	{ 0x0303, "libfoo.so.1", "/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1", HWCAPS(1) },
	{ 0x0303, "libfoo.so.1", "/usr/lib/glibc-hwcaps/x86-64-v4/libfoo.so.1", HWCAPS(2) },
	{ 0x0303, "libfoo.so.1", "/usr/lib/libfoo.so.1", 0 },
	{ 0x0303, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", 0 },
	{ 0x0003, "libc.so.6", "/lib32/libc.so.6", 0 },
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup_x86_64(const struct ldcache *c, const char *name,
				 struct strlist *alts)
{
	return ldcache_lookup(c, name, EM_X86_64, ELFCLASS64, 0, alts);
}

/* ---- cache format ------------------------------------------------------- */

static void new_format_little_endian_gives_entries_in_file_order(void **state)
{
	struct spec sp = { NEW_ONLY, false, -1, typical, N(typical),
			   hwcaps_names, N(hwcaps_names),
			   "ldconfig (GNU libc) stable release version 2.36", 0 };
	struct strbuf file = STRBUF_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_true(c->new_format);
	assert_int_equal(c->n_entries, N(typical));
	for (size_t i = 0; i < N(typical); i++) {
		assert_int_equal(c->entries[i].flags, typical[i].flags);
		assert_string_equal(c->entries[i].key, typical[i].key);
		assert_string_equal(c->entries[i].value, typical[i].value);
		assert_true(c->entries[i].hwcap == typical[i].hwcap);
	}
	assert_string_equal(c->generator,
			    "ldconfig (GNU libc) stable release version 2.36");
	/* Entries point into the cache's own copy, not the caller's. */
	assert_true(c->entries[0].key >= c->buf &&
		    c->entries[0].key < c->buf + c->len);
	assert_string_equal(lookup_x86_64(c, "libz.so.1", NULL),
			    "/lib/x86_64-linux-gnu/libz.so.1");
	assert_null(lookup_x86_64(c, "libnothere.so.1", NULL));
	ldcache_free(c);
	strbuf_release(&file);
}

static void new_format_big_endian_is_read_for_an_msb_target(void **state)
{
	static const struct ent ents[] = {
		{ 0x0503, "libc.so.6", "/lib64/libc.so.6", 0 },
	};
	struct spec sp = { NEW_ONLY, true, -1, ents, 1, NULL, 0, "gen", 0 };
	struct strbuf file = STRBUF_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2MSB);
	assert_int_equal(c->n_entries, 1);
	assert_int_equal(c->entries[0].flags, 0x0503);
	assert_string_equal(c->generator, "gen");
	assert_string_equal(ldcache_lookup(c, "libc.so.6", EM_PPC64,
					   ELFCLASS64, 0, NULL),
			    "/lib64/libc.so.6");
	ldcache_free(c);
	strbuf_release(&file);
}

static void cache_of_the_other_byte_order_is_ignored(void **state)
{
	struct spec sp = { NEW_ONLY, false, -1, typical, N(typical),
			   NULL, 0, NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	struct ldcache *c;

	/* A little-endian cache read for a big-endian target. */
	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2MSB);
	assert_int_equal(c->n_entries, 0);
	assert_null(ldcache_lookup(c, "libc.so.6", EM_PPC64, ELFCLASS64, 0,
				   NULL));
	ldcache_free(c);

	/* Integers in the target's order but the flag says big-endian. */
	sp.endian_flag = 3;
	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_int_equal(c->n_entries, 0);
	ldcache_free(c);

	/* The "invalid" value 1 is ignored as well; 0 (unset) is trusted. */
	sp.endian_flag = 1;
	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_int_equal(c->n_entries, 0);
	ldcache_free(c);
	sp.endian_flag = 0;
	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_int_equal(c->n_entries, N(typical));
	ldcache_free(c);
	strbuf_release(&file);
}

static void old_format_alone_is_used_without_hwcaps(void **state)
{
	static const struct ent ents[] = {
		{ 0x0303, "libz.so.1", "/usr/lib64/libz.so.1", 0 },
		{ 0x0303, "libc.so.6", "/lib64/libc.so.6", 0 },
		{ 0x0003, "libc.so.6", "/lib/libc.so.6", 0 },
	};
	struct spec sp = { OLD_ONLY, false, -1, ents, N(ents), NULL, 0, NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_false(c->new_format);
	assert_null(c->generator);
	assert_int_equal(c->n_entries, 3);
	assert_true(c->entries[2].hwcap == 0);
	assert_null(c->entries[2].hwcaps_subdir);
	assert_string_equal(lookup_x86_64(c, "libc.so.6", NULL),
			    "/lib64/libc.so.6");
	assert_string_equal(ldcache_lookup(c, "libc.so.6", EM_386, ELFCLASS32,
					   0, NULL),
			    "/lib/libc.so.6");
	ldcache_free(c);

	sp.big = true;
	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2MSB);
	assert_int_equal(c->n_entries, 3);
	assert_string_equal(c->entries[0].value, "/usr/lib64/libz.so.1");
	ldcache_free(c);
	strbuf_release(&file);
}

static void old_format_walk_ends_at_the_loaders_own_flags(void **state)
{
	/* Without hwcap data ld.so keeps the last accepted entry and stops
	 * only at one whose flags equal its _DL_CACHE_DEFAULT_ID, which is 3
	 * on arm even for hard-float. */
	static const struct ent ents[] = {
		{ 0x0903, "libx.so.1", "/first/libx.so.1", 0 },
		{ 0x0903, "libx.so.1", "/second/libx.so.1", 0 },
		{ 0x0003, "libx.so.1", "/unmarked/libx.so.1", 0 },
		{ 0x0003, "libx.so.1", "/unmarked2/libx.so.1", 0 },
	};
	struct spec sp = { OLD_ONLY, false, -1, ents, N(ents), NULL, 0, NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_string_equal(ldcache_lookup(c, "libx.so.1", EM_ARM, ELFCLASS32,
					   EF_ARM_ABI_FLOAT_HARD, NULL),
			    "/unmarked/libx.so.1");
	ldcache_free(c);

	/* The new format takes the first accepted normal entry. */
	sp.layout = NEW_ONLY;
	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_string_equal(ldcache_lookup(c, "libx.so.1", EM_ARM, ELFCLASS32,
					   EF_ARM_ABI_FLOAT_HARD, NULL),
			    "/first/libx.so.1");
	ldcache_free(c);
	strbuf_release(&file);
}

static void compat_file_uses_the_new_block_after_the_old_one(void **state)
{
	static const struct ent ents[] = {
		{ 0x0303, "libfoo.so.1", "/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1", HWCAPS(0) },
		{ 0x0303, "libfoo.so.1", "/usr/lib/libfoo.so.1", 0 },
		{ 0x0303, "libc.so.6", "/lib64/libc.so.6", 0 },
	};
	static const char *const names[] = { "x86-64-v3" };
	struct spec sp = { COMPAT, false, -1, ents, N(ents), names, 1,
			   "compat generator", 8 };
	struct strbuf file = STRBUF_INIT;
	struct strlist alts = STRLIST_INIT;
	struct ldcache *c;

	/* Three entries: the old part holds four (the last one doubled) so
	 * the new header is 8-byte aligned. */
	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_true(c->new_format);
	assert_int_equal(c->n_entries, 3);
	assert_string_equal(c->generator, "compat generator");
	assert_string_equal(c->entries[0].hwcaps_subdir, "x86-64-v3");
	assert_string_equal(lookup_x86_64(c, "libfoo.so.1", &alts),
			    "/usr/lib/libfoo.so.1");
	assert_int_equal(alts.n, 1);
	assert_string_equal(alts.v[0],
			    "/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1");
	ldcache_free(c);
	strlist_clear(&alts);

	/* An i386 ldconfig aligns the new header to 4 bytes only. */
	sp.compat_align = 4;
	build_cache(&sp, &file);
	assert_int_equal(file.buf[12], 3);	/* odd old count kept */
	c = parse_ok(&file, ELFDATA2LSB);
	assert_true(c->new_format);
	assert_int_equal(c->n_entries, 3);
	assert_string_equal(lookup_x86_64(c, "libc.so.6", NULL),
			    "/lib64/libc.so.6");
	ldcache_free(c);
	strbuf_release(&file);
}

/* ---- lookup ------------------------------------------------------------- */

static void hwcaps_entries_are_alternatives_best_first_and_normal_entry_is_primary(void **state)
{
	struct spec sp = { NEW_ONLY, false, -1, typical, N(typical),
			   hwcaps_names, N(hwcaps_names), NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	struct strlist alts = STRLIST_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_string_equal(c->entries[2].hwcaps_subdir, "x86-64-v2");
	assert_string_equal(c->entries[4].hwcaps_subdir, "x86-64-v4");
	assert_null(c->entries[5].hwcaps_subdir);
	assert_string_equal(lookup_x86_64(c, "libfoo.so.1", &alts),
			    "/usr/lib/libfoo.so.1");
	assert_int_equal(alts.n, 3);
	assert_string_equal(alts.v[0], "/usr/lib/glibc-hwcaps/x86-64-v4/libfoo.so.1");
	assert_string_equal(alts.v[1], "/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1");
	assert_string_equal(alts.v[2], "/usr/lib/glibc-hwcaps/x86-64-v2/libfoo.so.1");

	/* A second lookup does not repeat what ALTS already holds. */
	assert_non_null(lookup_x86_64(c, "libfoo.so.1", &alts));
	assert_int_equal(alts.n, 3);
	strlist_clear(&alts);

	/* Names with no hwcaps variant add nothing; ALTS may be NULL. */
	assert_non_null(lookup_x86_64(c, "libm.so.6", &alts));
	assert_int_equal(alts.n, 0);
	assert_non_null(lookup_x86_64(c, "libfoo.so.1", NULL));
	ldcache_free(c);
	strbuf_release(&file);
}

static void hwcaps_variant_without_normal_entry_is_an_alternative_only(void **state)
{
	static const struct ent ents[] = {
		{ 0x0303, "libonly.so.1", "/usr/lib/glibc-hwcaps/power9/libonly.so.1", HWCAPS(1) },
		{ 0x0303, "libonly.so.1", "/usr/lib/glibc-hwcaps/power10/libonly.so.1", HWCAPS(0) },
		{ 0x0303, "libonly.so.1", "/usr/lib/glibc-hwcaps/unknown/libonly.so.1", HWCAPS(7) },
	};
	static const char *const names[] = { "power10", "power9" };
	struct spec sp = { NEW_ONLY, false, -1, ents, N(ents), names, 2, NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	struct strlist alts = STRLIST_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	/* Index 7 is past the hwcaps array: an entry with no name. */
	assert_null(c->entries[2].hwcaps_subdir);
	assert_null(lookup_x86_64(c, "libonly.so.1", &alts));
	assert_int_equal(alts.n, 3);
	assert_string_equal(alts.v[0], "/usr/lib/glibc-hwcaps/power10/libonly.so.1");
	assert_string_equal(alts.v[1], "/usr/lib/glibc-hwcaps/power9/libonly.so.1");
	assert_string_equal(alts.v[2], "/usr/lib/glibc-hwcaps/unknown/libonly.so.1");
	strlist_clear(&alts);
	ldcache_free(c);
	strbuf_release(&file);
}

static void legacy_hwcap_entries_follow_glibc_hwcaps_alternatives(void **state)
{
	static const struct ent ents[] = {
		{ 0x0303, "libl.so.1", "/usr/lib/x86_64/libl.so.1", UINT64_C(1) << 48 },
		{ 0x0303, "libl.so.1", "/usr/lib/glibc-hwcaps/x86-64-v3/libl.so.1", HWCAPS(0) },
		{ 0x0303, "libl.so.1", "/usr/lib/libl.so.1", 0 },
	};
	static const char *const names[] = { "x86-64-v3" };
	struct spec sp = { NEW_ONLY, false, -1, ents, N(ents), names, 1, NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	struct strlist alts = STRLIST_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_null(c->entries[0].hwcaps_subdir);
	assert_string_equal(lookup_x86_64(c, "libl.so.1", &alts),
			    "/usr/lib/libl.so.1");
	assert_int_equal(alts.n, 2);
	assert_string_equal(alts.v[0], "/usr/lib/glibc-hwcaps/x86-64-v3/libl.so.1");
	assert_string_equal(alts.v[1], "/usr/lib/x86_64/libl.so.1");
	strlist_clear(&alts);
	ldcache_free(c);
	strbuf_release(&file);
}

static void entries_of_another_abi_are_skipped(void **state)
{
	struct spec sp = { NEW_ONLY, false, -1, typical, N(typical),
			   hwcaps_names, N(hwcaps_names), NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	struct strlist alts = STRLIST_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	/* 0x0303 and 0x0003 entries share the key libc.so.6. */
	assert_string_equal(lookup_x86_64(c, "libc.so.6", NULL),
			    "/lib/x86_64-linux-gnu/libc.so.6");
	assert_string_equal(ldcache_lookup(c, "libc.so.6", EM_386, ELFCLASS32,
					   0, NULL),
			    "/lib32/libc.so.6");
	assert_null(ldcache_lookup(c, "libc.so.6", EM_AARCH64, ELFCLASS64, 0,
				   NULL));
	/* x86_64 hwcaps entries are not alternatives for i386 either. */
	assert_null(ldcache_lookup(c, "libfoo.so.1", EM_386, ELFCLASS32, 0,
				   &alts));
	assert_int_equal(alts.n, 0);
	ldcache_free(c);
	strbuf_release(&file);
}

static void lookup_compares_version_numbers_numerically(void **state)
{
	static const struct ent ents[] = {
		{ 0x0303, "libfoo.so.10", "/lib/libfoo.so.10", 0 },
		{ 0x0303, "libfoo.so.9", "/lib/libfoo.so.9", 0 },
		{ 0x0303, "libfoo.so.1", "/lib/libfoo.so.1", 0 },
	};
	struct spec sp = { NEW_ONLY, false, -1, ents, N(ents), NULL, 0, NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	struct ldcache *c;

	build_cache(&sp, &file);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_string_equal(lookup_x86_64(c, "libfoo.so.01", NULL),
			    "/lib/libfoo.so.1");
	assert_string_equal(lookup_x86_64(c, "libfoo.so.009", NULL),
			    "/lib/libfoo.so.9");
	assert_string_equal(lookup_x86_64(c, "libfoo.so.10", NULL),
			    "/lib/libfoo.so.10");
	assert_null(lookup_x86_64(c, "libfoo.so.2", NULL));
	assert_null(lookup_x86_64(c, "libfoo.so", NULL));
	ldcache_free(c);
	strbuf_release(&file);
}

static void libcmp_is_glibcs_numeric_comparison(void **state)
{
	assert_int_equal(ldcache_libcmp("libfoo.so.01", "libfoo.so.1"), 0);
	assert_int_equal(ldcache_libcmp("libfoo.so.1", "libfoo.so.1"), 0);
	assert_true(ldcache_libcmp("libfoo.so.10", "libfoo.so.9") > 0);
	assert_true(ldcache_libcmp("libfoo.so.9", "libfoo.so.10") < 0);
	assert_true(ldcache_libcmp("libfoo.so.1.2", "libfoo.so.1.10") < 0);
	/* A digit sorts after any other byte. */
	assert_true(ldcache_libcmp("libfoo.so.1", "libfoo.so.a") > 0);
	assert_true(ldcache_libcmp("libfoo.so.a", "libfoo.so.1") < 0);
	assert_true(ldcache_libcmp("lib1", "lib~") > 0);
	/* A prefix sorts first; byte order otherwise. */
	assert_true(ldcache_libcmp("libfoo.so", "libfoo.so.1") < 0);
	assert_true(ldcache_libcmp("libfoo.so.1", "libfoo.so") > 0);
	assert_true(ldcache_libcmp("liba.so", "libb.so") < 0);
	assert_int_equal(ldcache_libcmp("", ""), 0);
	/* Runs of digits too long for an int do not crash. */
	assert_int_equal(ldcache_libcmp("lib99999999999999999999",
					"lib99999999999999999999"), 0);
}

static void flags_check_follows_each_architectures_loader(void **state)
{
	/* x86_64 and x32 */
	assert_true(ldcache_flags_ok(EM_X86_64, ELFCLASS64, 0, 0x0303));
	assert_false(ldcache_flags_ok(EM_X86_64, ELFCLASS64, 0, 0x0003));
	assert_false(ldcache_flags_ok(EM_X86_64, ELFCLASS64, 0, 0x0803));
	assert_true(ldcache_flags_ok(EM_X86_64, ELFCLASS32, 0, 0x0803));
	assert_false(ldcache_flags_ok(EM_X86_64, ELFCLASS32, 0, 0x0303));
	/* generic: i386 and anything without an override */
	assert_true(ldcache_flags_ok(EM_386, ELFCLASS32, 0, 0x0003));
	assert_true(ldcache_flags_ok(EM_386, ELFCLASS32, 0, 0x0001));
	assert_false(ldcache_flags_ok(EM_386, ELFCLASS32, 0, 0x0303));
	assert_true(ldcache_flags_ok(EM_PPC, ELFCLASS32, 0, 0x0003));
	assert_true(ldcache_flags_ok(EM_S390, ELFCLASS32, 0, 0x0003));
	/* aarch64 */
	assert_true(ldcache_flags_ok(EM_AARCH64, ELFCLASS64, 0, 0x0a03));
	assert_false(ldcache_flags_ok(EM_AARCH64, ELFCLASS64, 0, 0x0003));
	/* arm: its float ABI, or unmarked */
	assert_true(ldcache_flags_ok(EM_ARM, ELFCLASS32, EF_ARM_ABI_FLOAT_HARD, 0x0903));
	assert_true(ldcache_flags_ok(EM_ARM, ELFCLASS32, EF_ARM_ABI_FLOAT_HARD, 0x0003));
	assert_false(ldcache_flags_ok(EM_ARM, ELFCLASS32, EF_ARM_ABI_FLOAT_HARD, 0x0b03));
	assert_true(ldcache_flags_ok(EM_ARM, ELFCLASS32, 0, 0x0b03));
	assert_true(ldcache_flags_ok(EM_ARM, ELFCLASS32, 0, 0x0003));
	assert_false(ldcache_flags_ok(EM_ARM, ELFCLASS32, 0, 0x0903));
	assert_false(ldcache_flags_ok(EM_ARM, ELFCLASS32, 0, 0x0001));
	/* ppc64, s390x, sparc64 */
	assert_true(ldcache_flags_ok(EM_PPC64, ELFCLASS64, 2, 0x0503));
	assert_false(ldcache_flags_ok(EM_PPC64, ELFCLASS64, 2, 0x0003));
	assert_true(ldcache_flags_ok(EM_S390, ELFCLASS64, 0, 0x0403));
	assert_false(ldcache_flags_ok(EM_S390, ELFCLASS64, 0, 0x0003));
	assert_true(ldcache_flags_ok(EM_SPARCV9, ELFCLASS64, 0, 0x0103));
	/* riscv: by float ABI (EF_RISCV_FLOAT_ABI_DOUBLE is 4) */
	assert_true(ldcache_flags_ok(EM_RISCV, ELFCLASS64, 0x4 | 0x1, 0x1003));
	assert_false(ldcache_flags_ok(EM_RISCV, ELFCLASS64, 0x4, 0x0f03));
	assert_true(ldcache_flags_ok(EM_RISCV, ELFCLASS64, 0, 0x0f03));
	assert_false(ldcache_flags_ok(EM_RISCV, ELFCLASS64, 0, 0x1003));
	/* loongarch: double (0x3) or soft (0x1) float ABI */
	assert_true(ldcache_flags_ok(258, ELFCLASS64, 0x43, 0x1203));
	assert_true(ldcache_flags_ok(258, ELFCLASS64, 0x41, 0x1103));
	assert_false(ldcache_flags_ok(258, ELFCLASS64, 0x43, 0x0003));
	/* mips: n64, n32, o32, and their NaN-2008 flavours */
	assert_true(ldcache_flags_ok(EM_MIPS, ELFCLASS64, 0, 0x0703));
	assert_true(ldcache_flags_ok(EM_MIPS, ELFCLASS32, EF_MIPS_ABI2, 0x0603));
	assert_true(ldcache_flags_ok(EM_MIPS, ELFCLASS32, 0, 0x0003));
	assert_true(ldcache_flags_ok(EM_MIPS, ELFCLASS32, EF_MIPS_NAN2008, 0x0c03));
	assert_false(ldcache_flags_ok(EM_MIPS, ELFCLASS32, EF_MIPS_NAN2008, 0x0003));
	assert_true(ldcache_flags_ok(EM_MIPS, ELFCLASS64, EF_MIPS_NAN2008, 0x0e03));
	assert_true(ldcache_flags_ok(EM_MIPS, ELFCLASS32,
				     EF_MIPS_NAN2008 | EF_MIPS_ABI2, 0x0d03));
}

/* ---- malformed caches --------------------------------------------------- */

static void corrupt_caches_are_rejected_without_reading_out_of_bounds(void **state)
{
	static const struct ent ents[] = {
		{ 0x0303, "libc.so.6", "/lib64/libc.so.6", 0 },
	};
	struct spec sp = { NEW_ONLY, false, -1, ents, 1, NULL, 0, NULL, 0 };
	struct strbuf file = STRBUF_INIT;
	char *copy;

	/* Not a cache at all, and a bare magic. */
	assert_parse_fails("", 0, ELFDATA2LSB);
	assert_parse_fails("hello, world", 12, ELFDATA2LSB);
	assert_parse_fails("glibc-ld.so.cache1.1", 20, ELFDATA2LSB);
	assert_parse_fails("ld.so-1.7.0", 11, ELFDATA2LSB);

	build_cache(&sp, &file);
	/* An unknown byte order. */
	assert_parse_fails(file.buf, file.len, ELFDATANONE);
	/* Truncated anywhere before the end of its strings. */
	for (size_t n = 0; n < file.len - 1; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, file.buf, n);
		assert_parse_fails(copy, n, ELFDATA2LSB);
		free(copy);
	}
	/* nlibs far larger than the file. */
	put32_at(&file, 20, 0xfffffff0u, false);
	assert_parse_fails(file.buf, file.len, ELFDATA2LSB);
	put32_at(&file, 20, 1, false);
	/* A key offset past the end. */
	put32_at(&file, 48 + 4, 0x7fffffffu, false);
	assert_parse_fails(file.buf, file.len, ELFDATA2LSB);
	put32_at(&file, 48 + 4, (uint32_t)file.len, false);
	assert_parse_fails(file.buf, file.len, ELFDATA2LSB);
	/* A value string with no NUL before the end of the file. */
	put32_at(&file, 48 + 4, 48 + 24, false);
	file.buf[file.len - 1] = 'x';
	assert_parse_fails(file.buf, file.len, ELFDATA2LSB);

	/* The same for the old format. */
	sp.layout = OLD_ONLY;
	build_cache(&sp, &file);
	put32_at(&file, 12, 0x40000000u, false);
	assert_parse_fails(file.buf, file.len, ELFDATA2LSB);
	put32_at(&file, 12, 1, false);
	put32_at(&file, 16 + 8, 0xffffffffu, false);
	assert_parse_fails(file.buf, file.len, ELFDATA2LSB);
	strbuf_release(&file);
}

static void malformed_extension_directory_is_ignored(void **state)
{
	static const struct ent ents[] = {
		{ 0x0303, "libh.so.1", "/usr/lib/glibc-hwcaps/x86-64-v3/libh.so.1", HWCAPS(0) },
		{ 0x0303, "libh.so.1", "/usr/lib/libh.so.1", 0 },
	};
	static const char *const names[] = { "x86-64-v3" };
	struct spec sp = { NEW_ONLY, false, -1, ents, N(ents), names, 1, "g", 0 };
	struct strbuf file = STRBUF_INIT;
	struct strlist alts = STRLIST_INIT;
	struct ldcache *c;
	uint32_t ext;

	build_cache(&sp, &file);
	ext = (uint32_t)(unsigned char)file.buf[32] |
	      (uint32_t)(unsigned char)file.buf[33] << 8;
	/* Section count too large for the file, like ld.so: no extension. */
	put32_at(&file, ext + 4, 0x10000000u, false);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_int_equal(c->n_entries, 2);
	assert_null(c->generator);
	assert_null(c->entries[0].hwcaps_subdir);
	/* The entry is still a glibc-hwcaps variant. */
	assert_string_equal(lookup_x86_64(c, "libh.so.1", &alts),
			    "/usr/lib/libh.so.1");
	assert_int_equal(alts.n, 1);
	ldcache_free(c);

	/* A bad magic, and a misaligned offset. */
	put32_at(&file, ext + 4, 2, false);
	put32_at(&file, ext, 0x12345678u, false);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_null(c->generator);
	ldcache_free(c);
	put32_at(&file, ext, 0xeaa42174u, false);
	put32_at(&file, 32, ext + 1, false);
	c = parse_ok(&file, ELFDATA2LSB);
	assert_null(c->generator);
	ldcache_free(c);
	strlist_clear(&alts);
	strbuf_release(&file);
}

/* ---- ld.so.conf text ---------------------------------------------------- */

static void parse_text(const char *text, struct strlist *dirs,
		       struct strlist *inc)
{
	assert_int_equal(ldconf_parse_text(text, strlen(text), "/etc/ld.so.conf",
					   dirs, inc),
			 0);
}

static void assert_list(const struct strlist *sl, size_t n, ...)
{
	va_list ap;

	assert_int_equal(sl->n, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(sl->v[i], va_arg(ap, const char *));
	va_end(ap);
}

static void conf_comments_blank_lines_and_indentation_are_skipped(void **state)
{
	struct strlist dirs = STRLIST_INIT, inc = STRLIST_INIT;

	parse_text("# a comment\n"
		   "\n"
		   "   \t\n"
		   "  /usr/local/lib   # trailing comment\n"
		   "\t/opt/lib\n"
		   "/opt/last", &dirs, &inc);
	assert_list(&dirs, 3, "/usr/local/lib", "/opt/lib", "/opt/last");
	assert_int_equal(inc.n, 0);
	strlist_clear(&dirs);
}

static void conf_include_patterns_are_made_absolute_against_the_files_directory(void **state)
{
	struct strlist dirs = STRLIST_INIT, inc = STRLIST_INIT;

	parse_text("include ld.so.conf.d/*.conf\n"
		   "include\t/etc/other/*.conf  extra.d/x.conf\t\n"
		   "include /a#/b\n"
		   "includes/x\n"
		   "include\n", &dirs, &inc);
	assert_list(&inc, 4, "/etc/ld.so.conf.d/*.conf", "/etc/other/*.conf",
		    "/etc/extra.d/x.conf", "/a");
	/* "includes/x" is a (relative, so dropped) directory line; "include"
	 * without a blank after it as well. */
	assert_int_equal(dirs.n, 0);
	strlist_clear(&inc);

	/* A file at the top of the root. */
	assert_int_equal(ldconf_parse_text("include x.conf\n", 15, "/ld.so.conf",
					   NULL, &inc),
			 0);
	assert_list(&inc, 1, "/x.conf");
	strlist_clear(&inc);
}

static void conf_hwcap_lines_are_ignored(void **state)
{
	struct strlist dirs = STRLIST_INIT, inc = STRLIST_INIT;

	parse_text("hwcap 0 nosegneg\nHWCAP\t1 foo\n/usr/lib\n", &dirs, &inc);
	assert_list(&dirs, 1, "/usr/lib");
	strlist_clear(&dirs);
}

static void conf_directories_lose_trailing_blanks_slashes_and_type(void **state)
{
	struct strlist dirs = STRLIST_INIT, inc = STRLIST_INIT;

	parse_text("/usr/lib/  \n"
		   "/opt/x//\r\n"
		   "/usr/lib32=libc6\n"
		   "/usr/libx = libc6 \n"
		   "/opt/a=b/lib\n"
		   "/\n"
		   "relative/dir\n"
		   "=libc6\n", &dirs, &inc);
	/* "dir=TYPE" is glibc <= 2.36 syntax; an '=' followed by a '/' is
	 * part of the name. "/" alone is empty once its slash is gone. */
	assert_list(&dirs, 5, "/usr/lib", "/opt/x", "/usr/lib32", "/usr/libx",
		    "/opt/a=b/lib");
	assert_int_equal(inc.n, 0);
	strlist_clear(&dirs);
}

static void conf_text_with_nul_bytes_ends_each_line_there(void **state)
{
	static const char text[] = "/a\0/hidden\n/b\n\0\n";
	struct strlist dirs = STRLIST_INIT;

	assert_int_equal(ldconf_parse_text(text, sizeof(text) - 1,
					   "/etc/ld.so.conf", &dirs, NULL),
			 0);
	assert_list(&dirs, 2, "/a", "/b");
	strlist_clear(&dirs);
}

/* ---- ldconf_load inside a root ------------------------------------------ */

struct tree {
	char dir[4096];
	struct root *r;
};

static void put_file(const struct tree *t, const char *rel, const char *text)
{
	char path[8192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	/* mkdir -p of the parent */
	for (char *p = path + strlen(t->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_dir(const struct tree *t, const char *rel)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s/.keep", t->dir, rel);
	put_file(t, path + strlen(t->dir) + 1, "");
}

static void put_symlink(const struct tree *t, const char *rel,
			const char *target)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup_tree(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct tree *t = calloc(1, sizeof(*t));

	snprintf(t->dir, sizeof(t->dir), "%s/test_ldconf.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t->dir) || root_open(t->dir, &t->r, NULL) < 0) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static int teardown_tree(void **state)
{
	struct tree *t = *state;

	root_free(t->r);
	nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

static void load_expands_includes_in_order_and_drops_missing_and_duplicate_dirs(void **state)
{
	struct tree *t = *state;
	struct strlist dirs = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;

	put_file(t, "etc/ld.so.conf",
		 "include ld.so.conf.d/*.conf\n/usr/local/lib\n");
	put_file(t, "etc/ld.so.conf.d/b.conf",
		 "/opt/b\n/opt/missing\n/opt/alias/\n/opt/a\n/opt/file\n");
	put_file(t, "etc/ld.so.conf.d/a.conf", "/opt/a\n");
	put_file(t, "etc/ld.so.conf.d/notes.txt", "/opt/c\n");
	put_file(t, "etc/ld.so.conf.d/.hidden.conf", "/opt/c\n");
	put_dir(t, "opt/a");
	put_dir(t, "opt/b");
	put_dir(t, "opt/c");
	put_dir(t, "usr/local/lib");
	put_file(t, "opt/file", "not a directory\n");
	/* An absolute link: it must resolve inside the root. */
	put_symlink(t, "opt/alias", "/opt/a");

	assert_int_equal(ldconf_load(t->r, "/etc/ld.so.conf", &dirs, &err), 0);
	/* a.conf before b.conf; /opt/alias is /opt/a again; missing and
	 * non-directories are dropped; *.conf does not match .hidden.conf. */
	assert_list(&dirs, 3, "/opt/a", "/opt/b", "/usr/local/lib");
	strlist_clear(&dirs);
	strbuf_release(&err);
}

static void load_keeps_the_first_spelling_of_a_directory(void **state)
{
	struct tree *t = *state;
	struct strlist dirs = STRLIST_INIT;

	put_file(t, "etc/ld.so.conf", "/lib/x86_64-linux-gnu\n"
				      "/usr/lib/x86_64-linux-gnu\n");
	put_dir(t, "usr/lib/x86_64-linux-gnu");
	put_symlink(t, "lib", "usr/lib");
	assert_int_equal(ldconf_load(t->r, "/etc/ld.so.conf", &dirs, NULL), 0);
	assert_list(&dirs, 1, "/lib/x86_64-linux-gnu");
	strlist_clear(&dirs);

	/* Directories already in the list count as listed. */
	strlist_add(&dirs, "/usr/lib/x86_64-linux-gnu");
	assert_int_equal(ldconf_load(t->r, "/etc/ld.so.conf", &dirs, NULL), 0);
	assert_list(&dirs, 1, "/usr/lib/x86_64-linux-gnu");
	strlist_clear(&dirs);
}

static void load_nested_and_absolute_includes(void **state)
{
	struct tree *t = *state;
	struct strlist dirs = STRLIST_INIT;

	put_file(t, "etc/ld.so.conf", "/first\n"
				      "include /etc/conf.d/*.conf /nonexistent/*.conf\n"
				      "include none-match-*.conf\n"
				      "/last\n");
	put_file(t, "etc/conf.d/10-x.conf", "include sub/x?.conf\n/ten\n");
	put_file(t, "etc/conf.d/sub/x1.conf", "/sub\n");
	put_dir(t, "first");
	put_dir(t, "last");
	put_dir(t, "ten");
	put_dir(t, "sub");
	assert_int_equal(ldconf_load(t->r, "/etc/ld.so.conf", &dirs, NULL), 0);
	/* Included directories take the place of the include line. */
	assert_list(&dirs, 4, "/first", "/sub", "/ten", "/last");
	strlist_clear(&dirs);
}

static void load_include_loop_fails_with_eloop(void **state)
{
	struct tree *t = *state;
	struct strlist dirs = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;

	put_file(t, "etc/ld.so.conf", "include ld.so.conf\n/opt\n");
	put_dir(t, "opt");
	assert_int_equal(ldconf_load(t->r, "/etc/ld.so.conf", &dirs, &err),
			 -ELOOP);
	assert_non_null(strstr(err.buf, "16"));
	strlist_clear(&dirs);
	strbuf_release(&err);
}

static void load_of_a_missing_file_is_enoent(void **state)
{
	struct tree *t = *state;
	struct strlist dirs = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(ldconf_load(t->r, "/etc/ld.so.conf", &dirs, &err),
			 -ENOENT);
	assert_true(err.len > 0);
	assert_int_equal(dirs.n, 0);
	strbuf_release(&err);
}

/* ---- musl --------------------------------------------------------------- */

static void musl_path_splits_on_colons_and_newlines(void **state)
{
	static const char debian[] = "/lib/x86_64-linux-musl\n/usr/lib/x86_64-linux-musl\n";
	static const char odd[] = "::/a::/b\n\n:/with space:\n/c";
	static const char nul[] = "/x\0/y";
	struct strlist dirs = STRLIST_INIT;

	ldconf_parse_musl_path(debian, sizeof(debian) - 1, &dirs);
	assert_list(&dirs, 2, "/lib/x86_64-linux-musl", "/usr/lib/x86_64-linux-musl");
	strlist_clear(&dirs);
	ldconf_parse_musl_path(odd, sizeof(odd) - 1, &dirs);
	assert_list(&dirs, 4, "/a", "/b", "/with space", "/c");
	strlist_clear(&dirs);
	/* musl reads the file as a C string. */
	ldconf_parse_musl_path(nul, sizeof(nul) - 1, &dirs);
	assert_list(&dirs, 1, "/x");
	strlist_clear(&dirs);
	ldconf_parse_musl_path("", 0, &dirs);
	assert_int_equal(dirs.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_format_little_endian_gives_entries_in_file_order),
		cmocka_unit_test(new_format_big_endian_is_read_for_an_msb_target),
		cmocka_unit_test(cache_of_the_other_byte_order_is_ignored),
		cmocka_unit_test(old_format_alone_is_used_without_hwcaps),
		cmocka_unit_test(old_format_walk_ends_at_the_loaders_own_flags),
		cmocka_unit_test(compat_file_uses_the_new_block_after_the_old_one),
		cmocka_unit_test(hwcaps_entries_are_alternatives_best_first_and_normal_entry_is_primary),
		cmocka_unit_test(hwcaps_variant_without_normal_entry_is_an_alternative_only),
		cmocka_unit_test(legacy_hwcap_entries_follow_glibc_hwcaps_alternatives),
		cmocka_unit_test(entries_of_another_abi_are_skipped),
		cmocka_unit_test(lookup_compares_version_numbers_numerically),
		cmocka_unit_test(libcmp_is_glibcs_numeric_comparison),
		cmocka_unit_test(flags_check_follows_each_architectures_loader),
		cmocka_unit_test(corrupt_caches_are_rejected_without_reading_out_of_bounds),
		cmocka_unit_test(malformed_extension_directory_is_ignored),
		cmocka_unit_test(conf_comments_blank_lines_and_indentation_are_skipped),
		cmocka_unit_test(conf_include_patterns_are_made_absolute_against_the_files_directory),
		cmocka_unit_test(conf_hwcap_lines_are_ignored),
		cmocka_unit_test(conf_directories_lose_trailing_blanks_slashes_and_type),
		cmocka_unit_test(conf_text_with_nul_bytes_ends_each_line_there),
		cmocka_unit_test_setup_teardown(load_expands_includes_in_order_and_drops_missing_and_duplicate_dirs,
						setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(load_keeps_the_first_spelling_of_a_directory,
						setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(load_nested_and_absolute_includes,
						setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(load_include_loop_fails_with_eloop,
						setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(load_of_a_missing_file_is_enoent,
						setup_tree, teardown_tree),
		cmocka_unit_test(musl_path_splits_on_colons_and_newlines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
