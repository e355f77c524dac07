/*
 * main: the command line.  Parses options, runs the walk, turns the result
 * into a manifest and hands it to the sinks, picks the report, prints every
 * problem as one line "scratchroot: 'PATH': reason" on stderr, and turns the
 * outcome into the exit status.  The only file that prints or exits.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratchroot/archive.h"
#include "scratchroot/batch.h"
#include "scratchroot/check.h"
#include "scratchroot/image.h"
#include "scratchroot/needs.h"
#include "scratchroot/report.h"
#include "scratchroot/shrink.h"
#include "scratchroot/tree.h"
#include "scratchroot/walk.h"

enum { EXIT_JOB = 1, EXIT_USAGE = 2 };
enum mode { MODE_NONE, MODE_TREE, MODE_LIST, MODE_OUTPUT };

static const char usage_text[] =
	"Usage: scratchroot [OPTION]... -o DIR FILE[:DEST]...\n"
	"  or:  scratchroot [OPTION]... --tar FILE FILE[:DEST]...\n"
	"  or:  scratchroot [OPTION]... --tree FILE...\n"
	"  or:  scratchroot [OPTION]... --list FILE...\n"
	"Work out every file the dynamic loader opens for each ELF FILE, without\n"
	"running it, and write the smallest root filesystem that runs it, or show\n"
	"the tree, or list the paths a FROM scratch image needs.\n"
	"\n"
	"Modes:\n"
	"  -o, --output=DIR         write the root filesystem to DIR (absent or empty),\n"
	"                           atomically; FILE:DEST places FILE at DEST\n"
	"      --tar=FILE           write it as a reproducible tar (- for stdout);\n"
	"                           may be combined with -o\n"
	"  -t, --tree               show each program's dependency tree: how and for\n"
	"                           whom each library is found\n"
	"  -l, --list               print the absolute paths the image needs, sorted\n"
	"      --why                with --list: each path with the reason it is there\n"
	"\n"
	"Options:\n"
	"      --sysroot=DIR        resolve everything inside DIR as if chrooted there\n"
	"  -L, --library-path=LIST  the LD_LIBRARY_PATH the container will run with\n"
	"                           (may be repeated)\n"
	"  -a, --add=SRC[:DEST]     add a file or directory tree (may be repeated); its\n"
	"                           ELF files get their dependencies too\n"
	"      --with=NAME[=A,B]    always add bundle NAME; tzdata, gconv and locale\n"
	"                           take a list (--with tzdata=Europe/Paris,UTC)\n"
	"      --without=NAME       never add bundle NAME.  Bundles: certs (CA bundle of\n"
	"                           OpenSSL, GnuTLS, Go), nss (nsswitch.conf, modules),\n"
	"                           libgcc_s (pthread_cancel), tzdata, gconv, locale,\n"
	"                           netbase (/etc/services, /etc/protocols),\n"
	"                           dlopen-notes (.note.dlopen), base (see below).\n"
	"                           Without either, a bundle comes when needed\n"
	"      --no-base            same as --without=base: leave out /etc/passwd,\n"
	"                           /etc/group, /tmp and /home/nonroot\n"
	"      --keep-setid         keep set-user-ID and set-group-ID bits\n"
	"      --strip=MODE         strip every ELF file as it is written (the input is\n"
	"                           never touched): all (default) removes symbol tables,\n"
	"                           debug information and other sections the loader\n"
	"                           never reads; debug keeps the symbol table for\n"
	"                           readable backtraces; none copies files as they are\n"
	"      --strip-sections     also drop the section header table, down to the\n"
	"                           bytes the loader maps; gdb, objdump, readelf -S and\n"
	"                           scanners that read sections then see no sections\n"
	"      --debug-dir=DIR      keep the removed debug information in\n"
	"                           DIR/.build-id/xx/yyyy.debug, where gdb and debuginfod\n"
	"                           look, with a .gnu_debuglink in the stripped file\n"
	"      --upx[=ARGS]         pack executables (never the loader) with upx ARGS\n"
	"                           after stripping, each tested with upx -t; packed\n"
	"                           files share no pages between processes, use more\n"
	"                           memory, and hide Go build information from scanners\n"
	"      --upx-libs           pack shared libraries too\n"
	"  -f, --force              replace DIR even when it is not empty (atomically)\n"
	"      --check[=ARGS]       after writing, run each program with ARGS (default\n"
	"                           --version) in a chroot of DIR with /proc and /dev, as\n"
	"                           a container runtime would (needs root)\n"
	"  -j, --jobs=N             walk a large batch on up to N threads, 64 inputs\n"
	"                           each at least (default: one per core, at most 8);\n"
	"                           the result is the same for every N\n"
	"  -q, --quiet              no warnings and no summary\n"
	"  -h, --help               print this help and exit\n"
	"  -V, --version            print the version and exit\n"
	"\n"
	"Owners are 0:0 and every mtime is SOURCE_DATE_EPOCH (0 when unset): two runs\n"
	"give the same tree and the same tar bytes.\n"
	"\n"
	"Exit status: 0 success, 1 a file is unresolved or unreadable or the output\n"
	"could not be written (every problem is reported), 2 usage error.\n";

static void on_signal(int sig)
{
	(void)sig;
	sr_interrupted = 1;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "scratchroot: %s", msg);
	fputs("\nTry 'scratchroot --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

struct opts {
	enum mode mode;
	const char *sysroot, *output, *tar, *check_args;
	struct strlist libpath, adds;
	struct image_opts image;
	struct needs_opts needs;
	struct shrink_opts shrink;
	bool force, quiet, check, why;
	unsigned jobs;		/* 0: one per core */
	time_t mtime;
};

