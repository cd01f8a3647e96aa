/* The observed state: building it, finding things in it, freeing it. */
#include "plan/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int bx_path_cmp(const char *a, const char *b)
{
	/* '/' sorts below every other byte, so "a/b" comes right after "a"
	 * and before "a-b": the order of a preorder walk. */
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x == y) {
			if (!x)
				return 0;
			continue;
		}
		unsigned kx = x == '/' ? 1 : x == 0 ? 0 : (unsigned)x + 1;
		unsigned ky = y == '/' ? 1 : y == 0 ? 0 : (unsigned)y + 1;
		return kx < ky ? -1 : 1;
	}
}

bx_state *bx_state_new(const char *base_path, bool dirmode)
{
	bx_state *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->base_path = strdup(base_path ? base_path : "");
	if (!st->base_path) {
		free(st);
		return NULL;
	}
	st->dirmode = dirmode;
	st->sorted = true;
	return st;
}

bx_cg_state *bx_state_add(bx_state *st, const char *path)
{
	if (bx_grow(&st->v, &st->cap, st->n + 1, sizeof *st->v) < 0)
		return NULL;
	char *p = strdup(path);
	if (!p)
		return NULL;
	if (st->n && bx_path_cmp(st->v[st->n - 1].path, p) >= 0)
		st->sorted = false;
	bx_cg_state *cg = &st->v[st->n++];
	*cg = (bx_cg_state){ .path = p };
	return cg;
}

int bx_cg_set_file(bx_cg_state *cg, const char *name, const char *raw)
{
	char *r = NULL;
	if (raw && !(r = strdup(raw)))
		return -1;
	for (size_t i = 0; i < cg->nfiles; i++) {
		if (strcmp(cg->files[i].name, name) == 0) {
			free(cg->files[i].raw);
			cg->files[i].raw = r;
			return 0;
		}
	}
	char *n = strdup(name);
	if (!n || bx_grow(&cg->files, &cg->nfiles_cap, cg->nfiles + 1, sizeof *cg->files) < 0) {
		free(n);
		free(r);
		return -1;
	}
	cg->files[cg->nfiles++] = (bx_file_state){ .name = n, .raw = r };
	return 0;
}

void bx_cg_file_form(bx_cg_state *cg, const char *name, unsigned char form)
{
	for (size_t i = 0; i < cg->nfiles; i++)
		if (strcmp(cg->files[i].name, name) == 0)
			cg->files[i].form = form;
}

int bx_state_copy_cg(bx_state *st, const bx_cg_state *from)
{
	bx_cg_state *cg = bx_state_add(st, from->path);
	if (!cg)
		return -1;
	char *path = cg->path;
	*cg = *from;
	cg->path = path;
	cg->managed = NULL;
	cg->files = NULL;
	cg->nfiles = cg->nfiles_cap = 0;
	cg->children = NULL;
	cg->nchildren = 0;
	if (from->managed && !(cg->managed = strdup(from->managed)))
		return -1;
	for (size_t i = 0; i < from->nfiles; i++) {
		if (bx_cg_set_file(cg, from->files[i].name, from->files[i].raw) < 0)
			return -1;
		cg->files[cg->nfiles - 1].form = from->files[i].form;
	}
	if (from->nchildren) {
		if (!(cg->children = calloc(from->nchildren, sizeof *cg->children)))
			return -1;
		for (size_t i = 0; i < from->nchildren; i++, cg->nchildren++)
			if (!(cg->children[i] = strdup(from->children[i])))
				return -1;
	}
	return 0;
}

static int cmp_cg(const void *a, const void *b)
{
	const bx_cg_state *x = a, *y = b;
	return bx_path_cmp(x->path, y->path);
}

void bx_state_sort(bx_state *st)
{
	if (!st->sorted && st->n)
		qsort(st->v, st->n, sizeof *st->v, cmp_cg);
	st->sorted = true;
}

const bx_cg_state *bx_state_find(const bx_state *st, const char *path)
{
	if (!st || !path)
		return NULL;
	if (!st->sorted) {
		for (size_t i = 0; i < st->n; i++)
			if (strcmp(st->v[i].path, path) == 0)
				return &st->v[i];
		return NULL;
	}
	size_t lo = 0, hi = st->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = bx_path_cmp(st->v[mid].path, path);
		if (c == 0)
			return &st->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const bx_file_state *bx_cg_file(const bx_cg_state *cg, const char *file)
{
	if (!cg)
		return NULL;
	for (size_t i = 0; i < cg->nfiles; i++)
		if (strcmp(cg->files[i].name, file) == 0)
			return &cg->files[i];
	return NULL;
}

const char *bx_state_file(const bx_state *st, const char *path, const char *file)
{
	const bx_file_state *f = bx_cg_file(bx_state_find(st, path), file);
	return f ? f->raw : NULL;
}

static void cg_free(bx_cg_state *cg)
{
	free(cg->path);
	free(cg->managed);
	for (size_t i = 0; i < cg->nfiles; i++) {
		free(cg->files[i].name);
		free(cg->files[i].raw);
	}
	free(cg->files);
	for (size_t i = 0; i < cg->nchildren; i++)
		free(cg->children[i]);
	free(cg->children);
}

void bx_state_free(bx_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		cg_free(&st->v[i]);
	free(st->v);
	free(st->base_path);
	free(st->tree);
	free(st);
}
