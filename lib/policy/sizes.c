/* `sizes:` in a class: the limits its boxes may set for themselves.
 *
 *     sizes:
 *       memory.max: { min: 256MiB, max: 16GiB, overhead: 64MiB }
 *       cpu.max: { min: 0.25, max: 8 }
 *
 * Each key is a limit of the class's `box` block (which holds its default)
 * whose value is a size, CPUs or an integer; min and max bound what a box
 * asks for, inclusive; overhead (sizes only) is added to what it asks for. */
#include <string.h>

#include "core/util.h"
#include "policy/front.h"
#include "policy/names.h"

static const char *const entry_keys[] = { "min", "max", "overhead" };

/* Openable knob keys, for "did you mean". */
static size_t openable_keys(const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < bx_nknobs && n < max; i++)
		if (bx_own_openable(&bx_knobs[i]))
			out[n++] = bx_knobs[i].key;
	return n;
}

static bool bound(bx_front *f, const bx_knob *k, const bx_ynode *v, const char *what,
		  bx_own_val *out)
{
	char why[BX_WHY_MAX];
	if (v->kind == BX_Y_BAD)
		return false;
	if (v->kind != BX_Y_SCALAR || bx_ynull(v)) {
		bx_ferr(f, v, "%s: expected a value of %s, got %s", what, k->key, bx_ydescribe(v));
		return false;
	}
	if (bx_own_parse(k, v->u.s, v->plain, out, why) < 0) {
		bx_ferr(f, v, "%s of %s: %s", what, k->key, why);
		return false;
	}
	return true;
}

static void one(bx_front *f, bx_cdecl *c, const bx_ynode *key, const bx_ynode *v)
{
	char s[BX_SHOW_MAX];
	if (bx_merge_key(f, key))
		return;
	const bx_knob *k = bx_knob_lookup(key->u.s);
	if (!k || strchr(key->u.s, '*')) {
		const char *keys[64];
		size_t n = openable_keys(keys, BX_ARRAY_LEN(keys));
		const char *hint = bx_suggest_list(key->u.s, keys, n);
		if (hint)
			bx_ferr(f, key, "unknown limit '%s' in sizes (did you mean '%s'?)", bx_yshow(key, s), hint);
		else
			bx_ferr(f, key, "unknown limit '%s' in sizes", bx_yshow(key, s));
		return;
	}
	if (!bx_own_openable(k)) {
		bx_ferr(f, key, "%s cannot be opened to boxes: sizes takes limits whose value is a "
				"size, CPUs or an integer (memory.max, cpu.max, pids.max…)", k->key);
		return;
	}
	if (v->kind == BX_Y_BAD)
		return;
	if (v->kind != BX_Y_MAP) {
		bx_ferr(f, v, "sizes.%s: expected a mapping {min: …, max: …}, got %s", k->key,
			bx_ydescribe(v));
		return;
	}
	const bx_ynode *lo = NULL, *hi = NULL, *oh = NULL;
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		const bx_ynode *ek = bx_ymap_key(v, i), *ev = bx_ymap_val(v, i);
		if (ek->kind != BX_Y_SCALAR)
			continue;
		if (strcmp(ek->u.s, "min") == 0)
			lo = ev;
		else if (strcmp(ek->u.s, "max") == 0)
			hi = ev;
		else if (strcmp(ek->u.s, "overhead") == 0)
			oh = ev;
		else if (!bx_merge_key(f, ek)) {
			const char *hint = bx_suggest_list(ek->u.s, entry_keys, BX_ARRAY_LEN(entry_keys));
			if (hint)
				bx_ferr(f, ek, "unknown key '%s' in sizes.%s (did you mean '%s'?)",
					bx_yshow(ek, s), k->key, hint);
			else
				bx_ferr(f, ek, "unknown key '%s' in sizes.%s: use min, max and overhead",
					bx_yshow(ek, s), k->key);
			ok = false;
		}
	}
	if (!lo || !hi) {
		bx_ferr(f, v, "sizes.%s needs both min and max", k->key);
		return;
	}
	bx_odecl d = { .knob = k, .key = key };
	ok &= bound(f, k, lo, "min", &d.lo);
	ok &= bound(f, k, hi, "max", &d.hi);
	if (ok && bx_own_cmp(&d.lo, &d.hi) > 0) {
		char a[32], b[32];
		bx_own_format(k, &d.lo, true, a, sizeof a);
		bx_own_format(k, &d.hi, true, b, sizeof b);
		bx_ferr(f, hi, "max of %s (%s) is below its min (%s)", k->key, b, a);
		ok = false;
	}
	if (oh) {
		bx_own_val o;
		if (!bx_own_is_size(k)) {
			bx_ferr(f, oh, "overhead is for sizes; %s is not one", k->key);
			ok = false;
		} else if (bound(f, k, oh, "overhead", &o)) {
			if (o.max) {
				bx_ferr(f, oh, "overhead of %s cannot be max", k->key);
				ok = false;
			}
			d.overhead = o.n;
		} else {
			ok = false;
		}
	}
	if (ok && k->type == BX_VT_CPUS && !d.lo.max) {
		int64_t quota, period;
		int r = bx_cpu_quota(&c->bview, &quota, &period);
		/* quota = CPUs × period; the kernel's smallest is 1ms */
		if (r >= 0 && (__int128)d.lo.n * period < (__int128)1000 * 1000000) {
			bx_ferr(f, lo, "min of cpu.max is below the kernel's smallest quota "
				       "(1ms per period of %lldus)", (long long)period);
			ok = false;
		}
	}
	const bx_entry *dflt = bx_view_get(&c->bview, k->key, NULL);
	if (!dflt) {
		bx_ferr(f, key, "%s is opened to boxes but class '%s' has no default for it: set "
				"%s under box (or defaults)", k->key, c->name, k->key);
		ok = false;
	}
	if (!ok)
		return;
	for (size_t i = 0; i < c->nopen; i++)
		if (c->open[i].knob == k) /* a duplicate key was refused already */
			return;
	c->open[c->nopen++] = d;
}

void bx_sizes_check(bx_front *f, bx_cdecl *c)
{
	const bx_ynode *m = c->sizes;
	if (!m || !m->n)
		return;
	if (!(c->open = bx_arena_array(&f->arena, m->n, sizeof *c->open))) {
		f->oom = true;
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		const bx_ynode *k = bx_ymap_key(m, i);
		if (k->kind == BX_Y_SCALAR)
			one(f, c, k, bx_ymap_val(m, i));
	}
}

const bx_cdecl *bx_sizes_of(const bx_front *f, const bx_cdecl *c)
{
	(void)f;
	if (!c || c->sizes)
		return c;
	/* set by bx_resolve, ancestors first (a walk up each chain was
	 * quadratic in a long `extends` chain) */
	return c->unresolved ? NULL : c->sizes_src;
}
