/* box create: one transaction of the applier for one box. */
#include <errno.h>
#include <string.h>

#include "apply/lock.h"
#include "box/box.h"
#include "box/box_int.h"
#include "policy/policy.h"
#include "core/util.h"
#include "plan/plan.h"
#include "plan/state.h"
#include "sizes/sizes.h"

/* The box's transaction: observe, plan, apply; 1 when the observation
 * finds the box in its class already (nothing done). */
static int plan_and_apply(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
			  const char *own, const bx_settings *set, const bx_box_create_opts *o,
			  const bx_lock *lock, bx_box_create_result *res, bx_error **err)
{
	bx_scope scope = { .class_name = class_name, .box_id = id };
	/* no fingerprint: the plan is applied at once, never shown or saved */
	bx_plan_opts po = { .scope = scope, .box_own = own, .box_set = set, .no_fingerprint = true };
	cleanup_free char *cg = bx_box_path(p, class_name, id);
	if (!cg)
		return bx_err(err, ENOMEM, "box %s", id);
	for (int attempt = 0;; attempt++) {
		bx_state *st = NULL;
		bx_plan *plan = NULL;
		bool used = false;
		bx_error *e = NULL;
		int r = bx_box_observe(fs, p, &scope, cg, o->frame, lock, &st, &used, &e);
		const bx_cg_state *box = r == 0 ? bx_state_find(st, cg) : NULL;
		if (box && box->exists) {
			bx_state_free(st);
			return 1;
		}
		if (r == 0)
			r = bx_plan_compute(p, st, &po, &plan, &e);
		if (r == 0 && plan->n) {
			r = bx_box_apply(fs, plan, &o->apply, lock, cg, st, &res->apply, &e);
			if (r == 0)
				res->created = plan->to_create;
		}
		bx_plan_free(plan);
		bx_state_free(st);
		if (bx_box_again(fs, o->frame, attempt, r, used, &e, &res->apply))
			continue;
		return r < 0 ? bx_box_pass(err, e) : 0;
	}
}

int bx_box_create(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  const bx_box_create_opts *o, bx_box_create_result *res, bx_error **err)
{
	*res = (bx_box_create_result){0};
	if (!bx_box_id_valid(id))
		return bx_err_said(err, EINVAL, "invalid box id \"%s\": use letters, digits, '_' and '-', "
				      "starting with a letter or digit, at most 64", id ? id : "");
	const bx_class *c = class_name ? bx_policy_class(p, class_name) : NULL;
	if (!c)
		return bx_policy_no_class(p, class_name, ENOENT, err);
	/* the box's own values: refused before anything is locked or read */
	cleanup_free char *own = NULL;
	bx_settings set = {0}; /* what they make, handed to the planner */
	if (o->nsets) {
		bx_owns ow = {0};
		int r = bx_sizes_request(c, o->sets, o->nsets, &ow, err);
		if (r == 0)
			r = bx_sizes_settings(c, &ow, &p->facts, &set, err);
		if (r == 0 && !(own = bx_sizes_text(&ow)))
			r = bx_err(err, ENOMEM, "box %s", id);
		bx_owns_free(&ow);
		if (r < 0) {
			bx_settings_free(&set);
			return bx_err_wrap(err, "create box %s of class %s", id, c->name);
		}
	}

	/* Under the lock from the existence check to the commit: two
	 * creators of one id cannot both succeed. */
	/* the pending journal is looked for at the end (bx_box_settle) */
	bx_lock *lock = NULL;
	if (bx_apply_guard_lock(&o->apply, &lock, err) < 0) {
		bx_settings_free(&set);
		return -1;
	}
	/* The other classes first (box ids are unique across classes); its
	 * own class through the observation. */
	const bx_class *in;
	int r = bx_box_find_other(fs, p, c, id, &in, err);
	if (r == 0 && in)
		r = bx_err_said(err, EEXIST, "box %s already exists in class %s (box ids are unique "
					    "across classes)",
				id, in->name);
	/* Under the lock nobody else changes the tree: one directory cache
	 * for observe and apply, so each cgroup is opened once (begun after
	 * the other classes were looked at). */
	bool ran = r == 0, cached = ran && bx_box_session_begin(fs, o->frame, lock), pending;
	if (ran)
		r = plan_and_apply(fs, p, c->name, id, own, &set, o, lock, res, err);
	r = bx_box_settle(&o->apply, lock, o->frame, r, r == 0 && res->created, &pending, err);
	if (cached)
		bx_box_session_end(fs, o->frame, r >= 0);
	if (!ran || pending) {
		/* the other class's error, or the pending journal: as said */
	} else if (r == 1 && (!o->exist_ok || own)) {
		r = -1;
		if (!o->exist_ok)
			bx_err_said(err, EEXIST, "box %s already exists in class %s", id, c->name);
		else
			bx_err_said(err, EEXIST, "box %s already exists: --set sizes a box only when "
						"it is created (`boxcg box update` changes them)", id);
	} else if (r == 1) {
		res->existed = true;
		r = 0;
	} else if (r < 0) {
		bx_err_wrap(err, "create box %s of class %s", id, c->name);
	}
	bx_lock_release(lock);
	bx_settings_free(&set);
	return r;
}
