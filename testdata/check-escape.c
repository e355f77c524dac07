/*
 * check-escape: tries the ways out of a container that --check must close,
 * and prints one line per check: "NAME: blocked", or "NAME: ESCAPED: how"
 * (or "NAME: BROKEN: what" when the container lacks what a runtime gives).
 * Exits 0 only when every check it ran is blocked.  Built with gcc -static
 * by tests/integration/check.sh, which also runs it on the host, where the
 * proc, kill, net and uts checks must report ESCAPED.
 *
 * Arguments, each optional (a check that needs one runs only when given):
 *   hostpid=PID   a process of the host: /proc/PID/root, kill(PID, SIGTERM)
 *   port=PORT     a TCP port listening on the host's 127.0.0.1
 *   blk=MAJ:MIN   a block device of the host, to mknod and open
 *   rofs          the root and its directories are read-only, /tmp is not
 *   only=NAME     run the check NAME alone
 * Other modes: "serve PORTFILE" listens on 127.0.0.1 (a free port, written
 * to PORTFILE) and sleeps, the host's side; "ls DIR" prints DIR's entries
 * on one line; "orphan TOKEN" leaves a child sleeping and exits; "crash"
 * dies of SIGSEGV; "id" prints uid:gid.
 *
 * The host run only opens files (never writes them) and only kills the
 * process it is given.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Docker's default capability set (moby oci/caps/defaults.go). */
#define DOCKER_CAPS 0x00000000a80425fbULL

static int hostpid, port;
static unsigned blk_major, blk_minor;
static int have_blk, rofs;
static const char *only;
static char why[512];

static int escaped(const char *fmt, const char *arg)
{
	snprintf(why, sizeof(why), fmt, arg);
	return 1;
}

static int check_proc(void)
{
	char path[64];
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0;

	if (!d)
		return escaped("BROKEN: no /proc: %s", strerror(errno));
	while ((de = readdir(d)))
		n += de->d_name[0] >= '1' && de->d_name[0] <= '9';
	closedir(d);
	if (getpid() != 1) {
		snprintf(why, sizeof(why), "ESCAPED: pid %d, not 1", (int)getpid());
		return 1;
	}
	if (n > 4) {
		snprintf(why, sizeof(why), "ESCAPED: /proc lists %d processes", n);
		return 1;
	}
	if (hostpid) {
		snprintf(path, sizeof(path), "/proc/%d/root/", hostpid);
		if ((d = opendir(path))) {
			closedir(d);
			return escaped("ESCAPED: opened %s", path);
		}
	}
	return 0;
}

static int is_allowed_dev(const char *name)
{
	static const char *const ok[] = {"null",    "zero", "full", "random",
					 "urandom", "tty",  "ptmx", NULL};

	for (int i = 0; ok[i]; i++)
		if (!strcmp(name, ok[i]))
			return 1;
	return 0;
}

/* The standard nodes work as a runtime's do. */
static int dev_works(void)
{
	char buf[16];
	int fd, bad = 0;

	fd = open("/dev/null", O_WRONLY);
	bad |= fd < 0 || write(fd, "x", 1) != 1;
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	bad |= fd < 0 || read(fd, buf, sizeof(buf)) != sizeof(buf) || buf[7];
	close(fd);
	fd = open("/dev/full", O_WRONLY);
	bad |= fd < 0 || write(fd, "x", 1) != -1 || errno != ENOSPC;
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	bad |= fd < 0 || read(fd, buf, sizeof(buf)) != sizeof(buf);
	close(fd);
	return !bad;
}

