/* boxcg box exec ID --class C POLICY... -- CMD [ARG...]
 *
 * Create the box if it does not exist, then run CMD in it: born there
 * with clone3(CLONE_INTO_CGROUP), or on older kernels forked and joined
 * before exec. Signals sent to boxcg (INT, TERM, HUP, QUIT, USR1, USR2,
 * WINCH, CONT, ALRM, PWR) are forwarded to CMD. Exit status: CMD's own,
 * 128+N when a signal N killed it, 127 when CMD was not found, 126 when it
 * could not be executed, 1 (or 3) when the box could not be created. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box/spawn.h"
#include "cmd_box.h"
#include "core/util.h"

/* --rm, or a box created for a command that could not start: delete it
 * (killing what the command left running in it). A failure is reported;
 * the exit status stays the command's. */
static void remove_box(cli *c, box_ctx *bc, const char *cg, const char *id)
{
	bx_box_delete_opts d = { .kill = true, .timeout_ms = 10000 };
	bx_box_delete_result r;
	bx_error *err = NULL;
	/* Under the transaction lock, like box delete (docs/APPLY.md). */
	bx_apply_opts ao = { .state_dir = c->state_dir };
	bx_lock *lock = NULL;
	int rc = bx_apply_guard(&ao, &lock, &err);
	if (rc == 0)
		rc = bx_box_delete(bc->fs, cg, &d, &r, &err);
	bx_lock_release(lock);
	if (rc < 0) {
		bx_err_wrap(&err, "remove box %s", id);
		cli_fail(c, err);
	} else if (c->verbose) {
		fprintf(stderr, "boxcg: removed box %s\n", id);
	}
}

static int run_box_exec(cli *c, int argc, char **argv)
{
	/* Everything after "--" is the command, untouched by getopt. */
	int dash = 1;
	while (dash < argc && strcmp(argv[dash], "--") != 0)
		dash++;
	static const struct option opts[] = {
		{ "class", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "rm", no_argument, NULL, 'r' },
		{ 0 },
	};
	const char *class_name = NULL;
	cleanup_free const char **sets = calloc((size_t)argc + 1, sizeof *sets);
	size_t nsets = 0;
	bool rm = false;
	if (!sets)
		return cli_usage(c, "box exec", "out of memory");
	int o;
	while ((o = getopt_long(dash, argv, "c:s:", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			class_name = optarg;
			break;
		case 's':
			sets[nsets++] = optarg;
			break;
		case 'r':
			rm = true;
			break;
		default:
			return cli_usage(c, "box exec", "unknown option");
		}
	}
	if (optind >= dash)
		return cli_usage(c, "box exec", "missing box ID");
	if (!class_name)
		return cli_usage(c, "box exec", "missing --class C");
	if (dash >= argc - 1)
		return cli_usage(c, "box exec", "missing -- CMD [ARG...]");
	const char *id = argv[optind++];
	char **cmd = argv + dash + 1;

	box_ctx bc;
	cleanup_free char *cg = NULL;
	int status = box_open(c, argv + optind, dash - optind, &bc);
	if (status >= 0)
		return status;
	/* stdout belongs to the command: notices go to stderr. Directory
	 * mode runs the command without any limit: said every time. */
	if (bc.fs->dirmode)
		fprintf(stderr,
			"boxcg: warning: directory mode: %s runs without any limits\n"
			"  (%s is a plain directory, not a cgroup2 filesystem)\n",
			cmd[0], bc.fs->base_path);
	bx_box_create_result cres;
	status = box_create(c, &bc, class_name, id, true, sets, nsets, &cres);
	if (status >= 0)
		goto out;
	bx_apply_result_free(&cres.apply);
	if (c->verbose && !cres.existed)
		fprintf(stderr, "boxcg: created box %s of class %s\n", id, class_name);

	bx_error *err = NULL;
	if (!(cg = bx_box_path(bc.policy, class_name, id))) {
		bx_err(&err, 0, "out of memory");
		status = cli_fail(c, err);
		goto out;
	}
	const char *nc = cli_test_env("BOXCG_TEST_NO_CLONE3"); /* test hook: the fallback */
	bx_box_spawn_opts so = { .argv = cmd, .no_clone3 = nc && strcmp(nc, "1") == 0 };
	bx_spawn_result res;
	int code;
	if (bx_box_run(bc.fs, cg, &so, &code, &res, &err) < 0) {
		int e = err ? err->errnum : 0;
		cli_fail(c, err);
		status = res.stage == BX_SPAWN_FAILED_EXEC ? bx_exec_failure_status(e) : BX_EXIT_ERROR;
		/* a box made for a command that never ran is not left behind */
		if (rm || !cres.existed)
			remove_box(c, &bc, cg, id);
		goto out;
	}
	if (c->verbose)
		fprintf(stderr, "boxcg: %s ran in %s/%s (%s)%s%s, exit status %d\n", cmd[0],
			bc.fs->base_path, cg,
			res.method == BX_SPAWN_CLONE3 ? "clone3 CLONE_INTO_CGROUP" : "fork, join, exec",
			res.clone3_errno ? ": clone3: " : "", res.clone3_errno ? strerror(res.clone3_errno) : "",
			code);
	status = code;
	if (rm)
		remove_box(c, &bc, cg, id);
out:
	box_close(&bc);
	return status;
}

static const cli_opt box_exec_opts[] = {
	{ "class", 'c', "C", "the class of the box (created when missing)" },
	{ "set", 's', "KEY=VALUE", "its own value of a limit the class opens, when it is created" },
	{ "rm", 0, NULL, "delete the box when the command ends (its exit status is kept)" },
	{ 0 },
};

BX_COMMAND(box_exec, "box exec", "ID --class C [--set K=V]... [--rm] POLICY... -- CMD [ARG...]",
	   "run a command in a box (created if needed); exits with its status", run_box_exec,
	   .opts = box_exec_opts,
	   .details = "Run CMD in box ID of class C, creating the box first if needed. Signals "
		      "are forwarded to CMD; boxcg exits with its status (128+N when killed by "
		      "signal N, 127 not found, 126 not executable). A box this command created is "
		      "removed again when CMD cannot be started; --rm removes the box when CMD "
		      "ends. In directory mode CMD runs without any limits, and boxcg says so on "
		      "stderr every time.");
