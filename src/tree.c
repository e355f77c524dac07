/* tree: the manifest as a directory, built aside and renamed in; see tree.h. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "scratchroot/tree.h"


#define COPY_CHUNK (1u << 30)

static int open_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, path, flags | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : (int)fd;
}

int tree_remove(int dfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd, ret = 0;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	/* A read-only directory of the tree (from --add) must open up to be
	 * emptied; it is our own temporary tree. */
	fchmodat(dfd, name, S_IRWXU, 0);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			int r = tree_remove(dirfd(d), de->d_name);

			if (r < 0)
				ret = r;
		}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && !ret)
		ret = -errno;
	return ret;
}

/* Copies all of SRC to DST: copy_file_range first, plain read/write when
 * the kernel or filesystem cannot. */
static int copy_bytes(int src, int dst, off_t size)
{
	char buf[65536];
	off_t done = 0;

	while (done < size) {
		ssize_t n = copy_file_range(src, NULL, dst, NULL,
					    (size_t)(size - done) < COPY_CHUNK
						    ? (size_t)(size - done) : COPY_CHUNK, 0);
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
			      errno == EOPNOTSUPP))
			break;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* the file shrank */
		done += n;
	}
	while (done < size) {
		ssize_t n = read(src, buf, sizeof(buf)), w = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		while (w < n) {
			ssize_t k = write(dst, buf + w, (size_t)(n - w));

			if (k < 0)
				return -errno;
			w += k;
		}
		done += n;
	}
	return 0;
}

struct writer {
	const struct root *r;
	int top;		/* fd of the temporary tree */
	int parent;		/* fd of the directory last written into */
	char *parent_path;
	const struct tree_opts *o;
	struct tree_stats st;
	bool root;		/* running as root: owners can be set */
	struct strbuf *err;
};

/* The fd of PATH's parent directory in the temporary tree, and its base. */
static int parent_of(struct writer *w, const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t n = (size_t)(slash - path);
	char *dir;
	int fd;

	*base = slash + 1;
	if (w->parent >= 0 && strlen(w->parent_path) == n &&
	    !strncmp(w->parent_path, path, n))
		return w->parent;
	dir = n ? xstrndup(path + 1, n - 1) : xstrdup(".");
	fd = open_beneath(w->top, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		free(dir);
		return fd;
	}
	if (w->parent >= 0)
		close(w->parent);
	free(w->parent_path);
	w->parent = fd;
	w->parent_path = xstrndup(path, n);
	free(dir);
	return fd;
}

static int write_file(struct writer *w, const struct mentry *e, int pfd,
		      const char *base)
{
	int src = -1, dst, ret = 0;

	dst = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst < 0)
		return seterr(w->err, -errno, "'%s': %s", e->path, strerror(errno));
	if (e->type == M_DATA) {
		ssize_t n = write(dst, e->data, (size_t)e->size);

		if (n != e->size)
			ret = seterr(w->err, n < 0 ? -errno : -EIO, "'%s': write failed",
				     e->path);
		goto out;
	}
	src = mentry_open(e, w->r, w->err);
	if (src < 0) {
		ret = src;
		goto out;
	}
	ret = copy_bytes(src, dst, e->size);
	if (ret < 0)
		seterr(w->err, ret, "'%s': copy failed: %s", e->src, strerror(-ret));
	w->st.bytes += (unsigned long long)e->size;
out:
	if (!ret && w->root && fchown(dst, e->uid, e->gid) < 0)
		ret = seterr(w->err, -errno, "'%s': %s", e->path, strerror(errno));
	if (!ret && fchmod(dst, e->mode) < 0)
		ret = seterr(w->err, -errno, "'%s': %s", e->path, strerror(errno));
	if (!ret) {
		struct timespec ts[2] = { { w->o->mtime, 0 }, { w->o->mtime, 0 } };

		if (futimens(dst, ts) < 0)
			ret = seterr(w->err, -errno, "'%s': %s", e->path, strerror(errno));
	}
	if (src >= 0)
		close(src);
	if (close(dst) < 0 && !ret)
		ret = seterr(w->err, -errno, "'%s': %s", e->path, strerror(errno));
	w->st.files++;
	return ret;
}

