/* Box transactions through a frame (lib/frame): observe with what the
 * handle remembers, tell the applier when a plan stays inside the box,
 * and decide when a failure deserves one more try against the live tree. */
#include <errno.h>
#include <string.h>

#include "apply/lock.h"
#include "box/box.h"
#include "box/box_int.h"

int bx_box_observe(bx_cgfs *fs, const bx_policy *p, const bx_scope *scope, const char *box_cg,
		   bx_frame *frame, const bx_lock *lock, bx_state **out, bool *used, bx_error **err)
{
	bool known = lock && lock->gen_known;
	return bx_frame_observe(frame, fs, known, known ? lock->gen : 0, p, scope, box_cg, out,
				used, err);
}

/* Every step of the plan is in box_cg or below it. */
static bool plan_in_box(const bx_plan *plan, const char *box_cg)
{
	size_t n = strlen(box_cg);
	for (size_t i = 0; i < plan->n; i++) {
		const char *cg = plan->v[i].cgroup;
		if (!cg || strncmp(cg, box_cg, n) != 0 || (cg[n] && cg[n] != '/'))
			return false;
	}
	return true;
}

static bool retry_worth(bool frame_used, const bx_error *e, const bx_apply_result *r)
{
	if (!frame_used || !e || r->rollback_failed || r->journal_failed)
		return false;
	/* what a stale frame makes the kernel say: an interface file of a
	 * controller no longer enabled above, or a cgroup no longer there */
	return e->errnum == ENOENT || e->errnum == ENODEV;
}

int bx_box_settle(const bx_apply_opts *ao, const bx_lock *lock, bx_frame *frame, int r,
		  bool committed, bool *pending, bx_error **err)
{
	if (pending)
		*pending = false;
	if (committed || !lock)
		return r;
	bx_error *e = NULL;
	if (bx_apply_guard_late(ao, lock, &e) == 0)
		return r;
	if (pending)
		*pending = true;
	bx_frame_forget(frame); /* it may have seen a half-applied tree */
	if (err) {
		bx_error_free(*err);
		*err = e;
	} else {
		bx_error_free(e);
	}
	return -1;
}

void bx_box_forget(bx_cgfs *fs, bx_frame *frame)
{
	bx_frame_forget(frame);
	bx_cgfs_cache_flush(fs);
}

bool bx_box_session_begin(bx_cgfs *fs, bx_frame *frame, const bx_lock *lock)
{
	bool known = lock && lock->gen_known;
	bool warm = bx_frame_holds(frame, fs, known, known ? lock->gen : 0);
	return bx_cgfs_cache_resume(fs, warm) == 0;
}

void bx_box_session_end(bx_cgfs *fs, bx_frame *frame, bool ok)
{
	if (ok)
		bx_frame_park(frame, fs);
	bx_cgfs_cache_end(fs);
}

int bx_box_apply(bx_cgfs *fs, const bx_plan *plan, const bx_apply_opts *opts, const bx_lock *lock,
		 const char *box_cg, const bx_state *seen, bx_apply_result *res, bx_error **err)
{
	bx_apply_opts ao = *opts;
	ao.locked = true;
	ao.held = lock;
	ao.box_local = plan_in_box(plan, box_cg);
	ao.seen = seen;
	bx_apply_result_free(res); /* an earlier attempt's */
	return bx_apply(fs, plan, &ao, res, err);
}

bool bx_box_again(bx_cgfs *fs, bx_frame *frame, int attempt, int r, bool frame_used, bx_error **e,
		  const bx_apply_result *res)
{
	if (r >= 0)
		return false;
	if (attempt == 0 && retry_worth(frame_used, *e, res)) {
		/* the frame may be stale: once more, reading the tree */
		bx_box_forget(fs, frame);
		bx_error_free(*e);
		*e = NULL;
		return true;
	}
	bx_frame_forget(frame);
	return false;
}
