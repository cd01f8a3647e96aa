/* Does the policy fit the host? The controllers its settings need that
 * the observed base lacks (missing from its cgroup.controllers, or bound
 * to a cgroup v1 hierarchy), each with the explanation the planner gives
 * when it refuses to plan. `plan` fails with these; `validate --host`
 * reports them as diagnostics at the setting that needs the controller. */
#ifndef BX_PLAN_FIT_H
#define BX_PLAN_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "model.h"
#include "plan/state.h"

/* The setting of `s` that needs controller `bit` and comes first in the
 * policy text (the line a reader looks at); NULL when none does. */
const bx_setting *bx_fit_first_needing(const bx_settings *s, unsigned bit);

/* Why controller `bit` is not available at st's base, and what to do:
 * "controller memory is not available at BASE (needed by memory.max,
 * policy.yaml:11:22 [classes.small.slice.memory.max]): it is missing
 * from the base's cgroup.controllers: …" plus, under a systemd user
 * manager, the drop-in that delegates it. Without `with_loc` the
 * parenthesis names only the file ("(needed by memory.max)"): for a
 * diagnostic that carries the place itself. Caller frees; NULL on OOM. */
char *bx_fit_explain(const bx_state *st, unsigned bit, const bx_setting *why, bool with_loc);

typedef struct bx_fit_gap {
	unsigned ctrl;           /* the controller's bit */
	const bx_setting *why;   /* the setting that needs it (in the policy) */
} bx_fit_gap;

/* Every controller the policy needs that the base of `st` lacks, once
 * each, in the order the planner meets them (classes by name, a class's
 * slice settings, then its box settings). *out is malloc'd (NULL when
 * none). -1 on ENOMEM. */
int bx_fit_gaps(const bx_policy *p, const bx_state *st, bx_fit_gap **out, size_t *n, bx_error **err);

/* Is controller `bit` unavailable at the base of `st`: not in the base's
 * cgroup.controllers nor already enabled in its subtree_control. */
bool bx_fit_lacks(const bx_state *st, unsigned bit);

#endif
