/* boxcg box freeze|thaw ID [--timeout DUR] [--class C] POLICY...
 *
 * freeze: freeze every process of box ID (cgroup.freeze 1) and wait for
 * the kernel to report it frozen (cgroup.events frozen 1, woken by
 * POLLPRI), default up to 10s. When it does not freeze in time boxcg
 * writes 0 back, so the box is never left half-frozen, and exits 1.
 * thaw: cgroup.freeze 0, then wait for frozen 0 the same way.
 * Both run under the state directory's lock, like every change to a box. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_box.h"
#include "core/util.h"

#define DEFAULT_TIMEOUT_MS 10000

static int run_freeze_or_thaw(cli *c, int argc, char **argv, bool freeze)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "class", required_argument, NULL, 'c' },
		{ 0 },
	};
	const char *cmd = freeze ? "box freeze" : "box thaw";
	const char *class_name = NULL;
	int timeout_ms = DEFAULT_TIMEOUT_MS, o, s;
	while ((o = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			if ((s = box_parse_timeout(c, cmd, optarg, &timeout_ms)) >= 0)
				return s;
			break;
		case 'c':
			class_name = optarg;
			break;
		default:
			return cli_usage(c, cmd, "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(c, cmd, "missing box ID");
	const char *id = argv[optind++];
	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	if (!c->quiet)
		box_say_dirmode(&bc, stdout);
	bx_apply_opts ao = { .state_dir = c->state_dir };
	/* test hook: a box that never reports frozen (directory mode) */
	const char *stuck = cli_test_env("BOXCG_TEST_FREEZE_STUCK");
	if (stuck && *stuck == '1')
		bc.fs->freeze_stuck = true;
	bx_error *err = NULL;
	if (bx_box_freeze(bc.fs, bc.policy, class_name, id, freeze, timeout_ms, &ao, &err) < 0) {
		status = cli_fail(c, err);
	} else {
		status = BX_EXIT_OK;
		if (!c->quiet)
			printf("%s box %s.\n", freeze ? "Froze" : "Thawed", id);
	}
	box_close(&bc);
	return status;
}

static int run_box_freeze(cli *c, int argc, char **argv)
{
	return run_freeze_or_thaw(c, argc, argv, true);
}

static int run_box_thaw(cli *c, int argc, char **argv)
{
	return run_freeze_or_thaw(c, argc, argv, false);
}

static const cli_opt box_freeze_opts[] = {
	{ "timeout", 0, "DUR", "how long to wait for cgroup.events (default 10s)" },
	{ "class", 'c', "C", "the box's class (found from the live tree when not given)" },
	{ 0 },
};

BX_COMMAND(box_freeze, "box freeze", "ID [--timeout DUR] [--class C] POLICY...",
	   "freeze a box (cgroup.freeze) and wait until the kernel reports it frozen",
	   run_box_freeze, .opts = box_freeze_opts,
	   .details = "Freeze every process of box ID (cgroup.freeze) and wait up to --timeout for "
		      "cgroup.events to read frozen 1; if it does not, the box is thawed again and "
		      "the command fails.");

BX_COMMAND(box_thaw, "box thaw", "ID [--timeout DUR] [--class C] POLICY...",
	   "thaw a frozen box",
	   run_box_thaw, .opts = box_freeze_opts,
	   .details = "Thaw box ID (cgroup.freeze 0) and wait up to --timeout for cgroup.events to "
		      "read frozen 0.");
