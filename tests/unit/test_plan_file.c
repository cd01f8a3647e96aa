/* render_json.c, render_text.c, planfile.c: the plan as JSON and back,
 * saved plans, staleness, and hostile plan documents. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/plan_int.h"
#include "plan/planfile.h"
#include "test_plan_fixture.h"

static bx_policy *policy(void)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "slice", "memory.max", NULL, "17179869184", 12);
	fx_set(p, c, "box", "cpu.max", NULL, "100000 100000", 7);
	fx_set(p, c, "box", "memory.high", NULL, "536870912", 8);
	fx_set(p, c, "box", "io.max", "8:0", "rbps=1048576 wbps=max riops=max wiops=max", 9);
	fx_box(p, "b1", "small", 20);
	fx_box(p, "b2", "small", 21);
	return p;
}

/* b1 applied but drifted (memory.high too high), b2 missing, old slice */
static bx_state *state(void)
{
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu io memory");
	fx_children(fx_cg(st, "boxlite", "cpu io memory", NULL), "old", "small", NULL);
	fx_children(fx_cg(st, "boxlite/small", "cpu io memory", "memory.max=17179869184", NULL), "b1",
		    NULL);
	fx_cg(st, "boxlite/small/b1", "", "cpu.max=100000 100000", "memory.high=1073741824",
	      "io.max=", NULL);
	bx_cg_state *old = bx_state_add(st, "boxlite/old");
	old->exists = true;
	old->observed = BX_OBS_CHILDREN | BX_OBS_EVENTS;
	bx_state_sort(st);
	return st;
}

static bx_plan *compute(const bx_policy *p, const bx_state *st, bool prune)
{
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	bx_plan_opts o = { .prune = prune };
	ck_assert_msg(bx_plan_compute(p, st, &o, &pl, &e) == 0, "%s", e ? e->msg : "?");
	return pl;
}

START_TEST(json_round_trip_renders_identically)
{
	bx_policy *p = policy();
	bx_state *st = state();
	bx_plan *pl = compute(p, st, true);
	bx_error *e = NULL;
	char *j = bx_plan_to_json(pl, &e);
	ck_assert(strstr(j, "\"format_version\": 1"));
	ck_assert(strstr(j, "\"op\": \"rmdir\""));
	ck_assert(strstr(j, "\"to_remove\": 1"));
	bx_plan *back = NULL;
	ck_assert_msg(bx_plan_from_json(j, &back, &e) == 0, "%s", e ? e->msg : "?");
	bx_policy_free(p); /* the plan owns its locations */
	char *j2 = bx_plan_to_json(back, &e);
	ck_assert_str_eq(j, j2);
	bx_render_opts ro = { .color = false };
	char *t1 = bx_plan_render_text(pl, &ro), *t2 = bx_plan_render_text(back, &ro);
	ck_assert_str_eq(t1, t2);
	ck_assert_uint_eq(back->to_create, pl->to_create);
	ck_assert_uint_eq(back->to_change, pl->to_change);
	free(j), free(j2), free(t1), free(t2);
	bx_plan_free(pl);
	bx_plan_free(back);
	bx_state_free(st);
}
END_TEST

