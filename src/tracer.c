/*
 * tracer: the traced run (trace.h).  A child stops itself under
 * PTRACE_TRACEME, gets no_new_privs and the seccomp filter, and execs the
 * program; the tracer follows every fork, vfork, clone and exec, and stops
 * a tracee only where the filter says (PTRACE_O_TRACESECCOMP): at entry
 * the path is read out of the tracee and made absolute, at exit
 * (PTRACE_SYSCALL) the result gives the kind.  Facts used, from the
 * kernel's own documents: seccomp(2) (SECCOMP_RET_TRACE, skipping a call
 * by setting its number to -1), ptrace(2) (PTRACE_GET_SYSCALL_INFO, Linux
 * 5.3; since Linux 4.8 the seccomp stop comes before the syscall-exit stop
 * that PTRACE_SYSCALL asks for), the syscall numbers of
 * asm/unistd_64.h (x86-64) and asm-generic/unistd.h (AArch64).
 */
#include <config.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "scratchroot/elfobj.h"
#include "scratchroot/trace.h"

/* AUDIT_ARCH_* of linux/audit.h: EM_* | 64-bit | little-endian. */
#define ARCH_X86_64 (62u | 0x80000000u | 0x40000000u)
#define ARCH_AARCH64 (183u | 0x80000000u | 0x40000000u)
#define X32_SYSCALL_BIT 0x40000000u

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#define MAP_ANONYMOUS_BIT 0x20	/* MAP_ANONYMOUS on x86-64 and AArch64 */
#define RESOLVE_IN_ROOT_BIT 0x10	/* linux/openat2.h */

/* The calls we stop on, in our own numbering (the filter's data). */
enum sc {
	SC_OPEN, SC_CREAT, SC_OPENAT, SC_OPENAT2, SC_EXECVE, SC_EXECVEAT, SC_STAT, SC_LSTAT,
	SC_NEWFSTATAT, SC_STATX, SC_ACCESS, SC_FACCESSAT, SC_FACCESSAT2, SC_READLINK,
	SC_READLINKAT, SC_CHDIR, SC_FCHDIR, SC_MMAP, SC_OPEN_BY_HANDLE_AT, SC_COUNT
};

static const char *const sc_names[SC_COUNT] = {
	"open", "creat", "openat", "openat2", "execve", "execveat", "stat", "lstat",
	"newfstatat", "statx", "access", "faccessat", "faccessat2", "readlink",
	"readlinkat", "chdir", "fchdir", "mmap", "open_by_handle_at",
};

const char *trace_syscall_name(int i)
{
	return i >= 0 && i < SC_COUNT ? sc_names[i] : NULL;
}

/* A condition under which the filter lets a call run without a stop:
 * argument ARG (its low 32 bits) equal to K, or with bits K set. */
struct skip {
	uint8_t arg;
	bool is_set;
	uint32_t k;
};

struct sc_nr {
	uint32_t nr;
	enum sc sc;
	struct skip skips[2];
	size_t n_skips;
};

/* An fstat() is newfstatat(fd, "", buf, AT_EMPTY_PATH) in glibc 2.33 and
 * later: about a descriptor whose file was recorded when it was opened. */
#define SKIP_EMPTY_PATH(a) { { (a), true, AT_EMPTY_PATH } }, 1
/* mmap(): a file only (fd not -1, no MAP_ANONYMOUS). */
#define SKIP_ANON { { 4, false, 0xffffffffu }, { 3, true, MAP_ANONYMOUS_BIT } }, 2

static const struct sc_nr x86_64_calls[] = {
	{ 2, SC_OPEN, { { 0 } }, 0 },		{ 85, SC_CREAT, { { 0 } }, 0 },
	{ 257, SC_OPENAT, { { 0 } }, 0 },	{ 437, SC_OPENAT2, { { 0 } }, 0 },
	{ 59, SC_EXECVE, { { 0 } }, 0 },	{ 322, SC_EXECVEAT, { { 0 } }, 0 },
	{ 4, SC_STAT, { { 0 } }, 0 },		{ 6, SC_LSTAT, { { 0 } }, 0 },
	{ 262, SC_NEWFSTATAT, SKIP_EMPTY_PATH(3) }, { 332, SC_STATX, SKIP_EMPTY_PATH(2) },
	{ 21, SC_ACCESS, { { 0 } }, 0 },	{ 269, SC_FACCESSAT, { { 0 } }, 0 },
	{ 439, SC_FACCESSAT2, { { 0 } }, 0 },	{ 89, SC_READLINK, { { 0 } }, 0 },
	{ 267, SC_READLINKAT, { { 0 } }, 0 },	{ 80, SC_CHDIR, { { 0 } }, 0 },
	{ 81, SC_FCHDIR, { { 0 } }, 0 },	{ 9, SC_MMAP, SKIP_ANON },
	{ 304, SC_OPEN_BY_HANDLE_AT, { { 0 } }, 0 },
};

