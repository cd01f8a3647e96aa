/* Units of the policy language: parsing with exact integer arithmetic. */
#include "policy/units.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/ytree.h"

#define MAX_FRAC_DIGITS 9

typedef unsigned __int128 u128;

static const uint64_t pow10_tab[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
	UINT64_C(10000000000), UINT64_C(100000000000), UINT64_C(1000000000000),
};

__attribute__((format(printf, 2, 3))) static int fail(char *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, BX_WHY_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* Quote s for a message: control characters escaped, cut when long
 * (bx_show_str), so a message stays one line. */
#define QBUF (BX_SHOW_MAX + 2)
static const char *q(const char *s, char *buf, size_t len)
{
	char t[BX_SHOW_MAX];
	snprintf(buf, len, "'%s'", bx_show_str(s, strlen(s), t));
	return buf;
}

/* A fragment of the input, escaped the same way, without quotes. */
static const char *esc(const char *s, char *buf) { return bx_show_str(s, strlen(s), buf); }

/* A decimal number at *p: digits, optionally '.' and 1–9 digits. No sign,
 * no leading zeros ("0" and "0.5" are fine). Advances *p. */
typedef struct dec {
	uint64_t ip, frac;
	unsigned fd; /* fraction digits */
} dec;

static int parse_dec(const char **p, dec *d, const char *orig, char *why)
{
	char b[QBUF], t[BX_SHOW_MAX];
	const char *s = *p;
	*d = (dec){0};
	if (*s == '.' && s[1] >= '0' && s[1] <= '9')
		return fail(why, "%s: write a zero before the decimal point (0%s)", q(orig, b, sizeof b),
			    esc(s, t));
	if (*s < '0' || *s > '9')
		return fail(why, "%s is not a number", q(orig, b, sizeof b));
	if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		return fail(why, "%s has a leading zero (write decimal numbers without one; the kernel reads 010 as octal)",
			    q(orig, b, sizeof b));
	while (*s >= '0' && *s <= '9') {
		unsigned dg = (unsigned)(*s - '0');
		if (d->ip > (UINT64_MAX - dg) / 10)
			return fail(why, "%s is too large", q(orig, b, sizeof b));
		d->ip = d->ip * 10 + dg;
		s++;
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return fail(why, "%s: expected digits after the decimal point", q(orig, b, sizeof b));
		while (*s >= '0' && *s <= '9') {
			if (d->fd == MAX_FRAC_DIGITS)
				return fail(why, "%s has more than %d decimal places", q(orig, b, sizeof b),
					    MAX_FRAC_DIGITS);
			d->frac = d->frac * 10 + (uint64_t)(*s - '0');
			d->fd++;
			s++;
		}
	}
	*p = s;
	return 0;
}

/* The number as mant / 10^fd; false when the mantissa overflows. */
static bool dec_mant(const dec *d, uint64_t *mant)
{
	u128 m = (u128)d->ip * pow10_tab[d->fd] + d->frac;
	if (m > UINT64_MAX)
		return false;
	*mant = (uint64_t)m;
	return true;
}

static bool is_max(const char *s) { return strcmp(s, "max") == 0; }

/* ---- sizes --------------------------------------------------------------- */

static const struct size_unit {
	const char *name;
	unsigned shift;
} size_units[] = {
	{ "K", 10 }, { "M", 20 }, { "G", 30 }, { "T", 40 }, { "P", 50 },
	{ "KiB", 10 }, { "MiB", 20 }, { "GiB", 30 }, { "TiB", 40 }, { "PiB", 50 },
	{ "Ki", 10 }, { "Mi", 20 }, { "Gi", 30 }, { "Ti", 40 }, { "Pi", 50 },
};

static int unknown_size_unit(const char *s, const char *unit, char *why)
{
	char b[QBUF];
	static const char *const decimal[] = { "kB", "KB", "MB", "GB", "TB", "PB", "kb", "Kb", "mb", "gb" };
	for (size_t i = 0; i < BX_ARRAY_LEN(decimal); i++) {
		if (strcmp(unit, decimal[i]) == 0) {
			char u = (char)(unit[0] == 'k' || unit[0] == 'K' ? 'K' : unit[0] & ~0x20);
			return fail(why,
				    "%s is ambiguous (1000 or 1024?): write %.*s%ciB or %.*s%c for powers of 1024",
				    q(s, b, sizeof b), (int)(unit - s), s, u, (int)(unit - s), s, u);
		}
	}
	if (strcmp(unit, "B") == 0)
		return fail(why, "%s: write a byte count without a unit (%.*s)", q(s, b, sizeof b),
			    (int)(unit - s), s);
	char u[BX_SHOW_MAX];
	return fail(why, "%s has an unknown unit '%s' (use K, M, G, T, P, KiB…PiB or Ki…Pi)",
		    q(s, b, sizeof b), esc(unit, u));
}

int bx_unit_size(const char *s, bool plain, bool percent_ok, bx_qty *out, char *why)
{
	char b[QBUF];
	(void)plain;
	*out = (bx_qty){0};
	if (is_max(s)) {
		out->kind = BX_Q_MAX;
		return 0;
	}
	if (!*s)
		return fail(why, "expected a size, got an empty string");
	if (*s == '-')
		return fail(why, "%s: a size cannot be negative", q(s, b, sizeof b));
	if (*s == '+')
		return fail(why, "%s: write a size without a sign", q(s, b, sizeof b));
	const char *p = s;
	dec d;
	if (parse_dec(&p, &d, s, why) < 0)
		return -1;
	if (*p == ' ' || *p == '\t')
		return fail(why, "%s: write the unit right after the number, without a space",
			    q(s, b, sizeof b));
	if (*p == '%') {
		if (!percent_ok)
			return fail(why, "%s: a percent is not allowed here", q(s, b, sizeof b));
		if (p[1])
			return fail(why, "%s: unexpected text after '%%'", q(s, b, sizeof b));
		uint64_t mant;
		if (!dec_mant(&d, &mant) || mant > 100 * pow10_tab[d.fd])
			return fail(why, "%s: a percent must be between 0%% and 100%%", q(s, b, sizeof b));
		out->kind = BX_Q_PERCENT;
		out->mant = mant;
		out->scale = d.fd;
		return 0;
	}
	unsigned shift = 0;
	if (*p) {
		size_t i;
		for (i = 0; i < BX_ARRAY_LEN(size_units); i++)
			if (strcmp(p, size_units[i].name) == 0)
				break;
		if (i == BX_ARRAY_LEN(size_units))
			return unknown_size_unit(s, p, why);
		shift = size_units[i].shift;
	} else if (d.fd) {
		return fail(why, "%s: a byte count must be whole (a fraction needs a unit, as in 1.5GiB)",
			    q(s, b, sizeof b));
	}
	u128 v = ((u128)d.ip << shift) + (((u128)d.frac << shift) / pow10_tab[d.fd]);
	if (v > INT64_MAX)
		return fail(why, "%s is too large (at most %" PRId64 " bytes)", q(s, b, sizeof b), INT64_MAX);
	out->kind = BX_Q_NUM;
	out->n = (uint64_t)v;
	return 0;
}

bool bx_percent_of(const bx_qty *qt, uint64_t base, uint64_t *out)
{
	u128 v = (u128)base * qt->mant / ((u128)100 * pow10_tab[qt->scale]);
	if (v > UINT64_MAX)
		return false;
	*out = (uint64_t)v;
	return true;
}

void bx_fmt_bytes(uint64_t n, char *buf, size_t len)
{
	/* The largest binary unit that divides n exactly; bytes otherwise. */
	static const char *const names[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	for (int u = 5; u >= 0; u--) {
		uint64_t unit = UINT64_C(1) << (10 * (u + 1));
		if (n >= unit && n % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%s", n / unit, names[u]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, n);
}

/* ---- durations ----------------------------------------------------------- */

int bx_unit_duration(const char *s, bool plain, int64_t *us, char *why)
{
	char b[QBUF];
	(void)plain;
	if (!*s)
		return fail(why, "expected a duration, got an empty string");
	if (*s == '-')
		return fail(why, "%s: a duration cannot be negative", q(s, b, sizeof b));
	const char *p = s;
	dec d;
	if (parse_dec(&p, &d, s, why) < 0)
		return -1;
	uint64_t mult;
	if (!*p) {
		if (d.fd)
			return fail(why, "%s: a bare number is microseconds and must be whole (or add a unit: us, ms, s)",
				    q(s, b, sizeof b));
		mult = 1;
	} else if (strcmp(p, "us") == 0) {
		mult = 1;
	} else if (strcmp(p, "ms") == 0) {
		mult = 1000;
	} else if (strcmp(p, "s") == 0) {
		mult = 1000000;
	} else if (*p == ' ') {
		return fail(why, "%s: write the unit right after the number, without a space",
			    q(s, b, sizeof b));
	} else {
		char u[BX_SHOW_MAX];
		return fail(why, "%s has an unknown unit '%s' (use us, ms or s)", q(s, b, sizeof b),
			    esc(p, u));
	}
	u128 num = ((u128)d.ip * pow10_tab[d.fd] + d.frac) * mult;
	if (num % pow10_tab[d.fd])
		return fail(why, "%s is not a whole number of microseconds", q(s, b, sizeof b));
	u128 v = num / pow10_tab[d.fd];
	if (v > INT64_MAX)
		return fail(why, "%s is too large", q(s, b, sizeof b));
	*us = (int64_t)v;
	return 0;
}

/* ---- CPUs ---------------------------------------------------------------- */

int bx_unit_cpus(const char *s, bool plain, bx_cpus *out, char *why)
{
	char b[QBUF];
	(void)plain;
	*out = (bx_cpus){0};
	if (is_max(s)) {
		out->max = true;
		return 0;
	}
	if (!*s)
		return fail(why, "expected CPUs, got an empty string");
	if (*s == '-')
		return fail(why, "%s: CPUs cannot be negative", q(s, b, sizeof b));
	const char *p = s;
	dec d;
	if (parse_dec(&p, &d, s, why) < 0)
		return -1;
	unsigned extra = 0;
	if (strcmp(p, "m") == 0)
		extra = 3;
	else if (strcmp(p, "%") == 0)
		extra = 2;
	else if (*p)
		return fail(why, "%s: expected CPUs as max, a number (1, 0.5), millicores (\"1500m\") or a percent of one CPU (\"150%%\")",
			    q(s, b, sizeof b));
	uint64_t mant;
	if (!dec_mant(&d, &mant))
		return fail(why, "%s is too large", q(s, b, sizeof b));
	out->mant = mant;
	out->scale = d.fd + extra;
	return 0;
}

bool bx_cpus_quota(const bx_cpus *c, int64_t period_us, int64_t *quota_us)
{
	u128 div = pow10_tab[c->scale];
	u128 v = ((u128)c->mant * (uint64_t)period_us + div / 2) / div;
	if (v > INT64_MAX)
		return false;
	*quota_us = (int64_t)v;
	return true;
}

/* ---- integers and bools -------------------------------------------------- */

int bx_unit_int(const char *s, bool plain, bool max_ok, int64_t lo, int64_t hi, bx_qty *out,
		char *why)
{
	char b[QBUF];
	*out = (bx_qty){0};
	if (max_ok && is_max(s)) {
		out->kind = BX_Q_MAX;
		return 0;
	}
	const char *expect = max_ok ? "an integer or max" : "an integer";
	if (!*s)
		return fail(why, "expected %s, got an empty string", expect);
	const char *p = s;
	bool neg = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9' || strspn(p, "0123456789") != strlen(p))
		return fail(why, "expected %s, got %s", expect, q(s, b, sizeof b));
	if (p[0] == '0' && p[1])
		return fail(why, "%s has a leading zero (write decimal numbers without one; the kernel reads 010 as octal)",
			    q(s, b, sizeof b));
	if (!plain)
		return fail(why, "expected %s, got the string %s (remove the quotes)", expect,
			    q(s, b, sizeof b));
	uint64_t v = 0;
	for (; *p; p++) {
		unsigned dg = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - dg) / 10) {
			v = UINT64_MAX;
			break;
		}
		v = v * 10 + dg;
	}
	int64_t val;
	bool in;
	if (neg) {
		in = v <= (uint64_t)INT64_MAX + 1;
		val = !in ? 0 : v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		in = v <= (uint64_t)INT64_MAX;
		val = in ? (int64_t)v : 0;
	}
	if (!in || val < lo || val > hi)
		return fail(why, "%s is out of range (%" PRId64 " to %" PRId64 "%s)", q(s, b, sizeof b),
			    lo, hi, max_ok ? ", or max" : "");
	out->kind = BX_Q_NUM;
	out->i = val;
	return 0;
}

int bx_unit_bool(const char *s, bool plain, bool *out, char *why)
{
	char b[QBUF];
	static const char *const t[] = { "true", "True", "TRUE" }, *const f[] = { "false", "False", "FALSE" };
	for (size_t i = 0; plain && i < 3; i++) {
		if (strcmp(s, t[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, f[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return fail(why, "expected true or false%s, got %s", plain ? "" : " (unquoted)",
		    q(s, b, sizeof b));
}

/* ---- CPU lists ----------------------------------------------------------- */

static int list_num(const char **p, const char *s, long *out, char *why)
{
	char b[QBUF];
	const char *x = *p;
	if (*x < '0' || *x > '9')
		return fail(why, "%s: expected a list such as \"0-3,6\"", q(s, b, sizeof b));
	long v = 0;
	while (*x >= '0' && *x <= '9') {
		v = v * 10 + (*x - '0');
		if (v >= BX_CPULIST_LIMIT)
			return fail(why, "%s: numbers in a list must be below %d", q(s, b, sizeof b),
				    BX_CPULIST_LIMIT);
		x++;
	}
	*p = x;
	*out = v;
	return 0;
}

int bx_unit_cpulist(const char *s, char **canon, long *highest, char *why)
{
	char b[QBUF];
	unsigned char bits[BX_CPULIST_LIMIT / 8] = { 0 };
	*canon = NULL;
	*highest = -1;
	const char *p = s;
	while (*p) {
		long a, z;
		if (list_num(&p, s, &a, why) < 0)
			return -1;
		z = a;
		if (*p == '-') {
			p++;
			if (list_num(&p, s, &z, why) < 0)
				return -1;
			if (z < a)
				return fail(why, "%s: range %ld-%ld is reversed", q(s, b, sizeof b), a, z);
		}
		for (long i = a; i <= z; i++)
			bits[i / 8] |= (unsigned char)(1u << (i % 8));
		if (z > *highest)
			*highest = z;
		if (*p == ',') {
			p++;
			if (!*p)
				return fail(why, "%s: the list ends with a comma", q(s, b, sizeof b));
		} else if (*p) {
			char c[2] = { *p, 0 }, u[BX_SHOW_MAX];
			return fail(why, "%s: expected a list such as \"0-3,6\" (unexpected '%s')",
				    q(s, b, sizeof b), esc(c, u));
		}
	}
	bx_buf out = {0};
	bx_buf_puts(&out, "");
	for (long i = 0; i <= *highest; i++) {
		if (!(bits[i / 8] & (1u << (i % 8))))
			continue;
		long j = i;
		while (j + 1 <= *highest && (bits[(j + 1) / 8] & (1u << ((j + 1) % 8))))
			j++;
		if (out.len)
			bx_buf_puts(&out, ",");
		if (j > i)
			bx_buf_printf(&out, "%ld-%ld", i, j);
		else
			bx_buf_printf(&out, "%ld", i);
		i = j;
	}
	*canon = bx_buf_take(&out);
	if (!*canon)
		return fail(why, "out of memory");
	return 0;
}

/* ---- huge page size names ------------------------------------------------ */

void bx_hugetlb_name(uint64_t bytes, char *buf, size_t len)
{
	/* mm/hugetlb_cgroup.c mem_fmt(): GB, MB or KB, whole numbers. */
	if (bytes >= (UINT64_C(1) << 30) && bytes % (UINT64_C(1) << 30) == 0)
		snprintf(buf, len, "%" PRIu64 "GB", bytes >> 30);
	else if (bytes >= (UINT64_C(1) << 20) && bytes % (UINT64_C(1) << 20) == 0)
		snprintf(buf, len, "%" PRIu64 "MB", bytes >> 20);
	else
		snprintf(buf, len, "%" PRIu64 "KB", bytes >> 10);
}

int bx_hugetlb_parse(const char *s, uint64_t *bytes, char *why)
{
	char b[QBUF];
	const char *p = s;
	uint64_t v = 0;
	while (*p >= '0' && *p <= '9' && v < (UINT64_C(1) << 40))
		v = v * 10 + (uint64_t)(*p++ - '0');
	unsigned shift;
	if (p == s || v == 0 || v >= (UINT64_C(1) << 40))
		goto bad;
	if (strcmp(p, "KB") == 0)
		shift = 10;
	else if (strcmp(p, "MB") == 0)
		shift = 20;
	else if (strcmp(p, "GB") == 0)
		shift = 30;
	else
		goto bad;
	*bytes = v << shift;
	char canon[32];
	bx_hugetlb_name(*bytes, canon, sizeof canon);
	if (strcmp(canon, s) != 0)
		return fail(why, "huge page size %s is named %s by the kernel", q(s, b, sizeof b), canon);
	return 0;
bad:
	return fail(why, "%s is not a huge page size as the kernel names it (2MB, 1GB)", q(s, b, sizeof b));
}

void bx_fmt_us(int64_t us, char *buf, size_t len)
{
	if (us == 0)
		snprintf(buf, len, "0");
	else if (us >= 1000000 && us % 1000000 == 0)
		snprintf(buf, len, "%" PRId64 "s", us / 1000000);
	else if (us >= 1000 && us % 1000 == 0)
		snprintf(buf, len, "%" PRId64 "ms", us / 1000);
	else
		snprintf(buf, len, "%" PRId64 "us", us);
}

char *bx_mem_canon(uint64_t bytes, uint64_t page)
{
	uint64_t pages = bytes / page, pcmax = (uint64_t)INT64_MAX / page;
	if (pages >= pcmax)
		return strdup("max");
	char buf[21];
	bx_put_u64(buf, pages * page);
	return strdup(buf);
}
