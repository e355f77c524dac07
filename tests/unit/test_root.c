/* Unit tests for root: resolution inside a directory behaves like a chroot. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratchroot/root.h"

static char tmpl[64];
static struct root *R;

static void mk(const char *rel, const char *content)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpl, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpl, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void link_(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpl, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* The tree: a merged-/usr layout with absolute and escaping symlinks. */
static int setup(void **state)
{
	strcpy(tmpl, "/tmp/sr-root-XXXXXX");
	if (!mkdtemp(tmpl))
		return -1;
	dir("usr");
	dir("usr/lib");
	dir("usr/lib/x86_64-linux-gnu");
	dir("etc");
	link_("usr/lib", "lib");
	link_("usr/lib64", "lib64");
	dir("usr/lib64");
	link_("/lib/x86_64-linux-gnu/ld.so", "usr/lib64/ld-linux-x86-64.so.2");
	mk("usr/lib/x86_64-linux-gnu/ld.so", "loader");
	mk("etc/shadow", "inside");
	link_("/etc/shadow", "abs-shadow");
	link_("../../../../etc/shadow", "usr/lib/escape");
	link_("loop-b", "loop-a");
	link_("loop-a", "loop-b");
	mk("file", "x");
	return root_open(tmpl, &R, NULL);
}

static int teardown(void **state)
{
	char cmd[128];

	root_free(R);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	return system(cmd);
}

static void absolute_symlinks_resolve_inside_the_root(void **state)
{
	struct strlist hops = STRLIST_INIT;
	char *real = NULL;

	assert_int_equal(root_resolve(R, "/lib64/ld-linux-x86-64.so.2", NULL, &real,
				      NULL, &hops), 0);
	assert_string_equal(real, "/usr/lib/x86_64-linux-gnu/ld.so");
	/* Every symlink crossed, in order, as canonical paths. */
	assert_int_equal(hops.n, 3);
	assert_string_equal(hops.v[0], "/lib64");
	assert_string_equal(hops.v[1], "/usr/lib64/ld-linux-x86-64.so.2");
	assert_string_equal(hops.v[2], "/lib");
	free(real);
	strlist_clear(&hops);
}

static void dotdot_never_leaves_the_root(void **state)
{
	struct stat st;
	char *real = NULL;

	assert_int_equal(root_resolve(R, "/usr/lib/escape", NULL, &real, &st, NULL), 0);
	assert_string_equal(real, "/etc/shadow");
	assert_int_equal(st.st_size, 6); /* "inside", not the host's file */
	free(real);
	assert_int_equal(root_resolve(R, "/abs-shadow", NULL, &real, NULL, NULL), 0);
	assert_string_equal(real, "/etc/shadow");
	free(real);
	assert_int_equal(root_resolve(R, "/../../..", NULL, &real, NULL, NULL), 0);
	assert_string_equal(real, "/");
	free(real);
}

static void dotdot_is_physical_after_a_symlink(void **state)
{
	char *real = NULL;

	/* /lib -> usr/lib, so /lib/.. is /usr, not / */
	assert_int_equal(root_resolve(R, "/lib/../lib64", NULL, &real, NULL, NULL), 0);
	assert_string_equal(real, "/usr/lib64");
	free(real);
}

static void loops_and_missing_files_fail_cleanly(void **state)
{
	char *real = NULL;

	assert_int_equal(root_resolve(R, "/loop-a", NULL, &real, NULL, NULL), -ELOOP);
	assert_int_equal(root_resolve(R, "/missing", NULL, &real, NULL, NULL), -ENOENT);
	assert_int_equal(root_resolve(R, "/file/x", NULL, &real, NULL, NULL), -ENOTDIR);
	assert_int_equal(root_resolve(R, "", NULL, &real, NULL, NULL), -ENOENT);
	assert_null(real);
}

static void relative_paths_start_at_cwd(void **state)
{
	char *real = NULL;

	assert_int_equal(root_resolve(R, "x86_64-linux-gnu/ld.so", "/lib", &real,
				      NULL, NULL), 0);
	assert_string_equal(real, "/usr/lib/x86_64-linux-gnu/ld.so");
	free(real);
}

static void files_open_only_through_canonical_paths(void **state)
{
	char buf[16] = { 0 };
	int fd = root_open_file(R, "/usr/lib/x86_64-linux-gnu/ld.so");

	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 6);
	assert_string_equal(buf, "loader");
	close(fd);
	/* A symlink is never followed by root_open_file. */
	assert_true(root_open_file(R, "/abs-shadow") < 0);
	assert_true(root_open_file(R, "/lib/x86_64-linux-gnu/ld.so") < 0);
}

static void a_file_is_not_a_root(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct root *r = NULL;
	char path[256];

	snprintf(path, sizeof(path), "%s/file", tmpl);
	assert_int_equal(root_open(path, &r, &err), -ENOTDIR);
	assert_string_equal(err.buf, "not a directory");
	assert_null(r);
	strbuf_release(&err);
}

static void path_helpers(void **state)
{
	char *s;

	s = path_dirname("/a/b");
	assert_string_equal(s, "/a");
	free(s);
	s = path_dirname("/a");
	assert_string_equal(s, "/");
	free(s);
	s = path_dirname("a");
	assert_string_equal(s, ".");
	free(s);
	assert_string_equal(path_basename("/x/libc.so.6"), "libc.so.6");
	s = path_join("/usr/lib/", "/libz.so.1");
	assert_string_equal(s, "/usr/lib/libz.so.1");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(absolute_symlinks_resolve_inside_the_root),
		cmocka_unit_test(dotdot_never_leaves_the_root),
		cmocka_unit_test(dotdot_is_physical_after_a_symlink),
		cmocka_unit_test(loops_and_missing_files_fail_cleanly),
		cmocka_unit_test(relative_paths_start_at_cwd),
		cmocka_unit_test(files_open_only_through_canonical_paths),
		cmocka_unit_test(a_file_is_not_a_root),
		cmocka_unit_test(path_helpers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
