/* `extends` chains and the layered merge of limits blocks.
 *
 * Chains are walked without recursion (a 10,000-deep chain is fine), each
 * class once. A class's merged view is its parent's view with its own
 * block laid over it, so views are built root first and shared work is
 * not repeated. Layers: `defaults` 0, then one per class down the chain;
 * the higher layer wins per key. cpu.weight, cpu.nice and cpu.idle: true
 * exclude each other, so one set in a nearer layer displaces the others
 * inherited from farther ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/front.h"

static int entry_order(const bx_entry *a, const bx_entry *b)
{
	if (a->knob != b->knob)
		return a->knob < b->knob ? -1 : 1;
	return strcmp(a->member ? a->member : "", b->member ? b->member : "");
}

static int cmp_entry_ptr(const void *x, const void *y)
{
	return entry_order(*(const bx_entry *const *)x, *(const bx_entry *const *)y);
}

static bool is_key(const bx_entry *e, const char *key) { return strcmp(e->knob->key, key) == 0; }

/* Drop weight/nice/idle:true entries that a nearer layer displaces. */
static void displace_cpu_weight(bx_view *v)
{
	int top = -1;
	for (size_t i = 0; i < v->n; i++) {
		const bx_entry *e = v->v[i];
		bool counts = is_key(e, "cpu.weight") || is_key(e, "cpu.nice") ||
			      (is_key(e, "cpu.idle") && !e->bad && e->v.b);
		if (counts && e->layer > top)
			top = e->layer;
	}
	size_t o = 0;
	for (size_t i = 0; i < v->n; i++) {
		const bx_entry *e = v->v[i];
		bool counts = is_key(e, "cpu.weight") || is_key(e, "cpu.nice") ||
			      (is_key(e, "cpu.idle") && !e->bad && e->v.b);
		if (!counts || e->layer >= top)
			v->v[o++] = e;
	}
	v->n = o;
}

/* out = base with `own` (layer `layer`) laid over it. */
static void build_view(bx_front *f, bx_view *out, const bx_view *base, bx_limits *own, int layer)
{
	size_t nb = base ? base->n : 0;
	*out = (bx_view){0};
	const bx_entry **mine = bx_arena_array(&f->arena, own->n ? own->n : 1, sizeof *mine);
	out->v = bx_arena_array(&f->arena, nb + own->n ? nb + own->n : 1, sizeof *out->v);
	if (!mine || !out->v) {
		f->oom = true;
		return;
	}
	for (size_t i = 0; i < own->n; i++) {
		own->v[i].layer = layer;
		mine[i] = &own->v[i];
	}
	qsort(mine, own->n, sizeof *mine, cmp_entry_ptr);
	size_t i = 0, j = 0;
	while (i < nb || j < own->n) {
		int c = i == nb ? 1 : j == own->n ? -1 : entry_order(base->v[i], mine[j]);
		if (c < 0) {
			out->v[out->n++] = base->v[i++];
		} else {
			if (c == 0)
				i++; /* the nearer layer replaces it */
			out->v[out->n++] = mine[j++];
		}
	}
	displace_cpu_weight(out);
}

static void resolve_one(bx_front *f, bx_cdecl *c, const bx_cdecl *parent)
{
	static const bx_view empty = {0};
	c->depth = parent ? parent->depth + 1 : 1;
	/* ancestors first: one step each, not a walk up every chain */
	c->sizes_src = c->sizes ? c : parent ? parent->sizes_src : NULL;
	if (!f->dview_built) {
		/* the root of every chain starts from `defaults` (layer 0) */
		build_view(f, &f->dview, &empty, &f->defaults, 0);
		f->dview_built = true;
	}
	build_view(f, &c->bview, parent ? &parent->bview : &f->dview, &c->box, c->depth);
	build_view(f, &c->sview, parent ? &parent->sview : &empty, &c->slice, c->depth);
}

static void cycle(bx_front *f, const size_t *path, size_t from, size_t len)
{
	bx_buf b = {0};
	for (size_t k = from; k < len; k++)
		bx_buf_printf(&b, "%s -> ", f->classes[path[k]].name);
	bx_buf_puts(&b, f->classes[path[from]].name);
	char *chain = bx_buf_take(&b);
	if (!chain) {
		f->oom = true;
		return;
	}
	bx_ferr(f, f->classes[path[from]].extends, "class inheritance cycle: %s", chain);
	free(chain);
}

void bx_resolve(bx_front *f)
{
	size_t *path = malloc((f->nclasses ? f->nclasses : 1) * sizeof *path);
	if (!path) {
		f->oom = true;
		return;
	}
	bx_strmap cache = {0};
	for (size_t i = 0; i < f->nclasses; i++) {
		size_t len = 0, cur = i;
		bool failed = false;
		const bx_cdecl *base = NULL; /* a class resolved before this walk */
		for (;;) {
			bx_cdecl *c = &f->classes[cur];
			if (c->state == 2) {
				base = c;
				failed = c->unresolved;
				break;
			}
			if (c->state == 1) {
				size_t from = 0;
				while (path[from] != cur)
					from++;
				cycle(f, path, from, len);
				failed = true;
				break;
			}
			c->state = 1;
			path[len++] = cur;
			if (c->unresolved) {
				failed = true;
				break;
			}
			if (!c->extends)
				break;
			size_t p;
			if (!bx_class_find(f, c->extends->u.s, &p)) {
				char s[BX_SHOW_MAX], t[BX_SHOW_MAX];
				const char *hint = bx_class_suggest(f, &cache, c->extends->u.s);
				bx_ferr(f, c->extends, "class '%s' extends unknown class '%s'%s%s%s",
					bx_show_str(c->name, strlen(c->name), s), bx_yshow(c->extends, t),
					hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
				failed = true;
				break;
			}
			c->parent = p;
			cur = p;
		}
		/* Unwind: ancestors first. */
		for (size_t k = len; k-- > 0;) {
			bx_cdecl *c = &f->classes[path[k]];
			c->state = 2;
			if (failed) {
				c->unresolved = true;
				continue;
			}
			const bx_cdecl *parent = k + 1 < len ? &f->classes[path[k + 1]] : base;
			resolve_one(f, c, c->extends ? parent : NULL);
		}
	}
	bx_strmap_free(&cache);
	free(path);
}

const bx_entry *bx_view_get(const bx_view *v, const char *key, const char *member)
{
	for (size_t i = 0; i < v->n; i++) {
		const bx_entry *e = v->v[i];
		if (strcmp(e->knob->key, key) == 0 && bx_streq(e->member, member))
			return e;
	}
	return NULL;
}
