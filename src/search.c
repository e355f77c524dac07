/* search: one DT_NEEDED lookup under glibc's or musl's rules; see search.h.
 * Rule numbers (G5, M5...) refer to doc/loader-rules.md. */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratchroot/search.h"

/* ---- path lists and dynamic string tokens ---- */

void search_split(const char *list, const char *seps, struct strlist *out)
{
	for (;;) {
		size_t n = strcspn(list, seps);

		strlist_addn(out, list, n);
		if (!list[n])
			return;
		list += n + 1;
	}
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Length of the DST at S (S[0] == '$') naming NAME, or 0. */
static size_t dst_len(const char *s, const char *name)
{
	size_t n = strlen(name);

	if (s[1] == '{')
		return !strncmp(s + 2, name, n) && s[2 + n] == '}' ? n + 3 : 0;
	return !strncmp(s + 1, name, n) && !is_name_char(s[1 + n]) ? n + 1 : 0;
}

static bool expand_one(const char *s, const char *origin, const char *lib,
		       const char *platform, struct strbuf *out)
{
	while (*s) {
		size_t n;

		if (*s != '$') {
			strbuf_addch(out, *s++);
			continue;
		}
		if ((n = dst_len(s, "ORIGIN"))) {
			if (!origin)
				return false;
			strbuf_addstr(out, origin);
		} else if ((n = dst_len(s, "LIB"))) {
			strbuf_addstr(out, lib);
		} else if ((n = dst_len(s, "PLATFORM"))) {
			strbuf_addstr(out, platform);
		} else {
			strbuf_addch(out, *s++);
			continue;
		}
		s += n;
	}
	return true;
}

size_t search_expand_dst(const char *s, const char *origin, const char *lib,
			 const struct strlist *platforms, struct strlist *out)
{
	bool has_platform = false;
	size_t count = 0;

	for (const char *p = strchr(s, '$'); p; p = strchr(p + 1, '$'))
		if (dst_len(p, "PLATFORM"))
			has_platform = true;
	for (size_t i = 0; i < (has_platform ? platforms->n : 1); i++) {
		struct strbuf sb = STRBUF_INIT;

		if (expand_one(s, origin, lib, has_platform ? platforms->v[i] : "", &sb)) {
			strlist_take(out, strbuf_detach(&sb));
			count++;
		}
		strbuf_release(&sb);
	}
	return count;
}

char *search_musl_rpath(const char *rpath, const char *origin)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *t = strchr(rpath, '$'); t; t = strchr(t + 1, '$'))
		if (strncmp(t, "$ORIGIN", 7) && strncmp(t, "${ORIGIN}", 9))
			return NULL;
	while (*rpath) {
		size_t n = !strncmp(rpath, "$ORIGIN", 7) ? 7
			 : !strncmp(rpath, "${ORIGIN}", 9) ? 9 : 0;

		if (n) {
			strbuf_addstr(&sb, origin ? origin : "");
			rpath += n;
		} else {
			strbuf_addch(&sb, *rpath++);
		}
	}
	return strbuf_detach(&sb);
}

bool search_musl_reserved(const char *name, const char *interp)
{
	static const char *const reserved[] = { "c.", "pthread.", "rt.", "m.",
						"dl.", "util.", "xnet.", NULL };

	if (interp && !strcmp(name, interp))
		return true;
	if (strncmp(name, "lib", 3))
		return false;
	for (const char *const *r = reserved; *r; r++)
		if (!strncmp(name + 3, *r, strlen(*r)))
			return true;
	return false;
}

const char *search_how_name(enum how how)
{
	switch (how) {
	case HOW_INPUT:
		return "input";
	case HOW_INTERP:
		return "interpreter";
	case HOW_PATH:
		return "path in DT_NEEDED";
	case HOW_RPATH:
		return "RPATH";
	case HOW_LIBRARY_PATH:
		return "LD_LIBRARY_PATH";
	case HOW_RUNPATH:
		return "RUNPATH";
	case HOW_CACHE:
		return "ld.so.cache";
	case HOW_DEFAULT:
		return "default directory";
	case HOW_MUSL_LIBC:
		return "musl libc, provided by the loader";
	}
	return "?";
}

void search_hit_release(struct search_hit *h)
{
	free(h->path);
	free(h->real);
	free(h->how_dir);
	free(h->how_tmpl);
	strlist_clear(&h->hops);
	strlist_clear(&h->alts);
	strlist_clear(&h->notes);
	memset(h, 0, sizeof(*h));
}

