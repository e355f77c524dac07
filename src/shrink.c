/* shrink: strip and pack the manifest's ELF files; see shrink.h. */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"
#include "scratchroot/search.h"
#include "scratchroot/shrink.h"

/* A note "PATH\tWHAT WHY" for the summary. */
static void note(struct strlist *notes, const char *path, const char *what, const char *why)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstrs(&sb, path, "\t", what, why, NULL);
	strlist_take(notes, strbuf_detach(&sb));
}

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

static int copy_all(int from, int to)
{
	char buf[65536];
	ssize_t n;

	if (lseek(from, 0, SEEK_SET) < 0)
		return -errno;
	while ((n = read(from, buf, sizeof(buf))) > 0)
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(to, buf + w, (size_t)(n - w));

			if (k < 0)
				return -errno;
			w += k;
		}
	return n < 0 ? -errno : 0;
}

/* Makes DIR/.build-id/xx and opens DIR/.build-id/xx/rest.debug for E's
 * removed debug information.  Returns an fd or -errno. */
static int debug_file(const char *dir, const char *id, char **ret_path)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/.build-id", dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/.build-id/%.2s", dir, id);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", dir, id, id + 2);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	*ret_path = xstrdup(path);
	return fd;
}

/* Packs the bytes of E with upx (tested with upx -t); keeps them as they are
 * when upx refuses, with a note. */
static int pack(struct mentry *e, int bytes, const struct shrink_opts *o, struct strlist *notes)
{
	char in[] = "/tmp/scratchroot-upx-XXXXXX", out[sizeof(in) + 4];
	struct strlist args = STRLIST_INIT;
	char **argv = NULL;
	int fd = mkstemp(in), ret = 0, packed, st;
	size_t k = 0;

	if (fd < 0)
		return -errno;
	snprintf(out, sizeof(out), "%s.upx", in);
	if ((ret = copy_all(bytes, fd)) < 0 || fchmod(fd, 0700) < 0) {
		ret = ret ? ret : -errno;
		goto out;
	}
	search_split(o->upx_args, " ", &args);
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
		note(notes, e->path, "left unpacked: upx refused it or its test failed", "");
		goto out;
	}
	packed = open(out, O_RDONLY | O_CLOEXEC);
	if (packed < 0) {
		ret = -errno;
		goto out;
	}
	{
		int mem = memfd_create("scratchroot-upx", MFD_CLOEXEC);
		struct stat sb;

		if (mem < 0 || copy_all(packed, mem) < 0 || fstat(mem, &sb) < 0) {
			ret = -EIO;
			if (mem >= 0)
				close(mem);
		} else {
			if (e->shrunk)
				close(e->shrunk_fd);
			e->shrunk = true;
			e->shrunk_fd = mem;
			e->size = sb.st_size;
		}
	}
	close(packed);
out:
	close(fd);
	unlink(in);
	unlink(out);
	free(argv);
	strlist_clear(&args);
	return ret;
}

static bool packable(const struct elfobj *o, const struct shrink_opts *opts)
{
	if (o->kind == ELFOBJ_SELF || (o->soname && !strncmp(o->soname, "ld-", 3)))
		return false;	/* never the loader */
	if (o->kind == ELFOBJ_SHARED)
		return opts->upx_libs;
	return o->kind == ELFOBJ_DYNAMIC_EXEC || o->kind == ELFOBJ_STATIC ||
	       o->kind == ELFOBJ_STATIC_PIE;
}

static int shrink_one(struct mentry *e, const struct root *r, const struct shrink_opts *o,
		      struct shrink_stats *st, struct strlist *notes, struct strbuf *err)
{
	struct strip_opts so = { .mode = o->strip, .sections = o->sections, .debug_fd = -1 };
	struct strip_result res;
	struct strbuf why = STRBUF_INIT;
	struct elfobj *obj = NULL;
	char magic[SELFMAG], *dbgname = NULL;
	int in, out = -1, ret = 0;

	in = mentry_open(e, r, err);
	if (in < 0)
		return in;
	st->before += (unsigned long long)e->size;
	if (pread(in, magic, SELFMAG, 0) != SELFMAG || memcmp(magic, ELFMAG, SELFMAG) ||
	    elfobj_parse_fd(in, &obj, &why) < 0) {
		st->floor += (unsigned long long)e->size;
		st->after += (unsigned long long)e->size;
		goto out;
	}
	st->elf++;
	st->floor += obj->load_size;
	if (o->strip != STRIP_NONE) {
		if (o->debug_dir) {
			char id[41];

			if (strip_build_id(in, id) == 0 && *id) {
				so.debug_fd = debug_file(o->debug_dir, id, &dbgname);
				if (so.debug_fd < 0) {
					ret = seterr(err, so.debug_fd, "'%s': %s", o->debug_dir,
						     strerror(-so.debug_fd));
					goto out;
				}
				so.debuglink = path_basename(dbgname);
			} else {
				note(notes, e->path, "no build-id: its debug information is not kept", "");
			}
		}
		out = memfd_create("scratchroot-strip", MFD_CLOEXEC);
		if (out < 0) {
			ret = seterr(err, -errno, "memfd_create: %s", strerror(errno));
			goto out;
		}
		lseek(in, 0, SEEK_SET);
		strbuf_reset(&why);
		ret = strip_fd(in, out, &so, &res, &why);
		if (ret == -ENOTSUP) {
			note(notes, e->path, "left as it is: ", why.buf);
			ret = 0;
		} else if (ret < 0) {
			seterr(err, ret, "'%s': strip: %s", e->src, why.buf);
			goto out;
		} else if (res.stripped) {
			e->orig_size = e->size;
			e->size = res.out_size;
			e->shrunk = true;
			e->shrunk_fd = out;
			out = -1;
			st->stripped++;
		}
	}
	if (o->upx_args && packable(obj, o)) {
		int bytes = mentry_open(e, r, err);

		if (bytes < 0) {
			ret = bytes;
			goto out;
		}
		if (!e->shrunk)
			e->orig_size = e->size;
		ret = pack(e, bytes, o, notes);
		close(bytes);
		if (ret < 0) {
			seterr(err, ret, "'%s': upx: %s", e->path, strerror(-ret));
			goto out;
		}
		st->packed += e->shrunk;
	}
	st->after += (unsigned long long)e->size;
out:
	if (so.debug_fd >= 0) {
		struct stat dst;

		/* Nothing worth keeping (already split by the distribution). */
		if (fstat(so.debug_fd, &dst) == 0 && dst.st_size == 0)
			unlink(dbgname);
		close(so.debug_fd);
	}
	if (out >= 0)
		close(out);
	close(in);
	elfobj_free(obj);
	free(dbgname);
	strbuf_release(&why);
	return ret;
}

int shrink_manifest(struct manifest *m, const struct root *r, const struct shrink_opts *o,
		    struct shrink_stats *st, struct strlist *notes, struct strbuf *err)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < m->n; i++) {
		struct mentry *e = &m->v[i];
		int ret;

		if (sr_interrupted)
			return seterr(err, -EINTR, "interrupted");
		if (e->type == M_DATA) {
			st->before += (unsigned long long)e->size;
			st->after += (unsigned long long)e->size;
			st->floor += (unsigned long long)e->size;
		}
		if (e->type != M_FILE)
			continue;
		ret = shrink_one(e, r, o, st, notes, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}
