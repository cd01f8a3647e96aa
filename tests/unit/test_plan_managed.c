/* plan: the record of what boxcg manages in a cgroup (plan/managed.h).
 * A file the record holds and the policy no longer declares goes back to
 * the kernel's default; a file never in it (a runtime's own limit) is
 * never touched; the record travels in snapshots and plan files and is
 * restored by a rollback. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "apply/apply.h"
#include "plan/managed.h"
#include "plan/planfile.h"
#include "test_plan_fixture.h"

Suite *suite_plan_managed(void);

#define A (const char *)NULL

/* --- the record's text ---------------------------------------------------- */

static char *canon(const char *text, const bx_host_facts *f)
{
	char *c = bx_managed_canonical(text, f);
	ck_assert_ptr_nonnull(c);
	return c;
}

START_TEST(record_text_parsed_strictly)
{
	bx_host_facts f = { .page_size = 4096, .hugepage_sizes = { 2u << 20 } };
	struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "pids.max memory.max", "memory.max pids.max" },
		{ "  memory.max\tmemory.max\npids.max ", "memory.max pids.max" },
		{ "io.max[8:0] io.max[253:0] io.weight[default]", "io.max[253:0] io.max[8:0] io.weight[default]" },
		{ "misc.max[sev] misc.max[sev_es]", "misc.max[sev] misc.max[sev_es]" },
		/* not files boxcg manages, or not so */
		{ "cgroup.procs cgroup.subtree_control memory.current ../x /etc/passwd", "" },
		{ "memory.max[8:0] io.max pids.max[]", "" },              /* key where none is, none where one is */
		{ "io.max[8:0 io.max[] io.max[a b] io.max[x]]", "" },      /* malformed keys */
		{ "io.max[\x01] memory.max\xff", "" },                    /* bytes that are no names */
		/* huge page sizes the host has */
		{ "hugetlb.2MB.max hugetlb.1GB.max", "hugetlb.2MB.max" },
		{ "cgroup.max.depth cpuset.cpus", "cgroup.max.depth cpuset.cpus" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *c = canon(cases[i].in, &f);
		ck_assert_msg(strcmp(c, cases[i].out) == 0, "\"%s\" -> \"%s\", want \"%s\"", cases[i].in, c,
			      cases[i].out);
		free(c);
	}
	/* "a" before "a.b" before "a[": sorted as the text reads */
	char *c = canon("memory.swap.max memory.max[x] memory.max", NULL);
	ck_assert_str_eq(c, "memory.max memory.swap.max");
	free(c);
	ck_assert(bx_managed_valid(""));
	ck_assert(bx_managed_valid("io.max[8:0] memory.max"));
	ck_assert(!bx_managed_valid("memory.max io.max[8:0]")); /* not sorted */
	ck_assert(!bx_managed_valid("memory.max  pids.max"));   /* not as boxcg writes it */
	ck_assert(!bx_managed_valid("cgroup.procs"));
	ck_assert(!bx_managed_valid(NULL));
	/* what a settings list declares */
	bx_policy *p = fx_policy("boxlite");
	size_t k = fx_class(p, "small", 5);
	fx_set(p, k, "box", "pids.max", NULL, "10", 6);
	fx_set(p, k, "box", "io.max", "8:0", "rbps=1 wbps=max riops=max wiops=max", 7);
	fx_set(p, k, "box", "memory.max", NULL, "4096", 8);
	char *t = bx_managed_of_settings(&p->classes[k].box);
	ck_assert_str_eq(t, "io.max[8:0] memory.max pids.max");
	ck_assert(bx_managed_valid(t));
	free(t);
	t = bx_managed_of_settings(&p->classes[k].slice);
	ck_assert_str_eq(t, "");
	free(t);
	bx_policy_free(p);
}
END_TEST

/* --- plans from hand-built states ------------------------------------------ */

/* A base that keeps records, boxlite/small and box b1 with `record`
 * and the given files. */
static bx_state *recorded_state(const char *slice_record, const char *record, ...)
{
	bx_state *st = fx_state();
	st->v[0].observed |= BX_OBS_MANAGED;
	st->v[0].subtree_control = bx_ctrl_parse_list("cpuset cpu io memory pids misc");
	fx_children(fx_cg(st, "boxlite", "cpuset cpu io memory pids misc", A), "small", A);
	bx_cg_state *sl = fx_cg(st, "boxlite/small", "cpuset cpu io memory pids misc", "memory.max=max",
				"pids.max=max", A);
	sl->observed |= BX_OBS_MANAGED;
	sl->managed = slice_record ? strdup(slice_record) : NULL;
	fx_children(sl, "b1", A);
	bx_cg_state *b = fx_cg(st, "boxlite/small/b1", "", A);
	b->observed |= BX_OBS_MANAGED;
	b->managed = record ? strdup(record) : NULL;
	va_list ap;
	va_start(ap, record);
	const char *kv;
	while ((kv = va_arg(ap, const char *))) {
		const char *eq = strchr(kv, '=');
		char *name = strndup(kv, (size_t)(eq - kv));
		bx_cg_set_file(b, name, eq + 1);
		free(name);
	}
	va_end(ap);
	bx_state_sort(st);
	return st;
}

