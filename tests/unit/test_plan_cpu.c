/* plan: cpu.idle, cpu.weight.nice and cpu.weight are one kernel value
 * (the group's shares) and a switch (idle). Every transition among the
 * four modes a policy can ask for — nothing, a weight, a nice value, idle
 * — must produce a plan that the kernel accepts in that order and after
 * which the next plan is empty.
 *
 * Two ways: against a model of the kernel (kernel/sched/core.c: idle
 * forces the minimum shares and refuses weight writes with EINVAL; idle
 * back to 0 resets the shares to the default; nice sets them from the
 * nice table; the files read back what the shares give), and end to end
 * on directory roots (observe, plan, apply, plan again). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/apply.h"
#include "test_plan_fixture.h"

Suite *suite_plan_cpu(void);

#define A (const char *)NULL

/* --- the kernel's side (kernel/sched/core.c) ------------------------------ */

static const int prio_to_weight[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
	1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
	110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

typedef struct kcpu {
	int idle;
	long shares; /* scale_load_down(tg->shares) */
	char record[128]; /* user.boxcg.managed (records on) */
} kcpu;

/* Does the tree keep records of managed settings (plan/managed.h)? */
static bool records;

static long div_round(long a, long b) { return (a + b / 2) / b; }

static long k_weight(const kcpu *k) { return div_round(k->shares * 100, 1024); }

static int k_nice(const kcpu *k)
{
	int prio, last = 1 << 30;
	for (prio = 0; prio < 40; prio++) {
		int delta = abs(prio_to_weight[prio] - (int)k->shares);
		if (delta >= last)
			break;
		last = delta;
	}
	return prio - 1 - 20;
}

/* 0, or the errno the kernel returns. */
static int k_write(kcpu *k, const char *file, const char *v)
{
	long n = strtol(v, NULL, 10);
	if (strcmp(file, "cpu.idle") == 0) {
		if (n != k->idle) {
			k->idle = (int)n;
			k->shares = n ? 3 : 1024;
		}
		return 0;
	}
	if (k->idle)
		return EINVAL;
	if (strcmp(file, "cpu.weight") == 0)
		k->shares = div_round(n * 1024, 100);
	else if (strcmp(file, "cpu.weight.nice") == 0)
		k->shares = prio_to_weight[n + 20];
	else
		return ENOENT;
	return 0;
}

/* --- the four modes ----------------------------------------------------- */

enum { M_NONE, M_WEIGHT, M_NICE, M_IDLE, NMODES };
static const char *const mode_name[NMODES] = { "nothing", "weight", "nice", "idle" };

/* A box class asking for `mode`: weight w / nice n. */
static bx_policy *policy_of(int mode, const char *w, const char *n)
{
	bx_policy *p = fx_policy("boxlite");
	size_t c = fx_class(p, "small", 5);
	fx_set(p, c, "box", "pids.max", NULL, "100", 6); /* the class is never empty */
	if (mode == M_WEIGHT)
		fx_set(p, c, "box", "cpu.weight", NULL, w, 7);
	else if (mode == M_NICE)
		fx_set(p, c, "box", "cpu.weight.nice", NULL, n, 7);
	else if (mode == M_IDLE)
		fx_set(p, c, "box", "cpu.idle", NULL, "1", 7);
	fx_box(p, "b1", "small", 20);
	return p;
}

/* What the kernel reads for box b1 in model state k. */
static bx_state *state_of(const kcpu *k)
{
	bx_state *st = fx_state();
	st->v[0].subtree_control = bx_ctrl_parse_list("cpu pids");
	fx_children(fx_cg(st, "boxlite", "cpu pids", A), "small", A);
	fx_children(fx_cg(st, "boxlite/small", "cpu pids", A), "b1", A);
	char idle[8], weight[24], nice[8];
	snprintf(idle, sizeof idle, "%d", k->idle);
	snprintf(weight, sizeof weight, "%ld", k_weight(k));
	snprintf(nice, sizeof nice, "%d", k_nice(k));
	bx_cg_state *b = fx_cg(st, "boxlite/small/b1", "", "pids.max=100", A);
	bx_cg_set_file(b, "cpu.idle", idle);
	bx_cg_set_file(b, "cpu.weight", weight);
	bx_cg_set_file(b, "cpu.weight.nice", nice);
	if (records) {
		st->v[0].observed |= BX_OBS_MANAGED;
		b->observed |= BX_OBS_MANAGED;
		b->managed = strdup(k->record);
	}
	bx_state_sort(st);
	return st;
}

static bx_plan *plan_of(const bx_policy *p, const bx_state *st)
{
	bx_plan *pl = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_plan_compute(p, st, NULL, &pl, &e) == 0, "%s", e ? e->msg : "");
	return pl;
}

