/* Cross-field rules on a class's merged blocks:
 *
 *   memory.min ≤ low ≤ high ≤ max; a percent needs something to be a
 *   percent of; quota ≥ 1ms and within the kernel's limit; burst ≤ quota;
 *   a box limit above its class slice's limit (a warning).
 *
 * A finding involves one or two entries. It is reported at the entry of
 * the nearest layer (the one that made the combination), and only once:
 * classes that inherit the same pair do not repeat it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/front.h"

enum rule {
	R_MEM_ORDER = 1,
	R_PCT_BASE,
	R_PCT_RAM,
	R_QUOTA_MIN,
	R_QUOTA_MAX,
	R_BURST,
	R_BURST_NO_QUOTA,
	R_SLICE,
};

typedef struct finding {
	uintptr_t rule;
	const void *a, *b, *c, *d;
} finding;

/* true the first time this finding is seen */
static bool first_time(bx_front *f, enum rule r, const void *a, const void *b, const void *c,
		       const void *d)
{
	finding *k = bx_arena_alloc(&f->arena, sizeof *k);
	if (!k) {
		f->oom = true;
		return false;
	}
	*k = (finding){ (uintptr_t)r, a, b, c, d };
	int put = bx_strmap_put(&f->seen, k, sizeof *k, 1, NULL);
	if (put < 0)
		f->oom = true;
	return put == 1;
}

static const char *text(const bx_entry *e, char *buf) { return bx_yshow(e->node, buf); }

/* "memory.high" / "hugetlb.2MB" */
static void name(const bx_entry *e, char *buf, size_t len)
{
	if (e->member) {
		size_t gl = strcspn(e->knob->key, ".");
		snprintf(buf, len, "%.*s.%s", (int)gl, e->knob->key, e->member);
	} else {
		snprintf(buf, len, "%s", e->knob->key);
	}
}

/* ", set at classes.small.box.memory.max" when `other` comes from another block */
static void origin(const bx_entry *at, const bx_entry *other, char *buf, size_t len)
{
	buf[0] = '\0';
	if (at->layer == other->layer && at->node->file == other->node->file)
		return;
	char *p = bx_ypath(other->node);
	if (p)
		snprintf(buf, len, ", set at %s", p);
	free(p);
}

/* ---- memory -------------------------------------------------------------- */

/* "the box of class 'web'" */
typedef struct where {
	const char *block; /* "box" or "slice" */
	const char *cls;
} where;

static void percent_bases(bx_front *f, const bx_view *v, const where *w)
{
	static const char *const keys[] = { "memory.min", "memory.low", "memory.high", "memory.max" };
	const bx_entry *mx = bx_view_get(v, "memory.max", NULL);
	char s[BX_SHOW_MAX];
	for (size_t i = 0; i < BX_ARRAY_LEN(keys); i++) {
		const bx_entry *e = bx_view_get(v, keys[i], NULL);
		if (!e || e->bad || e->v.q.kind != BX_Q_PERCENT)
			continue;
		if (i == 3) {
			if (!f->facts->mem_total && first_time(f, R_PCT_RAM, e, NULL, NULL, NULL))
				bx_ferr(f, e->node, "memory.max: %s of host memory, but this host's memory size is unknown",
					text(e, s));
			continue;
		}
		if (mx && mx->bad)
			continue;
		if (!first_time(f, R_PCT_BASE, e, mx, NULL, NULL))
			continue;
		if (!mx)
			bx_ferr(f, e->node, "%s: %s of memory.max, but the %s of class '%s' sets no memory.max",
				keys[i], text(e, s), w->block, w->cls);
		else if (mx->v.q.kind == BX_Q_MAX)
			bx_ferr(f, e->node, "%s: %s of memory.max, but memory.max is max in the %s of class '%s'",
				keys[i], text(e, s), w->block, w->cls);
	}
}

static void memory_order(bx_front *f, const bx_view *v)
{
	static const char *const keys[] = { "memory.min", "memory.low", "memory.high", "memory.max" };
	const bx_entry *prev = NULL;
	uint64_t prev_val = 0;
	int prev_fin = 0;
	for (size_t i = 0; i < BX_ARRAY_LEN(keys); i++) {
		const bx_entry *e = bx_view_get(v, keys[i], NULL);
		uint64_t val = 0;
		int fin = e ? bx_mem_value(f, v, e, &val) : -1;
		if (fin < 0)
			continue;
		/* a finite value is below max; max is above everything finite */
		bool above = prev && prev_fin == 1 ? (fin == 1 && prev_val > val)
						   : (prev && prev_fin == 0 && fin == 1);
		if (above && first_time(f, R_MEM_ORDER, prev, e, NULL, NULL)) {
			char a[BX_SHOW_MAX], b[BX_SHOW_MAX], o[256];
			if (e->layer > prev->layer) {
				origin(e, prev, o, sizeof o);
				bx_ferr(f, e->node, "%s (%s) is below %s (%s%s)", keys[i], text(e, a),
					prev->knob->key, text(prev, b), o);
			} else {
				origin(prev, e, o, sizeof o);
				bx_ferr(f, prev->node, "%s (%s) is above %s (%s%s)", prev->knob->key,
					text(prev, a), keys[i], text(e, b), o);
			}
		}
		prev = e;
		prev_val = val;
		prev_fin = fin;
	}
}

/* ---- cpu ----------------------------------------------------------------- */

