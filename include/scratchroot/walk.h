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
 * A walk owns its programs.  A program owns its closure (the objects it
 * loads, in load order, as struct dso), the files loaded behind the loader's
 * back (extras), and its diagnostics: those of its walk, and those of the
 * run-time rules (needs.h) that ran for it.  So the programs of a batch,
 * walked on several threads, come together by concatenation in input order
 * (walk_merge).  Objects and their strings live on the walk's arena.
 *
 * struct walk, struct program and struct dso are opaque.  The run-time rules
 * read them through the accessors below; every other module reads the
 * record walk_record() makes of each program in the manifest.  The walk
 * reads the root and never writes.
 */
#ifndef SCRATCHROOT_WALK_H
#define SCRATCHROOT_WALK_H

#include <stdbool.h>

#include "scratchroot/diag.h"
#include "scratchroot/elffile.h"
#include "scratchroot/manifest.h"
#include "scratchroot/search.h"

struct walk;
struct program;
struct dso;

/* A new walk reading through root R (borrowed), its ELF files parsed
 * through OBJS (borrowed; the walks of a batch share one).  CWD is the
 * absolute directory relative inputs are taken from ("/" inside a sysroot);
 * LIBRARY_PATH the --library-path values (copied; may be NULL). */
struct walk *walk_new(const struct root *r, const char *cwd,
		      const struct strlist *library_path, struct elfcache *objs);
void walk_free(struct walk *w);

/* A walk like W (same working directory, library path and parsed objects)
 * reading through root R: a part of a batch (batch.h). */
struct walk *walk_new_sibling(const struct walk *w, const struct root *r);

enum walk_flags {
	WALK_LENIENT = 1,	/* its problems are warnings (an ELF file of an
				 * --add tree may need a program that is not there) */
};

/* Walks input FILE, which the image holds at DEST (NULL: at its own path).
 * Returns the program (the walk's); program_ok() tells how it went. */
struct program *walk_add(struct walk *w, const char *file, const char *dest, unsigned flags);

/* Moves the N programs of ORDER, each a program of one of the sibling walks
 * PARTS[0..NP) (walk_new_sibling), to the end of INTO in that order, with
 * everything they borrow from their walks, and frees the parts. */
void walk_merge(struct walk *into, struct walk **parts, size_t np, struct program **order,
		size_t n);

size_t walk_n_programs(const struct walk *w);
struct program *walk_program(const struct walk *w, size_t i);
const struct root *walk_root(const struct walk *w);
/* A map for facts the rules read out of libraries, kept for the whole walk
 * (keys and values are the caller's strings). */
struct strmap *walk_memo(struct walk *w);

/*
 * Loads NAME the way a dlopen() from CALLER would (glibc searches in the
 * caller's context, musl in the program's), with everything it needs in
 * turn; WHY says why it is loaded.  Returns the object, or NULL: then an
 * error is recorded unless OPTIONAL, where the caller decides what to say.
 */
struct dso *walk_dlopen(struct walk *w, struct program *p, struct dso *caller,
			const char *name, const char *why, bool optional);

/* Records that the image needs the file PATH of the root (DATA NULL) or the
 * generated file PATH holding LEN bytes of DATA, for reason WHY.  The first
 * record of a path wins. */
void walk_extra(struct walk *w, struct program *p, const char *path, const char *why,
		const char *data, size_t len);

/* Records that the image needs the directory tree PATH of the root. */
void walk_extra_tree(struct walk *w, struct program *p, const char *path, const char *why);

/* The loader facts for interpreter INTERP and E's machine and class, read
 * once per run (the walk owns them). */
struct ldso *walk_ldso(struct walk *w, const char *interp, const struct elfobj *e,
		       bool musl);

/* Gives a static program the default loader of its machine, so that what
 * its C library dlopens (NSS modules) can be loaded.  Returns 0 or -1. */
int walk_attach_loader(struct walk *w, struct program *p);

/* The path the loader opens for NAME needed by REQ, searched (G5) even
 * when an object of P already answers to NAME: a static program's dlopen
 * has not loaded the loader, so libc.so.6's need of it is searched like
 * any other.  NULL when not found.  Caller frees. */
char *walk_search_path(struct walk *w, struct program *p, struct dso *req, const char *name);

/* A record of every program, in order, into M (manifest.h): its facts, its
 * load tree and its extras.  The records borrow from W, which must outlive
 * M's use of them. */
void walk_record(const struct walk *w, struct manifest *m);

/* Moves every program's diagnostics to the end of OUT: first each program's
 * walk diagnostics, in input order, then each one's run-time rules'. */
void walk_take_diags(struct walk *w, struct diags *out);

/* ---- a program, for the run-time rules ---- */

const char *program_path(const struct program *p);
bool program_ok(const struct program *p);
const struct elfobj *program_elf(const struct program *p);	/* NULL: not parsed */
const struct ldso *program_ldso(const struct program *p);	/* NULL: static */
size_t program_n_objects(const struct program *p);
struct dso *program_object(const struct program *p, size_t i);
struct dso *program_main(const struct program *p);
struct dso *program_interp(const struct program *p);		/* NULL: none */
size_t program_n_extras(const struct program *p);

/* What the rules read of the program's own file, kept with it (FREE_FACTS
 * frees it with the walk). */
void *program_facts(const struct program *p);
void program_set_facts(struct program *p, void *facts, void (*free_facts)(void *));

/* From now on the program's diagnostics are the run-time rules'.  Returns
 * false when they already ran for it. */
bool program_begin_rules(struct program *p);

/* Records a diagnostic about PATH for program P; with ONCE, not when the
 * same one is already recorded for P. */
void program_diag(struct program *p, enum diag_severity s, bool once, const char *path,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records that run-time bundle NAME ("certs", "nss"...) gave P files. */
void program_add_bundle(struct walk *w, struct program *p, const char *name);

/* ---- an object of a program's closure ---- */

const char *dso_path(const struct dso *d);	/* as opened */
const char *dso_real(const struct dso *d);	/* canonical, or NULL */
const struct elfobj *dso_elf(const struct dso *d);
const struct dso *dso_loader(const struct dso *d);	/* who first needed it */
bool dso_is_interp(const struct dso *d);

#endif
