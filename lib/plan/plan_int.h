/* Planner internals shared by diff.c, order.c, prune.c and plan.c. */
#ifndef BX_PLAN_PLAN_INT_H
#define BX_PLAN_PLAN_INT_H

#include "plan/plan.h"

/* One file (or one key of a keyed file) to change in one cgroup. */
typedef struct bx_change {
	const bx_setting *s;
	const char *cur;  /* canonical value before the write (what it will
	                     read then, after earlier writes' side effects) */
	const char *want; /* canonical desired value */
	bool forced;      /* written even though cur == want */
	char *warning;    /* set by bx_order_changes; the caller frees */
	char *cur_owned;  /* cur's storage when it was computed; the caller frees */
	const char *write; /* the bytes to write (plan pool) */
	const struct bx_want *w; /* what is pushed: file, key, location (plan pool) */
} bx_change;

/* What a settings list asks for, computed once per class and shared by all
 * its boxes; every string is in the plan's pool. */
typedef struct bx_want {
	const char *want;  /* canonical desired value */
	const char *write; /* bytes to write */
	const char *dflt;  /* what a new cgroup (or an absent file) reads */
	const char *file, *key, *ypath;
	size_t order;      /* want[k].order: the setting written k-th by rank */
	bx_loc loc;        /* the setting's location, file name the plan's copy */
} bx_want;

/* A write the policy does not declare but the cgroup needs, made up per
 * cgroup: the setting (for the write order) and its values. */
typedef struct bx_extra {
	bx_setting s;
	bx_want w;
} bx_extra;

/* A settings list's bx_want values, and what every new cgroup with these
 * settings gets: the same writes in the same order, computed once. */
typedef struct bx_wants {
	bx_want *v;        /* one per setting */
	unsigned ctrls;    /* controllers the settings need */
	bx_step *fresh;    /* the writes of a new cgroup, in order (their cgroup
	                      is set per cgroup; strings in the plan's pool) */
	size_t nfresh;
	size_t nfresh_files; /* distinct files among them */
	bool fresh_known;
	const char *managed; /* the record of these settings (plan/managed.h) */
} bx_wants;


/* The kinds of cgroup in the desired tree. */
typedef enum bx_dn_kind {
	BX_DN_BASE,    /* the base itself: never created */
	BX_DN_ROOT,    /* a component of the policy root */
	BX_DN_SLICE,   /* a class slice */
	BX_DN_STATIC,  /* a box declared under `boxes:` */
	BX_DN_RUNTIME, /* an existing child of a class slice (a runtime box) */
} bx_dn_kind;

typedef struct bx_dnode {
	const char *path;           /* in the plan's pool */
	bx_dn_kind kind;
	size_t parent;              /* index; the base has none */
	const bx_class *cls;        /* SLICE, STATIC, RUNTIME */
	const bx_settings *set;     /* its own settings, NULL when none */
	bx_wants *wants;            /* set's values (node_wants) */
	bool lazy;                  /* wants are the class's, made at first use:
	                               a box plan reconciles no existing slice,
	                               and a box with values of its own does not
	                               use its class's */
	bx_wants *box_wants;        /* SLICE: the class's box settings', lazy */
	unsigned box_ctrls;         /* SLICE: the controllers those need */
	const bx_cg_state *live;    /* NULL when not observed */
	bool exists;
	bool reconcile;             /* write its settings */
	bx_loc loc;                 /* the policy node that declares it */
	const char *ypath;          /* in the plan's pool */
	unsigned enabled;           /* subtree_control as planned so far */
	bool subtree_changed;       /* a step changes its subtree_control */
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
	bx_wants **wants;           /* per-class caches, freed with the planner */
	size_t nwants, wants_cap;
	bx_change *scratch;         /* reused by every cgroup's writes */
	size_t scratch_cap;
	struct bx_extra *extra;     /* writes no setting declares (cpu.idle 0 so
	                               that a weight can be written; resets of
	                               what boxcg managed), per cgroup */
	size_t extra_cap;
	bool records;               /* the tree keeps records of managed settings */
	bx_step *recs;              /* RECORD steps, appended to the plan last */
	size_t nrecs, recs_cap;
	size_t creates, changes, removes; /* the plan's counts, kept as steps are made */
	const char *box_own;        /* bx_plan_opts.box_own */
	const bx_settings *box_set; /* bx_plan_opts.box_set (with box_own) */
	bool partial;               /* the box's files observed in part
	                               (bx_scope.files): only those are planned */
	bx_settings **own;          /* boxes' settings with their own values */
	size_t nown, own_cap;
} bx_planner;

/* order.c: the registry's write order of two settings (rank, file, key). */
int bx_setting_cmp(const bx_setting *a, const bx_setting *b);

/* order.c: sort `v` into a safe write order and attach warnings.
 * `existed` says whether the cgroup existed (no warnings for new ones);
 * pids_current is NULL when unknown. */
int bx_order_changes(bx_change *v, size_t n, bool existed, const char *pids_current,
		     const bx_host_facts *facts, bx_error **err);

/* plan.c: steps. bx_plan_push copies every string of `s` into the plan's
 * pool; loc.file is interned in the plan. bx_plan_push_pooled takes
 * strings that already come from bx_plan_intern (no copies, no lookups). */
bx_plan *bx_plan_new(const char *base_path, bool dirmode);
int bx_plan_push(bx_plan *pl, const bx_step *s, bx_error **err);
int bx_plan_push_pooled(bx_plan *pl, const bx_step *s, bx_error **err);
/* Room for `n` steps in all (large plans in huge pages). 0 or -1. */
int bx_plan_reserve(bx_plan *pl, size_t n);
/* The plan's own copy of a policy file name (for step locations). */
const char *bx_plan_intern_file(bx_plan *pl, const char *file);
/* The plan pool's copy of `s` (NULL for NULL; NULL with ENOMEM). */
const char *bx_plan_intern(bx_plan *pl, const char *s);
/* "a" + "/" + "b" (sep 0: just a+b) stored in the plan's pool unshared;
 * NULL on OOM. For plans without a pool (hand-built) it is malloc'ed and
 * the caller owns it. */
const char *bx_plan_join(bx_plan *pl, const char *a, char sep, const char *b);
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
