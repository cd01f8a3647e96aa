/* box update: change a live box's own values as one transaction of the
 * applier (observe the box, plan with the new values, apply), under the
 * state directory's lock. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "apply/lock.h"
#include "apply/mutate.h"
#include "box/box.h"
#include "box/box_int.h"
#include "core/util.h"
#include "plan/plan.h"
#include "plan/state.h"
#include "policy/units.h"

/* A memory.max below what the box uses now: the kernel would reclaim and
 * then OOM-kill inside the box rather than fail the write (runc refuses
 * the same). EBUSY unless forced. */
static int check_memory(bx_cgfs *fs, const char *cg, const char *id, const bx_settings *s,
			bool force, bx_error **err)
{
	const char *want = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].file, "memory.max") == 0)
			want = s->v[i].value;
	if (force || !want || strcmp(want, "max") == 0)
		return 0;
	cleanup_free char *cur = NULL;
	bx_error *e = NULL;
	if (bx_cgfs_read(fs, cg, "memory.current", &cur, &e) < 0) {
		bx_error_free(e); /* no memory controller (directory mode): nothing to compare */
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long used = strtoull(cur, &end, 10), limit = strtoull(want, NULL, 10);
	if (errno || end == cur)
		return 0;
	if (limit >= used)
		return 0;
	char a[32], b[32];
	bx_fmt_bytes(limit, a, sizeof a);
	bx_fmt_bytes(used, b, sizeof b);
	return bx_err_said(err, EBUSY,
			  "box %s uses %s (memory.current), more than the memory.max of %s it would "
			  "get: the kernel would reclaim and OOM-kill in it rather than refuse; nothing "
			  "changed (--force writes it anyway)",
			  id, b, a);
}

/* The files whose value the new own values change (the class's other
 * settings stay as they are: `boxcg apply` reconciles drift): a
 * NULL-terminated array pointing into `after`, never NULL itself (an
 * empty list still scopes the observation); NULL out of memory. */
static const char **changed_files(const bx_settings *before, const bx_settings *after, size_t *n)
{
	*n = 0;
	const char **v = calloc(after->n + 1, sizeof *v);
	for (size_t i = 0; v && i < after->n; i++) {
		const bx_setting *a = &after->v[i];
		bool same = false;
		for (size_t j = 0; j < before->n && !same; j++) {
			const bx_setting *b = &before->v[j];
			same = bx_streq(a->file, b->file) && bx_streq(a->key, b->key) &&
			       bx_streq(a->value, b->value);
		}
		bool listed = false;
		for (size_t k = 0; k < *n && !listed; k++)
			listed = strcmp(v[k], a->file) == 0;
		if (!same && !listed)
			v[(*n)++] = a->file;
	}
	return v;
}

/* What one update's transaction works from, fixed before it starts. */
typedef struct job {
	bx_cgfs *fs;
	const bx_policy *p;
	const bx_class *c;
	const char *id, *cg;
	const bx_box_update_opts *o;
	const bx_lock *lock;
	const bx_settings *set;    /* the box's settings with its new values */
	const bx_record_seen *rec; /* its record, read under the lock */
	const char *const *files;  /* what the new values change */
	size_t nfiles;
} job;

static int plan_update(const job *j, const char *own, bool *used, bx_state **st, bx_plan **plan,
		       bx_error **err)
{
	bx_scope scope = { .class_name = j->c->name, .box_id = j->id, .files = j->files,
			   .nfiles = j->nfiles, .box_record = j->rec };
	bx_plan_opts po = { .scope = scope, .box_own = own, .box_set = j->set, .no_fingerprint = true };
	int r = bx_box_observe(j->fs, j->p, &scope, j->cg, j->o->frame, j->lock, st, used, err);
	if (r == 0)
		r = bx_plan_compute(j->p, *st, &po, plan, err);
	return r;
}

/* Plan and apply the new values; once more against the live tree when a
 * stale frame may be why it failed. */
static int plan_and_apply(const job *j, bx_box_update_result *res, bx_error **err)
{
	for (int attempt = 0;; attempt++) {
		bool used = false;
		bx_error *e = NULL;
		bx_plan_free(res->plan);
		res->plan = NULL;
		bx_state *st = NULL;
		int r = plan_update(j, res->own, &used, &st, &res->plan, &e);
		if (r == 0 && (j->o->dry_run || !res->plan->n)) {
			bx_state_free(st);
			return 0;
		}
		if (r == 0)
			r = bx_box_apply(j->fs, res->plan, &j->o->apply, j->lock, j->cg, st, &res->apply,
					 &e);
		bx_state_free(st);
		if (bx_box_again(j->fs, j->o->frame, attempt, r, used, &e, &res->apply))
			continue;
		return r < 0 ? bx_box_pass(err, e) : 0;
	}
}

