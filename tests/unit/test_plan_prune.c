/* plan/prune: what --prune removes, what it refuses, and the controllers
 * it gives back. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"
#include "test_plan_fixture.h"

#define A NULL

static bx_policy *policy(void)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "pids.max", NULL, "256", 9);
	fx_box(p, "b1", "small", 20);
	return p;
}

/* base and root with pids enabled, slice small with b1 applied */
static bx_state *state(void)
{
	bx_state *st = fx_state();
	st->v[0].subtree_control = BX_CTRL_PIDS;
	fx_cg(st, "boxlite", "pids", A);
	fx_cg(st, "boxlite/small", "pids", A);
	fx_cg(st, "boxlite/small/b1", "", "pids.max=256", A);
	return st;
}

static bx_cg_state *cg(bx_state *st, const char *path)
{
	bx_cg_state *c = (bx_cg_state *)bx_state_find(st, path);
	ck_assert_msg(c != NULL, "no %s", path);
	return c;
}

/* removable cgroup as the observer records it */
static bx_cg_state *rm_cg(bx_state *st, const char *path, bool marked, bool populated)
{
	bx_cg_state *c = bx_state_add(st, path);
	c->exists = true;
	c->observed = BX_OBS_CHILDREN | BX_OBS_EVENTS | BX_OBS_STATIC;
	c->static_box = marked;
	c->populated = populated;
	return c;
}

static bx_plan *compute(bx_policy *p, bx_state *st, bool prune, char **errmsg)
{
	bx_state_sort(st);
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	bx_plan_opts o = { .prune = prune };
	int r = bx_plan_compute(p, st, &o, &pl, &e);
	*errmsg = NULL;
	if (r == 0) {
		size_t c = pl->to_create, ch = pl->to_change, rm = pl->to_remove;
		bx_plan_count(pl);
		ck_assert_uint_eq(c, pl->to_create);
		ck_assert_uint_eq(ch, pl->to_change);
		ck_assert_uint_eq(rm, pl->to_remove);
	}
	if (r < 0) {
		bx_buf b = {0};
		for (bx_error *x = e; x; x = x->also)
			bx_buf_printf(&b, "%s\n", x->msg);
		*errmsg = bx_buf_take(&b);
		bx_error_free(e);
	}
	return pl;
}

