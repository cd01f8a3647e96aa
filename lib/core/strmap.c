#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_bytes(const void *key, size_t len)
{
	/* FNV-1a, 64 bit, folded */
	const unsigned char *p = key;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return (uint32_t)(h ^ (h >> 32));
}

static bx_strmap_slot *find(const bx_strmap *m, const void *key, size_t len, uint32_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		bx_strmap_slot *s = &m->v[i];
		if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
	}
}

uintptr_t *bx_strmap_ref(const bx_strmap *m, const void *key, size_t len)
{
	if (!m->cap)
		return NULL;
	bx_strmap_slot *s = find(m, key, len, hash_bytes(key, len));
	return s->key ? &s->val : NULL;
}

bool bx_strmap_get(const bx_strmap *m, const void *key, size_t len, uintptr_t *val)
{
	const uintptr_t *v = bx_strmap_ref(m, key, len);
	if (!v)
		return false;
	if (val)
		*val = *v;
	return true;
}

/* Room for `want` keys at a load of at most three quarters. */
static int grow(bx_strmap *m, size_t want)
{
	size_t cap = m->cap ? m->cap : 64;
	while (want > cap / 4 * 3) {
		if (cap > SIZE_MAX / 4)
			return -1;
		cap *= 2;
	}
	if (cap == m->cap)
		return 0;
	if (cap > SIZE_MAX / sizeof(bx_strmap_slot))
		return -1;
	bx_strmap_slot *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	bx_strmap old = *m;
	m->v = v;
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].key)
			*find(m, old.v[i].key, old.v[i].len, old.v[i].hash) = old.v[i];
	free(old.v);
	return 0;
}

int bx_strmap_reserve(bx_strmap *m, size_t n)
{
	return n > SIZE_MAX / 2 - m->n ? -1 : grow(m, m->n + n);
}

int bx_strmap_put(bx_strmap *m, const void *key, size_t len, uintptr_t val, uintptr_t *existing)
{
	if (len > UINT32_MAX || grow(m, m->n + 1) < 0)
		return -1;
	uint32_t h = hash_bytes(key, len);
	bx_strmap_slot *s = find(m, key, len, h);
	if (s->key) {
		if (existing)
			*existing = s->val;
		return 0;
	}
	*s = (bx_strmap_slot){ key, (uint32_t)len, h, val };
	m->n++;
	return 1;
}

void bx_strmap_free(bx_strmap *m)
{
	free(m->v);
	*m = (bx_strmap){0};
}
