/* lib/stats figures as JSON (stats_json.h). */
#include <stdio.h>

#include "stats_json.h"

json_t *stats_json_num(int64_t v)
{
	if (v == BX_STAT_MAX)
		return json_string("max");
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *avg(int64_t v) { return v < 0 ? json_null() : json_real((double)v / 100.0); }

static json_t *psi_line(const bx_psi_line *l)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "avg10", avg(l->avg10), "avg60", avg(l->avg60),
			 "avg300", avg(l->avg300), "total_usec", stats_json_num(l->total_usec));
}

json_t *stats_json(const bx_stats *s)
{
	json_t *mev = json_object();
	for (int i = 0; mev && i < BX_MEV_N; i++)
		if (json_object_set_new(mev, bx_mev_names[i], stats_json_num(s->mem_events[i])) < 0)
			mev = (json_decref(mev), NULL);
	json_t *io = json_array();
	for (size_t i = 0; io && i < s->nio; i++) {
		const bx_io_dev *d = &s->io[i];
		char dev[32];
		snprintf(dev, sizeof dev, "%u:%u", d->major, d->minor);
		json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "device", dev, "rbytes",
				      stats_json_num(d->rbytes), "wbytes", stats_json_num(d->wbytes),
				      "rios", stats_json_num(d->rios), "wios", stats_json_num(d->wios),
				      "dbytes", stats_json_num(d->dbytes), "dios",
				      stats_json_num(d->dios));
		if (!o || json_array_append_new(io, o) < 0)
			io = (json_decref(io), NULL);
	}
	json_t *psi = json_object();
	for (int i = 0; psi && i < BX_PSI_N; i++) {
		json_t *o = json_pack("{s:o, s:o}", "some", psi_line(&s->psi[i].some), "full",
				      psi_line(&s->psi[i].full));
		if (!o || json_object_set_new(psi, bx_psi_names[i], o) < 0)
			psi = (json_decref(psi), NULL);
	}
	if (!mev || !io || !psi) {
		json_decref(mev);
		json_decref(io);
		json_decref(psi);
		return NULL;
	}
	return json_pack(
		"{s:{s:o, s:o, s:o, s:o, s:o, s:o},"
		" s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o},"
		" s:{s:o, s:o, s:o, s:o}, s:o, s:o}",
		"cpu", "usage_usec", stats_json_num(s->cpu_usage_usec), "user_usec",
		stats_json_num(s->cpu_user_usec), "system_usec", stats_json_num(s->cpu_system_usec),
		"nr_periods", stats_json_num(s->cpu_nr_periods), "nr_throttled",
		stats_json_num(s->cpu_nr_throttled), "throttled_usec",
		stats_json_num(s->cpu_throttled_usec),
		"memory", "current", stats_json_num(s->mem_current), "peak",
		stats_json_num(s->mem_peak), "high", stats_json_num(s->mem_high), "max",
		stats_json_num(s->mem_max), "swap_current", stats_json_num(s->swap_current),
		"swap_peak", stats_json_num(s->swap_peak), "swap_max", stats_json_num(s->swap_max),
		"events", mev,
		"pids", "current", stats_json_num(s->pids_current), "peak",
		stats_json_num(s->pids_peak), "max", stats_json_num(s->pids_max), "events_max",
		stats_json_num(s->pids_events_max),
		"io", io, "pressure", psi);
}
