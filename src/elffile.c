/* elffile: one ELF file read in pieces, and the run's parsed objects; see
 * elffile.h. */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratchroot/elffile.h"
#include "scratchroot/elfobj.h"

int elffile_open_fd(struct elffile *f, int fd, struct strbuf *err)
{
	struct stat st;
	ssize_t n;

	memset(f, 0, sizeof(*f));
	f->fd = fd;
	if (fstat(fd, &st) < 0)
		return seterr(err, -errno, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return seterr(err, -EISDIR, "is a directory");
	if (!S_ISREG(st.st_mode))
		return seterr(err, -ENOEXEC, "not a regular file");
	if (st.st_size == 0)
		return seterr(err, -ENOEXEC, "empty file");
	f->size = (uint64_t)st.st_size;
	f->head = xmalloc(ELFFILE_HEAD);
	n = pread(fd, f->head, f->size < ELFFILE_HEAD ? (size_t)f->size : ELFFILE_HEAD, 0);
	if (n < 0) {
		int ret = -errno;

		elffile_close(f);
		return seterr(err, ret, "%s", strerror(-ret));
	}
	/* A file that shrank since fstat is as long as what could be read. */
	if ((size_t)n < ELFFILE_HEAD && (uint64_t)n < f->size)
		f->size = (uint64_t)n;
	f->head_len = (size_t)n;
	return 0;
}

void elffile_open_mem(struct elffile *f, const void *buf, size_t len)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->mem = buf;
	f->size = len;
	f->head = (char *)buf;
	f->head_len = len < ELFFILE_HEAD ? len : ELFFILE_HEAD;
}

bool elffile_in_head(const struct elffile *f, uint64_t off, uint64_t len)
{
	return len && off < f->head_len && len <= f->head_len - off;
}

const char *elffile_bytes(struct elffile *f, uint64_t off, uint64_t len)
{
	char *b;
	ssize_t n;

	if (!len || off > f->size || len > f->size - off || len > ELFFILE_MAX_PART)
		return NULL;
	if (elffile_in_head(f, off, len))
		return f->head + off;
	if (f->mem)
		return f->mem + off;
	b = xmalloc(len);
	n = pread(f->fd, b, len, (off_t)off);
	if (n != (ssize_t)len) {
		free(b);
		return NULL;
	}
	f->bufs = xgrow(f->bufs, &f->a_bufs, f->n_bufs + 1, sizeof(*f->bufs));
	f->bufs[f->n_bufs++] = b;
	return b;
}

void elffile_close(struct elffile *f)
{
	for (size_t i = 0; i < f->n_bufs; i++)
		free(f->bufs[i]);
	free(f->bufs);
	if (!f->mem)
		free(f->head);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/* ---- the cache of parsed objects, keyed by inode ---- */

struct cached {
	struct elfobj *elf;	/* NULL when parsing failed */
	int ret;
	char *err;
};

struct elfcache {
	struct strmap objs;	/* "dev:ino" -> struct cached */
	const struct elfobj_opts *opts;
	pthread_mutex_t lock;	/* the walks of a batch share one (batch.h) */
};

struct elfcache *elfcache_new(const struct elfobj_opts *opts)
{
	struct elfcache *c = xcalloc(1, sizeof(*c));

	c->opts = opts;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void cached_free(void *p)
{
	struct cached *e = p;

	elfobj_free(e->elf);
	free(e->err);
	free(e);
}

void elfcache_free(struct elfcache *c)
{
	if (!c)
		return;
	strmap_clear(&c->objs, cached_free);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void key_of(char key[UTIL_KEY_MAX(2)], dev_t dev, ino_t ino)
{
	uint64_t v[2] = { (uint64_t)dev, (uint64_t)ino };

	util_key(key, v, 2);
}

struct elfobj *elfcache_find(struct elfcache *c, dev_t dev, ino_t ino)
{
	const struct cached *e;
	char key[UTIL_KEY_MAX(2)];

	key_of(key, dev, ino);
	pthread_mutex_lock(&c->lock);
	e = strmap_get(&c->objs, key);
	pthread_mutex_unlock(&c->lock);
	return e ? e->elf : NULL;
}

int elfcache_get(struct elfcache *c, const struct root *r, const char *real,
		 const struct stat *st, struct elfobj **ret, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	struct cached *e, *got;
	void **slot;
	char key[UTIL_KEY_MAX(2)];
	int fd;

	key_of(key, st->st_dev, st->st_ino);
	pthread_mutex_lock(&c->lock);
	e = strmap_get(&c->objs, key);
	pthread_mutex_unlock(&c->lock);
	if (!e) {
		/* Parsed outside the lock; when another thread was quicker
		 * with the same file, its result is kept. */
		got = xcalloc(1, sizeof(*got));
		fd = root_open_file(r, real);
		if (fd < 0) {
			got->ret = seterr(&why, fd, "%s", strerror(-fd));
		} else {
			got->ret = elfobj_parse_fd(fd, c->opts, &got->elf, &why);
			close(fd);
		}
		if (got->ret < 0)
			got->err = strbuf_detach(&why);
		pthread_mutex_lock(&c->lock);
		slot = strmap_put(&c->objs, key);
		if (*slot)
			cached_free(got);
		else
			*slot = got;
		e = *slot;
		pthread_mutex_unlock(&c->lock);
		strbuf_release(&why);
	}
	if (e->ret < 0)
		return seterr(err, e->ret, "%s", e->err);
	*ret = e->elf;
	return 0;
}
