/* Unit tests for manifest: one entry per path, conflicts named, sorted
 * parents first, found by path at any size. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratchroot/manifest.h"

static struct mentry file(const char *path, const char *src, dev_t dev, ino_t ino)
{
	struct mentry e = {.path = (char *)path,
			   .type = M_FILE,
			   .mode = 0644,
			   .src = (char *)src,
			   .dev = dev,
			   .ino = ino,
			   .size = 10};

	return e;
}

static struct mentry dir(const char *path, mode_t mode)
{
	struct mentry e = {
		.path = (char *)path, .type = M_DIR, .mode = mode};

	return e;
}

static struct mentry link_(const char *path, const char *target)
{
	struct mentry e = {.path = (char *)path,
			   .type = M_LINK,
			   .mode = 0777,
			   .target = (char *)target};

	return e;
}

/* The last reason text a data() entry was made with: its reason. */
static const char *data_why = "test";

static struct mentry data(const char *path, const char *bytes, const char *why)
{
	struct mentry e = {.path = (char *)path,
			   .type = M_DATA,
			   .mode = 0644,
			   .data = (char *)bytes,
			   .size = (off_t)strlen(bytes)};

	data_why = why;
	return e;
}

static struct mreason text(const char *t)
{
	return (struct mreason){ .role = MR_TEXT, .prog = -1, .item = -1, .text = t };
}

/* Adds E for the reason WHY, which must succeed. */
static void okw(struct manifest *m, struct mentry e, const char *why)
{
	struct strbuf err = STRBUF_INIT;
	struct mreason r = text(why);

	assert_int_equal(manifest_add(m, &e, &r, &err), 0);
	assert_int_equal(err.len, 0);
	strbuf_release(&err);
}

static void ok(struct manifest *m, struct mentry e)
{
	okw(m, e, e.type == M_DATA ? data_why : "needed");
}

/* The text of entry PATH's reason I. */
static const char *why(const struct manifest *m, const char *path, size_t i)
{
	const struct mentry *e = manifest_get(m, path);

	assert_non_null(e);
	assert_true(i < e->n_reasons);
	assert_int_equal(e->reasons[i].role, MR_TEXT);
	return e->reasons[i].text;
}

/* Adds E expecting RET and an error message containing every string of
 * the NULL-terminated list. */
static void fails(struct manifest *m, struct mentry e, int ret, ...)
{
	struct strbuf err = STRBUF_INIT;
	struct mreason r = text(e.type == M_DATA ? data_why : "needed");
	size_t n = m->n;
	const char *s;
	va_list ap;

	assert_int_equal(manifest_add(m, &e, &r, &err), ret);
	assert_int_equal(m->n, n);
	assert_true(err.len > 0);
	assert_null(strchr(err.buf, '\n'));
	va_start(ap, ret);
	while ((s = va_arg(ap, const char *)))
		assert_non_null(strstr(err.buf, s));
	va_end(ap);
	/* A NULL err is allowed too. */
	assert_int_equal(manifest_add(m, &e, NULL, NULL), ret);
	strbuf_release(&err);
}

static void same_content_twice_is_a_no_op(void **state)
{
	struct manifest m;
	struct mentry e;

	manifest_init(&m);
	ok(&m, file("/lib/libc.so.6", "/usr/lib/libc.so.6", 1, 2));
	/* Same inode reached by another spelling: the first reason stays
	 * first, the second is added. */
	e = file("/lib/libc.so.6", "/lib/libc.so.6", 1, 2);
	okw(&m, e, "second");
	okw(&m, e, "second");
	ok(&m, dir("/lib", 0755));
	ok(&m, dir("/lib", 0700)); /* a directory keeps its first mode */
	ok(&m, link_("/lib64", "lib"));
	ok(&m, link_("/lib64", "lib"));
	ok(&m, data("/etc/passwd", "root:x:0:0::/:/sbin/nologin\n", "users"));
	ok(&m, data("/etc/passwd", "root:x:0:0::/:/sbin/nologin\n", "again"));
	assert_int_equal(m.n, 4);
	assert_string_equal(manifest_get(&m, "/lib/libc.so.6")->src,
			    "/usr/lib/libc.so.6");
	assert_string_equal(why(&m, "/lib/libc.so.6", 0), "needed");
	assert_string_equal(why(&m, "/lib/libc.so.6", 1), "second");
	assert_int_equal(manifest_get(&m, "/lib/libc.so.6")->n_reasons, 2);
	assert_int_equal(manifest_get(&m, "/lib")->mode, 0755);
	assert_string_equal(why(&m, "/etc/passwd", 0), "users");
	assert_string_equal(why(&m, "/etc/passwd", 1), "again");
	manifest_release(&m);
}

