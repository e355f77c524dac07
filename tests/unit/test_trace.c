/* test_trace: records, the record file, filters, paths, and the seccomp
 * filter's instructions run by a small classic-BPF interpreter. */
#include <config.h>

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratchroot/trace.h"

#define ARCH_X86_64 0xc000003eu
#define ARCH_AARCH64 0xc00000b7u
#define ARCH_I386 0x40000003u

static struct trace_rec rec(const char *path, enum trace_kind kind, int pid, const char *sc)
{
	struct trace_rec r = { .path = (char *)path, .kind = kind, .pid = pid };

	strncpy(r.syscall, sc, sizeof(r.syscall) - 1);
	return r;
}

static void kinds_merge_by_rank(void **state)
{
	struct trace t;
	struct trace_run *a, *b;
	struct trace_rec r;

	(void)state;
	trace_init(&t);
	a = trace_new_run(&t, "run a");
	r = rec("/etc/b", TRACE_STAT, 7, "newfstatat");
	trace_run_add(a, &r);
	r = rec("/etc/b", TRACE_OPENED, 8, "openat");
	trace_run_add(a, &r);
	r = rec("/etc/a", TRACE_PROBED, 7, "openat");
	trace_run_add(a, &r);
	trace_run_sort(a);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->v[0].path, "/etc/a");
	assert_int_equal(a->v[1].kind, TRACE_OPENED);
	assert_int_equal(a->v[1].pid, 8);
	b = trace_new_run(&t, "run b");
	r = rec("/etc/a", TRACE_OPENED, 3, "openat");
	trace_run_add(b, &r);
	r = rec("/etc/b", TRACE_EXEC, 2, "execve");
	trace_run_add(b, &r);
	trace_merge(&t);
	assert_int_equal(t.n_merged, 2);
	/* Probed once, found in another run: the file exists. */
	assert_int_equal(t.merged[0].kind, TRACE_OPENED);
	assert_int_equal(t.merged[1].kind, TRACE_EXEC);
	assert_string_equal(t.merged[1].syscall, "execve");
	/* Ranks: what a created file is wins over everything. */
	assert_true(TRACE_CREATED > TRACE_EXEC && TRACE_OPENED > TRACE_MAPPED &&
		    TRACE_WRITTEN > TRACE_STAT && TRACE_STAT > TRACE_PROBED);
	trace_release(&t);
}

static void record_file_round_trip(void **state)
{
	struct trace t, u;
	struct trace_run *a;
	struct trace_rec r;
	struct strbuf err = STRBUF_INIT;
	char name[] = "/tmp/test_trace.XXXXXX";
	int fd = mkstemp(name);

	(void)state;
	assert_true(fd >= 0);
	trace_init(&t);
	a = trace_new_run(&t, "run of /bin/x\tq");
	r = rec("/usr/lib/a b\tc\nd\\e\x01", TRACE_OPENED, 12, "openat");
	trace_run_add(a, &r);
	r = rec("/etc/zz", TRACE_PROBED, 1, "access");
	trace_run_add(a, &r);
	trace_run_sort(a);
	trace_merge(&t);
	assert_int_equal(trace_save(&t, fd, &err), 0);
	close(fd);
	trace_init(&u);
	assert_int_equal(trace_load(&u, name, &err), 0);
	assert_int_equal(u.n_runs, 1);
	assert_int_equal(u.runs[0].n, 2);
	assert_string_equal(u.runs[0].v[1].path, "/usr/lib/a b\tc\nd\\e\x01");
	assert_int_equal(u.runs[0].v[1].kind, TRACE_OPENED);
	assert_int_equal(u.runs[0].v[1].pid, 12);
	assert_string_equal(u.runs[0].v[0].syscall, "access");
	unlink(name);
	trace_release(&t);
	trace_release(&u);
	strbuf_release(&err);
}

