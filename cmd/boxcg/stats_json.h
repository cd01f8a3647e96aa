/* One cgroup's statistics (lib/stats) as a JSON object: exact integers,
 * null where the cgroup has no such file, "max" for an unlimited limit,
 * PSI averages as numbers with two decimals. */
#ifndef BX_CLI_STATS_JSON_H
#define BX_CLI_STATS_JSON_H

#include <jansson.h>

#include "stats/stats.h"

json_t *stats_json(const bx_stats *s);
/* An integer, null (absent) or "max". */
json_t *stats_json_num(int64_t v);

#endif