/* ---- candidates ---- */

enum verdict { V_OK, V_SKIP, V_STOP, V_FATAL };

struct cand {
	char *real;
	struct stat st;
	struct strlist hops;
	struct elfobj *elf;
};

static void cand_release(struct cand *c)
{
	free(c->real);
	strlist_clear(&c->hops);
	memset(c, 0, sizeof(*c));
}

static void note(struct search_hit *h, const char *path, const char *why)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s: %s", path, why);
	strlist_take(&h->notes, strbuf_detach(&sb));
}

/* The loader's checks of a candidate's ELF header (G7; musl only looks at
 * class and machine, and stops at the first file that opens, M9). */
static enum verdict check_header(const struct ldso *l, const struct elfobj *e, const char *path,
				 struct search_hit *h, struct strbuf *err)
{
	bool musl = l->flavour == LIBC_MUSL;
	const char *fatal = NULL;

	if (e->ei_class != l->ei_class || e->e_machine != l->e_machine) {
		const char *what = e->ei_class != l->ei_class ? "wrong ELF class" : "wrong machine";
		struct strbuf sb = STRBUF_INIT;

		if (musl) {
			seterr(err, -ENOEXEC, "'%s': %s (musl takes the first file that opens: Exec format error)",
			       path, what);
			return V_FATAL;
		}
		strbuf_addf(&sb, "skipped, %s (ELF%d %s)", what, e->ei_class == ELFCLASS64 ? 64 : 32,
			    elfobj_machine_name(e->e_machine));
		note(h, path, sb.buf);
		strbuf_release(&sb);
		return V_SKIP;
	}
	if (musl)
		return V_OK;
	if (e->ei_data != l->ei_data)
		fatal = "ELF file data encoding not native";
	else if (e->ei_osabi != ELFOSABI_SYSV && e->ei_osabi != ELFOSABI_GNU &&
		 !(e->ei_osabi == ELFOSABI_ARM_AEABI && e->e_machine == EM_ARM))
		fatal = "ELF file OS ABI invalid";
	else if (e->e_type == ET_EXEC)
		fatal = "cannot dynamically load executable";
	else if (e->e_type != ET_DYN)
		fatal = "only ET_DYN and ET_EXEC can be loaded";
	else if (e->flags_1 & DF_1_PIE)
		fatal = "cannot dynamically load position-independent executable";
	else if (e->phnum_xnum)
		fatal = "too many program headers (PN_XNUM: the loader reads e_phnum as it is)";
	else if (!e->n_load)
		fatal = "object file has no loadable segments";
	else if (e->dynamic_empty)
		fatal = "object file has no dynamic section";
	if (!fatal)
		return V_OK;
	seterr(err, -ENOEXEC, "'%s': %s", path, fatal);
	return V_FATAL;
}

/* Opens PATH and applies glibc's open_verify() (G7) or musl's absence of
 * checks (M9). */
static enum verdict try_path(const struct search_ctx *ctx, const char *path,
			     struct cand *c, struct search_hit *h,
			     struct strbuf *err)
{
	const struct ldso *l = ctx->ldso;
	bool musl = l->flavour == LIBC_MUSL;
	struct strbuf why = STRBUF_INIT;
	enum verdict v = V_OK;
	int r;

	r = root_resolve(ctx->root, path, NULL, &c->real, &c->st, &c->hops);
	if (r == -ENOENT || r == -ENOTDIR || r == -EACCES ||
	    (musl && r == -ENAMETOOLONG)) {
		cand_release(c);
		return V_SKIP;
	}
	if (r < 0) {
		note(h, path, strerror(-r));
		if (musl) {
			seterr(err, r, "'%s': %s", path, strerror(-r));
			v = V_FATAL;
		} else {
			v = V_STOP;
		}
		goto out;
	}
	if (S_ISDIR(c->st.st_mode)) {
		seterr(err, -EISDIR, "'%s': cannot read file data: Is a directory", path);
		v = V_FATAL;
		goto out;
	}
	if (!S_ISREG(c->st.st_mode)) {
		seterr(err, -EINVAL, "'%s': not a regular file", path);
		v = V_FATAL;
		goto out;
	}
	r = elfcache_get(ctx->objs, ctx->root, c->real, &c->st, &c->elf, &why);
	if (r < 0) {
		seterr(err, r, "'%s': %s", path, why.buf);
		v = V_FATAL;
		goto out;
	}
	v = check_header(l, c->elf, path, h, err);
out:
	strbuf_release(&why);
	if (v != V_OK)
		cand_release(c);
	return v;
}