static int check_dev(void)
{
	static const char *const raw[] = {
		"/dev/mem", "/dev/kmem",    "/dev/port", "/dev/kmsg",  "/dev/sda",
		"/dev/vda", "/dev/nvme0n1", "/dev/xvda", "/dev/loop0", NULL};
	char path[300];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	for (int i = 0; raw[i]; i++)
		if ((fd = open(raw[i], O_RDONLY | O_NONBLOCK)) >= 0) {
			close(fd);
			return escaped("ESCAPED: opened %s", raw[i]);
		}
	if (!(d = opendir("/dev")))
		return escaped("BROKEN: no /dev: %s", strerror(errno));
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (lstat(path, &st) == 0 &&
		    (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) &&
		    !is_allowed_dev(de->d_name)) {
			closedir(d);
			return escaped("ESCAPED: /dev has %s", path);
		}
	}
	closedir(d);
	if (!dev_works())
		return escaped("BROKEN: %s", "null, zero, full or urandom misbehaves");
	return 0;
}

static int check_mknod(void)
{
	static const char *const dirs[] = {"/", "/tmp", "/dev", "/dev/shm", "/etc", NULL};
	char path[300];
	int fd;

	for (int i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/.check-escape-node", dirs[i]);
		if (mknod(path, S_IFBLK | 0600, makedev(blk_major, blk_minor)) < 0)
			continue;
		fd = open(path, O_RDONLY | O_NONBLOCK);
		unlink(path);
		if (fd >= 0) {
			close(fd);
			return escaped("ESCAPED: opened a disk node made in %s", dirs[i]);
		}
	}
	return 0;
}

static int check_rofs(void)
{
	char path[300];
	struct dirent *de;
	DIR *d = opendir("/");
	int fd;

	if (!d)
		return escaped("BROKEN: %s", strerror(errno));
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (!strcmp(n, "..") || !strcmp(n, "proc") || !strcmp(n, "dev") ||
		    !strcmp(n, "tmp"))
			continue;
		snprintf(path, sizeof(path), "/%s/.check-escape", n);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0) {
			close(fd);
			unlink(path);
			closedir(d);
			return escaped("ESCAPED: wrote %s", path);
		}
	}
	closedir(d);
	if ((fd = open("/tmp/.check-escape", O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		return escaped("BROKEN: /tmp is not writable: %s", strerror(errno));
	close(fd);
	unlink("/tmp/.check-escape");
	return 0;
}

static int check_kill(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", hostpid);
	if (kill(hostpid, SIGTERM) == 0)
		return escaped("ESCAPED: sent SIGTERM to host pid %s", pid);
	return 0;
}

static int lo_is_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0), up;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	up = s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
	close(s);
	return up;
}

static int check_net(void)
{
	struct if_nameindex *ifs = if_nameindex();
	struct sockaddr_in sa;
	int s, ret = 0;

	for (struct if_nameindex *i = ifs; i && i->if_index; i++)
		if (strcmp(i->if_name, "lo") && !ret)
			ret = escaped("ESCAPED: interface %s", i->if_name);
	if_freenameindex(ifs);
	if (ret)
		return ret;
	if (!lo_is_up())
		return escaped("BROKEN: %s", "lo is not up");
	if (!port)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		snprintf(why, sizeof(why),
			 "ESCAPED: connected to the host's 127.0.0.1:%d", port);
		ret = 1;
	}
	close(s);
	return ret;
}

/* The value of FIELD ("CapBnd:") in /proc/self/status, -1 if absent. */
static long long status_field(const char *field)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			v = strtoll(line + strlen(field), NULL,
				    strstr(field, "Cap") ? 16 : 10);
	if (f)
		fclose(f);
	return v;
}

static int check_caps(void)
{
	static const char *const sets[] = {"CapBnd:", "CapPrm:", "CapEff:", NULL};
	char v[64];

	for (int i = 0; sets[i]; i++) {
		long long want = getuid() == 0 || i == 0 ? (long long)DOCKER_CAPS : 0;

		if (status_field(sets[i]) != want) {
			snprintf(v, sizeof(v), "%s %llx", sets[i], status_field(sets[i]));
			return escaped("ESCAPED: %s", v);
		}
	}
	if (status_field("CapInh:") != 0 || status_field("CapAmb:") != 0)
		return escaped("ESCAPED: %s", "inheritable or ambient capabilities");
	return 0;
}

