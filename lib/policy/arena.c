#include "policy/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct bx_arena_chunk {
	bx_arena_chunk *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

#define CHUNK_MIN (64 * 1024)
#define HUGE_PAGE (2u << 20)

static void link_chunk(bx_arena *a, bx_arena_chunk *c, size_t size)
{
	c->next = a->head;
	c->size = size;
	a->head = c;
	a->size = size;
	a->used = 0;
	a->total += size;
}

void bx_arena_hint(bx_arena *a, size_t bytes)
{
	if (bytes < HUGE_PAGE / 2 || (a->head && a->size - a->used >= bytes) || bytes > SIZE_MAX / 2)
		return;
	/* One chunk in whole huge pages: a few faults instead of one per 4 KiB
	 * page, which is most of the cost of building a large tree. Without
	 * transparent huge pages this is an ordinary allocation. */
	size_t total = (bytes + sizeof(bx_arena_chunk) + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	void *p = NULL;
	if (posix_memalign(&p, HUGE_PAGE, total) != 0)
		return; /* the ordinary path will try again */
	madvise(p, total, MADV_HUGEPAGE);
	link_chunk(a, p, total - sizeof(bx_arena_chunk));
}

/* size bytes aligned to `align` (a power of two), not zeroed. */
static void *take(bx_arena *a, size_t size, size_t align)
{
	size_t pad = a->head ? (align - (a->used & (align - 1))) & (align - 1) : 0;
	if (size > SIZE_MAX - 64)
		return NULL;
	if (!a->head || a->size - a->used < size + pad) {
		size_t want = a->size ? a->size * 2 : CHUNK_MIN;
		if (want > 16 * 1024 * 1024)
			want = 16 * 1024 * 1024;
		if (want < size)
			want = size;
		if (want > SIZE_MAX - sizeof(bx_arena_chunk))
			return NULL;
		bx_arena_chunk *c = malloc(sizeof *c + want);
		if (!c)
			return NULL;
		link_chunk(a, c, want);
		pad = 0;
	}
	void *p = a->head->data + a->used + pad;
	a->used += size + pad;
	return p;
}

void *bx_arena_take(bx_arena *a, size_t size) { return take(a, size, 8); }

void *bx_arena_alloc(bx_arena *a, size_t size)
{
	void *p = take(a, size, 8);
	if (p)
		memset(p, 0, size);
	return p;
}

void *bx_arena_array(bx_arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return bx_arena_alloc(a, n * size);
}

char *bx_arena_strndup(bx_arena *a, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		return NULL;
	char *p = take(a, len + 1, 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void bx_arena_free(bx_arena *a)
{
	bx_arena_chunk *c = a->head;
	while (c) {
		bx_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	*a = (bx_arena){0};
}
