/* The public handles of boxcg.h, over the internal modules. Every public
 * function converts internal errors (bx_error) into boxcg_error values at
 * its boundary. */
#ifndef BX_API_INT_H
#define BX_API_INT_H

#include "boxcg.h"
#include "box/box.h"
#include "apply/lock.h"
#include "box/join.h"
#include "cgroupfs/cgfs.h"
#include "core/diag.h"
#include "core/err.h"
#include "frame/frame.h"
#include "model.h"
#include "plan/plan.h"
#include "plan/state.h"

struct boxcg_error {
	int errnum;
	char *msg;
};

struct boxcg_target {
	bx_cgfs *fs;
	char *state_dir;   /* NULL: the default */
	bx_lock_keep keep; /* the state directory and its lock file, kept
	                      open between calls (apply/lock.h) */
	bx_frame frame;    /* the cgroups above its boxes, remembered
	                      between box transactions (lib/frame) */
};

struct boxcg_policy {
	bx_policy *p;
};

struct boxcg_diagnostic {
	bx_diag d;         /* owned strings */
	char *text;        /* "file:line:col: error: msg [path]" */
};

struct boxcg_diagnostics {
	boxcg_diagnostic *v;
	size_t n, errors;
};

/* A step is a bx_step: the public struct wraps it as its only member, so
 * a pointer to one is a pointer to the other. */
struct boxcg_step {
	bx_step s;
};

struct boxcg_plan {
	bx_plan *plan;
	bx_state *observed;  /* what it was computed from: checked before apply */
	char *text;          /* rendered on demand */
};

struct boxcg_box {
	bx_box_info b;
};

struct boxcg_box_list {
	bx_box_list l;
};

struct boxcg_join {
	bx_join j;
};

/* Move an internal error into *err (converted), or drop it. Returns -1. */
int bx_api_fail(boxcg_error **err, bx_error *e);

/* Validate the arguments every box function takes. -1 with *err. */
int bx_api_args(const void *t, const void *p, const char *id, boxcg_error **err);

/* The cgroup of box `id`, its class given or found. Caller frees. */
int bx_api_box_cgroup(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		      const char *id, char **cg, bx_error **err);

/* api_sizes.c: "key=value" strings of boxcg_set pairs (NULL with *e when a
 * pair is NULL or its key holds '='), and their free. */
char **bx_api_sets(const boxcg_set *sets, size_t n, bx_error **e);
void bx_api_sets_free(char **v, size_t n);

#endif
