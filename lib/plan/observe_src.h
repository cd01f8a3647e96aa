/* Where observations come from: the live cgroupfs, or a snapshot. The
 * observation logic (observe.c) is written once against this interface,
 * so planning against a snapshot sees exactly what planning on the host
 * saw. Internal to lib/plan. */
#ifndef BX_PLAN_OBSERVE_SRC_H
#define BX_PLAN_OBSERVE_SRC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "model.h"
#include "plan/state.h"

/* Every question about a cgroup goes through a handle from `open`: the
 * live source opens the cgroup's directory once and reads its files
 * relative to it; the snapshot source finds its entry once. */
typedef struct bx_obs_src {
	void *ctx;
	/* 1 and *h when the cgroup exists, 0 when it does not, -1 error */
	int (*open)(void *ctx, const char *cg, void **h, bx_error **err);
	void (*close)(void *ctx, void *h);
	/* *raw = NULL when the file does not exist; *form (BX_FORM_*) how
	 * its exact bytes follow from *raw, when the source knows */
	int (*read)(void *ctx, void *h, const char *cg, const char *file, char **raw,
		    unsigned char *form, bx_error **err);
	/* The same for a file the transaction is about to write: the live
	 * source keeps it open for that write (bx_cgfs_keep_file). NULL:
	 * read is used. */
	int (*read_kept)(void *ctx, void *h, const char *cg, const char *file, char **raw,
			 unsigned char *form, bx_error **err);
	int (*children)(void *ctx, void *h, const char *cg, char ***names, size_t *n,
			bx_error **err);
	int (*controllers)(void *ctx, void *h, const char *cg, unsigned *bits, bx_error **err);
	int (*subtree)(void *ctx, void *h, const char *cg, unsigned *bits, bx_error **err);
	int (*populated)(void *ctx, void *h, const char *cg, bool *populated, bx_error **err);
	int (*static_mark)(void *ctx, void *h, const char *cg, bool *marked, bx_error **err);
	/* The record of what boxcg manages (plan/managed.h): *text NULL when
	 * there is none; *unsupported when the filesystem keeps no user
	 * xattrs (or, from a snapshot, when it did not record them) */
	int (*managed)(void *ctx, void *h, const char *cg, char **text, bool *unsupported,
		       bx_error **err);
	const char *base_path;
	bool dirmode, hybrid;
	unsigned v1_bound;
	bx_host_facts facts;
} bx_obs_src;

/* The two sources: the live cgroupfs (observe_live.c) and a recorded
 * state (observe_snap.c; sorted). */
void bx_obs_live_src(bx_cgfs *fs, bx_obs_src *src);
void bx_obs_snap_src(const bx_state *snap, bx_obs_src *src);

int bx_observe_with(const bx_obs_src *src, const bx_policy *p, const bx_scope *scope,
		    bx_state **out, bx_error **err);
int bx_observe_again_with(const bx_obs_src *src, const bx_state *then, bx_state **out,
			  bx_error **err);
int bx_observe_tree_with(const bx_obs_src *src, const char *tree, bx_state **out,
			 bx_error **err);

/* The policy's classes sorted by name, and its static boxes sorted by
 * (class, id): the order plans and observations walk them in. Arrays of
 * pointers into p; caller frees the arrays. */
int bx_policy_sorted(const bx_policy *p, const bx_class ***classes,
		     const bx_static_box ***boxes, bx_error **err);
/* The same for the scope's class alone when class_name is given (box
 * create and update: one class, its static boxes sorted by id, no sort of
 * the whole policy); *nc and *nb get the lengths. */
int bx_policy_sorted_in(const bx_policy *p, const char *class_name, const bx_class ***classes,
			size_t *nc, const bx_static_box ***boxes, size_t *nb, bx_error **err);
/* The kernel's name of a huge page size: 2097152 → "2MB". */
char *bx_hugetlb_size_name(uint64_t bytes);

#endif
