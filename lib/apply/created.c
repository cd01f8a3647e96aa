/* The set of cgroups a transaction created (created.h): a bx_strmap
 * from path to whether it is still there. */
#include "apply/created.h"

#include <string.h>

int bx_created_add(bx_created *c, const char *path)
{
	size_t n = strlen(path);
	int r = bx_strmap_put(&c->alive, path, n, 1, NULL);
	if (r == 0) /* created again after an RMDIR */
		*bx_strmap_ref(&c->alive, path, n) = 1;
	return r < 0 ? -1 : 0;
}

void bx_created_forget(bx_created *c, const char *path)
{
	uintptr_t *v = bx_strmap_ref(&c->alive, path, strlen(path));
	if (v)
		*v = 0;
}

bool bx_created_covers(const bx_created *c, const char *path)
{
	if (!c->alive.n || !*path)
		return false;
	/* path, then each ancestor: "a/b/c", "a/b", "a" */
	for (size_t n = strlen(path); n;) {
		uintptr_t v;
		if (bx_strmap_get(&c->alive, path, n, &v) && v)
			return true;
		while (n && path[n - 1] != '/')
			n--;
		if (n)
			n--; /* drop the '/' */
	}
	return false;
}

void bx_created_free(bx_created *c)
{
	bx_strmap_free(&c->alive);
}
