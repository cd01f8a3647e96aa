/* --prune: the end of a plan.
 *
 * RMDIR, deepest first, of every class slice the policy no longer
 * declares (with the boxes in it) and of every box marked static
 * (user.boxcg.static) that the policy no longer declares, with whatever
 * is nested below them. Refused (an error, not a step) when one of them
 * has processes, and for a slice that still holds runtime boxes (unmarked
 * ones: boxcg never removes those).
 *
 * Then DISABLE, in the root and in class slices (never above the root),
 * of the controllers no declared setting below needs any more, where the
 * cgroup's remaining children cannot be using them: a class slice only
 * when no box remains in it, the root after its slices. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/plan_int.h"

typedef struct rm {
	const bx_cg_state *cg;
	size_t depth;
} rm;

typedef struct rmset {
	rm *v;
	size_t n, cap;
} rmset;

static size_t depth_of(const char *p)
{
	size_t d = 1;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

static bool under(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && path[n] == '/';
}

static const char *last_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* `top` and what the state recorded below it (contiguous: the state is
 * in preorder). */
static size_t subtree_end(const bx_state *st, const bx_cg_state *top)
{
	size_t i = (size_t)(top - st->v) + 1;
	while (i < st->n && under(st->v[i].path, top->path))
		i++;
	return i;
}

static int refuse(bx_planner *pr, const bx_cg_state *cg, const char *why, bx_error **err)
{
	if (!pr->drift) {
		bx_planner_fail(pr, 0, "cannot prune %s: %s", cg->path, why);
		return 0;
	}
	bx_step s = { .op = BX_OP_RMDIR, .cgroup = cg->path, .warning = (char *)why };
	pr->removes++;
	return bx_plan_push(pr->plan, &s, err);
}

/* Queue `top` and everything below it, or refuse. */
static int candidate(bx_planner *pr, const bx_cg_state *top, bool is_slice, const char *cls,
		     rmset *rs, bx_error **err)
{
	const bx_state *st = pr->st;
	size_t from = (size_t)(top - st->v), to = subtree_end(st, top);
	bool populated = false;
	for (size_t i = from; i < to; i++)
		populated |= st->v[i].exists && st->v[i].populated;
	if (populated) {
		cleanup_free char *why = bx_sprintf(
			"it has processes (cgroup.events: populated 1); stop them, or declare %s %s "
			"again",
			is_slice ? "class" : "box", is_slice ? cls : last_name(top->path));
		return why ? refuse(pr, top, why, err) : bx_err(err, ENOMEM, "plan");
	}
	if (is_slice) {
		bx_buf names = {0};
		size_t depth = depth_of(top->path) + 1;
		for (size_t i = from + 1; i < to; i++)
			if (depth_of(st->v[i].path) == depth && !st->v[i].static_box)
				bx_buf_printf(&names, "%s%s", names.len ? ", " : "", last_name(st->v[i].path));
		if (names.len || names.oom) {
			cleanup_free char *list = bx_buf_take(&names);
			cleanup_free char *why = bx_sprintf(
				"it holds runtime boxes boxcg did not declare (%s); delete them first "
				"(boxcg box delete), or declare class %s again",
				list ? list : "?", cls);
			return why ? refuse(pr, top, why, err) : bx_err(err, ENOMEM, "plan");
		}
	}
	for (size_t i = from; i < to; i++) {
		if (!st->v[i].exists)
			continue;
		if (bx_grow(&rs->v, &rs->cap, rs->n + 1, sizeof *rs->v) < 0)
			return bx_err(err, ENOMEM, "plan");
		rs->v[rs->n++] = (rm){ &st->v[i], depth_of(st->v[i].path) };
	}
	return 0;
}

static int cmp_rm(const void *a, const void *b)
{
	const rm *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return bx_path_cmp(x->cg->path, y->cg->path);
}