/* The box, looked for through the session; a miss through the frame's
 * descriptors is looked for again without them (a class slice someone
 * outside boxcg removed and made again). */
static int locate(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  bx_frame *frame, const bx_class **c, bx_error **err)
{
	bx_error *e = NULL;
	if (bx_box_locate(fs, p, class_name, id, c, &e) == 0)
		return 0;
	if (e->errnum != ENOENT || !frame || !frame->memo)
		return bx_box_pass(err, e);
	bx_error_free(e);
	bx_box_forget(fs, frame);
	return bx_box_locate(fs, p, class_name, id, c, err);
}

int bx_box_update(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  const bx_box_update_opts *o, bx_box_update_result *res, bx_error **err)
{
	*res = (bx_box_update_result){0};
	if (!bx_box_id_valid(id))
		return bx_err_said(err, EINVAL, "invalid box id \"%s\"", id ? id : "");
	if (!o->nsets)
		return bx_err_said(err, EINVAL, "update box %s: nothing to change (give KEY=VALUE)", id);
	/* the pending journal is looked for at the end (bx_box_settle) */
	bx_lock *lock = NULL;
	if (bx_apply_guard_lock(&o->apply, &lock, err) < 0)
		return -1;
	int r = -1;
	bool cached = false;
	const bx_class *c = NULL;
	cleanup_free char *cg = NULL;
	bx_owns ow = {0};
	bx_settings s = {0}, before = {0};
	cleanup_free char *rec_text = NULL;
	bx_record_seen rec = {0};
	const char **files = NULL;
	size_t nfiles;
	/* Under the lock: one directory cache from here to the commit, so
	 * the box and its ancestors are opened once. */
	cached = bx_box_session_begin(fs, o->frame, lock);
	if (locate(fs, p, class_name, id, o->frame, &c, err) < 0)
		goto out;
	if (!(cg = bx_box_path(p, c->name, id))) {
		bx_err(err, ENOMEM, "update box %s", id);
		goto out;
	}
	/* Its values now, then the new ones over them. The record is read
	 * once: the observation below takes it as read here, under the lock. */
	if (bx_read_managed(fs, cg, &rec_text, &rec.unsupported, err) < 0)
		goto wrap;
	rec.text = rec_text;
	if (bx_sizes_from_record(c, rec_text, &ow) < 0) {
		bx_err(err, ENOMEM, "read the record of %s", cg);
		goto wrap;
	}
	if (bx_sizes_settings(c, &ow, &p->facts, &before, err) < 0 ||
	    bx_sizes_request(c, o->sets, o->nsets, &ow, err) < 0 ||
	    bx_sizes_settings(c, &ow, &p->facts, &s, err) < 0 || !(res->own = bx_sizes_text(&ow)))
		goto wrap;
	if (check_memory(fs, cg, id, &s, o->force, err) < 0)
		goto wrap;
	if (!(files = changed_files(&before, &s, &nfiles))) {
		bx_err(err, ENOMEM, "update box %s", id);
		goto wrap;
	}
	job j = { .fs = fs, .p = p, .c = c, .id = id, .cg = cg, .o = o, .lock = lock, .set = &s,
		  .rec = &rec, .files = files, .nfiles = nfiles };
	r = plan_and_apply(&j, res, err);
	if (r == 0)
		goto out;
wrap:
	if (err && !*err)
		bx_err(err, ENOMEM, "update box %s", id);
	bx_err_wrap(err, "update box %s of class %s", id, c ? c->name : "?");
out:
	r = bx_box_settle(&o->apply, lock, o->frame, r,
			  r == 0 && !o->dry_run && res->plan && res->plan->n, NULL, err);
	if (cached)
		bx_box_session_end(fs, o->frame, r == 0);
	free(files);
	bx_settings_free(&s);
	bx_settings_free(&before);
	bx_owns_free(&ow);
	bx_lock_release(lock);
	return r;
}

void bx_box_update_result_free(bx_box_update_result *r)
{
	bx_plan_free(r->plan);
	bx_apply_result_free(&r->apply);
	free(r->own);
	*r = (bx_box_update_result){0};
}
