/* boxcg apply [--prune] [--lock-timeout DUR] POLICY...
 * boxcg apply --plan PLANFILE [--lock-timeout DUR]
 *
 * Load → observe → plan → show the plan → apply it as one transaction,
 * all under the state directory's lock, so nobody changes the tree
 * between the plan and its application. A saved plan is applied only
 * while the live tree is still what it was computed from, and only when
 * it is exactly what boxcg plans now from the policy the file records
 * (docs/APPLY.md, "Trust model"); the base is --root or discovery, never
 * the file's.
 *
 * A plan whose only steps are records of the settings boxcg manages
 * (user.boxcg.managed, on a tree made by hand or by an older boxcg) is
 * applied too, silently: it prints "No changes.", as terraform updates its
 * state without calling it a change.
 *
 * Exit: 0 applied (or "No changes."); 1 invalid policy, stale plan, or a
 * failed apply that was rolled back completely; 3 a failed apply whose
 * rollback failed too (the journal is kept: `boxcg recover`). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/lock.h"
#include "apply/step.h"
#include "cgroupfs/cgfs.h"
#include "cli.h"
#include "core/util.h"
#include "plan/plan.h"
#include "plan/planfile.h"
#include "plan/state.h"
#include "policy/policy.h"
#include "progress.h"

typedef struct apply_args {
	bool prune;
	const char *planfile;
	char **paths;
	int npaths;
	bx_apply_opts o;
} apply_args;

static void error_line(cli *c, const char *msg)
{
	cleanup_free char *safe = cli_esc(msg);
	fprintf(stderr, "boxcg: %serror:%s %s\n", cli_color(c->color_err, CLI_RED),
		cli_color(c->color_err, CLI_RESET), safe ? safe : "out of memory");
}

/* The failed step: what it did, which policy line asked for it, and what
 * the kernel's errno means for it. */
static void explain_failure(cli *c, const bx_plan *plan, const bx_apply_result *r, int errnum)
{
	if (r->phase == BX_PHASE_BEGIN) {
		fprintf(stderr, "  while starting the transaction (writing the journal)\n");
		return;
	}
	if (r->phase == BX_PHASE_COMMIT) {
		fprintf(stderr, "  while committing the transaction (removing the journal)\n");
		return;
	}
	const bx_step *s = &plan->v[r->failed_step];
	cleanup_free char *what = bx_step_describe(s);
	fprintf(stderr, "  step %zu of %zu: %s\n", r->failed_step + 1, plan->n, what ? what : "?");
	if (s->loc.file) {
		cleanup_free char *shown = bx_path_relative(s->loc.file, cli_cwd());
		cleanup_free char *file = bx_esc(shown ? shown : s->loc.file);
		fprintf(stderr, "  asked for by %s:%u:%u%s%s%s\n", file ? file : "?", s->loc.line,
			s->loc.col, s->ypath ? " (" : "", s->ypath ? s->ypath : "", s->ypath ? ")" : "");
	}
	if (r->journal_failed) {
		fprintf(stderr, "  the journal could not be written, so the step did not run\n");
		return;
	}
	const char *why = bx_apply_explain(s, errnum);
	if (why)
		fprintf(stderr, "  %s\n", why);
	else if (errnum == 0)
		fprintf(stderr, "  the kernel accepted the value but does not read it back as planned\n");
}

static int report(cli *c, const bx_plan *plan, const char *state_dir, bx_apply_result *r,
		  bx_error *e)
{
	/* The step's own error first, then (if any) the rollback's. */
	error_line(c, e->msg ? e->msg : "apply failed");
	explain_failure(c, plan, r, e->errnum);
	for (bx_error *x = e->also; x; x = x->also)
		error_line(c, x->msg ? x->msg : "rollback failed");
	int status = BX_EXIT_ERROR;
	if (r->rollback_failed) {
		if (r->nunrestored) {
			fprintf(stderr, "Not restored:\n");
			for (size_t i = 0; i < r->nunrestored; i++)
				fprintf(stderr, "  %s\n", r->unrestored[i]);
		}
		fprintf(stderr, "The journal %s/" BX_JOURNAL_NAME " is kept: run `boxcg recover`.\n",
			state_dir);
		status = BX_EXIT_ROLLBACK_FAILED;
	} else if (r->steps_done == 0 && r->phase != BX_PHASE_COMMIT) {
		fprintf(stderr, "Nothing was changed: the tree is as it was.\n");
	} else {
		fprintf(stderr,
			"Rolled back: %zu completed %s undone; every restored value reads back as "
			"before.\n",
			r->steps_done, r->steps_done == 1 ? "step" : "steps");
	}
	bx_error_free(e);
	bx_apply_result_free(r);
	return status;
}

/* The summary ("Plan: 2 to create, …"); -v: every step, as `plan` shows
 * them (a plan already seen, not reprinted by default). */
