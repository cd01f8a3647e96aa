/* boxcg plan [--json] [-o PLANFILE] [--detailed-exitcode] [--prune]
 *            [--state SNAPSHOT] POLICY...
 *
 * Load the policy for the target host → observe what it manages → compute
 * the ordered steps → show them. Nothing is changed. --state plans
 * offline against a snapshot (`boxcg snapshot`): the host facts, the base
 * and every observed value come from it, and the output is what planning
 * on that host would have printed. -o saves the plan with the observed
 * state it depends on, for `apply --plan`.
 *
 * Exit: 0; with --detailed-exitcode 2 when the plan has changes (records
 * of the settings boxcg manages are not changes: a plan of records only
 * is "No changes.", exit 0); 1 on an invalid policy or an error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "cgroupfs/cgfs.h"
#include "cli.h"
#include "plan_target.h"
#include "core/util.h"
#include "plan/plan.h"
#include "plan/planfile.h"
#include "plan/state.h"

typedef struct plan_args {
	bool json, detailed, prune;
	const char *out, *state;
	char **paths;
	int npaths;
} plan_args;

static int parse(cli *c, int argc, char **argv, plan_args *a)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "out", required_argument, NULL, 'o' },
		{ "detailed-exitcode", no_argument, NULL, 'd' },
		{ "prune", no_argument, NULL, 'p' },
		{ "state", required_argument, NULL, 's' },
		{ 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (o) {
		case 'j': a->json = true; break;
		case 'o': a->out = optarg; break;
		case 'd': a->detailed = true; break;
		case 'p': a->prune = true; break;
		case 's': a->state = optarg; break;
		default: return cli_usage(c, "plan", "unknown option");
		}
	}
	if (a->state && c->root)
		return cli_usage(c, "plan",
				 "--state plans against the snapshot's own base: no --root with it");
	static char *dflt[] = { (char *)BX_DEFAULT_POLICY };
	a->paths = optind < argc ? argv + optind : dflt;
	a->npaths = optind < argc ? argc - optind : 1;
	return -1;
}

static int write_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static int run_plan(cli *c, int argc, char **argv)
{
	plan_args a = {0};
	int status = parse(c, argc, argv, &a);
	if (status >= 0)
		return status;
	bx_error *err = NULL;
	bx_target t = {0};
	bx_plan *plan = NULL, *drift = NULL;
	cleanup_free char *text = NULL;
	if (bx_target_open(c, a.state, &t, &err) < 0)
		return cli_fail(c, err);
	status = bx_target_load_observe(c, &t, (const char *const *)a.paths, (size_t)a.npaths, &err);
	if (status >= 0)
		goto out;
	/* The fingerprint is shown by --json and saved by -o; not worth
	 * hashing the whole observed state for the text. */
	bx_plan_opts po = { .prune = a.prune, .no_fingerprint = !a.out && !a.json };
	if (bx_plan_compute(t.policy, t.observed, &po, &plan, &err) < 0) {
		status = cli_fail(c, err);
		goto out;
	}
	if (a.out && (bx_plan_record_source(plan, t.policy, a.prune, &err) < 0 ||
		      bx_planfile_write(a.out, plan, t.observed, &err) < 0)) {
		status = cli_fail(c, err);
		goto out;
	}
	if (a.json) {
		if (!(text = bx_plan_to_json(plan, &err))) {
			status = cli_fail(c, err);
			goto out;
		}
		fputs(text, stdout);
	} else {
		/* What --prune would remove, listed and counted (as `diff`
		 * reports it); with --prune it is in the plan itself. */
		if (!a.prune && t.observed->undeclared &&
		    bx_plan_drift(t.policy, t.observed, &drift, &err) < 0) {
			status = cli_fail(c, err);
			goto out;
		}
		bx_render_opts ro = { .color = c->color, .verbose = c->verbose > 0, .undeclared = drift,
				    .columns = cli_columns(), .cwd = cli_cwd() };
		if (bx_plan_write_text(plan, &ro, write_stdout, NULL) < 0) {
			bx_err(&err, errno, "write the plan");
			status = cli_fail(c, err);
			goto out;
		}
	}
	if (a.out && !a.json && !c->quiet)
		printf("\nSaved the plan to %s: `boxcg apply --plan %s` applies exactly it.\n", a.out,
		       a.out);
	status = a.detailed && bx_plan_has_changes(plan) ? BX_EXIT_CHANGES : BX_EXIT_OK;
out:
	bx_plan_free(drift);
	bx_plan_free(plan);
	bx_target_close(&t);
	return status;
}

static const cli_opt plan_opts[] = {
	{ "json", 0, NULL, "one JSON document (format_version 1)" },
	{ "out", 'o', "PLANFILE", "save the plan for `boxcg apply --plan PLANFILE`" },
	{ "detailed-exitcode", 0, NULL, "exit 2 when there are changes, 0 when none" },
	{ "prune", 0, NULL, "also remove undeclared class slices and static boxes" },
	{ "state", 0, "SNAPSHOT", "plan offline against `boxcg snapshot` output" },
	{ 0 },
};

BX_COMMAND(plan, "plan", "[--json] [-o PLANFILE] [--detailed-exitcode] [--prune] [--state SNAPSHOT] POLICY...",
	   "show, in order, what apply would change (nothing is changed)", run_plan,
	   .opts = plan_opts, .details = "With no POLICY, " BX_DEFAULT_POLICY " is read.");
