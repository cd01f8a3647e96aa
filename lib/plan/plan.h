/* A plan: the ordered cgroupfs operations that take the live tree to the
 * policy. Each step remembers which policy line asked for it. */
#ifndef BX_PLAN_PLAN_H
#define BX_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroupfs/cgfs.h"
#include "core/diag.h"
#include "core/err.h"
#include "model.h"

typedef enum bx_op {
	BX_OP_ENABLE,  /* write "+ctrl" to cgroup.subtree_control of `cgroup` */
	BX_OP_MKDIR,   /* create `cgroup` */
	BX_OP_WRITE,   /* write `write` to `file` of `cgroup` */
	BX_OP_RMDIR,   /* remove `cgroup` (--prune) */
	BX_OP_DISABLE, /* write "-ctrl" to cgroup.subtree_control (--prune) */
	BX_OP_RECORD,  /* set the record of what boxcg manages in `cgroup` (the
	                  xattr user.boxcg.managed, plan/managed.h) to `write` */
} bx_op;

typedef struct bx_step {
	bx_op op;
	char *cgroup;   /* relative to the base; "" is the base itself */
	char *file;     /* ENABLE/DISABLE: "cgroup.subtree_control"; WRITE: the file */
	char *key;      /* keyed files: the line key ("8:0"); NULL otherwise */
	char *write;    /* exact bytes written: "+memory", "50000 100000", "8:0 rbps=…" */
	char *old;      /* live value before (canonical); NULL when the cgroup is new */
	char *new;      /* desired value (canonical) */
	bx_loc loc;     /* the policy node that asked for this step */
	char *ypath;    /* its YAML path */
	char *warning;  /* effects no rollback can undo (e.g. reclaim/OOM), or NULL */
	bool static_box; /* MKDIR of a box declared under `boxes:`: the applier
	                    marks it with the xattr user.boxcg.static so a later
	                    --prune can tell it from boxes a runtime created */
} bx_step;

/* The policy a saved plan was computed from (plan files record it, so
 * that `apply --plan` can compute the plan again and require the same
 * steps: planfile.h). */
typedef struct bx_plan_source {
	bool present;
	bool prune;        /* computed with --prune */
	char **names;      /* the policy's files, in load order */
	char **texts;      /* their texts */
	size_t n;
} bx_plan_source;

typedef struct bx_plan {
	bx_step *v;
	size_t n, cap;
	size_t to_create, to_change, to_remove; /* cgroups created/removed; files changed */
	char *base_path;   /* where it was computed */
	bool dirmode;
	bool no_records;   /* the base keeps no user xattrs: boxcg cannot record
	                      what it manages, so keys removed from the policy
	                      are left as they are (said once in the text) */
	char *fingerprint; /* hash of the observed state the plan was computed from */
	char **files;      /* interned policy file names the steps' locations
	                      point to: a plan outlives its policy */
	size_t nfiles, files_cap;
	bx_plan_source source; /* plan files only (bx_plan_record_source) */
	void *strings;     /* plans made by the planner or read from JSON keep
	                      their steps' strings in this pool (shared, freed
	                      with the plan); NULL: each step owns its strings
	                      (malloc'ed), as in a plan built by hand */
} bx_plan;

void bx_plan_free(bx_plan *p);

/* RECORD steps are boxcg's own bookkeeping (which settings it manages in
 * a cgroup), not changes to the tree's limits: they are not counted in
 * to_create/to_change/to_remove, not shown in the text, and a plan of
 * records only is "No changes." (`plan --detailed-exitcode` exits 0);
 * apply still performs them. */
size_t bx_plan_records(const bx_plan *p);     /* how many RECORD steps */
bool bx_plan_has_changes(const bx_plan *p);   /* a step that is not a RECORD */

#endif

#ifndef BX_PLAN_PLAN_API
#define BX_PLAN_PLAN_API
#include "plan/state.h"

