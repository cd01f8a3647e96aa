/* The front end's context: interned file names and located diagnostics. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/front.h"

int bx_front_add_file(bx_front *f, const char *name)
{
	if (f->nfiles >= BX_MAX_FILES) {
		bx_loc loc = { name, 0, 0 };
		bx_diag_error(f->diags, &loc, NULL, "more than %d policy files; not read", BX_MAX_FILES);
		return -1;
	}
	if (bx_grow(&f->files, &f->files_cap, f->nfiles + 1, sizeof *f->files) < 0) {
		f->oom = true;
		return -1;
	}
	char *copy = strdup(name);
	if (!copy) {
		f->oom = true;
		return -1;
	}
	f->files[f->nfiles] = copy;
	return (int)f->nfiles++;
}

int bx_front_set_text(bx_front *f, int idx, char *text)
{
	if (!text)
		text = strdup("");
	if (!text || bx_grow(&f->texts, &f->texts_cap, f->nfiles, sizeof *f->texts) < 0) {
		free(text);
		return -1;
	}
	for (size_t i = f->ntexts; i < f->nfiles; i++)
		f->texts[i] = NULL;
	if ((size_t)idx >= f->ntexts)
		f->ntexts = f->nfiles;
	free(f->texts[idx]);
	f->texts[idx] = text;
	return 0;
}

bx_loc bx_floc(const bx_front *f, const bx_ynode *n)
{
	return (bx_loc){ n->file < f->nfiles ? f->files[n->file] : NULL, n->line, n->col };
}

static void vdiag(bx_front *f, bx_severity sev, const bx_loc *loc, const char *path,
		  const char *fmt, va_list ap)
{
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0) {
		f->oom = true;
		return;
	}
	bx_diag_add(f->diags, sev, loc, path, "%s", msg);
	free(msg);
	if (f->diags->oom)
		f->oom = true;
}

void bx_fdiag(bx_front *f, bx_severity sev, const bx_ynode *at, const char *fmt, ...)
{
	bx_loc loc = bx_floc(f, at);
	char *path = bx_ypath(at);
	if (!path)
		f->oom = true;
	va_list ap;
	va_start(ap, fmt);
	vdiag(f, sev, &loc, path, fmt, ap);
	va_end(ap);
	free(path);
}

void bx_fdiag_at(bx_front *f, bx_severity sev, uint16_t file, unsigned line, unsigned col,
		 const char *fmt, ...)
{
	bx_loc loc = { file < f->nfiles ? f->files[file] : NULL, line, col };
	va_list ap;
	va_start(ap, fmt);
	vdiag(f, sev, &loc, NULL, fmt, ap);
	va_end(ap);
}

bool bx_merge_key(bx_front *f, const bx_ynode *k)
{
	if (k->kind != BX_Y_SCALAR || strcmp(k->u.s, "<<") != 0)
		return false;
	bx_ferr(f, k, "YAML merge keys (<<) are not supported; use `extends` to share limits");
	return true;
}
