/* archive: the manifest as a reproducible tar through libarchive; see archive.h. */
#include <config.h>

#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "scratchroot/archive.h"

#define CHUNK 65536

/*
 * Where the bytes go.  Our own callbacks rather than archive_write_open_fd()
 * for three reasons: open_fd pads the last block or not depending on what
 * the fd is (a pipe, a file, fd 1), which would make the bytes depend on how
 * the tool was invoked; a write error keeps its errno (ENOSPC, EPIPE) rather
 * than libarchive's message only; and after a failure archive_write_free()
 * would otherwise finish the archive, zero-filling the broken entry and
 * appending the end-of-archive blocks, leaving a tar that looks complete.
 * Once FAILED is set everything libarchive hands over is dropped.
 */
struct sink {
	int fd;
	const char *name;	/* the output, for messages */
	int err;		/* errno of the failed write, or 0 */
	bool failed;
};

static la_ssize_t sink_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct sink *s = data;
	size_t done = 0;

	if (s->failed)
		return (la_ssize_t)len;
	while (done < len) {
		ssize_t n = write(s->fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->err = n < 0 ? errno : EIO;
			archive_set_error(a, s->err, "write failed: %s",
					  strerror(s->err));
			return -1;
		}
		done += (size_t)n;
	}
	return (la_ssize_t)len;
}

/* Fails with libarchive's reason, about the entry PATH when there is one:
 * the errno of a failed write to the output, -EIO for anything else. */
static int fail(struct archive *a, const struct sink *s, const char *path,
		struct strbuf *err)
{
	const char *msg = archive_error_string(a);
	int ret = s->err ? -s->err : -EIO;

	/* A failed write is the output's failure, whatever entry it was in. */
	if (s->err)
		return seterr(err, ret, "'%s': %s", s->name, strerror(s->err));
	if (!msg)
		msg = "libarchive failed";
	if (!path)
		return seterr(err, ret, "'%s': writing the tar: %s", s->name, msg);
	return seterr(err, ret, "'%s': %s", path, msg);
}

/* Streams E's source (open as FD, already checked) as the entry's data. */
static int copy_data(struct archive *a, const struct sink *s, const struct mentry *e,
		     int fd, char *buf, struct strbuf *err)
{
	off_t done = 0;
	ssize_t n;

	while (done < e->size) {
		size_t want = e->size - done < CHUNK ? (size_t)(e->size - done) : CHUNK;

		n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = -errno;

			return seterr(err, ret, "'%s': %s", e->src, strerror(-ret));
		}
		/* A file that ends before its examined size was truncated. */
		if (n == 0)
			return seterr(err, -ESTALE, "'%s': changed since it was examined",
				      e->src);
		if (archive_write_data(a, buf, (size_t)n) != n)
			return fail(a, s, e->path, err);
		done += n;
	}
	/* ...and one that goes on was appended to: the header is already out. */
	do
		n = read(fd, buf, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int ret = -errno;

		return seterr(err, ret, "'%s': %s", e->src, strerror(-ret));
	}
	if (n > 0)
		return seterr(err, -ESTALE, "'%s': changed since it was examined",
			      e->src);
	return 0;
}

