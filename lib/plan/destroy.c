/* `boxcg destroy`: the plan that removes everything a policy manages.
 *
 * RMDIR of every existing cgroup from the policy root down (the class
 * slices, every box in them, static or made by a runtime, and whatever is
 * nested below), deepest first, the root last. Each step points at the
 * policy node that made the cgroup: the root, the class, the static box
 * (a runtime box and what is nested in a box: its class or box). The
 * observation stops at the boxes: the cgroups nested in them (a runtime's
 * own) are given as `nested`. The
 * cgroups above the root are left alone, as are the controllers enabled
 * there. A cgroup with processes makes the plan fail unless
 * allow_populated (destroy --kill, which empties them first). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/plan_int.h"

static size_t depth_of(const char *p)
{
	size_t d = 1;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

/* Is `path` `top` or below it? */
static bool at_or_under(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

typedef struct victim {
	size_t i;     /* index in the state */
	size_t depth;
} victim;

static int by_depth(const void *a, const void *b)
{
	const victim *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth < y->depth ? 1 : -1; /* deepest first */
	return x->i < y->i ? -1 : x->i > y->i;   /* then state (preorder) order */
}

/* The node that made `path` (which is at or under the root). */
static void origin(const bx_policy *p, const char *path, bx_loc *loc, const char **ypath, char *buf,
		   size_t len)
{
	*loc = p->root_loc;
	*ypath = "root";
	size_t rl = strlen(p->root);
	if (!path[rl])
		return;
	const char *rest = path + rl + 1, *slash = strchr(rest, '/');
	size_t cl = slash ? (size_t)(slash - rest) : strlen(rest);
	for (size_t i = 0; i < p->nclasses; i++) {
		const bx_class *c = &p->classes[i];
		if (strlen(c->name) != cl || strncmp(c->name, rest, cl) != 0)
			continue;
		*loc = c->loc;
		snprintf(buf, len, "classes.%s", c->name);
		*ypath = buf;
		if (!slash)
			return;
		const char *id = slash + 1, *end = strchr(id, '/');
		size_t il = end ? (size_t)(end - id) : strlen(id);
		for (size_t j = 0; j < p->nboxes; j++) {
			const bx_static_box *b = &p->boxes[j];
			if (strcmp(b->class_name, c->name) == 0 && strlen(b->id) == il &&
			    strncmp(b->id, id, il) == 0) {
				*loc = b->loc;
				snprintf(buf, len, "boxes.%s", b->id);
				return;
			}
		}
		return;
	}
	/* a slice the policy does not declare: it is under the root */
}

int bx_plan_destroy(const bx_policy *p, const bx_state *st, const char *const *nested,
		    size_t nnested, bool allow_populated, bx_plan **out, bx_error **err)
{
	*out = NULL;
	if (!p || !p->root || !*p->root)
		return bx_err(err, EINVAL, "destroy: the policy has no root");
	victim *v = calloc(st->n + nnested + 1, sizeof *v);
	if (!v)
		return bx_err(err, ENOMEM, "destroy");
	size_t n = 0;
	char *busy = NULL;
	size_t nbusy = 0;
	for (size_t i = 0; i < st->n; i++) {
		const bx_cg_state *cg = &st->v[i];
		if (!cg->exists || !at_or_under(cg->path, p->root))
			continue;
		v[n++] = (victim){ i, depth_of(cg->path) };
		if (cg->populated && !allow_populated && nbusy++ < 5) {
			char *more = bx_sprintf("%s%s%s", busy ? busy : "", busy ? ", " : "", cg->path);
			free(busy);
			if (!(busy = more)) {
				free(v);
				return bx_err(err, ENOMEM, "destroy");
			}
		}
	}
	for (size_t i = 0; i < nnested; i++)
		if (at_or_under(nested[i], p->root))
			v[n++] = (victim){ st->n + i, depth_of(nested[i]) };
	if (nbusy) {
		bx_err(err, 0,
		       "%zu %s processes (%s%s): nothing was removed; stop them, or give --kill to kill "
		       "them first",
		       nbusy, nbusy == 1 ? "cgroup has" : "cgroups have", busy, nbusy > 5 ? ", …" : "");
		free(busy);
		free(v);
		return -1;
	}
	qsort(v, n, sizeof *v, by_depth);
	bx_plan *pl = bx_plan_new(st->base_path, st->dirmode);
	if (!pl) {
		free(v);
		return bx_err(err, ENOMEM, "destroy");
	}
	int r = 0;
	for (size_t k = 0; k < n && r == 0; k++) {
		char buf[128];
		bx_step s = { .op = BX_OP_RMDIR,
			      .cgroup = v[k].i < st->n ? st->v[v[k].i].path : (char *)nested[v[k].i - st->n] };
		const char *yp;
		origin(p, s.cgroup, &s.loc, &yp, buf, sizeof buf);
		s.ypath = (char *)yp;
		r = bx_plan_push(pl, &s, err);
	}
	free(v);
	if (r < 0) {
		bx_plan_free(pl);
		return -1;
	}
	pl->to_remove = n;
	*out = pl;
	return 0;
}
