/* Internal to lib/stats: the keyed-file parsers read.c applies. */
#ifndef BX_STATS_STATS_INT_H
#define BX_STATS_STATS_INT_H

#include "stats/stats.h"

void bx_stats_parse_mev(const char *text, bx_stats *s);
void bx_stats_parse_pids_events(const char *text, bx_stats *s);

#endif