/* AArch64 has only the *at calls (asm-generic). */
static const struct sc_nr aarch64_calls[] = {
	{ 56, SC_OPENAT, { { 0 } }, 0 },	{ 437, SC_OPENAT2, { { 0 } }, 0 },
	{ 221, SC_EXECVE, { { 0 } }, 0 },	{ 281, SC_EXECVEAT, { { 0 } }, 0 },
	{ 79, SC_NEWFSTATAT, SKIP_EMPTY_PATH(3) }, { 291, SC_STATX, SKIP_EMPTY_PATH(2) },
	{ 48, SC_FACCESSAT, { { 0 } }, 0 },	{ 439, SC_FACCESSAT2, { { 0 } }, 0 },
	{ 78, SC_READLINKAT, { { 0 } }, 0 },	{ 49, SC_CHDIR, { { 0 } }, 0 },
	{ 50, SC_FCHDIR, { { 0 } }, 0 },	{ 222, SC_MMAP, SKIP_ANON },
	{ 265, SC_OPEN_BY_HANDLE_AT, { { 0 } }, 0 },
};

/* ---- the filter ---- */

#define ARG_LO(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i) + \
			      (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 4 : 0)))

struct bpf {
	struct sock_filter *v;
	size_t n, alloc;
};

static void emit(struct bpf *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	b->v = xgrow(b->v, &b->alloc, b->n + 1, sizeof(*b->v));
	b->v[b->n++] = (struct sock_filter){ code, jt, jf, k };
}

static size_t entry_len(const struct sc_nr *c)
{
	return 1 + 2 * c->n_skips + 2;
}

/* One architecture's block: the number loaded, each call tested, allow. */
static void emit_arch(struct bpf *b, const struct sc_nr *calls, size_t n, bool x86)
{
	emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	if (x86) {
		size_t rest = 0;

		for (size_t i = 0; i < n; i++)
			rest += entry_len(&calls[i]);
		/* x32 calls (the bit set) run untraced; so does every
		 * other architecture's. */
		emit(b, BPF_JMP | BPF_JGE | BPF_K, (uint8_t)rest, 0, X32_SYSCALL_BIT);
	}
	for (size_t i = 0; i < n; i++) {
		const struct sc_nr *c = &calls[i];
		size_t ns = c->n_skips;

		emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(2 * ns + 2), c->nr);
		for (size_t j = 0; j < ns; j++) {
			const struct skip *s = &c->skips[j];

			emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(s->arg));
			emit(b, BPF_JMP | (s->is_set ? BPF_JSET : BPF_JEQ) | BPF_K,
			     (uint8_t)(2 * (ns - j) - 1), 0, s->k);
		}
		emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRACE | (uint32_t)(c->sc + 1));
		emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	}
	emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
}

size_t trace_filter_program(struct sock_filter **ret)
{
	struct bpf b = { NULL, 0, 0 };
	size_t nx = sizeof(x86_64_calls) / sizeof(x86_64_calls[0]);
	size_t na = sizeof(aarch64_calls) / sizeof(aarch64_calls[0]);
	size_t x86_len = 2 + 1;	/* ld nr, jge x32, ..., ret allow */

	for (size_t i = 0; i < nx; i++)
		x86_len += entry_len(&x86_64_calls[i]);
	emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)x86_len, ARCH_X86_64);
	emit_arch(&b, x86_64_calls, nx, true);
	emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ARCH_AARCH64);
	emit(&b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	emit_arch(&b, aarch64_calls, na, false);
	*ret = b.v;
	return b.n;
}

/* ---- the tracees ---- */

struct tracee {
	pid_t pid;
	bool seen;		/* its first stop came */
	bool foreign;		/* another machine's code: nothing recorded */
	bool pending;		/* waiting for the exit of SC */
	enum sc sc;
	char *path;		/* resolved at entry, NULL: nothing to record */
	char *interp;		/* an exec'd #! script: its interpreter */
	enum trace_kind kind;	/* what a success records */
	bool created;		/* O_CREAT of a path absent at entry */
	const char *foreign_why;	/* the exec'd file is another machine's */
};

struct tracer {
	struct trace_run *run;
	struct strmap index;	/* path -> run->v index + 1 */
	struct tracee *v;
	size_t n, alloc;
	pid_t root;
	int root_status;
	bool root_done, root_execd;
	size_t n_procs, n_threads;
	uint16_t machine;	/* ours (the tracer's) */
	unsigned char elfclass;
	struct diags *d;
	const char *prog;	/* for messages */
	bool handle_noted;
};

static struct tracee *find(struct tracer *tr, pid_t pid)
{
	for (size_t i = 0; i < tr->n; i++)
		if (tr->v[i].pid == pid)
			return &tr->v[i];
	return NULL;
}

