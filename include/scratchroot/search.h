/*
 * search: one lookup, the way the loader does it.  Given the object that
 * asks (its RPATH/RUNPATH, its chain of loaders, its $ORIGIN) and one
 * DT_NEEDED name, which file does it get, under glibc's rules or musl's?
 *
 * struct search_obj is what a lookup needs to know of a loaded object
 * (glibc's link_map, as far as searching goes): the path it was opened by,
 * its parsed facts and which object loaded it first.  The walk's objects
 * begin with one; search only reads them.
 */
#ifndef SCRATCHROOT_SEARCH_H
#define SCRATCHROOT_SEARCH_H

#include <stdbool.h>
#include <sys/stat.h>

#include "scratchroot/elffile.h"
#include "scratchroot/elfobj.h"
#include "scratchroot/ldso.h"
#include "scratchroot/root.h"

enum how {
	HOW_INPUT,		/* given on the command line */
	HOW_INTERP,		/* PT_INTERP, opened by the kernel */
	HOW_PATH,		/* the name contains '/': opened as written */
	HOW_RPATH,		/* DT_RPATH of an object on the loader chain */
	HOW_LIBRARY_PATH,	/* --library-path (LD_LIBRARY_PATH) */
	HOW_RUNPATH,		/* DT_RUNPATH of the requester */
	HOW_CACHE,		/* /etc/ld.so.cache */
	HOW_DEFAULT,		/* glibc's built-in directories or musl's path */
	HOW_MUSL_LIBC,		/* a libc name musl maps to the loader itself */
};

struct search_obj {
	const char *path;	/* as opened: the origin of its $ORIGIN */
	const char *origin;	/* $ORIGIN */
	const struct elfobj *elf;
	const struct search_obj *loader;	/* the first object that needed it */
	bool is_main;
};

/* Path lists expanded once per run (one per walk: not shared by threads). */
struct search_cache;
struct search_cache *search_cache_new(void);
void search_cache_free(struct search_cache *c);

struct search_ctx {
	const struct root *root;
	struct search_cache *cache;	/* may be NULL */
	const struct ldso *ldso;
	const struct strlist *library_path;	/* raw LD_LIBRARY_PATH value(s) */
	const struct search_obj *main;
	struct elfcache *objs;
	bool secure;
};

struct search_hit {
	char *path, *real;
	struct stat st;
	struct elfobj *elf;	/* borrowed */
	struct strlist hops, alts, notes;
	enum how how;
	const struct search_obj *how_owner;
	char *how_dir;
	char *how_tmpl;
};

void search_hit_release(struct search_hit *h);

/*
 * Finds NAME for requester LOADER.  Returns 0 with *hit filled (release with
 * search_hit_release()), -ENOENT when no candidate qualified (hit->notes
 * says what was skipped), or another negative errno when the loader would
 * stop with an error at a candidate (err names the file and the reason).
 * Already-loaded matching is the walk's job, not this function's.
 */
int search_lookup(const struct search_ctx *ctx, const struct search_obj *loader,
		  const char *name, struct search_hit *hit, struct strbuf *err);

/*
 * Expands the dynamic string tokens of one path element S for glibc
 * (G9): $ORIGIN/${ORIGIN} from ORIGIN (NULL when unknown), $LIB, and
 * $PLATFORM with each value in PLATFORMS.  Appends one result per platform
 * value to OUT (one result when $PLATFORM is absent).  An element with a DST
 * that cannot be replaced is dropped (nothing appended).  Returns the number
 * of results appended.
 */
size_t search_expand_dst(const char *s, const char *origin, const char *lib,
			 const struct strlist *platforms, struct strlist *out);

/* Splits a path list on any of SEPS; empty elements are kept as "". */
void search_split(const char *list, const char *seps, struct strlist *out);

/* The musl rule for DSTs (M7): the rpath with $ORIGIN/${ORIGIN} replaced,
 * or NULL when it holds any other '$' (the whole rpath is then ignored).
 * Caller frees. */
char *search_musl_rpath(const char *rpath, const char *origin);

/* Whether musl resolves NAME to the loader itself (M2). */
bool search_musl_reserved(const char *name, const char *interp);

const char *search_how_name(enum how how);

#endif
