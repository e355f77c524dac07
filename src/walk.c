/* walk: the breadth-first closure of each program; see walk.h.  Rule
 * numbers (G3, M4...) refer to doc/loader-rules.md. */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratchroot/ldconf.h"
#include "scratchroot/walk.h"

#define MAX_OBJECTS 100000

/* The loader's view of one loaded object (the search's part first). */
struct dso {
	struct search_obj s;	/* path, origin, elf, loader, is_main */
	const char *real;	/* canonical path in the root */
	dev_t dev;
	ino_t ino;
	struct avec names;	/* every name that resolved to it */
	struct avec hops;	/* symlinks crossed, for every path opened */
	struct avec alts;	/* hwcaps variants the image must hold too */
	struct avec notes;	/* candidates skipped and why */
	enum how how;
	const struct dso *how_owner;	/* whose RPATH/RUNPATH found it */
	const char *how_dir;	/* the search directory it was found in */
	const char *how_tmpl;	/* that directory before DST expansion */
	struct dso **deps;	/* what each elf->needed entry resolved to */
	const struct dso *dlopen_by;	/* loaded at run time by this object */
	const char *why;	/* for objects loaded at run time: the reason */
	unsigned depth;
	bool is_interp, preload;
};

struct extra {
	const char *path, *why, *data;
	size_t len;
	bool tree;
};

struct program {
	const char *arg, *path, *dest;
	struct elfobj *elf;	/* borrowed from the cache */
	struct ldso *ldso;	/* borrowed from the walk; NULL when static */
	struct dso **dsos;	/* load order: main, interp, preloads, BFS */
	size_t n_dsos, a_dsos;
	struct dso *main, *interp;
	struct extra *extras;
	size_t n_extras, a_extras;
	size_t closure_dsos, closure_extras;	/* the load-time closure's part
				 * of dsos and extras (what a program with
				 * the same needs may reuse) */
	size_t n_done;		/* objects whose DT_NEEDED are loaded */
	struct diags diags;	/* of its walk ... */
	struct diags rule_diags;	/* ... and of the run-time rules */
	struct diags *sink;	/* the one recorded into now */
	struct avec bundles;
	void *facts;
	void (*free_facts)(void *);
	unsigned flags;		/* enum walk_flags */
	bool ok, secure, rules;
};

struct walk {
	const struct root *root;
	char *cwd;
	struct strlist library_path;
	struct elfcache *objs;	/* borrowed */
	struct ldso **ldsos;
	size_t n_ldsos, a_ldsos;
	struct program **progs;
	size_t n_progs, a_progs;
	struct strmap closures;	/* closure key -> the program that holds it */
	struct strmap memo;	/* the rules' facts (walk_memo) */
	struct search_cache *search;	/* path lists expanded */
	struct arena arena;	/* objects and their strings */
	struct strlist conf_dirs;	/* ld.so.conf's directories, for hints */
	bool conf_read;
};

/* ---- diagnostics ---- */

static void vproblem(struct program *p, bool warning, const char *path, const char *fmt,
		     va_list ap)
{
	enum diag_severity s = warning || (p->flags & WALK_LENIENT) ? DIAG_WARNING : DIAG_ERROR;

	diag_vadd(p->sink, s, path, fmt, ap);
}

static void problem(struct program *p, bool warning, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct program *p, bool warning, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(p, warning, path, fmt, ap);
	va_end(ap);
}

void program_diag(struct program *p, enum diag_severity s, bool once, const char *path,
		  const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (s == DIAG_ERROR && (p->flags & WALK_LENIENT))
		s = DIAG_WARNING;
	if (!once || !diags_has(p->sink, 0, s, path, sb.buf))
		diag_add(p->sink, s, path, "%s", sb.buf);
	strbuf_release(&sb);
}

/* ---- the walk and its programs ---- */

struct walk *walk_new(const struct root *r, const char *cwd,
		      const struct strlist *library_path, struct elfcache *objs)
{
	struct walk *w = xcalloc(1, sizeof(*w));

	w->root = r;
	w->cwd = xstrdup(cwd ? cwd : "/");
	w->objs = objs;
	w->search = search_cache_new();
	if (library_path)
		strlist_add_all(&w->library_path, library_path);
	return w;
}

struct walk *walk_new_sibling(const struct walk *w, const struct root *r)
{
	return walk_new(r, w->cwd, &w->library_path, w->objs);
}

static void program_free(struct program *p)
{
	if (!p)
		return;
	free(p->dsos);
	free(p->extras);
	diags_release(&p->diags);
	diags_release(&p->rule_diags);
	if (p->free_facts)
		p->free_facts(p->facts);
	free(p);
}

static void memo_free(void *v)
{
	free(v);
}

