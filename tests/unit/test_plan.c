/* plan/diff: the desired tree against observed states, step by step. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "plan/fit.h"
#include "plan/plan_int.h"
#include "test_plan_fixture.h"

#define A NULL /* end of a vararg list */
#define ABSENT "\x01"

static bx_policy *small_policy(void)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "slice", "memory.max", NULL, "17179869184", 12);
	fx_set(p, c, "box", "cpu.max", NULL, "100000 100000", 7);
	fx_set(p, c, "box", "memory.max", NULL, "1073741824", 8);
	fx_set(p, c, "box", "pids.max", NULL, "256", 9);
	fx_box(p, "b1", "small", 20);
	return p;
}

static bx_plan *plan_ok(const bx_policy *p, bx_state *st, bool prune)
{
	bx_state_sort(st);
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	bx_plan_opts o = { .prune = prune };
	int r = bx_plan_compute(p, st, &o, &pl, &e);
	ck_assert_msg(r == 0, "plan failed: %s", e ? e->msg : "?");
	/* the counts kept while planning equal a recount of the steps */
	size_t c = pl->to_create, ch = pl->to_change, rm = pl->to_remove;
	bx_plan_count(pl);
	ck_assert_uint_eq(c, pl->to_create);
	ck_assert_uint_eq(ch, pl->to_change);
	ck_assert_uint_eq(rm, pl->to_remove);
	return pl;
}

static char *plan_err(const bx_policy *p, bx_state *st, const bx_plan_opts *o)
{
	bx_state_sort(st);
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_plan_compute(p, st, o, &pl, &e), -1);
	ck_assert_ptr_null(pl);
	ck_assert_ptr_nonnull(e);
	bx_buf b = {0};
	for (bx_error *x = e; x; x = x->also)
		bx_buf_printf(&b, "%s\n", x->msg);
	bx_error_free(e);
	return bx_buf_take(&b);
}

START_TEST(empty_base_creates_everything_top_down)
{
	bx_policy *p = small_policy();
	bx_state *st = fx_state();
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "MKDIR boxlite\n"
		       "MKDIR boxlite/small\n"
		       "ENABLE (base) cgroup.subtree_control +memory\n"
		       "ENABLE boxlite cgroup.subtree_control +memory\n"
		       "WRITE boxlite/small memory.max 17179869184\n"
		       "ENABLE (base) cgroup.subtree_control +cpu\n"
		       "ENABLE (base) cgroup.subtree_control +pids\n"
		       "ENABLE boxlite cgroup.subtree_control +cpu\n"
		       "ENABLE boxlite cgroup.subtree_control +pids\n"
		       "ENABLE boxlite/small cgroup.subtree_control +cpu\n"
		       "ENABLE boxlite/small cgroup.subtree_control +memory\n"
		       "ENABLE boxlite/small cgroup.subtree_control +pids\n"
		       "MKDIR boxlite/small/b1\n"
		       "WRITE boxlite/small/b1 cpu.max 100000 100000\n"
		       "WRITE boxlite/small/b1 memory.max 1073741824\n"
		       "WRITE boxlite/small/b1 pids.max 256\n");
	ck_assert_uint_eq(pl->to_create, 3);
	/* files: 3 subtree_controls, slice memory.max, 3 box files */
	ck_assert_uint_eq(pl->to_change, 7);
	ck_assert_uint_eq(pl->to_remove, 0);
	/* MKDIR of the static box carries the mark; of the slice, not */
	ck_assert(pl->v[12].static_box);
	ck_assert(!pl->v[1].static_box);
	/* locations: MKDIR of a slice → the class; ENABLE → the setting */
	ck_assert_str_eq(pl->v[1].ypath, "classes.small");
	ck_assert_uint_eq(pl->v[1].loc.line, 5);
	ck_assert_str_eq(pl->v[2].ypath, "classes.small.slice.memory.max");
	ck_assert_str_eq(pl->v[5].ypath, "classes.small.box.cpu.max");
	ck_assert_str_eq(pl->v[0].ypath, "root");
	ck_assert_str_eq(pl->v[5].loc.file, FX_FILE);
	/* the plan owns its location strings */
	ck_assert_ptr_ne(pl->v[5].loc.file, p->files[0]);
	/* new cgroups: no old value, no warnings */
	ck_assert_ptr_null(pl->v[14].old);
	ck_assert_ptr_null(pl->v[14].warning);
	ck_assert_str_eq(pl->v[2].old, "");
	ck_assert_str_eq(pl->v[2].new, "memory");
	ck_assert_ptr_nonnull(pl->fingerprint);
	ck_assert_uint_eq(strlen(pl->fingerprint), 16);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

