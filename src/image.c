/* image: what the image holds, decided from the programs' records; see
 * image.h. */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"
#include "scratchroot/image.h"
#include "scratchroot/ldso.h"

#define MAX_TREE_DEPTH 64

static struct mreason text(const char *t)
{
	return (struct mreason){ .role = MR_TEXT, .prog = -1, .item = -1, .text = t };
}

static struct mreason of(enum mrole role, size_t prog, size_t item)
{
	return (struct mreason){ .role = role, .prog = (int)prog, .item = (int)item };
}

/* Directories above DEST, with the modes of the same directories in the
 * source root when they exist there (a /tmp stays 1777). */
static void add_parents(struct manifest *m, const struct root *r, const char *dest)
{
	struct mreason why = text("directory");
	struct strbuf sb = STRBUF_INIT;

	for (const char *s = strchr(dest + 1, '/'); s; s = strchr(s + 1, '/')) {
		struct mentry d = { .type = M_DIR, .mode = 0755 };
		struct stat st;

		strbuf_reset(&sb);
		strbuf_add(&sb, dest, (size_t)(s - dest));
		if (manifest_get(m, sb.buf))
			continue;
		if (r && root_lstat(r, sb.buf, &st) == 0 && S_ISDIR(st.st_mode))
			d.mode = st.st_mode & 01777;
		d.path = sb.buf;
		manifest_add(m, &d, &why, NULL);
	}
	strbuf_release(&sb);
}

/* Whether PATH's parent is a directory entry of M. */
static bool in_a_directory(const struct manifest *m, const char *path)
{
	const char *slash = strrchr(path, '/');
	const struct mentry *p;
	char buf[PATH_MAX];

	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(buf))
		return false;
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
	p = manifest_get(m, buf);
	return p && p->type == M_DIR;
}

/* Adds E.  A path whose directories pass through symlinks already in the
 * image (a DEST under /lib when /lib -> usr/lib) lands where the symlinks
 * lead, as it will be found in the container. */
static int add(struct manifest *m, const struct root *r, struct mentry *e,
	       const struct mreason *why, struct diags *d)
{
	struct strbuf err = STRBUF_INIT;
	char *given = e->path, *path;
	int ret;

	/* Under a directory of the image, nothing above it is a symlink:
	 * the path stays as it is, and its parents are there. */
	if (in_a_directory(m, e->path)) {
		ret = manifest_add(m, e, why, &err);
		if (ret < 0)
			diag_add(d, DIAG_ERROR, given, "%s", err.buf);
		strbuf_release(&err);
		return ret < 0 ? -1 : 0;
	}
	path = manifest_resolve(m, e->path);

	if (!path || !manifest_path_ok(path)) {
		diag_add(d, DIAG_ERROR, given, "%s",
			 !path ? "symlink loop in the image"
			 : !strcmp(path, "/") ? "the image's root itself cannot be added"
			 : "not a canonical absolute path in the image");
		free(path);
		return -1;
	}
	e->path = path;
	add_parents(m, strcmp(path, given) ? NULL : r, path);
	ret = manifest_add(m, e, why, &err);
	if (ret < 0)
		diag_add(d, DIAG_ERROR, given, "%s", err.buf);
	e->path = given;
	free(path);
	strbuf_release(&err);
	return ret < 0 ? -1 : 0;
}

/*
 * Adds the canonical source path SRC of root R at DEST (NULL: the same
 * path), as the kind of file it is in the source.
 */
static int add_source(struct manifest *m, const struct root *r, const char *src,
		      const char *dest, const struct mreason *why, const struct image_opts *o,
		      struct diags *d)
{
	struct mentry e = { .path = (char *)(dest ? dest : src), .src = (char *)src };
	struct mentry *had = dest ? NULL : manifest_get(m, src);
	struct stat st;
	char *target = NULL;
	int ret;

