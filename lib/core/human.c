/* Numbers for people (human.h). */
#include "core/human.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

const char *bx_human_unit(uint64_t v, uint64_t *unit, double *scaled)
{
	size_t u = 0;
	while (u + 1 < sizeof names / sizeof *names && v >> (10 * (u + 1)))
		u++;
	*unit = UINT64_C(1) << (10 * u);
	*scaled = (double)v / (double)*unit;
	return names[u];
}

void bx_human_bytes_1(uint64_t v, char *buf, size_t len)
{
	uint64_t unit;
	double x;
	const char *name = bx_human_unit(v, &unit, &x);
	if (unit == 1)
		snprintf(buf, len, "%" PRIu64 "B", v);
	else
		snprintf(buf, len, "%.1f%s", x, name);
}

bool bx_human_bytes(uint64_t v, char *buf, size_t len)
{
	if (v < 1024) {
		snprintf(buf, len, "%" PRIu64, v);
		return true;
	}
	/* Exact in the largest unit that keeps it short: whole or half units,
	 * at most four digits ("1952 KiB", "1.5 GiB"). */
	for (size_t u = sizeof names / sizeof *names - 1; u >= 1; u--) {
		uint64_t unit = UINT64_C(1) << (10 * u);
		if (v < unit || v % (unit / 2) || v / unit >= 10000)
			continue;
		if (v % unit)
			snprintf(buf, len, "%" PRIu64 ".5 %s", v / unit, names[u]);
		else
			snprintf(buf, len, "%" PRIu64 " %s", v / unit, names[u]);
		return true;
	}
	uint64_t unit;
	double x;
	const char *name = bx_human_unit(v, &unit, &x);
	/* One decimal, trailing ".0" kept: "4.0 GiB" beside 4294967295 says
	 * it is close to, not exactly, 4 GiB. */
	snprintf(buf, len, "%.1f %s", x, name);
	return false;
}

bool bx_human_cpus(uint64_t quota, uint64_t period, char *buf, size_t len)
{
	/* hundredths, rounded to the nearest */
	unsigned __int128 h = ((unsigned __int128)quota * 200 + period) / (2 * (unsigned __int128)period);
	bool exact = (unsigned __int128)quota * 100 == h * period;
	uint64_t whole = (uint64_t)(h / 100), frac = (uint64_t)(h % 100);
	const char *unit = h == 100 ? "CPU" : "CPUs";
	if (frac == 0)
		snprintf(buf, len, "%" PRIu64 " %s", whole, unit);
	else if (frac % 10 == 0)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " %s", whole, frac / 10, unit);
	else
		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64 " %s", whole, frac, unit);
	return exact;
}
