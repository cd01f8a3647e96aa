/* Helpers shared by the files of lib/box/. */
#ifndef BX_BOX_INT_H
#define BX_BOX_INT_H

#include "apply/apply.h"
#include "core/err.h"
#include "core/util.h"
#include "frame/frame.h"
#include "plan/plan.h"
#include "plan/state.h"

struct bx_lock;

/* Hand a caught error `e` to the caller's *err (or free it when the
 * caller did not ask, or already has one). Returns -1. */
static inline int bx_box_pass(bx_error **err, bx_error *e)
{
	if (err && !*err)
		*err = e;
	else
		bx_error_free(e);
	return -1;
}

/* framed.c: observe one box's scope through the handle's frame (NULL:
 * live), at the generation of the lock held; *used says whether the frame
 * answered. */
int bx_box_observe(bx_cgfs *fs, const bx_policy *p, const bx_scope *scope, const char *box_cg,
		   bx_frame *frame, const struct bx_lock *lock, bx_state **out, bool *used,
		   bx_error **err);
/* Apply a box transaction's plan under the lock held, with the
 * observation it came from (apply/capture.h) and box_local when every
 * step is in box_cg. */
int bx_box_apply(bx_cgfs *fs, const bx_plan *plan, const bx_apply_opts *opts,
		 const struct bx_lock *lock, const char *box_cg, const bx_state *seen,
		 bx_apply_result *res, bx_error **err);
/* After attempt `attempt` returned r: true to try once more, when the
 * frame answered the observation and the transaction rolled back cleanly
 * with an error a stale frame causes (ENOENT, ENODEV): the frame and the
 * session's descriptors are forgotten and *e freed. A final failure
 * forgets the frame. */
bool bx_box_again(bx_cgfs *fs, bx_frame *frame, int attempt, int r, bool frame_used, bx_error **e,
		  const bx_apply_result *res);
/* The directory cache session of a box transaction: the frame's parked
 * descriptors revived when it holds at the lock's generation; parked
 * again at the end when the transaction succeeded. begin: whether a
 * session is open (end it then). */
bool bx_box_session_begin(bx_cgfs *fs, bx_frame *frame, const struct bx_lock *lock);
void bx_box_session_end(bx_cgfs *fs, bx_frame *frame, bool ok);
/* Forget the frame and the session's directory descriptors. */
void bx_box_forget(bx_cgfs *fs, bx_frame *frame);
/* The end of a box transaction taken with bx_apply_guard_lock: unless it
 * committed a journal of its own (whose O_EXCL create found none
 * pending), a pending journal is what it reports, whatever else happened
 * (nothing to change, a dry run, an error): r, or -1 with *err replaced,
 * *pending (when not NULL) set, and the frame forgotten. */
int bx_box_settle(const bx_apply_opts *ao, const struct bx_lock *lock, bx_frame *frame, int r,
		  bool committed, bool *pending, bx_error **err);

#endif
