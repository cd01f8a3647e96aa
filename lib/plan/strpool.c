/* The string pool (strpool.h): bump allocation in chunks, and an
 * open-addressing table of the stored strings keyed by their FNV-1a hash. */
#include "plan/strpool.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64u << 10)

typedef struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
} chunk;

typedef struct slot {
	const char *s;
	uint64_t hash;
} slot;

struct bx_strpool {
	chunk *chunks;
	slot *tab;
	size_t cap, n; /* cap is a power of two */
};

bx_strpool *bx_strpool_new(void) { return calloc(1, sizeof(bx_strpool)); }

/* Eight bytes at a time (a byte-wise FNV-1a cost 5 instructions a byte,
 * and plans intern records of 100 bytes and more per cgroup), then a
 * final mix so the table's low bits depend on every byte. Only the table
 * uses it: nothing is stored or compared across runs. */
static uint64_t hash_of(const char *s, size_t *len)
{
	size_t n = strlen(s);
	*len = n;
	uint64_t h = UINT64_C(0xcbf29ce484222325) ^ n;
	const unsigned char *p = (const unsigned char *)s;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h ^= w * UINT64_C(0x9e3779b97f4a7c15);
		h = ((h << 27) | (h >> 37)) * 5 + UINT64_C(0x52dce729);
	}
	uint64_t w = 0;
	memcpy(&w, p, n);
	h ^= w * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return h;
}

/* s[0..len) and a NUL */
static char *store(bx_strpool *p, const char *s, size_t len)
{
	chunk *c = p->chunks;
	if (!c || c->size - c->used < len + 1) {
		/* 4 KiB first (a box's plan is small; freeing 64 KiB makes
		 * malloc consolidate), then twice the last, up to CHUNK */
		size_t size = c ? (c->size < CHUNK ? c->size * 2 : CHUNK) : 4096;
		if (size < len + 1)
			size = len + 1;
		chunk *n = malloc(sizeof *n + size);
		if (!n)
			return NULL;
		n->next = c;
		n->used = 0;
		n->size = size;
		p->chunks = c = n;
	}
	char *d = c->data + c->used;
	memcpy(d, s, len);
	d[len] = '\0';
	c->used += len + 1;
	return d;
}

static int grow(bx_strpool *p)
{
	size_t cap = p->cap ? p->cap * 2 : 64; /* a box plan interns a few dozen */
	slot *t = calloc(cap, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < p->cap; i++) {
		if (!p->tab[i].s)
			continue;
		size_t j = p->tab[i].hash & (cap - 1);
		while (t[j].s)
			j = (j + 1) & (cap - 1);
		t[j] = p->tab[i];
	}
	free(p->tab);
	p->tab = t;
	p->cap = cap;
	return 0;
}

const char *bx_strpool_intern(bx_strpool *p, const char *s)
{
	if (!s)
		return NULL;
	if (2 * (p->n + 1) > p->cap && grow(p) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	size_t len;
	uint64_t h = hash_of(s, &len);
	size_t j = h & (p->cap - 1);
	for (; p->tab[j].s; j = (j + 1) & (p->cap - 1))
		if (p->tab[j].hash == h && strcmp(p->tab[j].s, s) == 0)
			return p->tab[j].s;
	char *d = store(p, s, len);
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	p->tab[j] = (slot){ d, h };
	p->n++;
	return d;
}

const char *bx_strpool_store(bx_strpool *p, const char *s, size_t len)
{
	char *d = store(p, s, len);
	if (!d)
		errno = ENOMEM;
	return d;
}

void bx_strpool_free(bx_strpool *p)
{
	if (!p)
		return;
	for (chunk *c = p->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(p->tab);
	free(p);
}