static int print_plan(cli *c, const bx_plan *plan)
{
	bx_render_opts ro = { .color = c->color, .verbose = c->verbose > 0, .columns = cli_columns(),
			      .cwd = cli_cwd(), .summary_only = c->verbose == 0 };
	cleanup_free char *text = bx_plan_render_text(plan, &ro);
	if (!text)
		return -1;
	if (!c->quiet || !bx_plan_has_changes(plan))
		fputs(text, stdout);
	fflush(stdout);
	return 0;
}

/* Compute the plan from the policy, under the lock. */
static int plan_from_policy(cli *c, apply_args *a, bx_cgfs *fs, bx_plan **plan, bx_error **err)
{
	bx_diags d = {0};
	bx_policy *p = NULL;
	if (bx_policy_load((const char *const *)a->paths, (size_t)a->npaths, &fs->facts, &p, &d,
			   err) < 0) {
		bx_diags_free(&d);
		return -1;
	}
	cli_print_diags(c, &d);
	size_t errors = d.errors;
	bx_diags_free(&d);
	if (errors || !p)
		return bx_err(err, 0, "the policy has %zu %s: nothing applied", errors,
			      errors == 1 ? "error" : "errors");
	bx_state *st = NULL;
	bx_scope scope = {0};
	/* The fingerprint only goes into the journal's header: none when
	 * there is nothing to apply. */
	bx_plan_opts po = { .prune = a->prune, .no_fingerprint = true };
	int r = bx_observe(fs, p, &scope, &st, err);
	if (r == 0)
		r = bx_plan_compute(p, st, &po, plan, err);
	if (r == 0 && (*plan)->n && !((*plan)->fingerprint = bx_state_fingerprint(st)))
		r = bx_err(err, ENOMEM, "plan");
	bx_state_free(st);
	bx_policy_free(p);
	return r;
}

/* A saved plan, under the lock: applied only when the live tree is what
 * it was computed from and when it is exactly the plan boxcg computes now
 * from the policy it records. On success *plan is that recomputed plan
 * (the one shown and written) and the file's is freed. */
static int plan_from_file(cli *c, apply_args *a, bx_cgfs *fs, bx_plan **plan, bx_state *then,
			  bx_error **err)
{
	bx_plan *saved = *plan;
	cleanup_free char *file = bx_esc(a->planfile);
	if (!file)
		return bx_err(err, ENOMEM, "plan file");
	if (!saved->source.present)
		return bx_err(err, 0,
			      "the plan in %s records no policy (it was made by an older boxcg): "
			      "nothing was applied; make it again with `boxcg plan -o`",
			      file);
	if (!bx_streq(saved->base_path, fs->base_path) || saved->dirmode != fs->dirmode) {
		cleanup_free char *x = bx_esc(saved->base_path);
		cleanup_free char *y = bx_esc(fs->base_path);
		return bx_err(err, 0,
			      "the plan in %s was made for %s, but this boxcg works on %s: nothing "
			      "was applied (the base is never taken from a plan file: give --root)",
			      file, x ? x : "?", y ? y : "?");
	}
	bx_state *now = NULL;
	cleanup_free char *changed = NULL;
	if (bx_observe_again(fs, then, &now, err) < 0)
		return -1;
	int r = bx_plan_check_fresh(saved, then, now, &changed, err);
	bx_state_free(now);
	if (r < 0)
		return -1;
	if (r == 1)
		return bx_err(err, 0,
			      "the plan in %s is stale: the live tree changed since it was made:\n%s"
			      "Nothing was applied; run `boxcg plan` again.",
			      file, changed ? changed : "");
	/* Compute it again from the policy it records. */
	bx_diags d = {0};
	bx_policy *p = NULL;
	const bx_plan_source *src = &saved->source;
	if (bx_policy_load_texts((const char *const *)src->names, (const char *const *)src->texts,
				 src->n, &fs->facts, &p, &d, err) < 0) {
		bx_diags_free(&d);
		return -1;
	}
	cli_print_diags(c, &d);
	size_t errors = d.errors;
	bx_diags_free(&d);
	if (errors || !p)
		return bx_err(err, 0, "the policy recorded in %s has %zu %s on this host: nothing applied",
			      file, errors, errors == 1 ? "error" : "errors");
	bx_state *st = NULL;
	bx_plan *fresh = NULL;
	bx_scope scope = {0};
	bx_plan_opts po = { .prune = src->prune };
	r = bx_observe(fs, p, &scope, &st, err);
	if (r == 0)
		r = bx_plan_compute(p, st, &po, &fresh, err);
	bx_state_free(st);
	bx_policy_free(p);
	cleanup_free char *what = NULL;
	if (r == 0)
		r = bx_plan_same(saved, fresh, &what, err);
	if (r < 0) {
		bx_plan_free(fresh);
		return -1;
	}
	if (r == 0) {
		bx_plan_free(fresh);
		return bx_err(err, 0,
			      "the plan in %s is not what boxcg plans now from the policy it records "
			      "(%s): the file was edited, or made by another version of boxcg; "
			      "nothing was applied",
			      file, what ? what : "?");
	}
	bx_plan_free(saved);
	*plan = fresh;
	return 0;
}