static bx_plan *plan_ok(const bx_policy *p, const bx_state *st)
{
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_plan_compute(p, st, NULL, &pl, &e) == 0, "%s", e ? e->msg : "");
	return pl;
}

/* A class small with pids.max 10 on its boxes, box b1. */
static bx_policy *pids_only(void)
{
	bx_policy *p = fx_policy("boxlite");
	size_t k = fx_class(p, "small", 5);
	fx_set(p, k, "box", "pids.max", NULL, "10", 6);
	fx_box(p, "b1", "small", 20);
	return p;
}

START_TEST(removed_keys_go_back_to_the_kernel_default)
{
	bx_policy *p = pids_only();
	bx_state *st = recorded_state(
		"memory.max", "cpuset.cpus io.max[8:0] io.weight[8:16] io.weight[default] memory.max misc.max[sev] pids.max",
		"pids.max=10", "memory.max=1073741824", "cpuset.cpus=0-1",
		"io.max=8:0 rbps=1048576 wbps=max riops=max wiops=max\n8:16 rbps=5 wbps=max riops=max wiops=max",
		"io.weight=default 50\n8:16 300", "misc.max=sev 4\nsev_es max",
		/* a runtime's own limit: never in the record */
		"memory.high=5000000", A);
	/* the slice's own record: its memory.max goes back too */
	bx_cg_state *sl = (bx_cg_state *)bx_state_find(st, "boxlite/small");
	bx_cg_set_file(sl, "memory.max", "17179869184");
	bx_plan *pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "WRITE boxlite/small memory.max max\n"
		       "WRITE boxlite/small/b1 cpuset.cpus \n"
		       "WRITE boxlite/small/b1 io.weight default 100\n"
		       "WRITE boxlite/small/b1 io.weight 8:16 default\n"
		       "WRITE boxlite/small/b1 io.max 8:0 rbps=max wbps=max riops=max wiops=max\n"
		       "WRITE boxlite/small/b1 memory.max max\n"
		       "WRITE boxlite/small/b1 misc.max sev max\n"
		       "RECORD boxlite/small []\n"
		       "RECORD boxlite/small/b1 [pids.max]\n");
	/* old and new as the kernel reads them; no location, no warning */
	const bx_step *s = &pl->v[5];
	ck_assert_str_eq(s->old, "1073741824");
	ck_assert_str_eq(s->new, "max");
	ck_assert_ptr_null(s->loc.file);
	ck_assert_ptr_null(s->ypath);
	ck_assert_ptr_null(s->warning);
	ck_assert_str_eq(pl->v[3].old, "300");
	ck_assert_str_eq(pl->v[3].new, "default");
	const bx_step *r = &pl->v[8];
	ck_assert_str_eq(r->old, bx_state_find(st, "boxlite/small/b1")->managed);
	ck_assert_str_eq(r->new, "pids.max");
	ck_assert_ptr_null(r->file);
	/* files: the slice's memory.max, b1's five files; the records are
	 * bookkeeping, not counted and not shown */
	ck_assert_uint_eq(pl->to_change, 1 + 5);
	char *text = bx_plan_render_text(pl, NULL);
	ck_assert_msg(strstr(text, "    memory.max: 1 GiB → max                         # no longer "
				   "declared: the kernel's default\n"),
		      "%s", text);
	ck_assert_msg(strstr(text, "\nPlan: 0 to create, 6 to change, 0 to remove.\n"), "%s", text);
	ck_assert_msg(!strstr(text, "user.boxcg.managed"), "%s", text);
	free(text);
	text = bx_plan_render_drift(pl, NULL);
	ck_assert_msg(strstr(text, "boxlite/small/b1: memory.max is 1 GiB, no longer declared "
				   "(the kernel's default is max)"),
		      "%s", text);
	ck_assert_msg(!strstr(text, "user.boxcg.managed"), "%s", text);
	ck_assert_msg(strstr(text, "\n7 differences between"), "%s", text);
	free(text);
	/* -v: one line counts them, after the summary */
	bx_render_opts ro = { .verbose = true };
	text = bx_plan_render_text(pl, &ro);
	ck_assert_msg(strstr(text, " to remove.\n(+ 2 managed-files records to write)\n"), "%s", text);
	free(text);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