static int write_entry(struct archive *a, const struct sink *s, struct archive_entry *ae,
		       const struct manifest *m, const struct mentry *e, const struct root *r,
		       time_t mtime, char *buf, struct strbuf *err)
{
	int src = -1, ret = 0;

	archive_entry_clear(ae);
	/* Tar names are relative: "usr/lib/libc.so.6", not "/usr/...".  The
	 * ustar and pax writers give a directory a trailing slash ("usr/lib/")
	 * whatever it is called here, as GNU tar does. */
	archive_entry_set_pathname(ae, e->path + 1);
	archive_entry_set_perm(ae, e->mode & 07777);
	archive_entry_set_uid(ae, e->uid);
	archive_entry_set_gid(ae, e->gid);
	archive_entry_set_mtime(ae, mtime, 0);
	switch (e->type) {
	case M_DIR:
		archive_entry_set_filetype(ae, AE_IFDIR);
		archive_entry_set_size(ae, 0);
		break;
	case M_LINK:
		if (!e->target || !*e->target) {
			ret = seterr(err, -EINVAL, "'%s': symlink without a target",
				     e->path);
			goto out;
		}
		archive_entry_set_filetype(ae, AE_IFLNK);
		archive_entry_set_symlink(ae, e->target);
		archive_entry_set_size(ae, 0);
		break;
	case M_FILE:
		src = mentry_open(m, e, r, err);
		if (src < 0) {
			ret = src;
			goto out;
		}
		__attribute__((fallthrough));
	case M_DATA:
		if (e->size < 0) {
			ret = seterr(err, -EINVAL, "'%s': negative size", e->path);
			goto out;
		}
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_size(ae, e->size);
		break;
	default:
		ret = seterr(err, -EINVAL, "'%s': unknown entry type %d", e->path,
			     (int)e->type);
		goto out;
	}
	/* A warning (a name not convertible to UTF-8, kept as bytes with
	 * hdrcharset=BINARY) still writes the header. */
	if (archive_write_header(a, ae) < ARCHIVE_WARN) {
		ret = fail(a, s, e->path, err);
		goto out;
	}
	if (e->type == M_FILE)
		ret = copy_data(a, s, e, src, buf, err);
	else if (e->type == M_DATA && e->size > 0 &&
		 archive_write_data(a, e->data, (size_t)e->size) != e->size)
		ret = fail(a, s, e->path, err);
	if (!ret && archive_write_finish_entry(a) < ARCHIVE_WARN)
		ret = fail(a, s, e->path, err);
out:
	if (src >= 0)
		close(src);
	return ret;
}

static int write_tar(const struct manifest *m, const struct root *r, int fd, const char *name,
		     time_t mtime, struct strbuf *err)
{
	struct sink s = { .fd = fd, .name = name };
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	char *buf = xmalloc(CHUNK);
	int ret = 0;

	if (!a || !ae) {
		ret = seterr(err, -ENOMEM, "writing the tar: out of memory");
		goto out;
	}
	/*
	 * Restricted pax is ustar unless an entry needs more (a long name, a
	 * large id or size): no atime, ctime or SCHILY.dev/ino are written
	 * since none is set here, and the extended header's own name is
	 * "dir/PaxHeader/base", not PID-dependent.  The last block is padded
	 * only to 512 bytes, whatever the fd is.
	 */
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, &s, NULL, sink_write, NULL, NULL) != ARCHIVE_OK) {
		ret = fail(a, &s, NULL, err);
		goto out;
	}
	for (size_t i = 0; i < m->n && !ret; i++) {
		if (sr_interrupted) {
			ret = seterr(err, -EINTR, "interrupted");
			break;
		}
		ret = write_entry(a, &s, ae, m, &m->v[i], r, mtime, buf, err);
	}
	if (!ret && archive_write_close(a) != ARCHIVE_OK)
		ret = fail(a, &s, NULL, err);
out:
	/* Freeing an unclosed archive finishes it: send that nowhere. */
	s.failed = ret < 0;
	archive_entry_free(ae);
	archive_write_free(a);
	free(buf);
	return ret;
}

int archive_write_tar(const struct manifest *m, const struct root *r, int fd,
		      const char *name, time_t mtime, struct strbuf *err)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0), old;
	int ret;

	if (c == (locale_t)0) {
		ret = -errno;
		return seterr(err, ret, "writing the tar: %s", strerror(-ret));
	}
	/*
	 * libarchive converts names from the current locale's charset to the
	 * UTF-8 of pax headers, so a non-ASCII name would be written one way
	 * under LANG=C.UTF-8 and another under LANG=C.  This thread runs in
	 * the C locale for the duration, whatever the program set: ASCII names
	 * are plain ustar, others are kept byte for byte (hdrcharset=BINARY).
	 */
	old = uselocale(c);
	ret = write_tar(m, r, fd, name, mtime, err);
	uselocale(old);
	freelocale(c);
	return ret;
}
