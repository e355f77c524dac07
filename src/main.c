/*
 * main: the command line.  The option table and its checks, usage, the
 * order of the job's steps (walk, decide, shrink, sinks, views), the
 * printing of every diagnostic as one line "scratchroot: 'PATH': reason" on
 * stderr, and the exit status.  The only file that prints or exits.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratchroot/archive.h"
#include "scratchroot/batch.h"
#include "scratchroot/check.h"
#include "scratchroot/diag.h"
#include "scratchroot/image.h"
#include "scratchroot/needs.h"
#include "scratchroot/output.h"
#include "scratchroot/report.h"
#include "scratchroot/shrink.h"
#include "scratchroot/trace.h"
#include "scratchroot/tree.h"
#include "scratchroot/walk.h"

enum { EXIT_JOB = 1, EXIT_USAGE = 2 };
enum mode { MODE_NONE, MODE_TREE, MODE_LIST, MODE_OUTPUT };

static const char usage_text[] =
	"Usage: scratchroot [OPTION]... -o DIR FILE[:DEST]...\n"
	"  or:  scratchroot [OPTION]... --tar FILE FILE[:DEST]...\n"
	"  or:  scratchroot [OPTION]... --tree FILE...\n"
	"  or:  scratchroot [OPTION]... --list FILE...\n"
	"  or:  scratchroot --trace[=SECONDS] [OPTION]... -o DIR -- PROGRAM [ARG]...\n"
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
	"      --with=NAME[=A,B]    always add bundle NAME; tzdata, gconv, locale and\n"
	"                           terminfo take a list (--with tzdata=Europe/Paris,UTC)\n"
	"      --without=NAME       never add bundle NAME.  Bundles: certs (CA bundle of\n"
	"                           OpenSSL, GnuTLS, Go), nss (nsswitch.conf, /etc/hosts,\n"
	"                           modules), libgcc_s (pthread_cancel), tzdata, gconv,\n"
	"                           locale, netbase (/etc/services, /etc/protocols),\n"
	"                           dlopen-notes (.note.dlopen), terminfo (xterm, screen,\n"
	"                           tmux, linux, vt100... for ncurses; =NAME,... more),\n"
	"                           config (openssl.cnf and the providers it loads,\n"
	"                           /etc/apt), base (see below).\n"
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
	"                           --version) from DIR as a container runtime would:\n"
	"                           its own namespaces, a read-only root, a private\n"
	"                           /dev, Docker's capabilities (needs root)\n"
	"  -j, --jobs=N             walk a large batch on up to N threads, 64 inputs\n"
	"                           each at least (default: one per core, at most 8);\n"
	"                           the result is the same for every N\n"
	"\n"
	"Trace mode (EXECUTES PROGRAM on this machine, with your privileges):\n"
	"      --trace[=SECONDS]    run PROGRAM [ARG]... (given after --, instead of\n"
	"                           FILEs) under ptrace for at most SECONDS (default\n"
	"                           10; then SIGTERM, SIGKILL 2 s later) and add what\n"
	"                           it opened, exec'd, mapped, stat'ed or read as a\n"
	"                           symlink to its static tree; each traced ELF file\n"
	"                           gets its own walk, names probed and not found are\n"
	"                           shown by --tree.  Set-id programs are never run\n"
	"      --trace-record=FILE  save what was seen (with any replayed records)\n"
	"      --trace-replay=FILE  build from a saved record, running nothing (may be\n"
	"                           repeated: the records are merged)\n"
	"      --trace-exclude=GLOB\n"
	"                           never copy a traced path GLOB matches (* crosses\n"
	"                           /; a directory covers what is below it)\n"
	"      --trace-include=GLOB\n"
	"                           copy it after all: the last rule that matches\n"
	"                           decides.  /proc, /sys, /dev, /run and the outputs\n"
	"                           are never copied, /tmp, /var/tmp and $TMPDIR only\n"
	"                           when included\n"
	"      --trace-stdin        PROGRAM reads this stdin (default /dev/null)\n"
	"      --trace-log=FILE     PROGRAM's stdout and stderr go to FILE (default:\n"
	"                           passed through, its stdout to stderr when stdout\n"
	"                           carries --list, --tree or --tar -)\n"
	"\n"
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

enum {
	OPT_TAR = 256, OPT_SYSROOT, OPT_NO_BASE, OPT_WITH, OPT_WITHOUT, OPT_KEEP_SETID,
	OPT_CHECK, OPT_STRIP, OPT_WHY, OPT_STRIP_SECTIONS, OPT_DEBUG_DIR, OPT_UPX,
	OPT_UPX_LIBS,
	OPT_TRACE, OPT_TRACE_RECORD, OPT_TRACE_REPLAY, OPT_TRACE_INCLUDE, OPT_TRACE_EXCLUDE,
	OPT_TRACE_STDIN, OPT_TRACE_LOG,
};

static const struct option longopts[] = {
	{ "tree", no_argument, NULL, 't' },
	{ "list", no_argument, NULL, 'l' },
	{ "output", required_argument, NULL, 'o' },
	{ "tar", required_argument, NULL, OPT_TAR },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ "library-path", required_argument, NULL, 'L' },
	{ "add", required_argument, NULL, 'a' },
	{ "no-base", no_argument, NULL, OPT_NO_BASE },
	{ "with", required_argument, NULL, OPT_WITH },
	{ "without", required_argument, NULL, OPT_WITHOUT },
	{ "keep-setid", no_argument, NULL, OPT_KEEP_SETID },
	{ "force", no_argument, NULL, 'f' },
	{ "check", optional_argument, NULL, OPT_CHECK },
	{ "strip", required_argument, NULL, OPT_STRIP },
	{ "why", no_argument, NULL, OPT_WHY },
	{ "strip-sections", no_argument, NULL, OPT_STRIP_SECTIONS },
	{ "debug-dir", required_argument, NULL, OPT_DEBUG_DIR },
	{ "upx", optional_argument, NULL, OPT_UPX },
	{ "upx-libs", no_argument, NULL, OPT_UPX_LIBS },
	{ "trace", optional_argument, NULL, OPT_TRACE },
	{ "trace-record", required_argument, NULL, OPT_TRACE_RECORD },
	{ "trace-replay", required_argument, NULL, OPT_TRACE_REPLAY },
	{ "trace-include", required_argument, NULL, OPT_TRACE_INCLUDE },
	{ "trace-exclude", required_argument, NULL, OPT_TRACE_EXCLUDE },
	{ "trace-stdin", no_argument, NULL, OPT_TRACE_STDIN },
	{ "trace-log", required_argument, NULL, OPT_TRACE_LOG },
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	enum mode mode;
	const char *sysroot, *output, *tar, *check_args, *debug_dir, *upx_args;
	struct strlist libpath, adds;
	struct image_opts image;
	struct image_plan_opts plan;
	struct needs_opts needs;
	bool force, quiet, check, why, help, version;
	unsigned jobs;		/* 0: one per core */
	time_t mtime;
	struct {
		bool run, keep_stdin;	/* --trace, --trace-stdin */
		unsigned seconds;
		const char *record, *log;
		struct strlist replays;
		struct strlist rules;	/* "+GLOB" included, "-GLOB" excluded */
	} trace;
};

