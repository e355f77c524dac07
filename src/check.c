/* check: run a program in a container made of a tree; see check.h. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scratchroot/check.h"

#define MAX_OUTPUT (64u << 10)
#define HOSTNAME "scratchroot-check"
/* Seconds the supervisor has to end the container after a timeout. */
#define KILL_GRACE 5
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Docker's default capabilities (moby oci/caps/defaults.go,
 * DefaultCapabilities): the bounding, permitted and effective sets of a
 * container run without --cap-add or --cap-drop.  Inheritable and ambient
 * stay empty, as moby and runc leave them since CVE-2022-24769.
 */
static const int docker_caps[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	CAP_KILL,    CAP_AUDIT_WRITE,
};

/* The OCI runtime spec's default devices (config-linux.md), less
 * /dev/console, which a container only gets with a terminal. */
static const char *const dev_nodes[] = {"null",	  "zero",    "full",
					"random", "urandom", "tty"};

/*
 * What moby hides and makes read-only in /proc (oci/defaults.go,
 * DefaultLinuxSpec: MaskedPaths, ReadonlyPaths).  Root without
 * CAP_SYS_ADMIN may still write /proc/sys (the check is on the uid):
 * kernel/core_pattern would run a program on the host, and
 * /proc/sysrq-trigger reboots it.
 */
static const char *const proc_masked[] = {
	"/proc/asound",	       "/proc/acpi",
	"/proc/kcore",	       "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats",   "/proc/sched_debug",
	"/proc/scsi",	       NULL,
};
static const char *const proc_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};

/* What a child tells check_run on the report pipe: one record a write,
 * shorter than PIPE_BUF, so that each arrives whole. */
enum { REPORT_FAILED = 1, REPORT_STATUS };
struct report {
	int kind;
	int value; /* an errno, or the program's wait status */
	char msg[240];
};
_Static_assert(sizeof(struct report) <= PIPE_BUF, "a report is written whole");

/* What the children need; set before the first fork. */
struct ctx {
	const char *dir, *view, *prog;
	char *const *argv;
	uid_t uid;
	gid_t gid;
	int out, report; /* the write ends of the two pipes */
	pid_t parent;
};

int check_possible(struct strbuf *err)
{
	if (geteuid() != 0)
		return seterr(err, -EPERM,
			      "--check needs root: it makes namespaces and mounts a "
			      "container for the program");
	return 0;
}

static void send_report(int fd, int kind, int value, const char *msg)
{
	struct report r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.value = value;
	snprintf(r.msg, sizeof(r.msg), "%s", msg ? msg : "");
	while (write(fd, &r, sizeof(r)) < 0 && errno == EINTR)
		;
}

/* In a child: reports the failure RET (-errno) with its reason, and exits. */
static _Noreturn void fail(const struct ctx *c, int ret, const char *why)
{
	send_report(c->report, REPORT_FAILED, -ret, why);
	_exit(125);
}

/* fail() for the system call WHAT that has just set errno. */
static _Noreturn void fail_errno(const struct ctx *c, const char *what)
{
	char why[200];
	int e = errno;

	snprintf(why, sizeof(why), "%s: %s", what, strerror(e));
	fail(c, -e, why);
}

