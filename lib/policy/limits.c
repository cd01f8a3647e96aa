/* One limits block (`defaults`, a class's `box` or `slice`): groups and
 * keys checked against the knob registry (unknown ones get "did you
 * mean"), every value parsed with its unit. Values that do not parse are
 * kept as `bad` entries: present, already diagnosed, skipped by the
 * cross-field checks so one mistake does not cascade. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/front.h"
#include "policy/names.h"

/* What a value of each type looks like, for messages. */
static const char *expected(bx_vtype t)
{
	switch (t) {
	case BX_VT_SIZE: return "a size (512MiB, 1.5G, 1073741824) or max";
	case BX_VT_MEMSIZE: return "a size (512MiB, 1.5G, 1073741824), a percent or max";
	case BX_VT_CPUS: return "CPUs (1, 0.5, \"1500m\", \"150%\") or max";
	case BX_VT_DURATION: return "a duration (100ms, 0.5s; a bare integer is microseconds)";
	case BX_VT_INT: return "an integer";
	case BX_VT_INT_OR_MAX: return "an integer or max";
	case BX_VT_BOOL: return "true or false";
	case BX_VT_CPULIST: return "a list such as \"0-3,6\"";
	case BX_VT_STRING: return "a string";
	case BX_VT_DEVICES: return "a sequence of devices";
	}
	return "a value";
}

/* Group names in registry order ("cpu", "memory", …). */
static size_t groups(const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < bx_nknobs && n < max; i++) {
		const char *k = bx_knobs[i].key;
		size_t gl = strcspn(k, ".");
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			if (strncmp(out[j], k, gl) == 0 && out[j][gl] == '.')
				seen = true;
		if (!seen)
			out[n++] = k; /* points at "cpu.max": compare up to the dot */
	}
	return n;
}

static bool group_is(const char *knob_key, const char *g)
{
	size_t gl = strlen(g);
	return strncmp(knob_key, g, gl) == 0 && knob_key[gl] == '.';
}

static bool group_known(const char *g)
{
	for (size_t i = 0; i < bx_nknobs; i++)
		if (group_is(bx_knobs[i].key, g))
			return true;
	return false;
}

/* The group's family knob ("hugetlb.*"), if it is one. */
static const bx_knob *group_family(const char *g)
{
	for (size_t i = 0; i < bx_nknobs; i++) {
		const char *k = bx_knobs[i].key;
		if (group_is(k, g) && strcmp(k + strlen(g) + 1, "*") == 0)
			return &bx_knobs[i];
	}
	return NULL;
}

static void unknown_group(bx_front *f, const bx_ynode *k)
{
	char s[BX_SHOW_MAX];
	if (bx_merge_key(f, k))
		return;
	if (strchr(k->u.s, '.') && bx_knob_lookup(k->u.s)) {
		size_t gl = strcspn(k->u.s, ".");
		bx_ferr(f, k, "unknown key '%s': write it nested, as %.*s: { %s: ... }", bx_yshow(k, s),
			(int)gl, k->u.s, k->u.s + gl + 1);
		return;
	}
	const char *names[16];
	char bufs[16][32];
	size_t n = groups(names, 16);
	for (size_t i = 0; i < n; i++) {
		snprintf(bufs[i], sizeof bufs[i], "%.*s", (int)strcspn(names[i], "."), names[i]);
		names[i] = bufs[i];
	}
	const char *hint = bx_suggest_list(k->u.s, names, n);
	if (hint) {
		bx_ferr(f, k, "unknown key '%s' (did you mean '%s'?)", bx_yshow(k, s), hint);
		return;
	}
	char all[160] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", i ? ", " : "", names[i]);
	bx_ferr(f, k, "unknown key '%s' (limits are %s)", bx_yshow(k, s), all);
}

static void unknown_key(bx_front *f, const bx_ynode *k, const char *g)
{
	char s[BX_SHOW_MAX];
	if (bx_merge_key(f, k))
		return;
	const char *names[32];
	size_t n = 0;
	for (size_t i = 0; i < bx_nknobs && n < 32; i++)
		if (group_is(bx_knobs[i].key, g))
			names[n++] = bx_knobs[i].key + strlen(g) + 1;
	const char *hint = bx_suggest_list(k->u.s, names, n);
	if (hint) {
		bx_ferr(f, k, "unknown key '%s.%s' (did you mean '%s.%s'?)", g, bx_yshow(k, s), g, hint);
		return;
	}
	char all[256] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", i ? ", " : "", names[i]);
	bx_ferr(f, k, "unknown key '%s.%s' (%s keys: %s)", g, bx_yshow(k, s), g, all);
}