static void take(struct search_hit *h, struct cand *c, const char *path,
		 enum how how, const struct search_obj *owner, const char *dir,
		 const char *tmpl)
{
	h->path = xstrdup(path);
	h->real = c->real;
	h->st = c->st;
	h->elf = c->elf;
	for (size_t i = 0; i < c->hops.n; i++)
		strlist_add(&h->hops, c->hops.v[i]);
	strlist_clear(&c->hops);
	h->how = how;
	h->how_owner = owner;
	h->how_dir = dir ? xstrdup(dir) : NULL;
	h->how_tmpl = tmpl && strchr(tmpl, '$') ? xstrdup(tmpl) : NULL;
	c->real = NULL;
}

/* A variant (glibc-hwcaps or legacy hwcap) is kept as an alternative: the
 * CPU that will run the image decides whether the loader picks it. */
static void keep_alt(struct search_hit *h, struct cand *c, const char *path)
{
	strlist_add(&h->alts, path);
	for (size_t i = 0; i < c->hops.n; i++)
		strlist_add(&h->hops, c->hops.v[i]);
	cand_release(c);
}

static bool may_exist(const struct search_ctx *ctx, const char *dir);

/* Probes DIR (and its hwcaps subdirectories) for NAME (G6). */
static enum verdict probe_dir(const struct search_ctx *ctx, const char *dir,
			      const char *tmpl, const char *name, enum how how,
			      const struct search_obj *owner, struct search_hit *h,
			      struct strbuf *err)
{
	const struct ldso *l = ctx->ldso;
	struct strbuf sb = STRBUF_INIT;
	struct cand c = { 0 };
	enum verdict v = V_SKIP;
	const char *d = *dir ? dir : ".";

	/* A directory that is not there holds no candidate, nor do the
	 * hwcaps directories under it. */
	if (!may_exist(ctx, d))
		return V_SKIP;
	if (l->flavour == LIBC_GLIBC) {
		for (size_t i = 0; i < l->hwcaps.n + l->legacy.n; i++) {
			strbuf_reset(&sb);
			if (i < l->hwcaps.n)
				strbuf_addstrs(&sb, d, "/glibc-hwcaps/", l->hwcaps.v[i], "/", name,
					       NULL);
			else
				strbuf_addstrs(&sb, d, "/", l->legacy.v[i - l->hwcaps.n], "/", name,
					       NULL);
			if (try_path(ctx, sb.buf, &c, h, err) == V_OK)
				keep_alt(h, &c, sb.buf);
			strbuf_reset(err);
		}
	}
	strbuf_reset(&sb);
	strbuf_addstrs(&sb, d, "/", name, NULL);
	v = try_path(ctx, sb.buf, &c, h, err);
	if (v == V_OK)
		take(h, &c, sb.buf, how, owner, d, tmpl);
	strbuf_release(&sb);
	return v;
}

/* Searches each directory of LIST in order.  V_STOP ends this list only. */
static enum verdict probe_list(const struct search_ctx *ctx,
			       const struct strlist *list, const struct strlist *tmpls,
			       const char *name, enum how how,
			       const struct search_obj *owner, struct search_hit *h,
			       struct strbuf *err)
{
	for (size_t i = 0; i < list->n; i++) {
		enum verdict v = probe_dir(ctx, list->v[i], tmpls ? tmpls->v[i] : NULL,
					   name, how, owner, h, err);

		if (v == V_OK || v == V_FATAL)
			return v;
		if (v == V_STOP)
			return V_SKIP;
	}
	return V_SKIP;
}

static bool trusted_dir(const struct ldso *l, const char *dir)
{
	for (size_t i = 0; i < l->sysdirs.n; i++) {
		size_t n = strlen(l->sysdirs.v[i]);

		if (!strncmp(dir, l->sysdirs.v[i], n) && (!dir[n] || dir[n] == '/'))
			return true;
	}
	return false;
}

/* The expanded directories of a glibc path list (G8, G9), with the secure
 * mode restrictions on $ORIGIN (G9.8). */