/* FILE:DEST: DEST is what follows the last ':' when it is absolute. */
static char *split_dest(char *arg)
{
	char *colon = strrchr(arg, ':');

	if (!colon || colon[1] != '/')
		return NULL;
	*colon = '\0';
	return colon + 1;
}

/* Each problem once, in the order first found: the same library can fail
 * the same way for many programs of a batch. */
static void print_walk_problems(const struct walk *w, bool quiet)
{
	struct strmap seen = STRMAP_INIT;
	struct strbuf line = STRBUF_INIT;

	for (size_t i = 0; i < w->n_problems; i++) {
		const struct problem *p = &w->problems[i];
		void **slot;

		if (p->warning && quiet)
			continue;
		strbuf_reset(&line);
		strbuf_addstrs(&line, "scratchroot: '", p->path, "': ",
			       p->warning ? "warning: " : "", p->msg, "\n", NULL);
		slot = strmap_put(&seen, line.buf);
		if (*slot)
			continue;
		*slot = slot;
		fputs(line.buf, stderr);
	}
	strbuf_release(&line);
	strmap_clear(&seen, NULL);
}

static void print_lines(const struct strlist *l, const char *prefix)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *tab = strchr(l->v[i], '\t');

		if (tab)
			fprintf(stderr, "scratchroot: '%.*s': %s%s\n", (int)(tab - l->v[i]),
				l->v[i], prefix, tab + 1);
		else
			fprintf(stderr, "scratchroot: %s%s\n", prefix, l->v[i]);
	}
}