static int cmp_path_ptr(const void *a, const void *b)
{
	return bx_path_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* A slice is safe to trim when none of its boxes remains. `gone` holds
 * the removed paths, sorted. */
static bool slice_empty_after(const bx_dnode *d, const char **gone, size_t ngone)
{
	const bx_cg_state *l = d->live;
	for (size_t k = 0; k < l->nchildren; k++) {
		cleanup_free char *p = bx_sprintf("%s/%s", d->path, l->children[k]);
		if (!p || !bsearch(&p, gone, ngone, sizeof *gone, cmp_path_ptr))
			return false;
	}
	return true;
}

static int disable(bx_planner *pr, bx_dnode *d, unsigned unneeded, bool warn, bx_error **err)
{
	for (unsigned i = 0; i < BX_NCTRL; i++) {
		unsigned bit = 1u << i;
		if (!(unneeded & bit))
			continue;
		const char *c = bx_ctrl_name(bit);
		cleanup_free char *w =
			warn ? bx_sprintf("disabling %s in %s resets the %s settings of its children to "
					  "kernel defaults; a rollback enables it again but cannot "
					  "restore them",
					  c, d->path, c)
			     : NULL;
		if (!d->subtree_changed)
			pr->changes++, d->subtree_changed = true;
		if (bx_plan_push_ctrl(pr->plan, BX_OP_DISABLE, d->path, bit, d->enabled, NULL, NULL, w,
				      err) < 0)
			return -1;
		d->enabled &= ~bit;
	}
	return 0;
}

int bx_plan_prune(bx_planner *pr, bx_error **err)
{
	size_t root = 0;
	for (size_t i = 0; i < pr->nn; i++)
		if (pr->n[i].kind == BX_DN_ROOT)
			root = i;
	bx_dnode *r = &pr->n[root];
	if (r->kind != BX_DN_ROOT || !r->exists)
		return 0;
	rmset rs = {0};
	const char **gone = NULL;
	int ret = -1;
	/* undeclared class slices */
	for (size_t k = 0; k < r->live->nchildren; k++) {
		const char *name = r->live->children[k];
		bool declared = false;
		for (size_t i = 0; i < pr->p->nclasses && !declared; i++)
			declared = strcmp(pr->p->classes[i].name, name) == 0;
		if (declared)
			continue;
		cleanup_free char *path = bx_sprintf("%s/%s", r->path, name);
		if (!path) {
			bx_err(err, ENOMEM, "plan");
			goto out;
		}
		const bx_cg_state *cg = bx_state_find(pr->st, path);
		if (cg && cg->exists && candidate(pr, cg, true, name, &rs, err) < 0)
			goto out;
	}
	/* static boxes no longer declared */
	for (size_t i = root + 1; i < pr->nn; i++) {
		const bx_dnode *d = &pr->n[i];
		if (d->kind == BX_DN_RUNTIME && d->exists && d->live->static_box &&
		    candidate(pr, d->live, false, NULL, &rs, err) < 0)
			goto out;
	}
	if (rs.n)
		qsort(rs.v, rs.n, sizeof *rs.v, cmp_rm);
	for (size_t i = 0; i < rs.n; i++) {
		bx_step s = { .op = BX_OP_RMDIR, .cgroup = rs.v[i].cg->path };
		if (bx_plan_push(pr->plan, &s, err) < 0)
			goto out;
		pr->removes++;
	}
	/* controllers nothing below needs any more */
	gone = calloc(rs.n + 1, sizeof *gone);
	if (!gone) {
		bx_err(err, ENOMEM, "plan");
		goto out;
	}
	for (size_t i = 0; i < rs.n; i++)
		gone[i] = rs.v[i].cg->path;
	qsort(gone, rs.n, sizeof *gone, cmp_path_ptr);
	unsigned root_needs = 0;
	bool root_has_children = false;
	for (size_t i = root + 1; i < pr->nn; i++) {
		bx_dnode *d = &pr->n[i];
		if (d->kind != BX_DN_SLICE)
			continue;
		root_has_children |= d->exists;
		if (d->exists && slice_empty_after(d, gone, rs.n) &&
		    disable(pr, d, d->enabled & ~bx_settings_ctrls(&d->cls->box), false, err) < 0)
			goto out;
		root_needs |= bx_settings_ctrls(d->set) | d->enabled;
	}
	if (disable(pr, r, r->enabled & ~root_needs, root_has_children, err) < 0)
		goto out;
	ret = 0;
out:
	free(gone);
	free(rs.v);
	return ret;
}
