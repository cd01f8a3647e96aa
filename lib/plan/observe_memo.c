/* Observation through a memo (bx_observe_memo): every cgroup the memo
 * records is answered from it, exactly as a snapshot answers
 * (observe_snap.c); every other one from the live tree (observe_live.c).
 * The caller decides when a memo still holds (lib/frame: the ancestors of
 * a box, kept while the state directory's generation stands). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "plan/observe_src.h"

typedef struct memo_ctx {
	const bx_state *memo;
	bx_obs_src live, snap;
} memo_ctx;

/* A handle says which source opened it. */
typedef struct memo_h {
	bool from_memo;
	void *h;
} memo_h;

static const bx_obs_src *pick(const memo_ctx *m, void *h, void **inner)
{
	const memo_h *w = h;
	*inner = w->h;
	return w->from_memo ? &m->snap : &m->live;
}

static int memo_open(void *ctx, const char *cg, void **h, bx_error **err)
{
	memo_ctx *m = ctx;
	*h = NULL;
	memo_h *w = calloc(1, sizeof *w);
	if (!w)
		return bx_err(err, ENOMEM, "observe");
	w->from_memo = bx_state_find(m->memo, cg) != NULL;
	const bx_obs_src *s = w->from_memo ? &m->snap : &m->live;
	int r = s->open(s->ctx, cg, &w->h, err);
	if (r <= 0) { /* missing: observe.c closes only what exists */
		if (r == 0)
			s->close(s->ctx, w->h);
		free(w);
		return r;
	}
	*h = w;
	return r;
}

static void memo_close(void *ctx, void *h)
{
	if (!h)
		return;
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	s->close(s->ctx, in);
	free(h);
}

static int memo_read(void *ctx, void *h, const char *cg, const char *file, char **raw,
		     unsigned char *form, bx_error **err)
{
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	return s->read(s->ctx, in, cg, file, raw, form, err);
}

static int memo_read_kept(void *ctx, void *h, const char *cg, const char *file, char **raw,
			  unsigned char *form, bx_error **err)
{
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	if (!s->read_kept)
		return s->read(s->ctx, in, cg, file, raw, form, err);
	return s->read_kept(s->ctx, in, cg, file, raw, form, err);
}

static int memo_children(void *ctx, void *h, const char *cg, char ***names, size_t *n,
			 bx_error **err)
{
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	return s->children(s->ctx, in, cg, names, n, err);
}

static int memo_controllers(void *ctx, void *h, const char *cg, unsigned *bits, bx_error **err)
{
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	return s->controllers(s->ctx, in, cg, bits, err);
}

static int memo_subtree(void *ctx, void *h, const char *cg, unsigned *bits, bx_error **err)
{
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	return s->subtree(s->ctx, in, cg, bits, err);
}

static int memo_populated(void *ctx, void *h, const char *cg, bool *populated, bx_error **err)
{
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	return s->populated(s->ctx, in, cg, populated, err);
}

static int memo_static(void *ctx, void *h, const char *cg, bool *marked, bx_error **err)
{
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	return s->static_mark(s->ctx, in, cg, marked, err);
}

static int memo_managed(void *ctx, void *h, const char *cg, char **text, bool *unsupported,
			bx_error **err)
{
	void *in;
	const bx_obs_src *s = pick(ctx, h, &in);
	return s->managed(s->ctx, in, cg, text, unsupported, err);
}

int bx_observe_memo(bx_cgfs *fs, const bx_state *memo, const bx_policy *p, const bx_scope *scope,
		    bx_state **out, bx_error **err)
{
	if (!memo)
		return bx_observe(fs, p, scope, out, err);
	if (!memo->sorted)
		return bx_err(err, EINVAL, "memo state is not sorted (bx_state_sort)");
	memo_ctx m = { .memo = memo };
	bx_obs_live_src(fs, &m.live);
	bx_obs_snap_src(memo, &m.snap);
	bx_obs_src src = m.live; /* the host's facts */
	src.ctx = &m;
	src.open = memo_open;
	src.close = memo_close;
	src.read = memo_read;
	src.read_kept = memo_read_kept;
	src.children = memo_children;
	src.controllers = memo_controllers;
	src.subtree = memo_subtree;
	src.populated = memo_populated;
	src.static_mark = memo_static;
	src.managed = memo_managed;
	return bx_observe_with(&src, p, scope, out, err);
}