static int parse(cli *c, int argc, char **argv, apply_args *a)
{
	static const struct option opts[] = {
		{ "prune", no_argument, NULL, 'p' },
		{ "plan", required_argument, NULL, 'P' },
		{ "lock-timeout", required_argument, NULL, 't' },
		{ 0 },
	};
	int o;
	bx_error *e = NULL;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			a->prune = true;
			break;
		case 'P':
			a->planfile = optarg;
			break;
		case 't':
			if (bx_parse_seconds(optarg, &a->o.lock_timeout, &e) < 0) {
				int s = cli_usage(c, "apply", "--lock-timeout: %s", e->msg);
				bx_error_free(e);
				return s;
			}
			if (a->o.lock_timeout == 0)
				a->o.lock_timeout = -1; /* 0 means: do not wait */
			break;
		default:
			return cli_usage(c, "apply", "unknown option");
		}
	}
	if (a->planfile && (optind < argc || a->prune))
		return cli_usage(c, "apply", "--plan takes no POLICY and no --prune (the plan has them)");
	static char *dflt[] = { (char *)BX_DEFAULT_POLICY };
	a->paths = optind < argc ? argv + optind : dflt;
	a->npaths = optind < argc ? argc - optind : 1;
	a->o.state_dir = c->state_dir;
	if (bx_apply_test_hooks(&a->o, cli_test_env("BOXCG_TEST_FAULT_AT"), cli_test_env("BOXCG_TEST_KILL_AT"),
				&e) < 0)
		return cli_fail(c, e);
	return -1;
}

static int run_apply(cli *c, int argc, char **argv)
{
	apply_args a = {0};
	int status = parse(c, argc, argv, &a);
	if (status >= 0)
		return status;

	bx_error *err = NULL;
	bx_plan *plan = NULL;
	bx_state *then = NULL;
	bx_cgfs *fs = NULL;
	bx_lock *lock = NULL;
	if (a.planfile && bx_planfile_load(a.planfile, &plan, &then, &err) < 0)
		return cli_fail(c, err);
	/* The base is --root or discovery, never the plan file's. */
	if (bx_cgfs_open_state(c->root, c->state_dir, &fs, &err) < 0)
		goto fail;
	if (bx_apply_guard(&a.o, &lock, &err) < 0)
		goto fail;
	if (a.planfile) {
		if (plan_from_file(c, &a, fs, &plan, then, &err) < 0)
			goto fail;
	} else if (plan_from_policy(c, &a, fs, &plan, &err) < 0) {
		goto fail;
	}
	if (print_plan(c, plan) < 0) {
		bx_err(&err, 0, "out of memory while rendering the plan");
		goto fail;
	}
	if (plan->n == 0)
		goto done;

	a.o.locked = true;
	cli_progress prog;
	cli_progress_init(&prog, c, "Applying");
	a.o.progress = cli_progress_step;
	a.o.progress_ctx = &prog;
	bx_apply_result r;
	int ar = bx_apply(fs, plan, &a.o, &r, &err);
	cli_progress_clear(&prog);
	if (ar < 0) {
		status = r.failed ? report(c, plan, a.o.state_dir, &r, err) : cli_fail(c, err);
		err = NULL;
		goto out;
	}
	/* records only: "No changes." was said, and is what happened */
	if (!c->quiet && bx_plan_has_changes(plan))
		printf("\nApplied: %zu created, %zu changed, %zu removed.\n", plan->to_create,
		       plan->to_change, plan->to_remove);
	if (c->verbose)
		printf("(%zu steps, %ld mutations including journal writes and fsyncs)\n", r.steps_done,
		       r.mutations);
	bx_apply_result_free(&r);
done:
	status = BX_EXIT_OK;
	goto out;
fail:
	status = cli_fail(c, err);
out:
	bx_lock_release(lock);
	bx_cgfs_close(fs);
	bx_state_free(then);
	bx_plan_free(plan);
	return status;
}

static const cli_opt apply_opts[] = {
	{ "prune", 0, NULL, "also remove undeclared class slices and static boxes" },
	{ "plan", 0, "PLANFILE", "apply exactly this saved plan (`boxcg plan -o`)" },
	{ "lock-timeout", 0, "DUR", "how long to wait for another boxcg (default 30s)" },
	{ 0 },
};

BX_COMMAND(apply, "apply", "[--prune] [--lock-timeout DUR] POLICY... | --plan PLANFILE",
	   "apply the policy (or a saved plan) as one transaction: all of it or nothing",
	   run_apply, .opts = apply_opts,
	   .details = "Usage: boxcg apply --plan PLANFILE [--lock-timeout DUR]\n"
		      "Exit 0 applied, 1 failed and rolled back, 3 rollback failed too (run "
		      "`boxcg recover`).");
