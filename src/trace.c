/* trace: records, the record file, the filters; see trace.h.  The run is
 * tracer.c's, the image traceimage.c's. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"
#include "scratchroot/trace.h"

#define MAX_RECORD_FILE (256u << 20)
#define MAX_SCRIPT_NESTING 4	/* Linux's BINPRM_MAX_RECURSION */

static const char *const kind_names[TRACE_N_KINDS] = {
	[TRACE_PROBED] = "probed",   [TRACE_STAT] = "stat",	  [TRACE_READLINK] = "readlink",
	[TRACE_CHDIR] = "chdir",     [TRACE_WRITTEN] = "written", [TRACE_MAPPED] = "mapped",
	[TRACE_OPENED] = "opened",   [TRACE_EXEC] = "exec",	  [TRACE_CREATED] = "created",
};

const char *trace_kind_name(enum trace_kind k)
{
	return k < TRACE_N_KINDS ? kind_names[k] : "?";
}

int trace_kind_parse(const char *name)
{
	for (int k = 0; k < TRACE_N_KINDS; k++)
		if (!strcmp(kind_names[k], name))
			return k;
	return -1;
}

void trace_init(struct trace *t)
{
	memset(t, 0, sizeof(*t));
}

static void run_release(struct trace_run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	free(r->label);
	free(r->outcome);
}

void trace_release(struct trace *t)
{
	for (size_t i = 0; i < t->n_runs; i++)
		run_release(&t->runs[i]);
	free(t->runs);
	for (size_t i = 0; i < t->n_rules; i++)
		free(t->rules[i].glob);
	free(t->rules);
	for (size_t i = 0; i < t->n_merged; i++) {
		free(t->merged[i].path);
		if (t->dec) {
			free(t->dec[i].real);
			free(t->dec[i].fate_buf);
			free(t->dec[i].beside);
		}
	}
	free(t->merged);
	free(t->dec);
	strlist_clear(&t->never);
	strlist_clear(&t->scripts);
	trace_init(t);
}

struct trace_run *trace_new_run(struct trace *t, const char *label)
{
	struct trace_run *r;

	t->runs = xrealloc(t->runs, (t->n_runs + 1) * sizeof(*t->runs));
	r = &t->runs[t->n_runs++];
	memset(r, 0, sizeof(*r));
	r->label = xstrdup(label);
	return r;
}

void trace_drop_run(struct trace *t)
{
	if (t->n_runs)
		run_release(&t->runs[--t->n_runs]);
}

void trace_run_add(struct trace_run *r, const struct trace_rec *rec)
{
	struct trace_rec *n;

	r->v = xgrow(r->v, &r->alloc, r->n + 1, sizeof(*r->v));
	n = &r->v[r->n++];
	*n = *rec;
	n->path = xstrdup(rec->path);
}

static int cmp_rec(const void *a, const void *b)
{
	const struct trace_rec *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	/* The highest kind first, then the smallest pid: the one kept. */
	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind > y->kind ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->syscall, y->syscall);
}

/* Sorts V[0..*N) and keeps the first record of each path. */
static void sort_uniq(struct trace_rec *v, size_t *n)
{
	size_t k = 0;

	qsort(v, *n, sizeof(*v), cmp_rec);
	for (size_t i = 0; i < *n; i++) {
		if (k && !strcmp(v[k - 1].path, v[i].path)) {
			free(v[i].path);
			continue;
		}
		v[k++] = v[i];
	}
	*n = k;
}

void trace_run_sort(struct trace_run *r)
{
	sort_uniq(r->v, &r->n);
}

void trace_merge(struct trace *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_merged; i++)
		free(t->merged[i].path);
	free(t->merged);
	for (size_t i = 0; i < t->n_runs; i++)
		n += t->runs[i].n;
	t->merged = xcalloc(n + 1, sizeof(*t->merged));
	t->n_merged = 0;
	for (size_t i = 0; i < t->n_runs; i++)
		for (size_t j = 0; j < t->runs[i].n; j++) {
			t->merged[t->n_merged] = t->runs[i].v[j];
			t->merged[t->n_merged++].path = xstrdup(t->runs[i].v[j].path);
		}
	sort_uniq(t->merged, &t->n_merged);
}

/* ---- the record file ---- */