static void different_content_is_a_conflict(void **state)
{
	struct manifest m;

	manifest_init(&m);
	ok(&m, file("/lib/libz.so.1", "/usr/lib/libz.so.1", 1, 2));
	ok(&m, link_("/bin", "usr/bin"));
	ok(&m, data("/etc/group", "root:x:0:\n", "groups"));
	ok(&m, dir("/tmp", 01777));
	fails(&m, file("/lib/libz.so.1", "/opt/lib/libz.so.1", 1, 3), -EEXIST,
	      "/usr/lib/libz.so.1", "/opt/lib/libz.so.1", NULL);
	fails(&m, file("/lib/libz.so.1", "/mnt/lib/libz.so.1", 9, 2), -EEXIST,
	      "/usr/lib/libz.so.1", "/mnt/lib/libz.so.1", NULL);
	fails(&m, link_("/bin", "sbin"), -EEXIST, "usr/bin", "sbin", NULL);
	fails(&m, dir("/bin", 0755), -EEXIST, "directory", "symlink", "usr/bin", NULL);
	fails(&m, file("/bin", "/usr/bin", 1, 4), -EEXIST, "'/usr/bin'", "'usr/bin'",
	      NULL);
	fails(&m, data("/etc/group", "root:x:0:\nstaff:x:50:\n", "more groups"), -EEXIST,
	      "groups", "more groups", NULL);
	fails(&m, data("/etc/group", "root:x:1:\n", "same size"), -EEXIST, "groups",
	      "same size", NULL);
	fails(&m, file("/tmp", "/tmp", 1, 5), -EEXIST, "file", "directory", NULL);
	assert_int_equal(manifest_get(&m, "/lib/libz.so.1")->ino, 2);
	assert_int_equal(m.n, 4);
	manifest_release(&m);
}

static void nothing_lies_under_a_symlink_or_file(void **state)
{
	struct manifest m;

	manifest_init(&m);
	ok(&m, link_("/lib", "usr/lib"));
	ok(&m, data("/etc/passwd", "x\n", "users"));
	ok(&m, dir("/usr", 0755));
	fails(&m, file("/lib/libc.so.6", "/usr/lib/libc.so.6", 1, 2), -ENOTDIR,
	      "/lib/libc.so.6", "'/lib'", NULL);
	fails(&m, dir("/lib/x86_64-linux-gnu/deeper", 0755), -ENOTDIR, "'/lib'", NULL);
	fails(&m, data("/etc/passwd/x", "y", "nested"), -ENOTDIR, "'/etc/passwd'", NULL);
	/* Siblings sharing a prefix are not under it. */
	ok(&m, dir("/lib64", 0755));
	ok(&m, dir("/libexec", 0755));
	ok(&m, data("/etc/passwd-", "x\n", "backup"));
	ok(&m, dir("/usr/lib", 0755));
	assert_int_equal(m.n, 7);
	manifest_release(&m);
}

static void nothing_goes_above_what_is_there(void **state)
{
	struct manifest m;
	struct mentry empty = data("/etc/empty", "", "an empty file");

	manifest_init(&m);
	ok(&m, file("/a/b/c", "/src/c", 1, 3));
	/* A symlink or file at /a or /a/b would hide /a/b/c. */
	fails(&m, link_("/a", "elsewhere"), -ENOTDIR, "'/a'", NULL);
	fails(&m, file("/a/b", "/src/b", 1, 4), -ENOTDIR, "'/a/b'", NULL);
	ok(&m, dir("/a/b", 0755));
	ok(&m, link_("/a/bc", "b"));
	/* A generated file may be empty, and added twice. */
	empty.data = NULL;
	ok(&m, empty);
	ok(&m, empty);
	manifest_release(&m);
}

