/* output: temporaries, locks, renames and exchanges for every output; see
 * output.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/output.h"
#include "scratchroot/root.h"

#define MAX_DEPTH 256
#define BARE "scratchroot-"	/* a temporary of no name: ".scratchroot-..." */
#define SUFFIX "." BARE

/* ---- guards ---- */

static void dev_key(char key[48], const struct stat *st)
{
	snprintf(key, 48, "%llx:%llx", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino);
}

/* Adds (ST, WHAT) unless that file is there already; false when it was. */
static bool guard_add(struct output_guards *g, const struct stat *st, const char *what,
		      bool is_root)
{
	char key[48];
	void **slot;

	dev_key(key, st);
	slot = strmap_put(&g->seen, key);
	if (*slot) {
		/* The sysroot keeps its mark, whoever walked past it first. */
		g->v[(size_t)(uintptr_t)*slot - 1].is_root |= is_root;
		return false;
	}
	g->v = xgrow(g->v, &g->alloc, g->n + 1, sizeof(*g->v));
	g->v[g->n] = (struct output_guard){ st->st_dev, st->st_ino, what, is_root };
	*slot = (void *)(uintptr_t)(g->n + 1);
	g->n++;
	return true;
}

void output_guard(struct output_guards *g, const char *path, const char *what, bool is_root)
{
	const char *w = arena_strdup(&g->arena, what);
	struct stat st, up;
	int fd, parent;

	if (stat(path, &st) < 0)
		return;
	guard_add(g, &st, w, is_root);
	/* The directory the file is in (or the directory itself), then the
	 * ones above it, until "/" or one already known. */
	if (S_ISDIR(st.st_mode)) {
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		char *dir = path_dirname(path);

		fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		free(dir);
		if (fd >= 0 && (fstat(fd, &st) < 0 || !guard_add(g, &st, w, false))) {
			close(fd);
			return;
		}
	}
	for (unsigned depth = 0; fd >= 0 && depth < MAX_DEPTH; depth++) {
		parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = parent;
		if (fd < 0 || fstat(fd, &up) < 0 ||
		    (up.st_dev == st.st_dev && up.st_ino == st.st_ino) ||
		    !guard_add(g, &up, w, false))
			break;
		st = up;
	}
	if (fd >= 0)
		close(fd);
}

void output_guards_release(struct output_guards *g)
{
	free(g->v);
	strmap_clear(&g->seen, NULL);
	arena_release(&g->arena);
	*g = (struct output_guards)OUTPUT_GUARDS_INIT;
}

static const struct output_guard *guarded(const struct output_guards *g, const struct stat *st)
{
	char key[48];
	size_t i;

	if (!g)
		return NULL;
	dev_key(key, st);
	i = (size_t)(uintptr_t)strmap_get(&g->seen, key);
	return i ? &g->v[i - 1] : NULL;
}

/* The sysroot, when the directory open as FD is it or lies inside it. */
static const struct output_guard *inside_root(const struct output_guards *g, int fd)
{
	const struct output_guard *hit = NULL;
	struct stat st, up;
	int cur;

	if (!g || !g->n || (cur = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return NULL;
	for (unsigned depth = 0; depth < MAX_DEPTH && fstat(cur, &st) == 0; depth++) {
		int parent;

		hit = guarded(g, &st);
		if (hit && hit->is_root)
			break;
		hit = NULL;
		parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0 || fstat(parent, &up) < 0 ||
		    (up.st_dev == st.st_dev && up.st_ino == st.st_ino)) {
			if (parent >= 0)
				close(parent);
			break;
		}
		close(cur);
		cur = parent;
	}
	close(cur);
	return hit;
}

/* ---- temporaries ---- */

/* A temporary name in its directory: ".OF.scratchroot-" and 16 random hex
 * digits (OF NULL: ".scratchroot-..."). */
static char *temp_name(const char *of)
{
	unsigned char r[8];
	struct strbuf sb = STRBUF_INIT;
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0 && errno != EINTR)
			abort();
		got += n > 0 ? (size_t)n : 0;
	}
	strbuf_addstrs(&sb, ".", of ? of : "", of ? SUFFIX : BARE, NULL);
	for (size_t i = 0; i < sizeof(r); i++)
		strbuf_addf(&sb, "%02x", r[i]);
	return strbuf_detach(&sb);
}

