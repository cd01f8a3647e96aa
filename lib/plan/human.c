/* A plan's values for people (human.h). */
#include "plan/human.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/human.h"
#include "core/util.h"

/* The files whose value is a byte count (or max). Called for every value
 * of a plan: the prefix first. */
static bool bytes_file(const char *file)
{
	static const char *const memory[] = { "min", "low", "high", "max", "swap.max", "swap.high",
					      "zswap.max" };
	if (strncmp(file, "memory.", 7) == 0) {
		for (size_t i = 0; i < sizeof memory / sizeof *memory; i++)
			if (strcmp(file + 7, memory[i]) == 0)
				return true;
		return false;
	}
	size_t n;
	return strncmp(file, "hugetlb.", 8) == 0 && (n = strlen(file)) > 12 &&
	       strcmp(file + n - 4, ".max") == 0;
}

/* A decimal number that fits 64 bits, and nothing else; its end in *end. */
static bool number(const char *s, uint64_t *v, const char **end)
{
	uint64_t x = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return false;
	*v = x;
	*end = p;
	return true;
}

/* "HUMAN (VALUE)" into buf; false when it does not fit. */
static bool both(char *buf, size_t len, const char *h, const char *value)
{
	size_t a = strlen(h), b = strlen(value);
	if (a + b + 4 > len)
		return false;
	char *p = bx_put_str(buf, h);
	p = bx_put_str(p, " (");
	p = bx_put_str(p, value);
	bx_put_str(p, ")");
	return true;
}

bool bx_value_human(const char *file, const char *value, char *buf, size_t len)
{
	if (!file || !value || len < BX_VALUE_HUMAN_MAX)
		return false;
	uint64_t v, q, period;
	const char *end;
	char h[BX_HUMAN_MAX];
	if (bytes_file(file)) {
		if (!number(value, &v, &end) || *end || v < 1024)
			return false;
		bool exact = bx_human_bytes(v, h, sizeof h);
		return exact ? (bx_put_str(buf, h), true) : both(buf, len, h, value);
	}
	if (strcmp(file, "cpu.max") == 0) {
		/* "QUOTA PERIOD"; "max PERIOD" reads best as it is */
		if (!number(value, &q, &end) || *end != ' ' || !number(end + 1, &period, &end) || *end ||
		    period == 0)
			return false;
		bx_human_cpus(q, period, h, sizeof h);
		return both(buf, len, h, value);
	}
	return false;
}
