/* root: chroot-style path resolution inside a directory fd; see root.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/root.h"

struct root {
	int fd;			/* O_PATH|O_DIRECTORY fd of the root */
	char *path;		/* as given, for messages; "/" for the host */
	struct strmap *dirs;	/* resolved directories, by spelling */
	struct strmap *files;	/* resolved paths, by spelling */
	struct strmap *stats;	/* lstat of canonical paths */
	struct strmap *links;	/* symlink targets, by canonical path */
	struct dirfds *open;	/* the directories opened last */
};

/* The remembered resolution of one spelling of a path. */
struct dirent_ {
	int err;		/* 0 or the -errno of resolving it */
	char *real;		/* canonical path when err == 0 */
	struct stat st;		/* its lstat when err == 0 */
	struct strlist hops;
};

/* A few directories kept open (O_PATH), by canonical path: a search probes
 * the same ones name after name. */
#define OPEN_DIRS 16
struct dirfds {
	struct {
		char *real;
		int fd;
		unsigned long used;
	} v[OPEN_DIRS];
	unsigned long clock;
};

/* The entry of KEY in cache M; *fresh tells whether it is new (to fill). */
static struct dirent_ *cached(struct strmap *m, const char *key, bool *fresh)
{
	void **slot = strmap_put(m, key);

	*fresh = !*slot;
	if (!*slot)
		*slot = xcalloc(1, sizeof(struct dirent_));
	return *slot;
}

static void dirent_free(void *p)
{
	struct dirent_ *e = p;

	free(e->real);
	strlist_clear(&e->hops);
	free(e);
}

static void cache_free(struct strmap *m, void (*free_val)(void *))
{
	if (!m)
		return;
	strmap_clear(m, free_val);
	free(m);
}

int root_open(const char *dir, struct root **ret, struct strbuf *err)
{
	struct stat st;
	struct root *r;
	int fd;

	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (e == ENOTDIR || (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)))
			return seterr(err, -ENOTDIR, "not a directory");
		return seterr(err, -e, "%s", strerror(e));
	}
	r = xcalloc(1, sizeof(*r));
	r->dirs = xcalloc(1, sizeof(*r->dirs));
	r->files = xcalloc(1, sizeof(*r->files));
	r->stats = xcalloc(1, sizeof(*r->stats));
	r->links = xcalloc(1, sizeof(*r->links));
	r->open = xcalloc(1, sizeof(*r->open));
	for (size_t i = 0; i < OPEN_DIRS; i++)
		r->open->v[i].fd = -1;
	r->fd = fd;
	r->path = xstrdup(dir);
	*ret = r;
	return 0;
}

void root_free(struct root *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	for (size_t i = 0; i < OPEN_DIRS; i++) {
		if (r->open->v[i].fd >= 0)
			close(r->open->v[i].fd);
		free(r->open->v[i].real);
	}
	free(r->open);
	free(r->path);
	cache_free(r->dirs, dirent_free);
	cache_free(r->files, dirent_free);
	cache_free(r->stats, free);
	cache_free(r->links, free);
	free(r);
}

const char *root_path(const struct root *r)
{
	return r->path;
}


/* A borrowed O_PATH fd of the canonical directory DIR ("" or "/" is the
 * root), or -errno. */