void trace_escape(struct strbuf *out, const char *path)
{
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if (*c == '\\')
			strbuf_addstr(out, "\\\\");
		else if (*c == '\t')
			strbuf_addstr(out, "\\t");
		else if (*c == '\n')
			strbuf_addstr(out, "\\n");
		else if (*c == '\r')
			strbuf_addstr(out, "\\r");
		else if (*c < 0x20 || *c == 0x7f)
			strbuf_addf(out, "\\x%02x", *c);
		else
			strbuf_addch(out, (char)*c);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int trace_unescape(const char *s, size_t len, struct strbuf *out)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '\0')
			return -EINVAL;
		if (s[i] != '\\') {
			strbuf_addch(out, s[i]);
			continue;
		}
		if (++i >= len)
			return -EINVAL;
		switch (s[i]) {
		case '\\':
			strbuf_addch(out, '\\');
			break;
		case 't':
			strbuf_addch(out, '\t');
			break;
		case 'n':
			strbuf_addch(out, '\n');
			break;
		case 'r':
			strbuf_addch(out, '\r');
			break;
		case 'x':
			if (i + 2 >= len || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0 || (hi == 0 && lo == 0))
				return -EINVAL;
			strbuf_addch(out, (char)(hi << 4 | lo));
			i += 2;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int trace_save(const struct trace *t, int fd, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	strbuf_addstr(&sb, TRACE_FORMAT "\n");
	strbuf_addstr(&sb, "# PATH\\tKIND\\tPID\\tSYSCALL, sorted by path: what scratchroot --trace saw\n");
	for (size_t i = 0; i < t->n_runs; i++) {
		strbuf_addstr(&sb, "# ");
		trace_escape(&sb, t->runs[i].label);
		if (t->runs[i].outcome) {
			strbuf_addstr(&sb, ": ");
			trace_escape(&sb, t->runs[i].outcome);
		}
		strbuf_addch(&sb, '\n');
	}
	for (size_t i = 0; i < t->n_merged; i++) {
		const struct trace_rec *r = &t->merged[i];

		trace_escape(&sb, r->path);
		strbuf_addf(&sb, "\t%s\t%d\t%s\n", trace_kind_name(r->kind), r->pid, r->syscall);
	}
	ret = write_all(fd, sb.buf, sb.len);
	if (ret < 0)
		seterr(err, ret, "%s", strerror(-ret));
	strbuf_release(&sb);
	return ret;
}

/* One record line (LEN bytes at S, no newline) into REC (path in PATH). */
static int parse_line(const char *s, size_t len, struct trace_rec *rec, struct strbuf *path)
{
	const char *f[4], *end = s + len;
	size_t flen[4];
	char num[16];
	char *e;
	long pid;
	int kind;

	for (int i = 0; i < 4; i++) {
		const char *tab = memchr(s, '\t', (size_t)(end - s));

		if (i < 3 && !tab)
			return -EINVAL;
		if (i == 3 && tab)
			return -EINVAL;
		f[i] = s;
		flen[i] = (size_t)((i < 3 ? tab : end) - s);
		s = i < 3 ? tab + 1 : end;
	}
	strbuf_reset(path);
	if (trace_unescape(f[0], flen[0], path) < 0 || path->buf[0] != '/' ||
	    flen[1] >= sizeof(num) || flen[2] >= sizeof(num) || !flen[2] ||
	    !flen[3] || flen[3] >= sizeof(rec->syscall))
		return -EINVAL;
	memcpy(num, f[1], flen[1]);
	num[flen[1]] = '\0';
	if ((kind = trace_kind_parse(num)) < 0)
		return -EINVAL;
	memcpy(num, f[2], flen[2]);
	num[flen[2]] = '\0';
	errno = 0;
	pid = strtol(num, &e, 10);
	if (errno || *e || pid < 0 || pid > INT32_MAX || num[0] == '-' || num[0] == '+')
		return -EINVAL;
	for (size_t i = 0; i < flen[3]; i++)
		if (!((f[3][i] >= 'a' && f[3][i] <= 'z') || (f[3][i] >= '0' && f[3][i] <= '9') ||
		      f[3][i] == '_'))
			return -EINVAL;
	memset(rec, 0, sizeof(*rec));
	memcpy(rec->syscall, f[3], flen[3]);
	rec->kind = (enum trace_kind)kind;
	rec->pid = (int)pid;
	rec->path = path->buf;
	return 0;
}

int trace_load_buf(struct trace *t, const char *label, const char *buf, size_t len,
		   struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	struct trace_run *r;
	const char *end = buf + len, *nl = memchr(buf, '\n', len);
	size_t line = 1, hlen = strlen(TRACE_FORMAT);
	int ret = 0;

	if (!nl || (size_t)(nl - buf) != hlen || memcmp(buf, TRACE_FORMAT, hlen)) {
		if (len > 18 && !memcmp(buf, "scratchroot-trace ", 18))
			return seterr(err, -EINVAL,
				      "a record of another version (%.*s); this scratchroot reads '%s'",
				      (int)((nl ? nl : end) - buf > 40 ? 40 : (nl ? nl : end) - buf),
				      buf, TRACE_FORMAT);
		return seterr(err, -EINVAL, "not a scratchroot --trace-record file (no '%s' line)",
			      TRACE_FORMAT);
	}
	r = trace_new_run(t, label);
	for (const char *s = nl + 1; s < end; s = nl + 1) {
		struct trace_rec rec;

		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl) {
			ret = seterr(err, -EINVAL, "line %zu: the file ends in the middle of a line", line);
			break;
		}
		if (nl == s || *s == '#')
			continue;
		if (parse_line(s, (size_t)(nl - s), &rec, &path) < 0) {
			ret = seterr(err, -EINVAL, "line %zu: not PATH<tab>KIND<tab>PID<tab>SYSCALL",
				     line);
			break;
		}
		trace_run_add(r, &rec);
	}
	strbuf_release(&path);
	if (ret < 0) {
		run_release(r);
		t->n_runs--;
		return ret;
	}
	trace_run_sort(r);
	return 0;
}

