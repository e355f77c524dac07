/* walk: the breadth-first closure of each program; see walk.h. */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratchroot/walk.h"

#define MAX_OBJECTS 100000

static void problem(struct walk *w, bool warning, const char *path,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void vproblem(struct walk *w, bool warning, const char *path,
		     const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	struct problem *p;

	strbuf_vaddf(&sb, fmt, ap);
	warning |= w->lenient;
	w->problems = xgrow(w->problems, &w->a_problems, w->n_problems + 1,
			    sizeof(*w->problems));
	p = &w->problems[w->n_problems++];
	p->path = xstrdup(path);
	p->msg = strbuf_detach(&sb);
	p->warning = warning;
	if (!warning)
		w->n_errors++;
}

static void problem(struct walk *w, bool warning, const char *path,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(w, warning, path, fmt, ap);
	va_end(ap);
}

void walk_problem(struct walk *w, bool warning, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(w, warning, path, fmt, ap);
	va_end(ap);
}

struct walk *walk_new(const struct root *r, const char *cwd)
{
	struct walk *w = xcalloc(1, sizeof(*w));

	w->root = r;
	w->cwd = xstrdup(cwd ? cwd : "/");
	w->objs = objcache_new();
	return w;
}

static void dso_free(struct dso *d)
{
	if (!d)
		return;
	free(d->path);
	free(d->real);
	strlist_clear(&d->names);
	strlist_clear(&d->hops);
	strlist_clear(&d->alts);
	strlist_clear(&d->notes);
	free(d->origin);
	free(d->how_dir);
	free(d->how_tmpl);
	free(d->why);
	free(d->deps);
	free(d);
}

static void program_free(struct program *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_dsos; i++)
		dso_free(p->dsos[i]);
	free(p->dsos);
	free(p->arg);
	free(p->path);
	free(p->dest);
	for (size_t i = 0; i < p->n_extras; i++) {
		free(p->extras[i].path);
		free(p->extras[i].why);
		free(p->extras[i].data);
	}
	free(p->extras);
	if (p->facts_free)
		p->facts_free(p->facts);
	free(p);
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
	for (size_t i = 0; i < w->n_problems; i++) {
		free(w->problems[i].path);
		free(w->problems[i].msg);
	}
	free(w->problems);
	if (!w->objs_borrowed)
		objcache_free(w->objs);
	strlist_clear(&w->library_path);
	strlist_clear(&w->memo);
	strmap_clear(&w->closures, NULL);
	strlist_clear(&w->notes);
	free(w->cwd);
	free(w);
}

struct walk *walk_new_sibling(const struct walk *w, const struct root *r)
{
	struct walk *s = walk_new(r, w->cwd);

	objcache_free(s->objs);
	s->objs = w->objs;
	s->objs_borrowed = true;
	strlist_add_all(&s->library_path, &w->library_path);
	s->lenient = w->lenient;
	return s;
}

/* Moves problem P (emptied) to INTO. */
static void take_problem(struct walk *into, struct problem *p)
{
	if (!p->path)
		return;
	into->problems = xgrow(into->problems, &into->a_problems, into->n_problems + 1,
			       sizeof(*into->problems));
	into->problems[into->n_problems++] = *p;
	if (!p->warning)
		into->n_errors++;
	p->path = p->msg = NULL;
}

/* Moves FROM's problems [*LO, *HI) to INTO; the range becomes INTO's. */
static void take_problems(struct walk *into, struct walk *from, size_t *lo, size_t *hi)
{
	size_t first = *lo;

	*lo = into->n_problems;
	for (size_t i = first; i < *hi && i < from->n_problems; i++)
		take_problem(into, &from->problems[i]);
	*hi = into->n_problems;
}

