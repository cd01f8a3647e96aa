/* The record of what boxcg manages in a cgroup ("last applied", as
 * kubectl keeps it): the interface files, and keys of keyed files, whose
 * values the policy declared when boxcg last applied there. A file in the
 * record that the policy no longer declares is written back to the
 * kernel's default; a file never in it (a runtime's own limit) is never
 * touched.
 *
 * Kept in the user xattr user.boxcg.managed on the cgroup's directory, so
 * it lives and dies with the cgroup and is read with one fgetxattr on the
 * directory fd the observation opens anyway. Text: entries separated by
 * one space, sorted bytewise, each `file` or `file[key]`:
 *
 *     cpu.max io.max[8:0] memory.max misc.max[sev] pids.max
 *
 * A box with values of its own (limits its class opens, set by `box
 * create|update --set`) keeps them in the same record, after the files,
 * as `key=value` entries sorted bytewise, one per key (sizes/sizes.h):
 *
 *     cpu.max memory.high memory.max pids.max cpu.max=2 memory.max=2147483648
 *
 * The empty string is a record of nothing. Entries that are not files
 * boxcg manages (or not well formed) are ignored when read: a record is
 * trusted like the tree it sits in, never like a policy. */
#ifndef BX_PLAN_MANAGED_H
#define BX_PLAN_MANAGED_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define BX_MANAGED_XATTR "user.boxcg.managed"
/* A record longer than this is not ours (the kernel's xattr limit is 64 KiB). */
#define BX_MANAGED_MAX 65536

typedef struct bx_managed_ent {
	char *file;  /* "memory.max" */
	char *key;   /* "8:0"; NULL for scalar files */
} bx_managed_ent;

typedef struct bx_managed {
	bx_managed_ent *v; /* sorted as their text, no duplicates */
	size_t n;
	char **own;        /* a box's own values (sizes/sizes.h): "memory.max=2147483648",
	                      sorted, one per key */
	size_t nown;
} bx_managed;

/* Parse a record. Entries that do not name a file boxcg manages, or whose
 * key is malformed, are dropped; `facts` (may be NULL) also drops
 * hugetlb sizes the host does not have. 0, or -1 out of memory. */
int bx_managed_parse(const char *text, const bx_host_facts *facts, bx_managed *out);
void bx_managed_free(bx_managed *m);


/* The record of a settings list: what the policy declares there, in the
 * canonical text above. Caller frees; NULL out of memory. */
char *bx_managed_of_settings(const bx_settings *s);

/* The canonical text of a record as read (parsed and formatted again):
 * what it is compared as. Caller frees; NULL out of memory. */
char *bx_managed_canonical(const char *text, const bx_host_facts *facts);

/* Is `text` a record exactly as boxcg writes it (canonical, every entry
 * valid)? For plans read from files. */
bool bx_managed_valid(const char *text);

/* Do two records list the same files, byte for byte, whatever their own
 * values ("memory.max pids.max memory.max=1" and "memory.max pids.max
 * memory.max=2")? Then what one manages the other does too: nothing to
 * reset (a box update changes only values). False when unsure. */
bool bx_managed_same_files(const char *a, const char *b);

#endif