int trace_load(struct trace *t, const char *path, struct strbuf *err)
{
	struct strbuf label = STRBUF_INIT, why = STRBUF_INIT;
	char *buf = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return seterr(err, -errno, "'%s': %s", path, strerror(errno));
	ret = read_file_fd(fd, MAX_RECORD_FILE, &buf, &len);
	close(fd);
	if (ret < 0)
		return seterr(err, ret, "'%s': %s", path,
			      ret == -EFBIG ? "larger than a record file can be" : strerror(-ret));
	strbuf_addstrs(&label, "record ", path, NULL);
	ret = trace_load_buf(t, label.buf, buf, len, &why);
	if (ret < 0)
		seterr(err, ret, "'%s': %s", path, why.buf);
	free(buf);
	strbuf_release(&label);
	strbuf_release(&why);
	return ret;
}

/* ---- filters ---- */

static void add_rule(struct trace *t, const char *glob, bool include, bool builtin)
{
	t->rules = xrealloc(t->rules, (t->n_rules + 1) * sizeof(*t->rules));
	t->rules[t->n_rules++] = (struct trace_rule){ xstrdup(glob), include, builtin };
}

void trace_add_builtin_rules(struct trace *t, const char *tmpdir)
{
	add_rule(t, "/etc/ld.so.cache", false, true);
	add_rule(t, "/tmp", false, true);
	add_rule(t, "/var/tmp", false, true);
	if (tmpdir && tmpdir[0] == '/' && strcmp(tmpdir, "/")) {
		char *clean = trace_path_join("/", tmpdir);

		if (strcmp(clean, "/tmp") && strcmp(clean, "/var/tmp") && strcmp(clean, "/"))
			add_rule(t, clean, false, true);
		free(clean);
	}
}

void trace_add_rule(struct trace *t, const char *glob, bool include)
{
	add_rule(t, glob, include, false);
}

void trace_never(struct trace *t, const char *path)
{
	if (path && path[0] == '/' && strcmp(path, "/")) {
		char *clean = trace_path_join("/", path);

		strlist_take(&t->never, clean);
	}
}

/* Whether PATH is DIR or lies below it. */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

bool trace_unrecorded(const char *path)
{
	static const char *const dirs[] = { "/proc", "/sys", "/dev", "/run" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (under(path, dirs[i]))
			return true;
	return false;
}

/* Whether GLOB matches PATH or one of the directories above it. */
static bool glob_covers(const char *glob, const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, path, n + 1);
	for (;;) {
		char *slash;

		if (fnmatch(glob, buf, 0) == 0)
			return true;
		slash = strrchr(buf, '/');
		if (!slash || slash == buf)
			return false;
		*slash = '\0';
	}
}

const char *trace_left_out(const struct trace *t, const char *path, struct strbuf *buf)
{
	const struct trace_rule *last = NULL;

	if (trace_unrecorded(path))
		return "left out: under /proc, /sys, /dev or /run";
	for (size_t i = 0; i < t->never.n; i++)
		if (under(path, t->never.v[i]))
			return "left out: an output or a file of the tracer's";
	for (size_t i = 0; i < t->n_rules; i++)
		if (glob_covers(t->rules[i].glob, path))
			last = &t->rules[i];
	if (!last || last->include)
		return NULL;
	strbuf_reset(buf);
	if (last->builtin && !strcmp(last->glob, "/etc/ld.so.cache"))
		strbuf_addstr(buf, "left out: the loader's cache; the image is searched without "
			      "one (--trace-include brings it back)");
	else if (last->builtin)
		strbuf_addstrs(buf, "left out: under ", last->glob,
			       ", a temporary directory (--trace-include brings it back)", NULL);
	else
		strbuf_addstrs(buf, "left out: --trace-exclude '", last->glob, "'", NULL);
	return buf->buf;
}