void walk_merge(struct walk *into, struct walk **parts, size_t n)
{
	size_t *next = xcalloc(n + 1, sizeof(*next)), base = into->n_progs, total = 0;
	struct walk **owner;

	for (size_t i = 0; i < n; i++)
		total += parts[i]->n_progs;
	owner = xcalloc(total + 1, sizeof(*owner));
	for (;;) {
		struct walk *from = NULL;
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (next[i] < parts[i]->n_progs &&
			    (!from || parts[i]->progs[next[i]]->seq < from->progs[next[k]]->seq))
				from = parts[i], k = i;
		if (!from)
			break;
		owner[into->n_progs - base] = from;
		into->progs = xgrow(into->progs, &into->a_progs, into->n_progs + 1,
				    sizeof(*into->progs));
		into->progs[into->n_progs++] = from->progs[next[k]++];
	}
	for (size_t j = base; j < into->n_progs; j++) {
		struct program *p = into->progs[j];

		take_problems(into, owner[j - base], &p->problems_from, &p->problems_to);
	}
	for (size_t j = base; j < into->n_progs; j++) {
		struct program *p = into->progs[j];
		struct walk *from = owner[j - base];
		size_t first = p->notes_from;

		take_problems(into, from, &p->needs_from, &p->needs_to);
		p->notes_from = into->notes.n;
		for (size_t i = first; i < p->notes_to && i < from->notes.n; i++) {
			strlist_take(&into->notes, from->notes.v[i]);
			from->notes.v[i] = NULL;
		}
		p->notes_to = into->notes.n;
	}
	for (size_t i = 0; i < n; i++) {
		struct walk *from = parts[i];

		from->n_progs = 0;
		/* Problems and notes outside any program's (none today) come
		 * after the programs'. */
		for (size_t j = 0; j < from->n_problems; j++)
			take_problem(into, &from->problems[j]);
		from->n_problems = 0;
		for (size_t j = 0; j < from->notes.n; j++)
			if (from->notes.v[j]) {
				strlist_take(&into->notes, from->notes.v[j]);
				from->notes.v[j] = NULL;
			}
		for (size_t j = 0; j < from->n_ldsos; j++) {
			into->ldsos = xgrow(into->ldsos, &into->a_ldsos, into->n_ldsos + 1,
					    sizeof(*into->ldsos));
			into->ldsos[into->n_ldsos++] = from->ldsos[j];
		}
		from->n_ldsos = 0;
		walk_free(from);
	}
	free(owner);
	free(next);
}

static struct dso *add_dso(struct program *p, struct dso *d)
{
	size_t a = p->n_dsos;

	p->dsos = xgrow(p->dsos, &a, p->n_dsos + 1, sizeof(*p->dsos));
	p->dsos[p->n_dsos++] = d;
	return d;
}

struct ldso *walk_ldso(struct walk *w, const char *interp, const struct elfobj *e,
		       bool musl)
{
	struct ldso *l;

	for (size_t i = 0; i < w->n_ldsos; i++) {
		l = w->ldsos[i];
		if (!strcmp(l->interp, interp) && l->e_machine == e->e_machine &&
		    l->ei_class == e->ei_class && l->ei_data == e->ei_data &&
		    l->flavour == (musl ? LIBC_MUSL : LIBC_GLIBC))
			return l;
	}
	l = ldso_load(w->root, interp, e, musl);
	w->ldsos = xgrow(w->ldsos, &w->a_ldsos, w->n_ldsos + 1, sizeof(*w->ldsos));
	w->ldsos[w->n_ldsos++] = l;
	if (l->cache_problem)
		problem(w, true, interp, "%s", l->cache_problem);
	return l;
}

/* Whether a program file that failed to parse is a script; names its
 * interpreter when it is. */
