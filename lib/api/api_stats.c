/* Statistics through the public API: boxcg_box_stats. */
#include <errno.h>
#include <stdlib.h>

#include "api/api_int.h"
#include "core/util.h"
#include "stats/stats.h"

static boxcg_psi psi(const bx_psi_line *l)
{
	return (boxcg_psi){ l->avg10, l->avg60, l->avg300, l->total_usec };
}

/* Sum of one io.stat field over devices; ABSENT without io.stat. */
static int64_t io_sum(const bx_stats *s, size_t off)
{
	if (!s->nio)
		return BOXCG_STAT_ABSENT;
	int64_t t = 0;
	for (size_t i = 0; i < s->nio; i++) {
		int64_t v = *(const int64_t *)((const char *)&s->io[i] + off);
		if (v < 0)
			return BOXCG_STAT_ABSENT;
		t = v > INT64_MAX - t ? INT64_MAX : t + v;
	}
	return t;
}

static void convert(const bx_stats *s, boxcg_stats *o)
{
	*o = (boxcg_stats){
		.cpu_usage_usec = s->cpu_usage_usec,
		.cpu_user_usec = s->cpu_user_usec,
		.cpu_system_usec = s->cpu_system_usec,
		.cpu_nr_periods = s->cpu_nr_periods,
		.cpu_nr_throttled = s->cpu_nr_throttled,
		.cpu_throttled_usec = s->cpu_throttled_usec,
		.memory_current = s->mem_current,
		.memory_peak = s->mem_peak,
		.memory_high = s->mem_high,
		.memory_max = s->mem_max,
		.memory_events_low = s->mem_events[BX_MEV_LOW],
		.memory_events_high = s->mem_events[BX_MEV_HIGH],
		.memory_events_max = s->mem_events[BX_MEV_MAX],
		.memory_events_oom = s->mem_events[BX_MEV_OOM],
		.memory_events_oom_kill = s->mem_events[BX_MEV_OOM_KILL],
		.memory_events_oom_group_kill = s->mem_events[BX_MEV_OOM_GROUP_KILL],
		.swap_current = s->swap_current,
		.swap_peak = s->swap_peak,
		.swap_max = s->swap_max,
		.pids_current = s->pids_current,
		.pids_peak = s->pids_peak,
		.pids_max = s->pids_max,
		.pids_events_max = s->pids_events_max,
		.io_rbytes = io_sum(s, offsetof(bx_io_dev, rbytes)),
		.io_wbytes = io_sum(s, offsetof(bx_io_dev, wbytes)),
		.io_rios = io_sum(s, offsetof(bx_io_dev, rios)),
		.io_wios = io_sum(s, offsetof(bx_io_dev, wios)),
		.cpu_some = psi(&s->psi[BX_PSI_CPU].some),
		.cpu_full = psi(&s->psi[BX_PSI_CPU].full),
		.memory_some = psi(&s->psi[BX_PSI_MEMORY].some),
		.memory_full = psi(&s->psi[BX_PSI_MEMORY].full),
		.io_some = psi(&s->psi[BX_PSI_IO].some),
		.io_full = psi(&s->psi[BX_PSI_IO].full),
	};
}

int boxcg_box_stats(boxcg_target *t, const boxcg_policy *p, const char *class_name,
		    const char *id, boxcg_stats *out, boxcg_error **err)
{
	bx_error *e = NULL;
	cleanup_free char *cg = NULL;
	if (!out)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "box stats: no result struct"), e));
	if (id) {
		if (bx_api_args(t, p, id, err) < 0 || bx_api_box_cgroup(t, p, class_name, id, &cg, &e) < 0)
			return e ? bx_api_fail(err, e) : -1;
	} else {
		if (bx_api_args(t, p, "slice", err) < 0)
			return -1;
		if (!class_name || !bx_policy_class(p->p, class_name))
			return bx_api_fail(err, (bx_err(&e, ENOENT, "the policy has no class \"%s\"",
							class_name ? class_name : "(null)"), e));
		if (!(cg = bx_sprintf("%s/%s", p->p->root, class_name)))
			return bx_api_fail(err, (bx_err(&e, ENOMEM, "box stats"), e));
	}
	bx_stats s;
	if (bx_stats_read(t->fs, cg, &s, &e) < 0)
		return bx_api_fail(err, e);
	convert(&s, out);
	bx_stats_free(&s);
	return 0;
}