static void glibc_dirs(const struct search_ctx *ctx, const char *list,
		       const char *seps, const char *origin, struct strlist *out,
		       struct strlist *tmpls)
{
	struct strlist elems = STRLIST_INIT;

	search_split(list, seps, &elems);
	for (size_t i = 0; i < elems.n; i++) {
		struct strlist exp = STRLIST_INIT;
		const char *e = elems.v[i];

		if (ctx->secure && strchr(e, '$') &&
		    (strncmp(e, "$ORIGIN", 7) || (e[7] && e[7] != '/')))
			continue;
		search_expand_dst(e, origin, ctx->ldso->dst_lib, &ctx->ldso->platforms, &exp);
		for (size_t j = 0; j < exp.n; j++) {
			size_t n = strlen(exp.v[j]);

			while (n > 1 && exp.v[j][n - 1] == '/')
				exp.v[j][--n] = '\0';
			if (ctx->secure && strchr(e, '$') && !trusted_dir(ctx->ldso, exp.v[j]))
				continue;
			strlist_add(out, exp.v[j]);
			strlist_add(tmpls, e);
		}
		strlist_clear(&exp);
	}
	strlist_clear(&elems);
}

static bool nodeflib(const struct search_obj *loader)
{
	return loader->elf && (loader->elf->flags_1 & DF_1_NODEFLIB);
}

static int glibc_cache(const struct search_ctx *ctx, const struct search_obj *loader,
		       const char *name, struct search_hit *h, struct strbuf *err)
{
	const struct ldso *l = ctx->ldso;
	struct strlist alts = STRLIST_INIT;
	struct cand c = { 0 };
	const char *path;
	enum verdict v = V_SKIP;

	path = ldcache_lookup(l->cache, name, l->e_machine, l->ei_class, l->e_flags, &alts);
	for (size_t i = 0; i < alts.n; i++) {
		if (try_path(ctx, alts.v[i], &c, h, err) == V_OK)
			keep_alt(h, &c, alts.v[i]);
		strbuf_reset(err);
	}
	strlist_clear(&alts);
	if (!path)
		return V_SKIP;
	if (nodeflib(loader) && trusted_dir(l, path)) {
		note(h, path, "ld.so.cache entry in a system directory ignored (DF_1_NODEFLIB)");
		return V_SKIP;
	}
	v = try_path(ctx, path, &c, h, err);
	if (v == V_OK)
		take(h, &c, path, HOW_CACHE, NULL, "/etc/ld.so.cache", NULL);
	return v;
}

/* Expands path list LIST (with DST context ORIGIN) and probes it. */
/* A path list expanded once (G8, G9), keeping only the directories that
 * may hold a candidate: glibc too decomposes an object's RPATH once and
 * marks a directory it did not find (r_search_path_elem's status). */
struct expansion {
	struct strlist dirs, tmpls;
};

struct search_cache {
	struct strmap lists;	/* "SEPS LIST ORIGIN SECURE" -> expansion, LIST and
				 * ORIGIN by address: strings of the walk's
				 * objects and options, which stay put */
};

struct search_cache *search_cache_new(void)
{
	return xcalloc(1, sizeof(struct search_cache));
}

static void expansion_free(void *p)
{
	struct expansion *x = p;

	strlist_clear(&x->dirs);
	strlist_clear(&x->tmpls);
	free(x);
}

void search_cache_free(struct search_cache *c)
{
	if (!c)
		return;
	strmap_clear(&c->lists, expansion_free);
	free(c);
}

static bool may_exist(const struct search_ctx *ctx, const char *dir)
{
	int e = root_dir_exists(ctx->root, *dir ? dir : ".");

	return e != -ENOENT && e != -ENOTDIR && e != -EACCES;
}

static const struct expansion *expand(const struct search_ctx *ctx, const char *list,
				      const char *seps, const char *origin,
				      struct expansion *local)
{
	struct expansion *x, all = { STRLIST_INIT, STRLIST_INIT };
	char key[UTIL_KEY_MAX(4)];
	void **slot;

