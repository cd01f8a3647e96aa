/* boxcg box attach ID PID POLICY...
 *
 * Move process PID into box ID (its class found by looking for the box
 * under every class of the policy, or given with --class). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_box.h"
#include "core/util.h"

static int run_box_attach(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "class", required_argument, NULL, 'c' },
		{ 0 },
	};
	const char *class_name = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			class_name = optarg;
			break;
		default:
			return cli_usage(c, "box attach", "unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage(c, "box attach", "missing %s", optind < argc ? "PID" : "box ID and PID");
	const char *id = argv[optind++];
	const char *pid_arg = argv[optind++];
	char *end;
	errno = 0;
	long pid = strtol(pid_arg, &end, 10);
	if (errno || end == pid_arg || *end || pid <= 0 || pid > 4194304)
		return cli_usage(c, "box attach", "PID must be a process id, not \"%s\"", pid_arg);

	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	bx_error *err = NULL;
	const bx_class *cls;
	cleanup_free char *cg = NULL;
	bx_apply_opts ao = { .state_dir = c->state_dir };
	bx_lock *lock = NULL;
	if (bx_apply_guard(&ao, &lock, &err) < 0 ||
	    bx_box_locate(bc.fs, bc.policy, class_name, id, &cls, &err) < 0 ||
	    !(cg = bx_box_path(bc.policy, cls->name, id)) ||
	    bx_box_attach(bc.fs, cg, (pid_t)pid, &err) < 0) {
		if (!err)
			bx_err(&err, ENOMEM, "attach");
		status = cli_fail(c, err);
	} else {
		if (!c->quiet) {
			box_say_dirmode(&bc, stdout);
			printf("Attached pid %ld to box %s of class %s.\n", pid, id, cls->name);
		}
		status = BX_EXIT_OK;
	}
	bx_lock_release(lock);
	box_close(&bc);
	return status;
}

static const cli_opt box_attach_opts[] = {
	{ "class", 'c', "C", "the box's class (found from the live tree when not given)" },
	{ 0 },
};

BX_COMMAND(box_attach, "box attach", "ID PID [--class C] POLICY...",
	   "move a running process into a box", run_box_attach,
	   .opts = box_attach_opts, .details = "Move process PID into box ID.");
