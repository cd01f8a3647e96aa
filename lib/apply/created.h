/* The cgroups a transaction has created so far (its MKDIR steps that
 * ran), so that a write inside one needs neither a captured old value
 * nor an undo record: the MKDIR's undo, an rmdir, takes the value with
 * the cgroup. A set of paths, borrowed from the plan (they must outlive
 * it); an RMDIR of one makes it no longer count. */
#ifndef BX_APPLY_CREATED_H
#define BX_APPLY_CREATED_H

#include <stdbool.h>

#include "core/strmap.h"

/* path -> 1 while the cgroup is there, 0 once removed again */
typedef struct bx_created {
	bx_strmap alive;
} bx_created;

/* Remember that `path` was created (again). -1: out of memory. */
int bx_created_add(bx_created *c, const char *path);
/* It was removed: it no longer counts. */
void bx_created_forget(bx_created *c, const char *path);
/* Is `path`, or one of its ancestors, a cgroup created (and still
 * there)? The base ("") never is. */
bool bx_created_covers(const bx_created *c, const char *path);
void bx_created_free(bx_created *c);

#endif