static int parse_epoch(struct opts *o)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	o->mtime = 0;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0)
		return -1;
	o->mtime = (time_t)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "tree", no_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "tar", required_argument, NULL, 'T' },
		{ "sysroot", required_argument, NULL, 'S' },
		{ "library-path", required_argument, NULL, 'L' },
		{ "add", required_argument, NULL, 'a' },
		{ "no-base", no_argument, NULL, 'B' },
		{ "with", required_argument, NULL, 'W' },
		{ "without", required_argument, NULL, 'X' },
		{ "keep-setid", no_argument, NULL, 'K' },
		{ "force", no_argument, NULL, 'f' },
		{ "check", optional_argument, NULL, 'C' },
		{ "strip", required_argument, NULL, 's' },
		{ "why", no_argument, NULL, 'Y' },
		{ "strip-sections", no_argument, NULL, 'Z' },
		{ "debug-dir", required_argument, NULL, 'D' },
		{ "upx", optional_argument, NULL, 'U' },
		{ "upx-libs", no_argument, NULL, 'u' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->image.base = true;
	o->shrink.strip = STRIP_ALL;
	while ((c = getopt_long(argc, argv, "tlo:L:a:fj:qhV", longopts, NULL)) != -1) {
		enum mode m = MODE_NONE;

		switch (c) {
		case 't':
			m = MODE_TREE;
			break;
		case 'l':
			m = MODE_LIST;
			break;
		case 'o':
			o->output = optarg;
			m = MODE_OUTPUT;
			break;
		case 'T':
			o->tar = optarg;
			m = MODE_OUTPUT;
			break;
		case 'S':
			o->sysroot = optarg;
			break;
		case 'L':
			strlist_add(&o->libpath, optarg);
			break;
		case 'a':
			strlist_add(&o->adds, optarg);
			break;
		case 'B':
			o->needs.choice[BUNDLE_BASE] = BUNDLE_WITHOUT;
			break;
		case 'W':
		case 'X': {
			struct strbuf err = STRBUF_INIT;

			if (needs_parse_option(&o->needs, optarg, c == 'W', &err) < 0) {
				fprintf(stderr, "scratchroot: --%s: %s\n", c == 'W' ? "with" : "without",
					err.buf);
				strbuf_release(&err);
				return EXIT_USAGE;
			}
			break;
		}
		case 'K':
			o->image.keep_setid = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 's':
			if (!strcmp(optarg, "all"))
				o->shrink.strip = STRIP_ALL;
			else if (!strcmp(optarg, "debug"))
				o->shrink.strip = STRIP_DEBUG;
			else if (!strcmp(optarg, "none"))
				o->shrink.strip = STRIP_NONE;
			else
				return usage_error("--strip takes all, debug or none");
			break;
		case 'Z':
			o->shrink.sections = true;
			break;
		case 'Y':
			o->why = true;
			break;
		case 'D':
			o->shrink.debug_dir = optarg;
			break;
		case 'U':
			o->shrink.upx_args = optarg ? optarg : "";
			break;
		case 'u':
			o->shrink.upx_libs = true;
			break;
		case 'C':
			o->check = true;
			o->check_args = optarg ? optarg : "--version";
			break;
		case 'j': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (!*optarg || *end || n < 1 || n > BATCH_MAX_THREADS)
				return usage_error("--jobs takes a number from 1 to 8");
			o->jobs = (unsigned)n;
			break;
		}
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			printf("scratchroot %s\n", PACKAGE_VERSION);
			exit(EXIT_SUCCESS);
		default:
			fputs("Try 'scratchroot --help' for more information.\n", stderr);
			return EXIT_USAGE;
		}
		if (m != MODE_NONE) {
			if (o->mode != MODE_NONE && o->mode != m)
				return usage_error("--tree, --list and -o/--tar are exclusive");
			o->mode = m;
		}
	}
	o->image.base = o->needs.choice[BUNDLE_BASE] != BUNDLE_WITHOUT;
	if (o->mode == MODE_NONE)
		return usage_error("one of --tree, --list, -o DIR or --tar FILE is required");
	if (optind >= argc && !o->adds.n)
		return usage_error("no input FILE given");
	if (o->check && !o->output)
		return usage_error("--check needs -o DIR");
	if (o->why && o->mode != MODE_LIST)
		return usage_error("--why goes with --list");
	if (o->shrink.upx_libs && !o->shrink.upx_args)
		return usage_error("--upx-libs needs --upx");
	if (o->shrink.sections && o->shrink.strip == STRIP_NONE)
		return usage_error("--strip-sections needs stripping (--strip=all or debug)");
	if (o->shrink.upx_args) {
		struct strbuf err = STRBUF_INIT;

		if (shrink_find_upx(&err) < 0) {
			fprintf(stderr, "scratchroot: %s\n", err.buf);
			strbuf_release(&err);
			return EXIT_USAGE;
		}
	}
	if (parse_epoch(o) < 0)
		return usage_error("SOURCE_DATE_EPOCH must be a non-negative integer");
	return 0;
}

/* Adds the --add trees to M and walks the ELF files found in them. */
static int add_trees(const struct opts *o, struct manifest *m, const struct root *r,
		     struct walk *w, struct image_problems *ip)
{
	int ret = 0;

