/* Canonical forms of what the kernel reads back, so the planner and the
 * applier compare like with like. The front end compiles desired values to
 * exactly these forms (see lib/model.h). */
#ifndef BX_PLAN_NORMALIZE_H
#define BX_PLAN_NORMALIZE_H

/* Canonical form of a whole scalar file's read-back: surrounding
 * whitespace trimmed; controller lists in kernel order; cpuset lists
 * sorted and merged. Caller frees; NULL on OOM. */
char *bx_canon_file(const char *file, const char *raw);

/* For keyed files (io.max, io.weight, misc.max): the canonical value of
 * the line for `key` (the text after the key), or the registry default
 * when the file has no line for it. Caller frees; NULL on OOM. */
char *bx_canon_key(const char *file, const char *raw, const char *key);

#endif
