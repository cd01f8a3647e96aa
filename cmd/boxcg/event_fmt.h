/* One event (lib/events) as a text line or a JSON object, shared by
 * `boxcg events` and `box delete` (its final counters). */
#ifndef BX_CLI_EVENT_FMT_H
#define BX_CLI_EVENT_FMT_H

#include <jansson.h>
#include <stdio.h>

#include "events/events.h"

/* "2026-12-04T05:00:00.123Z" (UTC, milliseconds) */
void event_time(char *buf, size_t n, int64_t time_ns);
/* "cpu 1.234s  memory 30.0MiB  peak 32.0MiB  oom_kills 1  pids 0" */
void event_counters_text(FILE *f, const bx_event_counters *c);
json_t *event_counters_json(const bx_event_counters *c);
void event_print_text(FILE *f, const bx_event *e);
json_t *event_json(const bx_event *e);

#endif