static struct tracee *add_tracee(struct tracer *tr, pid_t pid)
{
	struct tracee *t = find(tr, pid);

	if (t)
		return t;
	tr->v = xgrow(tr->v, &tr->alloc, tr->n + 1, sizeof(*tr->v));
	t = &tr->v[tr->n++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	return t;
}

static void clear_pending(struct tracee *t)
{
	free(t->path);
	free(t->interp);
	t->path = t->interp = NULL;
	t->pending = false;
	t->created = false;
	t->foreign_why = NULL;
}

static void drop_tracee(struct tracer *tr, pid_t pid)
{
	struct tracee *t = find(tr, pid);

	if (!t)
		return;
	clear_pending(t);
	*t = tr->v[--tr->n];
}

static void record(struct tracer *tr, const struct tracee *t, const char *path,
		   enum trace_kind kind, const char *syscall)
{
	struct trace_rec rec = { .path = (char *)path, .kind = kind, .pid = t->pid };
	void **slot;

	if (t->foreign || !path || path[0] != '/' || trace_unrecorded(path))
		return;
	snprintf(rec.syscall, sizeof(rec.syscall), "%s", syscall);
	slot = strmap_put(&tr->index, path);
	if (*slot) {
		struct trace_rec *old = &tr->run->v[(size_t)(uintptr_t)*slot - 1];

		if (kind > old->kind) {
			old->kind = kind;
			old->pid = t->pid;
			memcpy(old->syscall, rec.syscall, sizeof(rec.syscall));
		}
		return;
	}
	trace_run_add(tr->run, &rec);
	*slot = (void *)(uintptr_t)tr->run->n;
}

/* ---- reading the tracee ---- */

static int read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && errno == ENOSYS) {
		char mem[64];
		int fd;

		snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
		fd = open(mem, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		n = pread(fd, buf, len, (off_t)addr);
		close(fd);
		if (n == (ssize_t)len)
			return 0;
	}
	return -EFAULT;
}

/* The NUL-terminated string at ADDR, read a page at a time (a string may
 * end just before an unmapped page). */
static int read_string(pid_t pid, uint64_t addr, struct strbuf *out)
{
	strbuf_reset(out);
	if (!addr)
		return -EFAULT;
	while (out->len < PATH_MAX) {
		char buf[4096];
		size_t chunk = 4096 - (size_t)(addr % 4096);
		char *nul;

		if (read_mem(pid, addr, buf, chunk) < 0)
			return -EFAULT;
		nul = memchr(buf, '\0', chunk);
		strbuf_add(out, buf, nul ? (size_t)(nul - buf) : chunk);
		if (nul)
			return 0;
		addr += chunk;
	}
	return -ENAMETOOLONG;
}

/* readlink of /proc/PID/WHAT: an absolute path, or NULL. */
static char *proc_link(pid_t pid, const char *what)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/%s", (int)pid, what);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return NULL;
	buf[n] = '\0';
	if (n > 10 && !strcmp(buf + n - 10, " (deleted)"))
		return NULL;
	return xstrdup(buf);
}

static char *fd_path(pid_t pid, int fd)
{
	char what[32];

	if (fd < 0)
		return NULL;
	snprintf(what, sizeof(what), "fd/%d", fd);
	return proc_link(pid, what);
}

/* PATH (the tracee's string) made absolute against DIRFD or the cwd. */
static char *absolute(pid_t pid, int dirfd, const char *path, bool in_root)
{
	char *base, *ret;

	if (path[0] == '/' && !in_root)
		return trace_path_join("/", path);
	base = dirfd == AT_FDCWD ? proc_link(pid, "cwd") : fd_path(pid, dirfd);
	if (!base)
		return NULL;
	while (in_root && *path == '/')
		path++;
	ret = trace_path_join(base, path);
	free(base);
	return ret;
}

/* ---- exec checks ---- */

/* The e_machine and class of the ELF file PATH; false when not ELF. */
static bool elf_kind(const char *path, uint16_t *machine, unsigned char *cls)
{
	unsigned char h[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) && !memcmp(h, ELFMAG, SELFMAG);
	close(fd);
	if (!ok)
		return false;
	*cls = h[EI_CLASS];
	*machine = h[EI_DATA] == ELFDATA2MSB ? (uint16_t)(h[18] << 8 | h[19])
					     : (uint16_t)(h[19] << 8 | h[18]);
	return true;
}

/* Why the file PATH must not run under the tracer, or NULL. */
static const char *privileged(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	if (st.st_mode & S_ISUID)
		return "set-user-ID";
	if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP))
		return "set-group-ID";
	if (getxattr(path, "security.capability", NULL, 0) > 0)
		return "has file capabilities";
	return NULL;
}

