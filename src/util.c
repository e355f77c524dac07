/* util: strbuf, strlist and allocation helpers; see util.h. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "scratchroot/util.h"

char strbuf_empty[1];
volatile sig_atomic_t sr_interrupted;

static void oom(void)
{
	fputs("scratchroot: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void *xgrow(void *p, size_t *alloc, size_t n, size_t size)
{
	size_t a = *alloc;

	if (n <= a)
		return p;
	a = a ? a : 8;
	while (a < n) {
		if (a > SIZE_MAX / 2)
			oom();
		a *= 2;
	}
	if (a > SIZE_MAX / size)
		oom();
	*alloc = a;
	return xrealloc(p, a * size);
}

void strbuf_init(struct strbuf *sb)
{
	sb->buf = strbuf_empty;
	sb->len = sb->alloc = 0;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX - sb->len - 1)
		oom();
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	if (!sb->alloc)
		sb->buf = NULL;
	sb->buf = xgrow(sb->buf, &sb->alloc, want, 1);
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addstrs(struct strbuf *sb, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, sb);
	while ((s = va_arg(ap, const char *)))
		strbuf_addstr(sb, s);
	va_end(ap);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->alloc ? sb->buf : xstrdup("");

	strbuf_init(sb);
	return p;
}

int seterr(struct strbuf *err, int ret, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return ret;
	strbuf_reset(err);
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return ret;
}

void strlist_take(struct strlist *sl, char *s)
{
	sl->v = xgrow(sl->v, &sl->alloc, sl->n + 1, sizeof(*sl->v));
	sl->v[sl->n++] = s;
}

void strlist_add(struct strlist *sl, const char *s)
{
	strlist_take(sl, xstrdup(s));
}

void strlist_addn(struct strlist *sl, const char *s, size_t len)
{
	strlist_take(sl, xstrndup(s, len));
}

void strlist_add_all(struct strlist *sl, const struct strlist *from)
{
	for (size_t i = 0; i < from->n; i++)
		strlist_add(sl, from->v[i]);
}

bool strlist_has(const struct strlist *sl, const char *s)
{
	for (size_t i = 0; i < sl->n; i++)
		if (!strcmp(sl->v[i], s))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool strlist_has_sorted(const struct strlist *sl, const char *s)
{
	size_t lo = 0, hi = sl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sl->v[mid], s);

		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void strlist_sort_uniq(struct strlist *sl)
{
	size_t j = 0;

	if (!sl->n)
		return;
	qsort(sl->v, sl->n, sizeof(*sl->v), cmp_str);
	for (size_t i = 1; i < sl->n; i++) {
		if (!strcmp(sl->v[i], sl->v[j]))
			free(sl->v[i]);
		else
			sl->v[++j] = sl->v[i];
	}
	sl->n = j + 1;
}

void strlist_clear(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = sl->alloc = 0;
}

int dir_list(int fd, struct strlist *out)
{
	struct dirent *de;
	size_t first = out->n;
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;

	if (!d) {
		int ret = -errno;

		if (dup_fd >= 0)
			close(dup_fd);
		return ret;
	}
	/* The duplicate shares FD's offset: start from the beginning. */
	rewinddir(d);
	while ((errno = 0, de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strlist_add(out, de->d_name);
	if (errno) {
		int ret = -errno;

		closedir(d);
		return ret;
	}
	closedir(d);
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof(*out->v), cmp_str);
	return 0;
}

int open_beneath(int dirfd, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, rel, flags | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : (int)fd;
}

int fd_copy(int from, int to)
{
	char buf[65536];
	ssize_t n;

	if (lseek(from, 0, SEEK_SET) < 0)
		return -errno;
	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(to, buf + w, (size_t)(n - w));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			w += k;
		}
	}
	return 0;
}

