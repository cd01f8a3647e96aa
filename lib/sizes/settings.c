/* A box's settings: its class's `box` settings with its own values in
 * place (sizes.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/units.h"
#include "sizes/sizes.h"

/* The kernel's largest quota, µs (kernel/sched/core.c max_cfs_runtime). */
#define MAX_QUOTA_US ((INT64_C(1) << 44) - 1)

static int copy(const bx_settings *in, bx_settings *out)
{
	*out = (bx_settings){ .ctrls = in->ctrls };
	if (!in->n)
		return 0;
	if (!(out->v = calloc(in->n, sizeof *out->v)))
		return -1;
	out->cap = in->n;
	for (size_t i = 0; i < in->n; i++) {
		const bx_setting *s = &in->v[i];
		bx_setting *d = &out->v[out->n++];
		*d = *s;
		d->file = strdup(s->file);
		d->key = s->key ? strdup(s->key) : NULL;
		d->value = strdup(s->value);
		d->ypath = s->ypath ? strdup(s->ypath) : NULL;
		if (!d->file || (s->key && !d->key) || !d->value || (s->ypath && !d->ypath))
			return -1;
	}
	return 0;
}

static bx_setting *find(bx_settings *s, const char *file)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].key && strcmp(s->v[i].file, file) == 0)
			return &s->v[i];
	return NULL;
}

static int set_value(bx_setting *s, char *value, const bx_loc *loc, const char *ypath)
{
	if (!value)
		return -1;
	free(s->value);
	s->value = value;
	s->pct = false;
	if (loc) {
		s->loc = *loc;
		char *y = ypath ? strdup(ypath) : NULL;
		if (ypath && !y)
			return -1;
		free(s->ypath);
		s->ypath = y;
	}
	return 0;
}

/* mant / 10^scale as a decimal: "90", "12.5" */
static void fmt_pct(uint64_t mant, unsigned scale, char *buf, size_t len)
{
	char d[32];
	int n = snprintf(d, sizeof d, "%0*" PRIu64, (int)scale + 1, mant);
	if (n < 0 || !scale) {
		snprintf(buf, len, "%s", d);
		return;
	}
	snprintf(buf, len, "%.*s.%s", n - (int)scale, d, d + n - scale);
}

static char *dec(int64_t v)
{
	char b[21];
	return strdup(bx_dec(v, b));
}

/* The value of one own key as the kernel reads it back. */
static int own_value(const bx_own *w, const bx_setting *s, uint64_t page, char **out,
		     bx_error **err)
{
	const bx_knob *k = w->open->knob;
	*out = NULL;
	if (bx_own_is_size(k)) {
		if (w->v.max) {
			*out = strdup("max");
		} else {
			uint64_t b = (uint64_t)w->v.n + (uint64_t)w->open->overhead;
			if (b > (uint64_t)INT64_MAX)
				b = (uint64_t)INT64_MAX;
			*out = bx_mem_canon(b, page);
		}
	} else if (k->type == BX_VT_CPUS) {
		long long period = 0;
		if (sscanf(s->value, "%*s %lld", &period) != 1 || period <= 0)
			period = 100000;
		if (w->v.max) {
			char p[21];
			*out = bx_concat("max ", bx_dec(period, p), NULL);
		} else {
			__int128 q = ((__int128)w->v.n * period + 500000) / 1000000;
			if (q < 1000 || q > MAX_QUOTA_US) {
				return bx_err(err, EINVAL,
					      "cpu.max: %" PRId64 " micro-CPUs make a quota of %lldus per "
					      "%lldus period, outside the kernel's 1000us to %" PRId64 "us",
					      w->v.n, (long long)q, period, MAX_QUOTA_US);
			}
			char a[21], b[21];
			*out = bx_concat(bx_dec((int64_t)q, a), " ", bx_dec(period, b), NULL);
		}
	} else {
		*out = w->v.max ? strdup("max") : dec(w->v.n);
	}
	return *out ? 0 : bx_err(err, ENOMEM, "own values");
}

int bx_sizes_settings(const bx_class *c, const bx_owns *o, const bx_host_facts *facts,
		      bx_settings *out, bx_error **err)
{
	uint64_t page = facts && facts->page_size ? facts->page_size : 4096;
	if (copy(&c->box, out) < 0)
		goto oom;
	/* memory.max as the box sets it, for the percents that follow it */
	const bx_own *mem = NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].open->knob->key, "memory.max") == 0)
			mem = &o->v[i];
	if (mem) {
		for (size_t i = 0; i < out->n; i++) {
			bx_setting *s = &out->v[i];
			if (!s->pct)
				continue;
			if (mem->v.max) {
				char pct[48];
				fmt_pct(s->pct_mant, s->pct_scale, pct, sizeof pct);
				bx_err_said(err, EINVAL,
					    "%s is %s%% of memory.max (%s:%u:%u [%s]), which this box "
					    "sets to max",
					    s->file, pct, s->loc.file ? s->loc.file : "?", s->loc.line,
					    s->loc.col, s->ypath ? s->ypath : "");
				goto fail;
			}
			uint64_t base = (uint64_t)mem->v.n + (uint64_t)mem->open->overhead, b;
			bx_qty q = { .kind = BX_Q_PERCENT, .mant = s->pct_mant, .scale = s->pct_scale };
			if (!bx_percent_of(&q, base, &b))
				b = (uint64_t)INT64_MAX;
			char *v = bx_mem_canon(b, page);
			if (!v)
				goto oom;
			free(s->value);
			s->value = v;
		}
	}
	for (size_t i = 0; i < o->n; i++) {
		const bx_own *w = &o->v[i];
		bx_setting *s = find(out, w->open->knob->file);
		if (!s)
			continue; /* the class has no default for it: policy checks refuse that */
		char *v;
		if (own_value(w, s, page, &v, err) < 0)
			goto fail;
		if (set_value(s, v, &w->open->loc, w->open->ypath) < 0)
			goto oom;
	}
	return 0;
oom:
	bx_err(err, ENOMEM, "own values");
fail:
	bx_settings_free(out);
	return -1;
}
