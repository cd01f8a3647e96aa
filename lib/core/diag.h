/* Diagnostics: problems in the user's policy, each with a source location
 * and the YAML path of the offending node. Collected on a list so one run
 * reports every problem; rendered `file:line:col: error: msg [path]`. */
#ifndef BX_CORE_DIAG_H
#define BX_CORE_DIAG_H

#include <stdbool.h>
#include <stddef.h>

/* A place in a policy file. `file` is interned by the policy that owns the
 * location (see bx_policy); line and col are 1-based, 0 when unknown. */
typedef struct bx_loc {
	const char *file;
	unsigned line, col;
} bx_loc;

typedef enum bx_severity { BX_SEV_WARNING, BX_SEV_ERROR } bx_severity;

typedef struct bx_diag {
	bx_severity sev;
	char *file;     /* owned copy, may be NULL */
	unsigned line, col;
	char *path;     /* YAML path, e.g. "classes.small.box.memory.high"; may be NULL */
	char *msg;
} bx_diag;

/* At most this many diagnostics are kept (each is bounded: values are
 * shown cut, paths are at most BX_YAML_MAX_DEPTH components), so a hostile
 * file of a million bad entries costs a bounded amount of memory; the
 * rest are counted (errors, warnings, dropped) but not kept. */
#define BX_DIAGS_MAX 10000

typedef struct bx_diags {
	bx_diag *v;
	size_t n, cap;
	size_t errors, warnings; /* every one found, kept or not */
	size_t dropped;          /* found beyond BX_DIAGS_MAX: counted only */
	bool oom;
} bx_diags;

void bx_diag_add(bx_diags *d, bx_severity sev, const bx_loc *loc,
		 const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define bx_diag_error(d, loc, path, ...) bx_diag_add(d, BX_SEV_ERROR, loc, path, __VA_ARGS__)
#define bx_diag_warn(d, loc, path, ...) bx_diag_add(d, BX_SEV_WARNING, loc, path, __VA_ARGS__)

/* Stable sort by file, line, column (then insertion order). */
void bx_diags_sort(bx_diags *d);

/* One line, no trailing newline: "file:line:col: error: msg [path]".
 * Caller frees. */
char *bx_diag_format(const bx_diag *dg);

void bx_diags_free(bx_diags *d);

#endif
