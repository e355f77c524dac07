/* manifest: the image's entry list; see manifest.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scratchroot/manifest.h"

static const char *type_name(enum mtype t)
{
	switch (t) {
	case M_DIR:
		return "directory";
	case M_FILE:
		return "file";
	case M_LINK:
		return "symlink";
	case M_DATA:
		return "generated file";
	}
	return "?";
}

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
}

static void entry_release(struct mentry *e)
{
	if (e->shrunk)
		close(e->shrunk_fd);
	free(e->path);
	free(e->src);
	free(e->target);
	free(e->data);
	free(e->why);
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		entry_release(&m->v[i]);
	free(m->v);
	free(m->index);
	free(m->parents);
	strlist_clear(&m->parent_names);
	manifest_init(m);
}

bool manifest_path_ok(const char *p)
{
	if (p[0] != '/' || !p[1])
		return false;
	for (const char *c = p + 1;;) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[n])
			return true;
		c += n + 1;
	}
}

static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return (size_t)h;
}

static size_t *slot(const struct manifest *m, const char *path)
{
	for (size_t i = hash(path) & (m->index_cap - 1);; i = (i + 1) & (m->index_cap - 1))
		if (!m->index[i] || !strcmp(m->v[m->index[i] - 1].path, path))
			return &m->index[i];
}

static void reindex(struct manifest *m)
{
	size_t cap = 64;

	while (cap < m->n * 2 + 2)
		cap *= 2;
	free(m->index);
	m->index = xcalloc(cap, sizeof(*m->index));
	m->index_cap = cap;
	for (size_t i = 0; i < m->n; i++)
		*slot(m, m->v[i].path) = i + 1;
}

/* The set of every directory some entry lies under (its parents). */
static size_t *pslot(const struct manifest *m, const char *path)
{
	for (size_t i = hash(path) & (m->parents_cap - 1);;
	     i = (i + 1) & (m->parents_cap - 1))
		if (!m->parents[i] || !strcmp(m->parent_names.v[m->parents[i] - 1], path))
			return &m->parents[i];
}

static bool set_has(const struct manifest *m, const char *path)
{
	return m->parents_cap && *pslot(m, path);
}

static void set_add(struct manifest *m, const char *path, size_t len)
{
	char *p = xstrndup(path, len);

	if (set_has(m, p)) {
		free(p);
		return;
	}
	strlist_take(&m->parent_names, p);
	if (m->parent_names.n * 2 >= m->parents_cap) {
		size_t cap = m->parents_cap ? m->parents_cap * 2 : 64;

		free(m->parents);
		m->parents = xcalloc(cap, sizeof(*m->parents));
		m->parents_cap = cap;
		for (size_t i = 0; i < m->parent_names.n; i++)
			*pslot(m, m->parent_names.v[i]) = i + 1;
	} else {
		*pslot(m, p) = m->parent_names.n;
	}
}

static void note_parents(struct manifest *m, const char *path)
{
	size_t len = strlen(path);

	for (;;) {
		char *prefix;
		bool had;

		while (len > 0 && path[len - 1] != '/')
			len--;
		if (len <= 1)
			return;
		len--;
		prefix = xstrndup(path, len);
		had = set_has(m, prefix);
		free(prefix);
		if (had)
			return;	/* and so are its own parents */
		set_add(m, path, len);
	}
}

struct mentry *manifest_get(const struct manifest *m, const char *path)
{
	size_t *s;

	if (!m->index_cap)
		return NULL;
	s = slot(m, path);
	return *s ? &m->v[*s - 1] : NULL;
}

static bool same(const struct mentry *a, const struct mentry *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case M_DIR:
		return true;
	case M_FILE:
		return a->dev == b->dev && a->ino == b->ino;
	case M_LINK:
		return !strcmp(a->target, b->target);
	case M_DATA:
		return a->size == b->size && (!a->size || !memcmp(a->data, b->data, (size_t)a->size));
	}
	return false;
}

static const char *origin(const struct mentry *e)
{
	return e->type == M_FILE ? e->src : e->type == M_LINK ? e->target
					: e->why ? e->why : "";
}