static bool script_problem(struct walk *w, const char *path, const char *real)
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
	problem(w, false, path,
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

static char *musl_interp_for(const struct elfobj *e)
{
	struct strbuf sb = STRBUF_INIT;
	const char *m = e->e_machine == EM_X86_64 ? "x86_64"
		      : e->e_machine == EM_AARCH64 ? "aarch64"
		      : e->e_machine == EM_386 ? "i386" : elfobj_machine_name(e->e_machine);

	strbuf_addf(&sb, "/lib/ld-musl-%s.so.1", m);
	return strbuf_detach(&sb);
}

static struct dso *match_loaded(const struct program *p, const char *name)
{
	bool musl = p->ldso->flavour == LIBC_MUSL;

	if (musl && search_musl_reserved(name, p->ldso->interp))
		return p->interp;
	for (size_t i = 0; i < p->n_dsos; i++) {
		struct dso *d = p->dsos[i];

		if (!d->elf)
			continue;
		if (musl) {
			/* M4: the basename it was found under, never the SONAME. */
			if (!d->is_main && strlist_has(&d->names, name))
				return d;
			continue;
		}
		if (strlist_has(&d->names, name) || !strcmp(d->path, name) ||
		    (d->elf->soname && !strcmp(d->elf->soname, name)))
			return d;
	}
	return NULL;
}

/* The image needs loader configuration file PATH for the program to load
 * what it loads here. */
static void needs_config(struct program *p, const char *path)
{
	walk_extra(p, path, "the loader reads it to find a library", NULL, 0);
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

static void move_strings(struct strlist *to, struct strlist *from)
{
	for (size_t i = 0; i < from->n; i++)
		strlist_take(to, from->v[i]);
	free(from->v);
	from->v = NULL;
	from->n = from->alloc = 0;
}

static char *origin_of(const char *path)
{
	return path_dirname(path);
}

/* Makes a new dso from a search hit. */
/* The names a newly loaded object answers to: glibc matches later requests
 * by the search name and by DT_SONAME (G3); musl only by the name it was
 * searched under, never for an explicit path (M4). */
static void add_name(struct dso *d, const char *name, bool musl)
{
	if (musl && strchr(name, '/'))
		return;
	if (!strlist_has(&d->names, name))
		strlist_add(&d->names, name);
}

static struct dso *dso_from_hit(struct search_hit *h, struct dso *loader,
				const char *name, bool musl)
{
	struct dso *d = xcalloc(1, sizeof(*d));

	d->path = h->path;
	d->real = h->real;
	h->path = h->real = NULL;
	d->dev = h->st.st_dev;
	d->ino = h->st.st_ino;
	d->elf = h->elf;
	d->loader = loader;
	d->depth = loader ? loader->depth + 1 : 1;
	d->origin = origin_of(d->path);
	d->how = h->how;
	d->how_owner = h->how_owner;
	d->how_dir = h->how_dir;
	d->how_tmpl = h->how_tmpl;
	h->how_dir = h->how_tmpl = NULL;
	move_strings(&d->hops, &h->hops);
	move_strings(&d->alts, &h->alts);
	move_strings(&d->notes, &h->notes);
	add_name(d, name, musl);
	if (!musl && d->elf->soname)
		add_name(d, d->elf->soname, musl);
	return d;
}

static void not_found(struct walk *w, struct program *p, const struct dso *req,
		      const char *name, const struct search_hit *h)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->notes.n; i++)
		strbuf_addf(&sb, "; %s", h->notes.v[i]);
	problem(w, false, req->path, "%s: cannot open shared object file: not found in %s%s",
		name, w->root->path, sb.buf);
	strbuf_release(&sb);
	p->ok = false;
}

/* Resolves NAME needed by REQ.  Returns the dso or NULL (problem recorded
 * unless OPTIONAL). */
static struct dso *resolve(struct walk *w, struct program *p,
			   const struct search_ctx *ctx, struct dso *req,
			   const char *name, bool optional, bool preload)
{
	struct strbuf err = STRBUF_INIT;
	struct search_hit h;
	struct dso *d = match_loaded(p, name);
	bool musl = p->ldso->flavour == LIBC_MUSL;
	int r;

	if (d) {
		add_name(d, name, musl);
		return d;
	}
	r = search_lookup(ctx, req, name, &h, &err);
	if (r == 0) {
		d = by_inode(p, &h.st);
		if (d) {
			/* G3: the same file under another name; the path opened
			 * must be in the image all the same (T39). */
			add_name(d, name, musl);
			move_strings(&d->hops, &h.hops);
			if (strcmp(h.real, d->real))
				strlist_add(&d->hops, h.real);
		} else if (p->n_dsos >= MAX_OBJECTS) {
			problem(w, false, p->path, "more than %d objects loaded", MAX_OBJECTS);
			p->ok = false;
		} else {
			d = add_dso(p, dso_from_hit(&h, req, name, musl));
			d->preload = preload;
			if (d->how == HOW_CACHE && !in_sysdir(p->ldso, d->path))
				needs_config(p, "/etc/ld.so.cache");
			if (preload)
				needs_config(p, "/etc/ld.so.preload");
			if (d->how == HOW_DEFAULT && p->ldso->musl_path_found)
				needs_config(p, p->ldso->musl_path_file);
		}
	} else if (preload) {
		problem(w, true, "/etc/ld.so.preload", "%s cannot be preloaded: %s: ignored",
			name, r == -ENOENT ? "not found" : err.buf);
	} else if (optional) {
		/* DT_AUXILIARY: a missing filtee is ignored (G12). */
	} else if (r == -ENOENT) {
		not_found(w, p, req, name, &h);
	} else {
		problem(w, false, req->path, "%s: %s", name, err.buf);
		p->ok = false;
	}
	search_hit_release(&h);
	strbuf_release(&err);
	return d;
}