static int check_nnp(void)
{
	if (status_field("NoNewPrivs:") != 1)
		return escaped("ESCAPED: %s", "NoNewPrivs is not 1");
	return 0;
}

/* Opens for writing only: nothing is ever written. */
static int check_sysctl(void)
{
	static const char *const files[] = {"/proc/sys/kernel/core_pattern",
					    "/proc/sysrq-trigger", NULL};
	int fd;

	for (int i = 0; files[i]; i++)
		if ((fd = open(files[i], O_WRONLY)) >= 0) {
			close(fd);
			return escaped("ESCAPED: %s is writable", files[i]);
		}
	return 0;
}

static int check_uts(void)
{
	struct utsname u;

	if (uname(&u) < 0 || strcmp(u.nodename, "scratchroot-check"))
		return escaped("ESCAPED: the hostname is %s", u.nodename);
	return 0;
}

static int serve(const char *portfile)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char tmp[4096];
	FILE *f;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s, 16) < 0 || getsockname(s, (struct sockaddr *)&sa, &len) < 0)
		return perror("serve"), 1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if (!(f = fopen(tmp, "w")) || fprintf(f, "%d\n", ntohs(sa.sin_port)) < 0 ||
	    fclose(f) != 0 || rename(tmp, portfile) < 0)
		return perror(portfile), 1;
	for (;;)
		pause();
}

static int list(const char *dir)
{
	struct dirent **v;
	int n = scandir(dir, &v, NULL, alphasort);

	if (n < 0)
		return perror(dir), 1;
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i]->d_name, ".") && strcmp(v[i]->d_name, ".."))
			printf("%s%s", v[i]->d_name, i + 1 < n ? " " : "");
		free(v[i]);
	}
	free(v);
	printf("\n");
	return 0;
}

static int is_mode(const char *arg)
{
	static const char *const modes[] = {"serve", "ls", "orphan", "crash", "id", NULL};

	for (int i = 0; modes[i]; i++)
		if (!strcmp(arg, modes[i]))
			return 1;
	return 0;
}

static int other_mode(int argc, char **argv)
{
	if (!strcmp(argv[1], "serve") && argc == 3)
		return serve(argv[2]);
	if (!strcmp(argv[1], "ls") && argc == 3)
		return list(argv[2]);
	if (!strcmp(argv[1], "orphan")) {
		if (fork() == 0) {
			sleep(300);
			_exit(0);
		}
		printf("orphan left\n");
		return 0;
	}
	if (!strcmp(argv[1], "crash"))
		*(volatile int *)0 = 1;
	if (!strcmp(argv[1], "id"))
		printf("%d:%d\n", (int)getuid(), (int)getgid());
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
	int *needs;
} checks[] = {
	{"proc", check_proc, NULL},	   {"dev", check_dev, NULL},
	{"mknod", check_mknod, &have_blk}, {"rofs", check_rofs, &rofs},
	{"kill", check_kill, &hostpid},	   {"net", check_net, NULL},
	{"caps", check_caps, NULL},	   {"nnp", check_nnp, NULL},
	{"sysctl", check_sysctl, NULL},	   {"uts", check_uts, NULL},
};

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc > 1 && is_mode(argv[1]))
		return other_mode(argc, argv);
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "hostpid=", 8))
			hostpid = atoi(argv[i] + 8);
		else if (!strncmp(argv[i], "port=", 5))
			port = atoi(argv[i] + 5);
		else if (sscanf(argv[i], "blk=%u:%u", &blk_major, &blk_minor) == 2)
			have_blk = 1;
		else if (!strcmp(argv[i], "rofs"))
			rofs = 1;
		else if (!strncmp(argv[i], "only=", 5))
			only = argv[i] + 5;
	}
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if ((checks[i].needs && !*checks[i].needs) ||
		    (only && strcmp(only, checks[i].name)))
			continue;
		why[0] = '\0';
		if (checks[i].fn()) {
			printf("%s: %s\n", checks[i].name, why);
			failed++;
		} else {
			printf("%s: blocked\n", checks[i].name);
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