/* Whether NAME (an entry of a directory) is a temporary of OF. */
static bool is_temp_of(const char *name, const char *of)
{
	size_t n = of ? strlen(of) : 0;

	if (name[0] != '.')
		return false;
	if (!of)
		return !strncmp(name + 1, BARE, strlen(BARE));
	return !strncmp(name + 1, of, n) && !strncmp(name + 1 + n, SUFFIX, strlen(SUFFIX));
}

/* Locks the temporary open as FD, named NAME in DFD: false when the name
 * no longer leads to it (a clean-up took it before the lock). */
static bool lock_temp(int dfd, const char *name, int fd)
{
	struct stat a, b;

	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return false;
	return fstat(fd, &a) == 0 && fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Makes and locks a temporary directory (DIR) or file of OF in DFD.
 * Returns its fd, its name in *RET_NAME, or -errno. */
static int make_temp(int dfd, const char *of, bool dir, char **ret_name)
{
	for (int tries = 0; tries < 16; tries++) {
		char *name = temp_name(of);
		int fd, e;

		if (dir)
			fd = mkdirat(dfd, name, 0700) < 0
				     ? -1
				     : openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		else
			fd = openat(dfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				    0600);
		e = errno;
		if (fd >= 0 && lock_temp(dfd, name, fd)) {
			*ret_name = name;
			return fd;
		}
		if (fd >= 0)
			close(fd);
		free(name);
		/* EEXIST: the name was taken; ENOENT: another run's clean-up
		 * took the directory before it was opened and locked. */
		if (fd < 0 && e != EEXIST && e != ENOENT)
			return -e;
	}
	return -EEXIST;
}

/* Empties the directory open as FD, never following a symlink. */
static int empty_dir(int fd)
{
	struct strlist names = STRLIST_INIT;
	int ret;

	/* A read-only directory of our own tree (from --add) must open up
	 * to be emptied: the fd is the directory itself, never a link. */
	fchmod(fd, S_IRWXU);
	ret = dir_list(fd, &names);
	for (size_t i = 0; i < names.n; i++) {
		int r = output_remove_tree(fd, names.v[i]);

		if (r < 0)
			ret = r;
	}
	strlist_clear(&names);
	return ret;
}

int output_remove_tree(int dfd, const char *name)
{
	int fd, ret;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = empty_dir(fd);
	close(fd);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && !ret)
		ret = -errno;
	return ret;
}

/* Removes the temporaries of OF in DFD that nobody holds and that our own
 * user made: what runs killed before their end left behind. */