static void preloads(struct walk *w, struct program *p, const struct search_ctx *ctx)
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
		resolve(w, p, ctx, p->main, names.v[i], false, true);
	strlist_clear(&names);
	free(buf);
}

/* glibc's _dl_check_map_versions: each needed version must be defined by the
 * object its DT_NEEDED name resolved to. */
static void check_versions(struct walk *w, struct program *p, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++) {
		const struct dso *d = p->dsos[i];

		for (size_t j = 0; j < d->elf->n_verneed; j++) {
			const struct elfobj_verneed *vn = &d->elf->verneed[j];
			const struct dso *dep = NULL;

			for (size_t k = 0; k < d->elf->needed.n && d->deps; k++)
				if (!strcmp(d->elf->needed.v[k], vn->file))
					dep = d->deps[k];
			if (!dep)
				continue;
			if (!dep->elf->has_verdef) {
				problem(w, true, dep->path,
					"no version information available (required by %s)",
					d->path);
				continue;
			}
			for (size_t k = 0; k < vn->versions.n; k++) {
				const char *v = vn->versions.v[k];

				if (strlist_has_sorted(&dep->elf->verdef, v))
					continue;
				problem(w, strlist_has(&vn->weak, v), dep->path,
					"version '%s' not found (required by %s)", v, d->path);
				if (!strlist_has(&vn->weak, v))
					p->ok = false;
			}
		}
	}
}

/*
 * Programs whose load-time closure depends on the same things get the same
 * closure: the same loader and secure mode, the same DT_NEEDED list, RPATH,
 * RUNPATH, SONAME and DF_1_NODEFLIB, and the same $ORIGIN when any of them
 * uses a DST.  /usr/bin holds about 200 such closures for 1100 programs.
 */
static char *closure_key(const struct program *p)
{
	const struct elfobj *e = p->main->elf;
	struct strbuf sb = STRBUF_INIT;
	bool dst = (e->rpath && strchr(e->rpath, '$')) || (e->runpath && strchr(e->runpath, '$'));
	const struct strlist *lists[] = { &e->needed, &e->filter, &e->auxiliary };
	static const char *const tags[] = { "N", "F", "A" };

	for (size_t i = 0; i < e->needed.n; i++)
		dst |= strchr(e->needed.v[i], '$') != NULL;
	strbuf_addstrs(&sb, p->ldso->interp, p->secure ? "\n1" : "\n0",
		       e->flags_1 & DF_1_NODEFLIB ? "1\n" : "0\n", e->rpath ? e->rpath : "-",
		       "\n", e->runpath ? e->runpath : "-", "\n", e->soname ? e->soname : "-",
		       "\n", dst ? p->main->origin : "-", "\n", NULL);
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			strbuf_addstrs(&sb, tags[l], lists[l]->v[i], "\n", NULL);
	return strbuf_detach(&sb);
}

static struct dso *map_dso(struct dso *const *map, const struct program *src,
			   const struct dso *d)
{
	if (!d)
		return NULL;
	for (size_t i = 0; i < src->closure_dsos; i++)
		if (src->dsos[i] == d)
			return map[i];
	return NULL;
}

