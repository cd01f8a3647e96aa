/* Saved plans (`plan -o FILE`, `apply --plan FILE`).
 *
 * A plan file is the plan's JSON document (render_json.c) with one more
 * member, "observed": the observed state the plan was computed from
 * (snapshot.c's format). Its fingerprint is the plan's "fingerprint". The
 * applier observes the same things again (bx_observe_again) and refuses a
 * plan whose world changed, naming what changed (bx_plan_check_fresh).
 * The fingerprint is a 64-bit FNV-1a change detector, not a signature.
 * The file also records the policy ("policy": names and texts, --prune):
 * `apply --plan` compiles it again, plans against the live tree and
 * applies only a plan identical to the file's (bx_plan_same), on the base
 * it is given now (docs/APPLY.md, "Trust model"). */
#ifndef BX_PLAN_PLANFILE_H
#define BX_PLAN_PLANFILE_H

#include <stdbool.h>

#include "core/err.h"
#include "model.h"
#include "plan/plan.h"
#include "plan/state.h"

/* Record in `plan` the policy it was computed from (its files' names and
 * texts as loaded, and --prune), for the plan file. */
int bx_plan_record_source(bx_plan *plan, const bx_policy *p, bool prune, bx_error **err);

/* The plan file document. Caller frees. With plan->source present it
 * holds the policy too ("policy": {"prune", "files": [{"name","text"}]}). */
char *bx_planfile_to_json(const bx_plan *plan, const bx_state *observed, bx_error **err);
/* Write it to `path` atomically (temporary file, fsync, rename). */
int bx_planfile_write(const char *path, const bx_plan *plan, const bx_state *observed,
		      bx_error **err);

/* Read a plan file. Fails when it is malformed, or when its observed
 * state does not hash to its fingerprint (an edited file). */
int bx_planfile_from_json(const char *text, bx_plan **plan, bx_state **observed_then,
			  bx_error **err);
int bx_planfile_load(const char *path, bx_plan **plan, bx_state **observed_then, bx_error **err);

/* Is `plan` (computed from `then`) still right for `now` (observed again
 * with bx_observe_again)? 0: fresh. 1: stale, *what_changed lists what
 * changed, one line each, every line newline-terminated (caller frees).
 * -1: error.
 * Compared: the base, every cgroup's existence, controllers,
 * subtree_control, children, static mark and file values, and whether a
 * cgroup the plan removes now has processes. Not compared: pids.current
 * and other cgroups' processes coming and going. */
int bx_plan_check_fresh(const bx_plan *plan, const bx_state *then, const bx_state *now,
			char **what_changed, bx_error **err);

/* Are `a` (a saved plan) and `b` (computed now) the same plan: the same
 * base, and step for step the same operation, cgroup, file, key, bytes
 * written, old and new value, static mark, warning and policy location?
 * 1: the same. 0: *what (caller frees) names the first difference. */
int bx_plan_same(const bx_plan *a, const bx_plan *b, char **what, bx_error **err);

#endif
