/* A merged view → bx_settings in the kernel's canonical read-back form
 * for the target host, in the registry's write-rank order.
 *
 * Compilation does not diagnose: checks.c has already reported every
 * value that cannot compile (and then the policy is not handed out). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/front.h"

static const bx_entry *get(const bx_view *v, const char *key)
{
	const bx_entry *e = bx_view_get(v, key, NULL);
	return e && !e->bad ? e : NULL;
}

int bx_mem_value(const bx_front *f, const bx_view *v, const bx_entry *e, uint64_t *bytes)
{
	if (e->bad)
		return -1;
	switch (e->v.q.kind) {
	case BX_Q_MAX:
		return 0;
	case BX_Q_NUM:
		*bytes = e->v.q.n;
		return 1;
	case BX_Q_PERCENT:
		break;
	}
	uint64_t base;
	if (strcmp(e->knob->key, "memory.max") == 0) {
		base = f->facts->mem_total;
		if (!base)
			return -1;
	} else {
		const bx_entry *mx = bx_view_get(v, "memory.max", NULL);
		/* memory.max is never a percent of itself, so this recursion is one deep */
		if (!mx || bx_mem_value(f, v, mx, &base) != 1)
			return -1;
	}
	return bx_percent_of(&e->v.q, base, bytes) ? 1 : -1;
}

int bx_cpu_quota(const bx_view *v, int64_t *quota, int64_t *period)
{
	const bx_entry *c = bx_view_get(v, "cpu.max", NULL), *p = bx_view_get(v, "cpu.period", NULL);
	if ((c && c->bad) || (p && p->bad))
		return -1;
	*period = p ? p->v.us : BX_DEFAULT_PERIOD_US;
	if (!c || c->v.cpus.max)
		return 0;
	if (!bx_cpus_quota(&c->v.cpus, *period, quota) || *quota > BX_MAX_QUOTA_US)
		return -1;
	return 1;
}

/* ---- canonical values ---------------------------------------------------- */

/* A decimal number as a new string (cheaper than asprintf). */
static char *dec_i64(int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	return strdup(buf);
}

static char *dec_u64(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return strdup(buf);
}


/* hugetlb.<size>.max: pages rounded down to whole huge pages; "max" when
 * that equals the rounded-down page counter maximum (mm/hugetlb_cgroup.c). */
static char *hugetlb_canon(uint64_t bytes, uint64_t page, uint64_t hsize)
{
	uint64_t pcmax = (uint64_t)INT64_MAX / page, per = hsize / page ? hsize / page : 1;
	uint64_t pages = bytes / page;
	if (pages > pcmax)
		pages = pcmax;
	pages -= pages % per;
	if (pages == pcmax - pcmax % per)
		return strdup("max");
	return dec_u64(pages * page);
}

static char *int_canon(const bx_qty *q)
{
	return q->kind == BX_Q_MAX ? strdup("max") : dec_i64(q->i);
}

/* ---- settings ------------------------------------------------------------ */

typedef struct sink {
	bx_front *f;
	bx_settings *out;
} sink;

/* Add one setting; takes ownership of `value`. */
static void add(sink *k, const char *file, const char *key, char *value, const bx_ynode *at)
{
	bx_front *f = k->f;
	bx_settings *s = k->out;
	const bx_file_info *fi = bx_file_lookup(file);
	char *fcopy = strdup(file), *kcopy = key ? strdup(key) : NULL, *path = bx_ypath(at);
	if (!fi || !value || !fcopy || (key && !kcopy) || !path ||
	    bx_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v) < 0) {
		f->oom = true;
		free(value), free(fcopy), free(kcopy), free(path);
		return;
	}
	s->v[s->n++] = (bx_setting){
		.file_info = fi,
		.file = fcopy,
		.key = kcopy,
		.value = value,
		.loc = bx_floc(f, at),
		.ypath = path,
	};
	s->ctrls |= fi->ctrl;
}

static void cpu_max(sink *k, const bx_view *v)
{
	const bx_entry *c = get(v, "cpu.max"), *p = get(v, "cpu.period");
	if (!c && !p)
		return;
	int64_t quota, period;
	int r = bx_cpu_quota(v, &quota, &period);
	if (r < 0 || (r == 1 && quota < 1000))
		return; /* diagnosed */
	char *val = r == 0 ? bx_sprintf("max %" PRId64, period)
			   : bx_sprintf("%" PRId64 " %" PRId64, quota, period);
	add(k, "cpu.max", NULL, val, (c ? c : p)->node);
}

