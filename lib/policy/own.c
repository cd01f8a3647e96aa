/* Values a box sets for itself (`sizes:` ranges, `--set K=V`): parsed
 * with the knob's own unit, in one base unit per type so ranges compare
 * as integers. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "knobs.h"
#include "model.h"
#include "policy/units.h"

bool bx_own_openable(const bx_knob *k)
{
	if (!k || strchr(k->key, '*'))
		return false;
	const bx_file_info *fi = bx_file_lookup(k->file);
	if (!fi || fi->shape != BX_SHAPE_SCALAR)
		return false;
	switch (k->type) {
	case BX_VT_SIZE:
	case BX_VT_MEMSIZE:
	case BX_VT_CPUS:
	case BX_VT_INT:
	case BX_VT_INT_OR_MAX:
		return true;
	default:
		return false;
	}
}

bool bx_own_is_size(const bx_knob *k)
{
	return k->type == BX_VT_SIZE || k->type == BX_VT_MEMSIZE;
}

int bx_own_parse(const bx_knob *k, const char *s, bool plain, bx_own_val *out, char *why)
{
	*out = (bx_own_val){0};
	bx_qty q;
	switch (k->type) {
	case BX_VT_SIZE:
	case BX_VT_MEMSIZE:
		if (bx_unit_size(s, plain, false, &q, why) < 0)
			return -1;
		out->max = q.kind == BX_Q_MAX;
		out->n = (int64_t)q.n;
		return 0;
	case BX_VT_CPUS: {
		bx_cpus c;
		if (bx_unit_cpus(s, plain, &c, why) < 0)
			return -1;
		if (c.max) {
			out->max = true;
			return 0;
		}
		/* micro-CPUs: a quota is whole µs of a period of at most 1 s */
		uint64_t m = c.mant;
		unsigned sc = c.scale;
		for (; sc > 6; sc--)
			m /= 10;
		for (; sc < 6; sc++) {
			if (m > (uint64_t)INT64_MAX / 10) {
				snprintf(why, BX_WHY_MAX, "\"%s\" is too large", s);
				return -1;
			}
			m *= 10;
		}
		out->n = (int64_t)m;
		return 0;
	}
	case BX_VT_INT:
	case BX_VT_INT_OR_MAX:
		if (bx_unit_int(s, plain, k->type == BX_VT_INT_OR_MAX, k->min, k->max, &q, why) < 0)
			return -1;
		out->max = q.kind == BX_Q_MAX;
		out->n = q.i;
		return 0;
	default:
		snprintf(why, BX_WHY_MAX, "%s cannot be set per box", k->key);
		return -1;
	}
}

int bx_own_cmp(const bx_own_val *a, const bx_own_val *b)
{
	if (a->max || b->max)
		return a->max == b->max ? 0 : a->max ? 1 : -1;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* micro-CPUs as a decimal number: 2, 0.25 */
/* s into buf (len bytes, NUL included), cut to fit. */
static void put_str(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s);
	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static void fmt_cpus(int64_t micro, char *buf, size_t len)
{
	int64_t whole = micro / 1000000, frac = micro % 1000000;
	if (!frac) {
		char d[21];
		put_str(bx_dec(whole, d), buf, len);
		return;
	}
	char f[8];
	snprintf(f, sizeof f, "%06" PRId64, frac);
	for (size_t n = strlen(f); n && f[n - 1] == '0'; n--)
		f[n - 1] = '\0';
	snprintf(buf, len, "%" PRId64 ".%s", whole, f);
}

void bx_own_format(const bx_knob *k, const bx_own_val *v, bool human, char *buf, size_t len)
{
	char d[21];
	if (v->max)
		put_str("max", buf, len);
	else if (k->type == BX_VT_CPUS)
		fmt_cpus(v->n, buf, len);
	else if (human && bx_own_is_size(k))
		bx_fmt_bytes((uint64_t)v->n, buf, len);
	else
		put_str(bx_dec(v->n, d), buf, len);
}
