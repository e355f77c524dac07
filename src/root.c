/* root: chroot-style path resolution inside a directory fd; see root.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "scratchroot/root.h"

/* The remembered resolution of one spelling of a path. */
struct dirent_ {
	int err;		/* 0 or the -errno of resolving it */
	char *real;		/* canonical path when err == 0 */
	struct stat st;		/* its lstat when err == 0 */
	struct strlist hops;
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

static void cache_free(struct strmap *m)
{
	if (!m)
		return;
	strmap_clear(m, dirent_free);
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
	free(r->path);
	cache_free(r->dirs);
	cache_free(r->files);
	free(r);
}

/* The root-relative spelling of canonical path CUR ("" is the root itself). */
static const char *rel(const struct strbuf *cur)
{
	return cur->len ? cur->buf + 1 : ".";
}

/* Resolves REST starting from the canonical directory START ("" = root),
 * whose stat is START_ST when the caller has it. */
static int resolve_from(const struct root *r, const char *start, const struct stat *start_st,
			const char *path, char **ret_real, struct stat *ret_st,
			struct strlist *hops)
{
	struct strbuf cur = STRBUF_INIT, rest = STRBUF_INIT, link = STRBUF_INIT;
	struct stat st;
	unsigned nhops = 0;
	size_t pos = 0;
	int ret = 0;

	strbuf_addstr(&cur, start);
	strbuf_addstr(&rest, path);
	if (start_st)
		st = *start_st;
	else if (fstatat(r->fd, rel(&cur), &st, 0) < 0) {
		ret = -errno;
		goto out;
	}

	while (pos < rest.len) {
		const char *comp = rest.buf + pos;
		size_t n = strcspn(comp, "/"), saved;

		pos += n;
		while (pos < rest.len && rest.buf[pos] == '/')
			pos++;
		if (n == 0 || (n == 1 && comp[0] == '.'))
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			char *slash = strrchr(cur.buf, '/');

			if (slash)
				strbuf_setlen(&cur, (size_t)(slash - cur.buf));
			continue;
		}
		if (n > NAME_MAX) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		saved = cur.len;
		strbuf_addch(&cur, '/');
		strbuf_add(&cur, comp, n);
		if (cur.len >= PATH_MAX) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		if (fstatat(r->fd, rel(&cur), &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = -errno;
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t len;

			if (++nhops > ROOT_MAX_HOPS) {
				ret = -ELOOP;
				goto out;
			}
			if (hops)
				strlist_addn(hops, cur.buf, cur.len);
			strbuf_reset(&link);
			strbuf_grow(&link, PATH_MAX);
			len = readlinkat(r->fd, rel(&cur), link.buf, PATH_MAX);
			if (len < 0) {
				ret = -errno;
				goto out;
			}
			if (len == 0 || len >= PATH_MAX) {
				ret = len ? -ENAMETOOLONG : -ENOENT;
				goto out;
			}
			strbuf_setlen(&link, (size_t)len);
			/* The target replaces this component in the rest of the path. */
			strbuf_addch(&link, '/');
			strbuf_add(&link, rest.buf + pos, rest.len - pos);
			strbuf_reset(&rest);
			strbuf_add(&rest, link.buf, link.len);
			pos = 0;
			strbuf_setlen(&cur, link.buf[0] == '/' ? 0 : saved);
			continue;
		}
		if (pos < rest.len && !S_ISDIR(st.st_mode)) {
			ret = -ENOTDIR;
			goto out;
		}
	}
	if (!cur.len) {
		strbuf_addch(&cur, '/');
		if (fstatat(r->fd, ".", &st, 0) < 0) {
			ret = -errno;
			goto out;
		}
	}
	if (ret_st)
		*ret_st = st;
	if (ret_real)
		*ret_real = strbuf_detach(&cur);
out:
	strbuf_release(&cur);
	strbuf_release(&rest);
	strbuf_release(&link);
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
 * directory cache. */
static int resolve_full(const struct root *r, char *full, char **ret_real,
			struct stat *ret_st, struct strlist *hops)
{
	char *slash = strrchr(full, '/');
	const struct dirent_ *d;
	int ret;

	if (slash == full || !slash[1])
		return resolve_from(r, "", NULL, full, ret_real, ret_st, hops);
	/* Resolve the directory once per spelling, then the last component. */
	*slash = '\0';
	d = resolve_dir(r, full);
	*slash = '/';
	if (hops)
		for (size_t i = 0; i < d->hops.n; i++)
			strlist_add(hops, d->hops.v[i]);
	ret = d->err;
	if (!ret)
		ret = resolve_from(r, strcmp(d->real, "/") ? d->real : "", &d->st, slash + 1,
				   ret_real, ret_st, hops);
	return ret;
}

int root_resolve(const struct root *r, const char *path, const char *cwd,
		 char **ret_real, struct stat *ret_st, struct strlist *hops)
{
	struct strbuf full = STRBUF_INIT;
	struct dirent_ *e;
	bool fresh;

	if (!*path)
		return -ENOENT;
	if (path[0] != '/') {
		strbuf_addstr(&full, cwd && *cwd ? cwd : "/");
		strbuf_addch(&full, '/');
	}
	strbuf_addstr(&full, path);
	/* Library searches ask for the same paths program after program. */
	e = cached(r->files, full.buf, &fresh);
	if (fresh)
		e->err = resolve_full(r, full.buf, &e->real, &e->st, &e->hops);
	strbuf_release(&full);
	if (hops)
		for (size_t i = 0; i < e->hops.n; i++)
			strlist_add(hops, e->hops.v[i]);
	if (e->err)
		return e->err;
	if (ret_real)
		*ret_real = xstrdup(e->real);
	if (ret_st)
		*ret_st = e->st;
	return 0;
}

int root_open_file(const struct root *r, const char *real)
{
	struct open_how how = {
		/* O_NONBLOCK: a FIFO put in place of a file never blocks us. */
		.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	const char *p = real[0] == '/' ? real + 1 : real;
	long fd;

	if (!*p)
		p = ".";
	fd = syscall(SYS_openat2, r->fd, p, &how, sizeof(how));
	if (fd >= 0)
		return (int)fd;
	if (errno != ENOSYS)
		return -errno;
	/* Kernels before 5.6: REAL has no symlinks (root_resolve made it), so
	 * O_NOFOLLOW on the last component is the remaining guard. */
	fd = openat(r->fd, p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	return fd < 0 ? -errno : (int)fd;
}

int root_readlink(const struct root *r, const char *real, char **ret)
{
	char buf[PATH_MAX];
	ssize_t n = readlinkat(r->fd, real[0] == '/' ? real + 1 : real, buf,
			       sizeof(buf));

	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	*ret = xstrndup(buf, (size_t)n);
	return 0;
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