static void devices(sink *k, const bx_entry *e)
{
	static const char *const names[] = { "rbps", "wbps", "riops", "wiops" };
	for (size_t i = 0; i < e->v.ndevs; i++) {
		const bx_dev *d = &e->v.devs[i];
		char key[32];
		snprintf(key, sizeof key, "%u:%u", d->maj, d->min);
		if (d->has_weight)
			add(k, "io.weight", key, dec_i64(d->weight), d->weight_node);
		if (!(d->has_lim[0] || d->has_lim[1] || d->has_lim[2] || d->has_lim[3]))
			continue;
		/* The declared limits are the device's whole state: unset keys are max. */
		bx_buf b = {0};
		for (int j = 0; j < BX_IO_NLIM; j++) {
			const bx_qty *q = &d->lim[j];
			if (j)
				bx_buf_puts(&b, " ");
			if (!d->has_lim[j] || q->kind == BX_Q_MAX)
				bx_buf_printf(&b, "%s=max", names[j]);
			else
				bx_buf_printf(&b, "%s=%" PRIu64, names[j], j < 2 ? q->n : (uint64_t)q->i);
		}
		add(k, "io.max", key, bx_buf_take(&b), d->node);
	}
}

static void entry(sink *k, const bx_view *v, const bx_entry *e)
{
	bx_front *f = k->f;
	const char *key = e->knob->key;
	const char *file = e->knob->file;
	uint64_t page = f->facts->page_size ? f->facts->page_size : 4096;
	uint64_t bytes;
	switch (e->knob->type) {
	case BX_VT_SIZE:
	case BX_VT_MEMSIZE: {
		int r = bx_mem_value(f, v, e, &bytes);
		if (r < 0)
			return;
		if (e->member) {
			char name[64];
			snprintf(name, sizeof name, "hugetlb.%s.max", e->member);
			add(k, name, NULL, r ? hugetlb_canon(bytes, page, e->member_size) : strdup("max"), e->node);
		} else {
			add(k, file, NULL, r ? bx_mem_canon(bytes, page) : strdup("max"), e->node);
			/* a percent of memory.max follows a box's own memory.max */
			if (e->v.q.kind == BX_Q_PERCENT && strcmp(key, "memory.max") != 0 &&
			    k->out->n && strcmp(k->out->v[k->out->n - 1].file, file) == 0) {
				bx_setting *st = &k->out->v[k->out->n - 1];
				st->pct = true;
				st->pct_mant = e->v.q.mant;
				st->pct_scale = e->v.q.scale;
			}
		}
		return;
	}
	case BX_VT_DURATION:
		if (strcmp(key, "cpu.burst") == 0)
			add(k, file, NULL, dec_i64(e->v.us), e->node);
		return; /* cpu.period: part of cpu.max */
	case BX_VT_INT:
	case BX_VT_INT_OR_MAX:
		if (strcmp(file, "io.weight") == 0)
			add(k, file, "default", int_canon(&e->v.q), e->node);
		else if (strcmp(file, "misc.max") == 0)
			add(k, file, e->member, int_canon(&e->v.q), e->node);
		else
			add(k, file, NULL, int_canon(&e->v.q), e->node);
		return;
	case BX_VT_BOOL:
		add(k, file, NULL, strdup(e->v.b ? "1" : "0"), e->node);
		return;
	case BX_VT_CPULIST:
		add(k, file, NULL, strdup(e->v.list), e->node);
		return;
	case BX_VT_DEVICES:
		devices(k, e);
		return;
	case BX_VT_CPUS:   /* cpu_max() */
	case BX_VT_STRING: /* not a limit */
		return;
	}
}

/* ---- order --------------------------------------------------------------- */

static uint64_t hugetlb_size(const char *file)
{
	/* "hugetlb.2MB.max" */
	uint64_t v = 0;
	const char *p = file + 8;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v << (*p == 'G' ? 30 : *p == 'M' ? 20 : 10);
}

static int cmp_key(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	bool da = strcmp(a, "default") == 0, db = strcmp(b, "default") == 0;
	if (da || db)
		return da && db ? 0 : da ? -1 : 1;
	unsigned am, an, bm, bn;
	char c;
	if (sscanf(a, "%u:%u%c", &am, &an, &c) == 2 && sscanf(b, "%u:%u%c", &bm, &bn, &c) == 2) {
		if (am != bm)
			return am < bm ? -1 : 1;
		return an < bn ? -1 : an > bn;
	}
	return strcmp(a, b);
}

static int cmp_setting(const void *x, const void *y)
{
	const bx_setting *a = x, *b = y;
	if (a->file_info->rank != b->file_info->rank)
		return a->file_info->rank < b->file_info->rank ? -1 : 1;
	if (a->file_info != b->file_info)
		return a->file_info < b->file_info ? -1 : 1;
	if (strncmp(a->file, "hugetlb.", 8) == 0) {
		uint64_t sa = hugetlb_size(a->file), sb = hugetlb_size(b->file);
		if (sa != sb)
			return sa < sb ? -1 : 1;
	}
	return cmp_key(a->key, b->key);
}

int bx_compile_view(bx_front *f, const bx_view *v, bx_settings *out)
{
	sink k = { f, out };
	cpu_max(&k, v);
	for (size_t i = 0; i < v->n; i++)
		if (!v->v[i]->bad)
			entry(&k, v, v->v[i]);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_setting);
	return f->oom ? -1 : 0;
}
