/* boxcg box delete ID [--kill] [--timeout DUR] [--class C] POLICY...
 *
 * Remove box ID. A populated box is refused (saying how many processes
 * it holds) unless --kill: then everything in it is killed (cgroup.kill,
 * or SIGKILL to every listed pid before Linux 5.14) and boxcg waits for
 * the kernel to report it empty (default up to 10s) before removing it.
 * Its last counters (cpu usage, memory peak, OOM kills), read after the
 * kill and before the rmdir, are printed, as they vanish with the cgroup.
 *
 * JSON: {"format_version":1,"box","class","killed","used_signals",
 * "removed","final":{"cpu_usage_usec","memory_peak","oom_kill"}} */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_box.h"
#include "core/util.h"
#include "stats_json.h"
#include "units.h"

#define DEFAULT_TIMEOUT_MS 10000

static bool is_static(const bx_policy *p, const char *class_name, const char *id)
{
	for (size_t i = 0; i < p->nboxes; i++)
		if (bx_streq(p->boxes[i].id, id) && bx_streq(p->boxes[i].class_name, class_name))
			return true;
	return false;
}

static int run_box_delete(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kill", no_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "class", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	const char *class_name = NULL;
	bool json = false;
	bx_box_delete_opts d = { .timeout_ms = DEFAULT_TIMEOUT_MS };
	int o, s;
	while ((o = getopt_long(argc, argv, "kc:", opts, NULL)) != -1) {
		switch (o) {
		case 'k':
			d.kill = true;
			break;
		case 't':
			if ((s = box_parse_timeout(c, "box delete", optarg, &d.timeout_ms)) >= 0)
				return s;
			break;
		case 'c':
			class_name = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_usage(c, "box delete", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(c, "box delete", "missing box ID");
	/* Test hook: the pre-5.14 kill (SIGKILL rounds) on any kernel. */
	const char *nk = cli_test_env("BOXCG_TEST_NO_CGROUP_KILL");
	d.no_cgroup_kill = nk && strcmp(nk, "1") == 0;
	const char *id = argv[optind++];

	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	bx_error *err = NULL;
	const bx_class *cls;
	cleanup_free char *cg = NULL;
	bx_box_delete_result res;
	/* Under the transaction lock, like apply: never between an apply's
	 * steps, never while a journal waits for `boxcg recover`. */
	bx_apply_opts ao = { .state_dir = c->state_dir };
	bx_lock *lock = NULL;
	if (bx_apply_guard(&ao, &lock, &err) < 0 ||
	    bx_box_locate(bc.fs, bc.policy, class_name, id, &cls, &err) < 0 ||
	    !(cg = bx_box_path(bc.policy, cls->name, id)) ||
	    bx_box_delete(bc.fs, cg, &d, &res, &err) < 0) {
		if (!err)
			bx_err(&err, 0, "out of memory");
		status = cli_fail(c, err);
		goto out;
	}
	if (json) {
		const bx_box_final *fin = &res.final;
		json_t *doc = json_pack("{s:i, s:s, s:s, s:I, s:b, s:I, s:{s:o, s:o, s:o}}",
					"format_version", 1, "box", id, "class", cls->name, "killed",
					(json_int_t)(d.kill ? res.nprocs : 0), "used_signals",
					res.used_signals, "removed", (json_int_t)res.removed, "final",
					"cpu_usage_usec", stats_json_num(fin->cpu_usage_usec),
					"memory_peak", stats_json_num(fin->memory_peak), "oom_kill",
					stats_json_num(fin->oom_kill));
		char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(doc);
		if (text)
			puts(text);
		free(text);
	} else if (!c->quiet) {
		units_buf a, b, e;
		box_say_dirmode(&bc, stdout);
		/* directory mode signals nobody: its cgroup.procs is a plain
		 * file, and no pid read from one is ever signalled */
		if (d.kill && res.nprocs && bc.fs->dirmode)
			printf("Forgot %zu %s listed in the emulated cgroup.procs (directory mode: "
			       "nothing was signalled).\n",
			       res.nprocs, res.nprocs == 1 ? "process" : "processes");
		else if (d.kill && res.nprocs)
			printf("Killed %zu %s%s.\n", res.nprocs,
			       res.nprocs == 1 ? "process" : "processes",
			       res.used_signals ? " (SIGKILL to every listed pid: no cgroup.kill)" : "");
		printf("Deleted box %s of class %s.\n", id, cls->name);
		printf("Final counters: cpu %s  memory peak %s  oom_kills %s\n",
		       units_usec(&a, res.final.cpu_usage_usec), units_bytes(&b, res.final.memory_peak),
		       units_int(&e, res.final.oom_kill));
	}
	if (is_static(bc.policy, cls->name, id))
		fprintf(stderr,
			"boxcg: %swarning:%s %s is declared under `boxes:` in the policy: the next "
			"`boxcg apply` creates it again\n",
			cli_color(c->color_err, CLI_YELLOW), cli_color(c->color_err, CLI_RESET), id);
	status = BX_EXIT_OK;
out:
	bx_lock_release(lock);
	box_close(&bc);
	return status;
}

static const cli_opt box_delete_opts[] = {
	{ "kill", 'k', NULL, "kill what runs in the box first" },
	{ "timeout", 0, "DUR", "how long --kill waits for the box to empty (default 10s)" },
	{ "class", 'c', "C", "the box's class (found from the live tree when not given)" },
	{ "json", 0, NULL, "one JSON document, with the final counters" },
	{ 0 },
};

BX_COMMAND(box_delete, "box delete", "ID [--kill] [--timeout DUR] [--class C] [--json] POLICY...",
	   "remove a box; --kill kills what runs in it first", run_box_delete,
	   .opts = box_delete_opts,
	   .details = "A box with processes is refused unless --kill, which kills them and waits "
		      "up to --timeout for it to empty. Its last counters (cpu usage, memory peak, "
		      "OOM kills), read after the kill and before the removal, are printed.");