static bool hugetlb_member(bx_front *f, const bx_ynode *k, bx_entry *e)
{
	char why[BX_WHY_MAX], have[128] = "", name[32];
	if (bx_hugetlb_parse(k->u.s, &e->member_size, why) < 0) {
		bx_ferr(f, k, "hugetlb: %s", why);
		return false;
	}
	const uint64_t *hs = f->facts->hugepage_sizes;
	size_t nhs = BX_ARRAY_LEN(f->facts->hugepage_sizes);
	for (size_t i = 0; i < nhs && hs[i]; i++) {
		if (hs[i] == e->member_size)
			return true;
		bx_hugetlb_name(hs[i], name, sizeof name);
		snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", i ? ", " : "", name);
	}
	bx_ferr(f, k, "hugetlb.%s: this host has no %s huge pages (%s%s)", k->u.s, k->u.s,
		have[0] ? "it has " : "it has none", have);
	return false;
}

static bool misc_member(bx_front *f, const bx_ynode *k)
{
	char s[BX_SHOW_MAX];
	const char *r = k->u.s;
	bool ok = r[0] >= 'a' && r[0] <= 'z' && k->n <= 64;
	for (const char *p = r; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
	if (!ok)
		bx_ferr(f, k, "misc: invalid resource name '%s' (lowercase letters, digits and _, as the kernel names them: sev, sev_es)",
			bx_yshow(k, s));
	return ok;
}

/* Parse e->node as e->knob's type. `key` is the dotted name for messages. */
static bool parse_value(bx_front *f, bx_entry *e, const char *key)
{
	const bx_knob *kn = e->knob;
	const bx_ynode *v = e->node;
	char why[BX_WHY_MAX], a[32], b[32], c[32];
	if (v->kind == BX_Y_BAD)
		return false;
	if (kn->type == BX_VT_DEVICES)
		return bx_devices_parse(f, v, &e->v);
	if (bx_ynull(v)) {
		bx_ferr(f, v, "%s: missing value (expected %s)", key, expected(kn->type));
		return false;
	}
	if (v->kind != BX_Y_SCALAR) {
		bx_ferr(f, v, "%s: expected %s, got %s", key, expected(kn->type), bx_ydescribe(v));
		return false;
	}
	const char *s = v->u.s;
	bool plain = v->plain;
	int r = 0;
	switch (kn->type) {
	case BX_VT_SIZE:
	case BX_VT_MEMSIZE:
		r = bx_unit_size(s, plain, kn->type == BX_VT_MEMSIZE, &e->v.q, why);
		break;
	case BX_VT_CPUS:
		r = bx_unit_cpus(s, plain, &e->v.cpus, why);
		break;
	case BX_VT_DURATION:
		r = bx_unit_duration(s, plain, &e->v.us, why);
		if (r == 0 && (e->v.us < kn->min || e->v.us > kn->max)) {
			bx_fmt_us(e->v.us, a, sizeof a);
			bx_fmt_us(kn->min, b, sizeof b);
			bx_fmt_us(kn->max, c, sizeof c);
			bx_ferr(f, v, "%s (%s) is out of range (%s to %s)", key, a, b, c);
			return false;
		}
		break;
	case BX_VT_INT:
	case BX_VT_INT_OR_MAX:
		r = bx_unit_int(s, plain, kn->type == BX_VT_INT_OR_MAX, kn->min, kn->max, &e->v.q, why);
		break;
	case BX_VT_BOOL:
		r = bx_unit_bool(s, plain, &e->v.b, why);
		break;
	case BX_VT_CPULIST: {
		char *canon = NULL;
		long hi;
		r = bx_unit_cpulist(s, &canon, &hi, why);
		if (r == 0) {
			e->v.list = bx_arena_strndup(&f->arena, canon, strlen(canon));
			free(canon);
			if (!e->v.list) {
				f->oom = true;
				return false;
			}
			unsigned nc = f->facts->ncpus;
			if (strcmp(kn->key, "cpuset.cpus") == 0 && nc && hi >= (long)nc) {
				if (nc == 1)
					bx_ferr(f, v, "%s: CPU %ld does not exist on this host (it has CPU 0 only)",
						key, hi);
				else
					bx_ferr(f, v, "%s: CPU %ld does not exist on this host (it has CPUs 0-%u)",
						key, hi, nc - 1);
				return false;
			}
		}
		break;
	}
	case BX_VT_STRING:
	case BX_VT_DEVICES:
		break;
	}
	if (r < 0) {
		bx_ferr(f, v, "%s: %s", key, why);
		return false;
	}
	return true;
}

static const bx_entry *find(const bx_limits *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].bad && strcmp(l->v[i].knob->key, key) == 0)
			return &l->v[i];
	return NULL;
}

/* Keys that set the same thing in one block. Across blocks the nearer one
 * displaces the inherited one instead (resolve.c). */
static void exclusive_cpu_keys(bx_front *f, const bx_limits *l)
{
	const bx_entry *w = find(l, "cpu.weight"), *n = find(l, "cpu.nice"), *i = find(l, "cpu.idle");
	if (w && n)
		bx_ferr(f, n->node, "cpu.nice excludes cpu.weight (both set the weight); keep one");
	if (i && i->v.b && (w || n))
		bx_ferr(f, i->node, "cpu.idle: true excludes cpu.%s (an idle cgroup has no weight)",
			w ? "weight" : "nice");
}