/* ---- paths ---- */

char *trace_path_join(const char *base, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	for (int part = path[0] == '/' ? 1 : 0; part < 2; part++) {
		const char *c = part ? path : base;

		while (*c) {
			size_t n;

			while (*c == '/')
				c++;
			n = strcspn(c, "/");
			if (n && !(n == 1 && c[0] == '.')) {
				strbuf_addch(&sb, '/');
				strbuf_add(&sb, c, n);
			}
			c += n;
		}
	}
	if (!sb.len)
		strbuf_addch(&sb, '/');
	return strbuf_detach(&sb);
}

bool trace_pyc_source(const char *pyc, char **ret_source, char **ret_beside)
{
	const char *base = path_basename(pyc), *dot, *cache;
	size_t n = strlen(pyc), dlen;
	struct strbuf sb = STRBUF_INIT;

	if (n < 4 || strcmp(pyc + n - 4, ".pyc") || base == pyc)
		return false;
	/* D/__pycache__/NAME.TAG.pyc: NAME has no dot, TAG is not empty. */
	cache = base - 1 - strlen("__pycache__");
	if (cache <= pyc || strncmp(cache, "__pycache__/", 12) || cache[-1] != '/')
		return false;
	dot = strchr(base, '.');
	if (!dot || dot == base || dot + 1 >= pyc + n - 4)
		return false;
	dlen = (size_t)(cache - pyc);	/* "D/" */
	strbuf_add(&sb, pyc, dlen);
	strbuf_add(&sb, base, (size_t)(dot - base));
	strbuf_addstr(&sb, ".py");
	*ret_source = strbuf_detach(&sb);
	strbuf_add(&sb, pyc, dlen);
	strbuf_add(&sb, base, (size_t)(dot - base));
	strbuf_addstr(&sb, ".pyc");
	*ret_beside = strbuf_detach(&sb);
	return true;
}

/* The absolute path of PROG as execvp() finds it. */
static int find_in_path(const char *prog, const char *cwd, char **ret)
{
	const char *path = getenv("PATH");
	int ret_err = -ENOENT;

	if (strchr(prog, '/')) {
		*ret = prog[0] == '/' ? xstrdup(prog) : path_join(cwd, prog);
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, ":");
		struct strbuf sb = STRBUF_INIT;
		struct stat st;

		/* An empty entry is the working directory. */
		if (n)
			strbuf_add(&sb, p, n);
		else
			strbuf_addstr(&sb, cwd);
		if (sb.buf[0] != '/') {
			char *abs = path_join(cwd, sb.buf);

			strbuf_reset(&sb);
			strbuf_addstr(&sb, abs);
			free(abs);
		}
		strbuf_addstrs(&sb, "/", prog, NULL);
		if (stat(sb.buf, &st) == 0 && S_ISREG(st.st_mode) && access(sb.buf, X_OK) == 0) {
			*ret = trace_path_join("/", sb.buf);
			strbuf_release(&sb);
			return 0;
		}
		if (errno == EACCES)
			ret_err = -EACCES;
		strbuf_release(&sb);
		p += n;
		if (!*p)
			break;
	}
	return ret_err;
}

int trace_find_program(const char *program, const char *cwd, char **ret,
		       struct strlist *scripts, struct strbuf *err)
{
	char *path = NULL;
	int r = find_in_path(program, cwd, &path);

	if (r < 0)
		return seterr(err, r, "'%s': %s", program,
			      strchr(program, '/') ? strerror(-r) : "not found in PATH");
	for (int depth = 0;; depth++) {
		char head[256], *interp = NULL;
		ssize_t n;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			r = seterr(err, -errno, "'%s': %s", path, strerror(errno));
			break;
		}
		n = read(fd, head, sizeof(head));
		close(fd);
		if (n < 0) {
			r = seterr(err, -errno, "'%s': %s", path, strerror(errno));
			break;
		}
		if (!elfobj_is_script(head, (size_t)n, &interp)) {
			*ret = path;
			return 0;
		}
		if (depth >= MAX_SCRIPT_NESTING || !interp[0]) {
			r = seterr(err, !interp[0] ? -ENOEXEC : -ELOOP, "'%s': %s", path,
				   !interp[0] ? "a #! line without an interpreter"
					      : "#! interpreters nested too deep");
			free(interp);
			break;
		}
		strlist_add(scripts, path);
		free(path);
		path = interp[0] == '/' ? trace_path_join("/", interp) : path_join(cwd, interp);
		free(interp);
	}
	free(path);
	return r;
}
