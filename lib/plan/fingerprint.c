/* The fingerprint of an observed state: 64-bit FNV-1a over its canonical
 * form. It detects change between planning and applying; it is not a
 * cryptographic hash and protects against nothing deliberate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/normalize.h"
#include "plan/state.h"

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static void fnv(uint64_t *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		*h ^= p[i];
		*h *= FNV_PRIME;
	}
}

/* Each field ends in a NUL, so "ab"+"c" and "a"+"bc" hash differently. */
static void fnv_str(uint64_t *h, const char *s) { fnv(h, s ? s : "\x01", strlen(s ? s : "\x01") + 1); }

static void fnv_uint(uint64_t *h, unsigned long long v)
{
	char d[24];
	size_t i = sizeof d;
	d[--i] = '\0';
	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	fnv(h, d + i, sizeof d - i);
}

static int cmp_file_ptr(const void *a, const void *b)
{
	const bx_file_state *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static int cmp_cg_ptr(const void *a, const void *b)
{
	const bx_cg_state *const *x = a, *const *y = b;
	return bx_path_cmp((*x)->path, (*y)->path);
}

/* Files that change on their own and only feed warnings. */
static bool volatile_file(const char *name) { return strcmp(name, "pids.current") == 0; }

static int hash_cg(uint64_t *h, const bx_cg_state *cg)
{
	fnv_str(h, cg->path);
	fnv_uint(h, cg->exists);
	fnv_uint(h, cg->observed & ~(unsigned)BX_OBS_EVENTS);
	fnv_uint(h, cg->controllers);
	fnv_uint(h, cg->subtree_control);
	fnv_uint(h, cg->static_box);
	if (cg->observed & BX_OBS_MANAGED) {
		fnv_str(h, cg->managed);
		fnv_uint(h, cg->managed_unsupported);
	}
	fnv_uint(h, cg->nchildren);
	for (size_t i = 0; i < cg->nchildren; i++)
		fnv_str(h, cg->children[i]);
	/* files in name order; a cgroup has a few dozen at most */
	const bx_file_state *small[64];
	const bx_file_state **fs = cg->nfiles <= 64 ? small : calloc(cg->nfiles, sizeof *fs);
	if (!fs)
		return -1;
	for (size_t i = 0; i < cg->nfiles; i++)
		fs[i] = &cg->files[i];
	for (size_t i = 1; i < cg->nfiles; i++)
		for (size_t j = i; j > 0 && cmp_file_ptr(&fs[j - 1], &fs[j]) > 0; j--) {
			const bx_file_state *t = fs[j];
			fs[j] = fs[j - 1];
			fs[j - 1] = t;
		}
	for (size_t i = 0; i < cg->nfiles; i++) {
		if (volatile_file(fs[i]->name))
			continue;
		fnv_str(h, fs[i]->name);
		if (!fs[i]->raw) {
			fnv_str(h, NULL);
			continue;
		}
		char *c = bx_canon_file(fs[i]->name, fs[i]->raw);
		if (!c) {
			if (fs != small)
				free(fs);
			return -1;
		}
		fnv_str(h, c);
		free(c);
	}
	if (fs != small)
		free(fs);
	return 0;
}

char *bx_state_fingerprint(const bx_state *st)
{
	uint64_t h = FNV_OFFSET;
	fnv_str(&h, "boxcg-state-1");
	/* Not the base's path: the same tree seen from another mount point
	 * hashes alike (the staleness check compares the base itself). */
	fnv_uint(&h, st->dirmode);
	fnv_uint(&h, st->v1_bound);
	const bx_cg_state **v = calloc(st->n + 1, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < st->n; i++)
		v[i] = &st->v[i];
	if (!st->sorted)
		qsort(v, st->n, sizeof *v, cmp_cg_ptr);
	for (size_t i = 0; i < st->n; i++) {
		if (hash_cg(&h, v[i]) < 0) {
			free(v);
			return NULL;
		}
	}
	free(v);
	return bx_sprintf("%016llx", (unsigned long long)h);
}