	if (!ctx->cache) {
		glibc_dirs(ctx, list, seps, origin, &local->dirs, &local->tmpls);
		return local;
	}
	/* The strings of a walk do not move: their addresses name them. */
	util_key(key, (const uint64_t[]){ (uintptr_t)list, (uintptr_t)origin,
					  (uintptr_t)seps, ctx->secure }, 4);
	slot = strmap_put(&ctx->cache->lists, key);
	if (*slot)
		return *slot;
	x = xcalloc(1, sizeof(*x));
	glibc_dirs(ctx, list, seps, origin, &all.dirs, &all.tmpls);
	for (size_t i = 0; i < all.dirs.n; i++)
		if (may_exist(ctx, all.dirs.v[i])) {
			strlist_add(&x->dirs, all.dirs.v[i]);
			strlist_add(&x->tmpls, all.tmpls.v[i]);
		}
	strlist_clear(&all.dirs);
	strlist_clear(&all.tmpls);
	*slot = x;
	return x;
}

/* Expands path list LIST (with DST context ORIGIN) and probes it. */
static enum verdict probe_pathlist(const struct search_ctx *ctx, const char *list,
				   const char *seps, const char *origin,
				   const char *name, enum how how,
				   const struct search_obj *owner, struct search_hit *h,
				   struct strbuf *err)
{
	struct expansion local = { STRLIST_INIT, STRLIST_INIT };
	const struct expansion *x = expand(ctx, list, seps, origin, &local);
	enum verdict v = probe_list(ctx, &x->dirs, &x->tmpls, name, how, owner, h, err);

	strlist_clear(&local.dirs);
	strlist_clear(&local.tmpls);
	return v;
}

static int glibc_lookup(const struct search_ctx *ctx, const struct search_obj *loader,
			const char *name, struct search_hit *h, struct strbuf *err)
{
	const struct elfobj *le = loader->elf;
	const struct search_obj *main = ctx->main;
	enum verdict v;

	/* G5.1: the RPATH chain, unless the requester has a RUNPATH. */
	if (!le->runpath) {
		bool main_seen = false;

		for (const struct search_obj *o = loader; o; o = o->loader) {
			main_seen |= o->is_main;
			if (!o->elf->rpath || (o->is_main && o->elf->runpath))
				continue;
			v = probe_pathlist(ctx, o->elf->rpath, ":", o->origin, name,
					   HOW_RPATH, o, h, err);
			if (v != V_SKIP)
				return v;
		}
		if (!main_seen && main && main->elf->rpath && !main->elf->runpath) {
			v = probe_pathlist(ctx, main->elf->rpath, ":", main->origin, name,
					   HOW_RPATH, main, h, err);
			if (v != V_SKIP)
				return v;
		}
	}
	/* G5.2: LD_LIBRARY_PATH, with main as the DST context. */
	if (ctx->library_path && !ctx->secure) {
		for (size_t i = 0; i < ctx->library_path->n; i++) {
			v = probe_pathlist(ctx, ctx->library_path->v[i], ":;",
					   main ? main->origin : NULL, name,
					   HOW_LIBRARY_PATH, NULL, h, err);
			if (v != V_SKIP)
				return v;
		}
	}
	/* G5.3: the requester's own RUNPATH. */
	if (le->runpath) {
		v = probe_pathlist(ctx, le->runpath, ":", loader->origin, name,
				   HOW_RUNPATH, loader, h, err);
		if (v != V_SKIP)
			return v;
	}
	/* G5.4 and G5.5: the cache, then the built-in directories. */
	if (ctx->ldso->cache) {
		v = glibc_cache(ctx, loader, name, h, err);
		if (v != V_SKIP)
			return v;
	}
	if (!nodeflib(loader))
		return probe_list(ctx, &ctx->ldso->sysdirs, NULL, name, HOW_DEFAULT, NULL,
				  h, err);
	return V_SKIP;
}

/* Probes the non-empty elements of LIST split on SEPS; with ORIGIN set,
 * each element's $ORIGIN is expanded the musl way (M7). */
static enum verdict musl_probe(const struct search_ctx *ctx, const char *list,
			       const char *origin, bool fix, const char *name,
			       enum how how, const struct search_obj *owner,
			       struct search_hit *h, struct strbuf *err)
{
	struct strlist elems = STRLIST_INIT;
	enum verdict v = V_SKIP;

	search_split(list, ":\n", &elems);
	for (size_t i = 0; i < elems.n && v != V_OK && v != V_FATAL; i++) {
		char *dir = fix ? search_musl_rpath(elems.v[i], origin) : xstrdup(elems.v[i]);

		if (*dir)
			v = probe_dir(ctx, dir, elems.v[i], name, how, owner, h, err);
		free(dir);
	}
	strlist_clear(&elems);
	return v == V_STOP ? V_SKIP : v;
}

