/* apply/: a plan is applied completely or not at all (directory roots). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/capture.h"
#include "apply/hooks.h"
#include "apply/record.h"
#include "apply/step.h"
#include "apply/undo.h"
#include "knobs.h"
#include "plan/normalize.h"
#include "test_apply_fixture.h"

Suite *suite_apply(void);

/* header (write, fsync, dir fsync) + per step (record write, fsync,
 * mutation; a write inside a cgroup the plan created has no record: just
 * the mutation) + the static-box mark + the commit. */
static long expected_mutations(const bx_plan *p)
{
	long n = 3 + 1;
	for (size_t i = 0; i < p->n; i++)
		n += (ta_journaled(p, i) ? 3 : 1) + p->v[i].static_box;
	return n;
}

START_TEST(plan_b_applies_and_reads_back)
{
	fx f;
	fx_open(&f, "apply");
	ck_assert_uint_ge(f.b.n, 30);
	bx_apply_opts o = { .state_dir = f.state };
	bx_apply_result r;
	bx_error *e = NULL;
	ck_assert_msg(bx_apply(f.fs, &f.b, &o, &r, &e) == 0, "%s", e ? e->msg : "");
	ck_assert_uint_eq(r.steps_done, f.b.n);
	ck_assert(!r.failed);
	ck_assert_int_eq(r.mutations, expected_mutations(&f.b));
	ck_assert(!fx_journal_exists(&f));
	FX_ASSERT_READS(&f, FX_SMALL, "memory.max", "2147483648");
	FX_ASSERT_READS(&f, FX_SMALL, "cgroup.subtree_control", "cpuset cpu io memory pids misc");
	FX_ASSERT_READS(&f, FX_B1, "io.max",
			"8:0 rbps=2097152 wbps=max riops=max wiops=max\n"
			"8:16 rbps=max wbps=1048576 riops=max wiops=max");
	FX_ASSERT_READS(&f, FX_B1, "io.weight", "default 300\n8:0 50");
	FX_ASSERT_READS(&f, FX_B1, "cpu.idle", "1");
	FX_ASSERT_READS(&f, FX_B1, "misc.max", "sev 3");
	FX_ASSERT_READS(&f, "boxlite", "cgroup.max.descendants", "100");
	FX_ASSERT_READS(&f, "boxlite/large/b1", "cpu.max", "100000 100000");
	char *old = bx_sprintf("%s/boxlite/old", f.root);
	ck_assert_int_ne(access(old, F_OK), 0);
	free(old);
	/* The static box carries its mark. */
	char *b1 = bx_sprintf("%s/boxlite/large/b1", f.root), v[4] = "";
	ck_assert_int_eq(getxattr(b1, "user.boxcg.static", v, sizeof v), 1);
	ck_assert_int_eq(v[0], '1');
	free(b1);
	bx_apply_result_free(&r);
	fx_close(&f);
}
END_TEST

/* The heart of it: make each mutation in turn fail (journal writes and
 * fsyncs included); every time, the whole tree must be byte-for-byte what
 * it was, the error must name the step, and no journal may be left. */
START_TEST(a_fault_at_every_mutation_rolls_back_byte_for_byte)
{
	fx f;
	fx_open(&f, "apply");
	long n = expected_mutations(&f.b), k;
	for (k = 1;; k++) {
		bx_apply_opts o = { .state_dir = f.state, .fault_at = k, .fault_errno = ENODEV };
		bx_apply_result r;
		bx_error *e = NULL;
		int rc = bx_apply(f.fs, &f.b, &o, &r, &e);
		if (rc == 0) {
			bx_apply_result_free(&r);
			break;
		}
		ck_assert_msg(r.failed && r.rolled_back && !r.rollback_failed,
			      "k=%ld: failed %d rolled back %d rollback failed %d (%s)", k, r.failed,
			      r.rolled_back, r.rollback_failed, e->msg);
		ck_assert_int_eq(e->errnum, ENODEV);
		ck_assert_ptr_null(e->also);
		ck_assert_uint_eq(r.nunrestored, 0);
		ck_assert_uint_lt(r.failed_step, f.b.n);
		ck_assert_int_eq(r.phase, k <= 3 ? BX_PHASE_BEGIN : k == n ? BX_PHASE_COMMIT : BX_PHASE_STEP);
		if (r.phase == BX_PHASE_STEP) {
			char *want = bx_sprintf("step %zu of %zu", r.failed_step + 1, f.b.n);
			ck_assert_msg(strstr(e->msg, want), "k=%ld: '%s' lacks '%s'", k, e->msg, want);
			free(want);
		}
		ck_assert(!fx_journal_exists(&f));
		char *when = bx_sprintf("fault at mutation %ld", k);
		fx_assert_unchanged(&f, when);
		free(when);
		bx_error_free(e);
		bx_apply_result_free(&r);
		ck_assert_int_le(k, n);
	}
	/* Every mutation point was tried: the first k without a fault ran
	 * the whole plan. */
	ck_assert_int_eq(k, n + 1);
	fx_close(&f);
}
END_TEST

