/* boxcg box create ID --class C POLICY...
 *
 * Create <root>/<C>/<ID> with the class's box limits, and the class slice
 * and ancestors when missing, as one transaction (observe this box, plan,
 * apply). Exit 0 created; 1 invalid policy, bad usage, the box exists, or
 * a failed create rolled back; 3 the rollback failed too. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_box.h"
#include "core/util.h"

static int run_box_create(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "class", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ 0 },
	};
	const char *class_name = NULL;
	cleanup_free const char **sets = calloc((size_t)argc + 1, sizeof *sets);
	size_t nsets = 0;
	if (!sets)
		return cli_usage(c, "box create", "out of memory");
	int o;
	while ((o = getopt_long(argc, argv, "c:s:", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			class_name = optarg;
			break;
		case 's':
			sets[nsets++] = optarg;
			break;
		default:
			return cli_usage(c, "box create", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(c, "box create", "missing box ID");
	if (!class_name)
		return cli_usage(c, "box create", "missing --class C");
	const char *id = argv[optind++];
	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	if (!c->quiet)
		box_say_dirmode(&bc, stdout);
	bx_box_create_result res;
	status = box_create(c, &bc, class_name, id, false, sets, nsets, &res);
	if (status < 0) {
		cleanup_free char *cg = bx_box_path(bc.policy, class_name, id);
		if (!c->quiet)
			printf("Created box %s of class %s: %s/%s (%zu %s created).\n", id, class_name,
			       bc.fs->base_path, cg ? cg : "?", res.created,
			       res.created == 1 ? "cgroup" : "cgroups");
		bx_apply_result_free(&res.apply);
		status = BX_EXIT_OK;
	}
	box_close(&bc);
	return status;
}

static const cli_opt box_create_opts[] = {
	{ "class", 'c', "C", "the class of the new box" },
	{ "set", 's', "KEY=VALUE", "its own value of a limit the class opens (sizes:), repeatable" },
	{ 0 },
};

BX_COMMAND(box_create, "box create", "ID --class C [--set K=V]... POLICY...",
	   "create a box of a class (and its class slice if missing) as one transaction",
	   run_box_create, .opts = box_create_opts,
	   .details = "Create box ID of class C with the class's limits (and the class slice and "
		      "ancestors when missing) as one transaction. --set gives the box its own value "
		      "of a limit its class opens (sizes:), within the class's range: --set "
		      "memory.max=2GiB --set cpu.max=2.");
