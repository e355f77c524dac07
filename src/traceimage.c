/*
 * traceimage: what a traced run saw, made into walks and manifest entries
 * (trace.h).  Every record is resolved in the root once; the ELF files
 * among what was exec'd, mapped or opened are walked as --add's ELF files
 * are, unless a program already loads them; everything else that still
 * exists is added as it is, each with the reason "traced: pid N, CALL".
 */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"
#include "scratchroot/trace.h"

static bool is_elf(const struct root *r, const char *real)
{
	char magic[SELFMAG];
	int fd = root_open_file(r, real);
	bool ret;

	if (fd < 0)
		return false;
	ret = pread(fd, magic, SELFMAG, 0) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG);
	close(fd);
	return ret;
}

static void set_fate(struct trace_decision *dc, const char *fate)
{
	free(dc->fate_buf);
	dc->fate_buf = xstrdup(fate);
	dc->fate = dc->fate_buf;
}

/* Resolves REC in the root into DC: the file it leads to, or, for a
 * lookup that does not follow the last symlink, the symlink itself. */
static void resolve(const struct root *r, const struct trace_rec *rec,
		    struct trace_decision *dc, struct stat *st)
{
	char *parent, *dir = NULL;

	if (root_resolve(r, rec->path, NULL, &dc->real, st, NULL) == 0)
		return;
	dc->real = NULL;
	if (rec->kind != TRACE_STAT && rec->kind != TRACE_READLINK)
		return;
	parent = path_dirname(rec->path);
	if (root_resolve(r, parent, NULL, &dir, NULL, NULL) == 0) {
		char *p = path_join(dir, path_basename(rec->path));

		if (root_lstat(r, p, st) == 0 && S_ISLNK(st->st_mode)) {
			dc->real = p;
			dc->nofollow = true;
		} else {
			free(p);
		}
	}
	free(dir);
	free(parent);
}

/* The first pass: filters, resolution, which records are ELF files. */
static void classify(struct trace *t, const struct root *r)
{
	struct strbuf buf = STRBUF_INIT;

	trace_merge(t);
	t->dec = xcalloc(t->n_merged + 1, sizeof(*t->dec));
	for (size_t i = 0; i < t->n_merged; i++) {
		const struct trace_rec *rec = &t->merged[i];
		struct trace_decision *dc = &t->dec[i];
		const char *why;
		struct stat st;

		dc->prog = -1;
		if ((why = trace_left_out(t, rec->path, &buf))) {
			set_fate(dc, why);
			dc->left_out = true;
			continue;
		}
		if (rec->kind == TRACE_PROBED) {
			dc->fate = "probed: not found";
			continue;
		}
		resolve(r, rec, dc, &st);
		if (!dc->real) {
			dc->fate = "gone: not in the root any more";
			continue;
		}
		if ((why = trace_left_out(t, dc->real, &buf))) {
			set_fate(dc, why);
			dc->left_out = true;
			continue;
		}
		dc->elf = (rec->kind == TRACE_EXEC || rec->kind == TRACE_MAPPED ||
			   rec->kind == TRACE_OPENED) && !dc->nofollow && S_ISREG(st.st_mode) &&
			  is_elf(r, dc->real);
	}
	strbuf_release(&buf);
}

/* Every object the programs of W load, by canonical path. */
static void known_objects(struct walk *w, size_t from, struct strmap *known)
{
	for (size_t i = from; i < walk_n_programs(w); i++) {
		struct program *p = walk_program(w, i);

		for (size_t j = 0; j < program_n_objects(p); j++) {
			const char *real = dso_real(program_object(p, j));

			if (real)
				*strmap_put(known, real) = known;
		}
	}
}

/* The DT_NEEDED names of the ELF records, to tell the objects loaded for
 * another one from those loaded for themselves (a plugin, a program). */
static void needed_names(struct trace *t, const struct root *r, struct elfcache *objs,
			 struct strmap *needed)
{
	for (size_t i = 0; i < t->n_merged; i++) {
		struct elfobj *e = NULL;
		struct stat st;

		if (!t->dec[i].elf || root_lstat(r, t->dec[i].real, &st) < 0 ||
		    elfcache_get(objs, r, t->dec[i].real, &st, &e, NULL) < 0)
			continue;
		for (size_t k = 0; k < e->needed.n; k++)
			*strmap_put(needed, path_basename(e->needed.v[k])) = needed;
	}
}

static bool named(const struct trace *t, size_t i, const struct root *r,
		  struct elfcache *objs, const struct strmap *needed)
{
	struct elfobj *e = NULL;
	struct stat st;

	if (strmap_get(needed, path_basename(t->merged[i].path)) ||
	    strmap_get(needed, path_basename(t->dec[i].real)))
		return true;
	return root_lstat(r, t->dec[i].real, &st) == 0 &&
	       elfcache_get(objs, r, t->dec[i].real, &st, &e, NULL) == 0 && e->soname &&
	       strmap_get(needed, e->soname);
}

