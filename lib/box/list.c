/* box list: every box of the policy's classes, with its usage. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply/mutate.h"
#include "box/box.h"
#include "box/box_int.h"
#include "box/procs.h"
#include "core/util.h"
#include "plan/managed.h"

#include <sys/xattr.h>
#include <unistd.h>

static int64_t read_nprocs(bx_cgfs *fs, const char *cg)
{
	cleanup_free char *s = NULL;
	bx_error *e = NULL;
	if (bx_cgfs_read(fs, cg, "cgroup.procs", &s, &e) < 0) {
		bx_error_free(e);
		return -1;
	}
	return (int64_t)bx_procs_count(s);
}

int bx_box_own_read(bx_cgfs *fs, const bx_class *c, const char *cg, bx_owns *out, bx_error **err)
{
	*out = (bx_owns){0};
	if (!c->nopen)
		return 0;
	cleanup_free char *text = NULL;
	bool unsupported;
	if (bx_read_managed(fs, cg, &text, &unsupported, err) < 0)
		return -1;
	if (bx_sizes_from_record(c, text, out) < 0)
		return bx_err(err, ENOMEM, "read the record of %s", cg);
	return 0;
}

/* cgroup.events frozen: 1, 0, or -1 when there is none. */
static int read_frozen(bx_cgfs *fs, const char *cg)
{
	int64_t v = bx_box_counter(fs, cg, "cgroup.events", "frozen");
	return v < 0 ? -1 : v ? 1 : 0;
}

static int fill(bx_cgfs *fs, const bx_class *c, const char *slice, const char *id, bx_box_info *b,
		bx_error **err)
{
	*b = (bx_box_info){ .class_name = c->name };
	b->id = strdup(id);
	b->cgroup = bx_sprintf("%s/%s", slice, id);
	if (!b->id || !b->cgroup) {
		free(b->id);
		free(b->cgroup);
		b->id = b->cgroup = NULL;
		return bx_err(err, ENOMEM, "list boxes");
	}
	b->pids_current = bx_box_counter(fs, b->cgroup, "pids.current", NULL);
	b->memory_current = bx_box_counter(fs, b->cgroup, "memory.current", NULL);
	b->cpu_usage_usec = bx_box_counter(fs, b->cgroup, "cpu.stat", "usage_usec");
	b->oom_kills = bx_box_counter(fs, b->cgroup, "memory.events", "oom_kill");
	b->nprocs = read_nprocs(fs, b->cgroup);
	b->frozen = read_frozen(fs, b->cgroup);
	if (bx_box_own_read(fs, c, b->cgroup, &b->own, err) < 0)
		return -1;
	if (!(b->own_text = bx_sizes_text(&b->own)))
		return bx_err(err, ENOMEM, "list boxes");
	return 0;
}

static int add_box(bx_cgfs *fs, const bx_class *c, const char *slice, const char *id,
		   bx_box_list *out, bx_error **err)
{
	if (bx_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v) < 0)
		return bx_err(err, ENOMEM, "list boxes");
	bx_box_info *b = &out->v[out->n];
	int r = fill(fs, c, slice, id, b, err);
	if (b->id)
		out->n++; /* freed with the list either way */
	return r;
}

void bx_box_info_free(bx_box_info *b)
{
	free(b->id);
	free(b->cgroup);
	bx_owns_free(&b->own);
	free(b->own_text);
	if (b->limits) {
		bx_settings_free(b->limits);
		free(b->limits);
	}
	*b = (bx_box_info){0};
}

int bx_box_info_read(bx_cgfs *fs, const bx_policy *p, const bx_class *c, const char *id,
		     bx_box_info *out, bx_error **err)
{
	*out = (bx_box_info){0};
	cleanup_free char *slice = bx_sprintf("%s/%s", p->root, c->name);
	cleanup_free char *cg = slice ? bx_sprintf("%s/%s", slice, id) : NULL;
	if (!cg)
		return bx_err(err, ENOMEM, "box %s", id);
	int ex = bx_cgfs_exists(fs, cg, err);
	if (ex <= 0)
		return ex < 0 ? -1 : bx_err_said(err, ENOENT, "no box %s in class %s", id, c->name);
	bx_box_info b;
	int r = fill(fs, c, slice, id, &b, err);
	if (r == 0 && !(b.limits = calloc(1, sizeof *b.limits)))
		r = bx_err(err, ENOMEM, "box %s", id);
	if (r == 0)
		r = bx_sizes_settings(c, &b.own, &p->facts, b.limits, err);
	if (r < 0) {
		if (b.id)
			bx_box_info_free(&b);
		return -1;
	}
	*out = b;
	return 0;
}

int bx_box_list_read(bx_cgfs *fs, const bx_policy *p, bx_box_list *out, bx_error **err)
{
	*out = (bx_box_list){0};
	for (size_t i = 0; i < p->nclasses; i++) {
		const bx_class *c = &p->classes[i];
		cleanup_free char *slice = bx_sprintf("%s/%s", p->root, c->name);
		if (!slice) {
			bx_box_list_free(out);
			return bx_err(err, ENOMEM, "list boxes");
		}
		int ex = bx_cgfs_exists(fs, slice, err);
		if (ex < 0) {
			bx_box_list_free(out);
			return -1;
		}
		if (!ex)
			continue;
		char **kids;
		size_t nk;
		if (bx_cgfs_children(fs, slice, &kids, &nk, err) < 0) {
			bx_box_list_free(out);
			return -1;
		}
		int r = 0;
		for (size_t k = 0; k < nk && r == 0; k++)
			if (bx_box_id_valid(kids[k]))
				r = add_box(fs, c, slice, kids[k], out, err);
		bx_strv_free(kids, nk);
		if (r < 0) {
			bx_box_list_free(out);
			return -1;
		}
	}
	return 0;
}

void bx_box_list_free(bx_box_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		bx_box_info_free(&l->v[i]);
	free(l->v);
	*l = (bx_box_list){0};
}