static int write_entry(struct writer *w, const struct mentry *e)
{
	struct timespec ts[2] = { { w->o->mtime, 0 }, { w->o->mtime, 0 } };
	const char *base;
	int pfd = parent_of(w, e->path, &base);

	if (pfd < 0)
		return seterr(w->err, pfd, "'%s': parent directory: %s", e->path,
			      strerror(-pfd));
	switch (e->type) {
	case M_DIR:
		w->st.dirs++;
		if (mkdirat(pfd, base, 0700) < 0)
			return seterr(w->err, -errno, "'%s': %s", e->path, strerror(errno));
		return 0;	/* mode, owner and mtime once its contents exist */
	case M_LINK:
		w->st.links++;
		if (symlinkat(e->target, pfd, base) < 0 ||
		    (w->root && fchownat(pfd, base, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0) ||
		    utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return seterr(w->err, -errno, "'%s': %s", e->path, strerror(errno));
		return 0;
	case M_FILE:
	case M_DATA:
		return write_file(w, e, pfd, base);
	}
	return -EINVAL;
}

/* Directory modes, owners and mtimes, deepest first, once all is written. */
static int finish_dirs(struct writer *w, const struct manifest *m)
{
	struct timespec ts[2] = { { w->o->mtime, 0 }, { w->o->mtime, 0 } };

	for (size_t i = m->n; i-- > 0;) {
		const struct mentry *e = &m->v[i];
		const char *base;
		int pfd;

		if (e->type != M_DIR)
			continue;
		pfd = parent_of(w, e->path, &base);
		if (pfd < 0 ||
		    (w->root && fchownat(pfd, base, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0) ||
		    fchmodat(pfd, base, e->mode, 0) < 0 ||
		    utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return seterr(w->err, pfd < 0 ? pfd : -errno, "'%s': %s", e->path,
				      strerror(pfd < 0 ? -pfd : errno));
	}
	if (fchmod(w->top, 0755) < 0 || futimens(w->top, ts) < 0)
		return seterr(w->err, -errno, "%s", strerror(errno));
	return 0;
}

void tree_remove_stale(int pfd, const char *name)
{
	struct dirent *de;
	size_t n = strlen(name);
	int fd = dup(pfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		const char *s = de->d_name;
		long pid;

		if (s[0] != '.' || strncmp(s + 1, name, n) ||
		    strncmp(s + 1 + n, ".scratchroot-", 13))
			continue;
		pid = strtol(s + 1 + n + 13, NULL, 10);
		if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			tree_remove(pfd, s);
	}
	closedir(d);
}

/* Whether DIR (under PFD, named NAME) may be written: absent, or an empty
 * directory, or any directory with --force.  Never a symlink. */
static int check_target(int pfd, const char *name, const char *dir, bool force,
			bool *exists, struct strbuf *err)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd;
	bool empty = true;

	*exists = false;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return seterr(err, -errno, "'%s': %s", dir, strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return seterr(err, -ELOOP, "'%s': is a symlink; give the directory it points to",
			      dir);
	if (!S_ISDIR(st.st_mode))
		return seterr(err, -ENOTDIR, "'%s': exists and is not a directory", dir);
	*exists = true;
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return seterr(err, -errno, "'%s': %s", dir, strerror(errno));
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	if (!empty && !force)
		return seterr(err, -ENOTEMPTY,
			      "'%s': not empty (--force replaces it, atomically)", dir);
	return 0;
}

int tree_write(const struct manifest *m, const struct root *r, const char *dir,
	       const struct tree_opts *o, struct tree_stats *stats,
	       struct strbuf *err)
{
	struct writer w = { .r = r, .top = -1, .parent = -1, .o = o, .err = err };
	char *trimmed = xstrdup(dir), *parent, *name;
	char tmp[NAME_MAX + 1];
	bool exists, made = false;
	int pfd, ret;

	for (size_t n = strlen(trimmed); n > 1 && trimmed[n - 1] == '/'; n--)
		trimmed[n - 1] = '\0';
	parent = path_dirname(trimmed);
	name = xstrdup(path_basename(trimmed));
	free(trimmed);
	w.root = geteuid() == 0;
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "/")) {
		ret = seterr(err, -EINVAL, "'%s': give a directory name to create", dir);
		goto out_noparent;
	}
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0) {
		ret = seterr(err, -errno, "'%s': %s", parent, strerror(errno));
		goto out_noparent;
	}
	ret = check_target(pfd, name, dir, o->force, &exists, err);
	if (ret < 0)
		goto out;
	tree_remove_stale(pfd, name);
	if (snprintf(tmp, sizeof(tmp), ".%s.scratchroot-%ld-XXXXXX", name,
		     (long)getpid()) >= (int)sizeof(tmp)) {
		ret = seterr(err, -ENAMETOOLONG, "'%s': name too long", dir);
		goto out;
	}
	{
		/* mkdtemp needs a path: build it from the parent's fd. */
		char path[PATH_MAX + 32];

		snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", pfd, tmp);
		if (!mkdtemp(path)) {
			ret = seterr(err, -errno, "'%s': cannot create a temporary directory: %s",
				     parent, strerror(errno));
			goto out;
		}
		memcpy(tmp, path + strlen(path) - strlen(tmp), strlen(tmp) + 1);
	}
	made = true;
	w.top = openat(pfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w.top < 0) {
		ret = seterr(err, -errno, "%s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < m->n; i++) {
		if (sr_interrupted) {
			ret = seterr(err, -EINTR, "'%s': interrupted", dir);
			goto out;
		}
		ret = write_entry(&w, &m->v[i]);
		if (ret < 0)
			goto out;
	}
	ret = finish_dirs(&w, m);
	if (ret < 0 || (sr_interrupted && (ret = seterr(err, -EINTR, "'%s': interrupted", dir))))
		goto out;
	if (fsync(w.top) < 0) {
		ret = seterr(err, -errno, "%s", strerror(errno));
		goto out;
	}
	/* The one step that makes the tree appear: a rename over an absent or
	 * empty DIR, or an exchange with a full one (--force). */
	if (exists && o->force) {
		if (syscall(SYS_renameat2, pfd, tmp, pfd, name, RENAME_EXCHANGE) < 0) {
			ret = seterr(err, -errno, "'%s': %s", dir, strerror(errno));
			goto out;
		}
	} else if (renameat(pfd, tmp, pfd, name) < 0) {
		ret = seterr(err, -errno, "'%s': %s", dir, strerror(errno));
		goto out;
	}
	if (!(exists && o->force))
		made = false;
	ret = 0;
	w.st.owners_kept = w.root;
	if (stats)
		*stats = w.st;
out:
	if (w.parent >= 0)
		close(w.parent);
	if (w.top >= 0)
		close(w.top);
	if (made)
		tree_remove(pfd, tmp);	/* a failed tree, or the replaced one */
	close(pfd);
out_noparent:
	free(w.parent_path);
	free(parent);
	free(name);
	return ret;
}
