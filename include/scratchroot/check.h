/*
 * check: runs a program from a written tree the way a container runtime
 * would, to show that the tree is enough (--check).  Besides the tests, this
 * is the only place where scratchroot runs a program.
 *
 * The program gets what `docker run --network=none` gives a container, minus
 * cgroups and seccomp: new PID, mount, network, IPC and UTS namespaces, in
 * which it is pid 1 and the host name is "scratchroot-check"; the tree as a
 * read-only root (a tmpfs view with each top-level entry of the tree bound
 * read-only, nosuid, nodev, entered with pivot_root), a fresh /proc of its
 * PID namespace with Docker's masked and read-only paths, a private /dev
 * (tmpfs, nodev) holding only null, zero, full, random, urandom and tty
 * (bound one by one from the host's), the fd links, its own /dev/pts and
 * /dev/shm, a writable tmpfs on /tmp when the tree has /tmp; only a loopback
 * interface; Docker's default capability set and no other; no_new_privs;
 * stdin /dev/null, no other file descriptor of scratchroot's; the image's
 * uid and gid.  The tree itself is never modified.
 *
 * A supervisor process outside the namespaces waits for the program and
 * kills it (SIGKILL to pid 1 ends the whole namespace) when check_run's
 * timeout passes, when scratchroot is interrupted, or when scratchroot dies.
 * Needs root (CAP_SYS_ADMIN for the namespaces and mounts).
 */
#ifndef SCRATCHROOT_CHECK_H
#define SCRATCHROOT_CHECK_H

#include <sys/types.h>

#include "scratchroot/util.h"

struct check_result {
	int status;		/* exit status, or 128 + signal */
	struct strbuf out;	/* stdout and stderr, at most 64 KiB */
};

/* Who the program runs as: the image's user.  Supplementary groups are
 * none; a uid other than 0 starts with no effective capabilities, as in
 * a container. */
struct check_user {
	uid_t uid;
	gid_t gid;
};

/* Whether --check can work here: 0, or -EPERM with the reason in err. */
int check_possible(struct strbuf *err);

/*
 * Runs PROG (an absolute path inside the tree at DIR) with ARGV (ARGV[0]
 * included, NULL-terminated) and a minimal environment, as USER (NULL: 0:0,
 * a container's root).  Returns 0 with *res filled (release res->out), or
 * -errno with a reason in err when the container could not be set up, and
 * then nothing to release.  A program that cannot be executed in it (no
 * such file, no loader) is a result: status 127 and the reason in res->out.
 * TIMEOUT in seconds.
 */
int check_run(const char *dir, const char *prog, char *const argv[],
	      const struct check_user *user, unsigned timeout, struct check_result *res,
	      struct strbuf *err);

#endif