void walk_free(struct walk *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n_progs; i++)
		program_free(w->progs[i]);
	free(w->progs);
	for (size_t i = 0; i < w->n_ldsos; i++)
		ldso_free(w->ldsos[i]);
	free(w->ldsos);
	strlist_clear(&w->library_path);
	strlist_clear(&w->conf_dirs);
	strmap_clear(&w->closures, NULL);
	strmap_clear(&w->memo, memo_free);
	search_cache_free(w->search);
	arena_release(&w->arena);
	free(w->cwd);
	free(w);
}

void walk_merge(struct walk *into, struct walk **parts, size_t np, struct program **order,
		size_t n)
{
	into->progs = xgrow(into->progs, &into->a_progs, into->n_progs + n, sizeof(*into->progs));
	if (n)
		memcpy(into->progs + into->n_progs, order, n * sizeof(*order));
	into->n_progs += n;
	for (size_t i = 0; i < np; i++) {
		struct walk *from = parts[i];

		/* The programs are INTO's now, and so is what they borrow. */
		from->n_progs = 0;
		arena_merge(&into->arena, &from->arena);
		into->ldsos = xgrow(into->ldsos, &into->a_ldsos, into->n_ldsos + from->n_ldsos,
				    sizeof(*into->ldsos));
		if (from->n_ldsos)
			memcpy(into->ldsos + into->n_ldsos, from->ldsos,
			       from->n_ldsos * sizeof(*from->ldsos));
		into->n_ldsos += from->n_ldsos;
		from->n_ldsos = 0;
		walk_free(from);
	}
}

size_t walk_n_programs(const struct walk *w)
{
	return w->n_progs;
}

struct program *walk_program(const struct walk *w, size_t i)
{
	return w->progs[i];
}

const struct root *walk_root(const struct walk *w)
{
	return w->root;
}

struct strmap *walk_memo(struct walk *w)
{
	return &w->memo;
}

void walk_take_diags(struct walk *w, struct diags *out)
{
	for (size_t i = 0; i < w->n_progs; i++)
		diags_move(out, &w->progs[i]->diags);
	for (size_t i = 0; i < w->n_progs; i++)
		diags_move(out, &w->progs[i]->rule_diags);
}

const char *program_path(const struct program *p) { return p->path; }
bool program_ok(const struct program *p) { return p->ok; }
const struct elfobj *program_elf(const struct program *p) { return p->elf; }
const struct ldso *program_ldso(const struct program *p) { return p->ldso; }
size_t program_n_objects(const struct program *p) { return p->n_dsos; }
struct dso *program_object(const struct program *p, size_t i) { return p->dsos[i]; }
struct dso *program_main(const struct program *p) { return p->main; }
struct dso *program_interp(const struct program *p) { return p->interp; }
size_t program_n_extras(const struct program *p) { return p->n_extras; }
void *program_facts(const struct program *p) { return p->facts; }

void program_set_facts(struct program *p, void *facts, void (*free_facts)(void *))
{
	p->facts = facts;
	p->free_facts = free_facts;
}

bool program_begin_rules(struct program *p)
{
	if (p->rules)
		return false;
	p->rules = true;
	p->sink = &p->rule_diags;
	return true;
}

const char *dso_path(const struct dso *d) { return d->s.path; }
const char *dso_real(const struct dso *d) { return d->real; }
const struct elfobj *dso_elf(const struct dso *d) { return d->s.elf; }
const struct dso *dso_loader(const struct dso *d) { return (const struct dso *)d->s.loader; }
bool dso_is_interp(const struct dso *d) { return d->is_interp; }

/* ---- objects ---- */

/* The one constructor: a new object of P opened as PATH (copied), found by
 * HOW for LOADER (NULL: none), at the end of P's load order. */
static struct dso *dso_new(struct walk *w, struct program *p, const char *path, enum how how,
			   struct dso *loader)
{
	struct dso *d = arena_alloc(&w->arena, sizeof(*d));

	d->s.path = arena_strdup(&w->arena, path);
	d->s.loader = loader ? &loader->s : NULL;
	d->how = how;
	d->depth = loader ? loader->depth + 1 : 1;
	p->dsos = xgrow(p->dsos, &p->a_dsos, p->n_dsos + 1, sizeof(*p->dsos));
	p->dsos[p->n_dsos++] = d;
	return d;
}

/* D's $ORIGIN: the directory it was opened from. */
static void set_origin(struct walk *w, struct dso *d, const char *from)
{
	char *o = path_dirname(from);

	d->s.origin = arena_strdup(&w->arena, o);
	free(o);
}

static void add_strings(struct walk *w, struct avec *to, const struct strlist *from)
{
	for (size_t i = 0; i < from->n; i++)
		avec_add(&w->arena, to, arena_strdup(&w->arena, from->v[i]));
}

/* The names a newly loaded object answers to: glibc matches later requests
 * by the search name and by DT_SONAME (G3); musl only by the name it was
 * searched under, never for an explicit path (M4). */
static void add_name(struct walk *w, struct dso *d, const char *name, bool musl)
{
	if (musl && strchr(name, '/'))
		return;
	if (!avec_has(&d->names, name))
		avec_add(&w->arena, &d->names, arena_strdup(&w->arena, name));
}

