/* image: what the image holds, decided from the walk; see image.h. */
#include <config.h>

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/image.h"

#define MAX_TREE_DEPTH 64

static void problem(struct image_problems *p, bool warning, const char *path,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct image_problems *p, bool warning, const char *path,
		    const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "%s\t", path);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (strlist_has(warning ? &p->warnings : &p->errors, sb.buf))
		strbuf_release(&sb);
	else
		strlist_take(warning ? &p->warnings : &p->errors, strbuf_detach(&sb));
}

void image_problems_release(struct image_problems *p)
{
	strlist_clear(&p->errors);
	strlist_clear(&p->warnings);
}

static const char *rel(const char *path)
{
	return path[0] == '/' && path[1] ? path + 1 : path[0] == '/' ? "." : path;
}

/* Directories above DEST, with the modes of the same directories in the
 * source root when they exist there (a /tmp stays 1777). */
static void add_parents(struct manifest *m, const struct root *r, const char *dest)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *s = strchr(dest + 1, '/'); s; s = strchr(s + 1, '/')) {
		struct mentry d = { .type = M_DIR, .mode = 0755, .why = "directory" };
		struct stat st;

		strbuf_reset(&sb);
		strbuf_add(&sb, dest, (size_t)(s - dest));
		if (manifest_get(m, sb.buf))
			continue;
		if (r && fstatat(r->fd, rel(sb.buf), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			d.mode = st.st_mode & 01777;
		d.path = sb.buf;
		manifest_add(m, &d, NULL);
	}
	strbuf_release(&sb);
}

/* Adds E.  A path whose directories pass through symlinks already in the
 * image (a DEST under /lib when /lib -> usr/lib) lands where the symlinks
 * lead, as it will be found in the container. */
static int add(struct manifest *m, const struct root *r, struct mentry *e,
	       struct image_problems *p)
{
	struct strbuf err = STRBUF_INIT;
	char *given = e->path, *path = manifest_resolve(m, e->path);
	int ret;

	if (!path || !manifest_path_ok(path)) {
		problem(p, false, given, !path ? "symlink loop in the image"
				       : !strcmp(path, "/") ? "the image's root itself cannot be added"
				       : "not a canonical absolute path in the image");
		free(path);
		return -1;
	}
	e->path = path;
	add_parents(m, strcmp(path, given) ? NULL : r, path);
	ret = manifest_add(m, e, &err);
	if (ret < 0)
		problem(p, false, given, "%s", err.buf);
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
		      const char *dest, const char *why, const struct image_opts *o,
		      struct image_problems *p)
{
	struct mentry e = { .path = (char *)(dest ? dest : src), .why = (char *)why };
	struct stat st;
	char *target = NULL;
	int ret;

	if (fstatat(r->fd, rel(src), &st, AT_SYMLINK_NOFOLLOW) < 0) {
		problem(p, false, src, "%s", strerror(errno));
		return -1;
	}
	e.mode = st.st_mode & 07777;
	if (S_ISLNK(st.st_mode)) {
		if (root_readlink(r, src, &target) < 0) {
			problem(p, false, src, "unreadable symlink");
			return -1;
		}
		e.type = M_LINK;
		e.target = target;
		e.mode = 0777;
	} else if (S_ISREG(st.st_mode)) {
		e.type = M_FILE;
		e.src = (char *)src;
		e.dev = st.st_dev;
		e.ino = st.st_ino;
		e.size = st.st_size;
		if ((e.mode & (S_ISUID | S_ISGID)) && !o->keep_setid) {
			e.mode &= ~(mode_t)(S_ISUID | S_ISGID);
			problem(p, true, src, "set-user-ID/set-group-ID bits dropped (--keep-setid keeps them)");
		}
	} else if (S_ISDIR(st.st_mode)) {
		e.type = M_DIR;
		e.mode &= 01777;
	} else {
		problem(p, false, src, "a device, FIFO or socket cannot go into an image");
		return -1;
	}
	ret = add(m, r, &e, p);
	free(target);
	return ret;
}

/* Adds PATHS (canonical source paths) at their own places. */
static int add_sources(struct manifest *m, const struct root *r,
		       const struct strlist *paths, const char *why,
		       const struct image_opts *o, struct image_problems *p)
{
	int ret = 0;

	for (size_t i = 0; i < paths->n; i++)
		if (add_source(m, r, paths->v[i], NULL, why, o, p) < 0)
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

/* The directory a moved object's $ORIGIN becomes. */
static char *new_origin(const char *new_path)
{
	return path_dirname(new_path);
}

/*
 * Where D goes when the object whose path list found it moved to a place
 * whose $ORIGIN is ORIGIN: its search directory template expanded again,
 * plus the rest of the path it was opened by.  NULL when it cannot move.
 */
static char *relocate(const struct program *prog, const struct dso *d,
		      const char *origin)
{
	struct strlist dirs = STRLIST_INIT;
	char *out = NULL, *joined;
	const char *rest;

	if (d->how == HOW_PATH) {
		if (prog->ldso->flavour == LIBC_GLIBC)
			search_expand_dst(d->how_tmpl, origin, prog->ldso->dst_lib,
					  &prog->ldso->platforms, &dirs);
		if (dirs.n)
			out = normalize(dirs.v[0]);
		strlist_clear(&dirs);
		return out;
	}
	rest = d->path + strlen(d->how_dir);
	if (prog->ldso->flavour == LIBC_MUSL) {
		char *dir = search_musl_rpath(d->how_tmpl, origin);

		if (dir)
			strlist_take(&dirs, dir);
	} else {
		search_expand_dst(d->how_tmpl, origin, prog->ldso->dst_lib,
				  &prog->ldso->platforms, &dirs);
	}
	if (dirs.n) {
		joined = xmalloc(strlen(dirs.v[0]) + strlen(rest) + 1);
		strcpy(joined, dirs.v[0]);
		strcat(joined, rest);
		out = normalize(joined);
		free(joined);
	}
	strlist_clear(&dirs);
	return out;
}

static char *reason(const struct dso *d)
{
	struct strbuf sb = STRBUF_INIT;

	if (d->why)
		strbuf_addstr(&sb, d->why);
	else if (d->is_interp)
		strbuf_addstr(&sb, "interpreter");
	else
		strbuf_addf(&sb, "%s (%s)", d->names.n ? d->names.v[0] : d->path,
			    search_how_name(d->how));
	if (d->loader)
		strbuf_addf(&sb, " for %s", d->loader->path);
	return strbuf_detach(&sb);
}

static int add_program(struct manifest *m, const struct walk *w,
		       const struct program *prog, const struct image_opts *o,
		       struct image_problems *p)
{
	char **moved = xcalloc(prog->n_dsos, sizeof(*moved));
	int ret = 0;

	for (size_t i = 0; i < prog->n_dsos; i++) {
		const struct dso *d = prog->dsos[i];
		char *why = reason(d);
		size_t owner = prog->n_dsos;

		if (d->is_main && prog->dest) {
			moved[i] = normalize(prog->dest);
			if (!moved[i] || !strcmp(moved[i], "/")) {
				problem(p, false, prog->dest, "destination outside the image");
				ret = -1;
			} else if (add_source(m, w->root, d->real, moved[i], "program", o, p) < 0) {
				ret = -1;
			}
			free(why);
			continue;
		}
		if (d->is_main) {
			free(why);
			why = xstrdup("program");
		}
		/* Who expanded the $ORIGIN that found it? */
		if (d->how_tmpl) {
			const struct dso *by = d->how == HOW_PATH ? d->loader : d->how_owner;

			for (owner = 0; owner < prog->n_dsos; owner++)
				if (prog->dsos[owner] == by)
					break;
		}
		if (owner < prog->n_dsos && moved[owner]) {
			char *origin = new_origin(moved[owner]);

			moved[i] = relocate(prog, d, origin);
			free(origin);
			if (!moved[i]) {
				problem(p, false, d->path,
					"cannot follow %s to its new place: '%s' leads outside the image",
					prog->dest, d->how_tmpl);
				ret = -1;
			} else if (add_source(m, w->root, d->real, moved[i], why, o, p) < 0) {
				ret = -1;
			}
			free(why);
			continue;
		}
		if (d->real) {
			struct strlist alts = STRLIST_INIT;

			if (add_sources(m, w->root, &d->hops, "symlink on the way", o, p) < 0 ||
			    add_source(m, w->root, d->real, NULL, why, o, p) < 0)
				ret = -1;
			for (size_t k = 0; k < d->alts.n; k++) {
				char *real = NULL;

				if (root_resolve(w->root, d->alts.v[k], NULL, &real, NULL,
						 &alts) == 0)
					strlist_take(&alts, real);
			}
			if (add_sources(m, w->root, &alts, "hwcaps variant", o, p) < 0)
				ret = -1;
			strlist_clear(&alts);
		}
		free(why);
	}
	for (size_t i = 0; i < prog->n_extras; i++) {
		const struct walk_extra *x = &prog->extras[i];
		struct strlist c = STRLIST_INIT;
		char *real = NULL;

		if (x->data) {
			struct mentry e = { .path = x->path, .type = M_DATA, .mode = 0644,
					    .data = x->data, .size = (off_t)x->len,
					    .why = x->why };

			if (add(m, NULL, &e, p) < 0)
				ret = -1;
			continue;
		}
		if (x->tree) {
			struct strlist src = STRLIST_INIT, dest = STRLIST_INIT;

			if (image_add_tree(m, w->root, x->path, NULL, o, &src, &dest, p) < 0)
				ret = -1;
			strlist_clear(&src);
			strlist_clear(&dest);
			continue;
		}
		if (root_resolve(w->root, x->path, NULL, &real, NULL, &c) == 0)
			strlist_take(&c, real);
		else
			problem(p, false, x->path, "needed (%s) but missing in the root", x->why);
		if (add_sources(m, w->root, &c, x->why, o, p) < 0)
			ret = -1;
		strlist_clear(&c);
	}
	for (size_t i = 0; i < prog->n_dsos; i++)
		free(moved[i]);
	free(moved);
	return ret;
}

int image_from_walk(struct manifest *m, const struct walk *w,
		    const struct image_opts *o, struct image_problems *p)
{
	int ret = 0;

	for (size_t i = 0; i < w->n_progs; i++)
		if (add_program(m, w, w->progs[i], o, p) < 0)
			ret = -1;
	if (o->base)
		image_add_base(m, p);
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

void image_add_base(struct manifest *m, struct image_problems *p)
{
	const char *why = "base files (--no-base leaves them out)";
	struct mentry e[] = {
		{ .path = "/etc", .type = M_DIR, .mode = 0755 },
		{ .path = "/etc/passwd", .type = M_DATA, .mode = 0644,
		  .data = (char *)passwd, .size = sizeof(passwd) - 1 },
		{ .path = "/etc/group", .type = M_DATA, .mode = 0644,
		  .data = (char *)group, .size = sizeof(group) - 1 },
		{ .path = "/tmp", .type = M_DIR, .mode = 01777 },
		{ .path = "/home", .type = M_DIR, .mode = 0755 },
		{ .path = "/home/nonroot", .type = M_DIR, .mode = 0700, .uid = 65532,
		  .gid = 65532 },
	};

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		struct mentry *old = manifest_get(m, e[i].path);

		e[i].why = (char *)why;
		/* A directory the programs need keeps existing, with the
		 * conventional mode. */
		if (old && old->type == M_DIR && e[i].type == M_DIR) {
			old->mode = e[i].mode;
			old->uid = e[i].uid;
			old->gid = e[i].gid;
			continue;
		}
		if (old) {
			problem(p, false, e[i].path,
				"a base file goes here, but the image already holds %s%s%s (--without base leaves the base files out)",
				old->type == M_DIR ? "a directory" : "a file",
				old->src ? " from " : "", old->src ? old->src : "");
			continue;
		}
		manifest_add(m, &e[i], NULL);
	}
}

static bool is_elf(const struct root *r, const char *real)
{
	char magic[SELFMAG];
	int fd = root_open_file(r, real);
	bool ret;

	if (fd < 0)
		return false;
	ret = read(fd, magic, SELFMAG) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG);
	close(fd);
	return ret;
}

static int add_tree_at(struct manifest *m, const struct root *r, const char *src,
		       const char *dest, const struct image_opts *o,
		       struct strlist *elf_src, struct strlist *elf_dest,
		       struct image_problems *p, unsigned depth)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	struct strlist names = STRLIST_INIT;
	int fd, ret;

	if (depth > MAX_TREE_DEPTH) {
		problem(p, false, src, "directory tree deeper than %d levels", MAX_TREE_DEPTH);
		return -1;
	}
	ret = add_source(m, r, src, dest, "added with --add", o, p);
	if (ret < 0 || fstatat(r->fd, rel(src), &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISREG(st.st_mode) && is_elf(r, src)) {
		strlist_add(elf_src, src);
		strlist_add(elf_dest, dest);
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	fd = openat(r->fd, rel(src), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		problem(p, false, src, "%s", strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strlist_add(&names, de->d_name);
	closedir(dir);
	strlist_sort_uniq(&names);
	for (size_t i = 0; i < names.n; i++) {
		char *s = path_join(src, names.v[i]), *d = path_join(dest, names.v[i]);

		if (add_tree_at(m, r, s, d, o, elf_src, elf_dest, p, depth + 1) < 0)
			ret = -1;
		free(s);
		free(d);
	}
	strlist_clear(&names);
	return ret;
}

int image_add_tree(struct manifest *m, const struct root *r, const char *src,
		   const char *dest, const struct image_opts *o,
		   struct strlist *elf_src, struct strlist *elf_dest,
		   struct image_problems *p)
{
	struct strlist hops = STRLIST_INIT;
	char *real = NULL, *d;
	int ret;

	/* The path given is resolved (its symlinks kept when it lands at its
	 * own place); what lies below it is copied as it is. */
	ret = root_resolve(r, src, NULL, &real, NULL, &hops);
	if (ret < 0) {
		problem(p, false, src, "%s", strerror(-ret));
		strlist_clear(&hops);
		return -1;
	}
	d = dest ? normalize(dest) : NULL;
	if (!d && dest) {
		problem(p, false, dest, "destination outside the image");
		ret = -1;
	} else {
		if (!dest && add_sources(m, r, &hops, "symlink on the way", o, p) < 0)
			ret = -1;
		if (add_tree_at(m, r, real, d ? d : real, o, elf_src, elf_dest, p, 0) < 0)
			ret = -1;
	}
	free(d);
	free(real);
	strlist_clear(&hops);
	return ret;
}