static void cpu_rules(bx_front *f, const bx_view *v)
{
	const bx_entry *c = bx_view_get(v, "cpu.max", NULL), *p = bx_view_get(v, "cpu.period", NULL),
		       *b = bx_view_get(v, "cpu.burst", NULL);
	char s[BX_SHOW_MAX], q[32], per[32], bu[32];
	int64_t quota = 0, period = 0;
	if ((c && c->bad) || (p && p->bad))
		return;
	int r = bx_cpu_quota(v, &quota, &period);
	if (r < 0) {
		if (first_time(f, R_QUOTA_MAX, c, p, NULL, NULL))
			bx_ferr(f, c->node, "cpu.max (%s) is too large: the quota would exceed the kernel's limit of %" PRId64 "us",
				text(c, s), BX_MAX_QUOTA_US);
		return;
	}
	bx_fmt_us(period, per, sizeof per);
	if (r == 1 && quota < 1000) {
		const bx_entry *at = p && p->layer > c->layer ? p : c;
		if (first_time(f, R_QUOTA_MIN, c, p, NULL, NULL)) {
			bx_fmt_us(quota, q, sizeof q);
			bx_ferr(f, at->node, "cpu.max (%s) gives a quota of %s per %s period, below the kernel's minimum of 1ms",
				text(c, s), q, per);
		}
		return;
	}
	if (!b || b->bad)
		return;
	if (r == 0) {
		if (b->v.us > 0 && first_time(f, R_BURST_NO_QUOTA, b, c, NULL, NULL))
			bx_fwarn(f, b->node, "cpu.burst has no effect without a cpu.max quota");
		return;
	}
	if (b->v.us > quota && first_time(f, R_BURST, b, c, p, NULL)) {
		const bx_entry *at = b->layer >= c->layer && (!p || b->layer >= p->layer) ? b : c;
		bx_fmt_us(b->v.us, bu, sizeof bu);
		bx_fmt_us(quota, q, sizeof q);
		if (at == b)
			bx_ferr(f, b->node, "cpu.burst (%s) is above the quota (%s: cpu.max %s per %s period)",
				bu, q, text(c, s), per);
		else {
			char o[256];
			origin(c, b, o, sizeof o);
			bx_ferr(f, c->node, "cpu.max (%s) gives a quota of %s, below cpu.burst (%s%s)", text(c, s),
				q, bu, o);
		}
	}
}

/* ---- box against slice --------------------------------------------------- */

static bool slice_compared(const bx_entry *e)
{
	static const char *const keys[] = { "memory.high", "memory.max", "memory.swap_max",
					    "memory.swap_high", "memory.zswap_max", "pids.max",
					    "hugetlb.*", "misc.*" };
	for (size_t i = 0; i < BX_ARRAY_LEN(keys); i++)
		if (strcmp(e->knob->key, keys[i]) == 0)
			return true;
	return false;
}

/* 1 finite (*n), 0 max, -1 unknown */
static int limit_value(const bx_front *f, const bx_view *v, const bx_entry *e, uint64_t *n)
{
	if (e->bad)
		return -1;
	if (e->knob->type == BX_VT_INT_OR_MAX) {
		if (e->v.q.kind == BX_Q_MAX)
			return 0;
		*n = (uint64_t)e->v.q.i;
		return 1;
	}
	return bx_mem_value(f, v, e, n);
}

static void box_vs_slice(bx_front *f, const bx_cdecl *c)
{
	char a[BX_SHOW_MAX], b[BX_SHOW_MAX], nm[96];
	for (size_t i = 0; i < c->bview.n; i++) {
		const bx_entry *e = c->bview.v[i];
		if (!slice_compared(e))
			continue;
		const bx_entry *s = bx_view_get(&c->sview, e->knob->key, e->member);
		uint64_t bv, sv;
		if (!s || limit_value(f, &c->bview, e, &bv) != 1 || limit_value(f, &c->sview, s, &sv) != 1)
			continue;
		if (bv > sv && first_time(f, R_SLICE, e, s, NULL, NULL)) {
			name(e, nm, sizeof nm);
			bx_fwarn(f, e->node, "%s (%s) is above the class slice's %s (%s); the kernel enforces the lower",
				 nm, text(e, a), nm, text(s, b));
		}
	}
	int64_t bq, bp, sq, sp;
	const bx_entry *bc = bx_view_get(&c->bview, "cpu.max", NULL), *sc = bx_view_get(&c->sview, "cpu.max", NULL);
	if (bc && sc && bx_cpu_quota(&c->bview, &bq, &bp) == 1 && bx_cpu_quota(&c->sview, &sq, &sp) == 1 &&
	    (__int128)bq * sp > (__int128)sq * bp &&
	    first_time(f, R_SLICE, bc, sc, bx_view_get(&c->bview, "cpu.period", NULL),
		       bx_view_get(&c->sview, "cpu.period", NULL)))
		bx_fwarn(f, bc->node, "cpu.max (%s) is above the class slice's cpu.max (%s); the kernel enforces the lower",
			 text(bc, a), text(sc, b));
}

void bx_check_class(bx_front *f, const bx_cdecl *c)
{
	const bx_view *views[] = { &c->bview, &c->sview };
	const where w[] = { { "box", c->name }, { "slice", c->name } };
	for (size_t i = 0; i < 2; i++) {
		percent_bases(f, views[i], &w[i]);
		memory_order(f, views[i]);
		cpu_rules(f, views[i]);
	}
	box_vs_slice(f, c);
}