/* The interpreter a #! script names (absolute, against CWD), or NULL. */
static char *script_interp(pid_t pid, const char *path)
{
	char head[256], *interp = NULL, *ret = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n > 0 && elfobj_is_script(head, (size_t)n, &interp) && interp[0])
		ret = absolute(pid, AT_FDCWD, interp, false);
	free(interp);
	return ret;
}

/* What a file that is exec'd is, when it is another machine's program. */
static const char *foreign(const struct tracer *tr, const char *path)
{
	uint16_t m;
	unsigned char c;

	if (!elf_kind(path, &m, &c) || (m == tr->machine && c == tr->elfclass))
		return NULL;
	return elfobj_machine_name(m);
}

/*
 * Makes the call T is stopped at (a seccomp stop) fail with -ERR without
 * running: its number set to -1, the return register set (seccomp(2)).
 * Returns 0, or -ENOSYS on an architecture where we do not know how.
 */
static int deny(pid_t pid, int err)
{
#if defined(__x86_64__)
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, pid, 0, &regs) < 0)
		return -errno;
	regs.orig_rax = (unsigned long long)-1;
	regs.rax = (unsigned long long)-err;
	return ptrace(PTRACE_SETREGS, pid, 0, &regs) < 0 ? -errno : 0;
#elif defined(__aarch64__)
	struct user_regs_struct regs;
	struct iovec iov = { &regs, sizeof(regs) };
	int nr = -1;

	if (ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov) < 0)
		return -errno;
	regs.regs[0] = (unsigned long long)-err;
	if (ptrace(PTRACE_SETREGSET, pid, NT_PRSTATUS, &iov) < 0)
		return -errno;
	iov = (struct iovec){ &nr, sizeof(nr) };
	return ptrace(PTRACE_SETREGSET, pid, NT_ARM_SYSTEM_CALL, &iov) < 0 ? -errno : 0;
#else
	(void)pid;
	(void)err;
	return -ENOSYS;
#endif
}

/* Refuses the exec T is about to do: fails with EPERM, or T is killed. */
static void refuse_exec(struct tracer *tr, struct tracee *t, const char *path, const char *why)
{
	bool denied = deny(t->pid, EPERM) == 0;

	diag_add(tr->d, DIAG_WARNING, path,
		 "%s: pid %d tried to run it under the tracer: %s (scratchroot never traces "
		 "a privileged program; --add it instead)",
		 why, (int)t->pid, denied ? "the exec failed with EPERM" : "the process was killed");
	if (!denied)
		kill(t->pid, SIGKILL);
	clear_pending(t);
}

/* ---- a stop at entry ---- */

/* Fills T's pending record for call SC with ARGS.  Returns true when the
 * exit must be seen (PTRACE_SYSCALL), false to let it run (PTRACE_CONT). */
static bool decode(struct tracer *tr, struct tracee *t, enum sc sc, const uint64_t *a,
		   struct strbuf *s)
{
	int dirfd = AT_FDCWD, flags = 0;
	uint64_t pathp = 0;
	bool in_root = false;
	enum trace_kind kind = TRACE_STAT;

