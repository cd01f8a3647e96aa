/* boxcg diff [--json] POLICY...
 *
 * Drift: every difference between the live cgroups and the policy, one
 * per line, with the policy line that declares the value: a value that
 * differs, a cgroup that is missing, a controller not enabled, a class
 * slice or static box the policy no longer declares. Nothing is changed.
 *
 * Exit: 2 when the live tree differs, 0 when it matches, 1 on an invalid
 * policy or an error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "core/util.h"
#include "plan/plan.h"
#include "plan_target.h"

static int run_diff(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	bool json = false;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			json = true;
			break;
		default:
			return cli_usage(c, "diff", "unknown option");
		}
	}
	static char *dflt[] = { (char *)BX_DEFAULT_POLICY };
	char **paths = optind < argc ? argv + optind : dflt;
	size_t npaths = optind < argc ? (size_t)(argc - optind) : 1;

	bx_error *err = NULL;
	bx_target t = {0};
	bx_plan *drift = NULL;
	cleanup_free char *text = NULL;
	if (bx_target_open(c, NULL, &t, &err) < 0)
		return cli_fail(c, err);
	int status = bx_target_load_observe(c, &t, (const char *const *)paths, npaths, &err);
	if (status >= 0)
		goto out;
	if (bx_plan_drift(t.policy, t.observed, &drift, &err) < 0) {
		status = cli_fail(c, err);
		goto out;
	}
	bx_render_opts ro = { .color = c->color, .columns = cli_columns(), .cwd = cli_cwd() };
	text = json ? bx_plan_to_json(drift, &err) : bx_plan_render_drift(drift, &ro);
	if (!text) {
		if (!err)
			bx_err(&err, 0, "out of memory rendering the differences");
		status = cli_fail(c, err);
		goto out;
	}
	fputs(text, stdout);
	status = bx_plan_has_changes(drift) ? BX_EXIT_CHANGES : BX_EXIT_OK;
out:
	bx_plan_free(drift);
	bx_target_close(&t);
	return status;
}

static const cli_opt diff_opts[] = {
	{ "json", 0, NULL, "one JSON document (format_version 1)" },
	{ 0 },
};

BX_COMMAND(diff, "diff", "[--json] POLICY...",
	   "list differences between the live cgroups and the policy (exit 2 when any)", run_diff,
	   .opts = diff_opts,
	   .details = "Exit 2 when they differ, 0 when they match. With no POLICY, " BX_DEFAULT_POLICY
		      " is read.");
