/* Prometheus text exposition of lib/stats figures (metrics.h). */
#include <inttypes.h>
#include <stdio.h>

#include "metrics/metrics.h"

/* A sample's value: an integer, or microseconds shown as seconds. */
enum scale { S_ONE, S_USEC };

typedef struct family {
	const char *name;  /* after boxcg_box_ / boxcg_slice_ */
	const char *type;  /* "counter" or "gauge" */
	const char *help;
	enum scale scale;
	/* the value; BX_STAT_ABSENT leaves the sample out */
	int64_t (*get)(const bx_stats *s, size_t i);
	/* how many samples per cgroup (io devices, events): 0 = one */
	size_t (*count)(const bx_stats *s);
	/* the extra label of sample i ("device=\"8:0\""), NULL for none */
	void (*label)(const bx_stats *s, size_t i, bx_buf *out);
} family;

#define GET(fn, expr) \
	static int64_t fn(const bx_stats *s, size_t i) { (void)i; return (expr); }

GET(g_usage, s->cpu_usage_usec)
GET(g_user, s->cpu_user_usec)
GET(g_system, s->cpu_system_usec)
GET(g_periods, s->cpu_nr_periods)
GET(g_throttled, s->cpu_nr_throttled)
GET(g_throttled_us, s->cpu_throttled_usec)
GET(g_mcur, s->mem_current)
GET(g_mpeak, s->mem_peak)
GET(g_mhigh, s->mem_high)
GET(g_mmax, s->mem_max)
GET(g_mev, s->mem_events[i])
GET(g_swcur, s->swap_current)
GET(g_swpeak, s->swap_peak)
GET(g_swmax, s->swap_max)
GET(g_pcur, s->pids_current)
GET(g_ppeak, s->pids_peak)
GET(g_pmax, s->pids_max)
GET(g_pev, s->pids_events_max)
GET(g_rbytes, s->io[i].rbytes)
GET(g_wbytes, s->io[i].wbytes)
GET(g_rios, s->io[i].rios)
GET(g_wios, s->io[i].wios)
GET(g_dbytes, s->io[i].dbytes)
GET(g_dios, s->io[i].dios)
GET(g_psi_some, s->psi[i].some.total_usec)
GET(g_psi_full, s->psi[i].full.total_usec)

static size_t n_mev(const bx_stats *s) { (void)s; return BX_MEV_N; }
static size_t n_io(const bx_stats *s) { return s->nio; }
static size_t n_psi(const bx_stats *s) { (void)s; return BX_PSI_N; }

static void l_mev(const bx_stats *s, size_t i, bx_buf *o)
{
	(void)s;
	bx_buf_printf(o, ",event=\"%s\"", bx_mev_names[i]);
}

static void l_io(const bx_stats *s, size_t i, bx_buf *o)
{
	bx_buf_printf(o, ",device=\"%u:%u\"", s->io[i].major, s->io[i].minor);
}

static void l_psi(const bx_stats *s, size_t i, bx_buf *o)
{
	(void)s;
	bx_buf_printf(o, ",resource=\"%s\"", bx_psi_names[i]);
}