START_TEST(undeclared_slice_and_static_boxes_removed_deepest_first)
{
	bx_policy *p = policy();
	bx_state *st = state();
	fx_children(cg(st, "boxlite"), "old", "small", A);
	fx_children(cg(st, "boxlite/small"), "b1", "gone", "r1", A);
	/* old: an undeclared class with two static boxes, one with a nested
	 * cgroup a runtime made */
	fx_children(rm_cg(st, "boxlite/old", false, false), "s1", "s2", A);
	fx_children(rm_cg(st, "boxlite/old/s1", true, false), "inner", A);
	rm_cg(st, "boxlite/old/s1/inner", false, false);
	rm_cg(st, "boxlite/old/s2", true, false);
	/* small/gone: a static box no longer declared; r1: a runtime box */
	bx_cg_state *g = fx_cg(st, "boxlite/small/gone", "", "pids.max=256", A);
	g->observed |= BX_OBS_STATIC | BX_OBS_EVENTS | BX_OBS_CHILDREN;
	g->static_box = true;
	bx_cg_state *r1 = fx_cg(st, "boxlite/small/r1", "", "pids.max=256", A);
	r1->observed |= BX_OBS_STATIC;
	char *msg;
	bx_plan *pl = compute(p, st, true, &msg);
	ck_assert_msg(pl, "%s", msg);
	FX_PLAN_EQ(pl, "RMDIR boxlite/old/s1/inner\n"
		       "RMDIR boxlite/old/s1\n"
		       "RMDIR boxlite/old/s2\n"
		       "RMDIR boxlite/small/gone\n"
		       "RMDIR boxlite/old\n");
	ck_assert_uint_eq(pl->to_remove, 5);
	ck_assert_uint_eq(pl->to_change, 0);
	bx_plan_free(pl);
	/* without --prune: nothing */
	pl = compute(p, st, false, &msg);
	FX_PLAN_EQ(pl, "");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(populated_and_runtime_boxes_are_refused)
{
	bx_policy *p = policy();
	bx_state *st = state();
	fx_children(cg(st, "boxlite"), "busy", "mixed", "small", A);
	fx_children(cg(st, "boxlite/small"), "b1", "gone", A);
	/* busy: a class whose static box has processes */
	fx_children(rm_cg(st, "boxlite/busy", false, true), "s1", A);
	rm_cg(st, "boxlite/busy/s1", true, true);
	/* mixed: holds a runtime box */
	fx_children(rm_cg(st, "boxlite/mixed", false, false), "r7", "s3", A);
	rm_cg(st, "boxlite/mixed/r7", false, false);
	rm_cg(st, "boxlite/mixed/s3", true, false);
	bx_cg_state *g = fx_cg(st, "boxlite/small/gone", "", "pids.max=256", A);
	g->observed |= BX_OBS_STATIC | BX_OBS_EVENTS | BX_OBS_CHILDREN;
	g->static_box = true;
	g->populated = true;
	char *msg;
	bx_plan *pl = compute(p, st, true, &msg);
	ck_assert_ptr_null(pl);
	ck_assert_msg(strstr(msg, "cannot prune boxlite/busy: it has processes"), "%s", msg);
	ck_assert_msg(strstr(msg, "declare class busy again"), "%s", msg);
	ck_assert_msg(strstr(msg, "cannot prune boxlite/mixed: it holds runtime boxes boxcg did not "
				  "declare (r7)"),
		      "%s", msg);
	ck_assert_msg(strstr(msg, "cannot prune boxlite/small/gone: it has processes"), "%s", msg);
	ck_assert_msg(strstr(msg, "declare box gone again"), "%s", msg);
	free(msg);

	/* drift reports them instead of failing */
	bx_error *e = NULL;
	ck_assert_int_eq(bx_plan_drift(p, st, &pl, &e), 0);
	FX_PLAN_EQ(pl, "RMDIR boxlite/busy\n"
		       "RMDIR boxlite/mixed\n"
		       "RMDIR boxlite/small/gone\n");
	ck_assert_ptr_nonnull(pl->v[0].warning);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(unneeded_controllers_disabled_in_root_and_empty_slices)
{
	bx_policy *p = policy();
	size_t c = fx_class(p, "idle", 30);
	(void)c;
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu io memory pids");
	/* root enables io and memory nobody needs; slice small enables cpu
	 * too but has a box (its boxes may use it): left alone; slice idle
	 * has no boxes: trimmed */
	fx_children(fx_cg(st, "boxlite", "cpu io memory pids", A), "idle", "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpu pids", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "pids.max=256", A);
	fx_cg(st, "boxlite/idle", "cpu", A);
	char *msg;
	bx_plan *pl = compute(p, st, true, &msg);
	ck_assert_msg(pl, "%s", msg);
	FX_PLAN_EQ(pl, "DISABLE boxlite/idle cgroup.subtree_control -cpu\n"
		       "DISABLE boxlite cgroup.subtree_control -io\n"
		       "DISABLE boxlite cgroup.subtree_control -memory\n");
	ck_assert_str_eq(pl->v[1].old, "cpu io memory pids");
	ck_assert_str_eq(pl->v[2].new, "cpu pids");
	ck_assert_msg(pl->v[1].warning && strstr(pl->v[1].warning, "disabling io in boxlite"), "%s",
		      pl->v[1].warning);
	ck_assert_ptr_null(pl->v[0].warning);
	bx_plan_free(pl);
	/* the base is never trimmed, nor anything without --prune */
	pl = compute(p, st, false, &msg);
	FX_PLAN_EQ(pl, "");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

Suite *suite_plan_prune(void);
Suite *suite_plan_prune(void)
{
	Suite *s = suite_create("plan_prune");
	TCase *t = tcase_create("prune");
	tcase_add_test(t, undeclared_slice_and_static_boxes_removed_deepest_first);
	tcase_add_test(t, populated_and_runtime_boxes_are_refused);
	tcase_add_test(t, unneeded_controllers_disabled_in_root_and_empty_slices);
	suite_add_tcase(s, t);
	return s;
}