	/* Programs of a batch share most of their libraries. */
	if (had && had->src && !strcmp(had->src, src)) {
		mentry_add_reason(m, had, why);
		return 0;
	}
	if ((ret = root_lstat(r, src, &st)) < 0) {
		diag_add(d, DIAG_ERROR, src, "%s", strerror(-ret));
		return -1;
	}
	e.mode = st.st_mode & 07777;
	if (S_ISLNK(st.st_mode)) {
		if (root_readlink(r, src, &target) < 0) {
			diag_add(d, DIAG_ERROR, src, "unreadable symlink");
			return -1;
		}
		e.type = M_LINK;
		e.target = target;
		e.mode = 0777;
	} else if (S_ISREG(st.st_mode)) {
		e.type = M_FILE;
		e.dev = st.st_dev;
		e.ino = st.st_ino;
		e.size = e.orig_size = e.floor = st.st_size;
		if ((e.mode & (S_ISUID | S_ISGID)) && !o->keep_setid) {
			e.mode &= ~(mode_t)(S_ISUID | S_ISGID);
			diag_add(d, DIAG_WARNING, src,
				 "set-user-ID/set-group-ID bits dropped (--keep-setid keeps them)");
		}
	} else if (S_ISDIR(st.st_mode)) {
		e.type = M_DIR;
		e.mode &= 01777;
	} else {
		diag_add(d, DIAG_ERROR, src, "a device, FIFO or socket cannot go into an image");
		return -1;
	}
	ret = add(m, r, &e, why, d);
	free(target);
	return ret;
}

/* Adds the symlinks HOPS at their own places for reason WHY. */
static int add_hops(struct manifest *m, const struct root *r, const struct avec *hops,
		    const struct mreason *why, const struct image_opts *o, struct diags *d)
{
	int ret = 0;

	for (size_t i = 0; i < hops->n; i++)
		if (add_source(m, r, hops->v[i], NULL, why, o, d) < 0)
			ret = -1;
	return ret;
}

/* Lexically normalises PATH (no symlinks exist in the image there: the
 * manifest refuses a path under a symlink).  NULL when ".." climbs above
 * the root. */
static char *normalize(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *c = path; *c;) {
		size_t n = strcspn(c, "/");

		if (n == 2 && c[0] == '.' && c[1] == '.') {
			char *s = strrchr(sb.buf, '/');

			if (!s) {
				strbuf_release(&sb);
				return NULL;
			}
			strbuf_setlen(&sb, (size_t)(s - sb.buf));
		} else if (n && !(n == 1 && c[0] == '.')) {
			strbuf_addch(&sb, '/');
			strbuf_add(&sb, c, n);
		}
		c += n;
		while (*c == '/')
			c++;
	}
	if (!sb.len)
		strbuf_addch(&sb, '/');
	return strbuf_detach(&sb);
}

/*
 * Where O goes when the object whose path list found it moved to a place
 * whose $ORIGIN is ORIGIN: its search directory template expanded again,
 * plus the rest of the path it was opened by.  NULL when it cannot move.
 */
static char *relocate(const struct mprogram *prog, const struct mobject *o,
		      const char *origin)
{
	const struct ldso *l = prog->ldso;
	struct strlist dirs = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *out = NULL;

	if (l->flavour == LIBC_MUSL && o->how != HOW_PATH) {
		char *dir = search_musl_rpath(o->how_tmpl, origin);

		if (dir)
			strlist_take(&dirs, dir);
	} else if (l->flavour == LIBC_GLIBC) {
		search_expand_dst(o->how_tmpl, origin, l->dst_lib, &l->platforms, &dirs);
	}
	if (dirs.n) {
		strbuf_addstr(&sb, dirs.v[0]);
		if (o->how != HOW_PATH)
			strbuf_addstr(&sb, o->path + strlen(o->how_dir));
		out = normalize(sb.buf);
	}
	strbuf_release(&sb);
	strlist_clear(&dirs);
	return out;
}

/* Adds the hwcaps variants of O: found again now, since the record keeps
 * them as the paths probed. */
static int add_variants(struct manifest *m, const struct root *r, const struct mobject *ob,
			size_t pi, size_t oi, const struct image_opts *o, struct diags *d)
{
	struct mreason why = of(MR_VARIANT, pi, oi), hop = of(MR_HOP, pi, oi);
	int ret = 0;

	for (size_t k = 0; k < ob->alts.n; k++) {
		struct strlist hops = STRLIST_INIT;
		char *real = NULL;

		if (root_resolve(r, ob->alts.v[k], NULL, &real, NULL, &hops) == 0) {
			for (size_t h = 0; h < hops.n; h++)
				if (add_source(m, r, hops.v[h], NULL, &hop, o, d) < 0)
					ret = -1;
			if (add_source(m, r, real, NULL, &why, o, d) < 0)
				ret = -1;
		}
		free(real);
		strlist_clear(&hops);
	}
	return ret;
}

