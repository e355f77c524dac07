/*
 * walk: the closure of each program, as the loader builds it.
 *
 * For each input: classify it, find its interpreter and the loader's facts
 * (ldso), then load breadth-first over DT_NEEDED (and DT_FILTER), each name
 * first matched against what is already loaded and otherwise searched in the
 * context of the first object that needed it (search).  Preloads from
 * /etc/ld.so.preload come first.  Symbol versions (DT_VERNEED) are checked
 * against the library each name resolved to.
 *
 * Problems are collected, never printed: every unresolved name and every bad
 * input of the whole run is reported, not just the first.  The walk owns the
 * programs, their objects and the shared caches; it reads the root and never
 * writes.
 */
#ifndef SCRATCHROOT_WALK_H
#define SCRATCHROOT_WALK_H

#include <stdbool.h>

#include "scratchroot/search.h"

struct problem {
	char *path;		/* the file the message is about */
	char *msg;		/* one line, no trailing newline */
	bool warning;		/* true: reported, does not fail the job */
};

struct program {
	char *arg;		/* as given on the command line */
	char *path;		/* absolute path inside the root */
	char *dest;		/* where the image holds it, when not at path */
	struct elfobj *elf;	/* borrowed from the objcache */
	struct ldso *ldso;	/* borrowed from the walk; NULL when static */
	struct dso **dsos;	/* load order: main, preloads, then BFS */
	size_t n_dsos;
	struct dso *main, *interp;
	bool ok;		/* every dependency resolved */
	struct strlist config;	/* loader files the image needs: ld.so.cache when a
				 * library is reachable only through it,
				 * ld.so.preload, musl's path file */
};

struct walk {
	const struct root *root;
	char *cwd;		/* where relative inputs are looked up */
	struct strlist library_path;	/* --library-path values */
	struct objcache *objs;
	struct ldso **ldsos;
	size_t n_ldsos, a_ldsos;
	struct program **progs;
	size_t n_progs, a_progs;
	struct problem *problems;
	size_t n_problems, a_problems;
	size_t n_errors;
};

/* A new walk reading through root R (borrowed).  CWD is the absolute
 * directory relative inputs are taken from ("/" inside a sysroot). */
struct walk *walk_new(const struct root *r, const char *cwd);
void walk_free(struct walk *w);

/* Adds one input and walks its closure.  Returns 0, or -1 when a problem
 * that fails the job was recorded. */
int walk_add(struct walk *w, const char *file);

/* The same for a program the image holds at DEST (FILE:DEST). */
int walk_add_as(struct walk *w, const char *file, const char *dest);

/* Appends to OUT every path the image needs (symlinks crossed, files, the
 * interpreter, hwcaps variants, /etc/ld.so.cache when a library is reachable
 * only through it), sorted and de-duplicated. */
void walk_paths(const struct walk *w, struct strlist *out);

#endif
