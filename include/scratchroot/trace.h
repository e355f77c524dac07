/*
 * trace: what a traced run opened, as entries with their own walks.
 *
 * Static analysis cannot see a plugin chosen at run time, a helper program
 * that is exec'd, an interpreter's modules or a file named in a
 * configuration file.  --trace runs the program once on the build host,
 * under ptrace (our own tracer, tracer.c), and records every path it
 * looked up: opened, exec'd, mapped, stat'ed, read as a symlink, made its
 * working directory, written, created, or probed and not found.  The
 * static closure is always there; each traced ELF file gets a walk of its
 * own (a dlopen'd plugin brings its DT_NEEDED), every other file that
 * still exists is added as it is, with the symlinks and directories on
 * the way (traceimage.c).
 *
 * This is the one place besides --check where scratchroot runs a program,
 * and it runs it on the host, as the invoking user, only when asked.  The
 * tracee gets no_new_privs, so nothing it execs gains privileges; a
 * set-id program (or one with file capabilities) is never traced: the
 * exec fails with EPERM, and PROGRAM itself is refused before anything
 * runs.
 *
 * The tracer stops a tracee only on the system calls that name files: a
 * seccomp-BPF filter installed in the child before exec returns
 * SECCOMP_RET_TRACE for them (with the call's number in our own table as
 * its data), PTRACE_O_TRACESECCOMP delivers the stop at entry, where the
 * path is read and made absolute against the tracee's working directory
 * (/proc/TID/cwd) or directory fd (/proc/TID/fd/N), and PTRACE_SYSCALL
 * gives the exit, where the result decides the kind.  The tables are the
 * tracee's (x86-64 and AArch64, by the AUDIT_ARCH of the stop), not the
 * tracer's.
 *
 * Records.  A path is absolute as the program named it, "." and "//"
 * removed, ".." and symlinks kept: resolving it in the root later gives
 * the canonical file and every symlink the image needs for the same
 * lookup.  A path seen several ways keeps the kind of highest rank (enum
 * order), with the pid and system call that first saw it so.  A record
 * file ("scratchroot-trace 1" on its first line) holds one run's records
 * sorted by path, one a line: PATH, KIND, PID, SYSCALL separated by tabs,
 * PATH escaped (\\, \t, \n, \r, \xNN for other control bytes).
 *
 * Filters.  /proc, /sys, /dev and /run, the outputs and the tracer's own
 * files are never copied; /tmp, /var/tmp and $TMPDIR, and the loader's
 * /etc/ld.so.cache (the image is made to be searched without one), are
 * left out unless a --trace-include says otherwise; --trace-exclude and --trace-include
 * GLOBs (fnmatch, '*' crossing '/', a glob matching a directory covers
 * what is below it) are taken in order, the last one that matches a path
 * deciding.
 *
 * A struct trace owns its runs, records and rules.  Nothing here prints.
 */
#ifndef SCRATCHROOT_TRACE_H
#define SCRATCHROOT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scratchroot/diag.h"
#include "scratchroot/elffile.h"
#include "scratchroot/image.h"
#include "scratchroot/manifest.h"
#include "scratchroot/needs.h"
#include "scratchroot/walk.h"

#define TRACE_FORMAT "scratchroot-trace 1"
#define TRACE_DEFAULT_SECONDS 10
#define TRACE_MAX_SECONDS 86400
#define TRACE_KILL_GRACE 2	/* seconds between SIGTERM and SIGKILL */

/* How a path was seen, lowest rank first. */
enum trace_kind {
	TRACE_PROBED,		/* looked up, not found (ENOENT, ENOTDIR) */
	TRACE_STAT,		/* stat, statx, access */
	TRACE_READLINK,		/* read as a symlink */
	TRACE_CHDIR,		/* made the working directory */
	TRACE_WRITTEN,		/* opened to be written over: its directory is needed */
	TRACE_MAPPED,		/* mapped from a descriptor (opened, unless inherited) */
	TRACE_OPENED,		/* opened for reading */
	TRACE_EXEC,		/* executed */
	TRACE_CREATED,		/* made by the run: never copied */
	TRACE_N_KINDS
};

struct trace_rec {
	char *path;
	enum trace_kind kind;
	int pid;
	char syscall[24];
};

/* One traced run or one record file, its records sorted by path. */
struct trace_run {
	char *label;		/* "run of PROGRAM ARG..." or "record FILE" */
	char *outcome;		/* "exit 0 after 0.1 s, 3 processes", or NULL */
	struct trace_rec *v;
	size_t n, alloc;
};

struct trace_rule {
	char *glob;
	bool include;
	bool builtin;		/* /tmp, /var/tmp, $TMPDIR, /etc/ld.so.cache */
};

/* What the tracer does and where the program's standard streams go. */
struct trace_run_opts {
	unsigned seconds;	/* the time limit */
	bool keep_stdin;	/* --trace-stdin */
	const char *log;	/* --trace-log FILE, or NULL */
	bool stdout_to_stderr;	/* our stdout carries data (--list, --tree) */
};

/* What became of a merged record (traceimage.c). */
struct trace_decision {
	char *real;		/* canonical in the root, NULL: not there */
	const char *fate;	/* for the views: static, or FATE_BUF */
	char *fate_buf;
	char *beside;		/* Python bytecode placed beside its source's place */
	int prog;		/* the walk's program made of it, -1: none */
	bool elf, left_out, added, nofollow;
};

struct trace {
	struct trace_run *runs;
	size_t n_runs;
	struct trace_rule *rules;
	size_t n_rules;
	struct strlist never;	/* paths never copied (the outputs, the logs) */
	struct strlist scripts;	/* #! scripts PROGRAM named, added as they are */
	/* The merged records and what became of them (traceimage.c). */
	struct trace_rec *merged;
	size_t n_merged;
	struct trace_decision *dec;
	size_t first_prog;	/* the walk's first program made from the trace */
	size_t n_progs;
};

