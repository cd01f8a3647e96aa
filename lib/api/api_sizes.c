/* Boxes with values of their own, through the public API. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/util.h"

/* "key=value" strings of the pairs; NULL (with *e) when a pair is bad. */
char **bx_api_sets(const boxcg_set *sets, size_t n, bx_error **e)
{
	char **v = calloc(n + 1, sizeof *v);
	if (!v) {
		bx_err(e, ENOMEM, "own values");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!sets[i].key || !sets[i].value) {
			bx_err(e, EINVAL, "own value %zu: the %s is NULL", i, sets[i].key ? "value" : "key");
			goto fail;
		}
		if (strchr(sets[i].key, '=')) {
			bx_err(e, EINVAL, "own value %zu: the key \"%s\" holds '='", i, sets[i].key);
			goto fail;
		}
		if (!(v[i] = bx_concat(sets[i].key, "=", sets[i].value, NULL))) {
			bx_err(e, ENOMEM, "own values");
			goto fail;
		}
	}
	return v;
fail:
	bx_api_sets_free(v, n);
	return NULL;
}

void bx_api_sets_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int boxcg_box_create_sized(boxcg_target *t, const boxcg_policy *p, const char *class_name,
			   const char *id, const boxcg_set *sets, size_t nsets, unsigned flags,
			   boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (!class_name)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "create box %s: the class name is NULL", id), e));
	if (flags & ~BOXCG_CREATE_EXIST_OK)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "create box: unknown flags %#x", flags), e));
	if (nsets && !sets)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "create box %s: sets is NULL", id), e));
	char **v = bx_api_sets(sets, nsets, &e);
	if (!v)
		return bx_api_fail(err, e);
	bx_box_create_opts o = { .exist_ok = flags & BOXCG_CREATE_EXIST_OK,
				 .sets = (const char *const *)v, .nsets = nsets };
	o.apply.state_dir = t->state_dir;
	o.apply.keep = &t->keep;
	o.frame = &t->frame;
	bx_box_create_result res;
	int r = bx_box_create(t->fs, p->p, class_name, id, &o, &res, &e);
	bx_apply_result_free(&res.apply);
	bx_api_sets_free(v, nsets);
	return r < 0 ? bx_api_fail(err, e) : 0;
}

int boxcg_box_update(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, const boxcg_set *sets, size_t nsets, unsigned flags,
		     boxcg_plan **plan, boxcg_error **err)
{
	bx_error *e = NULL;
	if (plan)
		*plan = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (flags & ~(BOXCG_UPDATE_DRY_RUN | BOXCG_UPDATE_FORCE))
		return bx_api_fail(err, (bx_err(&e, EINVAL, "update box: unknown flags %#x", flags), e));
	if (!sets || !nsets)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "update box %s: no values given", id), e));
	char **v = bx_api_sets(sets, nsets, &e);
	if (!v)
		return bx_api_fail(err, e);
	bx_box_update_opts o = { .sets = (const char *const *)v, .nsets = nsets,
				 .dry_run = flags & BOXCG_UPDATE_DRY_RUN,
				 .force = flags & BOXCG_UPDATE_FORCE };
	o.apply.state_dir = t->state_dir;
	o.apply.keep = &t->keep;
	o.frame = &t->frame;
	bx_box_update_result res;
	int r = bx_box_update(t->fs, p->p, class_name, id, &o, &res, &e);
	bx_api_sets_free(v, nsets);
	if (r == 0 && plan) {
		boxcg_plan *h = calloc(1, sizeof *h);
		if (!h) {
			bx_box_update_result_free(&res);
			return bx_api_fail(err, (bx_err(&e, ENOMEM, "update box %s", id), e));
		}
		h->plan = bx_steal(&res.plan);
		*plan = h;
	}
	bx_box_update_result_free(&res);
	return r < 0 ? bx_api_fail(err, e) : 0;
}

static int freeze(boxcg_target *t, const boxcg_policy *p, const char *class_name, const char *id,
		  bool on, int timeout_ms, boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	bx_apply_opts ao = { .state_dir = t->state_dir, .keep = &t->keep };
	if (bx_box_freeze(t->fs, p->p, class_name, id, on, timeout_ms, &ao, &e) < 0)
		return bx_api_fail(err, e);
	return 0;
}

int boxcg_box_freeze(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, int timeout_ms, boxcg_error **err)
{
	return freeze(t, p, class_name, id, true, timeout_ms, err);
}

int boxcg_box_thaw(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		   const char *id, int timeout_ms, boxcg_error **err)
{
	return freeze(t, p, class_name, id, false, timeout_ms, err);
}

int boxcg_box_dirfd(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		    const char *id, int *fd, boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (!fd)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "box %s: fd is NULL", id), e));
	*fd = -1;
	cleanup_free char *cg = NULL;
	if (bx_api_box_cgroup(t, p, class_name, id, &cg, &e) < 0 ||
	    bx_cgfs_open_dir(t->fs, cg, fd, &e) < 0)
		return bx_api_fail(err, e);
	return 0;
}

int boxcg_box_query(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		    const char *id, boxcg_box **out, boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (!out)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "box %s: out is NULL", id), e));
	*out = NULL;
	const bx_class *c;
	if (bx_box_locate(t->fs, p->p, class_name, id, &c, &e) < 0)
		return bx_api_fail(err, e);
	boxcg_box *b = calloc(1, sizeof *b);
	if (!b)
		return bx_api_fail(err, (bx_err(&e, ENOMEM, "box %s", id), e));
	if (bx_box_info_read(t->fs, p->p, c, id, &b->b, &e) < 0) {
		free(b);
		return bx_api_fail(err, e);
	}
	*out = b;
	return 0;
}

const char *boxcg_box_limit(const boxcg_box *b, const char *file)
{
	if (!b || !file || !b->b.limits)
		return NULL;
	for (size_t i = 0; i < b->b.limits->n; i++)
		if (!b->b.limits->v[i].key && strcmp(b->b.limits->v[i].file, file) == 0)
			return b->b.limits->v[i].value;
	return NULL;
}

void boxcg_box_free(boxcg_box *b)
{
	if (!b)
		return;
	bx_box_info_free(&b->b);
	free(b);
}
