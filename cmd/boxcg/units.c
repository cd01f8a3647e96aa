/* Human units (units.h). */
#include <inttypes.h>
#include <stdio.h>

#include "core/human.h"
#include "stats/stats.h"
#include "units.h"

static const char *special(units_buf *b, int64_t v)
{
	if (v == BX_STAT_MAX)
		return snprintf(b->s, sizeof b->s, "max"), b->s;
	if (v < 0)
		return snprintf(b->s, sizeof b->s, "-"), b->s;
	return NULL;
}

const char *units_bytes(units_buf *b, int64_t v)
{
	if (!special(b, v))
		bx_human_bytes_1((uint64_t)v, b->s, sizeof b->s);
	return b->s;
}

const char *units_usec(units_buf *b, int64_t v)
{
	if (!special(b, v))
		snprintf(b->s, sizeof b->s, "%" PRId64 ".%03" PRId64 "s", v / 1000000,
			 v / 1000 % 1000);
	return b->s;
}

const char *units_int(units_buf *b, int64_t v)
{
	if (!special(b, v))
		snprintf(b->s, sizeof b->s, "%" PRId64, v);
	return b->s;
}

const char *units_pct(units_buf *b, int64_t v)
{
	if (!special(b, v))
		snprintf(b->s, sizeof b->s, "%" PRId64 ".%02" PRId64, v / 100, v % 100);
	return b->s;
}