void trace_init(struct trace *t);
void trace_release(struct trace *t);

const char *trace_kind_name(enum trace_kind k);
/* The kind called NAME, or -1. */
int trace_kind_parse(const char *name);

/* Adds REC (copied) to run R, or raises the record of its path to REC's
 * kind when that ranks higher.  Records stay unsorted until
 * trace_run_sort(). */
void trace_run_add(struct trace_run *r, const struct trace_rec *rec);
/* Sorts R's records by path, one per path (the highest kind). */
void trace_run_sort(struct trace_run *r);
/* A new empty run labelled LABEL (copied), owned by T; the last one
 * dropped again. */
struct trace_run *trace_new_run(struct trace *t, const char *label);
void trace_drop_run(struct trace *t);

/* The records of every run, one per path, into t->merged (sorted). */
void trace_merge(struct trace *t);

/* Writes the merged records (runs RUNS, labels as comments) to FD.
 * Returns 0 or -errno with the reason in err. */
int trace_save(const struct trace *t, int fd, struct strbuf *err);

/* Reads the record file PATH as a new run.  Returns 0, or -errno /
 * -EINVAL (not a record, another version, a malformed line: err names the
 * line). */
int trace_load(struct trace *t, const char *path, struct strbuf *err);
/* The same for LEN bytes of text BUF, LABEL naming the run. */
int trace_load_buf(struct trace *t, const char *label, const char *buf, size_t len,
		   struct strbuf *err);

/* Appends PATH with the record file's escapes; trace_unescape() reverses
 * it (returns 0, or -EINVAL for a bad escape). */
void trace_escape(struct strbuf *out, const char *path);
int trace_unescape(const char *s, size_t len, struct strbuf *out);

/* ---- filters ---- */

/* The built-in rules: /tmp, /var/tmp, TMPDIR (may be NULL) and
 * /etc/ld.so.cache left out. */
void trace_add_builtin_rules(struct trace *t, const char *tmpdir);
void trace_add_rule(struct trace *t, const char *glob, bool include);
/* PATH (and everything below it) is never copied. */
void trace_never(struct trace *t, const char *path);

/* Why PATH is left out ("under /proc", "--trace-exclude '*.pyc'", "under
 * /tmp (--trace-include brings it back)"), or NULL when it may be copied.
 * The string is static or one of T's rules. */
const char *trace_left_out(const struct trace *t, const char *path, struct strbuf *buf);

/* Whether PATH lies in a directory that is never recorded at all (/proc,
 * /sys, /dev, /run). */
bool trace_unrecorded(const char *path);

/* ---- paths ---- */

/* Joins BASE (absolute) and PATH (absolute: BASE unused) and removes
 * empty and "." components; ".." is kept.  Caller frees. */
char *trace_path_join(const char *base, const char *path);

/*
 * For a Python bytecode file D/__pycache__/NAME.TAG.pyc: sets *ret_source
 * to D/NAME.py and *ret_beside to D/NAME.pyc (caller frees both) and
 * returns true.
 */
bool trace_pyc_source(const char *pyc, char **ret_source, char **ret_beside);

/*
 * PROGRAM as the kernel will find it: a name without '/' searched in PATH
 * (execvp's rules), a relative one taken from CWD.  Sets *ret (caller
 * frees) to the absolute path and adds to SCRIPTS each #! script on the
 * way, *ret then being the interpreter that runs them.  Returns 0,
 * -ENOENT, -ELOOP (#! nested too deep), or -errno with err.
 */
int trace_find_program(const char *program, const char *cwd, char **ret,
		       struct strlist *scripts, struct strbuf *err);

/* ---- the run (tracer.c) ---- */

/*
 * Runs PATH (absolute) with ARGV under the tracer and adds its records to
 * T as a new run.  Returns 0 when the program ran (its outcome
 * in the run and, as info or warnings, in D: the exit status, a signal,
 * the time limit), or -errno with a one-line reason in err when it could
 * not be traced at all (ptrace refused, a set-id PROGRAM, another
 * machine's program).
 */
int trace_run(struct trace *t, const char *path, char *const argv[],
	      const struct trace_run_opts *o, struct diags *d, struct strbuf *err);

struct sock_filter;
/* The seccomp-BPF program the tracee gets, in *ret (caller frees); returns
 * the number of instructions.  A call to stop at returns SECCOMP_RET_TRACE
 * with 1 + its index in our table as data; every other call, and every
 * call of an architecture without a table, runs. */
size_t trace_filter_program(struct sock_filter **ret);
/* The name of the call of index I in our table ("openat"), or NULL. */
const char *trace_syscall_name(int i);

/* ---- the image (traceimage.c) ---- */

/*
 * Walks every traced ELF file (exec'd, mapped or opened) that no program
 * of W loads yet, as --add does (WALK_LENIENT, then needs_apply() with
 * NEEDS), programs that are exec'd first, then the objects no other
 * traced object names in DT_NEEDED.  Filters apply.  Call after the
 * inputs are walked, before walk_record().
 */
void trace_walk(struct trace *t, struct walk *w, const struct root *r,
		struct elfcache *objs, const struct needs_opts *needs);

/*
 * After image_decide(): labels the traced programs' records, adds every
 * other traced file that exists (Python bytecode beside its source's place
 * when the source was not read), the directories looked up, and a
 * "traced" reason to what the image already held; fills m->traces for
 * the views.  Returns 0 or -1 (an error in D).
 */
int trace_decide(struct trace *t, struct manifest *m, const struct root *r,
		 const struct image_opts *o, struct diags *d);

#endif
