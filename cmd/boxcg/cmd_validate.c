/* boxcg validate [--format text|json] [--host] POLICY...
 *
 * Load, check and compile the policy for this host; report every problem.
 * Host-independent by default (CI), but for this host's page size, RAM and
 * huge page sizes. --host also opens the cgroup tree (global --root, or
 * discovery) and reports, as errors at the setting that needs it, every
 * controller the policy needs that the base lacks, explained as `plan`
 * explains it (plan/fit.h); the policy is then compiled for that tree's
 * host facts, as `plan` does.
 * Text: diagnostics on stderr, one summary line on stdout:
 *
 *     policies/: 5 classes, 1 box: valid
 *     policies/: 5 classes, 1 box: valid (1 warning)
 *     policies/: 2 errors, 1 warning: invalid
 *
 * JSON (stdout only): {"format_version":1,"diagnostics":[…],"valid":bool},
 * plus "not_shown":N when more than BX_DIAGS_MAX problems were found.
 * Exit 1 on any error, 0 otherwise (warnings alone are 0). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan_target.h"
#include "core/util.h"
#include "model.h"
#include "plan/fit.h"
#include "policy/policy.h"

static const char *plural(size_t n, const char *one, const char *many) { return n == 1 ? one : many; }

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static int print_json(bx_diags *d)
{
	bx_diags_sort(d);
	json_t *list = json_array();
	for (size_t i = 0; list && i < d->n; i++) {
		const bx_diag *g = &d->v[i];
		json_t *o = json_pack("{s:o, s:I, s:I, s:s, s:s, s:o}",
				      "file", str_or_null(g->file),
				      "line", (json_int_t)g->line,
				      "column", (json_int_t)g->col,
				      "severity", g->sev == BX_SEV_ERROR ? "error" : "warning",
				      "message", g->msg ? g->msg : "",
				      "path", str_or_null(g->path));
		if (!o || json_array_append_new(list, o) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	json_t *doc = list ? json_pack("{s:i, s:o, s:b}", "format_version", 1, "diagnostics", list,
				       "valid", d->errors == 0)
			   : NULL;
	if (doc && d->dropped && json_object_set_new(doc, "not_shown", json_integer((json_int_t)d->dropped)) < 0) {
		json_decref(doc);
		doc = NULL;
	}
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	json_decref(doc);
	if (!text)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}

static void print_summary(cli *c, char **paths, int npaths, const bx_policy *p, const bx_diags *d)
{
	bx_buf label = {0};
	for (int i = 0; i < npaths; i++) {
		if (i)
			bx_buf_puts(&label, ", ");
		bx_buf_puts(&label, paths[i]);
	}
	char *l = bx_buf_take(&label);
	const char *name = l ? l : "policy";
	const char *green = cli_color(c->color, CLI_GREEN), *red = cli_color(c->color, CLI_RED),
		   *off = cli_color(c->color, CLI_RESET);
	if (d->errors == 0 && p) {
		printf("%s: %zu %s, %zu %s: %svalid%s", name, p->nclasses,
		       plural(p->nclasses, "class", "classes"), p->nboxes, plural(p->nboxes, "box", "boxes"),
		       green, off);
		if (d->warnings)
			printf(" (%zu %s)", d->warnings, plural(d->warnings, "warning", "warnings"));
		printf("\n");
	} else {
		printf("%s: %zu %s", name, d->errors, plural(d->errors, "error", "errors"));
		if (d->warnings)
			printf(", %zu %s", d->warnings, plural(d->warnings, "warning", "warnings"));
		printf(": %sinvalid%s\n", red, off);
	}
	free(l);
}

/* --host: the controllers the base lacks, as errors at the settings. */
static int check_host(bx_target *t, const bx_policy *p, bx_diags *d, bx_error **err)
{
	if (bx_observe(t->fs, p, NULL, &t->observed, err) < 0)
		return -1;
	bx_fit_gap *gaps = NULL;
	size_t n = 0;
	if (bx_fit_gaps(p, t->observed, &gaps, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		char *msg = bx_fit_explain(t->observed, gaps[i].ctrl, gaps[i].why, false);
		if (!msg) {
			r = bx_err(err, ENOMEM, "check the host");
			break;
		}
		bx_diag_error(d, gaps[i].why ? &gaps[i].why->loc : NULL, gaps[i].why ? gaps[i].why->ypath : NULL,
			      "%s", msg);
		free(msg);
	}
	free(gaps);
	return r;
}

static int run_validate(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "host", no_argument, NULL, 'H' },
		{ 0 },
	};
	bool json = false, host = false;
	int o;
	opterr = 0; /* our own message below */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") == 0)
				json = false;
			else
				return cli_usage(c, "validate", "--format: 'text' or 'json', not '%s'", optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'H':
			host = true;
			break;
		default:
			return cli_usage(c, "validate", "unknown option '%s'", argv[optind - 1]);
		}
	}
	char *dflt[] = { (char *)BX_DEFAULT_POLICY };
	char **paths = optind < argc ? argv + optind : dflt;
	int npaths = optind < argc ? argc - optind : 1;

	bx_target t = {0};
	bx_host_facts facts;
	bx_error *err = NULL;
	if (host) {
		if (bx_target_open(c, NULL, &t, &err) < 0)
			return cli_fail(c, err);
		facts = t.facts;
	} else {
		bx_host_facts_probe(&facts);
	}
	bx_diags d = {0};
	bx_policy *p = NULL;
	if (bx_policy_load((const char *const *)paths, (size_t)npaths, &facts, &p, &d, &err) < 0 ||
	    (host && p && !d.errors && check_host(&t, p, &d, &err) < 0)) {
		bx_policy_free(p);
		bx_diags_free(&d);
		bx_target_close(&t);
		return cli_fail(c, err);
	}
	int status = d.errors ? BX_EXIT_ERROR : BX_EXIT_OK;
	if (json) {
		if (print_json(&d) < 0) {
			bx_err(&err, 0, "out of memory while printing JSON");
			status = cli_fail(c, err);
		}
	} else {
		cli_print_diags(c, &d);
		if (!c->quiet)
			print_summary(c, paths, npaths, p, &d);
	}
	bx_policy_free(p);
	bx_diags_free(&d);
	bx_target_close(&t);
	return status;
}

static const cli_opt validate_opts[] = {
	{ "format", 0, "FORMAT", "text (the default) or json" },
	{ "json", 0, NULL, "the same as --format json" },
	{ "host", 0, NULL, "also check the cgroup tree (--root, or this host's): controllers the policy needs and its base lacks" },
	{ 0 },
};

BX_COMMAND(validate, "validate", "[--format text|json] [--host] POLICY...",
	   "check policy files and report every problem with its file:line:col", run_validate,
	   .opts = validate_opts,
	   .details = "POLICY is a file or a directory of *.yaml and *.yml files; they are checked for "
		      "this host. "
		      "With no POLICY, " BX_DEFAULT_POLICY " is read. Without --host nothing else on the host is read "
		      "(for CI); with --host, a controller the policy needs that the base lacks (missing from its "
		      "cgroup.controllers or bound to cgroup v1) is an error at the setting that needs it, explained "
		      "as plan explains it. Exit 1 on any error.");
