/* Box events as they happen: oom and oom_kill, memory.high and
 * memory.max breaches, pids.max refusals, populated/empty,
 * frozen/thawed, created/deleted, memory pressure.
 *
 * On cgroup2 every box's cgroup.events, memory.events and pids.events is
 * held open in one epoll set (EPOLLPRI: the kernel's notification of a
 * change, re-armed by reading the file again) with a PSI trigger written
 * to its memory.pressure (some 100 ms stalled in 1 s); the class slices
 * and the policy root are watched with inotify for new and removed
 * boxes (and slices). In directory mode, where plain files cannot be
 * polled, inotify reports writes to those files instead. Nothing is ever
 * polled on a timer: with nothing happening the descriptor stays quiet
 * and its reader sleeps.
 *
 * The epoll descriptor (bx_events_fd) is what a runtime adds to its own
 * loop; when it is readable, bx_events_read handles what is ready and
 * returns the events, never blocking. */
#ifndef BX_EVENTS_EVENTS_H
#define BX_EVENTS_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "cgroupfs/cgfs.h"
#include "core/err.h"
#include "model.h"

typedef enum bx_event_kind {
	BX_EV_CREATED,
	BX_EV_DELETED,
	BX_EV_POPULATED,
	BX_EV_EMPTY,
	BX_EV_FROZEN,
	BX_EV_THAWED,
	BX_EV_MEMORY_HIGH,     /* memory.events high went up */
	BX_EV_MEMORY_MAX,      /* memory.events max */
	BX_EV_OOM,             /* memory.events oom */
	BX_EV_OOM_KILL,        /* memory.events oom_kill */
	BX_EV_OOM_GROUP_KILL,  /* memory.events oom_group_kill */
	BX_EV_PIDS_MAX,        /* pids.events max: a fork refused */
	BX_EV_MEMORY_PRESSURE, /* the PSI trigger on memory.pressure fired */
	BX_EV_N
} bx_event_kind;

/* "created", "deleted", "populated", "empty", "frozen", "thawed",
 * "memory_high", "memory_max", "oom", "oom_kill", "oom_group_kill",
 * "pids_max", "memory_pressure" */
extern const char *const bx_event_names[BX_EV_N];

/* The box's counters after the event (for `deleted`: the last ones read
 * while it existed, so an OOM kill just before the delete is kept);
 * -1 where the box has no such file. */
typedef struct bx_event_counters {
	int64_t cpu_usage_usec, memory_current, memory_peak, oom_kill, pids_current;
	int64_t memory_some_avg10; /* hundredths of a percent */
} bx_event_counters;

typedef struct bx_event {
	bx_event_kind kind;
	int64_t time_ns;        /* CLOCK_REALTIME when it was seen */
	const char *class_name; /* into the policy */
	char box[72];
	int64_t count;          /* the counter's value now (-1: not a counter event) */
	int64_t delta;          /* how much it went up since the last event */
	bx_event_counters c;
} bx_event;

typedef struct bx_events bx_events;

/* Watch every box of the policy's classes (the policy must outlive the
 * handle). ENOENT when the policy root does not exist. */
int bx_events_open(bx_cgfs *fs, const bx_policy *p, bx_events **out, bx_error **err);
/* The descriptor to wait on (readable when events are ready). */
int bx_events_fd(const bx_events *ev);
/* Handle what is ready without blocking: *v (valid until the next call)
 * holds *n events, 0 when nothing happened. */
int bx_events_read(bx_events *ev, const bx_event **v, size_t *n, bx_error **err);
/* Boxes watched now. */
size_t bx_events_nboxes(const bx_events *ev);
void bx_events_close(bx_events *ev);

/* The counters of box `cg` now (as events carry them). */
void bx_events_counters(bx_cgfs *fs, const char *cg, bx_event_counters *c);

#endif
