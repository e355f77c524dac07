/*
 * search: one lookup, the way the loader does it.  Given the object that
 * asks (its RPATH/RUNPATH, its chain of loaders, its $ORIGIN) and one
 * DT_NEEDED name, which file does it get, under glibc's rules or musl's?
 *
 * struct dso is the loader's view of a loaded object (glibc's link_map): the
 * path it was opened by, the names it answers to, which object loaded it
 * first.  The walk owns every struct dso; search only reads them.
 *
 * struct objcache keeps one parsed struct elfobj per (st_dev, st_ino), so a
 * library that many programs load is read once per run; the threads of a
 * batch share one (it locks; a struct elfobj never changes once parsed).
 */
#ifndef SCRATCHROOT_SEARCH_H
#define SCRATCHROOT_SEARCH_H

#include <stdbool.h>
#include <sys/stat.h>

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

struct dso {
	char *path;		/* as opened: the origin of its $ORIGIN */
	char *real;		/* canonical path in the root */
	dev_t dev;
	ino_t ino;
	struct elfobj *elf;	/* borrowed from the objcache */
	struct strlist names;	/* every name that resolved to it */
	struct strlist hops;	/* symlinks crossed, for every path opened */
	struct strlist alts;	/* hwcaps variants the image must hold too */
	struct strlist notes;	/* candidates skipped and why */
	struct dso *loader;	/* the first object (BFS order) that needed it */
	char *origin;		/* $ORIGIN */
	enum how how;
	const struct dso *how_owner;	/* whose RPATH/RUNPATH found it */
	char *how_dir;		/* the search directory it was found in */
	char *how_tmpl;		/* that directory before DST expansion, when it
				 * had a DST ("$ORIGIN/../lib"); else NULL */
	struct dso **deps;	/* what each elf->needed entry resolved to */
	const struct dso *dlopen_by;	/* loaded at run time by this object */
	char *why;		/* for objects loaded at run time: the reason */
	bool is_main, is_interp, preload, secure;
	unsigned depth;
};

struct objcache;
struct objcache *objcache_new(void);
void objcache_free(struct objcache *oc);

/*
 * Parses (or finds already parsed) the regular file at canonical path REAL
 * with stat ST.  Returns 0 and a borrowed *ret, or -errno/-ENOEXEC with a
 * reason in err; a failure is remembered like a success.
 */
int objcache_get(struct objcache *oc, const struct root *r, const char *real,
		 const struct stat *st, struct elfobj **ret, struct strbuf *err);

struct search_ctx {
	const struct root *root;
	const struct ldso *ldso;
	const struct strlist *library_path;	/* raw LD_LIBRARY_PATH value(s) */
	const struct dso *main;
	struct objcache *objs;
	bool secure;
};

struct search_hit {
	char *path, *real;
	struct stat st;
	struct elfobj *elf;	/* borrowed */
	struct strlist hops, alts, notes;
	enum how how;
	const struct dso *how_owner;
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
int search_lookup(const struct search_ctx *ctx, const struct dso *loader,
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
