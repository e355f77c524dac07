/* check: run a program in a container-like view of a tree; see check.h. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scratchroot/check.h"

#define MAX_OUTPUT (64u << 10)

int check_possible(struct strbuf *err)
{
	if (geteuid() != 0)
		return seterr(err, -EPERM,
			      "--check needs root: it mounts /proc and /dev and chroots into the tree");
	return 0;
}

/* In the child: the container's root at VIEW, made of DIR's entries. */
static int build_view(const char *dir, const char *view)
{
	char src[PATH_MAX], dst[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (mount("scratchroot", view, "tmpfs", MS_NOSUID, "mode=0755") < 0)
		return -1;
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct stat st;
		ssize_t n;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(src, sizeof(src), "%s/%s", dir, de->d_name);
		snprintf(dst, sizeof(dst), "%s/%s", view, de->d_name);
		if (lstat(src, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(src, target, sizeof(target) - 1);
			if (n < 0)
				continue;
			target[n] = '\0';
			if (symlink(target, dst) < 0)
				return -1;
			continue;
		}
		if (S_ISDIR(st.st_mode) ? mkdir(dst, 0755) < 0
					: close(open(dst, O_CREAT | O_WRONLY, 0644)) < 0)
			return -1;
		if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
			return -1;
	}
	closedir(d);
	snprintf(dst, sizeof(dst), "%s/proc", view);
	if ((mkdir(dst, 0555) < 0 && errno != EEXIST) ||
	    mount("proc", dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -1;
	snprintf(dst, sizeof(dst), "%s/dev", view);
	if ((mkdir(dst, 0755) < 0 && errno != EEXIST) ||
	    mount("/dev", dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return 0;
}

static void child(const char *dir, const char *view, const char *prog,
		  char *const argv[], int out)
{
	static char *const env[] = { "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
				     "HOME=/", NULL };

	dup2(out, 1);
	dup2(out, 2);
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    build_view(dir, view) < 0) {
		dprintf(2, "scratchroot --check: cannot prepare the container view: %s\n",
			strerror(errno));
		_exit(125);
	}
	if (chroot(view) < 0 || chdir("/") < 0) {
		dprintf(2, "scratchroot --check: chroot: %s\n", strerror(errno));
		_exit(125);
	}
	execve(prog, argv, env);
	dprintf(2, "scratchroot --check: cannot execute %s: %s\n", prog, strerror(errno));
	_exit(127);
}

int check_run(const char *dir, const char *prog, char *const argv[],
	      unsigned timeout, struct check_result *res, struct strbuf *err)
{
	char view[] = "/tmp/scratchroot-check-XXXXXX";
	int pipefd[2], status = 0, ret = 0;
	time_t end = time(NULL) + (time_t)timeout;
	pid_t pid;

	strbuf_init(&res->out);
	if (!mkdtemp(view))
		return seterr(err, -errno, "mkdtemp: %s", strerror(errno));
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		ret = seterr(err, -errno, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = seterr(err, -errno, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		goto out;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child(dir, view, prog, argv, pipefd[1]);
	}
	close(pipefd[1]);
	for (;;) {
		struct pollfd pfd = { pipefd[0], POLLIN, 0 };
		char buf[4096];
		ssize_t n;
		int left = (int)(end - time(NULL));

		if (left <= 0) {
			kill(pid, SIGKILL);
			strbuf_addstr(&res->out, "\n[scratchroot --check: timed out]\n");
			break;
		}
		if (poll(&pfd, 1, left * 1000) <= 0)
			continue;
		n = read(pipefd[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		if (res->out.len < MAX_OUTPUT)
			strbuf_add(&res->out, buf, (size_t)n);
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	res->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	rmdir(view);
	return ret;
}