/* What every managed file of every cgroup reads, canonically: the
 * semantic view, independent of bytes on disk. */
static void canon_walk(bx_cgfs *fs, const char *cg, bx_buf *b)
{
	static const char *const extra[] = { "cgroup.subtree_control", "hugetlb.2MB.max" };
	bx_error *e = NULL;
	for (size_t i = 0; i < bx_nfiles + BX_ARRAY_LEN(extra); i++) {
		const char *name = i < bx_nfiles ? bx_files[i].name : extra[i - bx_nfiles];
		if (strchr(name, '*'))
			continue;
		char *raw = NULL;
		ck_assert_msg(bx_cgfs_read(fs, cg, name, &raw, &e) == 0, "%s", e ? e->msg : "");
		char *c = bx_canon_file(name, raw);
		if (strcmp(name, "misc.max") == 0) {
			/* The kernel lists every resource, "max" when unlimited: a
			 * line "sev max" and no line are the same value. */
			bx_buf m = {0};
			bx_buf_puts(&m, "");
			for (char *l = c; *l;) {
				size_t n = strcspn(l, "\n");
				if (n < 4 || strncmp(l + n - 4, " max", 4) != 0) {
					bx_buf_add(&m, l, n);
					bx_buf_puts(&m, ";");
				}
				l += n + (l[n] != 0);
			}
			free(c);
			c = bx_buf_take(&m);
		}
		bx_buf_printf(b, "%s/%s=%s\n", cg, name, c);
		free(c);
		free(raw);
	}
	char **kids;
	size_t n;
	ck_assert_int_eq(bx_cgfs_children(fs, cg, &kids, &n, &e), 0);
	for (size_t i = 0; i < n; i++) {
		char *child = *cg ? bx_sprintf("%s/%s", cg, kids[i]) : strdup(kids[i]);
		bx_buf_printf(b, "cgroup %s\n", child);
		canon_walk(fs, child, b);
		free(child);
	}
	bx_strv_free(kids, n);
}

static char *canon_tree(bx_cgfs *fs)
{
	bx_buf b = {0};
	bx_buf_puts(&b, "");
	canon_walk(fs, "", &b);
	return bx_buf_take(&b);
}

/* The undo logic alone (no byte-exact fix-up): after running the first m
 * steps, undoing them gives back every value, for every m. */
START_TEST(semantic_undo_restores_every_value)
{
	fx f;
	fx_open(&f, "apply");
	char *want = canon_tree(f.fs);
	for (size_t m = 1; m <= f.b.n; m++) {
		bx_undo *v = calloc(m, sizeof *v);
		bx_hooks h = {0};
		bx_error *e = NULL;
		for (size_t i = 0; i < m; i++) {
			ck_assert_msg(bx_capture(f.fs, &f.b.v[i], (long)i, NULL, false, &v[i], &e) == 0,
				      "%s", e->msg);
			ck_assert_msg(bx_step_run(f.fs, &h, &f.b.v[i], NULL, &e) == 0, "step %zu: %s", i + 1,
				      e->msg);
		}
		bx_rollback rb = { .fs = f.fs, .hooks = &h, .exact = false };
		ck_assert_msg(bx_rollback_run(&rb, v, m, &e) == 0, "m=%zu: %s", m, e ? e->msg : "");
		ck_assert_uint_eq(rb.undone, m);
		char *got = canon_tree(f.fs);
		if (strcmp(got, want) != 0)
			for (const char *g = got, *w = want; *g || *w;) {
				size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");
				if (gl != wl || strncmp(g, w, gl)) {
					fprintf(stderr, "m=%zu: got  %.*s\n      want %.*s\n", m, (int)gl, g,
						(int)wl, w);
					break;
				}
				g += gl + (g[gl] != 0), w += wl + (w[wl] != 0);
			}
		ck_assert_msg(strcmp(got, want) == 0, "m=%zu: values differ after undo", m);
		free(got);
		bx_rollback_free(&rb);
		bx_undov_free(v, m);
	}
	free(want);
	fx_close(&f);
}
END_TEST