static struct ldso *find_ldso(struct walk *w, const char *interp, const struct elfobj *e,
			      bool musl)
{
	for (size_t i = 0; i < w->n_ldsos; i++) {
		struct ldso *l = w->ldsos[i];

		if (!strcmp(l->interp, interp) && l->e_machine == e->e_machine &&
		    l->ei_class == e->ei_class && l->ei_data == e->ei_data &&
		    l->flavour == (musl ? LIBC_MUSL : LIBC_GLIBC))
			return l;
	}
	return NULL;
}

struct ldso *walk_ldso(struct walk *w, const char *interp, const struct elfobj *e,
		       bool musl)
{
	struct ldso *l = find_ldso(w, interp, e, musl);

	if (l)
		return l;
	l = ldso_load(w->root, interp, e, musl);
	w->ldsos = xgrow(w->ldsos, &w->a_ldsos, w->n_ldsos + 1, sizeof(*w->ldsos));
	w->ldsos[w->n_ldsos++] = l;
	return l;
}

/* The loader for P, with the warning about its cache for the program that
 * read it first. */
static struct ldso *program_ldso_for(struct walk *w, struct program *p, const char *interp,
				     bool musl)
{
	bool fresh = !find_ldso(w, interp, p->elf, musl);
	struct ldso *l = walk_ldso(w, interp, p->elf, musl);

	if (fresh && l->cache_problem)
		problem(p, true, interp, "%s", l->cache_problem);
	return l;
}

/* Whether a program file that failed to parse is a script; names its
 * interpreter when it is. */
static bool script_problem(struct walk *w, struct program *p, const char *real)
{
	char buf[256], *interp = NULL;
	int fd = root_open_file(w->root, real);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || !elfobj_is_script(buf, (size_t)n, &interp))
		return false;
	problem(p, false, p->path,
		"a script for '%s', not an ELF program: give its interpreter as an input",
		interp);
	free(interp);
	return true;
}

/* Which libc a library input (no PT_INTERP) is built for, from its needs. */
static bool needs_musl(const struct elfobj *e)
{
	for (size_t i = 0; i < e->needed.n; i++)
		if (!strcmp(e->needed.v[i], "libc.so") ||
		    !strncmp(e->needed.v[i], "libc.musl-", 10))
			return true;
	return false;
}

static struct dso *match_loaded(const struct program *p, const char *name)
{
	bool musl = p->ldso->flavour == LIBC_MUSL;

	if (musl && search_musl_reserved(name, p->ldso->interp))
		return p->interp;
	for (size_t i = 0; i < p->n_dsos; i++) {
		struct dso *d = p->dsos[i];

		if (!d->s.elf)
			continue;
		if (musl) {
			/* M4: the basename it was found under, never the SONAME. */
			if (!d->s.is_main && avec_has(&d->names, name))
				return d;
			continue;
		}
		if (avec_has(&d->names, name) || !strcmp(d->s.path, name) ||
		    (d->s.elf->soname && !strcmp(d->s.elf->soname, name)))
			return d;
	}
	return NULL;
}

/* The image needs loader configuration file PATH for the program to load
 * what it loads here. */
static void needs_config(struct walk *w, struct program *p, const char *path)
{
	walk_extra(w, p, path, "the loader reads it to find a library", NULL, 0);
}

/* Whether PATH lies directly in one of the loader's built-in directories,
 * where the loader finds it without the cache (L11c). */
static bool in_sysdir(const struct ldso *l, const char *path)
{
	char *dir = path_dirname(path);
	bool found = strlist_has(&l->sysdirs, dir);

	free(dir);
	return found;
}

static struct dso *by_inode(const struct program *p, const struct stat *st)
{
	for (size_t i = 0; i < p->n_dsos; i++)
		if (p->dsos[i]->dev == st->st_dev && p->dsos[i]->ino == st->st_ino)
			return p->dsos[i];
	return NULL;
}

/* A new object from a search hit. */
static struct dso *dso_from_hit(struct walk *w, struct program *p, struct search_hit *h,
				struct dso *loader, const char *name, bool musl)
{
	struct dso *d = dso_new(w, p, h->path, h->how, loader);

	d->real = arena_strdup(&w->arena, h->real);
	d->dev = h->st.st_dev;
	d->ino = h->st.st_ino;
	d->s.elf = h->elf;
	set_origin(w, d, d->s.path);
	d->how_owner = (const struct dso *)h->how_owner;
	d->how_dir = h->how_dir ? arena_strdup(&w->arena, h->how_dir) : NULL;
	d->how_tmpl = h->how_tmpl ? arena_strdup(&w->arena, h->how_tmpl) : NULL;
	add_strings(w, &d->hops, &h->hops);
	add_strings(w, &d->alts, &h->alts);
	add_strings(w, &d->notes, &h->notes);
	add_name(w, d, name, musl);
	if (!musl && d->s.elf->soname)
		add_name(w, d, d->s.elf->soname, musl);
	return d;
}

