/* manifest: the image's entries and the programs' records; see manifest.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/manifest.h"

const char *mtype_name(enum mtype t)
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
	m->stage_fd = -1;
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].reasons);
	free(m->v);
	free(m->progs);
	strmap_clear(&m->index, NULL);
	strmap_clear(&m->parents, NULL);
	arena_release(&m->arena);
	if (m->stage_fd >= 0)
		close(m->stage_fd);
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

/* Records every directory PATH lies under; they are already there when
 * its parent is. */
static void note_parents(struct manifest *m, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, path);
	for (char *s = strrchr(sb.buf, '/'); s && s != sb.buf; s = strrchr(sb.buf, '/')) {
		void **slot;

		strbuf_setlen(&sb, (size_t)(s - sb.buf));
		slot = strmap_put(&m->parents, sb.buf);
		if (*slot)
			break;
		*slot = m;
	}
	strbuf_release(&sb);
}

struct mentry *manifest_get(const struct manifest *m, const char *path)
{
	size_t i = (size_t)(uintptr_t)strmap_get(&m->index, path);

	return i ? &m->v[i - 1] : NULL;
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

/* Where E's content comes from, for a conflict's message: its source, its
 * target, or (generated) the rule that made it. */
static const char *origin(const struct mentry *e, const struct mreason *why)
{
	if (e->type == M_FILE)
		return e->src;
	if (e->type == M_LINK)
		return e->target;
	return why && why->role == MR_TEXT ? why->text : e->path;
}

void mentry_add_reason(struct manifest *m, struct mentry *e, const struct mreason *why)
{
	if (!why)
		return;
	/* Programs come in order: a program's reasons are the last ones. */
	for (size_t i = e->n_reasons; i-- > 0 && e->reasons[i].prog == why->prog;) {
		const struct mreason *r = &e->reasons[i];

		if (r->role == why->role && r->item == why->item &&
		    (r->role != MR_TEXT || !strcmp(r->text, why->text)))
			return;
	}
	e->reasons = xgrow(e->reasons, &e->a_reasons, e->n_reasons + 1, sizeof(*e->reasons));
	e->reasons[e->n_reasons] = *why;
	if (why->role == MR_TEXT)
		e->reasons[e->n_reasons].text = arena_strdup(&m->arena, why->text);
	e->n_reasons++;
}

/* Whether E may go into M: nothing under a symlink or a file, nothing that
 * would hide entries below it. */
static int fits(const struct manifest *m, const struct mentry *e, struct strbuf *err)
{
	struct strbuf parent = STRBUF_INIT;
	int ret = 0;

	if (e->type != M_DIR && strmap_get(&m->parents, e->path))
		return seterr(err, -ENOTDIR, "%s '%s' would hide what the image holds below it",
			      mtype_name(e->type), e->path);
	strbuf_addstr(&parent, e->path);
	for (char *s = strrchr(parent.buf, '/'); s && s != parent.buf;
	     s = strrchr(parent.buf, '/')) {
		const struct mentry *p;

		strbuf_setlen(&parent, (size_t)(s - parent.buf));
		p = manifest_get(m, parent.buf);
		if (p && p->type != M_DIR) {
			ret = seterr(err, -ENOTDIR, "'%s' lies under %s '%s'", e->path,
				     mtype_name(p->type), p->path);
			break;
		}
		if (p)
			break;	/* a directory entry: its own parents were checked */
	}
	strbuf_release(&parent);
	return ret;
}

int manifest_add(struct manifest *m, const struct mentry *e, const struct mreason *why,
		 struct strbuf *err)
{
	struct mentry *old, *n;
	int ret;

	if (!manifest_path_ok(e->path))
		return seterr(err, -EINVAL, "'%s' is not an absolute canonical path", e->path);
	old = manifest_get(m, e->path);
	if (old) {
		if (!same(old, e))
			return seterr(err, -EEXIST, "%s from '%s' conflicts with %s from '%s'",
				      mtype_name(e->type), origin(e, why), mtype_name(old->type),
				      origin(old, old->n_reasons ? &old->reasons[0] : NULL));
		mentry_add_reason(m, old, why);
		return 0;
	}
	ret = fits(m, e, err);
	if (ret < 0)
		return ret;
	m->v = xgrow(m->v, &m->alloc, m->n + 1, sizeof(*m->v));
	n = &m->v[m->n++];
	*n = *e;
	n->path = arena_strdup(&m->arena, e->path);
	n->src = e->src ? arena_strdup(&m->arena, e->src) : NULL;
	n->target = e->target ? arena_strdup(&m->arena, e->target) : NULL;
	n->reasons = NULL;
	n->n_reasons = n->a_reasons = 0;
	if (e->type == M_DATA) {
		n->data = arena_alloc(&m->arena, (size_t)e->size + 1);
		if (e->size)
			memcpy(n->data, e->data, (size_t)e->size);
	}
	if (e->type == M_FILE && !n->orig_size)
		n->orig_size = n->size;
	mentry_add_reason(m, n, why);
	note_parents(m, n->path);
	*strmap_put(&m->index, n->path) = (void *)(uintptr_t)m->n;
	return 0;
}

struct mprogram *manifest_add_program(struct manifest *m)
{
	struct mprogram *p;

	m->progs = xgrow(m->progs, &m->a_progs, m->n_progs + 1, sizeof(*m->progs));
	p = &m->progs[m->n_progs++];
	memset(p, 0, sizeof(*p));
	return p;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct mentry *)a)->path, ((const struct mentry *)b)->path);
}

void manifest_sort(struct manifest *m)
{
	if (!m->n)
		return;
	qsort(m->v, m->n, sizeof(*m->v), cmp_entry);
	for (size_t i = 0; i < m->n; i++)
		*strmap_put(&m->index, m->v[i].path) = (void *)(uintptr_t)(i + 1);
}

bool manifest_is_empty_dir(const struct manifest *m, size_t i)
{
	const struct mentry *e = &m->v[i];

	return e->type == M_DIR && !strmap_get(&m->parents, e->path);
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
			strbuf_addstrs(&next, e->target, "/", rest.buf + pos, NULL);
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

static int reopen(int fd, struct strbuf *err, const char *name)
{
	if (lseek(fd, 0, SEEK_SET) < 0) {
		int ret = -errno;

		close(fd);
		return seterr(err, ret, "'%s': %s", name, strerror(-ret));
	}
	return fd;
}

int mentry_open(const struct manifest *m, const struct mentry *e, const struct root *r,
		struct strbuf *err)
{
	struct stat st;
	int fd;

	if (e->stage) {
		char name[16];

		snprintf(name, sizeof(name), "%u", e->stage);
		fd = openat(m->stage_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return seterr(err, -errno, "'%s': its shrunk copy: %s", e->src,
				      strerror(errno));
		return reopen(fd, err, e->src);
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
	    st.st_size != e->orig_size) {
		close(fd);
		return seterr(err, -ESTALE, "'%s': changed since it was examined", e->src);
	}
	return fd;
}
