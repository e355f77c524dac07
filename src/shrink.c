/* shrink: the manifest's plans carried out into staging; see shrink.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratchroot/search.h"
#include "scratchroot/shrink.h"
#include "scratchroot/strip.h"

/* Runs ARGV, its output discarded; returns the exit status or -errno. */
static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int shrink_find_upx(struct strbuf *err)
{
	char *argv[] = { "upx", "--version", NULL };
	int r = run(argv);

	if (r == 127 || r < 0)
		return seterr(err, -ENOENT, "--upx: no upx on PATH (Debian 12 does not package it)");
	return 0;
}


struct stager {
	struct manifest *m;
	const struct root *r;
	int dir;		/* the staging directory, or -1 when measuring */
	const char *path;	/* its path, for upx */
	const char *upx_args;
	int null;		/* where a measure writes */
	struct shrink_stats *st;
	struct diags *d;
	struct strbuf *err;
};

static void stage_name(char buf[24], uint32_t n, const char *suffix)
{
	snprintf(buf, 24, "%u%s", n, suffix);
}

/* Opens staged file N+SUFFIX for writing, new.  Returns an fd or -errno. */
static int stage_create(const struct stager *s, uint32_t n, const char *suffix)
{
	char name[24];
	int fd;

	stage_name(name, n, suffix);
	fd = openat(s->dir, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return fd < 0 ? -errno : fd;
}

static void stage_unlink(const struct stager *s, uint32_t n, const char *suffix)
{
	char name[24];

	stage_name(name, n, suffix);
	unlinkat(s->dir, name, 0);
}

/* Packs the bytes of E with upx (tested with upx -t), as staged file N;
 * keeps them as they are when upx refuses, with a note. */
static int pack(struct stager *s, struct mentry *e, uint32_t n)
{
	char in[PATH_MAX], out[PATH_MAX];
	struct strlist args = STRLIST_INIT;
	char **argv = NULL;
	int src = mentry_open(s->m, e, s->r, s->err), fd = -1, ret = 0, st;
	size_t k = 0;

	if (src < 0)
		return src;
	snprintf(in, sizeof(in), "%s/%u.in", s->path, n);
	snprintf(out, sizeof(out), "%s/%u.upx", s->path, n);
	fd = stage_create(s, n, ".in");
	if (fd < 0 || (ret = fd_copy(src, fd)) < 0 || fchmod(fd, 0700) < 0) {
		ret = fd < 0 ? fd : ret ? ret : -errno;
		goto out;
	}
	search_split(s->upx_args, " ", &args);
	argv = xcalloc(args.n + 6, sizeof(*argv));
	argv[k++] = "upx";
	for (size_t i = 0; i < args.n; i++)
		if (*args.v[i])
			argv[k++] = args.v[i];
	argv[k++] = "-q";
	argv[k++] = "-o";
	argv[k++] = out;
	argv[k++] = in;
	st = run(argv);
	if (st == 0) {
		char *test[] = { "upx", "-t", "-q", out, NULL };

		st = run(test);
	}
	if (st != 0) {
		diag_add(s->d, DIAG_NOTE, e->path, "left unpacked: upx refused it or its test failed");
		stage_unlink(s, n, ".upx");
		goto out;
	}
	{
		char from[24], to[24];
		struct stat sb;

		stage_name(from, n, ".upx");
		stage_name(to, n, "");
		if (renameat(s->dir, from, s->dir, to) < 0 || fstatat(s->dir, to, &sb, 0) < 0) {
			ret = -errno;
			goto out;
		}
		e->stage = n;
		e->size = sb.st_size;
		s->st->packed++;
	}
out:
	if (ret < 0)
		seterr(s->err, ret, "'%s': upx: %s", e->path, strerror(-ret));
	if (fd >= 0)
		close(fd);
	stage_unlink(s, n, ".in");
	close(src);
	free(argv);
	strlist_clear(&args);
	return ret;
}

/* The removed debug information of E kept as N.debug: its fd, or -1. */
static int debug_file(struct stager *s, struct mentry *e, uint32_t n, char *link, size_t len)
{
	int fd;

	if (s->dir < 0 || !e->plan.debug)
		return -1;
	if (!e->build_id) {
		diag_add(s->d, DIAG_NOTE, e->path, "no build-id: its debug information is not kept");
		return -1;
	}
	fd = stage_create(s, n, ".debug");
	if (fd >= 0)
		snprintf(link, len, "%s.debug", e->build_id + 2);
	return fd;
}

/* Whether the source open as IN is no longer what E was made from (a file
 * truncated or rewritten while the run reads it). */
static bool changed(int in, const struct mentry *e)
{
	struct stat st;

	return fstat(in, &st) < 0 || st.st_size != e->orig_size || st.st_ino != e->ino;
}

/* Strips E into staged file N (or, measuring, into nothing). */
static int strip_one(struct stager *s, struct mentry *e, uint32_t n)
{
	struct strip_opts so = { .mode = e->plan.strip, .sections = e->plan.sections,
				 .debug_fd = -1 };
	struct strbuf why = STRBUF_INIT;
	struct strip_result res;
	char link[64];
	int in = mentry_open(s->m, e, s->r, s->err), out, ret;

	if (in < 0)
		return in;
	out = s->dir >= 0 ? stage_create(s, n, "") : s->null;
	so.debug_fd = debug_file(s, e, n, link, sizeof(link));
	so.debuglink = so.debug_fd >= 0 ? link : NULL;
	ret = out < 0 ? out : strip_fd(in, out, &so, &res, &why);
	if (ret == -ENOTSUP) {
		diag_add(s->d, DIAG_NOTE, e->path, "left as it is: %s", why.buf);
		ret = 0;
		res.stripped = false;
	} else if (ret < 0 && changed(in, e)) {
		ret = seterr(s->err, -ESTALE, "'%s': changed while it was read", e->src);
	} else if (ret < 0) {
		seterr(s->err, ret, "'%s': strip: %s", e->src, why.len ? why.buf : strerror(-ret));
	} else if (res.stripped) {
		e->stage = s->dir >= 0 ? n : 0;
		e->size = res.out_size;
		s->st->stripped++;
	}
	if (so.debug_fd >= 0) {
		struct stat dst;

		/* Nothing worth keeping (already split by the distribution). */
		e->debug_staged = ret == 0 && res.stripped && fstat(so.debug_fd, &dst) == 0 &&
				  dst.st_size > 0;
		if (!e->debug_staged)
			stage_unlink(s, n, ".debug");
		close(so.debug_fd);
	}
	if (s->dir >= 0 && out >= 0) {
		if (ret < 0 || !res.stripped)
			stage_unlink(s, n, "");
		close(out);
	}
	close(in);
	strbuf_release(&why);
	return ret;
}

static int run_plans(struct stager *s)
{
	uint32_t n = 0;

	memset(s->st, 0, sizeof(*s->st));
	for (size_t i = 0; i < s->m->n; i++) {
		struct mentry *e = &s->m->v[i];
		int ret = 0;

		if (sr_interrupted)
			return seterr(s->err, -EINTR, "interrupted");
		if (e->type != M_FILE && e->type != M_DATA)
			continue;
		s->st->before += (unsigned long long)(e->type == M_FILE ? e->orig_size : e->size);
		s->st->floor += (unsigned long long)(e->type == M_FILE ? e->floor : e->size);
		s->st->elf += e->type == M_FILE && e->elf;
		if (e->type == M_FILE && e->plan.strip != STRIP_NONE)
			ret = strip_one(s, e, ++n);
		if (!ret && e->type == M_FILE && e->plan.upx && s->dir >= 0)
			ret = pack(s, e, e->stage ? e->stage : ++n);
		if (ret < 0)
			return ret;
		s->st->after += (unsigned long long)e->size;
	}
	return 0;
}

int shrink_stage(struct manifest *m, const struct root *r, int stage_fd, const char *stage_path,
		 const char *upx_args, struct shrink_stats *st, struct diags *d,
		 struct strbuf *err)
{
	struct stager s = { .m = m, .r = r, .dir = stage_fd, .path = stage_path,
			    .upx_args = upx_args ? upx_args : "", .null = -1, .st = st, .d = d,
			    .err = err };

	m->stage_fd = stage_fd;
	return run_plans(&s);
}

int shrink_measure(struct manifest *m, const struct root *r, struct shrink_stats *st,
		   struct diags *d, struct strbuf *err)
{
	struct stager s = { .m = m, .r = r, .dir = -1, .st = st, .d = d, .err = err };
	int ret;

	s.null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (s.null < 0)
		return seterr(err, -errno, "'/dev/null': %s", strerror(errno));
	ret = run_plans(&s);
	close(s.null);
	return ret;
}

int shrink_write_debug(const struct manifest *m, struct output *debug, struct strbuf *err)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct mentry *e = &m->v[i];
		char name[24], rel[96];
		int fd, ret;

		if (!e->debug_staged)
			continue;
		stage_name(name, e->stage, ".debug");
		fd = openat(m->stage_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return seterr(err, -errno, "'%s': its debug information: %s", e->path,
				      strerror(errno));
		snprintf(rel, sizeof(rel), ".build-id/%.2s/%s.debug", e->build_id, e->build_id + 2);
		ret = output_place(debug, rel, fd, 0644, err);
		close(fd);
		if (ret < 0)
			return ret;
	}
	return 0;
}
