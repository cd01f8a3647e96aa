/* The plan container: steps, interned policy file names, counts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/plan_int.h"

bx_plan *bx_plan_new(const char *base_path, bool dirmode)
{
	bx_plan *pl = calloc(1, sizeof *pl);
	if (!pl)
		return NULL;
	pl->base_path = strdup(base_path ? base_path : "");
	pl->dirmode = dirmode;
	if (!pl->base_path) {
		free(pl);
		return NULL;
	}
	return pl;
}

/* Policies have a handful of files; steps point to few distinct names,
 * and consecutive steps mostly to the same one: check the last first. */
static const char *intern(bx_plan *pl, const char *file)
{
	if (!file)
		return NULL;
	for (size_t i = pl->nfiles; i-- > 0;)
		if (pl->files[i] == file || strcmp(pl->files[i], file) == 0)
			return pl->files[i];
	char *c = strdup(file);
	if (!c || bx_grow(&pl->files, &pl->files_cap, pl->nfiles + 1, sizeof *pl->files) < 0) {
		free(c);
		return NULL;
	}
	pl->files[pl->nfiles++] = c;
	return c;
}

static void step_free(bx_step *s)
{
	free(s->cgroup);
	free(s->file);
	free(s->key);
	free(s->write);
	free(s->old);
	free(s->new);
	free(s->ypath);
	free(s->warning);
}

static bool dup_opt(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return !src || *dst;
}

int bx_plan_push(bx_plan *pl, const bx_step *s, bx_error **err)
{
	if (bx_grow(&pl->v, &pl->cap, pl->n + 1, sizeof *pl->v) < 0)
		return bx_err(err, ENOMEM, "plan");
	bx_step c = { .op = s->op, .loc = s->loc, .static_box = s->static_box };
	bool ok = dup_opt(&c.cgroup, s->cgroup ? s->cgroup : "") && dup_opt(&c.file, s->file) &&
		  dup_opt(&c.key, s->key) && dup_opt(&c.write, s->write) && dup_opt(&c.old, s->old) &&
		  dup_opt(&c.new, s->new) && dup_opt(&c.ypath, s->ypath) &&
		  dup_opt(&c.warning, s->warning);
	if (ok && s->loc.file && !(c.loc.file = intern(pl, s->loc.file)))
		ok = false;
	if (!ok) {
		step_free(&c);
		return bx_err(err, ENOMEM, "plan");
	}
	pl->v[pl->n++] = c;
	return 0;
}

int bx_plan_push_ctrl(bx_plan *pl, bx_op op, const char *cg, unsigned bit, unsigned before,
		      const bx_loc *loc, const char *ypath, const char *warning, bx_error **err)
{
	unsigned after = op == BX_OP_ENABLE ? before | bit : before & ~bit;
	cleanup_free char *old = bx_ctrl_format_list(before);
	cleanup_free char *new = bx_ctrl_format_list(after);
	cleanup_free char *write = bx_sprintf("%c%s", op == BX_OP_ENABLE ? '+' : '-', bx_ctrl_name(bit));
	if (!old || !new || !write)
		return bx_err(err, ENOMEM, "plan");
	bx_step s = {
		.op = op,
		.cgroup = (char *)cg,
		.file = "cgroup.subtree_control",
		.write = write,
		.old = old,
		.new = new,
		.loc = loc ? *loc : (bx_loc){0},
		.ypath = (char *)ypath,
		.warning = (char *)warning,
	};
	return bx_plan_push(pl, &s, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void bx_plan_count(bx_plan *pl)
{
	pl->to_create = pl->to_change = pl->to_remove = 0;
	/* Files changed: distinct (cgroup, file) pairs among writes and
	 * subtree_control changes. */
	char **pairs = calloc(pl->n + 1, sizeof *pairs);
	size_t np = 0;
	for (size_t i = 0; i < pl->n; i++) {
		const bx_step *s = &pl->v[i];
		if (s->op == BX_OP_MKDIR)
			pl->to_create++;
		else if (s->op == BX_OP_RMDIR)
			pl->to_remove++;
		else if (pairs && (pairs[np] = bx_sprintf("%s/%s", s->cgroup, s->file ? s->file : "")))
			np++;
		else
			pl->to_change++; /* out of memory: count every step */
	}
	if (pairs) {
		qsort(pairs, np, sizeof *pairs, cmp_str);
		for (size_t i = 0; i < np; i++)
			if (i == 0 || strcmp(pairs[i], pairs[i - 1]) != 0)
				pl->to_change++;
		for (size_t i = 0; i < np; i++)
			free(pairs[i]);
		free(pairs);
	}
}

void bx_plan_free(bx_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		step_free(&p->v[i]);
	free(p->v);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	free(p->base_path);
	free(p->fingerprint);
	free(p);
}