/* The directories ld.so.conf lists in the root (read once), for the hint
 * of a library the cache does not know. */
static const struct strlist *conf_dirs(struct walk *w)
{
	if (!w->conf_read) {
		w->conf_read = true;
		ldconf_load(w->root, "/etc/ld.so.conf", &w->conf_dirs, NULL);
	}
	return &w->conf_dirs;
}

/* Where NAME lies in a directory that ld.so.conf lists but the loader did
 * not search: the cache is out of date.  "" when nowhere. */
static void conf_hint(struct walk *w, const struct program *p, const char *name,
		      struct strbuf *out)
{
	const struct strlist *dirs;

	if (p->ldso->flavour != LIBC_GLIBC || strchr(name, '/'))
		return;
	dirs = conf_dirs(w);
	for (size_t i = 0; i < dirs->n; i++) {
		char *path = path_join(dirs->v[i], name);
		struct stat st;
		bool there = !in_sysdir(p->ldso, path) &&
			     root_resolve(w->root, path, NULL, NULL, &st, NULL) == 0 &&
			     S_ISREG(st.st_mode);

		if (there)
			strbuf_addstrs(out, "; ", path, " exists, in a directory /etc/ld.so.conf lists, but /etc/ld.so.cache does not know it: run ldconfig in the root",
				       NULL);
		free(path);
		if (there)
			return;
	}
}

static void not_found(struct walk *w, struct program *p, const struct dso *req,
		      const char *name, const struct search_hit *h)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->notes.n; i++)
		strbuf_addstrs(&sb, "; ", h->notes.v[i], NULL);
	conf_hint(w, p, name, &sb);
	problem(p, false, req->s.path, "%s: cannot open shared object file: not found in %s%s",
		name, root_path(w->root), sb.buf);
	strbuf_release(&sb);
	p->ok = false;
}

static struct search_ctx ctx_of(struct walk *w, const struct program *p)
{
	struct search_ctx ctx = {
		.root = w->root, .cache = w->search, .ldso = p->ldso,
		.library_path = &w->library_path,
		.main = &p->main->s, .objs = w->objs, .secure = p->secure,
	};

	return ctx;
}

/* A library found again under another name (G3): the path opened must be
 * in the image all the same (T39). */
static void found_again(struct walk *w, struct dso *d, struct search_hit *h, const char *name,
			bool musl)
{
	add_name(w, d, name, musl);
	add_strings(w, &d->hops, &h->hops);
	if (strcmp(h->real, d->real))
		avec_add(&w->arena, &d->hops, arena_strdup(&w->arena, h->real));
}

/* Resolves NAME needed by REQ.  Returns the object or NULL (problem
 * recorded unless OPTIONAL). */
static struct dso *resolve(struct walk *w, struct program *p, struct dso *req,
			   const char *name, bool optional, bool preload)
{
	struct search_ctx ctx = ctx_of(w, p);
	struct strbuf err = STRBUF_INIT;
	struct search_hit h;
	struct dso *d = match_loaded(p, name);
	bool musl = p->ldso->flavour == LIBC_MUSL;
	int r;

	if (d) {
		add_name(w, d, name, musl);
		return d;
	}
	r = search_lookup(&ctx, &req->s, name, &h, &err);
	if (r == 0 && (d = by_inode(p, &h.st))) {
		found_again(w, d, &h, name, musl);
	} else if (r == 0 && p->n_dsos >= MAX_OBJECTS) {
		problem(p, false, p->path, "more than %d objects loaded", MAX_OBJECTS);
		p->ok = false;
	} else if (r == 0) {
		d = dso_from_hit(w, p, &h, req, name, musl);
		d->preload = preload;
		if (d->how == HOW_CACHE && !in_sysdir(p->ldso, d->s.path))
			needs_config(w, p, "/etc/ld.so.cache");
		if (preload)
			needs_config(w, p, "/etc/ld.so.preload");
		if (d->how == HOW_DEFAULT && p->ldso->musl_path_found)
			needs_config(w, p, p->ldso->musl_path_file);
	} else if (preload) {
		problem(p, true, "/etc/ld.so.preload", "%s cannot be preloaded: %s: ignored",
			name, r == -ENOENT ? "not found" : err.buf);
	} else if (optional) {
		/* DT_AUXILIARY: a missing filtee is ignored (G12). */
	} else if (r == -ENOENT) {
		not_found(w, p, req, name, &h);
	} else {
		problem(p, false, req->s.path, "%s: %s", name, err.buf);
		p->ok = false;
	}
	search_hit_release(&h);
	strbuf_release(&err);
	return d;
}

static void preloads(struct walk *w, struct program *p)
{
	struct strlist names = STRLIST_INIT;
	char *buf = NULL;
	size_t len, i = 0;

	if (root_read_file(w->root, "/etc/ld.so.preload", 1u << 20, &buf, &len, NULL) < 0)
		return;
	while (i < len) {
		size_t start;

		if (buf[i] == '#') {
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		}
		if (strchr(" \t\n:", buf[i]) || !buf[i]) {
			i++;
			continue;
		}
		start = i;
		while (i < len && buf[i] && !strchr(" \t\n:#", buf[i]))
			i++;
		strlist_addn(&names, buf + start, i - start);
	}
	for (i = 0; i < names.n; i++)
		resolve(w, p, p->main, names.v[i], false, true);
	strlist_clear(&names);
	free(buf);
}