static int dir_fd(const struct root *r, const char *dir)
{
	struct dirfds *o = r->open;
	size_t victim = 0;
	int fd;

	if (!dir[0] || !strcmp(dir, "/"))
		return r->fd;
	for (size_t i = 0; i < OPEN_DIRS; i++) {
		if (o->v[i].real && !strcmp(o->v[i].real, dir)) {
			o->v[i].used = ++o->clock;
			return o->v[i].fd;
		}
		if (o->v[i].used < o->v[victim].used)
			victim = i;
	}
	fd = open_beneath(r->fd, dir + 1, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	if (o->v[victim].fd >= 0)
		close(o->v[victim].fd);
	free(o->v[victim].real);
	o->v[victim].real = xstrdup(dir);
	o->v[victim].fd = fd;
	o->v[victim].used = ++o->clock;
	return fd;
}

/* The parent's fd and the last component of canonical path REAL ("" for
 * the root itself, whose fd is returned). */
static int parent_fd(const struct root *r, const char *real, const char **base)
{
	const char *slash = strrchr(real, '/');
	char *dir;
	int fd;

	if (!slash || (slash == real && !slash[1])) {
		*base = "";
		return r->fd;
	}
	*base = slash + 1;
	if (slash == real)
		return r->fd;
	dir = xstrndup(real, (size_t)(slash - real));
	fd = dir_fd(r, dir);
	free(dir);
	return fd;
}

/* The lstat of canonical path REAL, remembered for the decide step, which
 * looks at every file and symlink a resolution went through. */
static int lstat_beneath(const struct root *r, const char *real, struct stat *st)
{
	const struct stat *known = strmap_get(r->stats, real);
	struct stat *copy;
	const char *base;
	int pfd;

	if (known) {
		*st = *known;
		return 0;
	}
	pfd = parent_fd(r, real, &base);
	if (pfd < 0)
		return pfd;
	if ((*base ? fstatat(pfd, base, st, AT_SYMLINK_NOFOLLOW) : fstat(pfd, st)) < 0)
		return -errno;
	copy = xmalloc(sizeof(*copy));
	*copy = *st;
	*strmap_put(r->stats, real) = copy;
	return 0;
}

static int readlink_beneath(const struct root *r, const char *real, struct strbuf *out)
{
	const char *known = strmap_get(r->links, real), *base;
	int pfd;
	ssize_t len;

	if (known) {
		strbuf_reset(out);
		strbuf_addstr(out, known);
		return 0;
	}
	pfd = parent_fd(r, real, &base);
	if (pfd < 0)
		return pfd;
	if (!*base)
		return -EINVAL;
	strbuf_reset(out);
	strbuf_grow(out, PATH_MAX);
	len = readlinkat(pfd, base, out->buf, PATH_MAX);
	if (len < 0)
		return -errno;
	if (len == 0 || len >= PATH_MAX)
		return len ? -ENAMETOOLONG : -ENOENT;
	strbuf_setlen(out, (size_t)len);
	*strmap_put(r->links, real) = xstrdup(out->buf);
	return 0;
}

/* A resolution under way: CUR the canonical path reached, REST what is
 * left of the path from POS. */
struct walker {
	const struct root *r;
	struct strbuf cur, rest, link;
	size_t pos;
	unsigned nhops;
	struct strlist *hops;
};

/* The symlink at CUR (its parent was SAVED bytes long): its target takes
 * its place in the rest of the path, restarting at the root when
 * absolute. */
static int follow_link(struct walker *w, size_t saved)
{
	int ret;

	if (++w->nhops > ROOT_MAX_HOPS)
		return -ELOOP;
	if (w->hops)
		strlist_addn(w->hops, w->cur.buf, w->cur.len);
	if ((ret = readlink_beneath(w->r, w->cur.buf, &w->link)) < 0)
		return ret;
	strbuf_addch(&w->link, '/');
	strbuf_add(&w->link, w->rest.buf + w->pos, w->rest.len - w->pos);
	strbuf_reset(&w->rest);
	strbuf_add(&w->rest, w->link.buf, w->link.len);
	w->pos = 0;
	strbuf_setlen(&w->cur, w->link.buf[0] == '/' ? 0 : saved);
	return 0;
}

/* Goes one component (COMP, N bytes) further; *ST gets its lstat. */
static int step(struct walker *w, const char *comp, size_t n, struct stat *st)
{
	size_t saved = w->cur.len;
	int ret;

	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	strbuf_addch(&w->cur, '/');
	strbuf_add(&w->cur, comp, n);
	if (w->cur.len >= PATH_MAX)
		return -ENAMETOOLONG;
	if ((ret = lstat_beneath(w->r, w->cur.buf, st)) < 0)
		return ret;
	if (S_ISLNK(st->st_mode))
		return follow_link(w, saved);
	if (w->pos < w->rest.len && !S_ISDIR(st->st_mode))
		return -ENOTDIR;
	return 0;
}

/* Resolves PATH starting from the canonical directory START ("" = root),
 * whose stat is START_ST when the caller has it.  Every component is looked
 * at in its own directory, opened beneath the root. */
static int resolve_from(const struct root *r, const char *start, const struct stat *start_st,
			const char *path, char **ret_real, struct stat *ret_st,
			struct strlist *hops)
{
	struct walker w = { .r = r, .cur = STRBUF_INIT, .rest = STRBUF_INIT,
			    .link = STRBUF_INIT, .hops = hops };
	struct stat st;
	int ret = 0;

	strbuf_addstr(&w.cur, start);
	strbuf_addstr(&w.rest, path);
	if (start_st)
		st = *start_st;
	else
		ret = lstat_beneath(r, w.cur.buf, &st);
	while (!ret && w.pos < w.rest.len) {
		const char *comp = w.rest.buf + w.pos;
		size_t n = strcspn(comp, "/");

		w.pos += n;
		while (w.pos < w.rest.len && w.rest.buf[w.pos] == '/')
			w.pos++;
		if (n == 0 || (n == 1 && comp[0] == '.'))
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			char *slash = strrchr(w.cur.buf, '/');

			if (slash)
				strbuf_setlen(&w.cur, (size_t)(slash - w.cur.buf));
			continue;
		}
		ret = step(&w, comp, n, &st);
	}
	if (!ret && !w.cur.len) {
		strbuf_addch(&w.cur, '/');
		if (fstat(r->fd, &st) < 0)
			ret = -errno;
	}
	if (!ret && ret_st)
		*ret_st = st;
	if (!ret && ret_real)
		*ret_real = strbuf_detach(&w.cur);
	strbuf_release(&w.cur);
	strbuf_release(&w.rest);
	strbuf_release(&w.link);
	return ret;
}