int manifest_add(struct manifest *m, const struct mentry *e, struct strbuf *err)
{
	struct strbuf parent = STRBUF_INIT;
	struct mentry *old, *n;

	if (!manifest_path_ok(e->path))
		return seterr(err, -EINVAL, "'%s' is not an absolute canonical path", e->path);
	old = manifest_get(m, e->path);
	if (old) {
		if (same(old, e)) {
			/* A directory keeps the first mode it was given. */
			return 0;
		}
		return seterr(err, -EEXIST, "%s from '%s' conflicts with %s from '%s'",
			      type_name(e->type), origin(e), type_name(old->type), origin(old));
	}
	/* Nothing may lie under a symlink or a file ... */
	if (e->type != M_DIR && set_has(m, e->path))
		return seterr(err, -ENOTDIR, "%s '%s' would hide what the image holds below it",
			      type_name(e->type), e->path);
	/* ... and no parent may be one: paths are canonical. */
	strbuf_addstr(&parent, e->path);
	for (char *s = strrchr(parent.buf, '/'); s && s != parent.buf;
	     s = strrchr(parent.buf, '/')) {
		const struct mentry *p;

		strbuf_setlen(&parent, (size_t)(s - parent.buf));
		p = manifest_get(m, parent.buf);
		if (p && p->type != M_DIR) {
			int r = seterr(err, -ENOTDIR, "'%s' lies under %s '%s'", e->path,
				       type_name(p->type), p->path);

			strbuf_release(&parent);
			return r;
		}
	}
	strbuf_release(&parent);
	m->v = xgrow(m->v, &m->alloc, m->n + 1, sizeof(*m->v));
	n = &m->v[m->n++];
	*n = *e;
	n->path = xstrdup(e->path);
	n->src = e->src ? xstrdup(e->src) : NULL;
	n->target = e->target ? xstrdup(e->target) : NULL;
	n->why = e->why ? xstrdup(e->why) : NULL;
	n->data = NULL;
	if (e->type == M_DATA) {
		n->data = xmalloc((size_t)e->size + 1);
		if (e->size)
			memcpy(n->data, e->data, (size_t)e->size);
		n->data[e->size] = '\0';
	}
	note_parents(m, n->path);
	if (m->n * 2 >= m->index_cap)
		reindex(m);
	else
		*slot(m, n->path) = m->n;
	return 0;
}

void manifest_add_parents(struct manifest *m, const char *path, mode_t mode,
			  const char *why)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		struct mentry d = { .type = M_DIR, .mode = mode, .why = (char *)why };

		strbuf_reset(&sb);
		strbuf_add(&sb, path, (size_t)(s - path));
		d.path = sb.buf;
		if (!manifest_get(m, sb.buf))
			manifest_add(m, &d, NULL);
	}
	strbuf_release(&sb);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct mentry *)a)->path, ((const struct mentry *)b)->path);
}

void manifest_sort(struct manifest *m)
{
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), cmp_entry);
	reindex(m);
}

char *manifest_resolve(const struct manifest *m, const char *path)
{
	struct strbuf cur = STRBUF_INIT, rest = STRBUF_INIT;
	unsigned hops = 0;

	strbuf_addstr(&rest, path);
	for (size_t pos = 0; pos < rest.len;) {
		const char *c = rest.buf + pos;
		size_t n = strcspn(c, "/");
		const struct mentry *e;
		bool last;

		pos += n;
		while (pos < rest.len && rest.buf[pos] == '/')
			pos++;
		last = pos >= rest.len;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			char *s = strrchr(cur.buf, '/');

			if (s)
				strbuf_setlen(&cur, (size_t)(s - cur.buf));
			continue;
		}
		strbuf_addch(&cur, '/');
		strbuf_add(&cur, c, n);
		e = last ? NULL : manifest_get(m, cur.buf);
		if (e && e->type == M_LINK) {
			struct strbuf next = STRBUF_INIT;

			if (++hops > 40) {
				strbuf_release(&cur);
				strbuf_release(&rest);
				return NULL;
			}
			strbuf_setlen(&cur, (size_t)(strrchr(cur.buf, '/') - cur.buf));
			if (e->target[0] == '/')
				strbuf_reset(&cur);
			strbuf_addf(&next, "%s/%s", e->target, rest.buf + pos);
			strbuf_release(&rest);
			rest = next;
			pos = 0;
		}
	}
	strbuf_release(&rest);
	if (!cur.len)
		strbuf_addch(&cur, '/');
	return strbuf_detach(&cur);
}

int mentry_open(const struct mentry *e, const struct root *r, struct strbuf *err)
{
	struct stat st;
	int fd;

	if (e->shrunk) {
		fd = fcntl(e->shrunk_fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
			int ret = -errno;

			if (fd >= 0)
				close(fd);
			return seterr(err, ret, "'%s': %s", e->src, strerror(-ret));
		}
		return fd;
	}
	fd = root_open_file(r, e->src);
	if (fd < 0)
		return seterr(err, fd, "'%s': %s", e->src, strerror(-fd));
	if (fstat(fd, &st) < 0) {
		int ret = -errno;

		close(fd);
		return seterr(err, ret, "'%s': %s", e->src, strerror(-ret));
	}
	if (!S_ISREG(st.st_mode) || st.st_dev != e->dev || st.st_ino != e->ino ||
	    st.st_size != e->size) {
		close(fd);
		return seterr(err, -ESTALE, "'%s': changed since it was examined", e->src);
	}
	return fd;
}
