/* Boxes through the public API: create, delete, attach, path, list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/util.h"

int bx_api_box_cgroup(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		      const char *id, char **cg, bx_error **err)
{
	*cg = NULL;
	const bx_class *c;
	if (bx_box_locate(t->fs, p->p, class_name, id, &c, err) < 0)
		return -1;
	if (!(*cg = bx_box_path(p->p, c->name, id)))
		return bx_err(err, ENOMEM, "box %s", id);
	return 0;
}

int boxcg_box_create(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, unsigned flags, boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (!class_name)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "create box %s: the class name is NULL", id), e));
	if (flags & ~BOXCG_CREATE_EXIST_OK)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "create box: unknown flags %#x", flags), e));
	bx_box_create_opts o = { .exist_ok = flags & BOXCG_CREATE_EXIST_OK };
	o.apply.state_dir = t->state_dir;
	o.apply.keep = &t->keep;
	o.frame = &t->frame;
	bx_box_create_result res;
	int r = bx_box_create(t->fs, p->p, class_name, id, &o, &res, &e);
	bx_apply_result_free(&res.apply);
	return r < 0 ? bx_api_fail(err, e) : 0;
}

int boxcg_box_delete(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, unsigned flags, int timeout_ms, boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (flags & ~BOXCG_DELETE_KILL)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "delete box: unknown flags %#x", flags), e));
	cleanup_free char *cg = NULL;
	bx_box_delete_opts o = { .kill = flags & BOXCG_DELETE_KILL, .timeout_ms = timeout_ms };
	bx_box_delete_result res;
	bx_apply_opts ao = { .state_dir = t->state_dir, .keep = &t->keep };
	bx_lock *lock = NULL;
	int r = bx_apply_guard(&ao, &lock, &e);
	if (r == 0)
		r = bx_api_box_cgroup(t, p, class_name, id, &cg, &e);
	if (r == 0)
		r = bx_box_delete(t->fs, cg, &o, &res, &e);
	bx_lock_release(lock);
	return r < 0 ? bx_api_fail(err, e) : 0;
}

int boxcg_box_attach(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		     const char *id, pid_t pid, boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	cleanup_free char *cg = NULL;
	bx_apply_opts ao = { .state_dir = t->state_dir, .keep = &t->keep };
	bx_lock *lock = NULL;
	int r = bx_apply_guard(&ao, &lock, &e);
	if (r == 0)
		r = bx_api_box_cgroup(t, p, class_name, id, &cg, &e);
	if (r == 0)
		r = bx_box_attach(t->fs, cg, pid, &e);
	bx_lock_release(lock);
	return r < 0 ? bx_api_fail(err, e) : 0;
}

int boxcg_box_path(const boxcg_target *t, const boxcg_policy *p, const char *class_name,
		   const char *id, char *buf, size_t size, boxcg_error **err)
{
	bx_error *e = NULL;
	if (bx_api_args(t, p, id, err) < 0)
		return -1;
	if (!class_name)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "box path: the class name is NULL"), e));
	if (!bx_policy_class(p->p, class_name))
		return bx_api_fail(err, (bx_err(&e, ENOENT, "the policy has no class \"%s\"", class_name), e));
	if (!bx_box_id_valid(id))
		return bx_api_fail(err, (bx_err(&e, EINVAL, "invalid box id \"%s\"", id), e));
	int n = snprintf(buf, size, "%s/%s/%s/%s", t->fs->base_path, p->p->root, class_name, id);
	if (n < 0 || (size_t)n >= size)
		return bx_api_fail(err, (bx_err(&e, ERANGE, "box path: %d bytes do not fit in %zu",
						n + 1, size), e));
	return 0;
}

int boxcg_box_list_read(boxcg_target *t, const boxcg_policy *p, boxcg_box_list **out,
			boxcg_error **err)
{
	bx_error *e = NULL;
	if (!out)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "list boxes: out is NULL"), e));
	*out = NULL;
	if (bx_api_args(t, p, "", err) < 0)
		return -1;
	boxcg_box_list *l = calloc(1, sizeof *l);
	if (!l)
		return bx_api_fail(err, (bx_err(&e, ENOMEM, "list boxes"), e));
	if (bx_box_list_read(t->fs, p->p, &l->l, &e) < 0) {
		free(l);
		return bx_api_fail(err, e);
	}
	*out = l;
	return 0;
}

size_t boxcg_box_list_count(const boxcg_box_list *l) { return l ? l->l.n : 0; }

const boxcg_box *boxcg_box_list_at(const boxcg_box_list *l, size_t i)
{
	return l && i < l->l.n ? (const boxcg_box *)&l->l.v[i] : NULL;
}

void boxcg_box_list_free(boxcg_box_list *l)
{
	if (!l)
		return;
	bx_box_list_free(&l->l);
	free(l);
}

const char *boxcg_box_id(const boxcg_box *b) { return b->b.id; }
const char *boxcg_box_class(const boxcg_box *b) { return b->b.class_name; }
const char *boxcg_box_cgroup(const boxcg_box *b) { return b->b.cgroup; }
int64_t boxcg_box_pids_current(const boxcg_box *b) { return b->b.pids_current; }
int64_t boxcg_box_memory_current(const boxcg_box *b) { return b->b.memory_current; }
int64_t boxcg_box_cpu_usage_usec(const boxcg_box *b) { return b->b.cpu_usage_usec; }
int64_t boxcg_box_oom_kills(const boxcg_box *b) { return b->b.oom_kills; }
const char *boxcg_box_own(const boxcg_box *b) { return b->b.own_text ? b->b.own_text : ""; }
int boxcg_box_frozen(const boxcg_box *b) { return b->b.frozen; }