void trace_walk(struct trace *t, struct walk *w, const struct root *r,
		struct elfcache *objs, const struct needs_opts *needs)
{
	struct strmap known = STRMAP_INIT, needed = STRMAP_INIT;

	classify(t, r);
	known_objects(w, 0, &known);
	needed_names(t, r, objs, &needed);
	t->first_prog = walk_n_programs(w);
	/* Programs exec'd first, then what nothing else names, then the rest. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < t->n_merged; i++) {
			struct trace_decision *dc = &t->dec[i];
			struct program *p;
			size_t before;

			if (!dc->elf || dc->prog >= 0 || strmap_get(&known, dc->real))
				continue;
			if (pass == 0 && t->merged[i].kind != TRACE_EXEC)
				continue;
			if (pass == 1 && named(t, i, r, objs, &needed))
				continue;
			before = walk_n_programs(w);
			p = walk_add(w, t->merged[i].path, NULL, WALK_LENIENT);
			dc->prog = (int)before;
			if (program_ok(p))
				needs_apply(w, p, needs);
			known_objects(w, before, &known);
			*strmap_put(&known, dc->real) = &known;
		}
	t->n_progs = walk_n_programs(w) - t->first_prog;
	strmap_clear(&known, NULL);
	strmap_clear(&needed, NULL);
}

/* ---- the entries ---- */

static const char *seen_text(struct manifest *m, const struct trace_rec *rec)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "traced: pid %d, %s", rec->pid, rec->syscall);
	return arena_strdup(&m->arena, buf);
}

static ssize_t find_merged(const struct trace *t, const char *path)
{
	size_t lo = 0, hi = t->n_merged;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->merged[mid].path, path);

		if (!c)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Python: bytecode that was loaded whose source was only looked at goes
 * beside the source's place (D/NAME.pyc, which Python loads without a
 * source) and the source is left out; counted for the summary. */
static void python(struct trace *t, struct strmap *compiled)
{
	for (size_t i = 0; i < t->n_merged; i++) {
		struct trace_decision *dc = &t->dec[i];
		char *src, *beside;
		ssize_t k;

		if (!dc->real || dc->left_out || t->merged[i].kind != TRACE_OPENED ||
		    !trace_pyc_source(t->merged[i].path, &src, &beside))
			continue;
		*strmap_put(compiled, src) = compiled;
		k = find_merged(t, src);
		if (k >= 0 && t->merged[k].kind >= TRACE_OPENED) {
			free(src);
			free(beside);
			continue;	/* the source was read too: both stay */
		}
		if (k >= 0 && !t->dec[k].left_out) {
			t->dec[k].fate = "replaced by its bytecode (Python)";
			t->dec[k].left_out = true;
		}
		dc->beside = beside;
		free(src);
	}
}

/* Adds through a list of its own: what cannot be added is a warning. */
static int add_file(struct manifest *m, const struct root *r, const char *src,
		    const char *dest, bool follow, const char *why, const struct image_opts *o,
		    struct diags *d)
{
	struct diags tmp = DIAGS_INIT;
	int ret = image_add_file(m, r, src, dest, follow, why, o, &tmp);

	for (size_t i = 0; i < tmp.n; i++)
		diag_add(d, tmp.v[i].severity == DIAG_ERROR ? DIAG_WARNING : tmp.v[i].severity,
			 tmp.v[i].path, "%s%s", tmp.v[i].severity == DIAG_ERROR ?
			 "traced, but left out of the image: " : "", tmp.v[i].message);
	diags_release(&tmp);
	return ret;
}

static void decide_one(struct trace *t, size_t i, struct manifest *m, const struct root *r,
		       const struct image_opts *o, struct diags *d)
{
	const struct trace_rec *rec = &t->merged[i];
	struct trace_decision *dc = &t->dec[i];
	const char *why = seen_text(m, rec);
	struct stat st;

	if (dc->left_out || !dc->real)
		return;
	if (rec->kind == TRACE_WRITTEN || rec->kind == TRACE_CREATED) {
		struct strbuf buf = STRBUF_INIT;
		char *dir = path_dirname(dc->real);

		dc->fate = rec->kind == TRACE_WRITTEN ? "written over: its directory is there"
						      : "made by the run: its directory is there";
		if (strcmp(dir, "/") && !trace_left_out(t, dir, &buf) && !manifest_get(m, dir))
			add_file(m, r, dir, NULL, true, why, o, d);
		free(dir);
		strbuf_release(&buf);
		return;
	}
	if (!strcmp(dc->real, "/")) {
		dc->fate = "the image's root";
		return;
	}
	if (dc->prog >= 0) {
		dc->fate = "added, with its own walk";
		dc->added = true;
		m->progs[dc->prog].why = why;
	}
	if (manifest_get(m, dc->beside ? dc->beside : dc->real)) {
		/* Its symlinks on the way may be new. */
		add_file(m, r, dc->nofollow ? dc->real : rec->path, dc->beside, !dc->nofollow, why,
			 o, d);
		if (!dc->fate)
			dc->fate = "in the image already";
		return;
	}
	if (root_lstat(r, dc->real, &st) < 0 ||
	    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))) {
		dc->fate = "left out: a device, FIFO or socket";
		return;
	}
	if (add_file(m, r, dc->nofollow ? dc->real : rec->path, dc->beside, !dc->nofollow, why,
		     o, d) < 0) {
		dc->fate = "left out: it could not be added (see the warning)";
		return;
	}
	dc->added = true;
	dc->fate = dc->beside ? "added beside its source's place as bytecode alone (Python)"
	       : S_ISDIR(st.st_mode) ? "added (the directory alone)" : "added";
}