static void only_canonical_absolute_paths(void **state)
{
	static const char *const bad[] = {
		"relative", "a/b", "",	    "/",  "//",	 "//a",	 "/a//b", "/a/./b",
		"/a/../b",  "/a/", "/a/b/", "/.", "/..", "/a/.", "/a/..", "./a",
	};
	static const char *const good[] = {
		"/a",	"/a/b", "/.hidden", "/..a",
		"/a..", "/...", "/a/.b/c",  "/usr/lib/x86_64-linux-gnu/libc.so.6",
	};
	struct manifest m;

	manifest_init(&m);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(manifest_path_ok(bad[i]));
		if (bad[i][0])
			fails(&m, dir(bad[i], 0755), -EINVAL, bad[i], NULL);
		else
			fails(&m, dir(bad[i], 0755), -EINVAL, NULL);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(manifest_path_ok(good[i]));
	assert_int_equal(m.n, 0);
	manifest_release(&m);
}

/* A directory is empty when nothing lies below it: what --list shows of
 * the directories. */
static void empty_directories_are_told_apart(void **state)
{
	struct manifest m;

	manifest_init(&m);
	ok(&m, dir("/usr", 0755));
	ok(&m, dir("/usr/lib", 0755));
	ok(&m, file("/usr/lib/libc.so.6", "/usr/lib/libc.so.6", 1, 2));
	ok(&m, dir("/tmp", 01777));
	ok(&m, dir("/home", 0755));
	ok(&m, dir("/home/nonroot", 0700));
	manifest_sort(&m);
	for (size_t i = 0; i < m.n; i++) {
		const char *p = m.v[i].path;
		bool empty = !strcmp(p, "/tmp") || !strcmp(p, "/home/nonroot");

		assert_int_equal(manifest_is_empty_dir(&m, i), empty);
	}
	manifest_release(&m);
}

/* Whether every proper parent of P comes before index I in M. */
static void parents_before(const struct manifest *m, size_t i)
{
	char *p = strdup(m->v[i].path), *s;

	assert_non_null(p);
	while ((s = strrchr(p, '/')) && s != p) {
		struct mentry *e;

		*s = '\0';
		e = manifest_get(m, p);
		if (e)
			assert_true(e < &m->v[i]);
	}
	free(p);
}

static void sort_puts_parents_first(void **state)
{
	static const char *const order[] = {
		"/a",
		"/a-b",
		"/a.b",
		"/a/a",
		"/a/b",
		"/a/b-c",
		"/a/b/c",
		"/a/b/c/d",
		"/a/bc",
		"/b",
		"/usr",
		"/usr/lib",
		"/usr/lib/libc.so.6",
		"/usr/lib64",
	};
	static const char *const added[] = {
		"/usr/lib/libc.so.6",
		"/a/b/c/d",
		"/usr/lib64",
		"/a/bc",
		"/b",
		"/a/b-c",
		"/a/b/c",
		"/a.b",
		"/a/a",
		"/usr/lib",
		"/a-b",
		"/a/b",
		"/usr",
		"/a",
	};
	const size_t n = sizeof(order) / sizeof(order[0]);
	struct manifest m;

	manifest_init(&m);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(added[i], "/usr/lib/libc.so.6"))
			ok(&m, file(added[i], added[i], 1, 1));
		else
			ok(&m, dir(added[i], 0755));
	}
	manifest_sort(&m);
	assert_int_equal(m.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(m.v[i].path, order[i]);
		if (i)
			assert_true(strcmp(m.v[i - 1].path, m.v[i].path) < 0);
		parents_before(&m, i);
		assert_ptr_equal(manifest_get(&m, order[i]), &m.v[i]);
	}
	assert_int_equal(manifest_get(&m, "/usr/lib/libc.so.6")->type, M_FILE);
	/* Adding after a sort still works; sorting again keeps the order. */
	ok(&m, dir("/0", 0755));
	assert_non_null(manifest_get(&m, "/0"));
	manifest_sort(&m);
	assert_string_equal(m.v[0].path, "/0");
	assert_ptr_equal(manifest_get(&m, "/a/b/c"), &m.v[7]);
	manifest_release(&m);
}