	switch (sc) {
	case SC_OPEN:
		pathp = a[0];
		flags = (int)a[1];
		kind = TRACE_OPENED;
		break;
	case SC_CREAT:
		pathp = a[0];
		flags = O_CREAT | O_WRONLY | O_TRUNC;
		kind = TRACE_OPENED;
		break;
	case SC_OPENAT:
		dirfd = (int)a[0];
		pathp = a[1];
		flags = (int)a[2];
		kind = TRACE_OPENED;
		break;
	case SC_OPENAT2: {
		uint64_t how[3];

		if (a[3] < sizeof(how) || read_mem(t->pid, a[2], how, sizeof(how)) < 0)
			return false;
		dirfd = (int)a[0];
		pathp = a[1];
		flags = (int)how[0];
		in_root = how[2] & RESOLVE_IN_ROOT_BIT;
		kind = TRACE_OPENED;
		break;
	}
	case SC_EXECVE:
		pathp = a[0];
		kind = TRACE_EXEC;
		break;
	case SC_EXECVEAT:
		dirfd = (int)a[0];
		pathp = a[1];
		flags = (int)a[4];
		kind = TRACE_EXEC;
		break;
	case SC_STAT:
	case SC_ACCESS:
	case SC_READLINK:
	case SC_LSTAT:
		pathp = a[0];
		kind = sc == SC_READLINK ? TRACE_READLINK : TRACE_STAT;
		break;
	case SC_NEWFSTATAT:
	case SC_STATX:
	case SC_FACCESSAT:
	case SC_FACCESSAT2:
	case SC_READLINKAT:
		dirfd = (int)a[0];
		pathp = a[1];
		flags = sc == SC_NEWFSTATAT || sc == SC_FACCESSAT2 ? (int)a[3]
		      : sc == SC_STATX ? (int)a[2] : 0;
		kind = sc == SC_READLINKAT ? TRACE_READLINK : TRACE_STAT;
		break;
	case SC_CHDIR:
		pathp = a[0];
		kind = TRACE_CHDIR;
		break;
	case SC_FCHDIR:
		t->path = fd_path(t->pid, (int)a[0]);
		t->kind = TRACE_CHDIR;
		return t->path != NULL;
	case SC_MMAP:
		t->path = fd_path(t->pid, (int)a[4]);
		t->kind = TRACE_MAPPED;
		return t->path != NULL;
	case SC_OPEN_BY_HANDLE_AT:
	case SC_COUNT:
		return false;
	}
	if (read_string(t->pid, pathp, s) < 0)
		return false;
	if (!s->len) {
		/* AT_EMPTY_PATH: the descriptor itself, opened before. */
		if (!(flags & AT_EMPTY_PATH) || (sc != SC_EXECVEAT))
			return false;
		t->path = fd_path(t->pid, dirfd);
	} else {
		t->path = absolute(t->pid, dirfd, s->buf, in_root);
	}
	if (!t->path)
		return false;
	t->kind = kind;
	if (kind == TRACE_OPENED) {
		int acc = flags & O_ACCMODE;
		struct stat st;

		if ((flags & O_PATH))
			t->kind = TRACE_STAT;
		else if (acc == O_WRONLY || (acc == O_RDWR && (flags & O_TRUNC)))
			t->kind = TRACE_WRITTEN;
		if ((flags & O_CREAT) && lstat(t->path, &st) < 0 && errno == ENOENT)
			t->created = true;
	}
	if (kind == TRACE_EXEC) {
		const char *why = privileged(t->path);

		t->interp = script_interp(t->pid, t->path);
		if (!why && t->interp)
			why = privileged(t->interp);
		if (why) {
			refuse_exec(tr, t, t->path, why);
			return false;
		}
		t->foreign_why = foreign(tr, t->interp ? t->interp : t->path);
	}
	return true;
}

static void on_seccomp(struct tracer *tr, struct tracee *t, struct strbuf *s)
{
	struct __ptrace_syscall_info info;
	int sc;

	clear_pending(t);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->pid, sizeof(info), &info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		ptrace(PTRACE_CONT, t->pid, 0, 0);
		return;
	}
	sc = (int)(info.seccomp.ret_data & SECCOMP_RET_DATA) - 1;
	if (sc == SC_OPEN_BY_HANDLE_AT) {
		if (!tr->handle_noted)
			diag_add(tr->d, DIAG_WARNING, tr->prog,
				 "pid %d called open_by_handle_at: a file opened by handle has no "
				 "path to record, so the call was refused (EPERM)", (int)t->pid);
		tr->handle_noted = true;
		if (deny(t->pid, EPERM) < 0)
			kill(t->pid, SIGKILL);
		ptrace(PTRACE_CONT, t->pid, 0, 0);
		return;
	}
	if (sc >= 0 && sc < SC_COUNT && !t->foreign && decode(tr, t, (enum sc)sc, info.seccomp.args, s)) {
		t->sc = (enum sc)sc;
		t->pending = true;
		ptrace(PTRACE_SYSCALL, t->pid, 0, 0);
		return;
	}
	clear_pending(t);
	ptrace(PTRACE_CONT, t->pid, 0, 0);
}

static void on_exit_stop(struct tracer *tr, struct tracee *t)
{
	struct __ptrace_syscall_info info;

	if (t->pending && ptrace(PTRACE_GET_SYSCALL_INFO, t->pid, sizeof(info), &info) > 0 &&
	    info.op == PTRACE_SYSCALL_INFO_EXIT) {
		if (!info.exit.is_error)
			record(tr, t, t->path, t->created ? TRACE_CREATED : t->kind, sc_names[t->sc]);
		else if (info.exit.rval == -ENOENT || info.exit.rval == -ENOTDIR)
			record(tr, t, t->path, TRACE_PROBED, sc_names[t->sc]);
	}
	clear_pending(t);
	ptrace(PTRACE_CONT, t->pid, 0, 0);
}