	for (size_t i = 0; i < o->adds.n; i++) {
		struct strlist src = STRLIST_INIT, dest = STRLIST_INIT;
		char *arg = xstrdup(o->adds.v[i]), *d = split_dest(arg);
		char *path = arg[0] == '/' ? xstrdup(arg) : path_join(w->cwd, arg);

		if (image_add_tree(m, r, path, d, &o->image, &src, &dest, ip) < 0)
			ret = -1;
		/* An added tree's libraries may need the RUNPATH of a program
		 * that is not there: what they miss is worth a warning only. */
		w->lenient = true;
		for (size_t k = 0; k < src.n; k++)
			walk_add_as(w, src.v[k], strcmp(src.v[k], dest.v[k]) ? dest.v[k] : NULL);
		w->lenient = false;
		strlist_clear(&src);
		strlist_clear(&dest);
		free(path);
		free(arg);
	}
	return ret;
}

static int write_tar(const struct opts *o, const struct manifest *m,
		     const struct root *r, struct strbuf *err)
{
	char *dir, tmp[PATH_MAX];
	int fd, ret;

	if (!strcmp(o->tar, "-"))
		return archive_write_tar(m, r, STDOUT_FILENO, o->mtime, err);
	dir = path_dirname(o->tar);
	snprintf(tmp, sizeof(tmp), "%s/.%s.scratchroot-%ld-XXXXXX", dir,
		 path_basename(o->tar), (long)getpid());
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		tree_remove_stale(fd, path_basename(o->tar));
		close(fd);
	}
	free(dir);
	fd = mkstemp(tmp);
	if (fd < 0)
		return seterr(err, -errno, "'%s': %s", o->tar, strerror(errno));
	ret = archive_write_tar(m, r, fd, o->mtime, err);
	if (!ret && (fchmod(fd, 0644) < 0 || fsync(fd) < 0))
		ret = seterr(err, -errno, "'%s': %s", o->tar, strerror(errno));
	if (close(fd) < 0 && !ret)
		ret = seterr(err, -errno, "'%s': %s", o->tar, strerror(errno));
	if (!ret && rename(tmp, o->tar) < 0)
		ret = seterr(err, -errno, "'%s': %s", o->tar, strerror(errno));
	if (ret)
		unlink(tmp);
	return ret;
}

static int cmp_size(const void *a, const void *b)
{
	const struct mentry *x = *(const struct mentry *const *)a;
	const struct mentry *y = *(const struct mentry *const *)b;

	return x->size < y->size ? 1 : x->size > y->size ? -1 : strcmp(x->path, y->path);
}

/* The files loaded behind DT_NEEDED's back, with their reasons. */
static void summary_runtime(const struct walk *w)
{
	for (size_t i = 0; i < w->n_progs; i++) {
		const struct program *p = w->progs[i];

		for (size_t j = 0; j < p->n_dsos; j++)
			if (p->dsos[j]->why)
				fprintf(stderr, "  run time: %s  (%s)\n", p->dsos[j]->real,
					p->dsos[j]->why);
		for (size_t j = 0; j < p->n_extras; j++)
			fprintf(stderr, "  run time: %s  (%s)\n", p->extras[j].path,
				p->extras[j].why);
	}
}

static void summary(const struct manifest *m, const struct shrink_stats *ss)
{
	const struct mentry **files = xcalloc(m->n, sizeof(*files));
	unsigned long long bytes = 0;
	size_t n = 0, links = 0, dirs = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct mentry *e = &m->v[i];

		if (e->type == M_FILE || e->type == M_DATA) {
			files[n++] = e;
			bytes += (unsigned long long)e->size;
		} else if (e->type == M_LINK) {
			links++;
		} else {
			dirs++;
		}
	}
	qsort(files, n, sizeof(*files), cmp_size);
	fprintf(stderr, "scratchroot: %zu files, %zu symlinks, %zu directories, %.1f MiB"
		" (%.1f MiB before stripping; the floor is %.1f MiB, %+.1f%%)\n",
		n, links, dirs, (double)bytes / (1024.0 * 1024.0),
		(double)ss->before / (1024.0 * 1024.0), (double)ss->floor / (1024.0 * 1024.0),
		ss->floor ? 100.0 * ((double)bytes - (double)ss->floor) / (double)ss->floor : 0.0);
	for (size_t i = 0; i < n && i < 5; i++) {
		fprintf(stderr, "  %8.1f KiB", (double)files[i]->size / 1024.0);
		if (files[i]->shrunk)
			fprintf(stderr, " (from %.1f)", (double)files[i]->orig_size / 1024.0);
		fprintf(stderr, "  %s  (%s)\n", files[i]->path, files[i]->why ? files[i]->why : "");
	}
	free(files);
}