/* Undo records replayed when their step never ran are harmless. */
START_TEST(undo_is_safe_when_the_step_never_ran)
{
	fx f;
	fx_open(&f, "apply");
	bx_undo *v = calloc(f.b.n, sizeof *v);
	bx_error *e = NULL;
	bx_hooks h = {0};
	/* Capture every record against the untouched tree, run nothing. */
	size_t n = 0;
	for (size_t i = 0; i < f.b.n; i++) {
		/* Records of steps inside cgroups the plan creates cannot be
		 * captured before those exist; the rest can. */
		bool in_new = false;
		for (size_t j = 0; j < f.b.n && f.b.v[i].op != BX_OP_MKDIR; j++)
			in_new |= f.b.v[j].op == BX_OP_MKDIR &&
				  strcmp(f.b.v[j].cgroup, f.b.v[i].cgroup) == 0;
		if (in_new)
			continue;
		ck_assert_msg(bx_capture(f.fs, &f.b.v[i], (long)i, NULL, false, &v[n], &e) == 0, "%s",
			      e->msg);
		n++;
	}
	bx_rollback rb = { .fs = f.fs, .hooks = &h, .exact = true };
	ck_assert_msg(bx_rollback_run(&rb, v, n, &e) == 0, "%s", e ? e->msg : "");
	ck_assert_msg(h.count == 0, "%ld writes", h.count); /* nothing differed: nothing written */
	fx_assert_unchanged(&f, "undo of steps that never ran");
	bx_rollback_free(&rb);
	bx_undov_free(v, n);
	fx_close(&f);
}
END_TEST

/* A value the kernel accepts but reads back differently fails the step
 * (the kernel rounds memory.max down to pages, say): bx_step_run reads it
 * back. A whole plan whose shown value differs from its written bytes is
 * refused before anything (see below), so the step runs on its own. */
START_TEST(a_value_that_reads_back_differently_fails_the_step)
{
	fx f;
	fx_open(&f, "apply");
	bx_plan p = { .base_path = strdup(f.fs->base_path), .dirmode = true };
	ta_step(&p, BX_OP_WRITE, FX_B1, "memory.max", NULL, "1000000", "999424");
	bx_hooks h = {0};
	bx_error *e = NULL;
	ck_assert_int_eq(bx_step_run(f.fs, &h, &p.v[0], NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e->msg, "reads back \"1000000\", not \"999424\""));
	ck_assert_int_eq(e->errnum, 0);
	bx_error_free(e);
	ta_plan_free(&p);
	fx_close(&f);
}
END_TEST

/* What is shown is what is written, and every value has its file's
 * syntax: a plan that breaks either is refused before anything runs. */
