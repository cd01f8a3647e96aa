/* boxcg destroy [--dry-run] [--kill] [--timeout DUR] [--lock-timeout DUR] POLICY...
 *
 * Remove everything the policy manages, as one transaction: the policy
 * root and every cgroup below it (class slices, static and runtime boxes),
 * deepest first (bx_plan_destroy), applied like `apply` (journal, undo of
 * every completed step on failure, `boxcg recover` after a crash), under
 * the state directory's lock. A cgroup with processes is refused unless
 * --kill, which kills them first (that part cannot be undone). --dry-run
 * shows the plan and changes nothing.
 *
 * Exit: 0 removed (or nothing there); 1 invalid policy, refused, or failed
 * and rolled back; 3 the rollback failed too (`boxcg recover`). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/lock.h"
#include "box/box.h"
#include "cli.h"
#include "progress.h"
#include "core/util.h"
#include "plan/plan.h"
#include "plan/state.h"
#include "policy/policy.h"

typedef struct destroy_args {
	bool dry_run, kill;
	int timeout_ms;
	bx_apply_opts o;
} destroy_args;

static int parse(cli *c, int argc, char **argv, destroy_args *a)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "kill", no_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "lock-timeout", required_argument, NULL, 'l' },
		{ 0 },
	};
	a->timeout_ms = 10000;
	int o;
	bx_error *e = NULL;
	double secs;
	while ((o = getopt_long(argc, argv, "nk", opts, NULL)) != -1) {
		switch (o) {
		case 'n': a->dry_run = true; break;
		case 'k': a->kill = true; break;
		case 't':
		case 'l':
			if (bx_parse_seconds(optarg, &secs, &e) < 0) {
				int s = cli_usage(c, "destroy", "--%s: %s", o == 't' ? "timeout" : "lock-timeout",
						  e->msg);
				bx_error_free(e);
				return s;
			}
			if (o == 't')
				a->timeout_ms = (int)(secs * 1000.0 + 0.5);
			else
				a->o.lock_timeout = secs == 0 ? -1 : secs; /* 0: do not wait */
			break;
		default: return cli_usage(c, "destroy", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage(c, "destroy", "missing POLICY (what to destroy is never implied)");
	a->o.state_dir = c->state_dir;
	if (bx_apply_test_hooks(&a->o, getenv("BOXCG_TEST_FAULT_AT"), getenv("BOXCG_TEST_KILL_AT"),
				&e) < 0)
		return cli_fail(c, e);
	return -1;
}

/* Kill what runs in the topmost populated cgroups under the root. */
static int kill_all(cli *c, bx_cgfs *fs, const bx_state *st, const char *root, int timeout_ms,
		    bx_error **err)
{
	const char *last = NULL;
	size_t rl = strlen(root);
	for (size_t i = 0; i < st->n; i++) {
		const bx_cg_state *cg = &st->v[i];
		if (!cg->exists || !cg->populated || strncmp(cg->path, root, rl) != 0 ||
		    (cg->path[rl] && cg->path[rl] != '/'))
			continue;
		size_t ll = last ? strlen(last) : 0;
		if (last && strncmp(cg->path, last, ll) == 0 && cg->path[ll] == '/')
			continue; /* below one already killed */
		bool signals = false;
		if (bx_box_kill(fs, cg->path, timeout_ms, false, &signals, err) < 0)
			return -1;
		if (!c->quiet)
			printf("Killed the processes in %s.\n", cg->path);
		last = cg->path;
	}
	return 0;
}

/* The cgroups nested below `cg` that the state does not list (a box's
 * own children: the observation stops at boxes), appended to *v. */
typedef struct strv {
	char **v;
	size_t n, cap;
} strv;