START_TEST(what_boxcg_never_set_is_left_alone)
{
	bx_policy *p = pids_only();
	/* recorded and at the default already: only the record changes */
	bx_state *st = recorded_state(NULL, "memory.max pids.max", "pids.max=10", "memory.max=max",
				      "memory.high=5000000", A);
	bx_plan *pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "RECORD boxlite/small/b1 [pids.max]\n");
	ck_assert_uint_eq(pl->to_change, 0);
	bx_plan_free(pl);
	bx_state_free(st);
	/* the record matches: nothing, whatever else the box holds */
	st = recorded_state(NULL, "pids.max", "pids.max=10", "memory.max=1073741824",
			    "memory.high=5000000", A);
	pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "");
	bx_plan_free(pl);
	bx_state_free(st);
	/* no record yet (made by hand, or by an older boxcg): boxcg starts
	 * recording what it manages; nothing is reset */
	st = recorded_state(NULL, NULL, "pids.max=10", "memory.max=1073741824", A);
	pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "RECORD boxlite/small/b1 [pids.max]\n");
	ck_assert_ptr_null(pl->v[0].old);
	bx_plan_free(pl);
	bx_state_free(st);
	/* hostile record: junk and files boxcg does not manage are ignored */
	st = recorded_state(NULL, "cgroup.procs ../../x memory.max[9:9] pids.max", "pids.max=10",
			    "memory.max=1073741824", A);
	pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "RECORD boxlite/small/b1 [pids.max]\n");
	bx_plan_free(pl);
	bx_state_free(st);
	/* a recorded file the cgroup no longer has (its controller is off):
	 * nothing to reset */
	st = recorded_state(NULL, "memory.max pids.max", "pids.max=10", "memory.max=\x01", A);
	bx_cg_set_file((bx_cg_state *)bx_state_find(st, "boxlite/small/b1"), "memory.max", NULL);
	pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "RECORD boxlite/small/b1 [pids.max]\n");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* A plan whose only steps are records (a hand-made tree that matches the
 * policy) is "No changes.": nothing counted, nothing shown, no drift; the
 * JSON still lists them, with a summary of zeros. */
START_TEST(records_alone_are_no_changes)
{
	bx_policy *p = pids_only();
	bx_state *st = recorded_state(NULL, NULL, "pids.max=10", A);
	bx_plan *pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "RECORD boxlite/small/b1 [pids.max]\n");
	ck_assert(!bx_plan_has_changes(pl));
	ck_assert_uint_eq(bx_plan_records(pl), 1);
	ck_assert_uint_eq(pl->to_create + pl->to_change + pl->to_remove, 0);
	char *text = bx_plan_render_text(pl, NULL);
	ck_assert_str_eq(text, "No changes.\n");
	free(text);
	bx_render_opts ro = { .verbose = true };
	text = bx_plan_render_text(pl, &ro);
	ck_assert_str_eq(text, "No changes.\n(+ 1 managed-files record to write)\n");
	free(text);
	ro.color = true;
	text = bx_plan_render_text(pl, &ro);
	ck_assert_str_eq(text, "No changes.\n\033[2m(+ 1 managed-files record to write)\033[0m\n");
	free(text);
	/* the JSON lists the record and counts nothing; read back, the same */
	bx_error *e = NULL;
	char *json = bx_plan_to_json(pl, &e);
	ck_assert_msg(strstr(json, "\"op\": \"record\""), "%s", json);
	ck_assert_msg(strstr(json, "\"to_create\": 0,\n    \"to_change\": 0,\n    \"to_remove\": 0"),
		      "%s", json);
	bx_plan *back = NULL;
	ck_assert_msg(bx_plan_from_json(json, &back, &e) == 0, "%s", e ? e->msg : "");
	ck_assert_uint_eq(back->n, 1);
	ck_assert_uint_eq(back->to_change, 0);
	ck_assert(!bx_plan_has_changes(back));
	free(json);
	bx_plan_free(back);
	bx_plan_free(pl);
	/* not drift either */
	ck_assert_msg(bx_plan_drift(p, st, &pl, &e) == 0, "%s", e ? e->msg : "");
	FX_PLAN_EQ(pl, "");
	text = bx_plan_render_drift(pl, NULL);
	ck_assert_str_eq(text, "No drift: the live cgroups match the policy.\n");
	free(text);
	bx_plan_free(pl);
	/* a plan with a change: the change is counted and shown, the record not */
	bx_cg_set_file((bx_cg_state *)bx_state_find(st, "boxlite/small/b1"), "pids.max", "20");
	pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 pids.max 10\nRECORD boxlite/small/b1 [pids.max]\n");
	ck_assert(bx_plan_has_changes(pl));
	ck_assert_uint_eq(pl->to_change, 1);
	text = bx_plan_render_text(pl, NULL);
	ck_assert_msg(!strstr(text, "user.boxcg.managed") && !strstr(text, "managed-files"), "%s", text);
	ck_assert_msg(strstr(text, "~ boxlite/small/b1\n    pids.max: 20 → 10"), "%s", text);
	ck_assert_msg(strstr(text, "Plan: 0 to create, 1 to change, 0 to remove.\n"), "%s", text);
	free(text);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* Records of other cgroups between a cgroup's steps (a plan read back from
 * JSON may hold them anywhere) make no block of their own. */