static void on_exec(struct tracer *tr, struct tracee *t)
{
	unsigned long former = 0;
	struct tracee *was;
	char *exe;

	/* A thread other than the leader exec'd: it has the leader's id now,
	 * and its pending call. */
	if (ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &former) == 0 && (pid_t)former != t->pid &&
	    (was = find(tr, (pid_t)former)) != NULL) {
		pid_t pid = t->pid;

		clear_pending(t);
		t->path = was->path;
		t->interp = was->interp;
		t->pending = was->pending;
		t->sc = was->sc;
		t->foreign_why = was->foreign_why;
		was->path = was->interp = NULL;
		drop_tracee(tr, (pid_t)former);
		if (!(t = find(tr, pid)))
			t = add_tracee(tr, pid);
	}
	if (t->pid == tr->root)
		tr->root_execd = true;
	exe = proc_link(t->pid, "exe");
	if (exe && !t->foreign_why)
		t->foreign_why = foreign(tr, exe);
	if (t->foreign_why && !t->foreign) {
		diag_add(tr->d, DIAG_WARNING, t->path ? t->path : exe,
			 "pid %d runs an %s program, through an emulator or the kernel's compat "
			 "layer: its system calls are not traced (record on its own machine with "
			 "--trace-record, build here with --trace-replay)",
			 (int)t->pid, t->foreign_why);
		t->foreign = true;
	}
	/* The path as the program named it (its symlinks are needed too),
	 * the interpreter of a script as its #! names it; the canonical
	 * file only when nothing named it. */
	if (t->pending && (t->sc == SC_EXECVE || t->sc == SC_EXECVEAT)) {
		record(tr, t, t->path, TRACE_EXEC, sc_names[t->sc]);
		if (t->interp)
			record(tr, t, t->interp, TRACE_EXEC, sc_names[t->sc]);
	} else {
		record(tr, t, exe, TRACE_EXEC, "execve");
	}
	free(exe);
	clear_pending(t);
	ptrace(PTRACE_CONT, t->pid, 0, 0);
}

/* Whether task TID is a thread of another process (its Tgid differs). */
static bool is_thread(pid_t tid)
{
	char path[64], buf[512];
	const char *tg;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	tg = strstr(buf, "\nTgid:");
	return tg && atoi(tg + 6) != (int)tid;
}

static void on_stop(struct tracer *tr, pid_t pid, int status, struct strbuf *s)
{
	struct tracee *t = find(tr, pid);
	int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
	siginfo_t si;

	if (!t) {
		/* A new child whose first stop came before its parent's event. */
		t = add_tracee(tr, pid);
	}
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_seccomp(tr, t, s);
		return;
	case PTRACE_EVENT_EXEC:
		on_exec(tr, t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: {
		unsigned long child = 0;
		bool parent_foreign = t->foreign;

		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &child) == 0 && child) {
			struct tracee *c = add_tracee(tr, (pid_t)child);

			c->foreign = parent_foreign;
			if (event == PTRACE_EVENT_CLONE && is_thread((pid_t)child))
				tr->n_threads++;
			else
				tr->n_procs++;
		}
		ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	}
	case 0:
		break;
	default:
		ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		on_exit_stop(tr, t);
		return;
	}
	if (sig == SIGSTOP && !t->seen) {
		t->seen = true;
		ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	}
	t->seen = true;
	/* A group-stop has no siginfo: resume (a TRACEME tracee cannot be
	 * left stopped); a signal is delivered as it came. */
	if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) < 0)
		sig = 0;
	ptrace(PTRACE_CONT, pid, 0, sig);
}

/* ---- the run ---- */

enum step { STEP_TRACEME = 1, STEP_NNP, STEP_SECCOMP, STEP_EXEC };
struct child_error {
	int step, err;
};

static void child_fail(int fd, enum step step)
{
	struct child_error e = { step, errno };

	if (write(fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static void child(const char *path, char *const argv[], const struct trace_run_opts *o,
		  int errfd, int logfd, const sigset_t *mask, const struct sock_fprog *prog)
{
	int null = -1;

	if (!o->keep_stdin && (null = open("/dev/null", O_RDONLY)) >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (logfd >= 0) {
		dup2(logfd, 1);
		dup2(logfd, 2);
	} else if (o->stdout_to_stderr) {
		dup2(2, 1);
	}
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		child_fail(errfd, STEP_TRACEME);
	raise(SIGSTOP);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, STEP_NNP);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) < 0)
		child_fail(errfd, STEP_SECCOMP);
	execv(path, argv);
	child_fail(errfd, STEP_EXEC);
}

/* The one-line reason the child gave for not starting. */
static int child_error(int errfd, const char *prog, struct strbuf *err)
{
	struct child_error e = { 0, 0 };
	char scope[8] = "";
	int fd;

	if (read(errfd, &e, sizeof(e)) != (ssize_t)sizeof(e))
		return seterr(err, -ECHILD, "'%s': the traced child died before it could run it",
			      prog);
	switch (e.step) {
	case STEP_TRACEME:
		fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, scope, sizeof(scope) - 1);

			scope[n > 0 ? n : 0] = '\0';
			scope[strcspn(scope, "\n")] = '\0';
			close(fd);
		}
		if (!strcmp(scope, "3"))
			return seterr(err, -EPERM,
				      "ptrace is not allowed here: Yama's kernel.yama.ptrace_scope is 3, "
				      "which forbids it until reboot; record on another machine "
				      "(--trace-record) and build here with --trace-replay");
		if (!strcmp(scope, "2"))
			return seterr(err, -EPERM,
				      "ptrace is not allowed here: kernel.yama.ptrace_scope is 2, so "
				      "only a process with CAP_SYS_PTRACE may trace: run as root, or "
				      "give scratchroot CAP_SYS_PTRACE");
		return seterr(err, -e.err,
			      "ptrace is not allowed here (PTRACE_TRACEME: %s): a seccomp profile or "
			      "a security module forbids it; in a container, run it with "
			      "--cap-add=SYS_PTRACE (Docker's seccomp profile then allows ptrace), "
			      "or record elsewhere (--trace-record) and --trace-replay here",
			      strerror(e.err));
	case STEP_NNP:
	case STEP_SECCOMP:
		return seterr(err, -e.err,
			      "cannot install the seccomp filter the tracer needs (%s): the kernel "
			      "needs CONFIG_SECCOMP_FILTER", strerror(e.err));
	default:
		return seterr(err, -e.err, "'%s': cannot execute: %s", prog, strerror(e.err));
	}
}

