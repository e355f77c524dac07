/*
 * root: paths inside a root directory, resolved as if chrooted into it.
 *
 * A struct root is an open directory fd (the host "/" or a --sysroot).  Every
 * lookup walks the path one component at a time from that fd: symlinks are
 * read with readlinkat() and followed by hand, an absolute target restarts at
 * the root, and ".." at the root stays at the root, exactly as the kernel does
 * for a chrooted process.  Nothing outside the root is ever opened, whatever
 * the symlinks inside it say.  ".." is resolved physically (after following
 * the symlinks before it), never lexically.
 *
 * Each resolution reports the symlinks it crossed because an image must
 * contain every one of them for the same lookup to succeed inside the
 * container.
 *
 * Every name is looked up in a directory opened beneath the root
 * (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS), never as a path of several
 * components from the root's fd: a directory swapped for a symlink while the
 * tool runs cannot make it read a name, a link target or a listing outside
 * the root.  struct root is opaque; nothing outside root.c touches its fd.
 *
 * A library search probes the same directories over and over (each search
 * directory and its hwcaps subdirectories, for every name), so the
 * resolution of each directory is remembered, and the last directories
 * opened are kept open (a few): the root is taken not to change while a
 * struct root is open.
 */
#ifndef SCRATCHROOT_ROOT_H
#define SCRATCHROOT_ROOT_H

#include <sys/stat.h>

#include "scratchroot/util.h"

/* Hops followed before giving up with -ELOOP (Linux's MAXSYMLINKS). */
#define ROOT_MAX_HOPS 40

struct root;

/* Opens DIR as a root.  Returns 0, -ENOTDIR or -errno.  *ret freed with
 * root_free(). */
int root_open(const char *dir, struct root **ret, struct strbuf *err);
void root_free(struct root *r);

/* The directory as given to root_open(), for messages. */
const char *root_path(const struct root *r);

/*
 * Resolves PATH inside the root.  A relative PATH is taken relative to the
 * absolute directory CWD inside the root (NULL means "/").
 *
 * On success returns 0, sets *ret_real (caller frees; may be NULL) to the
 * canonical absolute path with no symlinks and no "." or "..", and fills *st
 * (may be NULL) with the lstat of that final file.  Each symlink crossed is
 * appended to HOPS (may be NULL) as its canonical absolute path.
 *
 * Fails with -ENOENT, -ENOTDIR, -EACCES, -ELOOP, -ENAMETOOLONG, or other
 * -errno from the filesystem; HOPS may then hold the hops seen so far.
 */
int root_resolve(const struct root *r, const char *path, const char *cwd,
		 char **ret_real, struct stat *st, struct strlist *hops);

/* Whether directory DIR (absolute; relative is taken from "/") resolves in
 * the root to a directory: 0, or the -errno of resolving it (remembered
 * either way). */
int root_dir_exists(const struct root *r, const char *dir);

/* Opens the canonical path REAL (from root_resolve) read-only, refusing to
 * follow a symlink at any step.  Returns an fd or -errno. */
int root_open_file(const struct root *r, const char *real);

/* Reads the symlink at canonical path REAL inside the root.  Caller frees. */
int root_readlink(const struct root *r, const char *real, char **ret);

/* The lstat of canonical path REAL (remembered).  Returns 0 or -errno. */
int root_lstat(const struct root *r, const char *real, struct stat *st);

/* Appends the names in the directory at canonical path REAL (not "." and
 * "..") to OUT, sorted.  Returns 0 or -errno (-ENOTDIR for a symlink). */
int root_list_dir(const struct root *r, const char *real, struct strlist *out);

/* Resolves PATH and reads the whole file (at most MAX bytes).  Returns 0,
 * -ENOENT and friends, -EISDIR, -EFBIG.  Caller frees *ret_buf. */
int root_read_file(const struct root *r, const char *path, size_t max,
		   char **ret_buf, size_t *ret_len, struct strlist *hops);

/* Path helpers on plain strings. */
/* Returns a new string: the directory part of PATH ("/" for "/x", "." for "x"). */
char *path_dirname(const char *path);
const char *path_basename(const char *path);
/* Returns DIR + "/" + NAME with no doubled slash.  Caller frees. */
char *path_join(const char *dir, const char *name);

#endif