START_TEST(records_between_steps_are_not_shown)
{
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	const char *doc =
		"{\"format_version\":1,\"base\":\"/b\",\"dirmode\":false,\"fingerprint\":\"x\",\"steps\":["
		"{\"op\":\"write\",\"cgroup\":\"a\",\"file\":\"pids.max\",\"write\":\"1\",\"old\":\"2\",\"new\":\"1\"},"
		"{\"op\":\"record\",\"cgroup\":\"z\",\"write\":\"pids.max\"},"
		"{\"op\":\"write\",\"cgroup\":\"a\",\"file\":\"memory.max\",\"write\":\"1\",\"old\":\"2\",\"new\":\"1\"},"
		"{\"op\":\"record\",\"cgroup\":\"a\",\"write\":\"memory.max pids.max\"}]}";
	ck_assert_msg(bx_plan_from_json(doc, &pl, &e) == 0, "%s", e ? e->msg : "");
	ck_assert_uint_eq(pl->to_change, 2);
	char *text = bx_plan_render_text(pl, NULL);
	ck_assert_str_eq(text, "boxcg will perform these actions:\n\n"
			       "~ a\n"
			       "    pids.max: 2 → 1    # no longer declared: "
			       "the kernel's default\n"
			       "    memory.max: 2 → 1  # no longer declared: "
			       "the kernel's default\n"
			       "\nPlan: 0 to create, 2 to change, 0 to remove.\n");
	free(text);
	text = bx_plan_render_drift(pl, NULL);
	ck_assert_msg(!strstr(text, "z:") && strstr(text, "\n2 differences between"), "%s", text);
	free(text);
	bx_plan_free(pl);
}
END_TEST

START_TEST(without_xattrs_nothing_is_recorded_and_it_says_so)
{
	bx_policy *p = pids_only();
	bx_state *st = recorded_state(NULL, "memory.max pids.max", "pids.max=10",
				      "memory.max=1073741824", A);
	((bx_cg_state *)bx_state_find(st, ""))->managed_unsupported = true;
	bx_plan *pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "");
	ck_assert(pl->no_records);
	char *text = bx_plan_render_text(pl, NULL);
	ck_assert_msg(strstr(text, "Note: /sys/fs/cgroup keeps no user xattrs: boxcg cannot record "
				   "the settings it manages,\nso settings removed from the policy are "
				   "left as they are.\n\nNo changes.\n"),
		      "%s", text);
	/* once */
	ck_assert_ptr_null(strstr(strstr(text, "Note:") + 1, "Note:"));
	free(text);
	bx_plan_free(pl);
	bx_state_free(st);
	/* a state that never looked (hand-built, older snapshots): no records,
	 * no note */
	st = recorded_state(NULL, "memory.max pids.max", "pids.max=10", "memory.max=1073741824", A);
	((bx_cg_state *)bx_state_find(st, ""))->observed &= ~(unsigned)BX_OBS_MANAGED;
	pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "");
	ck_assert(!pl->no_records);
	bx_plan_free(pl);
	bx_state_free(st);
	/* one cgroup without xattrs under a base with them: just not there */
	st = recorded_state(NULL, NULL, "pids.max=10", A);
	((bx_cg_state *)bx_state_find(st, "boxlite/small/b1"))->managed_unsupported = true;
	pl = plan_ok(p, st);
	FX_PLAN_EQ(pl, "");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* New cgroups get their record as part of being created: a RECORD step,
 * last in the plan, not shown, not counted. */