/* The object that expanded the $ORIGIN which found OB, if any. */
static int origin_owner(const struct mobject *ob)
{
	if (!ob->how_tmpl)
		return -1;
	return ob->how == HOW_PATH ? ob->loader : ob->how_owner;
}

static int add_objects(struct manifest *m, const struct root *r, size_t pi,
		       const struct image_opts *o, struct diags *d)
{
	const struct mprogram *prog = &m->progs[pi];
	char **moved = xcalloc(prog->n_objs + 1, sizeof(*moved));
	int ret = 0;

	for (size_t i = 0; i < prog->n_objs; i++) {
		const struct mobject *ob = &prog->objs[i];
		struct mreason why = of(MR_OBJECT, pi, i), hop = of(MR_HOP, pi, i);
		int owner = origin_owner(ob);

		/* What could not be read as ELF is the walk's problem, told. */
		if (!ob->elf)
			continue;
		if (ob->is_main && prog->dest) {
			moved[i] = normalize(prog->dest);
			if (!moved[i] || !strcmp(moved[i], "/")) {
				diag_add(d, DIAG_ERROR, prog->dest, "destination outside the image");
				ret = -1;
			} else if (add_source(m, r, ob->real, moved[i], &why, o, d) < 0) {
				ret = -1;
			}
			continue;
		}
		if (owner >= 0 && moved[owner]) {
			char *origin = path_dirname(moved[owner]);

			moved[i] = relocate(prog, ob, origin);
			free(origin);
			if (!moved[i]) {
				diag_add(d, DIAG_ERROR, ob->path,
					 "cannot follow %s to its new place: '%s' leads outside the image",
					 prog->dest, ob->how_tmpl);
				ret = -1;
			} else if (add_source(m, r, ob->real, moved[i], &why, o, d) < 0) {
				ret = -1;
			}
			continue;
		}
		if (add_hops(m, r, &ob->hops, &hop, o, d) < 0 ||
		    add_source(m, r, ob->real, NULL, &why, o, d) < 0 ||
		    add_variants(m, r, ob, pi, i, o, d) < 0)
			ret = -1;
	}
	for (size_t i = 0; i < prog->n_objs; i++)
		free(moved[i]);
	free(moved);
	return ret;
}

static int add_extras(struct manifest *m, const struct root *r, size_t pi,
		      const struct image_opts *o, struct diags *d)
{
	const struct mprogram *prog = &m->progs[pi];
	int ret = 0;

	for (size_t i = 0; i < prog->n_extras; i++) {
		const struct mextra *x = &prog->extras[i];
		struct mreason why = of(MR_EXTRA, pi, i), hop = of(MR_EXTRA_HOP, pi, i);
		struct strlist hops = STRLIST_INIT, src = STRLIST_INIT, dest = STRLIST_INIT;
		char *real = NULL;

		if (x->data) {
			struct mentry e = { .path = (char *)x->path, .type = M_DATA, .mode = 0644,
					    .data = (char *)x->data, .size = (off_t)x->len };

			if (add(m, NULL, &e, &why, d) < 0)
				ret = -1;
		} else if (x->tree) {
			if (image_add_tree(m, r, x->path, NULL, o, &src, &dest, d) < 0)
				ret = -1;
		} else if (root_resolve(r, x->path, NULL, &real, NULL, &hops) == 0) {
			for (size_t h = 0; h < hops.n; h++)
				if (add_source(m, r, hops.v[h], NULL, &hop, o, d) < 0)
					ret = -1;
			if (add_source(m, r, real, NULL, &why, o, d) < 0)
				ret = -1;
		} else {
			diag_add(d, DIAG_ERROR, x->path, "needed (%s) but missing in the root", x->why);
			ret = -1;
		}
		free(real);
		strlist_clear(&hops);
		strlist_clear(&src);
		strlist_clear(&dest);
	}
	return ret;
}

