/* The statistics of a policy's class slices and boxes (bx_stats_collect). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "box/box.h"
#include "core/util.h"
#include "stats/stats.h"

static int add(bx_cgfs *fs, const char *class_name, const char *box, char *cg, bx_stats_set *out,
	       bx_error **err)
{
	if (!cg || bx_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v) < 0) {
		free(cg);
		return bx_err(err, ENOMEM, "read statistics");
	}
	bx_stats_entry *e = &out->v[out->n];
	*e = (bx_stats_entry){ .class_name = class_name, .cgroup = cg };
	if (box && !(e->box = strdup(box))) {
		free(cg);
		return bx_err(err, ENOMEM, "read statistics");
	}
	out->n++;
	return bx_stats_read(fs, cg, &e->st, err);
}

static int one_class(bx_cgfs *fs, const bx_policy *p, const bx_class *c, bx_stats_set *out,
		     bx_error **err)
{
	char *slice = bx_sprintf("%s/%s", p->root, c->name);
	if (!slice)
		return bx_err(err, ENOMEM, "read statistics");
	int ex = bx_cgfs_exists(fs, slice, err);
	if (ex <= 0) {
		free(slice);
		return ex;
	}
	if (add(fs, c->name, NULL, slice, out, err) < 0)
		return -1;
	char **kids;
	size_t nk;
	if (bx_cgfs_children(fs, slice, &kids, &nk, err) < 0)
		return -1;
	int r = 0;
	for (size_t k = 0; k < nk && r == 0; k++)
		if (bx_box_id_valid(kids[k]))
			r = add(fs, c->name, kids[k], bx_sprintf("%s/%s", slice, kids[k]), out, err);
	bx_strv_free(kids, nk);
	return r;
}

int bx_stats_collect(bx_cgfs *fs, const bx_policy *p, const char *const *ids, size_t nids,
		     bx_stats_set *out, bx_error **err)
{
	*out = (bx_stats_set){0};
	int r = 0;
	if (!nids) {
		for (size_t i = 0; i < p->nclasses && r == 0; i++)
			r = one_class(fs, p, &p->classes[i], out, err);
	} else {
		for (size_t i = 0; i < nids && r == 0; i++) {
			const bx_class *c;
			if (!bx_box_id_valid(ids[i]))
				r = bx_err(err, EINVAL, "invalid box id \"%s\"", ids[i]);
			else if ((r = bx_box_locate(fs, p, NULL, ids[i], &c, err)) == 0)
				r = add(fs, c->name, ids[i], bx_box_path(p, c->name, ids[i]), out, err);
		}
	}
	if (r < 0)
		bx_stats_set_free(out);
	return r;
}

void bx_stats_set_free(bx_stats_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].box);
		free(s->v[i].cgroup);
		bx_stats_free(&s->v[i].st);
	}
	free(s->v);
	*s = (bx_stats_set){0};
}
