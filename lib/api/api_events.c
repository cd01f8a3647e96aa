/* Events through the public API: an epoll fd for the runtime's loop. */
#include <errno.h>
#include <stdlib.h>

#include "api/api_int.h"
#include "core/util.h"
#include "events/events.h"

struct boxcg_events {
	bx_events *ev;
	boxcg_event *v;
	size_t cap;
};

int boxcg_events_open(boxcg_target *t, const boxcg_policy *p, boxcg_events **out,
		      boxcg_error **err)
{
	bx_error *e = NULL;
	if (out)
		*out = NULL;
	if (bx_api_args(t, p, "", err) < 0)
		return -1;
	if (!out)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "events: no result pointer"), e));
	boxcg_events *h = calloc(1, sizeof *h);
	if (!h)
		return bx_api_fail(err, (bx_err(&e, ENOMEM, "events"), e));
	if (bx_events_open(t->fs, p->p, &h->ev, &e) < 0) {
		free(h);
		return bx_api_fail(err, e);
	}
	*out = h;
	return 0;
}

int boxcg_events_fd(const boxcg_events *ev) { return ev ? bx_events_fd(ev->ev) : -1; }

int boxcg_events_read(boxcg_events *ev, const boxcg_event **v, size_t *n, boxcg_error **err)
{
	bx_error *e = NULL;
	if (!ev || !v || !n)
		return bx_api_fail(err, (bx_err(&e, EINVAL, "events: NULL argument"), e));
	const bx_event *in;
	size_t k;
	*v = NULL;
	*n = 0;
	if (bx_events_read(ev->ev, &in, &k, &e) < 0)
		return bx_api_fail(err, e);
	if (k > ev->cap) {
		boxcg_event *nv = realloc(ev->v, k * sizeof *nv);
		if (!nv)
			return bx_api_fail(err, (bx_err(&e, ENOMEM, "events"), e));
		ev->v = nv;
		ev->cap = k;
	}
	for (size_t i = 0; i < k; i++)
		ev->v[i] = (boxcg_event){
			.kind = bx_event_names[in[i].kind],
			.class_name = in[i].class_name,
			.box = in[i].box,
			.time_ns = in[i].time_ns,
			.count = in[i].count,
			.delta = in[i].count < 0 ? 0 : in[i].delta,
			.cpu_usage_usec = in[i].c.cpu_usage_usec,
			.memory_current = in[i].c.memory_current,
			.memory_peak = in[i].c.memory_peak,
			.oom_kill = in[i].c.oom_kill,
			.pids_current = in[i].c.pids_current,
		};
	*v = ev->v;
	*n = k;
	return 0;
}

void boxcg_events_close(boxcg_events *ev)
{
	if (!ev)
		return;
	bx_events_close(ev->ev);
	free(ev->v);
	free(ev);
}