static void record_file_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"nothing\n",
		"scratchroot-trace 2\n/a\topened\t1\topenat\n",
		"scratchroot-trace 1\nrelative\topened\t1\topenat\n",
		"scratchroot-trace 1\n/a\tsmelled\t1\topenat\n",
		"scratchroot-trace 1\n/a\topened\t-1\topenat\n",
		"scratchroot-trace 1\n/a\topened\t1\topen at\n",
		"scratchroot-trace 1\n/a\topened\t1\topenat\textra\n",
		"scratchroot-trace 1\n/a\\q\topened\t1\topenat\n",
		"scratchroot-trace 1\n/a\\x00\topened\t1\topenat\n",
		"scratchroot-trace 1\n/a\topened\t1\topenat",
	};
	struct strbuf err = STRBUF_INIT;
	struct trace t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		trace_init(&t);
		strbuf_reset(&err);
		assert_int_equal(trace_load_buf(&t, "x", bad[i], strlen(bad[i]), &err), -EINVAL);
		assert_int_equal(t.n_runs, 0);
		assert_true(err.len > 0);
		trace_release(&t);
	}
	trace_init(&t);
	assert_int_equal(trace_load_buf(&t, "x", bad[2], strlen(bad[2]), &err), -EINVAL);
	trace_release(&t);
	strbuf_release(&err);
}

static void rules_last_match_wins(void **state)
{
	struct strbuf buf = STRBUF_INIT;
	struct trace t;

	(void)state;
	trace_init(&t);
	trace_add_builtin_rules(&t, "/scratch/tmp/");
	trace_never(&t, "/out/rootfs");
	trace_add_rule(&t, "/tmp/app/*", true);
	trace_add_rule(&t, "*/test/*", false);
	trace_add_rule(&t, "/usr/lib/python3*/__pycache__", false);
	assert_non_null(trace_left_out(&t, "/proc/self/maps", &buf));
	assert_non_null(trace_left_out(&t, "/run/x", &buf));
	assert_null(trace_left_out(&t, "/running", &buf));
	assert_non_null(trace_left_out(&t, "/out/rootfs/etc/passwd", &buf));
	assert_non_null(trace_left_out(&t, "/tmp/x", &buf));
	assert_non_null(trace_left_out(&t, "/scratch/tmp/y", &buf));
	assert_non_null(trace_left_out(&t, "/etc/ld.so.cache", &buf));
	assert_null(trace_left_out(&t, "/tmp/app/plugin.so", &buf));
	assert_string_equal(trace_left_out(&t, "/tmp/app/test/plugin.so", &buf),
			    "left out: --trace-exclude '*/test/*'");
	assert_non_null(trace_left_out(&t, "/usr/lib/python3.11/__pycache__/os.cpython-311.pyc",
				       &buf));
	assert_null(trace_left_out(&t, "/usr/lib/python3.11/os.py", &buf));
	assert_true(trace_unrecorded("/dev/null"));
	assert_false(trace_unrecorded("/devices"));
	trace_release(&t);
	strbuf_release(&buf);
}

static void paths(void **state)
{
	char *p, *src, *beside;

	(void)state;
	p = trace_path_join("/home/u", "../lib/./x//y/");
	assert_string_equal(p, "/home/u/../lib/x/y");
	free(p);
	p = trace_path_join("/ignored", "/abs//./z");
	assert_string_equal(p, "/abs/z");
	free(p);
	p = trace_path_join("/", ".");
	assert_string_equal(p, "/");
	free(p);
	assert_true(trace_pyc_source("/usr/lib/py/json/__pycache__/decoder.cpython-311.pyc", &src,
				     &beside));
	assert_string_equal(src, "/usr/lib/py/json/decoder.py");
	assert_string_equal(beside, "/usr/lib/py/json/decoder.pyc");
	free(src);
	free(beside);
	assert_true(trace_pyc_source("/a/__pycache__/m.cpython-311.opt-1.pyc", &src, &beside));
	assert_string_equal(src, "/a/m.py");
	free(src);
	free(beside);
	assert_false(trace_pyc_source("/a/m.pyc", &src, &beside));
	assert_false(trace_pyc_source("/a/__pycache__/m.pyc", &src, &beside));
	assert_false(trace_pyc_source("/a/x__pycache__/m.cpython-311.pyc", &src, &beside));
	assert_false(trace_pyc_source("__pycache__/m.c.pyc", &src, &beside));
}

/* ---- the filter, run ---- */

/* Runs the classic BPF program V[0..N) on D, as the kernel would for the
 * instructions it may hold (loads of the data, jumps, returns). */
static uint32_t run_bpf(const struct sock_filter *v, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &v[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(f->k + 4 <= sizeof(*d) && f->k % 4 == 0);
			memcpy(&a, (const char *)d + f->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & f->k) ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			fail_msg("instruction %zu: code %#x", pc, f->code);
		}
	}
	fail_msg("the program runs off its end");
	return 0;
}

