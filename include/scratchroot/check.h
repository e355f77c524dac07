/*
 * check: runs a program from a written tree the way a container runtime
 * would, to show that the tree is enough (--check).  Besides the tests, this
 * is the only place where scratchroot runs a program.
 *
 * A child process enters a new mount namespace, builds a view of the tree on
 * a private tmpfs (every top-level entry of the tree bind-mounted read-only,
 * symlinks recreated) with /proc mounted and /dev bound from the host, as a
 * runtime provides them, chroots into it and executes the program.  The tree
 * itself is never modified.  Needs root (CAP_SYS_ADMIN and CAP_SYS_CHROOT).
 */
#ifndef SCRATCHROOT_CHECK_H
#define SCRATCHROOT_CHECK_H

#include "scratchroot/util.h"

struct check_result {
	int status;		/* exit status, or 128 + signal */
	struct strbuf out;	/* stdout and stderr, at most 64 KiB */
};

/* Whether --check can work here: 0, or -EPERM with the reason in err. */
int check_possible(struct strbuf *err);

/*
 * Runs PROG (an absolute path inside the tree at DIR) with ARGV (ARGV[0]
 * included, NULL-terminated) and a minimal environment.  Returns 0 with
 * *res filled (release res->out), or -errno with a reason in err when the
 * program could not be started at all.  TIMEOUT in seconds.
 */
int check_run(const char *dir, const char *prog, char *const argv[],
	      unsigned timeout, struct check_result *res, struct strbuf *err);

#endif
