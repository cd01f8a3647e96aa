/* A box's own values: limits its class opens to it (`sizes:`), set when
 * the box is created or updated (`--set K=V`), kept in the box's record
 * of managed settings (plan/managed.h) as `key=value` entries, and turned
 * into the box's settings: the class's `box` settings with the own values
 * in place, an overhead added, and percents of memory.max following the
 * box's own memory.max.
 *
 * Layer: below plan (which reconciles a box to these settings), above
 * policy (whose units parse the values). */
#ifndef BX_SIZES_SIZES_H
#define BX_SIZES_SIZES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "model.h"

typedef struct bx_own {
	const bx_open_key *open; /* in the class */
	bx_own_val v;            /* what the box asked for (before the overhead) */
} bx_own;

typedef struct bx_owns {
	bx_own *v;               /* in the class's open-key order, one per key */
	size_t n;
} bx_owns;

/* The key a class opens, NULL when it does not open it. */
const bx_open_key *bx_sizes_open(const bx_class *c, const char *key);

/* Add "KEY=VALUE" requests to `o` (a later one for the same key wins).
 * Refused, naming the class's file:line:col: a malformed request (EINVAL),
 * a key the class does not open (EPERM), a value that does not parse
 * (EINVAL) or is out of the class's range (ERANGE). On failure `o` is as
 * it was. */
int bx_sizes_request(const bx_class *c, const char *const *sets, size_t n, bx_owns *o,
		     bx_error **err);

/* The own values in a record's text (the `key=value` entries of a
 * user.boxcg.managed record), as they apply under class `c` now: a key
 * the class no longer opens is dropped (the box gets the class's value),
 * a value outside the range it now has is moved to the nearest bound.
 * 0, or -1 out of memory. */
int bx_sizes_from_record(const bx_class *c, const char *record, bx_owns *out);

/* "cpu.max=2 memory.max=2147483648": the record entries, sorted; "" for
 * none. NULL out of memory. */
char *bx_sizes_text(const bx_owns *o);

/* The box's settings: the class's `box` settings with its own values.
 * A refusal (a percent of a memory.max set to max, a quota the kernel
 * cannot take) is EINVAL with the setting's location. */
int bx_sizes_settings(const bx_class *c, const bx_owns *o, const bx_host_facts *facts,
		      bx_settings *out, bx_error **err);

void bx_owns_free(bx_owns *o);

#endif