static int musl_lookup(const struct search_ctx *ctx, const struct search_obj *loader,
		       const char *name, struct search_hit *h, struct strbuf *err)
{
	enum verdict v;

	/* M5.1: LD_LIBRARY_PATH first; empty elements are skipped (M9). */
	if (ctx->library_path && !ctx->secure) {
		for (size_t i = 0; i < ctx->library_path->n; i++) {
			v = musl_probe(ctx, ctx->library_path->v[i], NULL, false, name,
				       HOW_LIBRARY_PATH, NULL, h, err);
			if (v != V_SKIP)
				return v;
		}
	}
	/* M5.2: the rpath of every object on the needed_by chain (M6, M7). */
	for (const struct search_obj *o = loader; o; o = o->loader) {
		const char *rp = o->elf->runpath ? o->elf->runpath : o->elf->rpath;
		char *check;

		if (!rp)
			continue;
		check = search_musl_rpath(rp, "");
		if (!check) {
			note(h, o->path, "rpath ignored: musl expands only $ORIGIN");
			continue;
		}
		free(check);
		v = musl_probe(ctx, rp, (o->is_main && ctx->secure) ? NULL : o->origin, true,
			       name, o->elf->runpath ? HOW_RUNPATH : HOW_RPATH, o, h, err);
		if (v != V_SKIP)
			return v;
	}
	/* M5.3: the system path (M8). */
	for (size_t i = 0; i < ctx->ldso->sysdirs.n; i++) {
		v = probe_dir(ctx, ctx->ldso->sysdirs.v[i], NULL, name, HOW_DEFAULT, NULL,
			      h, err);
		if (v == V_OK || v == V_FATAL)
			return v;
	}
	return V_SKIP;
}

static int lookup(const struct search_ctx *ctx, const struct search_obj *loader,
		  const char *name, struct search_hit *h, struct strbuf *err);

int search_lookup(const struct search_ctx *ctx, const struct search_obj *loader,
		  const char *name, struct search_hit *h, struct strbuf *err)
{
	struct strbuf local = STRBUF_INIT;
	int ret;

	ret = lookup(ctx, loader, name, h, err ? err : &local);
	strbuf_release(&local);
	return ret;
}

static int lookup(const struct search_ctx *ctx, const struct search_obj *loader,
		  const char *name, struct search_hit *h, struct strbuf *err)
{
	bool musl = ctx->ldso->flavour == LIBC_MUSL;
	struct cand c = { 0 };
	enum verdict v;

	memset(h, 0, sizeof(*h));
	if (strchr(name, '/')) {
		/* G4 / M3: opened as written, after DST expansion for glibc. */
		struct strlist exp = STRLIST_INIT;

		if (musl)
			strlist_add(&exp, name);
		else if (ctx->secure && strchr(name, '$'))
			return seterr(err, -EPERM, "'%s': DST not allowed in SUID/SGID programs",
				      name);
		else
			search_expand_dst(name, loader->origin, ctx->ldso->dst_lib,
					  &ctx->ldso->platforms, &exp);
		v = V_SKIP;
		for (size_t i = 0; i < exp.n && v != V_OK && v != V_FATAL; i++) {
			v = try_path(ctx, exp.v[i], &c, h, err);
			if (v == V_OK)
				take(h, &c, exp.v[i], HOW_PATH, NULL, NULL, name);
		}
		strlist_clear(&exp);
	} else {
		v = musl ? musl_lookup(ctx, loader, name, h, err)
			 : glibc_lookup(ctx, loader, name, h, err);
	}
	if (v == V_FATAL)
		return -ENOEXEC;
	if (v == V_OK)
		return 0;
	/* Only hwcaps variants exist: the loader finds one on some CPUs only. */
	if (h->alts.n) {
		char *best = h->alts.v[0];

		if (try_path(ctx, best, &c, h, err) == V_OK) {
			memmove(h->alts.v, h->alts.v + 1, --h->alts.n * sizeof(*h->alts.v));
			take(h, &c, best, HOW_DEFAULT, NULL, NULL, NULL);
			note(h, best, "only a hwcaps variant exists: CPUs without that level fail to load it");
			free(best);
			return 0;
		}
	}
	return -ENOENT;
}
