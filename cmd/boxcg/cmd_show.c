/* boxcg show [--class CLASS]... [--state SNAPSHOT] POLICY...
 *
 * The resolved policy: for every class (declaration order, or only the
 * classes asked for) the box and slice settings it really gets after
 * `extends` and `defaults`, in the kernel's canonical form, each with the
 * file:line:col and YAML path it was written at; then the static boxes.
 * One YAML document on stdout (lib/policy/show.h has its schema).
 *
 * Values are compiled for this host's facts (page size, RAM, hugepage
 * sizes), or for the host a snapshot was taken on with --state. Nothing
 * is read from or written to the cgroup tree. An invalid policy prints its
 * diagnostics and exits 1, as validate does. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/util.h"
#include "plan_target.h"
#include "policy/show.h"

static int print_show(cli *c, const bx_policy *p, const char *const *names, size_t nnames)
{
	bx_error *err = NULL;
	bx_show_doc *doc = NULL;
	cleanup_free char *text = NULL;
	size_t len = 0;
	if (bx_policy_show_build(p, names, nnames, &doc, &err) < 0 ||
	    bx_policy_show_save(doc, &text, &len, &err) < 0) {
		bx_show_doc_free(doc);
		return cli_fail(c, err);
	}
	bx_show_doc_free(doc);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		bx_err(&err, 0, "write standard output");
		return cli_fail(c, err);
	}
	return BX_EXIT_OK;
}

/* Not a character, so optopt names it only when its argument is missing. */
enum { OPT_STATE = 256 };

static int run_show(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "class", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, OPT_STATE },
		{ 0 },
	};
	cleanup_free const char **names = calloc((size_t)argc, sizeof *names);
	size_t nnames = 0;
	const char *state = NULL;
	if (!names) {
		bx_error *err = NULL;
		bx_err(&err, 0, "out of memory");
		return cli_fail(c, err);
	}
	int o;
	opterr = 0; /* our own message below */
	while ((o = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			names[nnames++] = optarg;
			break;
		case OPT_STATE:
			state = optarg;
			break;
		default:
			if (optopt == 'c' || optopt == OPT_STATE)
				return cli_usage(c, "show", "option '%s' needs an argument",
						 argv[optind - 1]);
			return cli_usage(c, "show", "unknown option '%s'", argv[optind - 1]);
		}
	}
	char *dflt[] = { (char *)BX_DEFAULT_POLICY };
	char **paths = optind < argc ? argv + optind : dflt;
	size_t npaths = optind < argc ? (size_t)(argc - optind) : 1;

	bx_target t = {0};
	if (state) {
		bx_error *err = NULL;
		if (bx_target_open(c, state, &t, &err) < 0)
			return cli_fail(c, err);
	} else {
		bx_host_facts_probe(&t.facts);
	}
	int status = bx_target_load(c, &t, (const char *const *)paths, npaths);
	if (status < 0)
		status = print_show(c, t.policy, names, nnames);
	bx_target_close(&t);
	return status;
}

static const cli_opt show_opts[] = {
	{ "class", 'c', "CLASS", "show only this class (repeatable)" },
	{ "state", 0, "SNAPSHOT", "compile for the host a snapshot was taken on" },
	{ 0 },
};

BX_COMMAND(show, "show", "[--class CLASS]... [--state SNAPSHOT] POLICY...",
	   "print the resolved policy: each class's settings after extends and defaults, with "
	   "where each was set",
	   run_show, .opts = show_opts,
	   .details = "As YAML: every class's box and slice settings "
		      "after extends and defaults, in the kernel's form, each with the "
		      "file:line:col and YAML path that set it; then the static boxes. With no "
		      "POLICY, " BX_DEFAULT_POLICY " is read.");