static void remove_stale(int dfd, const char *of)
{
	struct strlist names = STRLIST_INIT;

	if (dir_list(dfd, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		struct stat st, again;
		int fd;

		if (!is_temp_of(n, of))
			continue;
		fd = openat(dfd, n, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
		    (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstatat(dfd, n, &again, AT_SYMLINK_NOFOLLOW) == 0 &&
		    again.st_dev == st.st_dev && again.st_ino == st.st_ino) {
			if (S_ISDIR(st.st_mode))
				empty_dir(fd);
			unlinkat(dfd, n, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
		}
		close(fd);
	}
	strlist_clear(&names);
}

/* ---- opening ---- */

static void output_init(struct output *o)
{
	memset(o, 0, sizeof(*o));
	o->pfd = o->fd = o->mnt_fd = -1;
}

/* Splits PATH into O's parent directory (opened) and name. */
static int open_parent(struct output *o, const char *path, struct strbuf *err)
{
	char *trimmed = xstrdup(path), *parent;
	size_t n = strlen(trimmed);
	int e;

	while (n > 1 && trimmed[n - 1] == '/')
		trimmed[--n] = '\0';
	parent = path_dirname(trimmed);
	o->name = xstrdup(path_basename(trimmed));
	free(trimmed);
	if (!*o->name || !strcmp(o->name, ".") || !strcmp(o->name, "..") ||
	    !strcmp(o->name, "/")) {
		free(parent);
		return seterr(err, -EINVAL, "'%s': give the name of a new directory or file", path);
	}
	o->pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	e = errno;
	if (o->pfd < 0)
		seterr(err, -e, "'%s': %s", parent, strerror(e));
	free(parent);
	return o->pfd < 0 ? -e : 0;
}

/* Fails with "'PATH': REASON", O aborted. */
static int refuse(struct output *o, struct strbuf *err, int e, const char *reason,
		  const char *arg)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstrs(&sb, reason, arg ? arg : "", NULL);
	seterr(err, e, "'%s': %s", o->path, sb.buf);
	strbuf_release(&sb);
	output_abort(o);
	return e;
}

/* Whether the directory open as FD, with stat ST, is a mount point (on
 * another filesystem than its parent PFD, or the kernel says so). */
static bool mount_point(int pfd, int fd, const struct stat *st)
{
	struct statx sx;
	struct stat pst;

	if (fstat(pfd, &pst) == 0 && pst.st_dev != st->st_dev)
		return true;
	return statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 &&
	       (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* Whether the directory open as FD holds anything but temporaries. */
static int holds_something(int fd, bool *yes)
{
	struct strlist names = STRLIST_INIT;
	int ret = dir_list(fd, &names);

	*yes = false;
	for (size_t i = 0; i < names.n; i++)
		*yes |= !is_temp_of(names.v[i], NULL);
	strlist_clear(&names);
	return ret;
}

static int open_dir(struct output *o, const char *path, bool force, bool merge,
		    const struct output_guards *g, struct strbuf *err)
{
	const struct output_guard *hit;
	struct stat st;
	bool full = false;
	int ret, dfd = -1;

	output_init(o);
	o->path = xstrdup(path);
	o->kind = OUTPUT_DIR;
	o->force = force;
	if ((ret = open_parent(o, path, err)) < 0) {
		output_abort(o);
		return ret;
	}
	if ((hit = inside_root(g, o->pfd)))
		return refuse(o, err, -EPERM, "lies inside the sysroot, which is read from", NULL);
	if (fstatat(o->pfd, o->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return refuse(o, err, -errno, strerror(errno), NULL);
	} else if (S_ISLNK(st.st_mode)) {
		return refuse(o, err, -ELOOP, "is a symlink; give the directory it points to", NULL);
	} else if (!S_ISDIR(st.st_mode)) {
		return refuse(o, err, -ENOTDIR, "exists and is not a directory", NULL);
	} else {
		o->exists = true;
		if ((hit = guarded(g, &st)) && !merge)
			return refuse(o, err, -EPERM, "is or holds ", hit->what);
		dfd = openat(o->pfd, o->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0 || holds_something(dfd, &full) < 0) {
			ret = -errno;
			if (dfd >= 0)
				close(dfd);
			return refuse(o, err, ret, strerror(-ret), NULL);
		}
	}
	if (merge && o->exists) {
		/* Written into as it is. */
		o->merge = true;
		o->fd = dfd;
		return 0;
	}
	if (full && !force) {
		close(dfd);
		return refuse(o, err, -ENOTEMPTY, "not empty (--force replaces it, atomically)", NULL);
	}
	if (o->exists && mount_point(o->pfd, dfd, &st)) {
		/* A volume: filled through a temporary inside it. */
		o->mnt_fd = dfd;
		remove_stale(dfd, NULL);
		ret = make_temp(dfd, NULL, true, &o->tmp);
	} else {
		if (dfd >= 0)
			close(dfd);
		remove_stale(o->pfd, o->name);
		ret = make_temp(o->pfd, o->name, true, &o->tmp);
	}
	if (ret < 0)
		return refuse(o, err, ret, "cannot create a temporary directory beside it: ",
			      strerror(-ret));
	o->fd = ret;
	return 0;
}

int output_dir(struct output *o, const char *path, bool force, const struct output_guards *g,
	       struct strbuf *err)
{
	return open_dir(o, path, force, false, g, err);
}

int output_merge(struct output *o, const char *path, const struct output_guards *g,
		 struct strbuf *err)
{
	return open_dir(o, path, false, true, g, err);
}

int output_file(struct output *o, const char *path, bool force, const struct output_guards *g,
		struct strbuf *err)
{
	const struct output_guard *hit;
	struct stat st, lst;
	char *real = NULL;
	int ret;

	output_init(o);
	o->path = xstrdup(path);
	o->kind = OUTPUT_FILE;
	o->force = force;
	if (!strcmp(path, "-")) {
		o->stream = true;
		o->fd = STDOUT_FILENO;
		return 0;
	}
	/* A symlink to a regular file: the file is replaced where it is. */
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode))
		real = realpath(path, NULL);
	ret = open_parent(o, real ? real : path, err);
	free(real);
	if (ret < 0) {
		output_abort(o);
		return ret;
	}
	if (fstatat(o->pfd, o->name, &st, 0) == 0) {
		o->exists = true;
		if ((hit = guarded(g, &st)))
			return refuse(o, err, -EPERM, "is ", hit->what);
		if (S_ISDIR(st.st_mode))
			return refuse(o, err, -EISDIR, "is a directory", NULL);
		if (!S_ISREG(st.st_mode)) {
			/* A device, a FIFO, a socket: written into, never
			 * replaced (and so not atomically). */
			o->stream = true;
			o->fd = openat(o->pfd, o->name, O_WRONLY | O_NOCTTY | O_CLOEXEC);
			if (o->fd < 0)
				return refuse(o, err, -errno, strerror(errno), NULL);
			return 0;
		}
		if (!force)
			return refuse(o, err, -EEXIST, "exists (--force replaces it, atomically)", NULL);
	} else if (errno != ENOENT) {
		return refuse(o, err, -errno, strerror(errno), NULL);
	}
	if ((hit = inside_root(g, o->pfd)))
		return refuse(o, err, -EPERM, "lies inside the sysroot, which is read from", NULL);
	remove_stale(o->pfd, o->name);
	ret = make_temp(o->pfd, o->name, false, &o->tmp);
	if (ret < 0)
		return refuse(o, err, ret, "cannot create a temporary file beside it: ",
			      strerror(-ret));
	o->fd = ret;
	return 0;
}

int output_scratch(struct output *o, int dfd, const char *parent, struct strbuf *err)
{
	int ret;

	output_init(o);
	o->path = xstrdup(parent);
	o->kind = OUTPUT_DIR;
	o->pfd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	if (o->pfd < 0)
		return refuse(o, err, -errno, strerror(errno), NULL);
	remove_stale(o->pfd, NULL);
	ret = make_temp(o->pfd, NULL, true, &o->tmp);
	if (ret < 0)
		return refuse(o, err, ret, "cannot create a temporary directory: ", strerror(-ret));
	o->fd = ret;
	return 0;
}

/* ---- writing and publishing ---- */

/* Opens (making it) the directory COMP in DFD, never through a symlink
 * (-ELOOP when one is in the way). */
static int subdir(int dfd, const char *comp)
{
	struct stat st;
	int fd;

	if (mkdirat(dfd, comp, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return -ELOOP;
	return -errno;
}


/* Writes SRC's bytes as NAME in DFD through a temporary and a rename. */
static int place_in(int dfd, const char *name, int src, mode_t mode)
{
	char *tmp = NULL;
	int fd = make_temp(dfd, name, false, &tmp), ret;

	if (fd < 0)
		return fd;
	ret = fd_copy(src, fd);
	if (!ret && fchmod(fd, mode) < 0)
		ret = -errno;
	if (!ret && renameat(dfd, tmp, dfd, name) < 0)
		ret = -errno;
	if (ret < 0)
		unlinkat(dfd, tmp, 0);
	close(fd);
	free(tmp);
	return ret;
}

int output_place(struct output *o, const char *rel, int src, mode_t mode, struct strbuf *err)
{
	char *path = xstrdup(rel), *c = path, *slash;
	int dfd = fcntl(o->fd, F_DUPFD_CLOEXEC, 0), ret = 0;

	while (dfd >= 0 && (slash = strchr(c, '/'))) {
		int sub;

		*slash = '\0';
		if (!*c || !strcmp(c, ".") || !strcmp(c, "..")) {
			close(dfd);
			dfd = -EINVAL;
			break;
		}
		sub = subdir(dfd, c);
		close(dfd);
		dfd = sub;
		c = slash + 1;
	}
	if (dfd < 0)
		ret = dfd == -1 ? -errno : dfd;
	else if (!*c || !strcmp(c, ".") || !strcmp(c, ".."))
		ret = -EINVAL;
	else
		ret = place_in(dfd, c, src, mode);
	if (ret < 0)
		seterr(err, ret, "'%s/%s': %s", o->path, rel,
		       ret == -ELOOP ? "a symlink is in the way" : strerror(-ret));
	if (dfd >= 0)
		close(dfd);
	free(path);
	return ret;
}

/* Moves every entry of the temporary into the mount point, replacing what
 * is there under --force, then removes what is left of the old content. */
static int fill_mount(struct output *o)
{
	struct strlist news = STRLIST_INIT, olds = STRLIST_INIT;
	int ret = dir_list(o->fd, &news);

	for (size_t i = 0; !ret && i < news.n; i++) {
		const char *n = news.v[i];

		if (renameat2(o->fd, n, o->mnt_fd, n, RENAME_NOREPLACE) == 0)
			continue;
		if (errno != EEXIST || !o->force ||
		    renameat2(o->fd, n, o->mnt_fd, n, RENAME_EXCHANGE) < 0)
			ret = -errno;
	}
	if (!ret && o->force && dir_list(o->mnt_fd, &olds) == 0)
		for (size_t i = 0; i < olds.n; i++)
			if (strcmp(olds.v[i], o->tmp) && !strlist_has_sorted(&news, olds.v[i]))
				output_remove_tree(o->mnt_fd, olds.v[i]);
	strlist_clear(&news);
	strlist_clear(&olds);
	return ret;
}

/* Publishes a directory.  Sets *replaced when the temporary name now holds
 * the old tree (to remove). */
static int publish_dir(struct output *o, bool *replaced)
{
	*replaced = false;
	if (o->mnt_fd >= 0)
		return fill_mount(o);
	if (!(o->exists && o->force) && renameat(o->pfd, o->tmp, o->pfd, o->name) == 0)
		return 0;
	/* --force on a DIR that is there, or that another run made since it
	 * was looked at: exchanged. */
	if (!(o->exists && o->force) && !(o->force && (errno == ENOTEMPTY || errno == EEXIST)))
		return -errno;
	if (renameat2(o->pfd, o->tmp, o->pfd, o->name, RENAME_EXCHANGE) < 0)
		return -errno;
	*replaced = true;
	return 0;
}

static int publish(struct output *o)
{
	bool replaced = false;
	int ret = 0;

	if (o->kind == OUTPUT_FILE && (fchmod(o->fd, 0644) < 0 || fsync(o->fd) < 0))
		return -errno;
	if (o->kind == OUTPUT_DIR && fsync(o->fd) < 0)
		return -errno;
	if (o->kind == OUTPUT_FILE)
		ret = renameat(o->pfd, o->tmp, o->pfd, o->name) < 0 ? -errno : 0;
	else
		ret = publish_dir(o, &replaced);
	if (ret < 0)
		return ret;
	fsync(o->mnt_fd >= 0 ? o->mnt_fd : o->pfd);
	/* Nothing is left to remove under the temporary name but a tree
	 * replaced, or a mount point's emptied temporary. */
	if (!replaced && o->mnt_fd < 0) {
		free(o->tmp);
		o->tmp = NULL;
	}
	return 0;
}

int output_commit(struct output *o, struct strbuf *err)
{
	int ret = 0;

	if (o->stream || o->merge) {
		if (o->kind == OUTPUT_FILE && o->fd != STDOUT_FILENO && close(o->fd) < 0)
			ret = -errno;
		if (o->kind == OUTPUT_FILE)
			o->fd = -1;
	} else {
		ret = publish(o);
	}
	if (ret == -EBUSY)
		seterr(err, ret, "'%s': busy (a mount point in use?)", o->path);
	else if (ret == -ENOTEMPTY || ret == -EEXIST)
		seterr(err, ret, "'%s': another run wrote it meanwhile (--force replaces it)",
		       o->path);
	else if (ret < 0)
		seterr(err, ret, "'%s': %s", o->path, strerror(-ret));
	output_abort(o);
	return ret;
}

void output_abort(struct output *o)
{
	int dfd = o->mnt_fd >= 0 ? o->mnt_fd : o->pfd;

	if (o->tmp && dfd >= 0) {
		if (o->kind == OUTPUT_DIR)
			output_remove_tree(dfd, o->tmp);
		else
			unlinkat(dfd, o->tmp, 0);
	}
	if (o->fd >= 0 && o->fd != STDOUT_FILENO)
		close(o->fd);
	if (o->mnt_fd >= 0)
		close(o->mnt_fd);
	if (o->pfd >= 0)
		close(o->pfd);
	free(o->tmp);
	free(o->name);
	free(o->path);
	output_init(o);
}
