/* boxcg_policy and its diagnostics. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/util.h"
#include "policy/policy.h"

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

/* A public copy of the (sorted) diagnostics. NULL when out of memory. */
static boxcg_diagnostics *copy_diags(bx_diags *d)
{
	boxcg_diagnostics *out = calloc(1, sizeof *out);
	if (!out)
		return NULL;
	bx_diags_sort(d);
	if (d->n && !(out->v = calloc(d->n, sizeof *out->v))) {
		free(out);
		return NULL;
	}
	bool oom = d->oom;
	for (size_t i = 0; i < d->n; i++, out->n++) {
		const bx_diag *s = &d->v[i];
		boxcg_diagnostic *g = &out->v[i];
		g->d.sev = s->sev;
		g->d.line = s->line;
		g->d.col = s->col;
		g->d.file = dup_or_null(s->file, &oom);
		g->d.path = dup_or_null(s->path, &oom);
		g->d.msg = dup_or_null(s->msg ? s->msg : "", &oom);
		if (!(g->text = bx_diag_format(s)))
			oom = true;
	}
	out->errors = d->errors; /* also those found beyond BX_DIAGS_MAX */
	if (oom) {
		boxcg_diagnostics_free(out);
		return NULL;
	}
	return out;
}

typedef int (*load_fn)(const void *arg, const bx_host_facts *f, bx_policy **out, bx_diags *d,
		       bx_error **err);

static int load(const boxcg_target *t, load_fn fn, const void *arg, boxcg_policy **out,
		boxcg_diagnostics **diags, boxcg_error **err)
{
	bx_error *e = NULL;
	if (diags)
		*diags = NULL;
	if (!out) {
		bx_err(&e, EINVAL, "load policy: out is NULL");
		return bx_api_fail(err, e);
	}
	*out = NULL;
	bx_host_facts local;
	const bx_host_facts *facts = t ? &t->fs->facts : NULL;
	if (!facts) {
		bx_host_facts_probe(&local);
		facts = &local;
	}
	bx_diags d = {0};
	bx_policy *p = NULL;
	int r = fn(arg, facts, &p, &d, &e);
	if (r == 0 && (d.errors || !p)) {
		bx_err(&e, 0, "the policy has %zu %s", d.errors, d.errors == 1 ? "error" : "errors");
		r = -1;
	}
	boxcg_policy *h = NULL;
	if (r == 0 && !(h = calloc(1, sizeof *h)))
		r = bx_err(&e, ENOMEM, "load policy");
	boxcg_diagnostics *dg = NULL;
	if (diags && !(dg = copy_diags(&d)))
		r = bx_err(&e, ENOMEM, "load policy: diagnostics");
	bx_diags_free(&d);
	if (diags)
		*diags = dg; /* an invalid policy's diagnostics are the point */
	if (r < 0) {
		free(h);
		bx_policy_free(p);
		return bx_api_fail(err, e);
	}
	h->p = p;
	*out = h;
	return 0;
}

typedef struct files_arg {
	const char *const *paths;
	size_t n;
} files_arg;

static int load_files(const void *arg, const bx_host_facts *f, bx_policy **out, bx_diags *d,
		      bx_error **err)
{
	const files_arg *a = arg;
	if (!a->paths || !a->n)
		return bx_err(err, EINVAL, "load policy: no paths");
	return bx_policy_load(a->paths, a->n, f, out, d, err);
}

typedef struct buffer_arg {
	const char *name, *data;
	size_t len;
} buffer_arg;

static int load_buffer(const void *arg, const bx_host_facts *f, bx_policy **out, bx_diags *d,
		       bx_error **err)
{
	const buffer_arg *a = arg;
	if (!a->data)
		return bx_err(err, EINVAL, "load policy: no data");
	return bx_policy_load_buffer(a->name ? a->name : "<buffer>", a->data, a->len, f, out, d,
				     err);
}

int boxcg_policy_load(const boxcg_target *t, const char *const *paths, size_t npaths,
		      boxcg_policy **out, boxcg_diagnostics **diags, boxcg_error **err)
{
	files_arg a = { paths, npaths };
	return load(t, load_files, &a, out, diags, err);
}

int boxcg_policy_load_buffer(const boxcg_target *t, const char *name, const char *data,
			     size_t len, boxcg_policy **out, boxcg_diagnostics **diags,
			     boxcg_error **err)
{
	buffer_arg a = { name, data, len };
	return load(t, load_buffer, &a, out, diags, err);
}

void boxcg_policy_free(boxcg_policy *p)
{
	if (!p)
		return;
	bx_policy_free(p->p);
	free(p);
}

const char *boxcg_policy_root(const boxcg_policy *p) { return p ? p->p->root : NULL; }

size_t boxcg_policy_class_count(const boxcg_policy *p) { return p ? p->p->nclasses : 0; }

const char *boxcg_policy_class_name(const boxcg_policy *p, size_t i)
{
	return p && i < p->p->nclasses ? p->p->classes[i].name : NULL;
}

size_t boxcg_diagnostics_count(const boxcg_diagnostics *d) { return d ? d->n : 0; }

size_t boxcg_diagnostics_errors(const boxcg_diagnostics *d) { return d ? d->errors : 0; }

const boxcg_diagnostic *boxcg_diagnostics_at(const boxcg_diagnostics *d, size_t i)
{
	return d && i < d->n ? &d->v[i] : NULL;
}

void boxcg_diagnostics_free(boxcg_diagnostics *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].d.file);
		free(d->v[i].d.path);
		free(d->v[i].d.msg);
		free(d->v[i].text);
	}
	free(d->v);
	free(d);
}

boxcg_severity boxcg_diagnostic_severity(const boxcg_diagnostic *g)
{
	return g && g->d.sev == BX_SEV_ERROR ? BOXCG_SEVERITY_ERROR : BOXCG_SEVERITY_WARNING;
}

const char *boxcg_diagnostic_file(const boxcg_diagnostic *g) { return g ? g->d.file : NULL; }
unsigned boxcg_diagnostic_line(const boxcg_diagnostic *g) { return g ? g->d.line : 0; }
unsigned boxcg_diagnostic_column(const boxcg_diagnostic *g) { return g ? g->d.col : 0; }
const char *boxcg_diagnostic_message(const boxcg_diagnostic *g) { return g ? g->d.msg : NULL; }
const char *boxcg_diagnostic_path(const boxcg_diagnostic *g) { return g ? g->d.path : NULL; }
const char *boxcg_diagnostic_text(const boxcg_diagnostic *g) { return g ? g->text : NULL; }