static int add_nested(bx_cgfs *fs, const bx_state *st, const char *cg, strv *out, bx_error **err)
{
	char **kids;
	size_t nk;
	if (bx_cgfs_children(fs, cg, &kids, &nk, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < nk && r == 0; i++) {
		char *sub = bx_sprintf("%s/%s", cg, kids[i]);
		if (!sub) {
			r = bx_err(err, ENOMEM, "destroy");
			break;
		}
		bool known = false;
		for (size_t j = 0; j < st->n && !known; j++)
			known = strcmp(st->v[j].path, sub) == 0;
		if (known || !bx_cgpath_valid(sub)) {
			free(sub);
			continue;
		}
		if (out->n == out->cap) {
			size_t cap = out->cap ? 2 * out->cap : 16;
			char **nv = realloc(out->v, cap * sizeof *nv);
			if (!nv) {
				free(sub);
				r = bx_err(err, ENOMEM, "destroy");
				break;
			}
			out->v = nv;
			out->cap = cap;
		}
		out->v[out->n++] = sub;
		r = add_nested(fs, st, sub, out, err);
	}
	bx_strv_free(kids, nk);
	return r;
}

/* Which of the policy's cgroups have processes (in them or below), and
 * what is nested below them that the state does not list. */
static int survey(bx_cgfs *fs, bx_state *st, const char *root, strv *nested, bx_error **err)
{
	size_t rl = strlen(root), known = st->n;
	for (size_t i = 0; i < known; i++) {
		bx_cg_state *cg = &st->v[i];
		if (!cg->exists || strncmp(cg->path, root, rl) != 0 || (cg->path[rl] && cg->path[rl] != '/'))
			continue;
		size_t n = 0;
		if (bx_box_nprocs(fs, cg->path, &n, err) < 0)
			return -1;
		cg->populated = n > 0;
	}
	for (size_t i = 0; i < known; i++) {
		const bx_cg_state *cg = &st->v[i];
		if (cg->exists && strncmp(cg->path, root, rl) == 0 && cg->path[rl] == '/' &&
		    add_nested(fs, st, cg->path, nested, err) < 0)
			return -1;
	}
	return 0;
}

static int report(cli *c, const char *state_dir, bx_apply_result *r, bx_error *e)
{
	int status = cli_fail(c, e);
	if (r->rollback_failed) {
		for (size_t i = 0; i < r->nunrestored; i++)
			fprintf(stderr, "  not restored: %s\n", r->unrestored[i]);
		fprintf(stderr, "The journal %s/" BX_JOURNAL_NAME " is kept: run `boxcg recover`.\n",
			state_dir);
		status = BX_EXIT_ROLLBACK_FAILED;
	} else {
		fprintf(stderr,
			"Rolled back: %zu completed %s undone; every removed cgroup is back as it was.\n",
			r->steps_done, r->steps_done == 1 ? "step" : "steps");
	}
	bx_apply_result_free(r);
	return status;
}

static int run_destroy(cli *c, int argc, char **argv)
{
	destroy_args a = {0};
	int status = parse(c, argc, argv, &a);
	if (status >= 0)
		return status;
	bx_error *err = NULL;
	bx_cgfs *fs = NULL;
	bx_lock *lock = NULL;
	bx_policy *p = NULL;
	bx_state *st = NULL;
	bx_plan *plan = NULL;
	char *text = NULL;
	strv nested = {0};
	bx_diags d = {0};
	bx_scope scope = {0};
	if (bx_cgfs_open_state(c->root, c->state_dir, &fs, &err) < 0)
		goto fail;
	if (bx_policy_load((const char *const *)argv + optind, (size_t)(argc - optind), &fs->facts, &p,
			   &d, &err) < 0)
		goto fail;
	cli_print_diags(c, &d);
	if (d.errors || !p) {
		bx_err(&err, 0, "the policy has %zu %s: nothing destroyed", d.errors,
		       d.errors == 1 ? "error" : "errors");
		goto fail;
	}
	if (!a.dry_run && bx_apply_guard(&a.o, &lock, &err) < 0)
		goto fail;
	if (bx_observe(fs, p, &scope, &st, &err) < 0)
		goto fail;
	if (survey(fs, st, p->root, &nested, &err) < 0)
		goto fail;
	if (a.kill && !a.dry_run) {
		if (kill_all(c, fs, st, p->root, a.timeout_ms, &err) < 0)
			goto fail;
		bx_state_free(st);
		st = NULL;
		bx_strv_free(nested.v, nested.n);
		nested = (strv){0};
		if (bx_observe(fs, p, &scope, &st, &err) < 0 || survey(fs, st, p->root, &nested, &err) < 0)
			goto fail;
	}
	if (bx_plan_destroy(p, st, (const char *const *)nested.v, nested.n, a.kill, &plan, &err) < 0)
		goto fail;
	if (fs->dirmode && !c->quiet)
		printf("Directory mode: %s is a plain directory, not a cgroup2 filesystem.\n\n",
		       fs->base_path);
	if (!plan->n) {
		printf("Nothing to destroy: %s/%s does not exist.\n", fs->base_path, p->root);
		status = BX_EXIT_OK;
		goto out;
	}
	/* The plan text has its own directory-mode line: print the steps. */
	bx_render_opts ro = { .color = c->color, .columns = cli_columns(), .cwd = cli_cwd() };
	bool dm = plan->dirmode;
	plan->dirmode = false;
	text = bx_plan_render_text(plan, &ro);
	plan->dirmode = dm;
	if (!text) {
		bx_err(&err, ENOMEM, "render the plan");
		goto fail;
	}
	if (!c->quiet || a.dry_run)
		fputs(text, stdout);
	if (a.dry_run) {
		printf("\nDry run: nothing was removed.\n");
		status = BX_EXIT_OK;
		goto out;
	}
	fflush(stdout);
	if (!(plan->fingerprint = bx_state_fingerprint(st))) {
		bx_err(&err, ENOMEM, "plan");
		goto fail;
	}
	a.o.locked = true;
	cli_progress prog;
	cli_progress_init(&prog, c, "Destroying");
	a.o.progress = cli_progress_step;
	a.o.progress_ctx = &prog;
	bx_apply_result r;
	int ar = bx_apply(fs, plan, &a.o, &r, &err);
	cli_progress_clear(&prog);
	if (ar < 0) {
		status = r.failed ? report(c, a.o.state_dir, &r, err) : cli_fail(c, err);
		err = NULL;
		goto out;
	}
	bx_apply_result_free(&r);
	if (!c->quiet)
		printf("\nDestroyed: %zu removed.\n", plan->to_remove);
	status = BX_EXIT_OK;
	goto out;
fail:
	status = cli_fail(c, err);
out:
	free(text);
	bx_strv_free(nested.v, nested.n);
	bx_diags_free(&d);
	bx_lock_release(lock);
	bx_plan_free(plan);
	bx_state_free(st);
	bx_policy_free(p);
	bx_cgfs_close(fs);
	return status;
}

static const cli_opt destroy_opts[] = {
	{ "dry-run", 'n', NULL, "show what would be removed; change nothing" },
	{ "kill", 'k', NULL, "kill the processes in the policy's cgroups first" },
	{ "timeout", 0, "DUR", "how long --kill waits for them to exit (default 10s)" },
	{ "lock-timeout", 0, "DUR", "how long to wait for another boxcg (default 30s)" },
	{ 0 },
};

BX_COMMAND(destroy, "destroy", "[--dry-run] [--kill] [--timeout DUR] POLICY...",
	   "remove everything the policy manages, leaf first, as one transaction", run_destroy,
	   .opts = destroy_opts,
	   .details = "The policy root and every cgroup below it: class slices, static boxes and "
		      "boxes runtimes made. A cgroup with processes is refused unless --kill "
		      "(killing cannot be undone; the removal can). A failure rolls every removal "
		      "back, like apply. POLICY must be given.");
