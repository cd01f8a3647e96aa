/* An open-addressing hash map from byte strings to integers (FNV-1a,
 * linear probing, at most three quarters full): duplicate class and box
 * ids, class lookups, findings already reported, the cgroups a
 * transaction created. Keys are borrowed: they must outlive the map. */
#ifndef BX_CORE_STRMAP_H
#define BX_CORE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bx_strmap_slot {
	const void *key; /* NULL = empty */
	uint32_t len;
	uint32_t hash;
	uintptr_t val;
} bx_strmap_slot;

typedef struct bx_strmap {
	bx_strmap_slot *v;
	size_t cap, n;
} bx_strmap;

/* Make room for `n` more keys without rehashing; -1 out of memory. */
int bx_strmap_reserve(bx_strmap *m, size_t n);
/* true and *val when present. */
bool bx_strmap_get(const bx_strmap *m, const void *key, size_t len, uintptr_t *val);
/* Insert when absent: 1 inserted; 0 present (*existing set, when given);
 * -1 out of memory. */
int bx_strmap_put(bx_strmap *m, const void *key, size_t len, uintptr_t val, uintptr_t *existing);
/* The value stored for a present key, to change in place; NULL when
 * absent. Valid until the next put or reserve. */
uintptr_t *bx_strmap_ref(const bx_strmap *m, const void *key, size_t len);
void bx_strmap_free(bx_strmap *m);

#endif
