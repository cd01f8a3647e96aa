/* Shared by the box subcommands (cmd_box.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "cmd_box.h"
#include "core/util.h"
#include "policy/policy.h"

int box_open(cli *c, char **paths, int npaths, box_ctx *bc)
{
	*bc = (box_ctx){0};
	bx_error *err = NULL;
	if (bx_cgfs_open_state(c->root, c->state_dir, &bc->fs, &err) < 0)
		return cli_fail(c, err);
	if (c->verbose && bc->fs->base_how)
		fprintf(stderr, "boxcg: base %s: the cgroup of boxcg.service, %s\n", bc->fs->base_path,
			strcmp(bc->fs->base_how, "cache") == 0
				? "from the cache in the state directory (no D-Bus)"
				: "asked systemd over D-Bus");
	static const char *const dflt[] = { BX_DEFAULT_POLICY };
	const char *const *pv = npaths ? (const char *const *)paths : dflt;
	size_t pn = npaths ? (size_t)npaths : 1;
	bx_diags d = {0};
	if (bx_policy_load(pv, pn, &bc->fs->facts, &bc->policy, &d, &err) < 0) {
		bx_diags_free(&d);
		box_close(bc);
		return cli_fail(c, err);
	}
	cli_print_diags(c, &d);
	size_t errors = d.errors;
	bx_diags_free(&d);
	if (errors || !bc->policy) {
		box_close(bc);
		bx_err(&err, 0, "the policy has %zu %s", errors, errors == 1 ? "error" : "errors");
		return cli_fail(c, err);
	}
	return -1;
}

void box_close(box_ctx *bc)
{
	bx_policy_free(bc->policy);
	bx_cgfs_close(bc->fs);
	*bc = (box_ctx){0};
}

void box_say_dirmode(const box_ctx *bc, FILE *f)
{
	if (bc->fs->dirmode)
		fprintf(f, "Directory mode: %s is a plain directory, not a cgroup2 filesystem.\n",
			bc->fs->base_path);
}

int box_parse_timeout(cli *c, const char *cmd, const char *arg, int *ms)
{
	double secs;
	bx_error *e = NULL;
	if (bx_parse_seconds(arg, &secs, &e) < 0) {
		int s = cli_usage(c, cmd, "--timeout: %s", e->msg);
		bx_error_free(e);
		return s;
	}
	if (secs < 0 || secs > 86400.0 * 24)
		return cli_usage(c, cmd, "--timeout: %s is out of range (0 to 24 days)", arg);
	*ms = (int)(secs * 1000.0 + 0.5);
	return -1;
}

int box_create(cli *c, box_ctx *bc, const char *class_name, const char *id, bool exist_ok,
	       const char *const *sets, size_t nsets, bx_box_create_result *res)
{
	bx_box_create_opts o = { .exist_ok = exist_ok, .sets = sets, .nsets = nsets };
	o.apply.state_dir = c->state_dir;
	bx_error *err = NULL;
	if (bx_apply_test_hooks(&o.apply, cli_test_env("BOXCG_TEST_FAULT_AT"), cli_test_env("BOXCG_TEST_KILL_AT"),
				&err) < 0)
		return cli_fail(c, err);
	if (bx_box_create(bc->fs, bc->policy, class_name, id, &o, res, &err) == 0)
		return -1;
	bx_apply_result *r = &res->apply;
	int status = cli_fail(c, err);
	if (r->rollback_failed) {
		for (size_t i = 0; i < r->nunrestored; i++)
			fprintf(stderr, "  not restored: %s\n", r->unrestored[i]);
		fprintf(stderr, "The journal in %s is kept: run `boxcg recover`.\n", c->state_dir);
		status = BX_EXIT_ROLLBACK_FAILED;
	} else if (r->failed) {
		fprintf(stderr, "Rolled back: %zu completed %s undone; nothing of the box is left.\n",
			r->steps_done, r->steps_done == 1 ? "step" : "steps");
	}
	bx_apply_result_free(r);
	return status;
}