/* The probes of RUN that were a search: of a directory other probes
 * looked in, or of a name the run found somewhere. */
static void searches(const struct trace_run *run, struct strmap *dirs, struct strmap *found)
{
	for (size_t j = 0; j < run->n; j++) {
		const struct trace_rec *rec = &run->v[j];

		if (rec->kind != TRACE_PROBED) {
			*strmap_put(found, path_basename(rec->path)) = found;
			continue;
		}
		for (char *d = path_dirname(rec->path);; ) {
			void **slot = strmap_put(dirs, d);
			char *up;

			if (*slot || !strcmp(d, "/")) {
				free(d);
				break;
			}
			*slot = dirs;
			up = path_dirname(d);
			free(d);
			d = up;
		}
	}
}

/* The views' copy of run R. */
static void view_run(struct trace *t, const struct trace_run *run, struct manifest *m,
		     struct mtrace *v, const struct strmap *compiled)
{
	struct strmap dirs = STRMAP_INIT, found = STRMAP_INIT;

	searches(run, &dirs, &found);
	v->label = arena_strdup(&m->arena, run->label);
	v->outcome = run->outcome ? arena_strdup(&m->arena, run->outcome) : NULL;
	v->v = arena_alloc(&m->arena, (run->n + 1) * sizeof(*v->v));
	for (size_t j = 0; j < run->n; j++) {
		const struct trace_rec *rec = &run->v[j];
		ssize_t k = find_merged(t, rec->path);
		const struct trace_decision *dc = k >= 0 ? &t->dec[k] : NULL;
		struct mtraced *x = &v->v[v->n++];
		char seen[64];

		snprintf(seen, sizeof(seen), "pid %d, %s", rec->pid, rec->syscall);
		x->path = arena_strdup(&m->arena, rec->path);
		x->real = dc && dc->real && strcmp(dc->real, rec->path)
				  ? arena_strdup(&m->arena, dc->beside ? dc->beside : dc->real) : NULL;
		x->kind = trace_kind_name(rec->kind);
		x->seen = arena_strdup(&m->arena, seen);
		x->fate = dc && dc->fate ? arena_strdup(&m->arena, dc->fate) : "";
		x->added = dc && dc->added;
		if (x->added) {
			v->n_added++;
			v->n_elf += dc->prog >= 0;
			v->n_bytecode += dc->beside != NULL;
		} else if (rec->kind == TRACE_PROBED) {
			x->searched = strmap_get(&dirs, rec->path) ||
				      strmap_get(&found, path_basename(rec->path));
			v->n_probed++;
			v->n_searched += x->searched;
		} else if (dc && dc->left_out && strncmp(dc->fate, "replaced", 8)) {
			v->n_left_out++;
		} else {
			v->n_known++;
		}
		/* A source read because no bytecode was loaded. */
		if (rec->kind >= TRACE_OPENED && rec->kind != TRACE_CREATED && dc && !dc->left_out &&
		    strlen(rec->path) > 3 && !strcmp(rec->path + strlen(rec->path) - 3, ".py") &&
		    !strmap_get(compiled, rec->path))
			avec_add(&m->arena, &v->sources, x->path);
	}
	strmap_clear(&dirs, NULL);
	strmap_clear(&found, NULL);
}

int trace_decide(struct trace *t, struct manifest *m, const struct root *r,
		 const struct image_opts *o, struct diags *d)
{
	struct strmap compiled = STRMAP_INIT;
	size_t errors = d->errors;

	for (size_t i = 0; i < t->scripts.n; i++)
		image_add_file(m, r, t->scripts.v[i], NULL, true,
			       "script run by its #! interpreter (PROGRAM)", o, d);
	python(t, &compiled);
	for (size_t i = 0; i < t->n_merged; i++)
		decide_one(t, i, m, r, o, d);
	m->traces = arena_alloc(&m->arena, (t->n_runs + 1) * sizeof(*m->traces));
	m->n_traces = t->n_runs;
	for (size_t i = 0; i < t->n_runs; i++)
		view_run(t, &t->runs[i], m, &m->traces[i], &compiled);
	strmap_clear(&compiled, NULL);
	return d->errors > errors ? -1 : 0;
}