/* glibc's _dl_check_map_versions: each needed version must be defined by the
 * object its DT_NEEDED name resolved to. */
static void check_versions(struct program *p, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++) {
		const struct dso *d = p->dsos[i];
		const struct elfobj *e = d->s.elf;

		for (size_t j = 0; j < e->n_verneed; j++) {
			const struct elfobj_verneed *vn = &e->verneed[j];
			const struct dso *dep = NULL;

			for (size_t k = 0; k < e->needed.n && d->deps; k++)
				if (!strcmp(e->needed.v[k], vn->file))
					dep = d->deps[k];
			if (!dep)
				continue;
			if (!dep->s.elf->has_verdef) {
				problem(p, true, dep->s.path,
					"no version information available (required by %s)",
					d->s.path);
				continue;
			}
			for (size_t k = 0; k < vn->versions.n; k++) {
				const char *v = vn->versions.v[k];
				bool weak = strlist_has(&vn->weak, v);

				if (strlist_has_sorted(&dep->s.elf->verdef, v))
					continue;
				problem(p, weak, dep->s.path, "version '%s' not found (required by %s)",
					v, d->s.path);
				if (!weak)
					p->ok = false;
			}
		}
	}
}

/* ---- closures shared by programs with the same needs ---- */

/*
 * Programs whose load-time closure depends on the same things get the same
 * closure: the same loader and secure mode, the same DT_NEEDED list, RPATH,
 * RUNPATH, SONAME and DF_1_NODEFLIB, and the same $ORIGIN when any of them
 * uses a DST.  /usr/bin holds about 200 such closures for 1100 programs.
 */
static char *closure_key(const struct program *p)
{
	const struct elfobj *e = p->main->s.elf;
	struct strbuf sb = STRBUF_INIT;
	bool dst = (e->rpath && strchr(e->rpath, '$')) || (e->runpath && strchr(e->runpath, '$'));
	const struct strlist *lists[] = { &e->needed, &e->filter, &e->auxiliary };
	static const char *const tags[] = { "N", "F", "A" };

	for (size_t i = 0; i < e->needed.n; i++)
		dst |= strchr(e->needed.v[i], '$') != NULL;
	strbuf_addstrs(&sb, p->ldso->interp, p->secure ? "\n1" : "\n0",
		       e->flags_1 & DF_1_NODEFLIB ? "1\n" : "0\n", e->rpath ? e->rpath : "-",
		       "\n", e->runpath ? e->runpath : "-", "\n", e->soname ? e->soname : "-",
		       "\n", dst ? p->main->s.origin : "-", "\n", NULL);
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			strbuf_addstrs(&sb, tags[l], lists[l]->v[i], "\n", NULL);
	return strbuf_detach(&sb);
}

/* SRC's object D as P's: its main and interpreter stand in for SRC's. */
static struct dso *mapped(struct dso *const *map, const struct program *src, const struct dso *d)
{
	for (size_t i = 0; d && i < src->closure_dsos; i++)
		if (src->dsos[i] == d)
			return map[i];
	return NULL;
}

/* Copies object S of SRC into D (a new object of P): the strings are the
 * walk's and shared; the lists are copied, since D may gain names. */
static void copy_dso(struct walk *w, struct dso *d, const struct dso *s)
{
	d->s.path = s->s.path;
	d->s.origin = s->s.origin;
	d->s.elf = s->s.elf;
	d->real = s->real;
	d->dev = s->dev;
	d->ino = s->ino;
	for (size_t k = 0; k < s->names.n; k++)
		avec_add(&w->arena, &d->names, s->names.v[k]);
	for (size_t k = 0; k < s->hops.n; k++)
		avec_add(&w->arena, &d->hops, s->hops.v[k]);
	d->alts = s->alts;
	d->notes = s->notes;
	d->how = s->how;
	d->how_dir = s->how_dir;
	d->how_tmpl = s->how_tmpl;
	d->preload = s->preload;
	d->depth = s->depth;
}

/* Gives P the closure of an earlier program with the same key, if any:
 * the same objects found the same way.  Returns whether it did. */
