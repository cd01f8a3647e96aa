/* bx_policy_load and bx_policy_load_buffer: read, parse, check, resolve,
 * check across fields, compile. One exit path frees the front end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/front.h"
#include "policy/policy.h"

static bx_loc loc_of(const bx_front *f, const bx_ynode *n)
{
	return n ? bx_floc(f, n) : (bx_loc){ f->nfiles ? f->files[0] : NULL, 0, 0 };
}

/* The limits the class opens to its boxes (its own `sizes:` or the
 * nearest ancestor's), in registry order. */
static int open_keys(const bx_front *f, const bx_cdecl *c, bx_class *out)
{
	const bx_cdecl *s = bx_sizes_of(f, c);
	if (!s || !s->nopen)
		return 0;
	if (!(out->open = calloc(s->nopen, sizeof *out->open)))
		return -1;
	for (size_t i = 0; i < bx_nknobs; i++)
		for (size_t j = 0; j < s->nopen; j++) {
			const bx_odecl *d = &s->open[j];
			if (d->knob != &bx_knobs[i])
				continue;
			bx_open_key *o = &out->open[out->nopen++];
			*o = (bx_open_key){ .knob = d->knob, .loc = bx_floc(f, d->key), .lo = d->lo,
					    .hi = d->hi, .overhead = d->overhead };
			if (!(o->ypath = bx_ypath(d->key)))
				return -1;
		}
	return 0;
}

/* The compiled policy; the front end's file table moves into it. */
static bx_policy *assemble(bx_front *f)
{
	bx_policy *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	/* The same strings: locations made from f->files stay valid. */
	p->files = f->files;
	p->nfiles = f->nfiles;
	f->files_moved = true;
	p->texts = calloc(f->nfiles ? f->nfiles : 1, sizeof *p->texts);
	if (!p->texts) {
		free(p);
		f->files_moved = false;
		return NULL;
	}
	for (size_t i = 0; i < f->ntexts && i < f->nfiles; i++) {
		p->texts[i] = f->texts[i];
		f->texts[i] = NULL;
	}
	p->facts = *f->facts;
	p->root = strdup(f->root ? f->root : "boxlite");
	p->root_loc = loc_of(f, f->root_node);
	p->classes = calloc(f->nclasses ? f->nclasses : 1, sizeof *p->classes);
	p->boxes = calloc(f->nboxes ? f->nboxes : 1, sizeof *p->boxes);
	if (!p->root || !p->classes || !p->boxes)
		goto oom;
	for (size_t i = 0; i < f->nclasses; i++) {
		const bx_cdecl *c = &f->classes[i];
		bx_class *out = &p->classes[p->nclasses++];
		out->name = strdup(c->name);
		out->loc = (bx_loc){ p->files[c->key->file], c->key->line, c->key->col };
		out->description = c->description ? strdup(c->description) : NULL;
		if (!out->name || (c->description && !out->description))
			goto oom;
		if (bx_compile_view(f, &c->bview, &out->box) < 0 ||
		    bx_compile_view(f, &c->sview, &out->slice) < 0 || open_keys(f, c, out) < 0)
			goto oom;
	}
	for (size_t i = 0; i < f->nboxes; i++) {
		const bx_bdecl *b = &f->boxes[i];
		bx_static_box *out = &p->boxes[p->nboxes++];
		out->id = strdup(b->id->u.s);
		out->class_name = strdup(b->cls->u.s);
		out->loc = (bx_loc){ p->files[b->node->file], b->node->line, b->node->col };
		if (!out->id || !out->class_name)
			goto oom;
	}
	return p;
oom:
	bx_policy_free(p);
	return NULL;
}

static void front_free(bx_front *f)
{
	if (!f->files_moved) {
		for (size_t i = 0; i < f->nfiles; i++)
			free(f->files[i]);
		free(f->files);
	}
	for (size_t i = 0; i < f->ntexts; i++)
		free(f->texts[i]);
	free(f->texts);
	free(f->classes);
	free(f->boxes);
	bx_strmap_free(&f->class_index);
	bx_strmap_free(&f->seen);
	bx_arena_free(&f->arena);
}

/* Everything after reading: policy-wide rules, resolution, checks, and
 * the compiled policy when no error was found. */
static int finish(bx_front *f, bx_policy **out, size_t errors_before, bx_error **err)
{
	*out = NULL;
	bx_doc_finish(f);
	if (!f->broken && !f->oom) {
		bx_resolve(f);
		for (size_t i = 0; i < f->nclasses && !f->oom; i++)
			if (!f->classes[i].unresolved)
				bx_check_class(f, &f->classes[i]), bx_sizes_check(f, &f->classes[i]);
	}
	if (!f->oom && f->diags->errors == errors_before && !f->broken) {
		*out = assemble(f);
		if (!*out)
			f->oom = true;
	}
	bool oom = f->oom;
	front_free(f);
	if (oom) {
		bx_policy_free(*out);
		*out = NULL;
		return bx_err(err, ENOMEM, "loading the policy");
	}
	return 0;
}

static void init(bx_front *f, bx_host_facts *own, const bx_host_facts *facts, bx_diags *diags)
{
	if (!facts) {
		bx_host_facts_probe(own);
		facts = own;
	}
	*f = (bx_front){ .facts = facts, .diags = diags };
}

int bx_policy_load(const char *const *paths, size_t npaths, const bx_host_facts *facts,
		   bx_policy **out, bx_diags *diags, bx_error **err)
{
	bx_front f;
	bx_host_facts own;
	size_t before = diags->errors;
	init(&f, &own, facts, diags);
	if (npaths == 0) {
		bx_diag_error(diags, NULL, NULL, "no policy file or directory given");
		f.broken = true;
	}
	for (size_t i = 0; i < npaths && !f.oom; i++)
		bx_source_load_path(&f, paths[i]);
	return finish(&f, out, before, err);
}

int bx_policy_load_texts(const char *const *names, const char *const *texts, size_t n,
			 const bx_host_facts *facts, bx_policy **out, bx_diags *diags,
			 bx_error **err)
{
	bx_front f;
	bx_host_facts own;
	size_t before = diags->errors;
	init(&f, &own, facts, diags);
	if (n == 0) {
		bx_diag_error(diags, NULL, NULL, "no policy file or directory given");
		f.broken = true;
	}
	for (size_t i = 0; i < n && !f.oom; i++)
		bx_source_load_buffer(&f, names[i], texts[i], strlen(texts[i]));
	return finish(&f, out, before, err);
}

int bx_policy_load_buffer(const char *name, const char *data, size_t len,
			  const bx_host_facts *facts, bx_policy **out, bx_diags *diags,
			  bx_error **err)
{
	bx_front f;
	bx_host_facts own;
	size_t before = diags->errors;
	init(&f, &own, facts, diags);
	bx_source_load_buffer(&f, name, data, len);
	return finish(&f, out, before, err);
}
