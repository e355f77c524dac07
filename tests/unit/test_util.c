/* Unit tests for util: strbuf and strlist keep their invariants. */
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

#include "scratchroot/util.h"

static void strbuf_starts_empty_and_nul_terminated(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
}

static void strbuf_appends_and_formats(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "lib");
	strbuf_addch(&sb, 'c');
	strbuf_addf(&sb, ".so.%d", 6);
	assert_string_equal(sb.buf, "libc.so.6");
	assert_int_equal(sb.len, 9);
	strbuf_setlen(&sb, 4);
	assert_string_equal(sb.buf, "libc");
	for (int i = 0; i < 1000; i++)
		strbuf_addstr(&sb, "0123456789");
	assert_int_equal(sb.len, 10004);
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_release(&sb);
}

static void strbuf_detach_hands_over_the_buffer(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	s = strbuf_detach(&sb);
	assert_string_equal(s, "");
	free(s);
	strbuf_addstr(&sb, "x");
	s = strbuf_detach(&sb);
	assert_string_equal(s, "x");
	assert_int_equal(sb.len, 0);
	free(s);
}

static void seterr_replaces_the_message_and_returns_the_code(void **state)
{
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(seterr(&err, -ENOENT, "first %d", 1), -ENOENT);
	assert_int_equal(seterr(&err, -EINVAL, "second"), -EINVAL);
	assert_string_equal(err.buf, "second");
	assert_int_equal(seterr(NULL, -EIO, "ignored"), -EIO);
	strbuf_release(&err);
}

static void strlist_sorts_and_removes_duplicates(void **state)
{
	struct strlist sl = STRLIST_INIT;

	strlist_add(&sl, "/usr/lib/b");
	strlist_add(&sl, "/lib");
	strlist_add(&sl, "/usr/lib/b");
	strlist_addn(&sl, "/lib64xyz", 6);
	strlist_sort_uniq(&sl);
	assert_int_equal(sl.n, 3);
	assert_string_equal(sl.v[0], "/lib");
	assert_string_equal(sl.v[1], "/lib64");
	assert_string_equal(sl.v[2], "/usr/lib/b");
	assert_true(strlist_has(&sl, "/lib64"));
	assert_false(strlist_has(&sl, "/lib6"));
	for (size_t i = 0; i < sl.n; i++)
		assert_true(strlist_has_sorted(&sl, sl.v[i]));
	assert_false(strlist_has_sorted(&sl, "/lib6"));
	assert_false(strlist_has_sorted(&sl, "/"));
	assert_false(strlist_has_sorted(&sl, "/zzz"));
	strlist_clear(&sl);
	assert_int_equal(sl.n, 0);
	assert_false(strlist_has_sorted(&sl, "/lib"));
}

static void strbuf_addstrs_appends_up_to_null(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstrs(&sb, "/usr", "/lib", "", "/x", NULL);
	strbuf_addstrs(&sb, NULL);
	assert_string_equal(sb.buf, "/usr/lib/x");
	assert_int_equal(sb.len, 10);
	strbuf_release(&sb);
}

static int n_freed;

static void count_free(void *p)
{
	n_freed++;
	free(p);
}

/* Thousands of keys through several growths: each found with its value,
 * absent keys not, a key put twice kept once; clear frees each value. */
static void strmap_maps_and_grows(void **state)
{
	struct strmap m = STRMAP_INIT;
	char key[32];

	assert_null(strmap_get(&m, "absent"));
	for (int i = 0; i < 5000; i++) {
		void **slot;

		snprintf(key, sizeof(key), "/usr/lib/lib%d.so", i);
		slot = strmap_put(&m, key);
		assert_null(*slot);
		*slot = xstrdup(key);
	}
	assert_int_equal(m.n, 5000);
	snprintf(key, sizeof(key), "/usr/lib/lib%d.so", 42);
	assert_non_null(*strmap_put(&m, key));
	assert_int_equal(m.n, 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "/usr/lib/lib%d.so", i);
		assert_string_equal(strmap_get(&m, key), key);
	}
	assert_null(strmap_get(&m, "/usr/lib/lib5000.so"));
	assert_null(strmap_get(&m, ""));
	n_freed = 0;
	strmap_clear(&m, count_free);
	assert_int_equal(n_freed, 5000);
	assert_int_equal(m.n, 0);
	assert_null(strmap_get(&m, "/usr/lib/lib1.so"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf_starts_empty_and_nul_terminated),
		cmocka_unit_test(strbuf_appends_and_formats),
		cmocka_unit_test(strbuf_detach_hands_over_the_buffer),
		cmocka_unit_test(seterr_replaces_the_message_and_returns_the_code),
		cmocka_unit_test(strlist_sorts_and_removes_duplicates),
		cmocka_unit_test(strbuf_addstrs_appends_up_to_null),
		cmocka_unit_test(strmap_maps_and_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
