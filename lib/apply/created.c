/* The set of cgroups a transaction created (created.h): open addressing
 * over FNV-1a hashes, at most half full. */
#include "apply/created.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* The slot holding s[0..n), or the empty one where it would go. */
static bx_created_slot *find(const bx_created *c, const char *s, size_t n, uint32_t h)
{
	size_t mask = c->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		bx_created_slot *e = &c->v[i];
		if (!e->path || (e->hash == h && e->len == n && memcmp(e->path, s, n) == 0))
			return e;
	}
}

static int grow(bx_created *c)
{
	size_t cap = c->cap ? 2 * c->cap : 64;
	bx_created_slot *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	bx_created old = *c;
	c->v = v;
	c->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].path)
			*find(c, old.v[i].path, old.v[i].len, old.v[i].hash) = old.v[i];
	free(old.v);
	return 0;
}

int bx_created_add(bx_created *c, const char *path)
{
	if (2 * (c->n + 1) > c->cap && grow(c) < 0)
		return -1;
	size_t n = strlen(path);
	uint32_t h = hash(path, n);
	bx_created_slot *e = find(c, path, n, h);
	if (!e->path) {
		*e = (bx_created_slot){ .path = path, .len = n, .hash = h };
		c->n++;
	}
	e->alive = true;
	return 0;
}

void bx_created_forget(bx_created *c, const char *path)
{
	if (!c->n)
		return;
	size_t n = strlen(path);
	bx_created_slot *e = find(c, path, n, hash(path, n));
	if (e->path)
		e->alive = false;
}

bool bx_created_covers(const bx_created *c, const char *path)
{
	if (!c->n || !*path)
		return false;
	/* path, then each ancestor: "a/b/c", "a/b", "a" */
	for (size_t n = strlen(path); n;) {
		const bx_created_slot *e = find(c, path, n, hash(path, n));
		if (e->path && e->alive)
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
	free(c->v);
	*c = (bx_created){0};
}
