/* Parsers of the cgroup statistics files (stats.h). Junk never fails a
 * parse: a value that is not a decimal number stays BX_STAT_ABSENT. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "stats/stats.h"
#include "stats/stats_int.h"

const char *const bx_psi_names[BX_PSI_N] = { "cpu", "memory", "io" };
const char *const bx_mev_names[BX_MEV_N] = { "low", "high", "max", "oom", "oom_kill",
					     "oom_group_kill" };

/* A non-negative decimal of [s, s+n), or ABSENT. */
static int64_t dec(const char *s, size_t n)
{
	if (!n || n > 19)
		return BX_STAT_ABSENT;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return BX_STAT_ABSENT;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return BX_STAT_ABSENT;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int64_t bx_stats_parse_scalar(const char *text, bool allow_max)
{
	if (!text)
		return BX_STAT_ABSENT;
	size_t n = strcspn(text, "\n");
	if (text[n] == '\n' && text[n + 1])
		return BX_STAT_ABSENT; /* more than one line */
	if (allow_max && n == 3 && strncmp(text, "max", 3) == 0)
		return BX_STAT_MAX;
	return dec(text, n);
}

/* The value of `key` in a flat keyed text, or ABSENT. */
static int64_t keyed(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (n > kl && strncmp(l, key, kl) == 0 && l[kl] == ' ')
			return dec(l + kl + 1, n - kl - 1);
		l = e ? e + 1 : NULL;
	}
	return BX_STAT_ABSENT;
}

void bx_stats_parse_cpu(const char *text, bx_stats *s)
{
	if (!text)
		return;
	s->cpu_usage_usec = keyed(text, "usage_usec");
	s->cpu_user_usec = keyed(text, "user_usec");
	s->cpu_system_usec = keyed(text, "system_usec");
	s->cpu_nr_periods = keyed(text, "nr_periods");
	s->cpu_nr_throttled = keyed(text, "nr_throttled");
	s->cpu_throttled_usec = keyed(text, "throttled_usec");
}

void bx_stats_parse_mev(const char *text, bx_stats *s)
{
	if (!text)
		return;
	for (int i = 0; i < BX_MEV_N; i++)
		s->mem_events[i] = keyed(text, bx_mev_names[i]);
}

void bx_stats_parse_pids_events(const char *text, bx_stats *s)
{
	if (text)
		s->pids_events_max = keyed(text, "max");
}

/* "avg10=1.25" → 125 (hundredths); ABSENT unless exactly N.NN. */
static int64_t avg(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	if (!dot || (size_t)(s + n - dot) != 3)
		return BX_STAT_ABSENT;
	int64_t i = dec(s, (size_t)(dot - s)), f = dec(dot + 1, 2);
	if (i < 0 || f < 0 || i > 100)
		return BX_STAT_ABSENT;
	return i * 100 + f;
}

/* The value of `name=` among the space-separated fields of [l, l+n). */
static const char *field(const char *l, size_t n, const char *name, size_t *vlen)
{
	size_t kl = strlen(name);
	const char *end = l + n;
	for (const char *p = l; p < end;) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *fe = sp ? sp : end;
		if ((size_t)(fe - p) > kl && strncmp(p, name, kl) == 0 && p[kl] == '=') {
			*vlen = (size_t)(fe - p) - kl - 1;
			return p + kl + 1;
		}
		p = sp ? sp + 1 : end;
	}
	return NULL;
}

static void psi_line(const char *l, size_t n, bx_psi_line *o)
{
	size_t vl;
	const char *v;
	o->avg10 = (v = field(l, n, "avg10", &vl)) ? avg(v, vl) : BX_STAT_ABSENT;
	o->avg60 = (v = field(l, n, "avg60", &vl)) ? avg(v, vl) : BX_STAT_ABSENT;
	o->avg300 = (v = field(l, n, "avg300", &vl)) ? avg(v, vl) : BX_STAT_ABSENT;
	o->total_usec = (v = field(l, n, "total", &vl)) ? dec(v, vl) : BX_STAT_ABSENT;
}

void bx_stats_parse_psi(const char *text, bx_psi *p)
{
	for (const char *l = text; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (n > 5 && strncmp(l, "some ", 5) == 0)
			psi_line(l + 5, n - 5, &p->some);
		else if (n > 5 && strncmp(l, "full ", 5) == 0)
			psi_line(l + 5, n - 5, &p->full);
		l = e ? e + 1 : NULL;
	}
}

/* "MAJ:MIN" */
static bool majmin(const char *s, size_t n, unsigned *maj, unsigned *min)
{
	const char *c = memchr(s, ':', n);
	if (!c)
		return false;
	int64_t a = dec(s, (size_t)(c - s)), b = dec(c + 1, (size_t)(s + n - c - 1));
	if (a < 0 || b < 0 || a > 0xfff || b > 0xfffff)
		return false;
	*maj = (unsigned)a;
	*min = (unsigned)b;
	return true;
}

int bx_stats_parse_io(const char *text, bx_io_dev **v, size_t *n)
{
	size_t cap = 0;
	*v = NULL;
	*n = 0;
	for (const char *l = text; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		const char *sp = memchr(l, ' ', len);
		bx_io_dev d;
		if (sp && majmin(l, (size_t)(sp - l), &d.major, &d.minor)) {
			const char *r = sp + 1;
			size_t rl = len - (size_t)(r - l), vl;
			const char *x;
#define IOF(f) d.f = (x = field(r, rl, #f, &vl)) ? dec(x, vl) : BX_STAT_ABSENT
			IOF(rbytes);
			IOF(wbytes);
			IOF(rios);
			IOF(wios);
			IOF(dbytes);
			IOF(dios);
#undef IOF
			if (bx_grow(v, &cap, *n + 1, sizeof **v) < 0) {
				free(*v);
				*v = NULL;
				*n = 0;
				return -1;
			}
			(*v)[(*n)++] = d;
		}
		l = e ? e + 1 : NULL;
	}
	return 0;
}
