/* A string pool: copies of strings in large chunks, each distinct string
 * stored once. A plan keeps its steps' strings here: ten thousand boxes of
 * one class share one copy of "memory.max", of "536870912" and of their
 * YAML path, and freeing the plan frees a few chunks. Internal to
 * lib/plan. */
#ifndef BX_PLAN_STRPOOL_H
#define BX_PLAN_STRPOOL_H

#include <stddef.h>

typedef struct bx_strpool bx_strpool;

bx_strpool *bx_strpool_new(void);
/* The pool's copy of `s` (the same pointer for equal strings); NULL for a
 * NULL `s`, and NULL with errno ENOMEM when out of memory. */
const char *bx_strpool_intern(bx_strpool *p, const char *s);
/* A copy of `s` in the pool that is not looked up or shared (for strings
 * known to be unique, such as a cgroup's path); NULL on OOM. */
const char *bx_strpool_store(bx_strpool *p, const char *s, size_t len);
void bx_strpool_free(bx_strpool *p);

#endif
