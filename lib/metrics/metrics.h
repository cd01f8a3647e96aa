/* The Prometheus text exposition format (version 0.0.4) of a policy's
 * class slices and boxes, from their statistics (lib/stats).
 *
 * Families are boxcg_box_* (labels class, box) and boxcg_slice_* (label
 * class), in base units (bytes, seconds), counters ending in _total, each
 * with one HELP and one TYPE line. A figure the cgroup does not have is
 * left out; a limit of "max" is +Inf. Label values are escaped (\\, \",
 * \n) as the format requires. */
#ifndef BX_METRICS_METRICS_H
#define BX_METRICS_METRICS_H

#include "core/util.h"
#include "stats/stats.h"

/* Append the exposition of `set` to `out`; false when out of memory. */
bool bx_metrics_render(const bx_stats_set *set, bx_buf *out);

/* Append `s` to `out` escaped as a label value. */
void bx_metrics_escape(bx_buf *out, const char *s);

#endif
