/* Event lines (event_fmt.h). */
#include <inttypes.h>
#include <time.h>

#include "event_fmt.h"
#include "stats_json.h"
#include "units.h"

void event_time(char *buf, size_t n, int64_t time_ns)
{
	time_t s = (time_t)(time_ns / 1000000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	char base[32];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03dZ", base, (int)(time_ns / 1000000 % 1000));
}

void event_counters_text(FILE *f, const bx_event_counters *c)
{
	units_buf a, b, d, e, g;
	fprintf(f, "cpu %s  memory %s  peak %s  oom_kills %s  pids %s", units_usec(&a, c->cpu_usage_usec),
		units_bytes(&b, c->memory_current), units_bytes(&d, c->memory_peak),
		units_int(&e, c->oom_kill), units_int(&g, c->pids_current));
}

json_t *event_counters_json(const bx_event_counters *c)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "cpu_usage_usec",
			 stats_json_num(c->cpu_usage_usec), "memory_current",
			 stats_json_num(c->memory_current), "memory_peak",
			 stats_json_num(c->memory_peak), "oom_kill", stats_json_num(c->oom_kill),
			 "pids_current", stats_json_num(c->pids_current), "memory_pressure_some_avg10",
			 c->memory_some_avg10 < 0 ? json_null()
						  : json_real((double)c->memory_some_avg10 / 100.0));
}

void event_print_text(FILE *f, const bx_event *e)
{
	char t[48];
	event_time(t, sizeof t, e->time_ns);
	fprintf(f, "%s  %s/%s  %s", t, e->class_name, e->box, bx_event_names[e->kind]);
	if (e->count >= 0)
		fprintf(f, " %" PRId64 " (+%" PRId64 ")", e->count, e->delta);
	if (e->kind == BX_EV_MEMORY_PRESSURE) {
		units_buf p;
		fprintf(f, " some avg10 %s", units_pct(&p, e->c.memory_some_avg10));
	}
	fputs("  ", f);
	event_counters_text(f, &e->c);
	fputc('\n', f);
}

json_t *event_json(const bx_event *e)
{
	char t[48];
	event_time(t, sizeof t, e->time_ns);
	return json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "time", t, "time_ns",
			 (json_int_t)e->time_ns, "event", bx_event_names[e->kind], "class",
			 e->class_name, "box", e->box, "count", stats_json_num(e->count), "delta",
			 e->count < 0 ? json_null() : json_integer(e->delta), "counters",
			 event_counters_json(&e->c));
}
