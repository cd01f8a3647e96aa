/* Canonical forms of what the kernel reads back, so the planner and the
 * applier compare like with like. The front end compiles desired values to
 * exactly these forms (see lib/model.h). */
#ifndef BX_PLAN_NORMALIZE_H
#define BX_PLAN_NORMALIZE_H

#include <stdbool.h>
#include <stdint.h>

/* Canonical form of a whole scalar file's read-back: surrounding
 * whitespace trimmed; controller lists in kernel order; cpuset lists
 * sorted and merged. Caller frees; NULL on OOM. */
char *bx_canon_file(const char *file, const char *raw);

/* For keyed files (io.max, io.weight, misc.max): the canonical value of
 * the line for `key` (the text after the key), or the registry default
 * when the file has no line for it. Caller frees; NULL on OOM.
 * io.max values always list rbps wbps riops wiops in that order (missing
 * ones read "max"); an io.weight device key with no line of its own reads
 * "default" (it follows the cgroup's default weight). */
char *bx_canon_key(const char *file, const char *raw, const char *key);

/* A cpuset list sorted and merged: "3,0-1,2" → "0-3". Text that is not a
 * list comes back trimmed but otherwise unchanged. Caller frees. */
char *bx_canon_cpulist(const char *raw);

/* Does the keyed file text `raw` have a line for `key`? */
bool bx_keyed_has(const char *raw, const char *key);

/* The exact bytes to write() to set `file` (line `key`, or NULL) to the
 * canonical `value`: "KEY VALUE" for keyed files, the value itself
 * otherwise (an empty one goes out as "\n": bx_cgfs_write). Caller frees. */
char *bx_write_bytes(const char *file, const char *key, const char *value);

/* A decimal unsigned integer, or "max" (UINT64_MAX). 0 or -1. */
int bx_parse_u64_or_max(const char *s, uint64_t *out);

#endif