static bool reuse_closure(struct walk *w, struct program *p)
{
	char *key = closure_key(p);
	void **slot = strmap_put(&w->closures, key);
	const struct program *src = *slot;
	struct dso **map;

	free(key);
	if (!src)
		*slot = p;
	if (!src || !src->ok || src->closure_dsos < 2 || src->dsos[1] != src->interp)
		return false;
	/* The closure only: what the run-time rules added to SRC since is SRC's. */
	map = xcalloc(src->closure_dsos, sizeof(*map));
	map[0] = p->main;
	map[1] = p->interp;
	for (size_t i = 2; i < src->closure_dsos; i++) {
		map[i] = dso_new(w, p, "", HOW_INPUT, NULL);
		copy_dso(w, map[i], src->dsos[i]);
	}
	for (size_t i = 0; i < src->closure_dsos; i++) {
		const struct dso *s = src->dsos[i];
		struct dso *d = map[i];
		size_t n = s->s.elf ? s->s.elf->needed.n : 0;

		if (i >= 2)
			d->s.loader = s->s.loader ? &mapped(map, src, dso_loader(s))->s : NULL;
		d->how_owner = i ? mapped(map, src, s->how_owner) : NULL;
		if (s->deps) {
			d->deps = arena_alloc(&w->arena, (n + 1) * sizeof(*d->deps));
			for (size_t k = 0; k < n; k++)
				d->deps[k] = mapped(map, src, s->deps[k]);
		}
	}
	for (size_t i = 0; i < src->closure_extras; i++) {
		const struct extra *x = &src->extras[i];

		walk_extra(w, p, x->path, x->why, x->data, x->len);
	}
	free(map);
	p->n_done = p->n_dsos;
	/* What differs: the program's own symbol versions. */
	if (p->ldso->flavour == LIBC_GLIBC)
		check_versions(p, 0, 1);
	return true;
}

/* ---- loading ---- */

/* Loads the DT_NEEDED (and filters) of every object not yet processed,
 * breadth-first, then checks their symbol versions. */
static void load_pending(struct walk *w, struct program *p)
{
	size_t start = p->n_done;

	for (size_t i = start; i < p->n_dsos; i++) {
		struct dso *d = p->dsos[i];
		const struct elfobj *e = d->s.elf;

		if (d->is_interp || d->deps)
			continue;
		d->deps = arena_alloc(&w->arena, (e->needed.n + 1) * sizeof(*d->deps));
		for (size_t j = 0; j < e->needed.n; j++)
			d->deps[j] = resolve(w, p, d, e->needed.v[j], false, false);
		if (p->ldso->flavour == LIBC_GLIBC) {
			for (size_t j = 0; j < e->filter.n; j++)
				resolve(w, p, d, e->filter.v[j], false, false);
			for (size_t j = 0; j < e->auxiliary.n; j++)
				resolve(w, p, d, e->auxiliary.v[j], true, false);
		}
	}
	if (p->ldso->flavour == LIBC_GLIBC)
		check_versions(p, start, p->n_dsos);
	p->n_done = p->n_dsos;
}

struct dso *walk_dlopen(struct walk *w, struct program *p, struct dso *caller,
			const char *name, const char *why, bool optional)
{
	size_t before = p->n_dsos;
	bool musl;
	struct dso *d;

	if (!p->ldso || !caller)
		return NULL;
	musl = p->ldso->flavour == LIBC_MUSL;
	/* glibc searches in the caller's context (G14), musl in main's (M12). */
	d = resolve(w, p, musl ? p->main : caller, name, optional, false);
	if (d && p->n_dsos > before) {
		/* glibc: l_loader = NULL for a dlopened object; musl: main. */
		d->s.loader = musl ? &p->main->s : NULL;
		d->depth = 1;
		d->dlopen_by = caller;
		d->why = arena_strdup(&w->arena, why);
		load_pending(w, p);
	}
	return d;
}

static struct extra *new_extra(struct program *p, const char *path)
{
	for (size_t i = 0; i < p->n_extras; i++)
		if (!strcmp(p->extras[i].path, path))
			return NULL;
	p->extras = xgrow(p->extras, &p->a_extras, p->n_extras + 1, sizeof(*p->extras));
	memset(&p->extras[p->n_extras], 0, sizeof(*p->extras));
	return &p->extras[p->n_extras++];
}

void walk_extra_tree(struct walk *w, struct program *p, const char *path, const char *why)
{
	struct extra *x = new_extra(p, path);

	if (!x)
		return;
	x->path = arena_strdup(&w->arena, path);
	x->why = arena_strdup(&w->arena, why);
	x->tree = true;
}

void walk_extra(struct walk *w, struct program *p, const char *path, const char *why,
		const char *data, size_t len)
{
	struct extra *x = new_extra(p, path);

	if (!x)
		return;
	x->path = arena_strdup(&w->arena, path);
	x->why = arena_strdup(&w->arena, why);
	x->len = len;
	if (data)
		x->data = arena_strndup(&w->arena, data, len);
}

void program_add_bundle(struct walk *w, struct program *p, const char *name)
{
	if (!avec_has(&p->bundles, name))
		avec_add(&w->arena, &p->bundles, arena_strdup(&w->arena, name));
}