/* Run the plan's writes on the model, in order, as the kernel would. */
static void k_apply(kcpu *k, const bx_plan *pl, const char *what)
{
	for (size_t i = 0; i < pl->n; i++) {
		const bx_step *s = &pl->v[i];
		if (records && s->op == BX_OP_RECORD && strcmp(s->cgroup, "boxlite/small/b1") == 0) {
			ck_assert(strlen(s->write) < sizeof k->record);
			strcpy(k->record, s->write);
			continue;
		}
		ck_assert_msg(s->op == BX_OP_WRITE && strcmp(s->cgroup, "boxlite/small/b1") == 0,
			      "%s: unexpected step %zu", what, i);
		int e = k_write(k, s->file, s->write);
		ck_assert_msg(e == 0, "%s: step %zu (write %s to %s) fails with %s", what, i, s->write,
			      s->file, strerror(e));
	}
}

/* The kernel state that mode m (w, n) leaves on a fresh box. */
static kcpu k_mode(int m, const char *w, const char *n)
{
	kcpu k = { 0, 1024, "" };
	if (records || m != M_NONE) {
		bx_policy *p = policy_of(m, w, n);
		bx_state *st = state_of(&k);
		bx_plan *pl = plan_of(p, st);
		k_apply(&k, pl, "setup");
		bx_plan_free(pl);
		bx_state_free(st);
		bx_policy_free(p);
	}
	return k;
}

/* _i: 0 without records (a removed key is left alone), 1 with them (it
 * goes back to the kernel's default). */
START_TEST(every_transition_converges_on_the_kernel_model)
{
	records = _i;
	/* from-values differ from the to-values, so every mode change and
	 * every same-mode change has something to do */
	for (int from = 0; from < NMODES; from++) {
		for (int to = 0; to < NMODES; to++) {
			char what[64];
			snprintf(what, sizeof what, "%s -> %s", mode_name[from], mode_name[to]);
			kcpu k = k_mode(from, "300", "-3");
			kcpu before = k;
			bx_policy *p = policy_of(to, "150", "5");
			bx_state *st = state_of(&k);
			bx_plan *pl = plan_of(p, st);
			k_apply(&k, pl, what);
			bx_plan_free(pl);
			bx_state_free(st);
			/* what reads back now */
			switch (to) {
			case M_NONE:
				if (records) /* boxcg set it: back to the default */
					ck_assert_msg(!k.idle && k.shares == 1024, "%s: idle %d weight %ld", what,
						      k.idle, k_weight(&k));
				else /* not declared, never known: left as it was */
					ck_assert_msg(k.idle == before.idle && k.shares == before.shares, "%s",
						      what);
				break;
			case M_WEIGHT:
				ck_assert_msg(!k.idle && k_weight(&k) == 150, "%s: idle %d weight %ld", what,
					      k.idle, k_weight(&k));
				break;
			case M_NICE:
				ck_assert_msg(!k.idle && k_nice(&k) == 5, "%s: idle %d nice %d", what, k.idle,
					      k_nice(&k));
				break;
			case M_IDLE:
				ck_assert_msg(k.idle == 1, "%s", what);
				break;
			}
			/* and the next plan is empty */
			st = state_of(&k);
			pl = plan_of(p, st);
			char *steps = fx_steps(pl);
			ck_assert_msg(pl->n == 0, "%s: second plan:\n%s", what, steps);
			free(steps);
			bx_plan_free(pl);
			bx_state_free(st);
			bx_policy_free(p);
		}
	}
}
END_TEST

