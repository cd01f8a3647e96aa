/* Planner internals shared by diff.c, order.c, prune.c and plan.c. */
#ifndef BX_PLAN_PLAN_INT_H
#define BX_PLAN_PLAN_INT_H

#include "plan/plan.h"

/* The kinds of cgroup in the desired tree. */
typedef enum bx_dn_kind {
	BX_DN_BASE,    /* the base itself: never created */
	BX_DN_ROOT,    /* a component of the policy root */
	BX_DN_SLICE,   /* a class slice */
	BX_DN_STATIC,  /* a box declared under `boxes:` */
	BX_DN_RUNTIME, /* an existing child of a class slice (a runtime box) */
} bx_dn_kind;

typedef struct bx_dnode {
	char *path;
	bx_dn_kind kind;
	size_t parent;              /* index; the base has none */
	const bx_class *cls;        /* SLICE, STATIC, RUNTIME */
	const bx_settings *set;     /* its own settings, NULL when none */
	const bx_cg_state *live;    /* NULL when not observed */
	bool exists;
	bool reconcile;             /* write its settings */
	bx_loc loc;                 /* the policy node that declares it */
	char *ypath;
	unsigned enabled;           /* subtree_control as planned so far */
} bx_dnode;

typedef struct bx_planner {
	const bx_policy *p;
	const bx_state *st;
	bx_plan *plan;
	bx_dnode *n;
	size_t nn, cap;
	unsigned unavailable;       /* controllers already reported missing */
	bool drift;                 /* bx_plan_drift: refusals become steps */
	bool prune;                 /* --prune */
	bx_error *errs;             /* collected errors (all of them are shown) */
} bx_planner;

/* One file (or one key of a keyed file) to change in one cgroup. */
typedef struct bx_change {
	const bx_setting *s;
	char *cur;        /* canonical value before the write (what it will
	                     read then, after earlier writes' side effects) */
	char *want;       /* canonical desired value */
	bool forced;      /* written even though cur == want */
	char *warning;
} bx_change;

/* order.c: sort `v` into a safe write order and attach warnings.
 * `existed` says whether the cgroup existed (no warnings for new ones);
 * pids_current is NULL when unknown. */
int bx_order_changes(bx_change *v, size_t n, bool existed, const char *pids_current,
		     const bx_host_facts *facts, bx_error **err);

/* plan.c: steps. bx_plan_push copies every string of `s`; loc.file is
 * interned in the plan. */
bx_plan *bx_plan_new(const char *base_path, bool dirmode);
int bx_plan_push(bx_plan *pl, const bx_step *s, bx_error **err);
void bx_plan_count(bx_plan *pl);
/* "cgroup.subtree_control", "+memory", old and new lists. */
int bx_plan_push_ctrl(bx_plan *pl, bx_op op, const char *cg, unsigned bit, unsigned before,
		      const bx_loc *loc, const char *ypath, const char *warning, bx_error **err);

/* prune.c: RMDIR and DISABLE steps at the end of the plan. */
int bx_plan_prune(bx_planner *pr, bx_error **err);

/* A planner error that does not stop planning (all are reported). */
void bx_planner_fail(bx_planner *pr, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Controllers a settings list needs. */
unsigned bx_settings_ctrls(const bx_settings *s);

#endif