static int add_interp(struct walk *w, struct program *p, const char *interp)
{
	struct strbuf err = STRBUF_INIT;
	struct dso *d = dso_new(w, p, interp, HOW_INTERP, p->main);
	struct strlist hops = STRLIST_INIT;
	struct stat st;
	char *real = NULL;
	int r;

	d->is_interp = true;
	d->depth = 1;
	avec_add(&w->arena, &d->names, d->s.path);
	p->interp = d;
	if (interp[0] != '/')
		problem(p, true, p->path,
			"relative interpreter '%s' is found only when the program starts in the right directory (taken from /)",
			interp);
	r = root_resolve(w->root, interp, NULL, &real, &st, &hops);
	add_strings(w, &d->hops, &hops);
	strlist_clear(&hops);
	if (r == 0)
		d->real = arena_strdup(&w->arena, real);
	free(real);
	if (r == 0 && !S_ISREG(st.st_mode))
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (r == 0)
		r = elfcache_get(w->objs, w->root, d->real, &st, (struct elfobj **)&d->s.elf, &err);
	if (r < 0) {
		problem(p, false, p->path, "interpreter '%s': %s", interp,
			err.len ? err.buf : strerror(-r));
		strbuf_release(&err);
		p->ok = false;
		return -1;
	}
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	set_origin(w, d, interp);
	if (d->s.elf->soname && !avec_has(&d->names, d->s.elf->soname))
		avec_add(&w->arena, &d->names, arena_strdup(&w->arena, d->s.elf->soname));
	return 0;
}

int walk_attach_loader(struct walk *w, struct program *p)
{
	const struct elfobj *e = p->elf;
	const char *interp;

	if (p->ldso || !e)
		return p->ldso ? 0 : -1;
	interp = ldso_default_interp(e->e_machine, e->ei_class, e->e_flags);
	if (!interp)
		return -1;
	p->ldso = walk_ldso(w, interp, e, false);
	p->n_done = p->n_dsos;
	return add_interp(w, p, interp);
}

char *walk_search_path(struct walk *w, struct program *p, struct dso *req, const char *name)
{
	struct search_ctx ctx;
	struct search_hit h;
	char *ret = NULL;

	if (!p->ldso || !req)
		return NULL;
	ctx = ctx_of(w, p);
	memset(&h, 0, sizeof(h));
	if (search_lookup(&ctx, &req->s, name, &h, NULL) == 0)
		ret = xstrdup(h.path);
	search_hit_release(&h);
	return ret;
}

static struct program *new_program(struct walk *w, const char *file, const char *dest,
				   unsigned flags)
{
	struct program *p = xcalloc(1, sizeof(*p));
	char *path = file[0] == '/' ? xstrdup(file) : path_join(w->cwd, file);

	p->arg = arena_strdup(&w->arena, file);
	p->path = arena_strdup(&w->arena, path);
	p->dest = dest ? arena_strdup(&w->arena, dest) : NULL;
	p->flags = flags;
	p->ok = true;
	p->sink = &p->diags;
	free(path);
	w->progs = xgrow(w->progs, &w->a_progs, w->n_progs + 1, sizeof(*w->progs));
	w->progs[w->n_progs++] = p;
	return p;
}

/* Finds the program file and parses it into P's main object.  Returns 0,
 * or -1 with the problem recorded. */
static int load_main(struct walk *w, struct program *p, struct stat *st)
{
	struct strbuf err = STRBUF_INIT;
	struct strlist hops = STRLIST_INIT;
	struct dso *m = dso_new(w, p, p->path, HOW_INPUT, NULL);
	char *real = NULL;
	int r;

	m->s.is_main = true;
	p->main = m;
	/* An empty name is no name: not the current directory. */
	if (!*p->arg) {
		problem(p, false, p->arg, "an empty file name");
		return -1;
	}
	r = root_resolve(w->root, p->path, NULL, &real, st, &hops);
	add_strings(w, &m->hops, &hops);
	strlist_clear(&hops);
	if (r < 0) {
		problem(p, false, p->path, "%s",
			r == -ELOOP ? "too many levels of symbolic links" : strerror(-r));
		return -1;
	}
	m->real = arena_strdup(&w->arena, real);
	free(real);
	if (S_ISDIR(st->st_mode) || !S_ISREG(st->st_mode)) {
		problem(p, false, p->path, S_ISDIR(st->st_mode) ? "is a directory, not an ELF program"
								: "not a regular file");
		return -1;
	}
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	r = elfcache_get(w->objs, w->root, m->real, st, &p->elf, &err);
	if (r < 0 && (r != -ENOEXEC || !script_problem(w, p, m->real)))
		problem(p, false, p->path, "%s", err.buf);
	strbuf_release(&err);
	if (r < 0)
		return -1;
	m->s.elf = p->elf;
	/* $ORIGIN of the main program: /proc/self/exe, symlinks resolved (G9.3). */
	set_origin(w, m, m->real);
	if (p->elf->kind == ELFOBJ_OTHER) {
		if (!(p->flags & WALK_LENIENT))
			problem(p, false, p->path,
				"not an executable or shared library (e_type %u)", p->elf->e_type);
		return -1;
	}
	return 0;
}