int read_file_fd(int fd, size_t max, char **ret_buf, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;

	for (;;) {
		ssize_t n;

		strbuf_grow(&sb, 65536);
		n = read(fd, sb.buf + sb.len, sb.alloc - sb.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			strbuf_release(&sb);
			return (int)n;
		}
		if (n == 0)
			break;
		sb.len += (size_t)n;
		sb.buf[sb.len] = '\0';
		if (sb.len > max) {
			strbuf_release(&sb);
			return -EFBIG;
		}
	}
	*ret_len = sb.len;
	*ret_buf = strbuf_detach(&sb);
	return 0;
}

void util_key(char *key, const uint64_t *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		int shift = 60;

		while (shift > 0 && !(v[i] >> shift))
			shift -= 4;
		for (; shift >= 0; shift -= 4)
			*key++ = hex[(v[i] >> shift) & 15];
		if (i + 1 < n)
			*key++ = ':';
	}
	*key = '\0';
}

uint64_t util_fnv1a(const void *s, size_t len)
{
	const unsigned char *p = s;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static size_t strmap_hash(const char *s)
{
	return (size_t)util_fnv1a(s, strlen(s));
}

static struct strmap_entry *strmap_slot(const struct strmap *m, const char *key)
{
	for (size_t i = strmap_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
		if (!m->v[i].key || !strcmp(m->v[i].key, key))
			return &m->v[i];
}

void *strmap_get(const struct strmap *m, const char *key)
{
	return m->cap ? strmap_slot(m, key)->val : NULL;
}

void **strmap_put(struct strmap *m, const char *key)
{
	struct strmap_entry *e;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap big = { xcalloc(m->cap ? m->cap * 2 : 16, sizeof(*m->v)), m->n,
				      m->cap ? m->cap * 2 : 16 };

		for (size_t i = 0; i < m->cap; i++)
			if (m->v[i].key)
				*strmap_slot(&big, m->v[i].key) = m->v[i];
		free(m->v);
		*m = big;
	}
	e = strmap_slot(m, key);
	if (!e->key) {
		e->key = xstrdup(key);
		m->n++;
	}
	return &e->val;
}

void strmap_clear(struct strmap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->v[i].key);
		if (free_val && m->v[i].key)
			free_val(m->v[i].val);
	}
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
}

/* ---- arena ---- */

struct arena_chunk {
	struct arena_chunk *next;
	max_align_t data[];
};

#define ARENA_CHUNK (64u << 10)

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	size_t need = (n + align - 1) / align * align;
	void *p;

	if (n > SIZE_MAX - align)
		oom();
	if (!a->chunks || need > a->cap - a->used) {
		size_t cap = need > ARENA_CHUNK / 2 ? need : ARENA_CHUNK;
		struct arena_chunk *c = xmalloc(sizeof(*c) + cap);

		/* A large piece gets a chunk of its own, behind the current one. */
		if (cap > ARENA_CHUNK && a->chunks) {
			c->next = a->chunks->next;
			a->chunks->next = c;
			memset(c->data, 0, need);
			return c->data;
		}
		c->next = a->chunks;
		a->chunks = c;
		a->used = 0;
		a->cap = cap;
	}
	p = (char *)a->chunks->data + a->used;
	a->used += need;
	memset(p, 0, need);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_merge(struct arena *into, struct arena *from)
{
	struct arena_chunk **tail;

	if (!from->chunks)
		return;
	if (!into->chunks) {
		*into = *from;
		*from = (struct arena)ARENA_INIT;
		return;
	}
	/* FROM's chunks go behind INTO's current one, which stays current. */
	for (tail = &from->chunks; *tail; tail = &(*tail)->next)
		;
	*tail = into->chunks->next;
	into->chunks->next = from->chunks;
	*from = (struct arena)ARENA_INIT;
}

void arena_release(struct arena *a)
{
	for (struct arena_chunk *c = a->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	*a = (struct arena)ARENA_INIT;
}

void avec_add(struct arena *a, struct avec *v, const char *s)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 2;
		const char **nv = arena_alloc(a, cap * sizeof(*nv));

		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(*nv));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = s;
}

bool avec_has(const struct avec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return true;
	return false;
}