/* Gives P the closure of an earlier program with the same key, if any:
 * the same objects found the same way, the program's own main and
 * interpreter standing in for the earlier one's.  Returns whether it did. */
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
	/* The closure only: what needs_apply() added to SRC since is SRC's. */
	map = xcalloc(src->closure_dsos, sizeof(*map));
	map[0] = p->main;
	map[1] = p->interp;
	for (size_t i = 2; i < src->closure_dsos; i++)
		map[i] = add_dso(p, xcalloc(1, sizeof(struct dso)));
	for (size_t i = 0; i < src->closure_dsos; i++) {
		const struct dso *s = src->dsos[i];
		struct dso *d = map[i];
		size_t n = s->elf ? s->elf->needed.n : 0;

		if (i >= 2) {
			d->path = xstrdup(s->path);
			d->real = s->real ? xstrdup(s->real) : NULL;
			d->dev = s->dev;
			d->ino = s->ino;
			d->elf = s->elf;
			strlist_add_all(&d->names, &s->names);
			strlist_add_all(&d->hops, &s->hops);
			strlist_add_all(&d->alts, &s->alts);
			strlist_add_all(&d->notes, &s->notes);
			d->origin = s->origin ? xstrdup(s->origin) : NULL;
			d->how = s->how;
			d->how_dir = s->how_dir ? xstrdup(s->how_dir) : NULL;
			d->how_tmpl = s->how_tmpl ? xstrdup(s->how_tmpl) : NULL;
			d->preload = s->preload;
			d->depth = s->depth;
			d->loader = map_dso(map, src, s->loader);
		}
		d->how_owner = i ? map_dso(map, src, s->how_owner) : NULL;
		if (s->deps) {
			d->deps = xcalloc(n + 1, sizeof(*d->deps));
			for (size_t k = 0; k < n; k++)
				d->deps[k] = map_dso(map, src, s->deps[k]);
		}
	}
	for (size_t i = 0; i < src->closure_extras; i++)
		walk_extra(p, src->extras[i].path, src->extras[i].why, src->extras[i].data,
			   src->extras[i].len);
	free(map);
	p->closure_src = src;
	p->n_done = p->n_dsos;
	/* What differs: the program's own symbol versions. */
	if (p->ldso->flavour == LIBC_GLIBC)
		check_versions(w, p, 0, 1);
	return true;
}

static struct search_ctx ctx_of(struct walk *w, const struct program *p)
{
	struct search_ctx ctx = {
		.root = w->root, .ldso = p->ldso, .library_path = &w->library_path,
		.main = p->main, .objs = w->objs, .secure = p->secure,
	};

	return ctx;
}

/* Loads the DT_NEEDED (and filters) of every object not yet processed,
 * breadth-first, then checks their symbol versions. */
static void load_pending(struct walk *w, struct program *p)
{
	struct search_ctx ctx = ctx_of(w, p);
	size_t start = p->n_done;

	for (size_t i = start; i < p->n_dsos; i++) {
		struct dso *d = p->dsos[i];
		const struct elfobj *e = d->elf;

		if (d->is_interp || d->deps)
			continue;
		d->deps = xcalloc(e->needed.n + 1, sizeof(*d->deps));
		for (size_t j = 0; j < e->needed.n; j++)
			d->deps[j] = resolve(w, p, &ctx, d, e->needed.v[j], false, false);
		if (p->ldso->flavour == LIBC_GLIBC) {
			for (size_t j = 0; j < e->filter.n; j++)
				resolve(w, p, &ctx, d, e->filter.v[j], false, false);
			for (size_t j = 0; j < e->auxiliary.n; j++)
				resolve(w, p, &ctx, d, e->auxiliary.v[j], true, false);
		}
	}
	if (p->ldso->flavour == LIBC_GLIBC)
		check_versions(w, p, start, p->n_dsos);
	p->n_done = p->n_dsos;
}

static void load_closure(struct walk *w, struct program *p)
{
	struct search_ctx ctx = ctx_of(w, p);

	if (p->ldso->flavour == LIBC_GLIBC)
		preloads(w, p, &ctx);
	load_pending(w, p);
}

struct dso *walk_dlopen(struct walk *w, struct program *p, struct dso *caller,
			const char *name, const char *why, bool optional)
{
	struct search_ctx ctx;
	size_t before = p->n_dsos;
	bool musl;
	struct dso *d;

	if (!p->ldso || !caller)
		return NULL;
	ctx = ctx_of(w, p);
	musl = p->ldso->flavour == LIBC_MUSL;
	/* glibc searches in the caller's context (G14), musl in main's (M12). */
	d = resolve(w, p, &ctx, musl ? p->main : caller, name, optional, false);
	if (d && p->n_dsos > before) {
		/* glibc: l_loader = NULL for a dlopened object; musl: main. */
		d->loader = musl ? p->main : NULL;
		d->depth = 1;
		d->dlopen_by = caller;
		d->why = xstrdup(why);
		load_pending(w, p);
	}
	return d;
}

