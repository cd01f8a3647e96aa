/* boxcg snapshot [-o FILE] [POLICY...]
 *
 * The live state as one JSON document, for `plan --state` on another
 * machine (or later): the host facts the policy compiles against, the
 * base's and the root's ancestors' controllers, and the whole subtree
 * under the policy root, every cgroup with every interface file boxcg
 * manages. So any policy with the same root can be planned against it,
 * not only the one it was taken with.
 *
 * The root comes from the POLICY given; with none, from /etc/boxcg when
 * that exists, else the default root "boxlite". Nothing is changed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/util.h"
#include "plan/state.h"
#include "plan_target.h"

#define BX_DEFAULT_ROOT "boxlite"

static int run_snapshot(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ 0 },
	};
	const char *out = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (o) {
		case 'o':
			out = optarg;
			break;
		default:
			return cli_usage(c, "snapshot", "unknown option");
		}
	}
	static char *dflt[] = { (char *)BX_DEFAULT_POLICY };
	char **paths = optind < argc ? argv + optind : dflt;
	size_t npaths = optind < argc ? (size_t)(argc - optind) : 1;
	struct stat sb;
	bool use_policy = optind < argc || stat(BX_DEFAULT_POLICY, &sb) == 0;

	bx_error *err = NULL;
	bx_target t = {0};
	bx_state *snap = NULL;
	cleanup_free char *text = NULL;
	if (bx_target_open(c, NULL, &t, &err) < 0)
		return cli_fail(c, err);
	int status = use_policy ? bx_target_load(c, &t, (const char *const *)paths, npaths) : -1;
	if (status >= 0)
		goto out;
	const char *tree = t.policy ? t.policy->root : BX_DEFAULT_ROOT;
	if (bx_observe_tree(t.fs, tree, &snap, &err) < 0 || !(text = bx_state_to_json(snap, &err))) {
		status = cli_fail(c, err);
		goto out;
	}
	if (out) {
		FILE *f = fopen(out, "we");
		bool ok = f && fputs(text, f) >= 0;
		int e = errno;
		if (f && fclose(f) != 0 && ok)
			ok = false, e = errno;
		if (!ok) {
			bx_err(&err, e, "write %s", out);
			status = cli_fail(c, err);
			goto out;
		}
	} else {
		fputs(text, stdout);
	}
	status = BX_EXIT_OK;
out:
	bx_state_free(snap);
	bx_target_close(&t);
	return status;
}

static const cli_opt snapshot_opts[] = {
	{ "out", 'o', "FILE", "write the snapshot to FILE instead of standard output" },
	{ 0 },
};

BX_COMMAND(snapshot, "snapshot", "[-o FILE] [POLICY...]",
	   "print the live state under the policy root as JSON (for plan --state)", run_snapshot,
	   .opts = snapshot_opts,
	   .details = "For `boxcg plan --state FILE POLICY...`. With no POLICY the root comes from "
		      BX_DEFAULT_POLICY " if it exists, else \"" BX_DEFAULT_ROOT "\".");