START_TEST(a_plan_showing_other_bytes_or_bad_values_is_refused)
{
	static const struct {
		const char *file, *key, *write, *new_, *why;
	} bad[] = {
		{ "memory.max", NULL, "1000000", "999424", "other bytes" },
		{ "pids.max", NULL, "4242", "512", "other bytes" },
		{ "pids.max", NULL, "-1", "-1", "not valid" },
		{ "pids.max", NULL, "1 2", "1 2", "not valid" },
		{ "cpu.max", NULL, "max", "max", "not valid" },
		{ "cpu.weight", NULL, "0", "0", "not valid" },
		{ "cpu.weight.nice", NULL, "20", "20", "not valid" },
		{ "cpu.idle", NULL, "2", "2", "not valid" },
		{ "cpuset.cpus", NULL, "0-3,x", "0-3,x", "not valid" },
		{ "io.max", "8:0", "8:0 rbps=1 evil=2", "rbps=1 evil=2", "not valid" },
		{ "io.max", "sda", "sda rbps=1", "rbps=1", "not valid" },
		{ "io.max", NULL, "8:0 rbps=1", "8:0 rbps=1", "not valid" },
		{ "io.weight", "default", "default default", "default", "not valid" },
		{ "misc.max", "S EV", "S EV 1", "1", "malformed key" },
		{ "memory.max", NULL, "1\n2", "1\n2", "line" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
		fx f;
		fx_open(&f, "apply");
		bx_plan p = { .base_path = strdup(f.fs->base_path), .dirmode = true };
		TA_WRITE(&p, FX_B1, "pids.max", "300");
		ta_step(&p, BX_OP_WRITE, FX_B1, bad[i].file, bad[i].key, bad[i].write, bad[i].new_);
		bx_apply_opts o = { .state_dir = f.state };
		bx_apply_result r;
		bx_error *e = NULL;
		ck_assert_int_eq(bx_apply(f.fs, &p, &o, &r, &e), -1);
		ck_assert_msg(strstr(e->msg, bad[i].why), "%zu: %s", i, e->msg);
		ck_assert_uint_eq(r.steps_done, 0);
		fx_assert_unchanged(&f, "refused plan");
		bx_error_free(e);
		bx_apply_result_free(&r);
		ta_plan_free(&p);
		fx_close(&f);
	}
	/* and the values boxcg does write pass */
	static const struct {
		const char *file, *key, *value;
	} good[] = {
		{ "memory.max", NULL, "max" },	{ "memory.max", NULL, "1073741824" },
		{ "cpu.max", NULL, "max 100000" }, { "cpu.max", NULL, "50000 100000" },
		{ "cpu.weight.nice", NULL, "-20" }, { "cpuset.cpus", NULL, "" },
		{ "cpuset.cpus", NULL, "0-3,6" }, { "io.max", "8:0", "rbps=max wbps=1 riops=2 wiops=max" },
		{ "io.weight", "default", "100" }, { "io.weight", "8:16", "default" },
		{ "misc.max", "sev", "max" },	{ "hugetlb.2MB.max", NULL, "0" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(good); i++)
		ck_assert_msg(bx_value_syntax_ok(good[i].file, good[i].key, good[i].value), "%s %s",
			      good[i].file, good[i].value);
}
END_TEST

/* A plan whose premises no longer hold is stopped before its first
 * mutation of the tree, and what ran is undone. */
START_TEST(a_stale_step_is_refused_before_it_runs)
{
	fx f;
	fx_open(&f, "apply");
	bx_plan p = { .base_path = strdup(f.fs->base_path), .dirmode = true };
	TA_WRITE(&p, FX_B1, "pids.max", "300");
	TA_MKDIR(&p, "boxlite/old"); /* exists already */
	bx_apply_opts o = { .state_dir = f.state };
	bx_apply_result r;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_apply(f.fs, &p, &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, EEXIST);
	ck_assert_ptr_nonnull(strstr(e->msg, "the plan is stale"));
	ck_assert(r.rolled_back);
	fx_assert_unchanged(&f, "stale mkdir");
	bx_error_free(e);
	e = NULL;
	bx_apply_result_free(&r);
	ta_plan_free(&p);

	p = (bx_plan){ .base_path = strdup(f.fs->base_path), .dirmode = true };
	TA_RMDIR(&p, "boxlite/nope");
	ck_assert_int_eq(bx_apply(f.fs, &p, &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	fx_assert_unchanged(&f, "stale rmdir");
	bx_error_free(e);
	bx_apply_result_free(&r);
	ta_plan_free(&p);
	fx_close(&f);
}
END_TEST

static void expect_refused(fx *f, bx_plan *p, const char *needle)
{
	char *state = bx_sprintf("%s/never", f->tmp);
	bx_apply_opts o = { .state_dir = state };
	bx_apply_result r;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_apply(f->fs, p, &o, &r, &e), -1);
	ck_assert_msg(strstr(e->msg, needle), "'%s' lacks '%s'", e->msg, needle);
	ck_assert(!r.failed);
	/* Refused before anything: not even the state directory. */
	ck_assert_int_ne(access(state, F_OK), 0);
	fx_assert_unchanged(f, needle);
	bx_error_free(e);
	free(state);
	ta_plan_free(p);
}

START_TEST(hostile_plans_are_refused_before_anything)
{
	fx f;
	fx_open(&f, "apply");
	bx_plan p = { .base_path = strdup(f.fs->base_path), .dirmode = true };
	TA_WRITE(&p, FX_B1, "pids.max", "300");
	TA_MKDIR(&p, "../escape");
	expect_refused(&f, &p, "step 2 unsafe cgroup path");
	p = (bx_plan){ .base_path = strdup(f.fs->base_path), .dirmode = true };
	TA_WRITE(&p, FX_B1, "cgroup.procs", "1");
	expect_refused(&f, &p, "a file boxcg does not manage");
	p = (bx_plan){ .base_path = strdup(f.fs->base_path), .dirmode = true };
	TA_WRITE(&p, FX_B1, "../../etc/passwd", "x");
	expect_refused(&f, &p, "a file boxcg does not manage");
	p = (bx_plan){ .base_path = strdup(f.fs->base_path), .dirmode = true };
	TA_WRITE(&p, FX_B1, "pids.max", "1\n2");
	expect_refused(&f, &p, "more than one line");
	p = (bx_plan){ .base_path = strdup(f.fs->base_path), .dirmode = true };
	TA_ENABLE(&p, FX_B1, "+memory; rm -rf /");
	expect_refused(&f, &p, "malformed subtree_control");
	p = (bx_plan){ .base_path = strdup(f.fs->base_path), .dirmode = true };
	TA_RMDIR(&p, "");
	expect_refused(&f, &p, "the base itself");
	p = (bx_plan){ .base_path = strdup("/elsewhere"), .dirmode = true };
	TA_WRITE(&p, FX_B1, "pids.max", "300");
	expect_refused(&f, &p, "the plan was made for /elsewhere");
	p = (bx_plan){ .base_path = strdup(f.fs->base_path), .dirmode = false };
	TA_WRITE(&p, FX_B1, "pids.max", "300");
	expect_refused(&f, &p, "the plan was made for");
	fx_close(&f);
}
END_TEST

START_TEST(an_empty_plan_touches_nothing)
{
	fx f;
	fx_open(&f, "apply");
	char *state = bx_sprintf("%s/never", f.tmp);
	bx_plan p = { .base_path = strdup(f.fs->base_path), .dirmode = true };
	bx_apply_opts o = { .state_dir = state };
	bx_apply_result r;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_apply(f.fs, &p, &o, &r, &e), 0);
	ck_assert_int_eq(r.mutations, 0);
	ck_assert_int_ne(access(state, F_OK), 0);
	fx_assert_unchanged(&f, "empty plan");
	free(state);
	ta_plan_free(&p);
	fx_close(&f);
}
END_TEST

START_TEST(a_pending_journal_blocks_apply)
{
	fx f;
	fx_open(&f, "apply");
	ta_write_state(f.state, "journal", "");
	bool pending = false;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_apply_pending(f.state, &pending, &e), 0);
	ck_assert(pending);
	bx_apply_opts o = { .state_dir = f.state };
	bx_apply_result r;
	ck_assert_int_eq(bx_apply(f.fs, &f.b, &o, &r, &e), -1);
	ck_assert_int_eq(e->errnum, EEXIST);
	ck_assert_ptr_nonnull(strstr(e->msg, "run `boxcg recover` first"));
	ck_assert_int_eq(r.mutations, 0);
	fx_assert_unchanged(&f, "journal pending");
	bx_error_free(e);
	e = NULL;
	/* No state directory at all: nothing pending. */
	char *none = bx_sprintf("%s/none", f.tmp);
	ck_assert_int_eq(bx_apply_pending(none, &pending, &e), 0);
	ck_assert(!pending);
	ck_assert_int_ne(access(none, F_OK), 0);
	free(none);
	fx_close(&f);
}
END_TEST

START_TEST(errnos_are_explained_in_cgroup_terms)
{
	bx_step en = { .op = BX_OP_ENABLE, .cgroup = "a", .file = "cgroup.subtree_control" };
	ck_assert_ptr_nonnull(strstr(bx_apply_explain(&en, EBUSY), "no-internal-process"));
	ck_assert_ptr_nonnull(strstr(bx_apply_explain(&en, ENOENT), "parent does not enable it"));
	bx_step cs = { .op = BX_OP_WRITE, .cgroup = "a", .file = "cpuset.cpus" };
	ck_assert_ptr_nonnull(strstr(bx_apply_explain(&cs, EINVAL), "outside the possible set"));
	ck_assert_ptr_nonnull(strstr(bx_apply_explain(&cs, ERANGE), "outside the possible set"));
	bx_step io = { .op = BX_OP_WRITE, .cgroup = "a", .file = "io.max" };
	ck_assert_ptr_nonnull(strstr(bx_apply_explain(&io, ENODEV), "partition"));
	bx_step mk = { .op = BX_OP_MKDIR, .cgroup = "a" };
	ck_assert_ptr_nonnull(strstr(bx_apply_explain(&mk, EAGAIN), "cgroup.max.descendants"));
	bx_step rm = { .op = BX_OP_RMDIR, .cgroup = "a" };
	ck_assert_ptr_nonnull(strstr(bx_apply_explain(&rm, EBUSY), "processes or child cgroups"));
	bx_step w = { .op = BX_OP_WRITE, .cgroup = "a", .file = "memory.max" };
	ck_assert_ptr_nonnull(strstr(bx_apply_explain(&w, ENOENT), "not enabled"));
	ck_assert_ptr_null(bx_apply_explain(&w, EIO));
	ck_assert_ptr_null(bx_apply_explain(&w, 0));
}
END_TEST

START_TEST(options_parse_strictly)
{
	double s;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_parse_seconds("30", &s, &e), 0);
	ck_assert(s == 30);
	ck_assert_int_eq(bx_parse_seconds("500ms", &s, &e), 0);
	ck_assert(s == 0.5);
	ck_assert_int_eq(bx_parse_seconds("2m", &s, &e), 0);
	ck_assert(s == 120);
	ck_assert_int_eq(bx_parse_seconds("0", &s, &e), 0);
	ck_assert(s == 0);
	const char *bad[] = { "", "-1", "x", "5 s", "1d", "nan", "inf", "+3" };
	for (size_t i = 0; i < BX_ARRAY_LEN(bad); i++) {
		ck_assert_msg(bx_parse_seconds(bad[i], &s, &e) == -1, "'%s' accepted", bad[i]);
		bx_error_free(e);
		e = NULL;
	}
	bx_apply_opts o = {0};
	ck_assert_int_eq(bx_apply_test_hooks(&o, "7", NULL, &e), 0);
	ck_assert_int_eq(o.fault_at, 7);
	ck_assert_int_eq(o.fault_errno, EIO);
	ck_assert_int_eq(o.fault_count, 1);
	ck_assert_int_eq(bx_apply_test_hooks(&o, "12,EBUSY", "40", &e), 0);
	ck_assert_int_eq(o.fault_at, 12);
	ck_assert_int_eq(o.fault_errno, EBUSY);
	ck_assert_int_eq(o.kill_at, 40);
	ck_assert_int_eq(bx_apply_test_hooks(&o, "3,19,1000", "", &e), 0);
	ck_assert_int_eq(o.fault_errno, 19);
	ck_assert_int_eq(o.fault_count, 1000);
	const char *badf[] = { "0", "x", "3,EWHAT", "3,5,", "3,5,0", "-2", "3;4" };
	for (size_t i = 0; i < BX_ARRAY_LEN(badf); i++) {
		ck_assert_msg(bx_apply_test_hooks(&o, badf[i], NULL, &e) == -1, "'%s' accepted", badf[i]);
		bx_error_free(e);
		e = NULL;
	}
	ck_assert_int_eq(bx_apply_test_hooks(&o, NULL, "0", &e), -1);
	bx_error_free(e);
	/* 0 means the default lock timeout, negative: do not wait. */
	bx_apply_opts d = {0};
	ck_assert(bx_apply_lock_timeout(&d) == 30);
	d.lock_timeout = -1;
	ck_assert(bx_apply_lock_timeout(&d) == 0);
}
END_TEST

Suite *suite_apply(void)
{
	Suite *s = suite_create("apply");
	TCase *tc = tcase_create("apply");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, plan_b_applies_and_reads_back);
	tcase_add_test(tc, a_fault_at_every_mutation_rolls_back_byte_for_byte);
	tcase_add_test(tc, semantic_undo_restores_every_value);
	tcase_add_test(tc, undo_is_safe_when_the_step_never_ran);
	tcase_add_test(tc, a_value_that_reads_back_differently_fails_the_step);
	tcase_add_test(tc, a_plan_showing_other_bytes_or_bad_values_is_refused);
	tcase_add_test(tc, a_stale_step_is_refused_before_it_runs);
	tcase_add_test(tc, hostile_plans_are_refused_before_anything);
	tcase_add_test(tc, an_empty_plan_touches_nothing);
	tcase_add_test(tc, a_pending_journal_blocks_apply);
	tcase_add_test(tc, errnos_are_explained_in_cgroup_terms);
	tcase_add_test(tc, options_parse_strictly);
	suite_add_tcase(s, tc);
	return s;
}
