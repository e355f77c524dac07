/* tree: the manifest as a directory, built aside and renamed in; see tree.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/tree.h"


#define COPY_CHUNK (1u << 30)


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
	const struct manifest *m;
	const struct root *r;
	int top;		/* fd of the tree */
	const char *name;	/* the tree, for messages */
	int parent;		/* fd of the directory last written into */
	char *parent_path;
	time_t mtime;
	struct tree_stats st;
	bool root;		/* running as root: owners can be set */
	bool link;		/* staged copies may be hard-linked */
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

/* The staged copy of E hard-linked into place: no bytes copied. */
static int link_staged(struct writer *w, const struct mentry *e, int pfd, const char *base)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", e->stage);
	if (linkat(w->m->stage_fd, name, pfd, base, 0) == 0)
		return 0;
	if (errno == EXDEV || errno == EPERM || errno == EMLINK)
		w->link = false;
	return -errno;
}

static int set_meta(struct writer *w, int fd, const struct mentry *e)
{
	struct timespec ts[2] = { { w->mtime, 0 }, { w->mtime, 0 } };

	if (w->root && fchown(fd, e->uid, e->gid) < 0)
		return -errno;
	if (fchmod(fd, e->mode) < 0 || futimens(fd, ts) < 0)
		return -errno;
	return 0;
}

static int write_file(struct writer *w, const struct mentry *e, int pfd,
		      const char *base)
{
	int src = -1, dst = -1, ret = 0;

	w->st.files++;
	if (e->type == M_FILE && e->stage && w->link && link_staged(w, e, pfd, base) == 0) {
		dst = openat(pfd, base, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (dst < 0)
			return seterr(w->err, -errno, "'%s': %s", e->path, strerror(errno));
		goto meta;
	}
	dst = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst < 0)
		return seterr(w->err, -errno, "'%s%s': %s", w->name, e->path, strerror(errno));
	if (e->type == M_DATA) {
		ssize_t n = write(dst, e->data, (size_t)e->size);

		if (n != e->size)
			ret = seterr(w->err, n < 0 ? -errno : -EIO, "'%s': %s", w->name,
				     n < 0 ? strerror(errno) : "short write");
		goto meta;
	}
	src = mentry_open(w->m, e, w->r, w->err);
	if (src < 0) {
		ret = src;
		goto out;
	}
	ret = copy_bytes(src, dst, e->size);
	if (ret == -EIO)
		ret = seterr(w->err, -ESTALE, "'%s': changed since it was examined", e->src);
	else if (ret < 0)
		seterr(w->err, ret, "'%s': %s", w->name, strerror(-ret));
meta:
	w->st.bytes += (unsigned long long)e->size;
	if (!ret && (ret = set_meta(w, dst, e)) < 0)
		seterr(w->err, ret, "'%s%s': %s", w->name, e->path, strerror(-ret));
out:
	if (src >= 0)
		close(src);
	if (dst >= 0 && close(dst) < 0 && !ret)
		ret = seterr(w->err, -errno, "'%s': %s", w->name, strerror(errno));
	return ret;
}

static int write_entry(struct writer *w, const struct mentry *e)
{
	struct timespec ts[2] = { { w->mtime, 0 }, { w->mtime, 0 } };
	const char *base;
	int pfd = parent_of(w, e->path, &base);

	if (pfd < 0)
		return seterr(w->err, pfd, "'%s%s': parent directory: %s", w->name, e->path,
			      strerror(-pfd));
	switch (e->type) {
	case M_DIR:
		w->st.dirs++;
		if (mkdirat(pfd, base, 0700) < 0)
			return seterr(w->err, -errno, "'%s%s': %s", w->name, e->path,
				      strerror(errno));
		return 0;	/* mode, owner and mtime once its contents exist */
	case M_LINK:
		w->st.links++;
		if (symlinkat(e->target, pfd, base) < 0 ||
		    (w->root && fchownat(pfd, base, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0) ||
		    utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return seterr(w->err, -errno, "'%s%s': %s", w->name, e->path,
				      strerror(errno));
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
	struct timespec ts[2] = { { w->mtime, 0 }, { w->mtime, 0 } };

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
			return seterr(w->err, pfd < 0 ? pfd : -errno, "'%s%s': %s", w->name,
				      e->path, strerror(pfd < 0 ? -pfd : errno));
	}
	return 0;
}

int tree_finish(int top, const char *name, time_t mtime, struct strbuf *err)
{
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };

	if (fchmod(top, 0755) < 0 || futimens(top, ts) < 0)
		return seterr(err, -errno, "'%s': %s", name, strerror(errno));
	return 0;
}

int tree_write(const struct manifest *m, const struct root *r, int top, const char *name,
	       time_t mtime, struct tree_stats *stats, struct strbuf *err)
{
	struct writer w = { .m = m, .r = r, .top = top, .name = name, .parent = -1,
			    .mtime = mtime, .root = geteuid() == 0, .link = m->stage_fd >= 0,
			    .err = err };
	int ret = 0;

	for (size_t i = 0; i < m->n && !ret; i++) {
		if (sr_interrupted)
			ret = seterr(err, -EINTR, "'%s': interrupted", name);
		else
			ret = write_entry(&w, &m->v[i]);
	}
	if (!ret)
		ret = finish_dirs(&w, m);
	if (!ret && sr_interrupted)
		ret = seterr(err, -EINTR, "'%s': interrupted", name);
	if (w.parent >= 0)
		close(w.parent);
	free(w.parent_path);
	w.st.owners_kept = w.root;
	if (!ret && stats)
		*stats = w.st;
	return ret;
}