/* Runs each program from the tree (--check).  Returns the number that failed. */
static int run_checks(const struct opts *o, const struct walk *w)
{
	struct strbuf err = STRBUF_INIT;
	struct strlist args = STRLIST_INIT;
	int failed = 0;

	if (check_possible(&err) < 0) {
		fprintf(stderr, "scratchroot: '%s': %s\n", o->output, err.buf);
		strbuf_release(&err);
		return 1;
	}
	search_split(o->check_args, " ", &args);
	for (size_t i = 0; i < w->n_progs; i++) {
		const struct program *p = w->progs[i];
		const char *path = p->dest ? p->dest : p->path;
		char **argv = xcalloc(args.n + 2, sizeof(*argv));
		struct check_result res;
		size_t k = 0;

		argv[k++] = (char *)path;
		for (size_t j = 0; j < args.n; j++)
			if (*args.v[j])
				argv[k++] = args.v[j];
		if (check_run(o->output, path, argv, 60, &res, &err) < 0) {
			fprintf(stderr, "scratchroot: '%s': --check: %s\n", path, err.buf);
			failed++;
		} else {
			const char *nl = strchr(res.out.buf, '\n');
			int len = nl ? (int)(nl - res.out.buf) : (int)res.out.len;

			if (res.status != 0)
				failed++;
			fprintf(stderr, "scratchroot: '%s': --check %s: exit %d%s%.*s\n", path,
				res.status ? "FAILED" : "ran", res.status, len ? ": " : "", len,
				res.out.buf);
			strbuf_release(&res.out);
		}
		free(argv);
	}
	strlist_clear(&args);
	strbuf_release(&err);
	return failed;
}

/* --list --why: every entry of the image but its directories, with its
 * reason. */
static void list_why(const struct opts *o, struct manifest *m, struct walk *w,
		     struct image_problems *ip)
{
	if (image_from_walk(m, w, &o->image, ip) < 0)
		return;
	manifest_sort(m);
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].type != M_DIR)
			printf("%s  (%s)\n", m->v[i].path, m->v[i].why ? m->v[i].why : "");
}

/* --tree: the walk, with the sizes the image's files would have. */
static void tree_view(const struct opts *o, struct manifest *m, const struct root *r,
		      struct walk *w, struct image_problems *ip, struct strlist *notes)
{
	struct strbuf err = STRBUF_INIT;
	struct shrink_stats ss;
	bool sized = false;

	if (!w->n_errors && image_from_walk(m, w, &o->image, ip) == 0 && !ip->errors.n) {
		manifest_sort(m);
		sized = shrink_manifest(m, r, &o->shrink, &ss, notes, &err) == 0;
	}
	report_tree(w, sized ? m : NULL, sized ? &ss : NULL, stdout);
	strbuf_release(&err);
}

static int output(const struct opts *o, struct manifest *m, const struct root *r,
		  struct walk *w, struct image_problems *ip, struct strlist *notes)
{
	struct strbuf err = STRBUF_INIT;
	struct tree_stats st = { 0 };
	struct shrink_stats ss;
	int ret = 0;

	if (image_from_walk(m, w, &o->image, ip) < 0 || ip->errors.n) {
		ret = EXIT_JOB;
		goto out;
	}
	manifest_sort(m);
	if (shrink_manifest(m, r, &o->shrink, &ss, notes, &err) < 0) {
		fprintf(stderr, "scratchroot: %s\n", err.buf);
		ret = EXIT_JOB;
		goto out;
	}
	if (o->output) {
		struct tree_opts to = { .mtime = o->mtime, .force = o->force };

		if (tree_write(m, r, o->output, &to, &st, &err) < 0) {
			fprintf(stderr, "scratchroot: %s\n", err.buf);
			ret = EXIT_JOB;
			goto out;
		}
		if (!st.owners_kept && !o->quiet)
			fprintf(stderr, "scratchroot: '%s': warning: not root, so files belong to you, not 0:0 (the tar has exact owners)\n",
				o->output);
	}
	if (o->tar && write_tar(o, m, r, &err) < 0) {
		fprintf(stderr, "scratchroot: %s\n", err.buf);
		ret = EXIT_JOB;
		goto out;
	}
	if (!o->quiet) {
		summary(m, &ss);
		summary_runtime(w);
	}
	if (o->check && run_checks(o, w))
		ret = EXIT_JOB;
out:
	strbuf_release(&err);
	return ret;
}

