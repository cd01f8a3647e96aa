/* Human units for the observability commands (stats, top, events,
 * delete's final counters): bytes as B/KiB/MiB/GiB with one decimal,
 * microseconds as seconds with three decimals, PSI hundredths as
 * "12.34". BX_STAT_ABSENT prints "-" and BX_STAT_MAX "max". */
#ifndef BX_CLI_UNITS_H
#define BX_CLI_UNITS_H

#include <stddef.h>
#include <stdint.h>

typedef struct units_buf {
	char s[32];
} units_buf;

const char *units_bytes(units_buf *b, int64_t v);
const char *units_usec(units_buf *b, int64_t v);
const char *units_int(units_buf *b, int64_t v);
const char *units_pct(units_buf *b, int64_t hundredths);

#endif