START_TEST(new_cgroups_are_recorded_with_their_creation)
{
	bx_policy *p = pids_only();
	bx_state *st = fx_state();
	st->v[0].observed |= BX_OBS_MANAGED;
	bx_plan *pl = plan_ok(p, st);
	ck_assert_uint_ge(pl->n, 2);
	const bx_step *last = &pl->v[pl->n - 1];
	ck_assert_int_eq(last->op, BX_OP_RECORD);
	ck_assert_str_eq(last->cgroup, "boxlite/small/b1");
	ck_assert_str_eq(last->write, "pids.max");
	ck_assert_ptr_null(last->old);
	size_t change = pl->to_change;
	char *text = bx_plan_render_text(pl, NULL);
	ck_assert_ptr_null(strstr(text, "user.boxcg.managed"));
	free(text);
	/* the counts read back from JSON agree */
	bx_error *e = NULL;
	char *json = bx_plan_to_json(pl, &e);
	bx_plan *back = NULL;
	ck_assert_msg(bx_plan_from_json(json, &back, &e) == 0, "%s", e ? e->msg : "");
	ck_assert_uint_eq(back->to_change, change);
	ck_assert_uint_eq(back->n, pl->n);
	ck_assert_int_eq(back->v[back->n - 1].op, BX_OP_RECORD);
	ck_assert_str_eq(back->v[back->n - 1].write, "pids.max");
	free(json);
	bx_plan_free(back);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

static void refused(const char *doc, const char *want)
{
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_plan_from_json(doc, &pl, &e) == -1, "accepted: %s", doc);
	ck_assert_msg(strstr(e->msg, want), "%s: got \"%s\", want \"%s\"", doc, e->msg, want);
	bx_error_free(e);
}

#define PLAN(steps) "{\"format_version\":1,\"base\":\"/b\",\"dirmode\":true,\"fingerprint\":\"x\",\"steps\":[" steps "]}"

START_TEST(hostile_record_steps_refused)
{
	refused(PLAN("{\"op\":\"record\",\"cgroup\":\"a\"}"), "a record takes no");
	refused(PLAN("{\"op\":\"record\",\"cgroup\":\"a\",\"write\":\"memory.max\",\"file\":\"memory.max\"}"),
		"a record takes no");
	refused(PLAN("{\"op\":\"record\",\"cgroup\":\"a\",\"write\":\"memory.max\",\"key\":\"8:0\"}"),
		"a record takes no");
	refused(PLAN("{\"op\":\"record\",\"cgroup\":\"a\",\"write\":\"cgroup.procs\"}"), "a record takes no");
	refused(PLAN("{\"op\":\"record\",\"cgroup\":\"a\",\"write\":\"pids.max memory.max\"}"),
		"a record takes no");
	refused(PLAN("{\"op\":\"record\",\"cgroup\":\"a\",\"write\":\"memory.max\\n\"}"), "a record takes no");
	refused(PLAN("{\"op\":\"record\",\"cgroup\":\"../a\",\"write\":\"memory.max\"}"), "safe relative");
	/* and the applier refuses one built by hand */
	bx_plan pl = { .base_path = "/nonexistent", .dirmode = true };
	bx_step s = { .op = BX_OP_RECORD, .cgroup = "a", .write = "x y" };
	pl.v = &s;
	pl.n = 1;
	bx_cgfs *fs = NULL;
	bx_error *e = NULL;
	char dir[] = "/tmp/bx-managed-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(bx_cgfs_open(dir, &fs, &e), 0);
	pl.base_path = fs->base_path;
	bx_apply_opts o = { .state_dir = "/nonexistent/state" };
	bx_apply_result r;
	ck_assert_int_eq(bx_apply(fs, &pl, &o, &r, &e), -1);
	ck_assert_msg(strstr(e->msg, "records something that is not a list of settings"), "%s", e->msg);
	bx_error_free(e);
	bx_cgfs_close(fs);
	rmdir(dir);
}
END_TEST

