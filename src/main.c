/*
 * main: the command line.  Parses options, runs the walk, picks the report,
 * prints every problem as one line "scratchroot: 'PATH': reason" on stderr,
 * and turns the outcome into the exit status.  The only file that prints or
 * exits.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scratchroot/report.h"
#include "scratchroot/walk.h"

enum { EXIT_JOB = 1, EXIT_USAGE = 2 };
enum mode { MODE_NONE, MODE_TREE, MODE_LIST, MODE_OUTPUT };

static const char usage_text[] =
	"Usage: scratchroot [OPTION]... -o DIR FILE[:DEST]...\n"
	"  or:  scratchroot [OPTION]... --tree FILE...\n"
	"  or:  scratchroot [OPTION]... --list FILE...\n"
	"Work out every file the dynamic loader opens for each ELF FILE, without\n"
	"running it, and show the tree or list the paths a FROM scratch image needs.\n"
	"\n"
	"Modes:\n"
	"  -t, --tree               show each program's dependency tree: how and for\n"
	"                           whom each library is found\n"
	"  -l, --list               print the absolute paths the image needs, sorted\n"
	"  -o, --output=DIR         write the root filesystem to DIR (not available yet)\n"
	"\n"
	"Options:\n"
	"      --sysroot=DIR        resolve everything inside DIR as if chrooted there\n"
	"  -L, --library-path=LIST  the LD_LIBRARY_PATH the container will run with\n"
	"                           (may be repeated)\n"
	"  -q, --quiet              do not print warnings\n"
	"  -h, --help               print this help and exit\n"
	"  -V, --version            print the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 a file is unresolved or unreadable (every problem\n"
	"is reported), 2 usage error.\n";

static int usage_error(const char *msg)
{
	fprintf(stderr, "scratchroot: %s", msg);
	fputs("\nTry 'scratchroot --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static void print_problems(const struct walk *w, bool quiet)
{
	for (size_t i = 0; i < w->n_problems; i++) {
		const struct problem *p = &w->problems[i];

		if (p->warning && quiet)
			continue;
		fprintf(stderr, "scratchroot: '%s': %s%s\n", p->path,
			p->warning ? "warning: " : "", p->msg);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tree", no_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "sysroot", required_argument, NULL, 'S' },
		{ "library-path", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct strlist libpath = STRLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	const char *sysroot = NULL;
	struct root *root = NULL;
	struct walk *w = NULL;
	enum mode mode = MODE_NONE;
	char cwd[PATH_MAX];
	bool quiet = false;
	int c, ret = EXIT_SUCCESS;

	while ((c = getopt_long(argc, argv, "tlo:L:qhV", opts, NULL)) != -1) {
		enum mode m = MODE_NONE;

		switch (c) {
		case 't':
			m = MODE_TREE;
			break;
		case 'l':
			m = MODE_LIST;
			break;
		case 'o':
			m = MODE_OUTPUT;
			break;
		case 'S':
			sysroot = optarg;
			break;
		case 'L':
			strlist_add(&libpath, optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("scratchroot %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			fputs("Try 'scratchroot --help' for more information.\n", stderr);
			return EXIT_USAGE;
		}
		if (m != MODE_NONE) {
			if (mode != MODE_NONE && mode != m)
				return usage_error("--tree, --list and -o are exclusive");
			mode = m;
		}
	}
	if (mode == MODE_NONE)
		return usage_error("one of --tree, --list or -o DIR is required");
	if (mode == MODE_OUTPUT)
		return usage_error("-o: writing a root filesystem is not implemented yet; use --list or --tree");
	if (optind >= argc)
		return usage_error("no input FILE given");

	if (root_open(sysroot ? sysroot : "/", &root, &err) < 0) {
		fprintf(stderr, "scratchroot: '%s': %s\n", sysroot ? sysroot : "/", err.buf);
		ret = EXIT_JOB;
		goto out;
	}
	if (sysroot)
		strcpy(cwd, "/");
	else if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	w = walk_new(root, cwd);
	for (size_t i = 0; i < libpath.n; i++)
		strlist_add(&w->library_path, libpath.v[i]);
	for (int i = optind; i < argc; i++)
		walk_add(w, argv[i]);
	if (mode == MODE_TREE)
		report_tree(w, stdout);
	else if (!w->n_errors)
		report_list(w, stdout);
	print_problems(w, quiet);
	if (w->n_errors)
		ret = EXIT_JOB;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "scratchroot: 'stdout': %s\n", strerror(errno));
		ret = EXIT_JOB;
	}
out:
	walk_free(w);
	root_free(root);
	strlist_clear(&libpath);
	strbuf_release(&err);
	return ret;
}
