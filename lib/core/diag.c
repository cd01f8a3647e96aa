#include "core/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void bx_diag_add(bx_diags *d, bx_severity sev, const bx_loc *loc,
		 const char *path, const char *fmt, ...)
{
	if (d->n >= BX_DIAGS_MAX) {
		d->dropped++;
		if (sev == BX_SEV_ERROR)
			d->errors++;
		else
			d->warnings++;
		return;
	}
	if (bx_grow(&d->v, &d->cap, d->n + 1, sizeof *d->v) < 0) {
		d->oom = true;
		return;
	}
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		d->oom = true;
		return;
	}
	bx_diag *dg = &d->v[d->n++];
	*dg = (bx_diag){
		.sev = sev,
		.file = loc && loc->file ? strdup(loc->file) : NULL,
		.line = loc ? loc->line : 0,
		.col = loc ? loc->col : 0,
		.path = path ? strdup(path) : NULL,
		.msg = msg,
	};
	if (sev == BX_SEV_ERROR)
		d->errors++;
	else
		d->warnings++;
}

static int cmp_diag(const void *a, const void *b)
{
	const bx_diag *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

void bx_diags_sort(bx_diags *d)
{
	/* Insertion sort: stable, and diagnostic lists are short. */
	for (size_t i = 1; i < d->n; i++) {
		bx_diag t = d->v[i];
		size_t j = i;
		while (j > 0 && cmp_diag(&d->v[j - 1], &t) > 0) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = t;
	}
}

char *bx_diag_format(const bx_diag *dg)
{
	const char *sev = dg->sev == BX_SEV_ERROR ? "error" : "warning";
	bx_buf b = {0};
	if (dg->file) {
		bx_buf_puts(&b, dg->file);
		if (dg->line)
			bx_buf_printf(&b, ":%u:%u", dg->line, dg->col);
		bx_buf_puts(&b, ": ");
	}
	bx_buf_printf(&b, "%s: %s", sev, dg->msg);
	if (dg->path && *dg->path)
		bx_buf_printf(&b, " [%s]", dg->path);
	return bx_buf_take(&b);
}

void bx_diags_free(bx_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	free(d->v);
	*d = (bx_diags){0};
}