/* Prints "scratchroot: MSG" and the hint; returns EXIT_USAGE. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT, esc = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_escape(&esc, sb.buf);
	fprintf(stderr, "scratchroot: %s\nTry 'scratchroot --help' for more information.\n",
		esc.buf);
	strbuf_release(&sb);
	strbuf_release(&esc);
	return EXIT_USAGE;
}

/* FILE:DEST: DEST is what follows the last ':' when it is absolute. */
static char *split_dest(char *arg)
{
	char *colon = strrchr(arg, ':');

	if (!colon || colon[1] != '/')
		return NULL;
	*colon = '\0';
	return colon + 1;
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

static int set_mode(struct opts *o, enum mode m)
{
	if (o->mode != MODE_NONE && o->mode != m)
		return usage_error("--tree, --list and -o/--tar are exclusive");
	o->mode = m;
	return 0;
}

/* The --trace options.  Returns 0 or EXIT_USAGE. */
static int take_trace_option(struct opts *o, int c, const char *arg)
{
	struct strbuf sb = STRBUF_INIT;
	char *end;
	unsigned long n;

	switch (c) {
	case OPT_TRACE:
		o->trace.run = true;
		o->trace.seconds = TRACE_DEFAULT_SECONDS;
		if (!arg)
			break;
		n = strtoul(arg, &end, 10);
		if (!*arg || *end || n < 1 || n > TRACE_MAX_SECONDS || arg[0] == '-')
			return usage_error("--trace takes a number of seconds from 1 to %d",
					   TRACE_MAX_SECONDS);
		o->trace.seconds = (unsigned)n;
		break;
	case OPT_TRACE_RECORD:
		o->trace.record = arg;
		break;
	case OPT_TRACE_REPLAY:
		strlist_add(&o->trace.replays, arg);
		break;
	case OPT_TRACE_INCLUDE:
	case OPT_TRACE_EXCLUDE:
		if (!*arg)
			return usage_error("--trace-%s takes a GLOB",
					   c == OPT_TRACE_INCLUDE ? "include" : "exclude");
		strbuf_addstrs(&sb, c == OPT_TRACE_INCLUDE ? "+" : "-", arg, NULL);
		strlist_take(&o->trace.rules, strbuf_detach(&sb));
		break;
	case OPT_TRACE_STDIN:
		o->trace.keep_stdin = true;
		break;
	case OPT_TRACE_LOG:
		o->trace.log = arg;
		break;
	}
	return 0;
}

/* The --trace combinations that make no sense.  Returns 0 or EXIT_USAGE. */
static int check_trace_options(const struct opts *o, int nargs)
{
	bool any = o->trace.run || o->trace.replays.n;

	if (o->trace.run && nargs <= 0)
		return usage_error("--trace needs a PROGRAM to run: --trace -o DIR -- PROGRAM [ARG]...");
	if (o->trace.run && o->sysroot)
		return usage_error("--trace runs PROGRAM on this machine, not in --sysroot "
				   "(--trace-replay a record made there instead)");
	if (o->trace.record && !any)
		return usage_error("--trace-record needs --trace or --trace-replay");
	if (o->trace.rules.n && !any)
		return usage_error("--trace-include and --trace-exclude need --trace or --trace-replay");
	if ((o->trace.keep_stdin || o->trace.log) && !o->trace.run)
		return usage_error("--trace-stdin and --trace-log need --trace");
	return 0;
}

/* One option C with argument ARG.  Returns 0 or EXIT_USAGE. */
static int take_option(struct opts *o, int c, const char *arg)
{
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	switch (c) {
	case 't':
		return set_mode(o, MODE_TREE);
	case 'l':
		return set_mode(o, MODE_LIST);
	case 'o':
		o->output = arg;
		return set_mode(o, MODE_OUTPUT);
	case OPT_TAR:
		o->tar = arg;
		return set_mode(o, MODE_OUTPUT);
	case OPT_SYSROOT:
		o->sysroot = arg;
		break;
	case 'L':
		strlist_add(&o->libpath, arg);
		break;
	case 'a':
		strlist_add(&o->adds, arg);
		break;
	case OPT_NO_BASE:
		o->needs.choice[BUNDLE_BASE] = BUNDLE_WITHOUT;
		break;
	case OPT_WITH:
	case OPT_WITHOUT:
		if (needs_parse_option(&o->needs, arg, c == OPT_WITH, &err) < 0)
			ret = usage_error("--%s: %s", c == OPT_WITH ? "with" : "without", err.buf);
		break;
	case OPT_KEEP_SETID:
		o->image.keep_setid = true;
		break;
	case 'f':
		o->force = true;
		break;
	case OPT_STRIP:
		if (!strcmp(arg, "all"))
			o->plan.strip = STRIP_ALL;
		else if (!strcmp(arg, "debug"))
			o->plan.strip = STRIP_DEBUG;
		else if (!strcmp(arg, "none"))
			o->plan.strip = STRIP_NONE;
		else
			ret = usage_error("--strip takes all, debug or none");
		break;
	case OPT_STRIP_SECTIONS:
		o->plan.sections = true;
		break;
	case OPT_WHY:
		o->why = true;
		break;
	case OPT_DEBUG_DIR:
		o->debug_dir = arg;
		break;
	case OPT_UPX:
		o->upx_args = arg ? arg : "";
		break;
	case OPT_UPX_LIBS:
		o->plan.upx_libs = true;
		break;
	case OPT_CHECK:
		o->check = true;
		o->check_args = arg ? arg : "--version";
		break;
	case OPT_TRACE:
	case OPT_TRACE_RECORD:
	case OPT_TRACE_REPLAY:
	case OPT_TRACE_INCLUDE:
	case OPT_TRACE_EXCLUDE:
	case OPT_TRACE_STDIN:
	case OPT_TRACE_LOG:
		ret = take_trace_option(o, c, arg);
		break;
	case 'j': {
		char *end;
		unsigned long n = strtoul(arg, &end, 10);

		if (!*arg || *end || n < 1 || n > BATCH_MAX_THREADS)
			ret = usage_error("--jobs takes a number from 1 to %d", BATCH_MAX_THREADS);
		o->jobs = (unsigned)n;
		break;
	}
	case 'q':
		o->quiet = true;
		break;
	case 'h':
		o->help = true;
		break;
	case 'V':
		o->version = true;
		break;
	default:
		fputs("Try 'scratchroot --help' for more information.\n", stderr);
		ret = EXIT_USAGE;
	}
	strbuf_release(&err);
	return ret;
}

/* The combinations that make no sense.  Returns 0 or EXIT_USAGE. */
static int check_options(struct opts *o, int nargs)
{
	int ret;

	if (o->mode == MODE_NONE)
		return usage_error("one of --tree, --list, -o DIR or --tar FILE is required");
	if ((ret = check_trace_options(o, nargs)) != 0)
		return ret;
	if (nargs <= 0 && !o->adds.n && !o->trace.replays.n)
		return usage_error("no input FILE given");
	if (o->check && !o->output)
		return usage_error("--check needs -o DIR");
	if (o->why && o->mode != MODE_LIST)
		return usage_error("--why goes with --list");
	if (o->plan.upx_libs && !o->upx_args)
		return usage_error("--upx-libs needs --upx");
	if (o->plan.sections && o->plan.strip == STRIP_NONE)
		return usage_error("--strip-sections needs stripping (--strip=all or debug)");
	if (parse_epoch(o) < 0)
		return usage_error("SOURCE_DATE_EPOCH must be a non-negative integer");
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int c, ret;

	o->plan.strip = STRIP_ALL;
	while ((c = getopt_long(argc, argv, "tlo:L:a:fj:qhV", longopts, NULL)) != -1)
		if ((ret = take_option(o, c, optarg)) != 0)
			return ret;
	if (o->help || o->version)
		return 0;
	o->image.base = o->needs.choice[BUNDLE_BASE] != BUNDLE_WITHOUT;
	o->needs.notes = o->mode != MODE_LIST && !o->quiet;
	o->plan.upx = o->upx_args != NULL;
	o->plan.debug = o->debug_dir != NULL;
	return check_options(o, argc - optind);
}

/* ---- the run ---- */

struct run {
	struct opts *o;
	struct root *root;
	struct elfobj_watch watch;
	struct elfobj_opts parse;
	struct elfcache *objs;
	struct walk *w;
	struct manifest m;
	struct diags diags;	/* the walk's, the image's, the outputs' */
	struct shrink_stats ss;
	struct trace trace;	/* --trace, --trace-replay */
	char *traced;		/* the program --trace walks statically */
	bool sized;		/* ss holds the figures of the plans */
	bool written;		/* the outputs were published */
};

/* Walks the inputs (FILE or FILE:DEST), in parts on several threads when
 * there are many (batch.h). */
static void walk_inputs(struct run *r, char **args, size_t n)
{
	char **files = xcalloc(n + 1, sizeof(*files)), **dests = xcalloc(n + 1, sizeof(*dests));

	for (size_t i = 0; i < n; i++) {
		files[i] = xstrdup(args[i]);
		dests[i] = split_dest(files[i]);
	}
	batch_walk(r->w, r->o->sysroot ? r->o->sysroot : "/", files, dests, n, r->o->jobs,
		   &r->o->needs);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(dests);
}

/* Adds the --add trees to the manifest and walks the ELF files found in
 * them: what they miss is worth a warning only, since an added tree's
 * libraries may need the RUNPATH of a program that is not there. */
static void add_trees(struct run *r)
{
	const char *cwd = r->o->sysroot ? "/" : NULL;
	char here[PATH_MAX];

	if (!cwd)
		cwd = getcwd(here, sizeof(here)) ? here : "/";
	for (size_t i = 0; i < r->o->adds.n; i++) {
		struct strlist src = STRLIST_INIT, dest = STRLIST_INIT;
		char *arg = xstrdup(r->o->adds.v[i]), *d = split_dest(arg);
		char *path = arg[0] == '/' ? xstrdup(arg) : path_join(cwd, arg);

		if (!*arg)
			diag_add(&r->diags, DIAG_ERROR, arg, "--add: an empty file name");
		else
			image_add_tree(&r->m, r->root, path, d, &r->o->image, &src, &dest, &r->diags);
		for (size_t k = 0; k < src.n; k++) {
			struct program *p = walk_add(r->w, src.v[k],
						     strcmp(src.v[k], dest.v[k]) ? dest.v[k] : NULL,
						     WALK_LENIENT);

			if (program_ok(p))
				needs_apply(r->w, p, &r->o->needs);
		}
		strlist_clear(&src);
		strlist_clear(&dest);
		free(path);
		free(arg);
	}
}

/* The host path of PATH in the root. */
static char *host_path(const struct run *r, const char *path)
{
	return r->o->sysroot ? path_join(r->o->sysroot, path) : xstrdup(path);
}

/* What no output may be, hold or lie in: the sysroot, every file read. */
static void make_guards(const struct run *r, struct output_guards *g)
{
	if (r->o->sysroot)
		output_guard(g, r->o->sysroot, "the sysroot", true);
	for (size_t i = 0; i < r->m.n; i++) {
		const struct mentry *e = &r->m.v[i];
		struct strbuf what = STRBUF_INIT;
		char *host;

		if (e->type != M_FILE)
			continue;
		host = host_path(r, e->src);
		strbuf_addstrs(&what, "the input '", e->src, "'", NULL);
		output_guard(g, host, what.buf, false);
		strbuf_release(&what);
		free(host);
	}
}

/* Runs each program from the tree (--check).  Returns the number that failed. */
static int run_checks(struct run *r)
{
	struct strbuf err = STRBUF_INIT;
	struct strlist args = STRLIST_INIT;
	int failed = 0;

	if (check_possible(&err) < 0) {
		diag_add(&r->diags, DIAG_ERROR, r->o->output, "%s", err.buf);
		strbuf_release(&err);
		return 1;
	}
	search_split(r->o->check_args, " ", &args);
	for (size_t i = 0; i < r->m.n_progs; i++) {
		const struct mprogram *p = &r->m.progs[i];
		const char *path = p->dest ? p->dest : p->path;
		char **argv;
		struct check_result res;
		size_t k = 0;

		/* What a trace walked (a plugin, a helper) is not run. */
		if (p->why)
			continue;
		argv = xcalloc(args.n + 2, sizeof(*argv));

		argv[k++] = (char *)path;
		for (size_t j = 0; j < args.n; j++)
			if (*args.v[j])
				argv[k++] = args.v[j];
		if (check_run(r->o->output, path, argv, NULL, 60, &res, &err) < 0) {
			diag_add(&r->diags, DIAG_ERROR, path, "--check: %s", err.buf);
			failed++;
		} else {
			const char *nl = strchr(res.out.buf, '\n');
			int len = nl ? (int)(nl - res.out.buf) : (int)res.out.len;

			if (res.status != 0)
				failed++;
			diag_add(&r->diags, res.status ? DIAG_ERROR : DIAG_INFO, path,
				 "--check %s: exit %d%s%.*s", res.status ? "FAILED" : "ran",
				 res.status, len ? ": " : "", len, res.out.buf);
			strbuf_release(&res.out);
		}
		free(argv);
	}
	strlist_clear(&args);
	strbuf_release(&err);
	return failed;
}

/* The outputs of the run: all written, then all published, or none. */
struct outputs {
	struct output tree, tar, debug, stage;
	bool has_tree, has_tar, has_debug, has_stage;
};

static void outputs_abort(struct outputs *x)
{
	if (x->has_tree)
		output_abort(&x->tree);
	if (x->has_tar)
		output_abort(&x->tar);
	if (x->has_debug)
		output_abort(&x->debug);
	if (x->has_stage)
		output_abort(&x->stage);
	memset(x, 0, sizeof(*x));
}

/* Where the staged copies go: inside the tree's temporary (one temporary
 * for a killed run to leave, and hard links into the tree), or $TMPDIR. */
static int open_stage(struct outputs *x, struct strbuf *err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;
	int fd, ret;

	if (x->has_tree) {
		char *trimmed = xstrdup(x->tree.path), *parent;

		for (size_t n = strlen(trimmed); n > 1 && trimmed[n - 1] == '/'; n--)
			trimmed[n - 1] = '\0';
		parent = path_dirname(trimmed);
		free(trimmed);

		dir = x->tree.mnt_fd >= 0 ? xstrdup(x->tree.path) : xstrdup(parent);
		free(parent);
		parent = dir;
		dir = path_join(parent, x->tree.tmp);
		free(parent);
		ret = output_scratch(&x->stage, x->tree.fd, dir, err);
	} else {
		dir = xstrdup(tmp && *tmp ? tmp : "/tmp");
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ret = fd < 0 ? seterr(err, -errno, "'%s': %s", dir, strerror(errno))
			     : output_scratch(&x->stage, fd, dir, err);
		if (fd >= 0)
			close(fd);
	}
	free(dir);
	x->has_stage = ret == 0;
	return ret;
}

static int open_outputs(struct run *r, struct outputs *x, struct strbuf *err)
{
	struct output_guards g = OUTPUT_GUARDS_INIT;
	int ret = 0;

	make_guards(r, &g);
	if (r->o->output && (ret = output_dir(&x->tree, r->o->output, r->o->force, &g, err)) == 0)
		x->has_tree = true;
	if (!ret && r->o->tar && (ret = output_file(&x->tar, r->o->tar, r->o->force, &g, err)) == 0)
		x->has_tar = true;
	if (!ret && r->o->debug_dir && (ret = output_merge(&x->debug, r->o->debug_dir, &g, err)) == 0)
		x->has_debug = true;
	if (!ret)
		ret = open_stage(x, err);
	output_guards_release(&g);
	return ret;
}

static int write_outputs(struct run *r, struct outputs *x, struct strbuf *err)
{
	struct tree_stats st = { 0 };
	char *stage_path = path_join(x->stage.path, x->stage.tmp);
	int ret;

	ret = shrink_stage(&r->m, r->root, fcntl(x->stage.fd, F_DUPFD_CLOEXEC, 0), stage_path,
			   r->o->upx_args, &r->ss, &r->diags, err);
	free(stage_path);
	if (!ret && x->has_tar)
		ret = archive_write_tar(&r->m, r->root, x->tar.fd, r->o->tar, r->o->mtime, err);
	if (!ret && x->has_debug)
		ret = shrink_write_debug(&r->m, &x->debug, err);
	if (!ret && x->has_tree)
		ret = tree_write(&r->m, r->root, x->tree.fd, r->o->output, r->o->mtime, &st, err);
	if (!ret && x->has_tree && !st.owners_kept)
		diag_add(&r->diags, DIAG_WARNING, r->o->output,
			 "not root, so files belong to you, not 0:0 (the tar has exact owners)");
	return ret;
}

static int commit_outputs(const struct run *r, struct outputs *x, struct strbuf *err)
{
	int ret = 0;

	/* The staged copies are in the tree's temporary: gone before it gets
	 * its last mtime and is published. */
	if (x->has_stage) {
		x->has_stage = false;
		output_abort(&x->stage);
	}
	if (x->has_tree)
		ret = tree_finish(x->tree.fd, r->o->output, r->o->mtime, err);
	if (!ret && x->has_tree) {
		x->has_tree = false;
		ret = output_commit(&x->tree, err);
	}
	if (!ret && x->has_tar) {
		x->has_tar = false;
		ret = output_commit(&x->tar, err);
	}
	if (!ret && x->has_debug) {
		x->has_debug = false;
		ret = output_commit(&x->debug, err);
	}
	return ret;
}

/* -o, --tar, --debug-dir: shrink into staging, write every output, publish
 * them all.  Returns 0 or -1 (problem recorded). */
static int output(struct run *r)
{
	struct outputs x = { 0 };
	struct strbuf err = STRBUF_INIT;
	int ret;

	image_plan(&r->m, r->root, r->objs, &r->o->plan);
	ret = open_outputs(r, &x, &err);
	if (!ret)
		ret = write_outputs(r, &x, &err);
	if (!ret)
		ret = commit_outputs(r, &x, &err);
	if (ret < 0)
		diag_add(&r->diags, DIAG_ERROR, NULL, "%s", err.buf);
	outputs_abort(&x);
	strbuf_release(&err);
	r->written = !ret;
	if (!ret && r->o->check && run_checks(r))
		ret = -1;
	return ret;
}

/* Every diagnostic of the class (NOTES or not) once, in the order found;
 * warnings and notes are for people: not with -q, notes not with --list. */
static void print_diags(const struct run *r, bool notes, struct strmap *seen)
{
	struct strbuf line = STRBUF_INIT;

	for (size_t i = 0; i < r->diags.n; i++) {
		const struct diag *d = &r->diags.v[i];
		void **slot;

		if ((d->severity == DIAG_NOTE) != notes ||
		    (d->severity != DIAG_ERROR && d->severity != DIAG_INFO && r->o->quiet) ||
		    (d->severity == DIAG_NOTE && r->o->mode == MODE_LIST))
			continue;
		strbuf_reset(&line);
		diag_format(d, &line);
		slot = strmap_put(seen, line.buf);
		if (*slot)
			continue;
		*slot = slot;
		fprintf(stderr, "%s\n", line.buf);
	}
	strbuf_release(&line);
}

/* Errors and warnings, the summary of what was written, the notes. */
static void say(const struct run *r)
{
	struct strmap seen = STRMAP_INIT;

	print_diags(r, false, &seen);
	if (r->written && !r->o->quiet)
		report_summary(&r->m, &r->ss, stderr);
	print_diags(r, true, &seen);
	strmap_clear(&seen, NULL);
}

/* ---- --trace ---- */

/* Writes the merged records to --trace-record FILE, atomically. */
static int save_trace(struct run *r)
{
	struct output_guards g = OUTPUT_GUARDS_INIT;
	struct strbuf err = STRBUF_INIT;
	struct output x;
	int ret;

	if (r->o->sysroot)
		output_guard(&g, r->o->sysroot, "the sysroot", true);
	ret = output_file(&x, r->o->trace.record, r->o->force, &g, &err);
	if (!ret && (ret = trace_save(&r->trace, x.fd, &err)) < 0)
		output_abort(&x);
	if (!ret)
		ret = output_commit(&x, &err);
	if (ret < 0)
		diag_add(&r->diags, DIAG_ERROR, r->o->trace.record, "--trace-record: %s", err.buf);
	output_guards_release(&g);
	strbuf_release(&err);
	return ret;
}

/* The filters: built-in, the outputs and the tracer's files, the user's. */
static void trace_rules(struct run *r)
{
	const struct opts *o = r->o;
	const char *never[] = { o->output, o->tar, o->debug_dir, o->trace.record, o->trace.log };
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	trace_add_builtin_rules(&r->trace, getenv("TMPDIR"));
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (never[i] && strcmp(never[i], "-")) {
			char *abs = never[i][0] == '/' ? xstrdup(never[i]) : path_join(cwd, never[i]);
			char *real = realpath(abs, NULL);

			trace_never(&r->trace, abs);
			if (real)
				trace_never(&r->trace, real);
			free(real);
			free(abs);
		}
	for (size_t i = 0; i < o->trace.rules.n; i++)
		trace_add_rule(&r->trace, o->trace.rules.v[i] + 1, o->trace.rules.v[i][0] == '+');
}

/* Runs the program (--trace), reads the records (--trace-replay), saves
 * them (--trace-record).  With --trace, ARGS become the one program the
 * static walk starts from: PROGRAM, or the interpreter of its #! line.
 * Returns 0 or -1 (problem recorded). */
static int trace_start(struct run *r, char ***args, size_t *n)
{
	const struct opts *o = r->o;
	struct strbuf err = STRBUF_INIT;
	char cwd[PATH_MAX];
	int ret = 0;

	trace_rules(r);
	for (size_t i = 0; !ret && i < o->trace.replays.n; i++)
		if ((ret = trace_load(&r->trace, o->trace.replays.v[i], &err)) < 0)
			diag_add(&r->diags, DIAG_ERROR, NULL, "--trace-replay %s", err.buf);
	if (!ret && o->trace.run) {
		struct trace_run_opts ro = {
			.seconds = o->trace.seconds, .keep_stdin = o->trace.keep_stdin,
			.log = o->trace.log,
			.stdout_to_stderr = o->mode != MODE_OUTPUT || (o->tar && !strcmp(o->tar, "-")),
		};
		char *exec;

		if (!getcwd(cwd, sizeof(cwd)))
			strcpy(cwd, "/");
		ret = trace_find_program((*args)[0], cwd, &r->traced, &r->trace.scripts, &err);
		if (!ret) {
			exec = r->trace.scripts.n ? r->trace.scripts.v[0] : r->traced;
			ret = trace_run(&r->trace, exec, *args, &ro, &r->diags, &err);
		}
		if (ret < 0)
			diag_add(&r->diags, DIAG_ERROR, NULL, "--trace: %s", err.buf);
		*args = &r->traced;
		*n = ret < 0 ? 0 : 1;
	}
	if (!ret) {
		trace_merge(&r->trace);
		if (o->trace.record)
			ret = save_trace(r);
	}
	strbuf_release(&err);
	return ret < 0 ? -1 : 0;
}

static int start(struct run *r)
{
	struct strbuf err = STRBUF_INIT;
	const char *dir = r->o->sysroot ? r->o->sysroot : "/";
	char cwd[PATH_MAX];

	/* Only a run that writes packs: the views carry out nothing. */
	if (r->o->upx_args && r->o->mode == MODE_OUTPUT && shrink_find_upx(&err) < 0) {
		fprintf(stderr, "scratchroot: %s\n", err.buf);
		strbuf_release(&err);
		return EXIT_USAGE;
	}
	if (root_open(dir, &r->root, &err) < 0) {
		diag_add(&r->diags, DIAG_ERROR, dir, "%s", err.buf);
		strbuf_release(&err);
		return EXIT_JOB;
	}
	if (r->o->sysroot || !getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	needs_watch(&r->watch);
	r->parse.watch = &r->watch;
	r->objs = elfcache_new(&r->parse);
	r->w = walk_new(r->root, cwd, &r->o->libpath, r->objs);
	manifest_init(&r->m);
	trace_init(&r->trace);
	return 0;
}

static void finish(struct run *r)
{
	manifest_release(&r->m);
	walk_free(r->w);
	elfcache_free(r->objs);
	root_free(r->root);
	diags_release(&r->diags);
	trace_release(&r->trace);
	free(r->traced);
}

/* The job: walk, decide, then the view or the outputs.  Returns the exit
 * status. */
static int job(struct opts *o, char **args, size_t n)
{
	struct run r = { .o = o };
	bool tracing = o->trace.run || o->trace.replays.n;
	int ret = start(&r);

	if (ret)
		goto out;
	if (tracing && trace_start(&r, &args, &n) < 0)
		goto out;
	walk_inputs(&r, args, n);
	add_trees(&r);
	if (tracing)
		trace_walk(&r.trace, r.w, r.root, r.objs, &o->needs);
	if (sr_interrupted) {
		diag_add(&r.diags, DIAG_ERROR, NULL, "interrupted");
		goto out;
	}
	walk_record(r.w, &r.m);
	walk_take_diags(r.w, &r.diags);
	image_decide(&r.m, r.root, &o->image, &r.diags);
	if (tracing)
		trace_decide(&r.trace, &r.m, r.root, &o->image, &r.diags);
	manifest_sort(&r.m);
	if (o->mode == MODE_LIST && !r.diags.errors)
		(o->why ? report_why : report_list)(&r.m, stdout);
	if (o->mode == MODE_TREE) {
		struct strbuf err = STRBUF_INIT;

		if (!r.diags.errors) {
			image_plan(&r.m, r.root, r.objs, &o->plan);
			r.sized = shrink_measure(&r.m, r.root, &r.ss, &r.diags, &err) == 0;
			if (!r.sized)
				diag_add(&r.diags, DIAG_ERROR, NULL, "%s", err.buf);
		}
		report_tree(&r.m, r.sized ? &r.ss : NULL, stdout);
		strbuf_release(&err);
	}
	if (o->mode == MODE_OUTPUT && !r.diags.errors)
		output(&r);
	if (fflush(stdout) != 0 || ferror(stdout))
		diag_add(&r.diags, DIAG_ERROR, "stdout", "%s", strerror(errno));
out:
	say(&r);
	if (!ret && r.diags.errors)
		ret = EXIT_JOB;
	finish(&r);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int ret = parse_args(argc, argv, &o);

	if (!ret && o.help)
		fputs(usage_text, stdout);
	else if (!ret && o.version)
		printf("scratchroot %s\n", PACKAGE_VERSION);
	else if (!ret) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		/* A closed pipe is a write error of its own output, reported
		 * as one; it never kills the tool. */
		signal(SIGPIPE, SIG_IGN);
		ret = job(&o, argv + optind, (size_t)(argc - optind));
	}
	if ((o.help || o.version) && (fflush(stdout) != 0 || ferror(stdout)))
		ret = EXIT_JOB;
	needs_opts_release(&o.needs);
	strlist_clear(&o.libpath);
	strlist_clear(&o.adds);
	strlist_clear(&o.trace.replays);
	strlist_clear(&o.trace.rules);
	return ret;
}
