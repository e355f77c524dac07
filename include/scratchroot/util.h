/*
 * util: the two containers every module uses.
 *
 * struct strbuf is a growable NUL-terminated byte buffer (after git's strbuf):
 * buf is never NULL once initialised with STRBUF_INIT or strbuf_init(), and
 * buf[len] is always '\0'.  Modules that can fail take an optional
 * "struct strbuf *err" and append a one-line reason to it; only main.c prints.
 *
 * struct strlist is an ordered list of owned strings.  strlist_add() copies;
 * strlist_clear() frees every string and the array.
 *
 * struct strmap maps owned string keys to caller-owned pointers (open
 * addressing, FNV-1a): the per-run caches that programs share are looked up
 * thousands of times in a large batch.  util_fnv1a() is the one string hash
 * of the tool.
 *
 * struct arena hands out memory that lives until the arena is released in
 * one go (libtree's style): a walk's objects and strings are many and small,
 * and die together.  Arenas merge, so that what threads built stays valid
 * in the walk they are merged into.
 *
 * Allocation failure is not recoverable in a tool this size: the x*alloc
 * helpers abort with a message rather than make every caller check.
 */
#ifndef SCRATCHROOT_UTIL_H
#define SCRATCHROOT_UTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Set by main's signal handler (SIGINT, SIGTERM, SIGHUP); long loops
 * (walking inputs, writing a tree or a tar) stop with -EINTR when set. */
extern volatile sig_atomic_t sr_interrupted;

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
/* Appends each string up to a NULL: a path or a key built in a hot loop,
 * without a format to parse. */
void strbuf_addstrs(struct strbuf *sb, ...) __attribute__((sentinel));
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Truncates to len bytes (len <= sb->len). */
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Returns the buffer (caller frees) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb);

/* Appends "reason" to err when err is non-NULL; returns ret, so that
 * "return seterr(err, -ENOENT, ...)" reads as one step. */
int seterr(struct strbuf *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct strlist {
	char **v;
	size_t n;
	size_t alloc;
};
#define STRLIST_INIT { NULL, 0, 0 }

void strlist_add(struct strlist *sl, const char *s);
void strlist_addn(struct strlist *sl, const char *s, size_t len);
/* Takes ownership of s. */
void strlist_take(struct strlist *sl, char *s);
/* Appends a copy of every string of FROM. */
void strlist_add_all(struct strlist *sl, const struct strlist *from);
bool strlist_has(const struct strlist *sl, const char *s);
/* The same for a list sorted by strcmp (strlist_sort_uniq), in log time. */
bool strlist_has_sorted(const struct strlist *sl, const char *s);
void strlist_sort_uniq(struct strlist *sl);
void strlist_clear(struct strlist *sl);

struct strmap {
	struct strmap_entry {
		char *key;
		void *val;
	} *v;
	size_t n, cap;		/* cap: 0 or a power of two */
};
#define STRMAP_INIT { NULL, 0, 0 }

/* The value stored under KEY, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* The value slot of KEY, the key copied in (value NULL) when new. */
void **strmap_put(struct strmap *m, const char *key);
/* Frees the keys and the table, each value through FREE_VAL when given. */
void strmap_clear(struct strmap *m, void (*free_val)(void *));

/* Writes the N numbers of V as a string key for a strmap (hex digits,
 * ':' between them) into KEY, which holds UTIL_KEY_MAX(N) bytes: a key of
 * numbers (a file's device and inode, addresses) made without printf,
 * on paths taken thousands of times. */
#define UTIL_KEY_MAX(n) ((n) * 17 + 1)
void util_key(char *key, const uint64_t *v, size_t n);

/* FNV-1a, 64 bits, of the LEN bytes at S. */
uint64_t util_fnv1a(const void *s, size_t len);

struct arena {
	struct arena_chunk *chunks;	/* newest first */
	size_t used, cap;		/* of the newest chunk */
};
#define ARENA_INIT { NULL, 0, 0 }

/* N zeroed bytes aligned for any type, valid until arena_release(). */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Moves every chunk of FROM into INTO (FROM is left empty). */
void arena_merge(struct arena *into, struct arena *from);
void arena_release(struct arena *a);

/* A list of strings that an arena owns (the list too). */
struct avec {
	const char **v;
	size_t n, cap;
};
#define AVEC_INIT { NULL, 0, 0 }
/* Appends S, which must live as long as A (an arena string, a literal). */
void avec_add(struct arena *a, struct avec *v, const char *s);
bool avec_has(const struct avec *v, const char *s);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grows *p (an array of *alloc elements of size) to hold at least n. */
void *xgrow(void *p, size_t *alloc, size_t n, size_t size);

/* Appends the names in the open directory FD (not "." and ".."; FD stays
 * open and is not moved) to OUT, sorted.  Returns 0 or -errno. */
int dir_list(int fd, struct strlist *out);

/* Opens REL beneath the directory DIRFD with FLAGS, no symlink followed
 * anywhere on the way (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS; on
 * kernels before 5.6 plain openat, the last component guarded).  Returns an
 * fd or -errno. */
int open_beneath(int dirfd, const char *rel, int flags);

/* Copies the whole file FROM (from its start) to where TO stands.  Returns
 * 0 or -errno. */
int fd_copy(int from, int to);

/* Reads a whole file into memory; at most max bytes.  0 or -errno. */
int read_file_fd(int fd, size_t max, char **ret_buf, size_t *ret_len);

#endif
