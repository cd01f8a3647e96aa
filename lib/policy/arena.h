/* A bump allocator for the policy front end: the YAML node tree, parsed
 * values and merged views live until the policy is compiled, then go
 * away at once. Allocation never frees; bx_arena_free releases all. */
#ifndef BX_POLICY_ARENA_H
#define BX_POLICY_ARENA_H

#include <stddef.h>

typedef struct bx_arena_chunk bx_arena_chunk;

typedef struct bx_arena {
	bx_arena_chunk *head;
	size_t used, size; /* of the head chunk */
	size_t total;      /* bytes held, for limits and tests */
} bx_arena;

/* About `bytes` will be needed soon: for a large amount, take it as one
 * chunk backed by transparent huge pages where the kernel offers them. */
void bx_arena_hint(bx_arena *a, size_t bytes);
/* Zeroed, 8-byte aligned memory; NULL on OOM (or size overflow). */
void *bx_arena_alloc(bx_arena *a, size_t size);
/* The same, not zeroed (the caller sets every byte). */
void *bx_arena_take(bx_arena *a, size_t size);
/* Array of n elements of `size`, zeroed; NULL on OOM or overflow. */
void *bx_arena_array(bx_arena *a, size_t n, size_t size);
/* Copy of s[0..len) with a terminating NUL. */
char *bx_arena_strndup(bx_arena *a, const char *s, size_t len);
void bx_arena_free(bx_arena *a);

#endif
