/* Naming and finding boxes: their path, the class that holds one, how many
 * processes one holds. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box/box.h"
#include "box/box_int.h"
#include "box/procs.h"
#include "policy/policy.h"
#include "core/util.h"

char *bx_box_path(const bx_policy *p, const char *class_name, const char *id)
{
	return bx_concat(p->root, "/", class_name, "/", id, NULL);
}

bool bx_box_id_valid(const char *id)
{
	return id && *id && !strchr(id, '/') && bx_cgpath_valid(id);
}

/* Whether class c holds box id: 1, 0, or -1 with *err. */
static int holds(bx_cgfs *fs, const bx_policy *p, const bx_class *c, const char *id,
		 bx_error **err)
{
	cleanup_free char *cg = bx_box_path(p, c->name, id);
	if (!cg)
		return bx_err(err, ENOMEM, "find box %s", id);
	int r = bx_cgfs_exists(fs, cg, err);
	return r < 0 ? bx_err_wrap(err, "find box %s", id) : r;
}

int bx_box_find_other(bx_cgfs *fs, const bx_policy *p, const bx_class *skip, const char *id,
		      const bx_class **out, bx_error **err)
{
	*out = NULL;
	for (size_t i = 0; i < p->nclasses && !*out; i++) {
		if (&p->classes[i] == skip)
			continue;
		int r = holds(fs, p, &p->classes[i], id, err);
		if (r < 0)
			return -1;
		if (r)
			*out = &p->classes[i];
	}
	return 0;
}

int bx_box_find(bx_cgfs *fs, const bx_policy *p, const char *id, const bx_class **out,
		bx_error **err)
{
	*out = NULL;
	if (!bx_box_id_valid(id))
		return bx_err_said(err, EINVAL, "invalid box id \"%s\": use letters, digits, '_' and '-', "
				      "starting with a letter or digit, at most 64", id ? id : "");
	for (size_t i = 0; i < p->nclasses; i++) {
		int r = holds(fs, p, &p->classes[i], id, err);
		if (r < 0)
			return -1;
		if (!r)
			continue;
		if (*out)
			return bx_err_said(err, EEXIST,
				      "box %s exists in class %s and in class %s: name the class with "
				      "--class",
				      id, (*out)->name, p->classes[i].name);
		*out = &p->classes[i];
	}
	if (!*out)
		return bx_err_said(err, ENOENT, "no box %s in any class of the policy (under %s/%s)", id,
			      fs->base_path, p->root);
	return 0;
}

int bx_box_locate(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  const bx_class **out, bx_error **err)
{
	if (!class_name)
		return bx_box_find(fs, p, id, out, err);
	*out = NULL;
	if (!bx_box_id_valid(id))
		return bx_err_said(err, EINVAL, "invalid box id \"%s\"", id ? id : "");
	const bx_class *c = bx_policy_class(p, class_name);
	if (!c)
		return bx_policy_no_class(p, class_name, ENOENT, err);
	int r = holds(fs, p, c, id, err);
	if (r < 0)
		return -1;
	if (!r)
		return bx_err_said(err, ENOENT, "no box %s in class %s (%s/%s/%s/%s)", id, c->name,
				   fs->base_path, p->root, c->name, id);
	*out = c;
	return 0;
}

int bx_box_nprocs(bx_cgfs *fs, const char *cg, size_t *n, bx_error **err)
{
	*n = 0;
	cleanup_free char *text = NULL;
	bx_error *e = NULL;
	if (bx_cgfs_read(fs, cg, "cgroup.procs", &text, &e) < 0) {
		if (e->errnum != ENOENT)
			return bx_box_pass(err, e);
		bx_error_free(e);
	} else {
		*n = bx_procs_count(text);
	}
	char **kids;
	size_t nk;
	if (bx_cgfs_children(fs, cg, &kids, &nk, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < nk && r == 0; i++) {
		cleanup_free char *sub = bx_sprintf("%s/%s", cg, kids[i]);
		size_t m = 0;
		if (!sub)
			r = bx_err(err, ENOMEM, "count processes of %s", cg);
		else if (bx_cgpath_valid(sub) && (r = bx_box_nprocs(fs, sub, &m, err)) == 0)
			*n += m;
	}
	bx_strv_free(kids, nk);
	return r;
}