static int path_at(char *buf, const char *dir, const char *name, struct strbuf *err)
{
	if ((size_t)snprintf(buf, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		return seterr(err, -ENAMETOOLONG, "%s/%s: name too long", dir, name);
	return 0;
}

static int xmount(const char *src, const char *dst, const char *type, unsigned long flags,
		  const char *data, struct strbuf *err)
{
	if (mount(src, dst, type, flags, data) < 0)
		return seterr(err, -errno, "mount %s: %s", dst, strerror(errno));
	return 0;
}

/* Binds SRC at DST, read-only, with FLAGS (MS_NOSUID, MS_NODEV, MS_NOEXEC). */
static int bind_ro(const char *src, const char *dst, unsigned long flags,
		   struct strbuf *err)
{
	int ret = xmount(src, dst, NULL, MS_BIND, NULL, err);

	if (!ret)
		ret = xmount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags,
			     NULL, err);
	return ret;
}

static int mkdir_at(const char *dir, const char *name, mode_t mode, struct strbuf *err)
{
	char p[PATH_MAX];
	int ret = path_at(p, dir, name, err);

	if (!ret && mkdir(p, mode) < 0 && errno != EEXIST)
		ret = seterr(err, -errno, "mkdir %s: %s", p, strerror(errno));
	return ret;
}

/* The top-level entry NAME of the tree DIR in the view: a symlink copied,
 * anything else bound read-only (not recursively: no mount below the tree
 * comes along), nosuid, nodev. */
static int view_entry(const char *dir, const char *view, const char *name,
		      struct strbuf *err)
{
	char src[PATH_MAX], dst[PATH_MAX], target[PATH_MAX];
	unsigned long flags = MS_NOSUID | MS_NODEV;
	struct statvfs sv;
	struct stat st;
	ssize_t n;
	int fd = -1, ret;

	if ((ret = path_at(src, dir, name, err)) || (ret = path_at(dst, view, name, err)))
		return ret;
	if (lstat(src, &st) < 0)
		return seterr(err, -errno, "%s: %s", src, strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			return seterr(err, -errno, "%s: %s", src, strerror(errno));
		target[n] = '\0';
		if (symlink(target, dst) < 0)
			return seterr(err, -errno, "symlink %s: %s", dst,
				      strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode)
		    ? mkdir(dst, 0755) < 0
		    : (fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return seterr(err, -errno, "%s: %s", dst, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		close(fd);
	if (statvfs(src, &sv) == 0 && (sv.f_flag & ST_NOEXEC))
		flags |= MS_NOEXEC;
	return bind_ro(src, dst, flags, err);
}

/* The container's root at VIEW: a tmpfs with the tree's top-level entries
 * (but proc and dev, which the container gets fresh) and the directories
 * /proc and /dev are mounted on.  *has_tmp: the tree has a /tmp directory. */
static int build_root(const char *dir, const char *view, bool *has_tmp,
		      struct strbuf *err)
{
	char tmp[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ret = xmount("scratchroot", view, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755",
			 err);

	if (ret)
		return ret;
	if (!(d = opendir(dir)))
		return seterr(err, -errno, "%s: %s", dir, strerror(errno));
	while (!ret && (errno = 0, de = readdir(d))) {
		const char *n = de->d_name;

		if (strcmp(n, ".") && strcmp(n, "..") && strcmp(n, "proc") &&
		    strcmp(n, "dev"))
			ret = view_entry(dir, view, n, err);
	}
	if (!ret && errno)
		ret = seterr(err, -errno, "%s: %s", dir, strerror(errno));
	closedir(d);
	if (!ret)
		ret = mkdir_at(view, "proc", 0555, err);
	if (!ret)
		ret = mkdir_at(view, "dev", 0755, err);
	*has_tmp = !ret && !path_at(tmp, dir, "tmp", NULL) && lstat(tmp, &st) == 0 &&
		   S_ISDIR(st.st_mode);
	return ret;
}

/* The device nodes of /dev (at DEV), each bound from the host's: not nodev,
 * as the tmpfs under them is, and read-only, so that chmod or chown cannot
 * reach the host's node while the device itself stays readable and
 * writable (a read-only mount does not apply to device I/O). */
static int bind_nodes(const char *dev, struct strbuf *err)
{
	char host[64], p[PATH_MAX];
	struct stat st;
	int fd, ret = 0;

	for (size_t i = 0; !ret && i < N_OF(dev_nodes); i++) {
		snprintf(host, sizeof(host), "/dev/%s", dev_nodes[i]);
		if (stat(host, &st) < 0 || !S_ISCHR(st.st_mode))
			return seterr(err, -ENODEV, "the host's %s is not a device",
				      host);
		if ((ret = path_at(p, dev, dev_nodes[i], err)))
			return ret;
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return seterr(err, -errno, "%s: %s", p, strerror(errno));
		close(fd);
		ret = bind_ro(host, p, MS_NOSUID | MS_NOEXEC, err);
	}
	return ret;
}

/* A runtime's /dev in the view: a tmpfs (nodev: a node made in it with
 * CAP_MKNOD cannot be opened), the nodes, the fd links, /dev/pts of its
 * own and /dev/shm.  Mounts as in moby's DefaultLinuxSpec, links as runc's
 * setupDevSymlinks. */
static int make_dev(const char *view, struct strbuf *err)
{
	static const char *const links[][2] = {
		{"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
		{"ptmx", "pts/ptmx"},
	};
	char dev[PATH_MAX], p[PATH_MAX];
	int ret;

	if ((ret = path_at(dev, view, "dev", err)) ||
	    (ret = xmount("tmpfs", dev, "tmpfs",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_STRICTATIME,
			  "mode=0755,size=65536k", err)) ||
	    (ret = bind_nodes(dev, err)))
		return ret;
	for (size_t i = 0; i < N_OF(links); i++) {
		if ((ret = path_at(p, dev, links[i][0], err)))
			return ret;
		if (symlink(links[i][1], p) < 0)
			return seterr(err, -errno, "symlink %s: %s", p, strerror(errno));
	}
	if ((ret = mkdir_at(dev, "pts", 0755, err)) ||
	    (ret = path_at(p, dev, "pts", err)) ||
	    (ret = xmount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC,
			  "newinstance,ptmxmode=0666,mode=0620,gid=5", err)))
		return ret;
	if ((ret = mkdir_at(dev, "shm", 01777, err)) ||
	    (ret = path_at(p, dev, "shm", err)))
		return ret;
	return xmount("shm", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		      "mode=1777,size=65536k", err);
}

/* The container's host name, and its loopback interface up (the only
 * interface of a new network namespace, down until someone raises it). */
static int set_host(struct strbuf *err)
{
	struct ifreq ifr;
	int s, ret = 0;

	if (sethostname(HOSTNAME, strlen(HOSTNAME)) < 0)
		return seterr(err, -errno, "sethostname: %s", strerror(errno));
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return seterr(err, -errno, "socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		ret = seterr(err, -errno, "lo: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		ret = seterr(err, -errno, "bringing up lo: %s", strerror(errno));
	close(s);
	return ret;
}

/* Makes VIEW the root with pivot_root, as runc does: pivot_root(".", ".")
 * stacks the old root on the new one, and detaching it leaves nothing of
 * the host reachable, not even through chroot and "..". */
static int enter_root(const char *view, struct strbuf *err)
{
	if (chdir(view) < 0)
		return seterr(err, -errno, "%s: %s", view, strerror(errno));
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return seterr(
			err, -errno, "pivot_root: %s%s", strerror(errno),
			errno == EINVAL
				? " (--check needs / to be a mount point, not a chroot)"
				: "");
	if (umount2(".", MNT_DETACH) < 0)
		return seterr(err, -errno, "detaching the host's root: %s",
			      strerror(errno));
	if (chdir("/") < 0)
		return seterr(err, -errno, "chdir /: %s", strerror(errno));
	return 0;
}

/* In the container: /proc of its PID namespace, with moby's masks. */
static int mount_proc(struct strbuf *err)
{
	struct stat st;
	int ret = xmount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
			 err);

	for (size_t i = 0; !ret && proc_readonly[i]; i++)
		if (lstat(proc_readonly[i], &st) == 0)
			ret = bind_ro(proc_readonly[i], proc_readonly[i],
				      MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
	for (size_t i = 0; !ret && proc_masked[i]; i++) {
		if (lstat(proc_masked[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			ret = xmount("tmpfs", proc_masked[i], "tmpfs",
				     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
				     err);
		else
			ret = xmount("/dev/null", proc_masked[i], NULL, MS_BIND, NULL,
				     err);
	}
	return ret;
}

static bool dir_is_empty(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	bool empty = true;

	while (d && empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	if (d)
		closedir(d);
	return empty;
}

/* A writable /tmp in the view, as a container has: a tmpfs, or when the
 * tree's /tmp holds files (a program placed under /tmp), an overlay of them
 * with a tmpfs on top, as a container's writable layer is.  The lower layer
 * is the view's read-only bind, and an overlay never writes its lower layer
 * anyway.  Without overlayfs, such a /tmp stays read-only. */
static int mount_tmp(const char *view, struct strbuf *err)
{
	char tmp[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], opts[3 * PATH_MAX];
	int ret, lower = -1;

	if ((ret = path_at(tmp, view, "tmp", err)) ||
	    (ret = path_at(upper, tmp, "upper", err)) ||
	    (ret = path_at(work, tmp, "work", err)))
		return ret;
	if (!dir_is_empty(tmp) &&
	    (lower = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return seterr(err, -errno, "%s: %s", tmp, strerror(errno));
	ret = xmount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err);
	if (ret || lower < 0)
		goto out;
	if (mkdir(upper, 01777) < 0 || chmod(upper, 01777) < 0 || mkdir(work, 0700) < 0) {
		ret = seterr(err, -errno, "%s: %s", upper, strerror(errno));
		goto out;
	}
	snprintf(opts, sizeof(opts), "lowerdir=/proc/self/fd/%d,upperdir=%s,workdir=%s",
		 lower, upper, work);
	if (mount("overlay", tmp, "overlay", MS_NOSUID | MS_NODEV, opts) < 0 &&
	    umount2(tmp, MNT_DETACH) < 0)
		ret = seterr(err, -errno, "umount %s: %s", tmp, strerror(errno));
out:
	if (lower >= 0)
		close(lower);
	return ret;
}

/* In the child that becomes the container's pid 1: everything but the
 * privileges, ending inside the container with stdin its /dev/null. */
static int enter_container(const struct ctx *c, struct strbuf *err)
{
	bool has_tmp = false;
	int ret, fd;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return seterr(err, -errno, "making the mounts private: %s",
			      strerror(errno));
	if ((ret = set_host(err)) || (ret = build_root(c->dir, c->view, &has_tmp, err)) ||
	    (ret = make_dev(c->view, err)))
		return ret;
	if (has_tmp && (ret = mount_tmp(c->view, err)))
		return ret;
	/* Last, the view's own tmpfs read-only: nothing made at the root. */
	if ((ret = xmount(NULL, c->view, NULL,
			  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL,
			  err)) ||
	    (ret = enter_root(c->view, err)) || (ret = mount_proc(err)))
		return ret;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0)
		ret = seterr(err, -errno, "/dev/null: %s", strerror(errno));
	if (fd > 0)
		close(fd);
	return ret;
}

/* Docker's capability sets, the user, no_new_privs: the last step. */
static int drop_privileges(uid_t uid, gid_t gid, struct strbuf *err)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	uint64_t keep = 0, caps;

	for (size_t i = 0; i < N_OF(docker_caps); i++)
		keep |= UINT64_C(1) << docker_caps[i];
	/* PR_CAPBSET_READ fails past the last capability the kernel knows. */
	for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (!(keep >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return seterr(err, -errno, "dropping capability %d: %s", cap,
				      strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return seterr(err, -errno, "clearing ambient capabilities: %s",
			      strerror(errno));
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return seterr(err, -errno, "becoming %u:%u: %s", (unsigned)uid,
			      (unsigned)gid, strerror(errno));
	/* A uid other than 0 lost its permitted set in setresuid(), as a
	 * container's user starts: only root keeps Docker's set. */
	caps = uid == 0 ? keep : 0;
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)caps;
	data[1].effective = data[1].permitted = (uint32_t)(caps >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return seterr(err, -errno, "capset: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return seterr(err, -errno, "no_new_privs: %s", strerror(errno));
	return 0;
}

static void reset_signals(void)
{
	sigset_t none;

	/* Fails for SIGKILL, SIGSTOP and libc's own: nothing to undo there. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The container's pid 1: sets the container up and becomes the program. */
static _Noreturn void container_init(const struct ctx *c)
{
	static char *const env[] = {"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
				    "HOME=/", NULL};
	struct strbuf err = STRBUF_INIT;
	int ret;

	reset_signals();
	/* Should the supervisor be killed, the namespace goes with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	setsid();
	ret = enter_container(c, &err);
	if (!ret)
		ret = drop_privileges(c->uid, c->gid, &err);
	if (ret)
		fail(c, ret, err.buf);
	execve(c->prog, c->argv, env);
	dprintf(2, "scratchroot --check: cannot execute %s: %s\n", c->prog,
		strerror(errno));
	_exit(127);
}

static void close_from(int fd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)fd, ~0u, 0) == 0)
		return;
#endif
	for (long i = fd, max = sysconf(_SC_OPEN_MAX); i < max && i < 65536; i++)
		close((int)i);
}

/* In the supervisor: stdout and stderr the output pipe, the report pipe at
 * 3 (close-on-exec), stdin /dev/null, every other descriptor closed: none
 * of scratchroot's files or directories may reach the container. */
static int setup_fds(struct ctx *c)
{
	int out = fcntl(c->out, F_DUPFD_CLOEXEC, 10);
	int rep = fcntl(c->report, F_DUPFD_CLOEXEC, 10);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (out < 0 || rep < 0 || null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(out, 2) < 0 || dup3(rep, 3, O_CLOEXEC) < 0)
		return -errno;
	close_from(4);
	c->out = 1;
	c->report = 3;
	return 0;
}

/* The pid of the container's pid 1, while it can be signalled. */
static volatile sig_atomic_t init_pid;

static void stop_init(int sig)
{
	(void)sig;
	if (init_pid > 0)
		kill((pid_t)init_pid, SIGKILL);
}

/* The supervisor, outside the container: makes the namespaces, forks pid 1,
 * kills it on SIGTERM (check_run's timeout), SIGINT, SIGHUP or when
 * scratchroot dies, and reports its wait status. */
static _Noreturn void supervise(struct ctx *c)
{
	struct sigaction sa;
	sigset_t stops;
	siginfo_t si;
	int status = 0;
	pid_t pid;

	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_init;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 || getppid() != c->parent)
		_exit(125);
	if (setup_fds(c) < 0)
		fail_errno(c, "setting up the descriptors");
	if (unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
		    CLONE_NEWUTS) < 0)
		fail_errno(c, "unshare (PID, mount, network, IPC and UTS namespaces)");
	pid = fork();
	if (pid < 0)
		fail_errno(c, "fork");
	if (pid == 0)
		container_init(c);
	init_pid = pid;
	sigprocmask(SIG_UNBLOCK, &stops, NULL);
	/* Waits without reaping, so that stop_init can never signal a pid
	 * that the system has given to another process. */
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			fail_errno(c, "waitid");
	init_pid = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	send_report(c->report, REPORT_STATUS, status, NULL);
	_exit(0);
}

/* Reads the container's output into OUT (MAX_OUTPUT kept) until all its
 * processes have closed it.  At TIMEOUT, or when scratchroot is interrupted,
 * asks the supervisor PID to end the container; kills the supervisor when
 * that has not happened after KILL_GRACE seconds. */
static void collect(int fd, pid_t pid, unsigned timeout, struct strbuf *out)
{
	time_t end = time(NULL) + (time_t)timeout;
	bool stopping = false;

	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		char buf[4096];
		time_t left = end - time(NULL);
		ssize_t n;

		if (left <= 0 || (sr_interrupted && !stopping)) {
			if (stopping) {
				kill(pid, SIGKILL);
				return;
			}
			if (left <= 0)
				strbuf_addstr(out,
					      "\n[scratchroot --check: timed out]\n");
			kill(pid, SIGTERM);
			stopping = true;
			end = time(NULL) + KILL_GRACE;
			continue;
		}
		if (poll(&pfd, 1, left > 1000 ? 1000000 : (int)left * 1000) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		if (out->len < MAX_OUTPUT)
			strbuf_add(out, buf,
				   (size_t)n < MAX_OUTPUT - out->len
					   ? (size_t)n
					   : MAX_OUTPUT - out->len);
	}
}

/* The children's reports: a setup failure (returned: -errno, the reason in
 * err), or the program's wait status into *status. */
static int read_report(int fd, int *status, struct strbuf *err)
{
	struct report r;
	ssize_t n;

	while ((n = read(fd, &r, sizeof(r))) == (ssize_t)sizeof(r) ||
	       (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		r.msg[sizeof(r.msg) - 1] = '\0';
		if (r.kind == REPORT_FAILED)
			return seterr(err, -(r.value > 0 ? r.value : EIO), "%s", r.msg);
		if (r.kind == REPORT_STATUS)
			*status = r.value;
	}
	return 0;
}

int check_run(const char *dir, const char *prog, char *const argv[],
	      const struct check_user *user, unsigned timeout, struct check_result *res,
	      struct strbuf *err)
{
	char view[] = "/tmp/scratchroot-check-XXXXXX";
	struct ctx c = { .dir = dir, .view = view, .prog = prog, .argv = argv,
			 .uid = user ? user->uid : 0, .gid = user ? user->gid : 0,
			 .out = -1, .report = -1, .parent = getpid() };
	int out[2] = {-1, -1}, rep[2] = {-1, -1}, status = 0, ret = 0;
	pid_t pid;

	strbuf_init(&res->out);
	if (!mkdtemp(view))
		return seterr(err, -errno, "mkdtemp: %s", strerror(errno));
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0) {
		ret = seterr(err, -errno, "pipe: %s", strerror(errno));
		goto out;
	}
	c.out = out[1];
	c.report = rep[1];
	pid = fork();
	if (pid < 0) {
		ret = seterr(err, -errno, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		supervise(&c);
	close(out[1]);
	close(rep[1]);
	out[1] = rep[1] = -1;
	collect(out[0], pid, timeout, &res->out);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ret = read_report(rep[0], &status, err);
	res->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	if (ret)
		strbuf_release(&res->out);
	rmdir(view);
	return ret;
}