START_TEST(a_changed_record_makes_a_saved_plan_stale)
{
	bx_policy *p = pids_only();
	bx_state *st = recorded_state(NULL, "memory.max pids.max", "pids.max=10",
				      "memory.max=1073741824", A);
	bx_plan *pl = plan_ok(p, st);
	bx_error *e = NULL;
	char *doc = bx_planfile_to_json(pl, st, &e);
	ck_assert_ptr_nonnull(doc);
	bx_plan *lp = NULL;
	bx_state *then = NULL;
	ck_assert_msg(bx_planfile_from_json(doc, &lp, &then, &e) == 0, "%s", e ? e->msg : "");
	ck_assert_str_eq(bx_state_find(then, "boxlite/small/b1")->managed, "memory.max pids.max");
	char *what = NULL;
	ck_assert_int_eq(bx_plan_check_fresh(lp, then, st, &what, &e), 0);
	/* someone applied in between: the record is another */
	bx_cg_state *b = (bx_cg_state *)bx_state_find(st, "boxlite/small/b1");
	free(b->managed);
	b->managed = strdup("pids.max");
	ck_assert_int_eq(bx_plan_check_fresh(lp, then, st, &what, &e), 1);
	ck_assert_msg(strstr(what, "boxlite/small/b1: the record of managed settings "
				   "(user.boxcg.managed) was \"memory.max pids.max\", is \"pids.max\""),
		      "%s", what);
	free(what);
	free(doc);
	bx_plan_free(lp);
	bx_state_free(then);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* --- end to end on directory roots ---------------------------------------- */

static char root[256], state_dir[300];

static void setup(void)
{
	snprintf(root, sizeof root, "/tmp/bx-managed-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(state_dir, sizeof state_dir, "%s.state", root);
}

static void teardown(void)
{
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", root, state_dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *path_of(const char *rel)
{
	return bx_sprintf("%s%s%s", root, *rel ? "/" : "", rel);
}

static char *xattr_of(const char *rel)
{
	char *p = path_of(rel), buf[4096];
	ssize_t n = getxattr(p, BX_MANAGED_XATTR, buf, sizeof buf - 1);
	free(p);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static char *file_of(const char *rel)
{
	char *p = path_of(rel), buf[4096] = "";
	FILE *f = fopen(p, "r");
	free(p);
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

static void put(const char *rel, const char *text)
{
	char *p = path_of(rel);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

typedef struct run {
	bx_state *st;
	bx_plan *pl;
} run;

static run plan_dir(const bx_policy *p)
{
	bx_cgfs *fs = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_cgfs_open(root, &fs, &e) == 0, "%s", e ? e->msg : "");
	run r = {0};
	ck_assert_msg(bx_observe(fs, p, NULL, &r.st, &e) == 0, "%s", e ? e->msg : "");
	r.pl = plan_ok(p, r.st);
	bx_cgfs_close(fs);
	return r;
}

static void run_free(run *r)
{
	bx_plan_free(r->pl);
	bx_state_free(r->st);
}

/* Apply (fault_at > 0: with that mutation failing); 0 or -1. */
static int apply_dir(const bx_plan *pl, long fault_at, long *mutations)
{
	bx_cgfs *fs = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_cgfs_open(root, &fs, &e), 0);
	bx_apply_opts o = { .state_dir = state_dir, .fault_at = fault_at };
	bx_apply_result r;
	int rc = bx_apply(fs, pl, &o, &r, &e);
	if (rc < 0)
		ck_assert_msg(r.rolled_back, "not rolled back: %s", e ? e->msg : "");
	if (mutations)
		*mutations = r.mutations;
	bx_apply_result_free(&r);
	bx_error_free(e);
	bx_cgfs_close(fs);
	return rc;
}

/* v1: memory.max and pids.max on boxes, memory.max on the slice, two
 * static boxes. v2: memory.max dropped everywhere, io.max added, b2 no
 * longer declared (pruned). */
static bx_policy *dir_policy(int v)
{
	bx_policy *p = fx_policy("boxlite");
	size_t k = fx_class(p, "small", 5);
	if (v == 1) {
		fx_set(p, k, "box", "memory.max", NULL, "1073741824", 6);
		fx_set(p, k, "slice", "memory.max", NULL, "4294967296", 9);
	} else {
		fx_set(p, k, "box", "io.max", "8:0", "rbps=1048576 wbps=max riops=max wiops=max", 6);
	}
	fx_set(p, k, "box", "pids.max", NULL, "64", 7);
	fx_box(p, "b1", "small", 20);
	if (v == 1)
		fx_box(p, "b2", "small", 21);
	return p;
}

START_TEST(remove_a_key_and_it_goes_back)
{
	bx_policy *v1 = dir_policy(1), *v2 = dir_policy(2);
	run r = plan_dir(v1);
	ck_assert_int_eq(apply_dir(r.pl, 0, NULL), 0);
	run_free(&r);
	char *x = xattr_of("boxlite/small/b1");
	ck_assert_str_eq(x, "memory.max pids.max");
	free(x);
	x = xattr_of("boxlite/small");
	ck_assert_str_eq(x, "memory.max");
	free(x);
	ck_assert_ptr_null(xattr_of("boxlite")); /* no settings, no record */
	/* a runtime sets a limit boxcg does not declare */
	put("boxlite/small/b1/memory.high", "536870912\n");
	r = plan_dir(v1);
	FX_PLAN_EQ(r.pl, "");
	run_free(&r);
	r = plan_dir(v2);
	char *steps = fx_steps(r.pl);
	ck_assert_msg(strstr(steps, "WRITE boxlite/small memory.max max\n"), "%s", steps);
	ck_assert_msg(strstr(steps, "WRITE boxlite/small/b1 memory.max max\n"), "%s", steps);
	ck_assert_msg(strstr(steps, "RECORD boxlite/small/b1 [io.max[8:0] pids.max]\n"), "%s", steps);
	ck_assert_msg(strstr(steps, "RECORD boxlite/small []\n"), "%s", steps);
	ck_assert_ptr_null(strstr(steps, "memory.high"));
	free(steps);
	/* the snapshot plans exactly the same, fingerprint included */
	bx_error *e = NULL;
	bx_cgfs *fs = NULL;
	ck_assert_int_eq(bx_cgfs_open(root, &fs, &e), 0);
	bx_state *tree = NULL;
	ck_assert_msg(bx_observe_tree(fs, "boxlite", &tree, &e) == 0, "%s", e ? e->msg : "");
	bx_cgfs_close(fs);
	char *json = bx_state_to_json(tree, &e);
	ck_assert_msg(strstr(json, "\"managed\": \"memory.max pids.max\""), "%s", json);
	bx_state *snap = NULL;
	ck_assert_msg(bx_state_from_json(json, &snap, &e) == 0, "%s", e ? e->msg : "");
	bx_state *obs = NULL;
	ck_assert_msg(bx_observe_snapshot(snap, v2, NULL, &obs, &e) == 0, "%s", e ? e->msg : "");
	bx_plan *offline = plan_ok(v2, obs);
	char *a = bx_plan_to_json(r.pl, &e), *b = bx_plan_to_json(offline, &e);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	bx_plan_free(offline);
	bx_state_free(obs);
	bx_state_free(snap);
	bx_state_free(tree);
	free(json);
	ck_assert_int_eq(apply_dir(r.pl, 0, NULL), 0);
	run_free(&r);
	x = file_of("boxlite/small/b1/memory.max");
	ck_assert_str_eq(x, "max\n");
	free(x);
	x = file_of("boxlite/small/b1/memory.high"); /* the runtime's, untouched */
	ck_assert_str_eq(x, "536870912\n");
	free(x);
	x = xattr_of("boxlite/small/b1");
	ck_assert_str_eq(x, "io.max[8:0] pids.max");
	free(x);
	x = xattr_of("boxlite/small");
	ck_assert_str_eq(x, "");
	free(x);
	r = plan_dir(v2);
	FX_PLAN_EQ(r.pl, "");
	run_free(&r);
	/* and back: v1's memory.max again, io.max back to no limit */
	r = plan_dir(v1);
	steps = fx_steps(r.pl);
	ck_assert_msg(strstr(steps, "WRITE boxlite/small/b1 io.max 8:0 rbps=max wbps=max riops=max wiops=max\n"),
		      "%s", steps);
	free(steps);
	ck_assert_int_eq(apply_dir(r.pl, 0, NULL), 0);
	run_free(&r);
	r = plan_dir(v1);
	FX_PLAN_EQ(r.pl, "");
	run_free(&r);
	bx_policy_free(v1);
	bx_policy_free(v2);
}
END_TEST

/* A failure at every mutation of a change that rewrites records and
 * prunes a recorded static box: every rollback puts every record back. */
START_TEST(rollback_restores_the_records)
{
	bx_policy *v1 = dir_policy(1), *v2 = dir_policy(2);
	run r = plan_dir(v1);
	ck_assert_int_eq(apply_dir(r.pl, 0, NULL), 0);
	run_free(&r);
	static const char *const cgs[] = { "boxlite/small", "boxlite/small/b1", "boxlite/small/b2" };
	char *before[3];
	for (size_t i = 0; i < 3; i++)
		ck_assert_ptr_nonnull(before[i] = xattr_of(cgs[i]));
	bx_cgfs *fs = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_cgfs_open(root, &fs, &e), 0);
	bx_state *st = NULL;
	ck_assert_int_eq(bx_observe(fs, v2, NULL, &st, &e), 0);
	bx_cgfs_close(fs);
	bx_plan *pl = NULL;
	bx_plan_opts po = { .prune = true };
	ck_assert_msg(bx_plan_compute(v2, st, &po, &pl, &e) == 0, "%s", e ? e->msg : "");
	size_t nrec = 0;
	for (size_t i = 0; i < pl->n; i++)
		nrec += pl->v[i].op == BX_OP_RECORD;
	ck_assert_uint_eq(nrec, 2);
	ck_assert_int_eq(pl->v[pl->n - 1].op, BX_OP_RECORD);
	long k, all = 0;
	for (k = 1; k < 1000; k++) {
		if (apply_dir(pl, k, &all) == 0)
			break;
		for (size_t i = 0; i < 3; i++) {
			char *now = xattr_of(cgs[i]);
			ck_assert_msg(now && strcmp(now, before[i]) == 0, "fault at %ld: %s records \"%s\", was \"%s\"",
				      k, cgs[i], now ? now : "(none)", before[i]);
			free(now);
		}
		char *m = file_of("boxlite/small/b1/memory.max");
		ck_assert_str_eq(m, "1073741824\n");
		free(m);
	}
	ck_assert_int_gt(k, 10);
	char *now = xattr_of("boxlite/small/b1");
	ck_assert_str_eq(now, "io.max[8:0] pids.max");
	free(now);
	for (size_t i = 0; i < 3; i++)
		free(before[i]);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(v1);
	bx_policy_free(v2);
}
END_TEST

/* bx_managed_valid decides without building the canonical text: it must
 * say exactly whether the canonical text is the text itself, on records
 * made of valid, invalid, repeated and misordered tokens and of every
 * kind of separator. */
START_TEST(record_check_agrees_with_the_canonical_text)
{
	static const char *const tok[] = {
		"cgroup.max.depth", "cpu.max", "cpu.weight", "io.max[8:0]", "io.max[8:16]",
		"io.weight[default]", "memory.max", "memory.high", "memory.swap.max", "pids.max",
		"hugetlb.2MB.max", "hugetlb.1GB.max", "memory.max[x]", "io.max", "cgroup.procs",
		"io.max[]", "io.max[a b]", "nosuch.file", "memory.max=1073741824", "memory.max=2",
		"cpu.max=2.5", "cpu.max=3", "pids.max=8", "pids.max=08x", "nosuch=1", "pids.max=",
		"=5", "pids.max=A", "memory.max=1=2",
	};
	static const char *const sep[] = { " ", " ", " ", " ", "  ", "\t", "\n" };
	unsigned seed = 12345;
	size_t valid = 0;
	for (int round = 0; round < 20000; round++) {
		char text[512] = "";
		size_t ntok = (size_t)(rand_r(&seed) % 6);
		if (rand_r(&seed) % 8 == 0)
			strcat(text, " ");
		for (size_t i = 0; i < ntok; i++) {
			if (i)
				strcat(text, sep[rand_r(&seed) % BX_ARRAY_LEN(sep)]);
			strcat(text, tok[rand_r(&seed) % BX_ARRAY_LEN(tok)]);
		}
		if (rand_r(&seed) % 8 == 0)
			strcat(text, " ");
		char *c = canon(text, NULL);
		bool want = strcmp(c, text) == 0;
		ck_assert_msg(bx_managed_valid(text) == want, "\"%s\": valid says %d, canonical \"%s\"",
			      text, !want, c);
		valid += want;
		/* and what canonical makes is always valid */
		ck_assert_msg(bx_managed_valid(c), "canonical \"%s\" is not valid", c);
		free(c);
	}
	ck_assert_uint_gt(valid, 1000); /* both answers were exercised */
	/* the same files, whatever the own values */
	ck_assert(bx_managed_same_files("memory.max pids.max memory.max=1", "memory.max pids.max memory.max=2"));
	ck_assert(bx_managed_same_files("memory.max pids.max", "memory.max pids.max cpu.max=2"));
	ck_assert(bx_managed_same_files("", "pids.max=3"));
	ck_assert(!bx_managed_same_files("memory.max pids.max", "memory.max"));
	ck_assert(!bx_managed_same_files("memory.max", "memory.max pids.max=2 pids.max"));
	ck_assert(!bx_managed_same_files("io.max[8:0] memory.max=1", "io.max[8:16] memory.max=1"));
	ck_assert(!bx_managed_same_files("memory.max\tpids.max", "memory.max pids.max"));
	ck_assert(!bx_managed_same_files(NULL, ""));
}
END_TEST

Suite *suite_plan_managed(void)
{
	Suite *s = suite_create("plan_managed");
	TCase *t = tcase_create("plans");
	tcase_add_test(t, record_text_parsed_strictly);
	tcase_add_test(t, record_check_agrees_with_the_canonical_text);
	tcase_add_test(t, removed_keys_go_back_to_the_kernel_default);
	tcase_add_test(t, what_boxcg_never_set_is_left_alone);
	tcase_add_test(t, records_alone_are_no_changes);
	tcase_add_test(t, records_between_steps_are_not_shown);
	tcase_add_test(t, without_xattrs_nothing_is_recorded_and_it_says_so);
	tcase_add_test(t, new_cgroups_are_recorded_with_their_creation);
	tcase_add_test(t, hostile_record_steps_refused);
	tcase_add_test(t, a_changed_record_makes_a_saved_plan_stale);
	suite_add_tcase(s, t);
	t = tcase_create("dirs");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, remove_a_key_and_it_goes_back);
	tcase_add_test(t, rollback_restores_the_records);
	suite_add_tcase(s, t);
	return s;
}
