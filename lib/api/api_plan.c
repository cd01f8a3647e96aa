/* boxcg_plan: compute, inspect and apply plans. */
#include <errno.h>
#include <stdlib.h>

#include "api/api_int.h"
#include "apply/apply.h"
#include "apply/lock.h"
#include "core/util.h"
#include "plan/planfile.h"

int boxcg_plan_compute(boxcg_target *t, const boxcg_policy *p, unsigned flags, boxcg_plan **out,
		       boxcg_error **err)
{
	bx_error *e = NULL;
	if (!out)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "plan: out is NULL"), e));
	*out = NULL;
	if (bx_api_args(t, p, "", err) < 0)
		return -1;
	if (flags & ~BOXCG_PLAN_PRUNE)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "plan: unknown flags %#x", flags), e));
	boxcg_plan *h = calloc(1, sizeof *h);
	if (!h)
		return bx_api_fail(err, (bx_err(&e, ENOMEM, "plan"), e));
	bx_plan_opts o = { .prune = flags & BOXCG_PLAN_PRUNE };
	if (bx_observe(t->fs, p->p, NULL, &h->observed, &e) < 0 ||
	    bx_plan_compute(p->p, h->observed, &o, &h->plan, &e) < 0) {
		boxcg_plan_free(h);
		return bx_api_fail(err, e);
	}
	*out = h;
	return 0;
}

size_t boxcg_plan_count(const boxcg_plan *plan) { return plan ? plan->plan->n : 0; }

const boxcg_step *boxcg_plan_step(const boxcg_plan *plan, size_t i)
{
	return plan && i < plan->plan->n ? (const boxcg_step *)&plan->plan->v[i] : NULL;
}

size_t boxcg_plan_to_create(const boxcg_plan *plan) { return plan ? plan->plan->to_create : 0; }
size_t boxcg_plan_to_change(const boxcg_plan *plan) { return plan ? plan->plan->to_change : 0; }
size_t boxcg_plan_to_remove(const boxcg_plan *plan) { return plan ? plan->plan->to_remove : 0; }

const char *boxcg_plan_text(boxcg_plan *plan)
{
	if (!plan)
		return NULL;
	if (!plan->text) {
		bx_render_opts ro = { .color = false };
		plan->text = bx_plan_render_text(plan->plan, &ro);
	}
	return plan->text;
}

void boxcg_plan_free(boxcg_plan *plan)
{
	if (!plan)
		return;
	bx_plan_free(plan->plan);
	bx_state_free(plan->observed);
	free(plan->text);
	free(plan);
}

boxcg_op boxcg_step_op(const boxcg_step *s)
{
	switch (s->s.op) {
	case BX_OP_ENABLE: return BOXCG_OP_ENABLE;
	case BX_OP_MKDIR: return BOXCG_OP_MKDIR;
	case BX_OP_WRITE: return BOXCG_OP_WRITE;
	case BX_OP_RMDIR: return BOXCG_OP_RMDIR;
	case BX_OP_DISABLE: return BOXCG_OP_DISABLE;
	case BX_OP_RECORD: return BOXCG_OP_RECORD;
	}
	return BOXCG_OP_WRITE;
}

const char *boxcg_step_cgroup(const boxcg_step *s) { return s->s.cgroup; }
const char *boxcg_step_file(const boxcg_step *s) { return s->s.file; }
const char *boxcg_step_old(const boxcg_step *s) { return s->s.old; }
const char *boxcg_step_new(const boxcg_step *s) { return s->s.new; }
const char *boxcg_step_location_file(const boxcg_step *s) { return s->s.loc.file; }
unsigned boxcg_step_location_line(const boxcg_step *s) { return s->s.loc.line; }
unsigned boxcg_step_location_column(const boxcg_step *s) { return s->s.loc.col; }
const char *boxcg_step_path(const boxcg_step *s) { return s->s.ypath; }
const char *boxcg_step_warning(const boxcg_step *s) { return s->s.warning; }

/* Under the lock: refuse a plan whose world changed. */
static int check_fresh(boxcg_target *t, const boxcg_plan *plan, bx_error **err)
{
	if (!plan->observed)
		return bx_err(err, EINVAL, "this plan is the record of a box update, not a plan to apply");
	bx_state *now = NULL;
	cleanup_free char *changed = NULL;
	if (bx_observe_again(t->fs, plan->observed, &now, err) < 0)
		return -1;
	int r = bx_plan_check_fresh(plan->plan, plan->observed, now, &changed, err);
	bx_state_free(now);
	if (r == 1)
		return bx_err(err, ESTALE,
			      "the plan is stale: the live tree changed since it was computed:\n%s"
			      "compute it again",
			      changed ? changed : "");
	return r;
}

int boxcg_apply(boxcg_target *t, const boxcg_plan *plan, boxcg_apply_status *status,
		boxcg_error **err)
{
	boxcg_apply_status dummy;
	if (!status)
		status = &dummy;
	*status = BOXCG_APPLY_NOT_STARTED;
	if (bx_api_args(t, plan, "", err) < 0)
		return -1;
	if (plan->plan->n == 0) {
		*status = BOXCG_APPLY_OK;
		return 0;
	}
	bx_apply_opts o = { .state_dir = t->state_dir, .locked = true, .keep = &t->keep };
	bx_error *e = NULL;
	bx_lock *lock = NULL;
	if (bx_apply_guard(&o, &lock, &e) < 0)
		return bx_api_fail(err, e);
	o.held = lock;
	if (check_fresh(t, plan, &e) < 0) {
		bx_lock_release(lock);
		return bx_api_fail(err, e);
	}
	bx_apply_result r;
	int rc = bx_apply(t->fs, plan->plan, &o, &r, &e);
	bx_lock_release(lock);
	if (rc == 0)
		*status = BOXCG_APPLY_OK;
	else if (r.rollback_failed)
		*status = BOXCG_APPLY_ROLLBACK_FAILED;
	else if (r.failed)
		*status = BOXCG_APPLY_ROLLED_BACK;
	bx_apply_result_free(&r);
	return rc < 0 ? bx_api_fail(err, e) : 0;
}
