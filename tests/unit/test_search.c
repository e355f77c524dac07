/* Unit tests for search: path lists and dynamic string tokens, glibc's and
 * musl's way (doc/loader-rules.md G8, G9, M2, M7). */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "scratchroot/search.h"

static struct strlist platforms = STRLIST_INIT;

static int setup(void **state)
{
	strlist_add(&platforms, "x86_64");
	strlist_add(&platforms, "haswell");
	return 0;
}

static int teardown(void **state)
{
	strlist_clear(&platforms);
	return 0;
}

static char *expand1(const char *s, const char *origin)
{
	struct strlist out = STRLIST_INIT;
	char *r;

	if (search_expand_dst(s, origin, "lib/x86_64-linux-gnu", &platforms, &out) != 1) {
		strlist_clear(&out);
		return NULL;
	}
	r = out.v[0];
	out.v[0] = NULL;
	strlist_clear(&out);
	return r;
}

static void assert_expands(const char *s, const char *origin, const char *want)
{
	char *got = expand1(s, origin);

	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void origin_and_lib_expand_in_both_spellings(void **state)
{
	assert_expands("$ORIGIN/../lib", "/opt/app/bin", "/opt/app/bin/../lib");
	assert_expands("${ORIGIN}/x", "/o", "/o/x");
	assert_expands("/L/$LIB", "/o", "/L/lib/x86_64-linux-gnu");
	assert_expands("/L/${LIB}x", "/o", "/L/lib/x86_64-linux-gnux");
}

static void a_longer_name_is_not_a_token(void **state)
{
	assert_expands("$ORIGINX/a", "/o", "$ORIGINX/a");
	assert_expands("$LIBRARY", "/o", "$LIBRARY");
	assert_expands("/a/$", "/o", "/a/$");
	assert_expands("$HOME/lib", "/o", "$HOME/lib");
}

static void unknown_origin_drops_the_element(void **state)
{
	assert_expands("$ORIGIN/lib", NULL, NULL);
	assert_expands("/plain", NULL, "/plain");
}

static void platform_expands_once_per_possible_value(void **state)
{
	struct strlist out = STRLIST_INIT;

	assert_int_equal(search_expand_dst("/p/$PLATFORM/lib", "/o", "lib", &platforms, &out), 2);
	assert_string_equal(out.v[0], "/p/x86_64/lib");
	assert_string_equal(out.v[1], "/p/haswell/lib");
	strlist_clear(&out);
}

static void empty_elements_are_kept(void **state)
{
	struct strlist out = STRLIST_INIT;

	search_split(":/a::/b;c:", ":;", &out);
	assert_int_equal(out.n, 6);
	assert_string_equal(out.v[0], "");
	assert_string_equal(out.v[1], "/a");
	assert_string_equal(out.v[2], "");
	assert_string_equal(out.v[3], "/b");
	assert_string_equal(out.v[4], "c");
	assert_string_equal(out.v[5], "");
	strlist_clear(&out);
	search_split("/only", ":", &out);
	assert_int_equal(out.n, 1);
	strlist_clear(&out);
}

static void musl_expands_only_origin(void **state)
{
	char *s;

	s = search_musl_rpath("$ORIGIN/../lib:${ORIGIN}", "/app");
	assert_string_equal(s, "/app/../lib:/app");
	free(s);
	/* Any other '$' makes musl ignore the whole rpath (M7). */
	assert_null(search_musl_rpath("/a:$LIB/b", "/app"));
	assert_null(search_musl_rpath("${PLATFORM}", "/app"));
	s = search_musl_rpath("/plain", "/app");
	assert_string_equal(s, "/plain");
	free(s);
}

static void musl_maps_libc_names_to_the_loader(void **state)
{
	const char *ld = "/lib/ld-musl-x86_64.so.1";

	assert_true(search_musl_reserved("libc.so", ld));
	assert_true(search_musl_reserved("libc.musl-x86_64.so.1", ld));
	assert_true(search_musl_reserved("libpthread.so.0", ld));
	assert_true(search_musl_reserved("libm.so.6", ld));
	assert_true(search_musl_reserved(ld, ld));
	assert_false(search_musl_reserved("libcrypto.so.3", ld));
	assert_false(search_musl_reserved("libmagic.so.1", ld));
	assert_false(search_musl_reserved("libz.so.1", ld));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(origin_and_lib_expand_in_both_spellings),
		cmocka_unit_test(a_longer_name_is_not_a_token),
		cmocka_unit_test(unknown_origin_drops_the_element),
		cmocka_unit_test(platform_expands_once_per_possible_value),
		cmocka_unit_test(empty_elements_are_kept),
		cmocka_unit_test(musl_expands_only_origin),
		cmocka_unit_test(musl_maps_libc_names_to_the_loader),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