void bx_limits_parse(bx_front *f, const bx_ynode *block, bx_limits *out)
{
	*out = (bx_limits){ .node = block };
	if (block->kind != BX_Y_MAP)
		return; /* null: an empty block */
	size_t cap = 0;
	for (size_t i = 0; i < block->n; i++) {
		const bx_ynode *g = bx_ymap_val(block, i);
		if (g->kind == BX_Y_MAP)
			cap += g->n;
	}
	out->v = bx_arena_array(&f->arena, cap ? cap : 1, sizeof *out->v);
	if (!out->v) {
		f->oom = true;
		return;
	}
	for (size_t i = 0; i < block->n; i++) {
		const bx_ynode *gk = bx_ymap_key(block, i), *gv = bx_ymap_val(block, i);
		if (gk->kind != BX_Y_SCALAR)
			continue;
		const char *g = gk->u.s;
		if (!group_known(g)) {
			unknown_group(f, gk);
			continue;
		}
		if (gv->kind == BX_Y_BAD || bx_ynull(gv))
			continue;
		if (gv->kind != BX_Y_MAP) {
			char want[64], s[BX_SHOW_MAX];
			snprintf(want, sizeof want, "%s.max", g);
			if (gv->kind == BX_Y_SCALAR && bx_knob_lookup(want))
				bx_ferr(f, gv, "%s: expected a mapping, got %s (write %s: { max: %s })", g,
					bx_ydescribe(gv), g, bx_yshow(gv, s));
			else
				bx_ferr(f, gv, "%s: expected a mapping, got %s", g, bx_ydescribe(gv));
			continue;
		}
		const bx_knob *family = group_family(g);
		for (size_t j = 0; j < gv->n; j++) {
			const bx_ynode *k = bx_ymap_key(gv, j), *v = bx_ymap_val(gv, j);
			if (k->kind != BX_Y_SCALAR)
				continue;
			char key[160];
			snprintf(key, sizeof key, "%s.%s", g, k->u.s);
			bx_entry e = { .node = v };
			if (family) {
				e.knob = family;
				e.member = k->u.s;
				bool ok = strcmp(family->key, "hugetlb.*") == 0 ? hugetlb_member(f, k, &e)
										: misc_member(f, k);
				if (!ok)
					continue;
			} else {
				e.knob = strchr(k->u.s, '.') ? NULL : bx_knob_lookup(key);
				if (!e.knob) {
					unknown_key(f, k, g);
					continue;
				}
			}
			char shown[BX_SHOW_MAX + 16];
			char s[BX_SHOW_MAX];
			snprintf(shown, sizeof shown, "%s.%s", g, bx_yshow(k, s));
			e.bad = !parse_value(f, &e, shown);
			out->v[out->n++] = e;
		}
	}
	exclusive_cpu_keys(f, out);
}

/* ---- equality of two blocks (defaults given in two files) --------------- */

static bool node_equal(const bx_ynode *a, const bx_ynode *b)
{
	if (a->kind != b->kind || a->n != b->n)
		return false;
	switch (a->kind) {
	case BX_Y_SCALAR:
		return memcmp(a->u.s, b->u.s, a->n) == 0;
	case BX_Y_MAP:
		for (size_t i = 0; i < 2 * (size_t)a->n; i++)
			if (!node_equal(a->u.kids[i], b->u.kids[i]))
				return false;
		return true;
	case BX_Y_SEQ:
		for (size_t i = 0; i < a->n; i++)
			if (!node_equal(a->u.kids[i], b->u.kids[i]))
				return false;
		return true;
	default:
		return false;
	}
}

static int cmp_entry(const void *x, const void *y)
{
	const bx_entry *a = *(const bx_entry *const *)x, *b = *(const bx_entry *const *)y;
	if (a->knob != b->knob)
		return a->knob < b->knob ? -1 : 1;
	return strcmp(a->member ? a->member : "", b->member ? b->member : "");
}

bool bx_limits_equal(const bx_limits *a, const bx_limits *b)
{
	if (a->n != b->n)
		return false;
	if (a->n == 0)
		return true;
	const bx_entry **x = malloc(a->n * sizeof *x), **y = malloc(b->n * sizeof *y);
	bool eq = x && y;
	for (size_t i = 0; eq && i < a->n; i++) {
		x[i] = &a->v[i];
		y[i] = &b->v[i];
	}
	if (eq) {
		qsort(x, a->n, sizeof *x, cmp_entry);
		qsort(y, b->n, sizeof *y, cmp_entry);
	}
	for (size_t i = 0; eq && i < a->n; i++)
		eq = cmp_entry(&x[i], &y[i]) == 0 && node_equal(x[i]->node, y[i]->node);
	free(x);
	free(y);
	return eq;
}
