#include "policy/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct bx_arena_chunk {
	bx_arena_chunk *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

#define CHUNK_MIN (64 * 1024)

void *bx_arena_alloc(bx_arena *a, size_t size)
{
	if (size > SIZE_MAX - 15)
		return NULL;
	size = (size + 15) & ~(size_t)15;
	if (size == 0)
		size = 16;
	if (!a->head || a->size - a->used < size) {
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
		c->next = a->head;
		c->size = want;
		a->head = c;
		a->size = want;
		a->used = 0;
		a->total += want;
	}
	void *p = a->head->data + a->used;
	a->used += size;
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
	char *p = bx_arena_alloc(a, len + 1);
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