static const char passwd[] =
	"root:x:0:0:root:/root:/sbin/nologin\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
	"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";
static const char group[] =
	"root:x:0:\n"
	"tty:x:5:\n"
	"staff:x:50:\n"
	"nobody:x:65534:\n"
	"nonroot:x:65532:\n";

/* The distroless base files: the users and groups, /tmp, and the home
 * directories passwd names (nobody's /nonexistent must not exist). */
static void add_base(struct manifest *m, struct diags *d)
{
	struct mreason why = text("base files (--no-base leaves them out)");
	struct mentry e[] = {
		{ .path = "/etc", .type = M_DIR, .mode = 0755 },
		{ .path = "/etc/passwd", .type = M_DATA, .mode = 0644,
		  .data = (char *)passwd, .size = sizeof(passwd) - 1 },
		{ .path = "/etc/group", .type = M_DATA, .mode = 0644,
		  .data = (char *)group, .size = sizeof(group) - 1 },
		{ .path = "/tmp", .type = M_DIR, .mode = 01777 },
		{ .path = "/root", .type = M_DIR, .mode = 0700 },
		{ .path = "/home", .type = M_DIR, .mode = 0755 },
		{ .path = "/home/nonroot", .type = M_DIR, .mode = 0700, .uid = 65532,
		  .gid = 65532 },
	};

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		struct mentry *old = manifest_get(m, e[i].path);

		/* A directory the programs need keeps existing, with the
		 * conventional mode. */
		if (old && old->type == M_DIR && e[i].type == M_DIR) {
			old->mode = e[i].mode;
			old->uid = e[i].uid;
			old->gid = e[i].gid;
			mentry_add_reason(m, old, &why);
			continue;
		}
		if (old) {
			diag_add(d, DIAG_ERROR, e[i].path,
				 "a base file goes here, but the image already holds %s%s%s (--without base leaves the base files out)",
				 old->type == M_DIR ? "a directory" : "a file",
				 old->src ? " from " : "", old->src ? old->src : "");
			continue;
		}
		manifest_add(m, &e[i], &why, NULL);
	}
}

int image_decide(struct manifest *m, const struct root *r, const struct image_opts *o,
		 struct diags *d)
{
	size_t errors = d->errors;

	for (size_t i = 0; i < m->n_progs; i++) {
		add_objects(m, r, i, o, d);
		add_extras(m, r, i, o, d);
	}
	if (o->base)
		add_base(m, d);
	return d->errors > errors ? -1 : 0;
}

/* ---- --add trees ---- */

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