static const family families[] = {
	{ "cpu_usage_seconds_total", "counter", "CPU time consumed (cpu.stat usage_usec).", S_USEC, g_usage, NULL, NULL },
	{ "cpu_user_seconds_total", "counter", "CPU time in user mode (cpu.stat user_usec).", S_USEC, g_user, NULL, NULL },
	{ "cpu_system_seconds_total", "counter", "CPU time in kernel mode (cpu.stat system_usec).", S_USEC, g_system, NULL, NULL },
	{ "cpu_periods_total", "counter", "Enforcement periods elapsed under cpu.max (cpu.stat nr_periods).", S_ONE, g_periods, NULL, NULL },
	{ "cpu_throttled_periods_total", "counter", "Periods in which cpu.max throttled the cgroup (cpu.stat nr_throttled).", S_ONE, g_throttled, NULL, NULL },
	{ "cpu_throttled_seconds_total", "counter", "Time throttled by cpu.max (cpu.stat throttled_usec).", S_USEC, g_throttled_us, NULL, NULL },
	{ "memory_current_bytes", "gauge", "Memory in use (memory.current).", S_ONE, g_mcur, NULL, NULL },
	{ "memory_peak_bytes", "gauge", "Highest memory use recorded (memory.peak).", S_ONE, g_mpeak, NULL, NULL },
	{ "memory_high_bytes", "gauge", "Memory throttle limit (memory.high); +Inf when none.", S_ONE, g_mhigh, NULL, NULL },
	{ "memory_max_bytes", "gauge", "Memory hard limit (memory.max); +Inf when none.", S_ONE, g_mmax, NULL, NULL },
	{ "memory_events_total", "counter", "memory.events counters: low, high, max, oom, oom_kill, oom_group_kill.", S_ONE, g_mev, n_mev, l_mev },
	{ "memory_swap_current_bytes", "gauge", "Swap in use (memory.swap.current).", S_ONE, g_swcur, NULL, NULL },
	{ "memory_swap_peak_bytes", "gauge", "Highest swap use recorded (memory.swap.peak).", S_ONE, g_swpeak, NULL, NULL },
	{ "memory_swap_max_bytes", "gauge", "Swap limit (memory.swap.max); +Inf when none.", S_ONE, g_swmax, NULL, NULL },
	{ "pids_current", "gauge", "Tasks in the cgroup (pids.current).", S_ONE, g_pcur, NULL, NULL },
	{ "pids_peak", "gauge", "Highest number of tasks recorded (pids.peak).", S_ONE, g_ppeak, NULL, NULL },
	{ "pids_max", "gauge", "Task limit (pids.max); +Inf when none.", S_ONE, g_pmax, NULL, NULL },
	{ "pids_max_events_total", "counter", "Forks refused at pids.max (pids.events max).", S_ONE, g_pev, NULL, NULL },
	{ "io_read_bytes_total", "counter", "Bytes read per device (io.stat rbytes).", S_ONE, g_rbytes, n_io, l_io },
	{ "io_written_bytes_total", "counter", "Bytes written per device (io.stat wbytes).", S_ONE, g_wbytes, n_io, l_io },
	{ "io_reads_total", "counter", "Read operations per device (io.stat rios).", S_ONE, g_rios, n_io, l_io },
	{ "io_writes_total", "counter", "Write operations per device (io.stat wios).", S_ONE, g_wios, n_io, l_io },
	{ "io_discarded_bytes_total", "counter", "Bytes discarded per device (io.stat dbytes).", S_ONE, g_dbytes, n_io, l_io },
	{ "io_discards_total", "counter", "Discard operations per device (io.stat dios).", S_ONE, g_dios, n_io, l_io },
	{ "pressure_waiting_seconds_total", "counter", "Time some tasks were stalled on the resource (PSI some total).", S_USEC, g_psi_some, n_psi, l_psi },
	{ "pressure_stalled_seconds_total", "counter", "Time all tasks were stalled on the resource (PSI full total).", S_USEC, g_psi_full, n_psi, l_psi },
};

void bx_metrics_escape(bx_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			bx_buf_puts(out, "\\\\");
		else if (*s == '"')
			bx_buf_puts(out, "\\\"");
		else if (*s == '\n')
			bx_buf_puts(out, "\\n");
		else
			bx_buf_add(out, s, 1);
	}
}

static void value(bx_buf *o, int64_t v, enum scale sc)
{
	if (v == BX_STAT_MAX)
		bx_buf_puts(o, "+Inf");
	else if (sc == S_USEC)
		bx_buf_printf(o, "%" PRId64 ".%06" PRId64, v / 1000000, v % 1000000);
	else
		bx_buf_printf(o, "%" PRId64, v);
}

static void one_family(const bx_stats_set *set, const family *f, bool boxes, bx_buf *o)
{
	const char *kind = boxes ? "box" : "slice";
	bool head = false;
	for (size_t e = 0; e < set->n; e++) {
		const bx_stats_entry *en = &set->v[e];
		if (!en->box != !boxes)
			continue;
		size_t n = f->count ? f->count(&en->st) : 1;
		for (size_t i = 0; i < n; i++) {
			int64_t v = f->get(&en->st, i);
			if (v == BX_STAT_ABSENT)
				continue;
			if (!head) {
				bx_buf_printf(o, "# HELP boxcg_%s_%s %s\n# TYPE boxcg_%s_%s %s\n", kind,
					      f->name, f->help, kind, f->name, f->type);
				head = true;
			}
			bx_buf_printf(o, "boxcg_%s_%s{class=\"", kind, f->name);
			bx_metrics_escape(o, en->class_name);
			if (boxes) {
				bx_buf_puts(o, "\",box=\"");
				bx_metrics_escape(o, en->box);
			}
			bx_buf_puts(o, "\"");
			if (f->label)
				f->label(&en->st, i, o);
			bx_buf_puts(o, "} ");
			value(o, v, f->scale);
			bx_buf_puts(o, "\n");
		}
	}
}

bool bx_metrics_render(const bx_stats_set *set, bx_buf *out)
{
	size_t nbox = 0;
	for (size_t e = 0; e < set->n; e++)
		nbox += set->v[e].box != NULL;
	bx_buf_printf(out, "# HELP boxcg_boxes Boxes that exist under the policy's class slices.\n"
			   "# TYPE boxcg_boxes gauge\nboxcg_boxes %zu\n", nbox);
	for (int boxes = 1; boxes >= 0; boxes--)
		for (size_t i = 0; i < BX_ARRAY_LEN(families); i++)
			one_family(set, &families[i], boxes, out);
	return !out->oom;
}
