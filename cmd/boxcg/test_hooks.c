/* The BOXCG_TEST_* variables (fault injection, SIGKILL at a mutation, the
 * pre-5.14 kill, the fork fallback of exec) exist only in test builds:
 * this file is compiled with -DBOXCG_TEST_HOOKS into $(O)/boxcg-test and
 * the kernel suite's boxcg-static. The boxcg `make install` ships is built
 * without it and reads none of them (tests/install proves it). */
#include <stdlib.h>

#include "cli.h"

const char *cli_test_env(const char *name)
{
#ifdef BOXCG_TEST_HOOKS
	return getenv(name);
#else
	(void)name;
	return NULL;
#endif
}

bool cli_test_hooks_built(void)
{
#ifdef BOXCG_TEST_HOOKS
	return true;
#else
	return false;
#endif
}
