/*
 * elffile: reading one ELF file once.
 *
 * struct elffile reads a file with pread, only the parts asked for: one read
 * of its first ELFFILE_HEAD bytes, which in most programs hold everything the
 * loader looks at but PT_DYNAMIC (the headers, PT_INTERP, the notes, the
 * hash, symbol, string and version tables), then each part beyond the head
 * read once, on demand, into a buffer the elffile owns.  Nothing is mapped:
 * a file that shrinks while it is read gives a short read, reported as an
 * error, never SIGBUS.  An image already in memory is read the same way, so
 * the fuzz targets drive the same code.
 *
 * struct elfcache keeps one parsed struct elfobj per file (st_dev, st_ino)
 * for the whole run: a library that a thousand programs load is read once.
 * The threads of a batch share one (it locks; an elfobj never changes once
 * parsed).  The parse options (the imports the run-time rules watch) are the
 * cache's, given when it is made.
 */
#ifndef SCRATCHROOT_ELFFILE_H
#define SCRATCHROOT_ELFFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "scratchroot/root.h"
#include "scratchroot/util.h"

#ifndef ELFFILE_HEAD
#define ELFFILE_HEAD (16u << 10)	/* fuzz builds make it small */
#endif
/* The largest part read at once (a symbol table of a large library). */
#define ELFFILE_MAX_PART (512u << 20)

struct elffile {
	int fd;			/* borrowed; -1 for an image in memory */
	const char *mem;	/* the image in memory, or NULL */
	uint64_t size;		/* the file's size (what could be read of it) */
	char *head;		/* its first head_len bytes */
	size_t head_len;
	char **bufs;		/* parts read beyond the head */
	size_t n_bufs, a_bufs;
};

/* Starts reading the regular file open as FD (borrowed: the caller closes
 * it after elffile_close()).  Returns 0, or -errno / -ENOEXEC (an empty
 * file, not a regular file) with a reason in err. */
int elffile_open_fd(struct elffile *f, int fd, struct strbuf *err);

/* Reads the LEN bytes at BUF (which must outlive F). */
void elffile_open_mem(struct elffile *f, const void *buf, size_t len);

/* The LEN > 0 bytes at OFF, valid until elffile_close(); NULL when they are
 * not all in the file or cannot be read. */
const char *elffile_bytes(struct elffile *f, uint64_t off, uint64_t len);

/* Whether the LEN > 0 bytes at OFF lie in the head. */
bool elffile_in_head(const struct elffile *f, uint64_t off, uint64_t len);

void elffile_close(struct elffile *f);

struct elfobj;
struct elfobj_opts;
struct elfcache;

/* A cache whose objects are parsed with OPTS (borrowed; may be NULL). */
struct elfcache *elfcache_new(const struct elfobj_opts *opts);
void elfcache_free(struct elfcache *c);

/*
 * Parses (or finds already parsed) the regular file at canonical path REAL
 * of root R, whose stat is ST.  Returns 0 and a borrowed *ret, or
 * -errno/-ENOEXEC with a reason in err; a failure is remembered like a
 * success.
 */
int elfcache_get(struct elfcache *c, const struct root *r, const char *real,
		 const struct stat *st, struct elfobj **ret, struct strbuf *err);

/* The object parsed for (DEV, INO), or NULL when none was. */
struct elfobj *elfcache_find(struct elfcache *c, dev_t dev, ino_t ino);

#endif