/* Walks the inputs (FILE, or FILE:DEST with -o), in parts on several
 * threads when there are many (batch.h). */
static void walk_inputs(const struct opts *o, struct walk *w, char **args, size_t n)
{
	char **files = xcalloc(n + 1, sizeof(*files)), **dests = xcalloc(n + 1, sizeof(*dests));

	for (size_t i = 0; i < n; i++) {
		files[i] = xstrdup(args[i]);
		dests[i] = o->mode == MODE_OUTPUT ? split_dest(files[i]) : NULL;
	}
	/* The run-time rules go with the walk unless --add trees are walked
	 * between them (their problems come before those of the rules). */
	batch_walk(w, o->sysroot ? o->sysroot : "/", files, dests, n, o->jobs,
		   o->mode == MODE_OUTPUT && o->adds.n ? NULL : &o->needs, o->mode != MODE_LIST);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(dests);
}

#if defined(__SANITIZE_ADDRESS__)
#define FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FREE_AT_EXIT 1
#endif
#endif
#ifndef FREE_AT_EXIT
#define FREE_AT_EXIT 0
#endif

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct image_problems ip = { STRLIST_INIT, STRLIST_INIT };
	struct strlist notes = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct manifest m;
	struct root *root = NULL;
	struct walk *w = NULL;
	char cwd[PATH_MAX];
	int ret;

	manifest_init(&m);
	ret = parse_args(argc, argv, &o);
	if (ret)
		goto out;
	needs_watch();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (root_open(o.sysroot ? o.sysroot : "/", &root, &err) < 0) {
		fprintf(stderr, "scratchroot: '%s': %s\n", o.sysroot ? o.sysroot : "/", err.buf);
		ret = EXIT_JOB;
		goto out;
	}
	if (o.sysroot || !getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	w = walk_new(root, cwd);
	for (size_t i = 0; i < o.libpath.n; i++)
		strlist_add(&w->library_path, o.libpath.v[i]);
	walk_inputs(&o, w, argv + optind, (size_t)(argc - optind));
	strlist_add_all(&notes, &w->notes);
	if (sr_interrupted) {
		fputs("scratchroot: interrupted\n", stderr);
		ret = EXIT_JOB;
		goto out;
	}
	if (o.mode == MODE_OUTPUT && add_trees(&o, &m, root, w, &ip) < 0)
		ret = EXIT_JOB;
	for (size_t i = 0; i < w->n_progs; i++)
		/* --list is for scripts and prints no notes: none are made. */
		if (w->progs[i]->ok &&
		    needs_apply(w, w->progs[i], &o.needs, o.mode == MODE_LIST ? NULL : &notes) < 0)
			ret = EXIT_JOB;
	if (o.mode == MODE_TREE)
		tree_view(&o, &m, root, w, &ip, &notes);
	else if (o.mode == MODE_LIST && !w->n_errors && !o.why)
		report_list(w, stdout);
	else if (o.mode == MODE_LIST && !w->n_errors)
		list_why(&o, &m, w, &ip);
	print_walk_problems(w, o.quiet);
	if (w->n_errors)
		ret = EXIT_JOB;
	if (o.mode == MODE_OUTPUT && !ret)
		ret = output(&o, &m, root, w, &ip, &notes);
	print_lines(&ip.errors, "");
	if (!o.quiet) {
		print_lines(&ip.warnings, "warning: ");
		/* --list is for scripts: the notes go with --tree and -o. */
		if (o.mode != MODE_LIST)
			print_lines(&notes, "note: ");
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "scratchroot: 'stdout': %s\n", strerror(errno));
		ret = EXIT_JOB;
	}
out:
	/* The process ends here: handing back a large batch's memory piece by
	 * piece costs a fifth of its run.  Builds under AddressSanitizer free
	 * everything, so that a leak still shows. */
	if (!FREE_AT_EXIT)
		return ret;
	walk_free(w);
	root_free(root);
	manifest_release(&m);
	image_problems_release(&ip);
	strlist_clear(&notes);
	needs_opts_release(&o.needs);
	strlist_clear(&o.libpath);
	strlist_clear(&o.adds);
	strbuf_release(&err);
	return ret;
}
