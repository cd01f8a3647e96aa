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

typedef struct bx_plan {
	bx_step *v;
	size_t n, cap;
	size_t to_create, to_change, to_remove; /* cgroups created/removed; files changed */
	char *base_path;   /* where it was computed */
	bool dirmode;
	char *fingerprint; /* hash of the observed state the plan was computed from */
} bx_plan;

void bx_plan_free(bx_plan *p);

#endif

#ifndef BX_PLAN_PLAN_API
#define BX_PLAN_PLAN_API
#include "plan/state.h"

typedef struct bx_plan_opts {
	bool prune;       /* remove undeclared class slices and static boxes */
	bx_scope scope;   /* whole policy, or one box (box create) */
} bx_plan_opts;

/* Compute the ordered steps from `st` to `p`. Warnings about irreversible
 * effects are attached to the steps (bx_step.warning). */
int bx_plan_compute(const bx_policy *p, const bx_state *st, const bx_plan_opts *o,
		    bx_plan **out, bx_error **err);
#endif