/* The plans themselves, from the kernel's reads. */
START_TEST(idle_is_cleared_before_a_weight_or_nice_is_written)
{
	records = false;
	kcpu idle = { 1, 3, "" };
	struct {
		int to;
		const char *want;
	} cases[] = {
		{ M_WEIGHT, "WRITE boxlite/small/b1 cpu.idle 0\n"
			    "WRITE boxlite/small/b1 cpu.weight 150\n" },
		{ M_NICE, "WRITE boxlite/small/b1 cpu.idle 0\n"
			  "WRITE boxlite/small/b1 cpu.weight.nice 5\n" },
		{ M_IDLE, "" },
		{ M_NONE, "" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		bx_policy *p = policy_of(cases[i].to, "150", "5");
		bx_state *st = state_of(&idle);
		bx_plan *pl = plan_of(p, st);
		FX_PLAN_EQ(pl, cases[i].want);
		if (pl->n) {
			/* the undeclared cpu.idle write names the weight's line */
			ck_assert_str_eq(pl->v[0].old, "1");
			ck_assert_str_eq(pl->v[0].new, "0");
			ck_assert_uint_eq(pl->v[0].loc.line, 7);
			ck_assert_str_eq(pl->v[0].ypath, cases[i].to == M_WEIGHT
								 ? "classes.small.box.cpu.weight"
								 : "classes.small.box.cpu.weight.nice");
			/* what the weight reads once idle is 0 */
			ck_assert_str_eq(pl->v[1].old, cases[i].to == M_WEIGHT ? "100" : "0");
			ck_assert_uint_eq(pl->to_change, 2);
		}
		bx_plan_free(pl);
		bx_state_free(st);
		bx_policy_free(p);
	}
	/* weight 100 after idle: clearing idle is all it takes */
	bx_policy *p = policy_of(M_WEIGHT, "100", "0");
	bx_state *st = state_of(&idle);
	bx_plan *pl = plan_of(p, st);
	FX_PLAN_EQ(pl, "WRITE boxlite/small/b1 cpu.idle 0\n");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* A weight and a nice value are two views of one value: the declared one
 * is compared, the other is not (it reads an approximation). */
START_TEST(the_declared_view_is_the_one_compared)
{
	records = false;
	kcpu k = k_mode(M_NICE, "0", "5"); /* weight reads 33 */
	ck_assert_int_eq(k_weight(&k), 33);
	bx_policy *p = policy_of(M_NICE, "0", "5");
	bx_state *st = state_of(&k);
	bx_plan *pl = plan_of(p, st);
	FX_PLAN_EQ(pl, "");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
	/* weight 33 declared over nice 5: it reads 33, nothing to do */
	p = policy_of(M_WEIGHT, "33", "0");
	st = state_of(&k);
	pl = plan_of(p, st);
	FX_PLAN_EQ(pl, "");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
	/* weight 150 reads nice -2: a policy of nice -2 is satisfied */
	k = k_mode(M_WEIGHT, "150", "0");
	ck_assert_int_eq(k_nice(&k), -2);
	p = policy_of(M_NICE, "0", "-2");
	st = state_of(&k);
	pl = plan_of(p, st);
	FX_PLAN_EQ(pl, "");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
}
END_TEST

/* With records: what boxcg set and the policy no longer declares goes
 * back to the default, and the record follows the policy. */
START_TEST(removed_cpu_keys_go_back_to_the_default)
{
	records = true;
	struct {
		int from, to;
		const char *want;
	} cases[] = {
		{ M_WEIGHT, M_NONE, "WRITE boxlite/small/b1 cpu.weight 100\n"
				    "RECORD boxlite/small/b1 [pids.max]\n" },
		{ M_NICE, M_NONE, "WRITE boxlite/small/b1 cpu.weight 100\n"
				  "RECORD boxlite/small/b1 [pids.max]\n" },
		/* idle 0 resets the weight: nothing more */
		{ M_IDLE, M_NONE, "WRITE boxlite/small/b1 cpu.idle 0\n"
				  "RECORD boxlite/small/b1 [pids.max]\n" },
		/* the other view of the same value: not reset */
		{ M_WEIGHT, M_NICE, "WRITE boxlite/small/b1 cpu.weight.nice 5\n"
				    "RECORD boxlite/small/b1 [cpu.weight.nice pids.max]\n" },
		{ M_NICE, M_WEIGHT, "WRITE boxlite/small/b1 cpu.weight 150\n"
				    "RECORD boxlite/small/b1 [cpu.weight pids.max]\n" },
		/* an idle cgroup's weight cannot be written: not reset */
		{ M_WEIGHT, M_IDLE, "WRITE boxlite/small/b1 cpu.idle 1\n"
				    "RECORD boxlite/small/b1 [cpu.idle pids.max]\n" },
		{ M_IDLE, M_WEIGHT, "WRITE boxlite/small/b1 cpu.idle 0\n"
				    "WRITE boxlite/small/b1 cpu.weight 150\n"
				    "RECORD boxlite/small/b1 [cpu.weight pids.max]\n" },
		{ M_NONE, M_NONE, "" },
	};
	for (size_t i = 0; i < BX_ARRAY_LEN(cases); i++) {
		kcpu k = k_mode(cases[i].from, "300", "-3");
		bx_policy *p = policy_of(cases[i].to, "150", "5");
		bx_state *st = state_of(&k);
		bx_plan *pl = plan_of(p, st);
		FX_PLAN_EQ(pl, cases[i].want);
		for (size_t j = 0; j < pl->n; j++) {
			if (pl->v[j].op != BX_OP_WRITE || pl->v[j].loc.file)
				continue;
			/* a reset: no policy line asked for it */
			ck_assert_ptr_null(pl->v[j].ypath);
		}
		bx_plan_free(pl);
		bx_state_free(st);
		bx_policy_free(p);
	}
	/* A runtime's own idle over a box boxcg gave a weight that the
	 * policy dropped: the weight cannot be written, the idle is not
	 * boxcg's. */
	kcpu k = k_mode(M_WEIGHT, "300", "0");
	ck_assert_int_eq(k_write(&k, "cpu.idle", "1"), 0);
	bx_policy *p = policy_of(M_NONE, "0", "0");
	bx_state *st = state_of(&k);
	bx_plan *pl = plan_of(p, st);
	FX_PLAN_EQ(pl, "RECORD boxlite/small/b1 [pids.max]\n");
	bx_plan_free(pl);
	bx_state_free(st);
	bx_policy_free(p);
	records = false;
}
END_TEST

/* --- end to end on directory roots ---------------------------------------- */

static char root[256];

static void setup(void)
{
	snprintf(root, sizeof root, "/tmp/bx-plancpu-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Observe, plan and apply `p` on the directory root `dir`; returns the
 * plan's steps as fx_steps lines. */
static char *apply_dir(const char *dir, const bx_policy *p)
{
	bx_cgfs *fs = NULL;
	bx_error *e = NULL;
	ck_assert_msg(bx_cgfs_open(dir, &fs, &e) == 0, "%s", e ? e->msg : "");
	bx_state *st = NULL;
	ck_assert_msg(bx_observe(fs, p, NULL, &st, &e) == 0, "%s", e ? e->msg : "");
	bx_plan *pl = plan_of(p, st);
	char *steps = fx_steps(pl);
	char state_dir[300];
	snprintf(state_dir, sizeof state_dir, "%s.state", dir);
	bx_apply_opts o = { .state_dir = state_dir };
	bx_apply_result r = {0};
	ck_assert_msg(bx_apply(fs, pl, &o, &r, &e) == 0, "%s", e ? e->msg : "");
	bx_apply_result_free(&r);
	bx_plan_free(pl);
	bx_state_free(st);
	bx_cgfs_close(fs);
	return steps;
}

/* The box's writes only: what the transition changes. */
static char *box_lines(const char *steps)
{
	bx_buf b = {0};
	bx_buf_add(&b, "", 0);
	for (const char *l = steps; *l;) {
		size_t n = strcspn(l, "\n");
		if (strncmp(l, "WRITE boxlite/small/b1 cpu.", 27) == 0)
			bx_buf_printf(&b, "%.*s\n", (int)(n - 23), l + 23);
		l += n + (l[n] == '\n');
	}
	return bx_buf_take(&b);
}

START_TEST(every_transition_converges_on_directory_roots)
{
	/* the box's cpu writes of each transition (from rows, to columns) */
	static const char *const want[NMODES][NMODES] = {
		/* from nothing */
		{ "", "cpu.weight 150\n", "cpu.weight.nice 5\n", "cpu.idle 1\n" },
		/* from weight 300: to nothing, boxcg's weight goes back to 100 */
		{ "cpu.weight 100\n", "cpu.weight 150\n", "cpu.weight.nice 5\n", "cpu.idle 1\n" },
		/* from nice -3 (plain files: the weight file still reads 100,
		 * so going back to the default writes nothing) */
		{ "", "cpu.weight 150\n", "cpu.weight.nice 5\n", "cpu.idle 1\n" },
		/* from idle */
		{ "cpu.idle 0\n", "cpu.idle 0\ncpu.weight 150\n", "cpu.idle 0\ncpu.weight.nice 5\n", "" },
	};
	int k = 0;
	for (int from = 0; from < NMODES; from++) {
		for (int to = 0; to < NMODES; to++, k++) {
			char dir[300], what[64];
			snprintf(dir, sizeof dir, "%s/t%d", root, k);
			ck_assert_int_eq(mkdir(dir, 0755), 0);
			snprintf(what, sizeof what, "%s -> %s", mode_name[from], mode_name[to]);
			bx_policy *pf = policy_of(from, "300", "-3");
			free(apply_dir(dir, pf));
			bx_policy_free(pf);
			bx_policy *pt = policy_of(to, "150", "5");
			char *steps = apply_dir(dir, pt);
			char *got = box_lines(steps);
			ck_assert_msg(strcmp(got, want[from][to]) == 0, "%s:\n%s\nwant:\n%s", what, got,
				      want[from][to]);
			free(got);
			free(steps);
			/* converged */
			steps = apply_dir(dir, pt);
			ck_assert_msg(strcmp(steps, "") == 0, "%s: second plan:\n%s", what, steps);
			free(steps);
			bx_policy_free(pt);
		}
	}
}
END_TEST

Suite *suite_plan_cpu(void)
{
	Suite *s = suite_create("plan_cpu");
	TCase *t = tcase_create("model");
	tcase_add_loop_test(t, every_transition_converges_on_the_kernel_model, 0, 2);
	tcase_add_test(t, idle_is_cleared_before_a_weight_or_nice_is_written);
	tcase_add_test(t, the_declared_view_is_the_one_compared);
	tcase_add_test(t, removed_cpu_keys_go_back_to_the_default);
	suite_add_tcase(s, t);
	t = tcase_create("dirs");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, every_transition_converges_on_directory_roots);
	suite_add_tcase(s, t);
	return s;
}
