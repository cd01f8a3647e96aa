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
		if (!(v[i] = bx_sprintf("%s=%s", sets[i].key, sets[i].value))) {
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
	bx_box_create_result res;
	int r = bx_box_create(t->fs, p->p, class_name, id, &o, &res, &e);
	bx_apply_result_free(&res.apply);
	bx_api_sets_free(v, nsets);
	return r < 0 ? bx_api_fail(err, e) : 0;
}
