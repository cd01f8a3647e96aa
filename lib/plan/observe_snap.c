/* Observation answered from a snapshot (plan --state): the same questions
 * observe.c asks the host, answered from what the snapshot recorded. A
 * question the snapshot cannot answer is an error that names the cgroup
 * or file, so an offline plan is never computed from guesses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/observe_src.h"

static const char *show(const char *cg) { return *cg ? cg : "(base)"; }

static int not_covered(const bx_state *s, bx_error **err, const char *what, const char *cg)
{
	if (s->tree)
		return bx_err(err, 0,
			      "the snapshot does not record %s of cgroup %s: it covers %s (taken for another root?)",
			      what, show(cg), s->tree);
	return bx_err(err, 0, "the snapshot does not record %s of cgroup %s", what, show(cg));
}

/* The handle of a cgroup is its entry. */
static int snap_open(void *ctx, const char *cg, void **h, bx_error **err)
{
	const bx_state *s = ctx;
	const bx_cg_state *c = bx_state_find(s, cg);
	*h = (void *)c;
	if (c)
		return c->exists;
	/* Not recorded: missing if its parent is missing or does not list it. */
	const char *slash = strrchr(cg, '/');
	cleanup_free char *parent = strndup(cg, slash ? (size_t)(slash - cg) : 0);
	if (!parent)
		return bx_err(err, ENOMEM, "snapshot");
	const char *name = slash ? slash + 1 : cg;
	const bx_cg_state *pc = *cg ? bx_state_find(s, parent) : NULL;
	if (pc && !pc->exists)
		return 0;
	if (pc && (pc->observed & BX_OBS_CHILDREN)) {
		for (size_t i = 0; i < pc->nchildren; i++)
			if (strcmp(pc->children[i], name) == 0)
				return not_covered(s, err, "the contents", cg);
		return 0;
	}
	return not_covered(s, err, "the existence", cg);
}

static void snap_close(void *ctx, void *h)
{
	(void)ctx;
	(void)h;
}

static const bx_cg_state *need(const bx_state *s, void *h, const char *cg, unsigned bit,
			       const char *what, bx_error **err)
{
	const bx_cg_state *c = h;
	if (!c || !c->exists || !(c->observed & bit)) {
		not_covered(s, err, what, cg);
		return NULL;
	}
	return c;
}

static int snap_read(void *ctx, void *h, const char *cg, const char *file, char **raw,
		     unsigned char *form, bx_error **err)
{
	const bx_state *s = ctx;
	*raw = NULL;
	const bx_file_state *f = bx_cg_file(h, file);
	if (f && form)
		*form = f->form;
	if (f) {
		if (f->raw && !(*raw = strdup(f->raw)))
			return bx_err(err, ENOMEM, "snapshot");
		return 0;
	}
	/* pids.current only feeds a warning: unknown is fine. */
	if (strcmp(file, "pids.current") == 0)
		return 0;
	cleanup_free char *what = bx_sprintf("the file %s", file);
	return not_covered(s, err, what ? what : file, cg);
}

static int snap_children(void *ctx, void *h, const char *cg, char ***names, size_t *n,
			 bx_error **err)
{
	const bx_cg_state *c = need(ctx, h, cg, BX_OBS_CHILDREN, "the children", err);
	*names = NULL;
	*n = 0;
	if (!c)
		return -1;
	char **v = calloc(c->nchildren + 1, sizeof *v);
	if (!v)
		return bx_err(err, ENOMEM, "snapshot");
	for (size_t i = 0; i < c->nchildren; i++) {
		if (!(v[i] = strdup(c->children[i]))) {
			while (i--)
				free(v[i]);
			free(v);
			return bx_err(err, ENOMEM, "snapshot");
		}
	}
	*names = v;
	*n = c->nchildren;
	return 0;
}

static int snap_controllers(void *ctx, void *h, const char *cg, unsigned *bits, bx_error **err)
{
	const bx_cg_state *c = need(ctx, h, cg, BX_OBS_CONTROLLERS, "cgroup.controllers", err);
	if (!c)
		return -1;
	*bits = c->controllers;
	return 0;
}

static int snap_subtree(void *ctx, void *h, const char *cg, unsigned *bits, bx_error **err)
{
	const bx_cg_state *c = need(ctx, h, cg, BX_OBS_SUBTREE, "cgroup.subtree_control", err);
	if (!c)
		return -1;
	*bits = c->subtree_control;
	return 0;
}

static int snap_populated(void *ctx, void *h, const char *cg, bool *populated, bx_error **err)
{
	const bx_cg_state *c = need(ctx, h, cg, BX_OBS_EVENTS, "cgroup.events", err);
	if (!c)
		return -1;
	*populated = c->populated;
	return 0;
}

static int snap_static(void *ctx, void *h, const char *cg, bool *marked, bx_error **err)
{
	const bx_cg_state *c = need(ctx, h, cg, BX_OBS_STATIC, "the static-box mark", err);
	if (!c)
		return -1;
	*marked = c->static_box;
	return 0;
}

/* A snapshot taken before boxcg kept records has none: planning from it
 * is as if the host kept no user xattrs. */
static int snap_managed(void *ctx, void *h, const char *cg, char **text, bool *unsupported,
			bx_error **err)
{
	const bx_cg_state *c = h;
	*text = NULL;
	*unsupported = false;
	if (!c || !c->exists)
		return not_covered(ctx, err, "the record of managed settings", cg);
	if (!(c->observed & BX_OBS_MANAGED)) {
		*unsupported = true;
		return 0;
	}
	*unsupported = c->managed_unsupported;
	if (c->managed && !(*text = strdup(c->managed)))
		return bx_err(err, ENOMEM, "snapshot");
	return 0;
}

void bx_obs_snap_src(const bx_state *snap, bx_obs_src *src)
{
	*src = (bx_obs_src){
		.ctx = (void *)snap,
		.open = snap_open,
		.close = snap_close,
		.read = snap_read,
		.children = snap_children,
		.controllers = snap_controllers,
		.subtree = snap_subtree,
		.populated = snap_populated,
		.static_mark = snap_static,
		.managed = snap_managed,
		.base_path = snap->base_path,
		.dirmode = snap->dirmode,
		.hybrid = snap->hybrid,
		.v1_bound = snap->v1_bound,
		.facts = snap->facts,
	};
}

int bx_observe_snapshot(const bx_state *snap, const bx_policy *p, const bx_scope *scope,
			bx_state **out, bx_error **err)
{
	if (!snap->sorted)
		return bx_err(err, EINVAL, "snapshot state is not sorted (bx_state_sort)");
	bx_obs_src src;
	bx_obs_snap_src(snap, &src);
	return bx_observe_with(&src, p, scope, out, err);
}