static struct walk_extra *new_extra(struct program *p, const char *path)
{
	for (size_t i = 0; i < p->n_extras; i++)
		if (!strcmp(p->extras[i].path, path))
			return NULL;
	p->extras = xgrow(p->extras, &p->a_extras, p->n_extras + 1, sizeof(*p->extras));
	memset(&p->extras[p->n_extras], 0, sizeof(*p->extras));
	return &p->extras[p->n_extras++];
}

void walk_extra_tree(struct program *p, const char *path, const char *why)
{
	struct walk_extra *x = new_extra(p, path);

	if (!x)
		return;
	x->path = xstrdup(path);
	x->why = xstrdup(why);
	x->tree = true;
}

void walk_extra(struct program *p, const char *path, const char *why,
		const char *data, size_t len)
{
	struct walk_extra *x = new_extra(p, path);

	if (!x)
		return;
	x->path = xstrdup(path);
	x->why = xstrdup(why);
	x->data = NULL;
	x->len = len;
	if (data) {
		x->data = xmalloc(len + 1);
		memcpy(x->data, data, len);
		x->data[len] = '\0';
	}
}

static int add_interp(struct walk *w, struct program *p, const char *interp)
{
	struct strbuf err = STRBUF_INIT;
	struct dso *d = xcalloc(1, sizeof(*d));
	struct stat st;
	int r;

	d->is_interp = true;
	d->how = HOW_INTERP;
	d->path = xstrdup(interp);
	d->loader = p->main;
	d->depth = 1;
	strlist_add(&d->names, interp);
	add_dso(p, d);
	p->interp = d;
	if (interp[0] != '/')
		problem(w, true, p->path,
			"relative interpreter '%s' is found only when the program starts in the right directory (taken from /)",
			interp);
	r = root_resolve(w->root, interp, NULL, &d->real, &st, &d->hops);
	if (r == 0 && !S_ISREG(st.st_mode))
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (r == 0)
		r = objcache_get(w->objs, w->root, d->real, &st, &d->elf, &err);
	if (r < 0) {
		problem(w, false, p->path, "interpreter '%s': %s", interp,
			err.len ? err.buf : strerror(-r));
		strbuf_release(&err);
		p->ok = false;
		return -1;
	}
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->origin = origin_of(interp);
	if (d->elf->soname && !strlist_has(&d->names, d->elf->soname))
		strlist_add(&d->names, d->elf->soname);
	return 0;
}

static struct program *new_program(struct walk *w, const char *file)
{
	struct program *p = xcalloc(1, sizeof(*p));

	p->arg = xstrdup(file);
	p->path = file[0] == '/' ? xstrdup(file) : path_join(w->cwd, file);
	p->ok = true;
	w->progs = xgrow(w->progs, &w->a_progs, w->n_progs + 1, sizeof(*w->progs));
	w->progs[w->n_progs++] = p;
	return p;
}

