/* boxcg box update ID --set KEY=VALUE... [--dry-run] [--force] [--class C] POLICY...
 *
 * Change a live box's own values (limits its class opens, within the
 * class's range) as one transaction: the kernel-safe write order of the
 * planner, a journal, rollback on failure. The new values become the
 * box's recorded ones. --dry-run prints the plan. Lowering memory.max
 * below the box's memory.current is refused unless --force. Exit 0
 * updated (or nothing to change); 1 refused, bad usage, or a failure that
 * was rolled back; 3 the rollback failed too. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_box.h"
#include "core/util.h"

static int write_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static int report_failure(cli *c, bx_error *err, const bx_apply_result *r)
{
	int status = cli_fail(c, err);
	if (r->rollback_failed) {
		for (size_t i = 0; i < r->nunrestored; i++)
			fprintf(stderr, "  not restored: %s\n", r->unrestored[i]);
		fprintf(stderr, "The journal in %s is kept: run `boxcg recover`.\n", c->state_dir);
		return BX_EXIT_ROLLBACK_FAILED;
	}
	if (r->failed)
		fprintf(stderr, "Rolled back: %zu completed %s undone; the box is as it was.\n",
			r->steps_done, r->steps_done == 1 ? "step" : "steps");
	return status;
}

static int run_box_update(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "class", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ 0 },
	};
	const char *class_name = NULL;
	cleanup_free const char **sets = calloc((size_t)argc + 1, sizeof *sets);
	if (!sets)
		return cli_usage(c, "box update", "out of memory");
	bx_box_update_opts uo = {0};
	int o;
	while ((o = getopt_long(argc, argv, "s:c:nf", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			sets[uo.nsets++] = optarg;
			break;
		case 'c':
			class_name = optarg;
			break;
		case 'n':
			uo.dry_run = true;
			break;
		case 'f':
			uo.force = true;
			break;
		default:
			return cli_usage(c, "box update", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(c, "box update", "missing box ID");
	if (!uo.nsets)
		return cli_usage(c, "box update", "missing --set KEY=VALUE");
	const char *id = argv[optind++];
	uo.sets = sets;
	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	bx_error *err = NULL;
	uo.apply.state_dir = c->state_dir;
	if (bx_apply_test_hooks(&uo.apply, cli_test_env("BOXCG_TEST_FAULT_AT"), cli_test_env("BOXCG_TEST_KILL_AT"),
				&err) < 0) {
		status = cli_fail(c, err);
		goto out;
	}
	if (!c->quiet)
		box_say_dirmode(&bc, stdout);
	bx_box_update_result res;
	if (bx_box_update(bc.fs, bc.policy, class_name, id, &uo, &res, &err) < 0) {
		status = report_failure(c, err, &res.apply);
		bx_box_update_result_free(&res);
		goto out;
	}
	status = BX_EXIT_OK;
	if (uo.dry_run) {
		bx_render_opts ro = { .color = c->color, .verbose = c->verbose > 0,
				    .columns = cli_columns(), .cwd = cli_cwd() };
		if (bx_plan_write_text(res.plan, &ro, write_stdout, NULL) < 0) {
			bx_err(&err, errno, "write the plan");
			status = cli_fail(c, err);
		}
	} else if (!c->quiet) {
		if (bx_plan_has_changes(res.plan))
			printf("Updated box %s: %s (%zu %s changed).\n", id, res.own, res.plan->to_change,
			       res.plan->to_change == 1 ? "file" : "files");
		else
			printf("Box %s already has %s: no changes.\n", id, res.own);
	}
	bx_box_update_result_free(&res);
out:
	box_close(&bc);
	return status;
}

static const cli_opt box_update_opts[] = {
	{ "set", 's', "KEY=VALUE", "a new own value of a limit the class opens (required, repeatable)" },
	{ "dry-run", 'n', NULL, "print the plan; change nothing" },
	{ "force", 'f', NULL, "write a memory.max below the box's memory.current anyway" },
	{ "class", 'c', "C", "the box's class (found from the live tree when not given)" },
	{ 0 },
};

BX_COMMAND(box_update, "box update", "ID --set K=V... [--dry-run] [--force] [--class C] POLICY...",
	   "change a live box's own limits (within its class's range) as one transaction",
	   run_box_update, .opts = box_update_opts,
	   .details = "Change box ID's own values of limits its class opens (sizes:), within the "
		      "class's range, as one transaction (journal, rollback). Only the files whose "
		      "value changes are written; a file changed by hand is left for `boxcg apply`. "
		      "Lowering memory.max below the box's memory.current is refused unless --force.");