/* The resolution of directory DIR, from the cache or resolved now. */
static const struct dirent_ *resolve_dir(const struct root *r, const char *dir)
{
	bool fresh;
	struct dirent_ *e = cached(r->dirs, dir, &fresh);

	if (!fresh)
		return e;
	e->err = resolve_from(r, "", NULL, dir, &e->real, &e->st, &e->hops);
	if (!e->err && !S_ISDIR(e->st.st_mode))
		e->err = -ENOTDIR;
	return e;
}

/* Resolves the absolute path FULL (modified), its directory through the
 * directory cache.  *IN_MISSING tells that its directory does not resolve:
 * nothing about the file is worth remembering then. */
static int resolve_full(const struct root *r, char *full, char **ret_real,
			struct stat *ret_st, struct strlist *hops, bool *in_missing)
{
	char *slash = strrchr(full, '/');
	const struct dirent_ *d;
	int ret;

	*in_missing = false;
	if (slash == full || !slash[1]) {
		ret = resolve_from(r, "", NULL, full, ret_real, ret_st, hops);
		/* "file/" names a directory, as the kernel reads it. */
		if (!ret && slash[0] && !slash[1] && slash != full && ret_st &&
		    !S_ISDIR(ret_st->st_mode))
			ret = -ENOTDIR;
		return ret;
	}
	/* Resolve the directory once per spelling, then the last component. */
	*slash = '\0';
	d = resolve_dir(r, full);
	*slash = '/';
	if (hops)
		for (size_t i = 0; i < d->hops.n; i++)
			strlist_add(hops, d->hops.v[i]);
	ret = d->err;
	*in_missing = ret != 0;
	if (!ret)
		ret = resolve_from(r, strcmp(d->real, "/") ? d->real : "", &d->st, slash + 1,
				   ret_real, ret_st, hops);
	return ret;
}

