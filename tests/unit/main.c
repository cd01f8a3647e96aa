/* The unit-test runner. Suites are found by file name at build time:
 * tests/unit/test_foo.c defines `Suite *suite_foo(void)` and the Makefile
 * lists it in suites.inc. Set BX_SUITE=foo to run one suite. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITE(name) Suite *suite_##name(void);
#include "suites.inc"
#undef SUITE

int main(void)
{
	const char *only = getenv("BX_SUITE");
	SRunner *sr = NULL;
#define SUITE(name)                                                   \
	if (!only || strcmp(only, #name) == 0) {                      \
		if (!sr)                                              \
			sr = srunner_create(suite_##name());          \
		else                                                  \
			srunner_add_suite(sr, suite_##name());        \
	}
#include "suites.inc"
#undef SUITE
	if (!sr) {
		fprintf(stderr, "no suite named %s\n", only ? only : "(any)");
		return 1;
	}
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