static void kill_all(struct tracer *tr, int sig)
{
	for (size_t i = 0; i < tr->n; i++)
		kill(tr->v[i].pid, sig);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reaps what stopped or ended; false once no tracee is left. */
static bool drain(struct tracer *tr, struct strbuf *s)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL | WNOHANG);

		if (pid == 0)
			return true;
		if (pid < 0)
			return errno != ECHILD;
		if (WIFSTOPPED(status)) {
			on_stop(tr, pid, status, s);
			continue;
		}
		if (pid == tr->root) {
			tr->root_status = status;
			tr->root_done = true;
		}
		drop_tracee(tr, pid);
	}
}

struct limits {
	double start, term_at, kill_at;
	bool timed_out, killed, interrupted;
};

/* Follows the tracees until none is left, the time limit sending SIGTERM
 * and then SIGKILL. */
static void follow(struct tracer *tr, int sfd, unsigned seconds, struct limits *l,
		   struct strbuf *s)
{
	l->term_at = l->start + seconds;
	l->kill_at = 0;
	while (drain(tr, s)) {
		double t = now(), next;
		struct pollfd pfd = { sfd, POLLIN, 0 };

		if (sr_interrupted && !l->interrupted) {
			l->interrupted = true;
			kill_all(tr, SIGKILL);
		}
		if (!l->timed_out && t >= l->term_at) {
			l->timed_out = true;
			l->kill_at = t + TRACE_KILL_GRACE;
			kill_all(tr, SIGTERM);
		}
		if (l->timed_out && !l->killed && t >= l->kill_at) {
			l->killed = true;
			kill_all(tr, SIGKILL);
		}
		next = !l->timed_out ? l->term_at : !l->killed ? l->kill_at : t + 1;
		if (poll(&pfd, 1, (int)((next - t) * 1000) + 1) > 0) {
			struct signalfd_siginfo si[16];

			if (read(sfd, si, sizeof(si)) < 0 && errno != EAGAIN)
				break;
		}
	}
}