int root_resolve(const struct root *r, const char *path, const char *cwd,
		 char **ret_real, struct stat *ret_st, struct strlist *hops)
{
	struct strbuf full = STRBUF_INIT;
	struct dirent_ *e = NULL, miss = { 0 };
	bool in_missing;

	if (!*path)
		return -ENOENT;
	if (path[0] != '/') {
		strbuf_addstr(&full, cwd && *cwd ? cwd : "/");
		strbuf_addch(&full, '/');
	}
	strbuf_addstr(&full, path);
	/* Library searches ask for the same paths program after program; a
	 * path in a directory that is not there costs no memory (a hostile
	 * RPATH can name a million). */
	e = strmap_get(r->files, full.buf);
	if (!e) {
		miss.err = resolve_full(r, full.buf, &miss.real, &miss.st, &miss.hops, &in_missing);
		if (in_missing) {
			e = &miss;
		} else {
			bool fresh;

			e = cached(r->files, full.buf, &fresh);
			*e = miss;
		}
	}
	strbuf_release(&full);
	if (hops)
		for (size_t i = 0; i < e->hops.n; i++)
			strlist_add(hops, e->hops.v[i]);
	if (!e->err) {
		if (ret_real)
			*ret_real = xstrdup(e->real);
		if (ret_st)
			*ret_st = e->st;
	}
	if (e == &miss) {
		free(miss.real);
		strlist_clear(&miss.hops);
	}
	return e->err;
}

int root_dir_exists(const struct root *r, const char *dir)
{
	struct strbuf full = STRBUF_INIT;
	int err;

	if (dir[0] != '/')
		strbuf_addch(&full, '/');
	strbuf_addstr(&full, dir);
	for (size_t n = full.len; n > 1 && full.buf[n - 1] == '/'; n--)
		strbuf_setlen(&full, n - 1);
	err = full.len == 1 ? 0 : resolve_dir(r, full.buf)->err;
	strbuf_release(&full);
	return err;
}

int root_open_file(const struct root *r, const char *real)
{
	const char *p = real[0] == '/' ? real + 1 : real;

	/* O_NONBLOCK: a FIFO put in place of a file never blocks us. */
	return open_beneath(r->fd, *p ? p : ".", O_RDONLY | O_NONBLOCK);
}

int root_readlink(const struct root *r, const char *real, char **ret)
{
	struct strbuf sb = STRBUF_INIT;
	int e = readlink_beneath(r, real, &sb);

	if (e < 0) {
		strbuf_release(&sb);
		return e;
	}
	*ret = strbuf_detach(&sb);
	return 0;
}

int root_lstat(const struct root *r, const char *real, struct stat *st)
{
	return lstat_beneath(r, real, st);
}

int root_list_dir(const struct root *r, const char *real, struct strlist *out)
{
	const char *base;
	int pfd = parent_fd(r, real, &base), fd, ret;

	if (pfd < 0)
		return pfd;
	fd = *base ? openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
		   : openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -ENOTDIR : -errno;
	ret = dir_list(fd, out);
	close(fd);
	return ret;
}

int root_read_file(const struct root *r, const char *path, size_t max,
		   char **ret_buf, size_t *ret_len, struct strlist *hops)
{
	char *real = NULL;
	struct stat st;
	int fd, ret;

	ret = root_resolve(r, path, NULL, &real, &st, hops);
	if (ret < 0)
		return ret;
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	fd = root_open_file(r, real);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	ret = read_file_fd(fd, max, ret_buf, ret_len);
	close(fd);
out:
	free(real);
	return ret;
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *path_join(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(dir);

	strbuf_add(&sb, dir, n);
	if (!n || dir[n - 1] != '/')
		strbuf_addch(&sb, '/');
	while (*name == '/')
		name++;
	strbuf_addstr(&sb, name);
	return strbuf_detach(&sb);
}