static void no_file(struct walk *w, const char *path, int r)
{
	const char *why = r == -ELOOP ? "too many levels of symbolic links"
					: strerror(-r);

	problem(w, false, path, "%s", why);
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

int walk_add(struct walk *w, const char *file)
{
	return walk_add_as(w, file, NULL);
}

int walk_add_as(struct walk *w, const char *file, const char *dest)
{
	struct strbuf err = STRBUF_INIT;
	struct program *p = new_program(w, file);
	struct dso *m = xcalloc(1, sizeof(*m));
	const char *interp;
	char *musl_interp = NULL;
	struct stat st;
	bool musl;
	int r;

	p->dest = dest ? xstrdup(dest) : NULL;
	p->problems_from = w->n_problems;
	m->is_main = true;
	m->how = HOW_INPUT;
	m->path = xstrdup(p->path);
	p->main = add_dso(p, m);
	r = root_resolve(w->root, p->path, NULL, &m->real, &st, &m->hops);
	if (r < 0) {
		no_file(w, p->path, r);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		problem(w, false, p->path, "is a directory, not an ELF program");
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		problem(w, false, p->path, "not a regular file");
		goto fail;
	}
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	r = objcache_get(w->objs, w->root, m->real, &st, &m->elf, &err);
	if (r < 0) {
		if (r != -ENOEXEC || !script_problem(w, p->path, m->real))
			problem(w, false, p->path, "%s", err.buf);
		goto fail;
	}
	p->elf = m->elf;
	/* $ORIGIN of the main program: /proc/self/exe, symlinks resolved (G9.3). */
	m->origin = path_dirname(m->real);
	if (m->elf->kind == ELFOBJ_OTHER) {
		if (!w->lenient)
			problem(w, false, p->path,
				"not an executable or shared library (e_type %u)", m->elf->e_type);
		goto fail;
	}
	if (m->elf->kind == ELFOBJ_STATIC ||
	    m->elf->kind == ELFOBJ_SELF ||
	    (m->elf->kind == ELFOBJ_STATIC_PIE && !m->elf->needed.n))
		goto out;
	interp = m->elf->interp;
	if (!interp) {
		musl = needs_musl(m->elf);
		interp = musl ? (musl_interp = musl_interp_for(m->elf))
			      : ldso_default_interp(m->elf->e_machine, m->elf->ei_class,
						    m->elf->e_flags);
		if (!interp) {
			problem(w, false, p->path, "no interpreter known for %s",
				elfobj_machine_name(m->elf->e_machine));
			goto fail;
		}
	} else {
		musl = ldso_is_musl(interp);
	}
	p->ldso = walk_ldso(w, interp, m->elf, musl);
	if (add_interp(w, p, interp) < 0)
		goto fail;
	p->secure = st.st_mode & (S_ISUID | S_ISGID);
	if (!reuse_closure(w, p))
		load_closure(w, p);
	if (!p->ok)
		goto fail;
out:
	p->closure_dsos = p->n_dsos;
	p->closure_extras = p->n_extras;
	p->problems_to = w->n_problems;
	free(musl_interp);
	strbuf_release(&err);
	return 0;
fail:
	p->ok = false;
	p->closure_dsos = p->n_dsos;
	p->closure_extras = p->n_extras;
	p->problems_to = w->n_problems;
	free(musl_interp);
	strbuf_release(&err);
	return -1;
}

/* Appends a copy of PATH to OUT unless SEEN has it: a large batch names the
 * same libraries thousands of times. */
static void add_path(struct strmap *seen, struct strlist *out, const char *path)
{
	void **slot;

	if (strmap_get(seen, path))
		return;
	slot = strmap_put(seen, path);
	*slot = slot;
	strlist_add(out, path);
}

void walk_paths(const struct walk *w, struct strlist *out)
{
	struct strmap seen = STRMAP_INIT;
	struct strlist hops = STRLIST_INIT;

	for (size_t i = 0; i < out->n; i++)
		*strmap_put(&seen, out->v[i]) = &seen;
	for (size_t i = 0; i < w->n_progs; i++) {
		const struct program *p = w->progs[i];

		/* A reused closure's objects and files are its source's,
		 * listed with the source. */
		size_t skip_extras = p->closure_src ? p->closure_extras : 0;
		size_t skip_dsos = p->closure_src ? p->closure_dsos : 0;

		for (size_t j = skip_extras; j < p->n_extras; j++) {
			const struct walk_extra *x = &p->extras[j];
			char *real = NULL;

			if (x->data || x->tree) {
				add_path(&seen, out, x->path);
				continue;
			}
			if (root_resolve(w->root, x->path, NULL, &real, NULL, &hops) == 0)
				add_path(&seen, out, real);
			free(real);
			for (size_t k = 0; k < hops.n; k++)
				add_path(&seen, out, hops.v[k]);
			strlist_clear(&hops);
		}
		for (size_t j = 0; j < p->n_dsos; j++) {
			const struct dso *d = p->dsos[j];

			if (!d->real || (j >= 2 && j < skip_dsos))
				continue;
			add_path(&seen, out, d->real);
			for (size_t k = 0; k < d->hops.n; k++)
				add_path(&seen, out, d->hops.v[k]);
			for (size_t k = 0; k < d->alts.n; k++) {
				char *real = NULL;

				if (root_resolve(w->root, d->alts.v[k], NULL, &real, NULL, NULL) == 0)
					add_path(&seen, out, real);
				free(real);
			}
		}
	}
	strlist_clear(&hops);
	strmap_clear(&seen, NULL);
	strlist_sort_uniq(out);
}