static void outcome(struct tracer *tr, const struct limits *l, const char *path)
{
	struct strbuf sb = STRBUF_INIT, what = STRBUF_INIT;
	int st = tr->root_status;
	double secs = now() - l->start;

	if (l->timed_out)
		strbuf_addf(&what, "stopped at the time limit (%.0f s)", l->term_at - l->start);
	else if (WIFEXITED(st))
		strbuf_addf(&what, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		strbuf_addf(&what, "killed by signal %d (SIG%s)", WTERMSIG(st),
			    sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	strbuf_addf(&sb, "%s after %.2f s, %zu process%s", what.buf, secs, tr->n_procs,
		    tr->n_procs == 1 ? "" : "es");
	if (tr->n_threads)
		strbuf_addf(&sb, " and %zu thread%s", tr->n_threads, tr->n_threads == 1 ? "" : "s");
	tr->run->outcome = xstrdup(sb.buf);
	diag_add(tr->d, DIAG_INFO, path, "traced run: %s, %zu paths seen", sb.buf,
		 tr->run->n);
	if (l->timed_out)
		diag_add(tr->d, DIAG_WARNING, path,
			 "traced run stopped at the time limit: every process got SIGTERM, then "
			 "SIGKILL %d s later; the image holds what was seen until then "
			 "(--trace=SECONDS allows longer)", TRACE_KILL_GRACE);
	else if (WIFEXITED(st) && WEXITSTATUS(st))
		diag_add(tr->d, DIAG_WARNING, path,
			 "the traced program exited with status %d: what a good run opens may be "
			 "missing", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		diag_add(tr->d, DIAG_WARNING, path,
			 "the traced program was killed by signal %d (SIG%s): what it would have "
			 "opened later is missing", WTERMSIG(st),
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	strbuf_release(&sb);
	strbuf_release(&what);
}

/* Refuses PROGRAM before anything runs: privileged, or another machine's. */
static int check_program(struct tracer *tr, const char *path, struct strbuf *err)
{
	struct strlist scripts = STRLIST_INIT;
	char *elf = NULL, cwd[PATH_MAX];
	const char *why;
	int ret = 0;

	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if ((why = privileged(path)))
		ret = seterr(err, -EPERM,
			     "'%s' is %s: scratchroot never runs a privileged program under ptrace "
			     "(it would run without its privileges, or with them under our "
			     "control); --add it, or trace a copy without them", path, why);
	else if (trace_find_program(path, cwd, &elf, &scripts, err) < 0)
		ret = -ENOENT;
	else if ((why = privileged(elf)))
		ret = seterr(err, -EPERM,
			     "'%s', the interpreter of '%s', is %s: scratchroot never runs a "
			     "privileged program under ptrace", elf, path, why);
	else if ((why = foreign(tr, elf)))
		ret = seterr(err, -ENOEXEC,
			     "'%s' is an %s program: here it would run in an emulator (qemu-user), "
			     "whose system calls are the emulator's, not the program's: record the "
			     "trace on an %s machine (--trace-record FILE) and build here with "
			     "--trace-replay FILE", elf, why, why);
	free(elf);
	strlist_clear(&scripts);
	return ret;
}

/* The tracer's own machine, out of its own ELF header. */
static void own_machine(struct tracer *tr)
{
	if (!elf_kind("/proc/self/exe", &tr->machine, &tr->elfclass)) {
#if defined(__x86_64__)
		tr->machine = EM_X86_64;
#elif defined(__aarch64__)
		tr->machine = EM_AARCH64;
#endif
		tr->elfclass = sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32;
	}
}

static void label_run(struct trace *t, char *const argv[], struct tracer *tr)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "run of");
	for (size_t i = 0; argv[i]; i++)
		strbuf_addstrs(&sb, " ", argv[i], NULL);
	tr->run = trace_new_run(t, sb.buf);
	strbuf_release(&sb);
}

int trace_run(struct trace *t, const char *path, char *const argv[],
	      const struct trace_run_opts *o, struct diags *d, struct strbuf *err)
{
	struct tracer tr = { .d = d, .prog = path, .n_procs = 1 };
	struct sock_filter *insns = NULL;
	struct sock_fprog prog;
	struct limits l = { 0 };
	struct strbuf s = STRBUF_INIT;
	sigset_t chld, old;
	int errfd[2] = { -1, -1 }, logfd = -1, sfd = -1, status, ret = 0;
	pid_t pid;

	own_machine(&tr);
	if ((ret = check_program(&tr, path, err)) < 0)
		return ret;
	prog.len = (unsigned short)trace_filter_program(&insns);
	prog.filter = insns;
	if (o->log && (logfd = open(o->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY,
				    0644)) < 0) {
		ret = seterr(err, -errno, "--trace-log '%s': %s", o->log, strerror(errno));
		goto out;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	if ((sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    pipe2(errfd, O_CLOEXEC) < 0) {
		ret = seterr(err, -errno, "cannot start the tracer: %s", strerror(errno));
		goto restore;
	}
	fflush(stdout);
	fflush(stderr);
	l.start = now();
	if ((pid = fork()) < 0) {
		ret = seterr(err, -errno, "fork: %s", strerror(errno));
		goto restore;
	}
	if (pid == 0) {
		close(errfd[0]);
		child(path, argv, o, errfd[1], logfd, &old, &prog);
	}
	close(errfd[1]);
	errfd[1] = -1;
	tr.root = pid;
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
	if (!WIFSTOPPED(status)) {
		ret = child_error(errfd[0], path, err);
		goto restore;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		   PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP |
		   PTRACE_O_EXITKILL) < 0) {
		ret = seterr(err, -errno, "ptrace(PTRACE_SETOPTIONS): %s", strerror(errno));
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
			;
		goto restore;
	}
	label_run(t, argv, &tr);
	add_tracee(&tr, pid)->seen = true;
	ptrace(PTRACE_CONT, pid, 0, 0);
	follow(&tr, sfd, o->seconds, &l, &s);
	if (!tr.root_execd) {
		ret = child_error(errfd[0], path, err);
		trace_drop_run(t);
		goto restore;
	}
	trace_run_sort(tr.run);
	outcome(&tr, &l, path);
	if (l.interrupted)
		ret = seterr(err, -EINTR, "interrupted");
restore:
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	if (errfd[0] >= 0)
		close(errfd[0]);
	if (errfd[1] >= 0)
		close(errfd[1]);
	if (logfd >= 0)
		close(logfd);
	for (size_t i = 0; i < tr.n; i++)
		clear_pending(&tr.v[i]);
	free(tr.v);
	strmap_clear(&tr.index, NULL);
	strbuf_release(&s);
	free(insns);
	return ret;
}
