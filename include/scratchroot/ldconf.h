/*
 * ldconf: the loader's configuration files, parsed from memory.
 *
 *  - ld.so.cache, both formats (the libc5 "ld.so-1.7.0" one, the
 *    "glibc-ld.so.cache1.1" one, and the compat file that holds both), with
 *    the glibc-hwcaps extension.  The loader (glibc elf/dl-cache.c) is the
 *    specification: entries are matched with _dl_cache_libcmp, filtered by the
 *    per-architecture flag check, and the first normal entry ends the scan.
 *  - ld.so.conf text (comments, "include" patterns relative to the including
 *    file, "hwcap" lines ignored, "dir=TYPE" suffixes).  ldconf_load() reads
 *    a file and its includes inside a struct root.
 *  - musl's etc/ld-musl-ARCH.path text.
 *
 * Nothing here searches for libraries; search.c asks these questions.
 * All integer fields of a cache are read in the byte order of the target
 * (EI_DATA of the program being resolved); the parser never trusts a count or
 * offset without checking it against the buffer.
 */
#ifndef SCRATCHROOT_LDCONF_H
#define SCRATCHROOT_LDCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scratchroot/root.h"
#include "scratchroot/util.h"

struct ldcache_entry {
	int32_t flags;		/* FLAG_ELF_LIBC6 | FLAG_<arch> */
	uint64_t hwcap;		/* 0 for a normal entry */
	const char *key;	/* the SONAME, points into the cache buffer */
	const char *value;	/* the full path, points into the cache buffer */
	const char *hwcaps_subdir; /* "x86-64-v3" for glibc-hwcaps entries, else NULL */
};

struct ldcache {
	char *buf;		/* owned copy of the file */
	size_t len;
	bool new_format;	/* false: only the old libc5 format was present */
	char *generator;	/* the ldconfig generator string, or NULL */
	struct ldcache_entry *entries;	/* in file order */
	size_t n_entries;
};

/*
 * Parses a cache file image.  EI_DATA (ELFDATA2LSB or ELFDATA2MSB) is the
 * target's byte order.  Returns 0 and sets *ret (free with ldcache_free()),
 * or -EINVAL with a reason in err for a malformed file.  A new-format cache
 * whose endianness flag contradicts EI_DATA yields a cache with no entries,
 * as glibc ignores it.
 */
int ldcache_parse(const void *buf, size_t len, unsigned char ei_data,
		  struct ldcache **ret, struct strbuf *err);
void ldcache_free(struct ldcache *c);

/* glibc's _dl_cache_libcmp: runs of digits compare numerically, a digit sorts
 * after a non-digit.  Returns <0, 0, >0. */
int ldcache_libcmp(const char *a, const char *b);

/* Whether the loader for (E_MACHINE, EI_CLASS, E_FLAGS) accepts an entry with
 * FLAGS (_dl_cache_check_flags of each architecture). */
bool ldcache_flags_ok(uint16_t e_machine, unsigned char ei_class,
		      uint32_t e_flags, int32_t flags);

/*
 * Looks NAME up as the loader does.  Returns the value of the first accepted
 * normal entry (a pointer into the cache, not to be freed), or NULL.  The
 * values of accepted glibc-hwcaps entries for the same key are appended to
 * ALTS (may be NULL), best first, because the CPU that will run the image is
 * not known.
 */
const char *ldcache_lookup(const struct ldcache *c, const char *name,
			   uint16_t e_machine, unsigned char ei_class,
			   uint32_t e_flags, struct strlist *alts);

/*
 * Parses the text of one ld.so.conf file named FILE (an absolute path, used
 * to anchor relative include patterns).  Directories are appended to DIRS in
 * order (trailing blanks and slashes removed, "dir=TYPE" suffix dropped);
 * include patterns, made absolute, to INCLUDES.  Returns 0 (bad lines are
 * skipped as ldconfig skips them).
 */
int ldconf_parse_text(const char *text, size_t len, const char *file,
		      struct strlist *dirs, struct strlist *includes);

/*
 * Reads FILE inside root R, expanding include patterns (glob characters are
 * honoured in the last path component; matches in C collation order;
 * includes nest at most 16 deep).  Appends the directories to DIRS, leaving
 * out those that do not exist in the root and later spellings of a directory
 * already listed (same st_dev/st_ino), as ldconfig does.  Returns 0,
 * -ENOENT when FILE is absent, or -errno.
 */
int ldconf_load(const struct root *r, const char *file, struct strlist *dirs,
		struct strbuf *err);

/* Parses musl's path file: elements separated by ':' or newline, empty ones
 * dropped.  Appends to DIRS. */
void ldconf_parse_musl_path(const char *text, size_t len, struct strlist *dirs);

#endif