/* The interpreter of a program without PT_INTERP (a library given as an
 * input): its libc's usual loader.  NULL, with the problem recorded, when
 * none is known. */
static const char *default_interp(struct program *p, const struct elfobj *e, bool *musl,
				  char **owned)
{
	const char *interp;

	*musl = needs_musl(e);
	if (*musl) {
		const char *arch = ldso_musl_arch(e->e_machine, e->ei_class, e->ei_data,
						  e->e_flags);
		struct strbuf sb = STRBUF_INIT;

		if (!arch) {
			problem(p, false, p->path, "no musl loader known for %s",
				elfobj_machine_name(e->e_machine));
			return NULL;
		}
		strbuf_addstrs(&sb, "/lib/ld-musl-", arch, ".so.1", NULL);
		return *owned = strbuf_detach(&sb);
	}
	interp = ldso_default_interp(e->e_machine, e->ei_class, e->e_flags);
	if (!interp)
		problem(p, false, p->path, "no interpreter known for %s",
			elfobj_machine_name(e->e_machine));
	return interp;
}

struct program *walk_add(struct walk *w, const char *file, const char *dest, unsigned flags)
{
	struct program *p = new_program(w, file, dest, flags);
	const struct elfobj *e;
	const char *interp;
	char *owned = NULL;
	struct stat st;
	bool musl;

	if (load_main(w, p, &st) < 0)
		goto fail;
	e = p->elf;
	if (e->kind == ELFOBJ_STATIC || e->kind == ELFOBJ_SELF ||
	    (e->kind == ELFOBJ_STATIC_PIE && !e->needed.n))
		goto out;
	interp = e->interp;
	musl = interp && ldso_is_musl(interp);
	if (!interp && !(interp = default_interp(p, e, &musl, &owned)))
		goto fail;
	p->ldso = program_ldso_for(w, p, interp, musl);
	if (add_interp(w, p, interp) < 0)
		goto fail;
	p->secure = st.st_mode & (S_ISUID | S_ISGID);
	if (!reuse_closure(w, p)) {
		if (p->ldso->flavour == LIBC_GLIBC)
			preloads(w, p);
		load_pending(w, p);
	}
	if (!p->ok)
		goto fail;
out:
	p->closure_dsos = p->n_dsos;
	p->closure_extras = p->n_extras;
	free(owned);
	return p;
fail:
	p->ok = false;
	p->closure_dsos = p->n_dsos;
	p->closure_extras = p->n_extras;
	free(owned);
	return p;
}

/* ---- the record in the manifest ---- */

static int index_of(const struct program *p, const struct dso *d)
{
	for (size_t i = 0; d && i < p->n_dsos; i++)
		if (p->dsos[i] == d)
			return (int)i;
	return -1;
}

static void record_object(struct manifest *m, const struct program *p, size_t i,
			  struct mobject *o)
{
	const struct dso *d = p->dsos[i];
	size_t n = d->deps && d->s.elf ? d->s.elf->needed.n : 0;

	o->path = d->s.path;
	o->real = d->real;
	o->name = d->names.n && !d->s.is_main && !d->is_interp ? d->names.v[0] : NULL;
	o->elf = d->s.elf;
	o->how = d->how;
	o->how_dir = d->how_dir;
	o->how_tmpl = d->how_tmpl;
	o->why = d->why;
	o->loader = index_of(p, dso_loader(d));
	o->how_owner = index_of(p, d->how_owner);
	o->dlopen_by = index_of(p, d->dlopen_by);
	if (d->deps) {
		int *deps = arena_alloc(&m->arena, (n + 1) * sizeof(*deps));

		for (size_t k = 0; k < n; k++)
			deps[k] = index_of(p, d->deps[k]);
		o->deps = deps;
	}
	o->hops = d->hops;
	o->alts = d->alts;
	o->notes = d->notes;
	o->depth = d->depth;
	o->is_main = d->s.is_main;
	o->is_interp = d->is_interp;
	o->preload = d->preload;
}

void walk_record(const struct walk *w, struct manifest *m)
{
	for (size_t i = 0; i < w->n_progs; i++) {
		const struct program *p = w->progs[i];
		struct mprogram *r = manifest_add_program(m);

		r->arg = p->arg;
		r->path = p->path;
		r->dest = p->dest;
		r->ok = p->ok;
		r->elf = p->elf;
		r->ldso = p->ldso;
		r->n_objs = p->n_dsos;
		r->objs = arena_alloc(&m->arena, (p->n_dsos + 1) * sizeof(*r->objs));
		for (size_t j = 0; j < p->n_dsos; j++)
			record_object(m, p, j, &r->objs[j]);
		r->n_extras = p->n_extras;
		r->extras = arena_alloc(&m->arena, (p->n_extras + 1) * sizeof(*r->extras));
		for (size_t j = 0; j < p->n_extras; j++) {
			const struct extra *x = &p->extras[j];

			r->extras[j] = (struct mextra){ x->path, x->why, x->data, x->len, x->tree };
		}
		r->bundles = p->bundles;
	}
}