static int add_tree_at(struct manifest *m, const struct root *r, const char *src,
		       const char *dest, const struct image_opts *o,
		       struct strlist *elf_src, struct strlist *elf_dest, struct diags *d,
		       unsigned depth)
{
	struct mreason why = text("added with --add");
	struct strlist names = STRLIST_INIT;
	struct stat st;
	int ret;

	if (depth > MAX_TREE_DEPTH) {
		diag_add(d, DIAG_ERROR, src, "directory tree deeper than %d levels", MAX_TREE_DEPTH);
		return -1;
	}
	ret = add_source(m, r, src, dest, &why, o, d);
	if (ret < 0 || root_lstat(r, src, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode) && is_elf(r, src)) {
		strlist_add(elf_src, src);
		strlist_add(elf_dest, dest);
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	if ((ret = root_list_dir(r, src, &names)) < 0) {
		diag_add(d, DIAG_ERROR, src, "%s", strerror(-ret));
		return -1;
	}
	for (size_t i = 0; i < names.n; i++) {
		char *s = path_join(src, names.v[i]), *t = path_join(dest, names.v[i]);

		if (add_tree_at(m, r, s, t, o, elf_src, elf_dest, d, depth + 1) < 0)
			ret = -1;
		free(s);
		free(t);
	}
	strlist_clear(&names);
	return ret;
}

int image_add_tree(struct manifest *m, const struct root *r, const char *src,
		   const char *dest, const struct image_opts *o,
		   struct strlist *elf_src, struct strlist *elf_dest, struct diags *d)
{
	struct mreason hop = text("symlink on the way");
	struct strlist hops = STRLIST_INIT;
	char *real = NULL, *at;
	int ret;

	/* The path given is resolved (its symlinks kept when it lands at its
	 * own place); what lies below it is copied as it is. */
	ret = root_resolve(r, src, NULL, &real, NULL, &hops);
	if (ret < 0) {
		diag_add(d, DIAG_ERROR, src, "%s", strerror(-ret));
		strlist_clear(&hops);
		return -1;
	}
	at = dest ? normalize(dest) : NULL;
	if (!at && dest) {
		diag_add(d, DIAG_ERROR, dest, "destination outside the image");
		ret = -1;
	} else {
		for (size_t i = 0; !dest && i < hops.n; i++)
			if (add_source(m, r, hops.v[i], NULL, &hop, o, d) < 0)
				ret = -1;
		if (add_tree_at(m, r, real, at ? at : real, o, elf_src, elf_dest, d, 0) < 0)
			ret = -1;
	}
	free(at);
	free(real);
	strlist_clear(&hops);
	return ret;
}

int image_add_file(struct manifest *m, const struct root *r, const char *src,
		   const char *dest, bool follow, const char *why,
		   const struct image_opts *o, struct diags *d)
{
	struct mreason hop = text("symlink on the way"), because = text(why);
	struct strlist hops = STRLIST_INIT;
	char *real = NULL, *dir = NULL, *at = NULL;
	struct mentry *had;
	int ret;

	/* Without FOLLOW only the directories are resolved: the last
	 * component is taken as it is. */
	if (follow) {
		ret = root_resolve(r, src, NULL, &real, NULL, &hops);
	} else {
		char *parent = path_dirname(src);

		ret = root_resolve(r, parent, NULL, &dir, NULL, &hops);
		if (!ret)
			real = path_join(dir, path_basename(src));
		free(parent);
	}
	if (ret < 0) {
		diag_add(d, DIAG_ERROR, src, "%s", strerror(-ret));
		goto out;
	}
	at = dest ? normalize(dest) : NULL;
	ret = 0;
	for (size_t i = 0; i < hops.n; i++)
		if (add_source(m, r, hops.v[i], NULL, &hop, o, d) < 0)
			ret = -1;
	if (!strcmp(real, "/"))
		goto out;
	/* What the image holds there already (a generated /etc/passwd) stays. */
	if ((had = manifest_get(m, at ? at : real)))
		mentry_add_reason(m, had, &because);
	else if (add_source(m, r, real, at, &because, o, d) < 0)
		ret = -1;
out:
	free(at);
	free(dir);
	free(real);
	strlist_clear(&hops);
	return ret < 0 ? -1 : 0;
}

/* ---- plans ---- */

static bool packable(const struct elfobj *e, const struct image_plan_opts *o)
{
	if (e->kind == ELFOBJ_SELF || (e->soname && !strncmp(e->soname, "ld-", 3)))
		return false;	/* never the loader */
	if (e->kind == ELFOBJ_SHARED)
		return o->upx_libs;
	return e->kind == ELFOBJ_DYNAMIC_EXEC || e->kind == ELFOBJ_STATIC ||
	       e->kind == ELFOBJ_STATIC_PIE;
}

void image_plan(struct manifest *m, const struct root *r, struct elfcache *objs,
		const struct image_plan_opts *o)
{
	for (size_t i = 0; i < m->n; i++) {
		struct mentry *e = &m->v[i];
		struct elfobj *elf;
		struct stat st = { 0 };

		if (e->type != M_FILE)
			continue;
		st.st_dev = e->dev;
		st.st_ino = e->ino;
		if (!(elf = elfcache_find(objs, e->dev, e->ino)) &&
		    (!is_elf(r, e->src) || elfcache_get(objs, r, e->src, &st, &elf, NULL) < 0))
			continue;
		e->elf = true;
		e->floor = (off_t)elf->load_size;
		e->build_id = elf->build_id[0] ? arena_strdup(&m->arena, elf->build_id) : NULL;
		e->plan.strip = o->strip;
		e->plan.sections = o->sections && o->strip != STRIP_NONE;
		e->plan.debug = o->debug && o->strip != STRIP_NONE;
		e->plan.upx = o->upx && packable(elf, o);
	}
}
