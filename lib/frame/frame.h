/* A frame: what a long-lived handle (boxcg_target) remembers, between
 * its box transactions, of the cgroups above its boxes: the base, the
 * policy root and the class slices, as a box transaction observes them
 * (existence, cgroup.controllers, cgroup.subtree_control, the base's
 * record). A runtime creating and updating boxes then reads only the box
 * itself each time.
 *
 * What keeps it true: the remembered state is used only while the state
 * directory's generation (apply/lock.h) is the one it was read at; every
 * transaction that could change a cgroup above a box advances it, so
 * another boxcg's apply, destroy or recover makes the next box
 * transaction read the tree again. A writer outside boxcg (an operator
 * disabling a controller in a class slice) is caught by the kernel: the
 * box's interface file is missing or its parent is gone, the transaction
 * rolls back, and the box layer forgets the frame and tries once more
 * against the live tree (lib/box/create.c, update.c). */
#ifndef BX_FRAME_FRAME_H
#define BX_FRAME_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "model.h"
#include "plan/state.h"

typedef struct bx_frame {
	bx_state *memo; /* sorted; NULL: nothing remembered */
	uint64_t gen;   /* the generation it was read at */
} bx_frame;

/* Observe `scope` (one box, whose cgroup is box_cg), answering from the
 * frame what it remembers when it was read at generation `gen`, then
 * remember every observed cgroup that is not box_cg or below it. With
 * f NULL or gen_known false: bx_observe, nothing remembered. *used: the
 * frame answered something (a failure may then be the frame's fault). */
int bx_frame_observe(bx_frame *f, bx_cgfs *fs, bool gen_known, uint64_t gen,
		     const bx_policy *p, const bx_scope *scope, const char *box_cg,
		     bx_state **out, bool *used, bx_error **err);

/* Whether what the frame remembers holds at generation `gen` (forgotten
 * when it does not): its cgroups' directory descriptors, parked between
 * sessions (cgroupfs/cgfs.h), may be revived. */
bool bx_frame_holds(bx_frame *f, const bx_cgfs *fs, bool gen_known, uint64_t gen);

/* Park the directory descriptors of the cgroups it remembers (existing
 * ones) when the session ends. */
void bx_frame_park(const bx_frame *f, bx_cgfs *fs);

/* Remember nothing (after a failure that may come from a stale frame). */
void bx_frame_forget(bx_frame *f);

#endif