static bx_state *applied_small(const char *box_mem)
{
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu memory pids");
	bx_cg_state *r = fx_cg(st, "boxlite", "cpu memory pids", A);
	fx_children(r, "small", A);
	bx_cg_state *s = fx_cg(st, "boxlite/small", "cpu memory pids", "memory.max=17179869184\n", A);
	fx_children(s, "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "cpu.max=100000 100000", box_mem, "pids.max=256", A);
	return st;
}

START_TEST(applied_state_plans_nothing)
{
	bx_policy *p = small_policy();
	bx_state *st = applied_small("memory.max=1073741824\n");
	bx_plan *pl = plan_ok(p, st, true);
	FX_PLAN_EQ(pl, "");
	ck_assert_uint_eq(pl->to_create + pl->to_change + pl->to_remove, 0);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* The fingerprint is computed unless asked not to, and then the plan is
 * the same but for it. */
START_TEST(fingerprint_only_when_wanted)
{
	bx_policy *p = small_policy();
	bx_state *st = applied_small("memory.max=2147483648");
	bx_plan *with = NULL, *without = NULL;
	bx_error *e = NULL;
	bx_plan_opts po = {0};
	ck_assert_int_eq(bx_plan_compute(p, st, &po, &with, &e), 0);
	po.no_fingerprint = true;
	ck_assert_int_eq(bx_plan_compute(p, st, &po, &without, &e), 0);
	ck_assert_ptr_nonnull(with->fingerprint);
	cleanup_free char *fp = bx_state_fingerprint(st);
	ck_assert_str_eq(with->fingerprint, fp);
	ck_assert_ptr_null(without->fingerprint);
	ck_assert_uint_eq(with->n, without->n);
	for (size_t i = 0; i < with->n; i++) {
		ck_assert_int_eq(with->v[i].op, without->v[i].op);
		ck_assert_str_eq(with->v[i].write, without->v[i].write);
	}
	bx_plan_free(with);
	bx_plan_free(without);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(drift_is_one_write_with_a_warning_when_lowering)
{
	bx_policy *p = small_policy();
	bx_state *st = applied_small("memory.max=2147483648");
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 memory.max 1073741824\n");
	ck_assert_str_eq(pl->v[0].old, "2147483648");
	ck_assert_str_eq(pl->v[0].new, "1073741824");
	ck_assert_ptr_nonnull(pl->v[0].warning);
	ck_assert(strstr(pl->v[0].warning, "OOM"));
	ck_assert_uint_eq(pl->to_change, 1);
	bx_plan_free(pl);
	bx_state_free(st);
	/* raising: no warning */
	st = applied_small("memory.max=536870912");
	pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 memory.max 1073741824\n");
	ck_assert_ptr_null(pl->v[0].warning);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(kernel_normalized_values_converge)
{
	/* The front end compiles 1000000 to 999424 on 4 KiB pages; cpuset
	 * lists read back merged; cpu.max spacing; trailing newlines. */
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "memory.max", NULL, "999424", 7);
	fx_set(p, c, "box", "cpuset.cpus", NULL, "0-1", 8);
	fx_set(p, c, "box", "cpu.max", NULL, "50000 100000", 9);
	fx_set(p, c, "box", "io.max", "8:0", "rbps=1048576 wbps=max riops=max wiops=max", 10);
	fx_box(p, "b1", "small", 20);
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpuset cpu io memory");
	fx_children(fx_cg(st, "boxlite", "cpuset cpu io memory", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpuset cpu io memory", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "memory.max=999424\n", "cpuset.cpus=1,0\n",
	      "cpu.max=50000  100000\n", "io.max=8:0 wiops=max rbps=1048576", A);
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(keyed_files_one_step_per_key)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "io.max", "8:16", "rbps=max wbps=2097152 riops=max wiops=max", 11);
	fx_set(p, c, "box", "io.max", "8:0", "rbps=1048576 wbps=max riops=max wiops=max", 10);
	fx_set(p, c, "box", "io.weight", "default", "50", 9);
	fx_set(p, c, "box", "io.weight", "8:0", "200", 12);
	fx_box(p, "b1", "small", 20);
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("io");
	fx_children(fx_cg(st, "boxlite", "io", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "io", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "io.weight=default 100",
	      "io.max=8:16 rbps=max wbps=2097152 riops=max wiops=max", A);
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 io.weight default 50\n"
		       "WRITE boxlite/small/b1 io.weight 8:0 200\n"
		       "WRITE boxlite/small/b1 io.max 8:0 rbps=1048576 wbps=max riops=max wiops=max\n");
	ck_assert_str_eq(pl->v[1].key, "8:0");
	ck_assert_str_eq(pl->v[1].old, "default");
	ck_assert_str_eq(pl->v[2].old, "rbps=max wbps=max riops=max wiops=max");
	ck_assert_uint_eq(pl->to_change, 2); /* two files */
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(runtime_boxes_are_reconciled_not_created)
{
	bx_policy *p = small_policy();
	bx_state *st = applied_small("memory.max=1073741824");
	/* a runtime box r1 that drifted, and r0 in order before b1 */
	bx_cg_state *s = (bx_cg_state *)bx_state_find(st, "boxlite/small");
	ck_assert_ptr_nonnull(s);
	fx_children(s, "r1", A);
	s = (bx_cg_state *)bx_state_find(st, "boxlite/small");
	fx_children(s, "a0", A);
	/* children are kept sorted by the observer */
	s = (bx_cg_state *)bx_state_find(st, "boxlite/small");
	char *t = s->children[0];
	s->children[0] = s->children[2];
	s->children[2] = s->children[1];
	s->children[1] = t; /* a0 b1 r1 */
	fx_cg(st, "boxlite/small/r1", "", "cpu.max=max 100000", "memory.max=1073741824",
	      "pids.max=max", A);
	fx_cg(st, "boxlite/small/a0", "", "cpu.max=100000 100000", "memory.max=1073741824",
	      "pids.max=256", A);
	bx_plan *pl = plan_ok(p, st, true);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/r1 cpu.max 100000 100000\n"
		       "WRITE boxlite/small/r1 pids.max 256\n");
	ck_assert_str_eq(pl->v[0].ypath, "classes.small.box.cpu.max");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(burst_lowered_before_quota_raised_after)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "cpu.max", NULL, "100000 100000", 7);
	fx_set(p, c, "box", "cpu.max.burst", NULL, "50000", 8);
	fx_box(p, "b1", "small", 20);
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu");
	fx_children(fx_cg(st, "boxlite", "cpu", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpu", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "cpu.max=200000 100000", "cpu.max.burst=150000", A);
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 cpu.max.burst 50000\n"
		       "WRITE boxlite/small/b1 cpu.max 100000 100000\n");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);

	/* raising both past the old quota: quota first */
	p = fx_policy("boxlite");
	c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "cpu.max", NULL, "300000 100000", 7);
	fx_set(p, c, "box", "cpu.max.burst", NULL, "250000", 8);
	fx_box(p, "b1", "small", 20);
	st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu");
	fx_children(fx_cg(st, "boxlite", "cpu", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpu", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "cpu.max=100000 100000", "cpu.max.burst=50000", A);
	pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 cpu.max 300000 100000\n"
		       "WRITE boxlite/small/b1 cpu.max.burst 250000\n");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(idle_off_resets_weight_and_nice_changes_it)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "cpu.weight", NULL, "100", 7);
	fx_set(p, c, "box", "cpu.idle", NULL, "0", 8);
	fx_box(p, "b1", "small", 20);
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu");
	fx_children(fx_cg(st, "boxlite", "cpu", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpu", A), "b1", A);
	/* idle: weight reads something else; idle 0 resets it to 100 */
	fx_cg(st, "boxlite/small/b1", "", "cpu.weight=1", "cpu.idle=1", A);
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 cpu.idle 0\n");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);

	p = fx_policy("boxlite");
	c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "cpu.weight", NULL, "250", 7);
	fx_set(p, c, "box", "cpu.idle", NULL, "0", 8);
	fx_box(p, "b1", "small", 20);
	st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu");
	fx_children(fx_cg(st, "boxlite", "cpu", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpu", A), "b1", A);
	/* the weight read 250 before idle was set: it is lost, write it again */
	fx_cg(st, "boxlite/small/b1", "", "cpu.weight=250", "cpu.idle=1", A);
	pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 cpu.idle 0\n"
		       "WRITE boxlite/small/b1 cpu.weight 250\n");
	ck_assert_str_eq(pl->v[1].old, "100");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);

	/* nice written → weight rewritten even though it reads the same */
	p = fx_policy("boxlite");
	c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "cpu.weight", NULL, "33", 7);
	fx_set(p, c, "box", "cpu.weight.nice", NULL, "5", 8);
	fx_box(p, "b1", "small", 20);
	st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu");
	fx_children(fx_cg(st, "boxlite", "cpu", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpu", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "cpu.weight=33", "cpu.weight.nice=4", A);
	pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 cpu.weight.nice 5\n"
		       "WRITE boxlite/small/b1 cpu.weight 33\n");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(missing_controller_names_why)
{
	bx_policy *p = small_policy();
	bx_state *st = fx_state();
	st->v[0].controllers = bx_ctrl_parse_list("cpu pids");
	st->v1_bound = BX_CTRL_MEMORY;
	bx_plan_opts o = {0};
	char *msg = plan_err(p, st, &o);
	ck_assert_msg(strstr(msg, "controller memory is not available at /sys/fs/cgroup"), "%s", msg);
	ck_assert_msg(strstr(msg, "bound to a cgroup v1 hierarchy"), "%s", msg);
	ck_assert_msg(strstr(msg, "policy.yaml:12:15 [classes.small.slice.memory.max]"), "%s", msg);
	/* reported once, not once per cgroup that needs it */
	ck_assert_ptr_null(strstr(strstr(msg, "controller memory") + 1, "controller memory"));
	free(msg);
	bx_state_free(st);

	st = fx_state();
	st->v[0].controllers = bx_ctrl_parse_list("memory");
	msg = plan_err(p, st, &o);
	ck_assert_msg(strstr(msg, "controller cpu is not available"), "%s", msg);
	ck_assert_msg(strstr(msg, "controller pids is not available"), "%s", msg);
	ck_assert_msg(strstr(msg, "not enabled or delegated"), "%s", msg);
	free(msg);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* validate --host and plan give one explanation: for every state, the
 * gaps of plan/fit.c, explained with their place, are plan's errors, in
 * plan's order, naming the same setting; without the place, the same text
 * less the parenthesised location. */
START_TEST(fit_gaps_are_plans_errors)
{
	bx_policy *p = small_policy();
	size_t c = fx_class(p, "aaa", 30); /* sorted first: its settings are met first */
	fx_set(p, c, "box", "io.weight", "default", "50", 31);
	fx_set(p, c, "box", "pids.max", NULL, "9", 32);
	static const struct {
		const char *ctrls;
		unsigned v1, enabled;
		size_t gaps;
	} cases[] = {
		{ "cpu pids", BX_CTRL_MEMORY, 0, 2 },      /* io, memory (v1) */
		{ "memory", 0, 0, 3 },                     /* io, pids, cpu */
		{ "cpu memory pids io", 0, 0, 0 },
		{ "cpu memory", 0, BX_CTRL_PIDS, 1 },      /* pids already enabled: only io */
		{ "", BX_CTRL_CPU | BX_CTRL_IO, 0, 4 },
	};
	for (size_t k = 0; k < BX_ARRAY_LEN(cases); k++) {
		bx_state *st = fx_state();
		st->v[0].controllers = bx_ctrl_parse_list(cases[k].ctrls);
		st->v[0].subtree_control = cases[k].enabled;
		st->v1_bound = cases[k].v1;
		bx_state_sort(st);
		bx_fit_gap *g = NULL;
		size_t n = 0;
		bx_error *e = NULL;
		ck_assert_int_eq(bx_fit_gaps(p, st, &g, &n, &e), 0);
		ck_assert_msg(n == cases[k].gaps, "case %zu: %zu gaps", k, n);
		bx_buf want = {0};
		bx_buf_add(&want, "", 0);
		for (size_t i = 0; i < n; i++) {
			char *with = bx_fit_explain(st, g[i].ctrl, g[i].why, true);
			char *without = bx_fit_explain(st, g[i].ctrl, g[i].why, false);
			char *loc = bx_sprintf(", %s:%u:%u [%s])", g[i].why->loc.file, g[i].why->loc.line,
					       g[i].why->loc.col, g[i].why->ypath);
			char *at = strstr(with, loc);
			ck_assert_ptr_nonnull(at);
			char *cut = bx_sprintf("%.*s)%s", (int)(at - with), with, at + strlen(loc));
			ck_assert_str_eq(cut, without);
			bx_buf_printf(&want, "%s\n", with);
			free(with), free(without), free(loc), free(cut);
		}
		char *w = bx_buf_take(&want);
		if (n) {
			bx_plan_opts o = {0};
			char *got = plan_err(p, st, &o);
			ck_assert_str_eq(got, w);
			free(got);
		} else {
			bx_plan_free(plan_ok(p, st, false));
		}
		free(w);
		free(g);
		bx_state_free(st);
	}
	bx_policy_free(p);
}
END_TEST

START_TEST(missing_file_with_controller_enabled_is_an_error)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "memory.zswap.max", NULL, "0", 7);
	fx_box(p, "b1", "small", 20);
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("memory");
	fx_children(fx_cg(st, "boxlite", "memory", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "memory", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "memory.zswap.max=" ABSENT, A);
	bx_plan_opts o = {0};
	char *msg = plan_err(p, st, &o);
	ck_assert_msg(strstr(msg, "boxlite/small/b1 has no memory.zswap.max although memory is "
				  "enabled"),
		      "%s", msg);
	free(msg);
	bx_state_free(st);

	/* absent because the controller is not enabled yet: the default, then
	 * it is enabled */
	st = fx_state();
	fx_children(fx_cg(st, "boxlite", "", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "memory.zswap.max=" ABSENT, A);
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "ENABLE (base) cgroup.subtree_control +memory\n"
		       "ENABLE boxlite cgroup.subtree_control +memory\n"
		       "ENABLE boxlite/small cgroup.subtree_control +memory\n"
		       "WRITE boxlite/small/b1 memory.zswap.max 0\n");
	ck_assert_str_eq(pl->v[3].old, "max");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(misc_resource_missing_on_host)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "misc.max", "sev", "4", 7);
	fx_box(p, "b1", "small", 20);
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("misc");
	fx_children(fx_cg(st, "boxlite", "misc", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "misc", A), "b1", A);
	fx_cg(st, "boxlite/small/b1", "", "misc.max=sev_es max", A);
	bx_plan_opts o = {0};
	char *msg = plan_err(p, st, &o);
	ck_assert_msg(strstr(msg, "misc resource sev is not available"), "%s", msg);
	free(msg);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(warnings_for_irreversible_effects)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "pids.max", NULL, "10", 7);
	fx_set(p, c, "box", "cpuset.cpus", NULL, "0-1", 8);
	fx_set(p, c, "box", "cpuset.mems", NULL, "0", 9);
	fx_set(p, c, "box", "memory.high", NULL, "1073741824", 10);
	fx_box(p, "b1", "small", 20);
	fx_box(p, "b2", "small", 21);
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpuset memory pids");
	fx_children(fx_cg(st, "boxlite", "cpuset memory pids", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpuset memory pids", A), "b1", "b2", A);
	fx_cg(st, "boxlite/small/b1", "", "pids.max=max", "pids.current=37", "cpuset.cpus=0-3",
	      "cpuset.mems=", "memory.high=max", A);
	/* b2: pids above the limit no more; cpuset grows; high raised */
	fx_cg(st, "boxlite/small/b2", "", "pids.max=max", "pids.current=3", "cpuset.cpus=1",
	      "cpuset.mems=0", "memory.high=536870912", A);
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 cpuset.cpus 0-1\n"
		       "WRITE boxlite/small/b1 cpuset.mems 0\n"
		       "WRITE boxlite/small/b1 memory.high 1073741824\n"
		       "WRITE boxlite/small/b1 pids.max 10\n"
		       "WRITE boxlite/small/b2 cpuset.cpus 0-1\n"
		       "WRITE boxlite/small/b2 memory.high 1073741824\n"
		       "WRITE boxlite/small/b2 pids.max 10\n");
	ck_assert_msg(pl->v[0].warning && strstr(pl->v[0].warning, "shrinking cpuset.cpus"), "%s",
		      pl->v[0].warning);
	/* "" → "0": how many nodes "all" was is unknown: no claim */
	ck_assert_ptr_null(pl->v[1].warning);
	ck_assert_msg(pl->v[2].warning && strstr(pl->v[2].warning, "reclaim"), "%s", pl->v[2].warning);
	ck_assert_msg(pl->v[3].warning && strstr(pl->v[3].warning, "below the 37 processes"), "%s",
		      pl->v[3].warning);
	ck_assert_ptr_null(pl->v[4].warning);
	ck_assert_ptr_null(pl->v[5].warning);
	ck_assert_ptr_null(pl->v[6].warning);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(multi_component_root)
{
	bx_policy *p = small_policy();
	free(p->root);
	p->root = strdup("a/b");
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu memory pids");
	fx_cg(st, "a", "memory", A);
	bx_plan *pl = plan_ok(p, st, false);
	FX_PLAN_EQ(pl, "MKDIR a/b\n"
		       "MKDIR a/b/small\n"
		       "ENABLE a/b cgroup.subtree_control +memory\n"
		       "WRITE a/b/small memory.max 17179869184\n"
		       "ENABLE a cgroup.subtree_control +cpu\n"
		       "ENABLE a cgroup.subtree_control +pids\n"
		       "ENABLE a/b cgroup.subtree_control +cpu\n"
		       "ENABLE a/b cgroup.subtree_control +pids\n"
		       "ENABLE a/b/small cgroup.subtree_control +cpu\n"
		       "ENABLE a/b/small cgroup.subtree_control +memory\n"
		       "ENABLE a/b/small cgroup.subtree_control +pids\n"
		       "MKDIR a/b/small/b1\n"
		       "WRITE a/b/small/b1 cpu.max 100000 100000\n"
		       "WRITE a/b/small/b1 memory.max 1073741824\n"
		       "WRITE a/b/small/b1 pids.max 256\n");
	ck_assert_str_eq(pl->v[4].old, "memory");
	ck_assert_str_eq(pl->v[4].new, "cpu memory");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(scoped_box_create)
{
	bx_policy *p = small_policy();
	/* the slice drifted: box create leaves it alone */
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu memory pids");
	fx_cg(st, "boxlite", "cpu memory pids", A);
	fx_cg(st, "boxlite/small", "cpu memory pids", "memory.max=max", A);
	bx_state_sort(st);
	bx_plan_opts o = { .scope = { "small", "adhoc-1" } };
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_plan_compute(p, st, &o, &pl, &e), 0);
	FX_PLAN_EQ(pl, "MKDIR boxlite/small/adhoc-1\n"
		       "WRITE boxlite/small/adhoc-1 cpu.max 100000 100000\n"
		       "WRITE boxlite/small/adhoc-1 memory.max 1073741824\n"
		       "WRITE boxlite/small/adhoc-1 pids.max 256\n");
	ck_assert(!pl->v[0].static_box);
	bx_plan_free(pl);
	/* a declared static box: marked */
	o.scope.box_id = "b1";
	ck_assert_int_eq(bx_plan_compute(p, st, &o, &pl, &e), 0);
	ck_assert(pl->v[0].static_box);
	bx_plan_free(pl);
	/* --prune needs the whole policy; unknown class */
	o.prune = true;
	ck_assert_int_eq(bx_plan_compute(p, st, &o, &pl, &e), -1);
	ck_assert(strstr(e->msg, "--prune"));
	bx_error_free(e);
	e = NULL;
	o.prune = false;
	o.scope.class_name = "nope";
	ck_assert_int_eq(bx_plan_compute(p, st, &o, &pl, &e), -1);
	ck_assert(strstr(e->msg, "no class \"nope\""));
	bx_error_free(e);
	bx_state_free(st);

	/* the slice is missing: created with its settings */
	st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu memory pids");
	fx_cg(st, "boxlite", "cpu memory pids", A);
	bx_state_sort(st);
	e = NULL;
	o = (bx_plan_opts){ .scope = { "small", "adhoc-1" } };
	ck_assert_int_eq(bx_plan_compute(p, st, &o, &pl, &e), 0);
	FX_PLAN_EQ(pl, "MKDIR boxlite/small\n"
		       "WRITE boxlite/small memory.max 17179869184\n"
		       "ENABLE boxlite/small cgroup.subtree_control +cpu\n"
		       "ENABLE boxlite/small cgroup.subtree_control +memory\n"
		       "ENABLE boxlite/small cgroup.subtree_control +pids\n"
		       "MKDIR boxlite/small/adhoc-1\n"
		       "WRITE boxlite/small/adhoc-1 cpu.max 100000 100000\n"
		       "WRITE boxlite/small/adhoc-1 memory.max 1073741824\n"
		       "WRITE boxlite/small/adhoc-1 pids.max 256\n");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

Suite *suite_plan(void);
Suite *suite_plan(void)
{
	Suite *s = suite_create("plan");
	TCase *t = tcase_create("plan");
	tcase_add_test(t, empty_base_creates_everything_top_down);
	tcase_add_test(t, applied_state_plans_nothing);
	tcase_add_test(t, drift_is_one_write_with_a_warning_when_lowering);
	tcase_add_test(t, fingerprint_only_when_wanted);
	tcase_add_test(t, kernel_normalized_values_converge);
	tcase_add_test(t, keyed_files_one_step_per_key);
	tcase_add_test(t, runtime_boxes_are_reconciled_not_created);
	tcase_add_test(t, burst_lowered_before_quota_raised_after);
	tcase_add_test(t, idle_off_resets_weight_and_nice_changes_it);
	tcase_add_test(t, missing_controller_names_why);
	tcase_add_test(t, fit_gaps_are_plans_errors);
	tcase_add_test(t, missing_file_with_controller_enabled_is_an_error);
	tcase_add_test(t, misc_resource_missing_on_host);
	tcase_add_test(t, warnings_for_irreversible_effects);
	tcase_add_test(t, multi_component_root);
	tcase_add_test(t, scoped_box_create);
	suite_add_tcase(s, t);
	return s;
}
