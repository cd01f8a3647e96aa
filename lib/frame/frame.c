#include "frame/frame.h"

#include <stdlib.h>
#include <string.h>

void bx_frame_forget(bx_frame *f)
{
	if (!f)
		return;
	bx_state_free(f->memo);
	f->memo = NULL;
}

static bool at_or_below(const char *path, const char *cg)
{
	size_t n = strlen(cg);
	return strncmp(path, cg, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The observed cgroups above the box, added to what the frame holds
 * (another class's slice may be there already). Out of memory: the frame
 * is forgotten, which is slower, not wrong. */
static void remember(bx_frame *f, const bx_state *st, uint64_t gen, const char *box_cg)
{
	if (!f->memo && !(f->memo = bx_state_new(st->base_path, st->dirmode)))
		return;
	f->gen = gen;
	bool added = false;
	for (size_t i = 0; i < st->n; i++) {
		const bx_cg_state *cg = &st->v[i];
		if (at_or_below(cg->path, box_cg) || bx_state_find(f->memo, cg->path))
			continue;
		if (bx_state_copy_cg(f->memo, cg) < 0) {
			bx_frame_forget(f);
			return;
		}
		added = true;
	}
	if (added)
		bx_state_sort(f->memo);
}

bool bx_frame_holds(bx_frame *f, const bx_cgfs *fs, bool gen_known, uint64_t gen)
{
	if (!f || !f->memo)
		return false;
	if (!gen_known || f->gen != gen || f->memo->dirmode != fs->dirmode ||
	    strcmp(f->memo->base_path, fs->base_path ? fs->base_path : "") != 0) {
		bx_frame_forget(f);
		return false;
	}
	return true;
}

void bx_frame_park(const bx_frame *f, bx_cgfs *fs)
{
	if (!f || !f->memo)
		return;
	const char *v[16];
	size_t n = 0;
	for (size_t i = 0; i < f->memo->n && n < 16; i++)
		if (f->memo->v[i].exists && *f->memo->v[i].path)
			v[n++] = f->memo->v[i].path;
	bx_cgfs_cache_park(fs, v, n);
}

int bx_frame_observe(bx_frame *f, bx_cgfs *fs, bool gen_known, uint64_t gen,
		     const bx_policy *p, const bx_scope *scope, const char *box_cg,
		     bx_state **out, bool *used, bx_error **err)
{
	*used = false;
	if (!f || !gen_known) {
		bx_frame_forget(f);
		return bx_observe(fs, p, scope, out, err);
	}
	bx_frame_holds(f, fs, gen_known, gen);
	*used = f->memo != NULL;
	if (bx_observe_memo(fs, f->memo, p, scope, out, err) < 0)
		return -1;
	remember(f, *out, gen, box_cg);
	return 0;
}