static void get_scales_past_the_first_index(void **state)
{
	enum { N = 5000 };
	struct manifest m;
	char path[64];

	manifest_init(&m);
	assert_null(manifest_get(&m, "/d"));
	manifest_sort(&m); /* empty */
	assert_int_equal(m.n, 0);
	assert_null(manifest_get(&m, "/d"));
	ok(&m, dir("/d", 0755));
	/* Descending, so the sort has work to do. */
	for (int i = N - 1; i >= 0; i--) {
		snprintf(path, sizeof(path), "/d/f%05d", i);
		ok(&m, file(path, path, 1, (ino_t)i + 1));
		if (i % 997 == 0)
			for (int j = N - 1; j >= i; j -= 251) {
				snprintf(path, sizeof(path), "/d/f%05d", j);
				assert_non_null(manifest_get(&m, path));
			}
	}
	assert_int_equal(m.n, N + 1);
	assert_int_equal(m.index.n, m.n);
	for (int i = 0; i < N; i++) {
		struct mentry *e;

		snprintf(path, sizeof(path), "/d/f%05d", i);
		e = manifest_get(&m, path);
		assert_non_null(e);
		assert_string_equal(e->path, path);
		assert_int_equal(e->ino, i + 1);
	}
	assert_null(manifest_get(&m, "/d/f05000"));
	assert_null(manifest_get(&m, "/d/f"));
	/* A duplicate is still found as one after all that growth. */
	ok(&m, file("/d/f04242", "/elsewhere", 1, 4243));
	assert_int_equal(m.n, N + 1);
	manifest_sort(&m);
	assert_string_equal(m.v[0].path, "/d");
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/d/f%05d", i);
		assert_string_equal(m.v[i + 1].path, path);
		assert_ptr_equal(manifest_get(&m, path), &m.v[i + 1]);
	}
	manifest_release(&m);
	assert_int_equal(m.n, 0);
	assert_null(manifest_get(&m, "/d"));
}

/* The manifest owns copies: the caller's buffers can change afterwards. */
static void strings_and_bytes_are_copied(void **state)
{
	char path[] = "/etc/hosts", src[] = "/etc/hosts", why[] = "asked";
	char target[] = "hosts", bytes[] = "a\0b";
	struct mentry f = file(path, src, 1, 2);
	struct mentry d = data("/bin-data", "", "x");
	struct mentry l = link_("/hosts", target);
	const struct mentry *e;
	struct manifest m;

	manifest_init(&m);
	okw(&m, f, why);
	d.data = bytes;
	d.size = 3;
	ok(&m, d);
	ok(&m, l);
	memset(path, 'x', sizeof(path) - 1);
	memset(src, 'x', sizeof(src) - 1);
	memset(why, 'x', sizeof(why) - 1);
	memset(target, 'x', sizeof(target) - 1);
	memset(bytes, 'x', sizeof(bytes));
	e = manifest_get(&m, "/etc/hosts");
	assert_non_null(e);
	assert_string_equal(e->src, "/etc/hosts");
	assert_string_equal(e->reasons[0].text, "asked");
	assert_null(e->target);
	assert_null(e->data);
	e = manifest_get(&m, "/bin-data");
	assert_int_equal(e->size, 3);
	assert_memory_equal(e->data, "a\0b", 4); /* NUL-terminated too */
	e = manifest_get(&m, "/hosts");
	assert_string_equal(e->target, "hosts");
	assert_null(e->src);
	manifest_release(&m);
	manifest_release(&m); /* released twice is harmless */
	assert_int_equal(m.stage_fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_content_twice_is_a_no_op),
		cmocka_unit_test(different_content_is_a_conflict),
		cmocka_unit_test(nothing_lies_under_a_symlink_or_file),
		cmocka_unit_test(nothing_goes_above_what_is_there),
		cmocka_unit_test(only_canonical_absolute_paths),
		cmocka_unit_test(empty_directories_are_told_apart),
		cmocka_unit_test(sort_puts_parents_first),
		cmocka_unit_test(get_scales_past_the_first_index),
		cmocka_unit_test(strings_and_bytes_are_copied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