/* The call the filter stops at ("openat"), or NULL when it lets it run. */
static const char *decide(uint32_t arch, uint32_t nr, uint64_t a3, uint64_t a4)
{
	struct sock_filter *v = NULL;
	size_t n = trace_filter_program(&v);
	struct seccomp_data d = { .nr = (int)nr, .arch = arch };
	uint32_t ret;

	d.args[3] = a3;
	d.args[4] = a4;
	assert_true(n > 0 && n < 4096);
	ret = run_bpf(v, n, &d);
	free(v);
	if ((ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
		return NULL;
	assert_int_equal(ret & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_TRACE);
	return trace_syscall_name((int)(ret & SECCOMP_RET_DATA) - 1);
}

static void filter_x86_64(void **state)
{
	(void)state;
	assert_string_equal(decide(ARCH_X86_64, 257, 0, 0), "openat");
	assert_string_equal(decide(ARCH_X86_64, 2, 0, 0), "open");
	assert_string_equal(decide(ARCH_X86_64, 59, 0, 0), "execve");
	assert_string_equal(decide(ARCH_X86_64, 322, 0, 0), "execveat");
	assert_string_equal(decide(ARCH_X86_64, 437, 0, 0), "openat2");
	assert_string_equal(decide(ARCH_X86_64, 89, 0, 0), "readlink");
	assert_string_equal(decide(ARCH_X86_64, 80, 0, 0), "chdir");
	assert_string_equal(decide(ARCH_X86_64, 304, 0, 0), "open_by_handle_at");
	assert_null(decide(ARCH_X86_64, 0, 0, 0));	/* read */
	assert_null(decide(ARCH_X86_64, 1, 0, 0));	/* write */
	/* newfstatat: a path, or fstat's "" with AT_EMPTY_PATH. */
	assert_string_equal(decide(ARCH_X86_64, 262, 0, 0), "newfstatat");
	assert_null(decide(ARCH_X86_64, 262, 0x1000, 0));
	/* mmap: of a file only. */
	assert_string_equal(decide(ARCH_X86_64, 9, 0x02, 3), "mmap");
	assert_null(decide(ARCH_X86_64, 9, 0x22, 0xffffffffu));
	assert_null(decide(ARCH_X86_64, 9, 0x22, 3));
	assert_null(decide(ARCH_X86_64, 9, 0x02, 0xffffffffu));
	/* x32 calls, and the calls of an architecture without a table, run. */
	assert_null(decide(ARCH_X86_64, 0x40000000u | 257, 0, 0));
	assert_null(decide(ARCH_I386, 5, 0, 0));
}

static void filter_aarch64(void **state)
{
	(void)state;
	assert_string_equal(decide(ARCH_AARCH64, 56, 0, 0), "openat");
	assert_string_equal(decide(ARCH_AARCH64, 221, 0, 0), "execve");
	assert_string_equal(decide(ARCH_AARCH64, 281, 0, 0), "execveat");
	assert_string_equal(decide(ARCH_AARCH64, 79, 0, 0), "newfstatat");
	assert_null(decide(ARCH_AARCH64, 79, 0x1000, 0));
	assert_string_equal(decide(ARCH_AARCH64, 291, 0, 0), "statx");
	assert_string_equal(decide(ARCH_AARCH64, 78, 0, 0), "readlinkat");
	assert_string_equal(decide(ARCH_AARCH64, 48, 0, 0), "faccessat");
	assert_string_equal(decide(ARCH_AARCH64, 49, 0, 0), "chdir");
	assert_string_equal(decide(ARCH_AARCH64, 222, 0x02, 5), "mmap");
	assert_null(decide(ARCH_AARCH64, 222, 0x22, 0xffffffffu));
	/* x86-64's numbers mean other calls here: 2 is io_cancel, 59 pipe2,
	 * 257 is not one at all; 56 is x86-64's clone. */
	assert_null(decide(ARCH_AARCH64, 2, 0, 0));
	assert_null(decide(ARCH_AARCH64, 59, 0, 0));
	assert_null(decide(ARCH_AARCH64, 257, 0, 0));
	assert_null(decide(ARCH_X86_64, 56, 0, 0));
	assert_null(decide(ARCH_AARCH64, 63, 0, 0));	/* read */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds_merge_by_rank),
		cmocka_unit_test(record_file_round_trip),
		cmocka_unit_test(record_file_refuses),
		cmocka_unit_test(rules_last_match_wins),
		cmocka_unit_test(paths),
		cmocka_unit_test(filter_x86_64),
		cmocka_unit_test(filter_aarch64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
