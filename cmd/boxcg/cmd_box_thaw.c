/* boxcg box thaw ID [--timeout DUR] [--class C] POLICY...
 *
 * Thaw box ID (cgroup.freeze 0) and wait for cgroup.events to read
 * frozen 0, default up to 10s. Under the state directory's
 * lock, like every change to a box. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_box.h"
#include "core/util.h"

#define DEFAULT_TIMEOUT_MS 10000

static int run_box_thaw(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "class", required_argument, NULL, 'c' },
		{ 0 },
	};
	const char *class_name = NULL;
	int timeout_ms = DEFAULT_TIMEOUT_MS, o, s;
	while ((o = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			if ((s = box_parse_timeout(c, "box thaw", optarg, &timeout_ms)) >= 0)
				return s;
			break;
		case 'c':
			class_name = optarg;
			break;
		default:
			return cli_usage(c, "box thaw", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(c, "box thaw", "missing box ID");
	const char *id = argv[optind++];
	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	if (!c->quiet)
		box_say_dirmode(&bc, stdout);
	bx_apply_opts ao = { .state_dir = c->state_dir };
	bx_error *err = NULL;
	if (bx_box_freeze(bc.fs, bc.policy, class_name, id, false, timeout_ms, &ao, &err) < 0) {
		status = cli_fail(c, err);
	} else {
		status = BX_EXIT_OK;
		if (!c->quiet)
			printf("Thawed box %s.\n", id);
	}
	box_close(&bc);
	return status;
}

static const cli_opt box_thaw_opts[] = {
	{ "timeout", 0, "DUR", "how long to wait for cgroup.events (default 10s)" },
	{ "class", 'c', "C", "the box's class (found from the live tree when not given)" },
	{ 0 },
};

BX_COMMAND(box_thaw, "box thaw", "ID [--timeout DUR] [--class C] POLICY...",
	   "thaw a frozen box",
	   run_box_thaw, .opts = box_thaw_opts,
	   .details = "Thaw box ID (cgroup.freeze 0) and wait up to --timeout for cgroup.events to "
		      "read frozen 0.");