START_TEST(text_groups_steps_by_cgroup)
{
	bx_policy *p = policy();
	bx_state *st = state();
	bx_plan *pl = compute(p, st, true);
	bx_render_opts ro = { .color = false };
	char *t = bx_plan_render_text(pl, &ro);
	ck_assert_msg(strstr(t, "~ boxlite/small/b1\n    io.max[8:0]"), "%s", t);
	ck_assert_msg(strstr(t, "\n    memory.high: 1 GiB → 512 MiB "), "%s", t);
	ck_assert_msg(strstr(t, "# policy.yaml:8:15 classes.small.box.memory.high\n"
				"      ! lowering memory.high"),
		      "%s", t);
	ck_assert_msg(strstr(t, "    io.max[8:0]: rbps=max wbps=max riops=max wiops=max → "
				"rbps=1048576 wbps=max riops=max wiops=max"),
		      "%s", t);
	ck_assert_msg(strstr(t, "+ boxlite/small/b2"), "%s", t);
	ck_assert_msg(strstr(t, "    cpu.max = 1 CPU (100000 100000)"), "%s", t);
	ck_assert_msg(strstr(t, "- boxlite/old"), "%s", t);
	ck_assert_msg(strstr(t, "# not declared by the policy"), "%s", t);
	ck_assert_msg(strstr(t, "\nPlan: 1 to create, 5 to change, 1 to remove.\n"), "%s", t);
	ck_assert_ptr_null(strstr(t, "\033["));
	free(t);
	ro.color = true;
	t = bx_plan_render_text(pl, &ro);
	ck_assert(strstr(t, "\033[32m"));
	free(t);
	bx_plan_free(pl);
	/* nothing to do */
	bx_plan *none = bx_plan_new("/b", true);
	t = bx_plan_render_text(none, NULL);
	ck_assert_str_eq(t, "Directory mode: /b is a plain directory, not a cgroup2 filesystem.\n\n"
			    "No changes.\n");
	free(t);
	bx_plan_free(none);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* bx_render_opts: columns and summary_only (cwd: tests/golden/plan/location-width). */
START_TEST(text_fits_the_width)
{
	bx_policy *p = policy();
	bx_state *st = state();
	bx_plan *pl = compute(p, st, true);
	/* no limit: every comment beside its line */
	bx_render_opts ro = { .color = false };
	char *wide = bx_plan_render_text(pl, &ro);
	ck_assert_msg(strstr(wide, "memory.high: 1 GiB → 512 MiB  "), "%s", wide);
	ck_assert_ptr_null(strstr(wide, "\n      # "));
	free(wide);
	/* 60 columns: comments that do not fit go below, indented */
	ro.columns = 60;
	char *t = bx_plan_render_text(pl, &ro);
	ck_assert_msg(strstr(t, "\n    memory.high: 1 GiB → 512 MiB\n"
				"      # policy.yaml:8:15 classes.small.box.memory.high\n"),
		      "%s", t);
	/* no line wider than 60 but the step lines themselves (io.max) */
	for (char *line = t, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		size_t cols = 0;
		for (char *c = line; c < nl; c++)
			cols += ((unsigned char)*c & 0xC0) != 0x80;
		ck_assert_msg(cols <= 60 || strncmp(line, "    io.max", 10) == 0, "%.*s",
			      (int)(nl - line), line);
	}
	free(t);
	/* 30: the YAML path on a line of its own as well */
	ro.columns = 30;
	t = bx_plan_render_text(pl, &ro);
	ck_assert_msg(strstr(t, "\n    memory.high: 1 GiB → 512 MiB\n"
				"      # policy.yaml:8:15\n"
				"      # classes.small.box.memory.high\n"),
		      "%s", t);
	free(t);
	/* the summary only */
	ro.summary_only = true;
	t = bx_plan_render_text(pl, &ro);
	ck_assert_str_eq(t, "Plan: 1 to create, 5 to change, 1 to remove.\n");
	free(t);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(drift_lists_each_difference)
{
	bx_policy *p = policy();
	bx_state *st = state();
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_plan_drift(p, st, &pl, &e), 0);
	char *t = bx_plan_render_drift(pl, NULL);
	ck_assert_msg(strstr(t, "boxlite/small/b1: memory.high is 1 GiB, the policy says 512 MiB"),
		      "%s", t);
	ck_assert_msg(strstr(t, "boxlite/small/b2: missing"), "%s", t);
	/* b2's own writes are not listed: it is missing */
	ck_assert_msg(!strstr(t, "boxlite/small/b2: cpu.max"), "%s", t);
	ck_assert_msg(strstr(t, "boxlite/old: exists, not declared by the policy"), "%s", t);
	ck_assert_msg(strstr(t, "\n4 differences between the live cgroups and the policy.\n"), "%s",
		      t);
	free(t);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(planfile_fresh_then_stale)
{
	bx_policy *p = policy();
	bx_state *st = state();
	bx_plan *pl = compute(p, st, true);
	char path[] = "/tmp/bx-planfile-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	bx_error *e = NULL;
	ck_assert_msg(bx_planfile_write(path, pl, st, &e) == 0, "%s", e ? e->msg : "?");
	bx_plan *lp = NULL;
	bx_state *then = NULL;
	ck_assert_msg(bx_planfile_load(path, &lp, &then, &e) == 0, "%s", e ? e->msg : "?");
	ck_assert_uint_eq(lp->n, pl->n);
	ck_assert_str_eq(lp->fingerprint, pl->fingerprint);
	char *what = NULL;
	/* nothing changed */
	ck_assert_int_eq(bx_plan_check_fresh(lp, then, st, &what, &e), 0);
	ck_assert_ptr_null(what);
	/* a value changed, a box appeared, the slice lost a controller */
	bx_cg_state *b1 = (bx_cg_state *)bx_state_find(st, "boxlite/small/b1");
	bx_cg_set_file(b1, "memory.high", "2147483648");
	bx_cg_state *sl = (bx_cg_state *)bx_state_find(st, "boxlite/small");
	fx_children(sl, "b9", NULL);
	sl = (bx_cg_state *)bx_state_find(st, "boxlite/small");
	sl->subtree_control &= ~(unsigned)BX_CTRL_IO;
	ck_assert_int_eq(bx_plan_check_fresh(lp, then, st, &what, &e), 1);
	ck_assert_msg(strstr(what, "boxlite/small/b1/memory.high was \"1073741824\", is "
				   "\"2147483648\""),
		      "%s", what);
	ck_assert_msg(strstr(what, "boxlite/small: child cgroup b9 was created"), "%s", what);
	ck_assert_msg(strstr(what, "boxlite/small: cgroup.subtree_control was \"cpu io memory\", "
				   "is \"cpu memory\""),
		      "%s", what);
	free(what);
	bx_state_free(st);
	/* processes in what the plan removes: stale even with equal values */
	st = state();
	bx_cg_state *old = (bx_cg_state *)bx_state_find(st, "boxlite/old");
	old->populated = true;
	ck_assert_int_eq(bx_plan_check_fresh(lp, then, st, &what, &e), 1);
	ck_assert_msg(strstr(what, "boxlite/old, which the plan removes, now has processes"), "%s",
		      what);
	free(what);
	/* an edited observed state is caught at load */
	char *doc = bx_planfile_to_json(pl, st, &e);
	char *at = strstr(doc, "17179869184");
	ck_assert_ptr_nonnull(at);
	at[0] = '2';
	bx_plan *bad = NULL;
	bx_state *bad_then = NULL;
	ck_assert_int_eq(bx_planfile_from_json(doc, &bad, &bad_then, &e), -1);
	ck_assert_msg(strstr(e->msg, "does not match its fingerprint"), "%s", e->msg);
	bx_error_free(e);
	e = NULL;
	free(doc);
	/* a plan --json document is not a plan file */
	doc = bx_plan_to_json(pl, &e);
	ck_assert_int_eq(bx_planfile_from_json(doc, &bad, &bad_then, &e), -1);
	ck_assert_msg(strstr(e->msg, "plan -o FILE"), "%s", e->msg);
	bx_error_free(e);
	free(doc);
	unlink(path);
	bx_plan_free(pl);
	bx_plan_free(lp);
	bx_state_free(then);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

static void refused(const char *doc, const char *want)
{
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_plan_from_json(doc, &pl, &e) == -1, "accepted: %s", doc);
	ck_assert_ptr_null(pl);
	ck_assert_msg(strstr(e->msg, want), "%s: got \"%s\", want \"%s\"", doc, e->msg, want);
	bx_error_free(e);
}

#define PLAN(steps) "{\"format_version\":1,\"base\":\"/b\",\"dirmode\":true,\"fingerprint\":\"x\",\"steps\":[" steps "]}"

START_TEST(hostile_plans_refused)
{
	refused("nope", "plan: line");
	refused("{\"format_version\":7}", "format_version");
	refused("{\"format_version\":1,\"base\":\"/b\"}", "expected base");
	refused(PLAN("1"), "steps[0]: expected an object");
	refused(PLAN("{\"op\":\"format\"}"), "\"op\" must be");
	refused(PLAN("{\"op\":\"mkdir\",\"cgroup\":\"../../etc\"}"), "safe relative cgroup path");
	refused(PLAN("{\"op\":\"mkdir\",\"cgroup\":\"/etc\"}"), "safe relative cgroup path");
	refused(PLAN("{\"op\":\"mkdir\",\"cgroup\":\"\"}"), "mkdir of the base");
	refused(PLAN("{\"op\":\"rmdir\",\"cgroup\":\"\"}"), "rmdir of the base");
	refused(PLAN("{\"op\":\"mkdir\",\"cgroup\":\"a\",\"file\":\"memory.max\"}"), "take no");
	refused(PLAN("{\"op\":\"write\",\"cgroup\":\"a\",\"file\":\"../x\",\"write\":\"1\"}"),
		"safe \"file\"");
	refused(PLAN("{\"op\":\"write\",\"cgroup\":\"a\",\"file\":\"cgroup.procs\",\"write\":\"1\"}"),
		"not an interface file boxcg manages");
	refused(PLAN("{\"op\":\"write\",\"cgroup\":\"a\",\"file\":\"memory.max\"}"), "bytes to");
	refused(PLAN("{\"op\":\"enable\",\"cgroup\":\"a\",\"file\":\"memory.max\",\"write\":\"+cpu\"}"),
		"enable/disable");
	refused(PLAN("{\"op\":\"enable\",\"cgroup\":\"a\",\"file\":\"cgroup.subtree_control\","
		     "\"write\":\"-cpu\"}"),
		"enable/disable");
	refused(PLAN("{\"op\":\"enable\",\"cgroup\":\"a\",\"file\":\"cgroup.subtree_control\","
		     "\"write\":\"+bogus\"}"),
		"enable/disable");
	refused(PLAN("{\"op\":\"enable\",\"cgroup\":\"a\",\"file\":\"cgroup.subtree_control\","
		     "\"write\":\"+cpu\",\"key\":\"k\"}"),
		"only a write has a \"key\"");
	refused(PLAN("{\"op\":\"rmdir\",\"cgroup\":\"a\",\"static_box\":true}"), "static box");
	refused(PLAN("{\"op\":\"mkdir\",\"cgroup\":\"a\",\"static_box\":1}"), "true or false");
	refused(PLAN("{\"op\":\"mkdir\",\"cgroup\":\"a\",\"location\":{\"file\":\"p\",\"line\":-1,"
		     "\"column\":1}}"),
		"\"location\"");
	refused(PLAN("{\"op\":\"mkdir\",\"cgroup\":\"a\",\"warning\":5}"), "string or null");
	refused("{\"format_version\":1,\"format_version\":1}", "duplicate");
}
END_TEST

Suite *suite_plan_file(void);
Suite *suite_plan_file(void)
{
	Suite *s = suite_create("plan_file");
	TCase *t = tcase_create("plan_file");
	tcase_add_test(t, json_round_trip_renders_identically);
	tcase_add_test(t, text_groups_steps_by_cgroup);
	tcase_add_test(t, text_fits_the_width);
	tcase_add_test(t, drift_lists_each_difference);
	tcase_add_test(t, planfile_fresh_then_stale);
	tcase_add_test(t, hostile_plans_refused);
	suite_add_tcase(s, t);
	return s;
}