typedef struct bx_plan_opts {
	bool prune;       /* remove undeclared class slices and static boxes */
	bx_scope scope;   /* whole policy, or one box (box create) */
	bool no_fingerprint; /* leave plan->fingerprint NULL: nothing will show
	                        or save it (a fifth of a no-op plan of 1,000
	                        boxes is hashing the observed state) */
	const char *box_own; /* with a one-box scope: the box's own values
	                        ("memory.max=2147483648 …", sizes/sizes.h, already
	                        checked against its class) in place of those in
	                        its record; NULL keeps the record's */
	const bx_settings *box_set; /* with box_own: the settings those values
	                        make (bx_sizes_settings), when the caller made
	                        them already; NULL: the planner makes them */
} bx_plan_opts;

/* Compute the ordered steps from `st` to `p`. Warnings about irreversible
 * effects are attached to the steps (bx_step.warning).
 *
 * Order: cgroups top-down (base, root components, then each class slice
 * followed by its boxes, by name); for each: MKDIR if missing, ENABLE in
 * every ancestor from the base down what its settings need, then its
 * WRITEs in registry rank order refined by value (cpu.max.burst and
 * cpu.max so that burst <= quota holds; memory.min/low/high/max lowered
 * bottom-up then raised top-down so min <= low <= high <= max holds at
 * every step). With `prune`: RMDIR deepest first, then DISABLE, last.
 * Fails (no plan) when a needed controller is unavailable at the base, a
 * file is missing although its controller is enabled, or --prune would
 * remove a populated cgroup or runtime boxes. */
int bx_plan_compute(const bx_policy *p, const bx_state *st, const bx_plan_opts *o,
		    bx_plan **out, bx_error **err);

/* Differences between the live state and the policy, for `boxcg diff`:
 * every step of the plan with --prune, except removals that --prune
 * would refuse, which are reported as BX_OP_RMDIR steps carrying a
 * warning that says why they cannot be removed. */
int bx_plan_drift(const bx_policy *p, const bx_state *st, bx_plan **out, bx_error **err);
/* `boxcg destroy`: RMDIR of every existing cgroup from the policy root
 * down, deepest first, the root last; each step located at the policy node
 * that made it (root, class, static box); `nested`: the cgroups below the
 * boxes, which the observation does not list. Ancestors of the root are left
 * alone. Fails (EBUSY, no plan) when one of them has processes, unless
 * allow_populated (the caller empties them first). */
int bx_plan_destroy(const bx_policy *p, const bx_state *st, const char *const *nested,
		    size_t nnested, bool allow_populated, bx_plan **out, bx_error **err);

/* Rendering (the library never prints: these return text, caller frees). */
typedef struct bx_render_opts {
	bool color;       /* ANSI colors */
	bool verbose;     /* one dim note counting the records to write */
	/* The existing cgroups the policy does not declare, which --prune
	 * would remove: the RMDIR steps of this plan (bx_plan_drift's; a
	 * step with a warning is one --prune refuses). Listed after the
	 * actions and counted in the summary ("N not in the policy: use
	 * --prune"); NULL or none: nothing is said. */
	const bx_plan *undeclared;
	/* Fit location comments in this many columns: a comment that would
	 * make its line wider goes on a line of its own. 0: no limit. */
	unsigned columns;
	/* Show policy file names relative to this directory (absolute);
	 * NULL: as they were given. */
	const char *cwd;
	/* The header and the summary only, no per-cgroup listing (apply
	 * without -v). */
	bool summary_only;
} bx_render_opts;
char *bx_plan_render_text(const bx_plan *plan, const bx_render_opts *o);
/* The same text handed to `fn` in pieces as it is made (a large plan
 * never sits in memory whole). fn returns 0, or -1 to fail the render.
 * 0, or -1 (fn failed, or out of memory: errno ENOMEM). */
typedef int (*bx_write_fn)(void *ctx, const char *data, size_t len);
int bx_plan_write_text(const bx_plan *plan, const bx_render_opts *o, bx_write_fn fn, void *ctx);
/* `boxcg diff`: one line per difference. */
char *bx_plan_render_drift(const bx_plan *plan, const bx_render_opts *o);
/* The plan as one JSON document (format_version 1). */
char *bx_plan_to_json(const bx_plan *plan, bx_error **err);
int bx_plan_from_json(const char *text, bx_plan **out, bx_error **err);
#endif
