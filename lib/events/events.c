/* The event source (events.h): an epoll set of the boxes' pollable files,
 * inotify for boxes coming and going, and the state each event is the
 * difference of. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "box/box.h"
#include "box/procs.h"
#include "core/util.h"
#include "events/events.h"
#include "stats/stats.h"

const char *const bx_event_names[BX_EV_N] = {
	"created", "deleted", "populated", "empty", "frozen", "thawed", "memory_high",
	"memory_max", "oom", "oom_kill", "oom_group_kill", "pids_max", "memory_pressure",
};

/* The files watched per box, and the PSI trigger. */
enum { F_CGROUP, F_MEMORY, F_PIDS, F_PSI, F_N };
static const char *const fnames[F_N] = { "cgroup.events", "memory.events", "pids.events",
					 "memory.pressure" };
/* A stall of 100 ms within 1 s: the kernel's own example of a trigger. */
#define PSI_TRIGGER "some 100000 1000000"

/* memory.events keys that make events, in bx_event_kind order from
 * BX_EV_MEMORY_HIGH. */
static const char *const mev_keys[] = { "high", "max", "oom", "oom_kill", "oom_group_kill" };
#define NMEV (sizeof mev_keys / sizeof *mev_keys)

typedef struct box box;

/* What an epoll entry points at. */
typedef struct src {
	box *b;      /* NULL: the inotify descriptor */
	int file;    /* F_* */
} src;

struct box {
	const bx_class *cls;
	char id[72];
	char *cg;
	int fd[F_N];
	src srcs[F_N];
	int wd;               /* directory mode: inotify watch of the box */
	int populated, frozen;
	int64_t mev[NMEV];
	int64_t pids_max;
	bx_event_counters last;
	bool dead;
};

typedef struct watch {
	int wd;
	const bx_class *cls; /* NULL: the policy root */
} watch;

struct bx_events {
	bx_cgfs *fs;
	const bx_policy *p;
	int epfd, infd;
	src insrc;
	box **boxes;
	size_t nboxes, capboxes;
	watch *watches;
	size_t nwatches, capwatches;
	bx_event *out;
	size_t nout, capout;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void bx_events_counters(bx_cgfs *fs, const char *cg, bx_event_counters *c)
{
	c->cpu_usage_usec = bx_box_counter(fs, cg, "cpu.stat", "usage_usec");
	c->memory_current = bx_box_counter(fs, cg, "memory.current", NULL);
	c->memory_peak = bx_box_counter(fs, cg, "memory.peak", NULL);
	c->oom_kill = bx_box_counter(fs, cg, "memory.events", "oom_kill");
	c->pids_current = bx_box_counter(fs, cg, "pids.current", NULL);
	cleanup_free char *s = NULL;
	bx_error *e = NULL;
	bx_psi psi = { .some.avg10 = -1 };
	if (bx_cgfs_read(fs, cg, "memory.pressure", &s, &e) == 0)
		bx_stats_parse_psi(s, &psi);
	bx_error_free(e);
	c->memory_some_avg10 = psi.some.avg10 < 0 ? -1 : psi.some.avg10;
}

/* Read the box's counters into b->last, unless the cgroup is gone (a
 * removed cgroup's files still wake its watchers): the last ones read
 * while it existed are what its `deleted` event carries. */
static void update_last(bx_events *ev, box *b)
{
	bx_event_counters c;
	bx_error *e = NULL;
	bx_events_counters(ev->fs, b->cg, &c);
	if (bx_cgfs_exists(ev->fs, b->cg, &e) == 1)
		b->last = c;
	bx_error_free(e);
}

static int emit(bx_events *ev, box *b, bx_event_kind k, int64_t count, int64_t delta)
{
	if (bx_grow(&ev->out, &ev->capout, ev->nout + 1, sizeof *ev->out) < 0)
		return -1;
	bx_event *e = &ev->out[ev->nout++];
	*e = (bx_event){ .kind = k, .time_ns = now_ns(), .class_name = b->cls->name,
			 .count = count, .delta = delta, .c = b->last };
	memcpy(e->box, b->id, sizeof e->box);
	return 0;
}

/* The text of a watched file: through its held descriptor on cgroup2,
 * by path in directory mode. NULL when it is gone or unreadable. */
static char *file_text(bx_events *ev, box *b, int f)
{
	char *s = NULL;
	bx_error *e = NULL;
	if (b->fd[f] >= 0) {
		if (bx_fd_read_all(b->fd[f], &s, &e) < 0)
			s = NULL;
	} else if (bx_cgfs_read(ev->fs, b->cg, fnames[f], &s, &e) < 0) {
		s = NULL;
	}
	bx_error_free(e);
	return s;
}

static int keyed_int(const char *text, const char *key)
{
	uint64_t v;
	bx_error *e = NULL;
	if (bx_keyed_u64(text, key, &v, &e) < 0) {
		bx_error_free(e);
		return -1;
	}
	return v > INT_MAX ? INT_MAX : (int)v;
}

static int64_t keyed_i64(const char *text, const char *key)
{
	uint64_t v;
	bx_error *e = NULL;
	if (bx_keyed_u64(text, key, &v, &e) < 0 || v > INT64_MAX) {
		bx_error_free(e);
		return -1;
	}
	return (int64_t)v;
}

/* Compare a file with what was last seen and emit the differences.
 * quiet: only record (the baseline of a box that was there at start). */
static int refresh(bx_events *ev, box *b, int f, bool quiet)
{
	if (f == F_PSI) {
		update_last(ev, b);
		return quiet ? 0 : emit(ev, b, BX_EV_MEMORY_PRESSURE, -1, 0);
	}
	cleanup_free char *t = file_text(ev, b, f);
	if (!t)
		return 0;
	size_t first = ev->nout;
	int r = 0;
	if (f == F_CGROUP) {
		int pop = keyed_int(t, "populated"), fr = keyed_int(t, "frozen");
		if (!quiet && pop >= 0 && pop != b->populated)
			r |= emit(ev, b, pop ? BX_EV_POPULATED : BX_EV_EMPTY, -1, 0);
		if (!quiet && fr >= 0 && fr != b->frozen && !(b->frozen < 0 && fr == 0))
			r |= emit(ev, b, fr ? BX_EV_FROZEN : BX_EV_THAWED, -1, 0);
		b->populated = pop >= 0 ? pop : b->populated;
		b->frozen = fr >= 0 ? fr : b->frozen;
	} else if (f == F_MEMORY) {
		for (size_t i = 0; i < NMEV; i++) {
			int64_t v = keyed_i64(t, mev_keys[i]);
			if (v < 0)
				continue;
			if (!quiet && v > b->mev[i])
				r |= emit(ev, b, (bx_event_kind)(BX_EV_MEMORY_HIGH + i), v,
					  v - (b->mev[i] < 0 ? 0 : b->mev[i]));
			b->mev[i] = v;
		}
	} else if (f == F_PIDS) {
		int64_t v = keyed_i64(t, "max");
		if (v >= 0 && !quiet && v > b->pids_max)
			r |= emit(ev, b, BX_EV_PIDS_MAX, v, v - (b->pids_max < 0 ? 0 : b->pids_max));
		if (v >= 0)
			b->pids_max = v;
	}
	if (r)
		return -1;
	/* the events of this change carry the counters after it */
	if (ev->nout > first) {
		update_last(ev, b);
		for (size_t i = first; i < ev->nout; i++)
			ev->out[i].c = b->last;
	}
	return 0;
}

static int add_watch(bx_events *ev, const char *cg, uint32_t mask, const bx_class *cls)
{
	cleanup_free char *path = bx_sprintf("%s/%s", ev->fs->base_path, cg);
	if (!path)
		return -1;
	int wd = inotify_add_watch(ev->infd, path, mask | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (wd < 0)
		return -1;
	if (bx_grow(&ev->watches, &ev->capwatches, ev->nwatches + 1, sizeof *ev->watches) < 0)
		return -1;
	ev->watches[ev->nwatches++] = (watch){ wd, cls };
	return wd;
}

static box *find_box(bx_events *ev, const bx_class *c, const char *id)
{
	for (size_t i = 0; i < ev->nboxes; i++)
		if (!ev->boxes[i]->dead && ev->boxes[i]->cls == c && strcmp(ev->boxes[i]->id, id) == 0)
			return ev->boxes[i];
	return NULL;
}

static void box_close_fds(bx_events *ev, box *b)
{
	for (int f = 0; f < F_N; f++)
		if (b->fd[f] >= 0) {
			epoll_ctl(ev->epfd, EPOLL_CTL_DEL, b->fd[f], NULL);
			close(b->fd[f]);
			b->fd[f] = -1;
		}
	if (b->wd >= 0) {
		inotify_rm_watch(ev->infd, b->wd);
		b->wd = -1;
	}
}

/* Start watching box `id` of class c. is_new: it appeared while we
 * watched, so it starts from zero and its first state makes events. */
static int add_box(bx_events *ev, const bx_class *c, const char *id, bool is_new,
		   bx_error **err)
{
	if (!bx_box_id_valid(id) || find_box(ev, c, id))
		return 0;
	box *b = calloc(1, sizeof *b);
	if (!b || bx_grow(&ev->boxes, &ev->capboxes, ev->nboxes + 1, sizeof *ev->boxes) < 0) {
		free(b);
		return bx_err(err, ENOMEM, "watch box %s", id);
	}
	b->cls = c;
	snprintf(b->id, sizeof b->id, "%s", id);
	b->cg = bx_sprintf("%s/%s/%s", ev->p->root, c->name, id);
	b->wd = -1;
	b->populated = is_new ? 0 : -1;
	b->frozen = is_new ? 0 : -1;
	for (size_t i = 0; i < NMEV; i++)
		b->mev[i] = is_new ? 0 : -1;
	b->pids_max = is_new ? 0 : -1;
	for (int f = 0; f < F_N; f++) {
		b->fd[f] = -1;
		b->srcs[f] = (src){ b, f };
	}
	if (!b->cg) {
		free(b);
		return bx_err(err, ENOMEM, "watch box %s", id);
	}
	ev->boxes[ev->nboxes++] = b;
	if (ev->fs->dirmode) {
		/* plain files cannot be polled: their writes are the events */
		b->wd = add_watch(ev, b->cg, IN_CLOSE_WRITE | IN_MOVED_TO, c);
	} else {
		int dfd = -1;
		bx_error *e = NULL;
		if (bx_cgfs_open_dir(ev->fs, b->cg, &dfd, &e) < 0) {
			bx_error_free(e);
			b->dead = true; /* gone already */
			return 0;
		}
		for (int f = 0; f < F_N; f++) {
			int fd = openat(dfd, fnames[f],
					(f == F_PSI ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			if (fd < 0)
				continue; /* controller not enabled in this box */
			if (f == F_PSI && write(fd, PSI_TRIGGER, sizeof PSI_TRIGGER) < 0) {
				close(fd); /* no PSI, or not allowed: no pressure events */
				continue;
			}
			struct epoll_event ee = { .events = EPOLLPRI, .data.ptr = &b->srcs[f] };
			if (epoll_ctl(ev->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
				int en = errno;
				close(fd);
				close(dfd);
				return bx_err(err, en, "watch %s/%s", b->cg, fnames[f]);
			}
			b->fd[f] = fd;
		}
		close(dfd);
	}
	if (is_new) {
		bx_events_counters(ev->fs, b->cg, &b->last);
		if (emit(ev, b, BX_EV_CREATED, -1, 0) < 0)
			return bx_err(err, ENOMEM, "watch box %s", id);
	}
	for (int f = F_CGROUP; f <= F_PIDS; f++)
		if (refresh(ev, b, f, !is_new) < 0)
			return bx_err(err, ENOMEM, "watch box %s", id);
	if (!is_new)
		bx_events_counters(ev->fs, b->cg, &b->last);
	return 0;
}

static int drop_box(bx_events *ev, box *b)
{
	if (b->dead)
		return 0;
	box_close_fds(ev, b);
	b->dead = true;
	return emit(ev, b, BX_EV_DELETED, -1, 0);
}

/* Watch a class slice and the boxes in it. */
static int add_slice(bx_events *ev, const bx_class *c, bool is_new, bx_error **err)
{
	cleanup_free char *slice = bx_sprintf("%s/%s", ev->p->root, c->name);
	if (!slice)
		return bx_err(err, ENOMEM, "watch class %s", c->name);
	if (add_watch(ev, slice, IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO, c) < 0) {
		if (errno == ENOENT)
			return 0;
		return bx_err(err, errno, "watch %s", slice);
	}
	char **kids;
	size_t nk;
	if (bx_cgfs_children(ev->fs, slice, &kids, &nk, err) < 0)
		return -1;
	int r = 0;
	for (size_t k = 0; k < nk && r == 0; k++)
		r = add_box(ev, c, kids[k], is_new, err);
	bx_strv_free(kids, nk);
	return r;
}

int bx_events_open(bx_cgfs *fs, const bx_policy *p, bx_events **out, bx_error **err)
{
	*out = NULL;
	bx_events *ev = calloc(1, sizeof *ev);
	if (!ev)
		return bx_err(err, ENOMEM, "events");
	ev->fs = fs;
	ev->p = p;
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	ev->infd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ev->epfd < 0 || ev->infd < 0) {
		int e = errno;
		bx_events_close(ev);
		return bx_err(err, e, "events: %s", ev->epfd < 0 ? "epoll" : "inotify");
	}
	ev->insrc = (src){ NULL, -1 };
	struct epoll_event ee = { .events = EPOLLIN, .data.ptr = &ev->insrc };
	if (epoll_ctl(ev->epfd, EPOLL_CTL_ADD, ev->infd, &ee) < 0) {
		int e = errno;
		bx_events_close(ev);
		return bx_err(err, e, "events: epoll");
	}
	if (add_watch(ev, p->root, IN_CREATE | IN_MOVED_TO, NULL) < 0) {
		int e = errno;
		bx_events_close(ev);
		if (e == ENOENT)
			return bx_err(err, e, "watch %s: the policy root does not exist yet (boxcg apply)",
				      p->root);
		return bx_err(err, e, "watch %s", p->root);
	}
	for (size_t i = 0; i < p->nclasses; i++)
		if (add_slice(ev, &p->classes[i], false, err) < 0) {
			bx_events_close(ev);
			return -1;
		}
	ev->nout = 0; /* no events for what was there */
	*out = ev;
	return 0;
}

int bx_events_fd(const bx_events *ev) { return ev->epfd; }

size_t bx_events_nboxes(const bx_events *ev)
{
	size_t n = 0;
	for (size_t i = 0; i < ev->nboxes; i++)
		n += !ev->boxes[i]->dead;
	return n;
}

static const watch *find_watch(bx_events *ev, int wd)
{
	for (size_t i = ev->nwatches; i-- > 0;)
		if (ev->watches[i].wd == wd)
			return &ev->watches[i];
	return NULL;
}

static box *box_by_wd(bx_events *ev, int wd)
{
	for (size_t i = 0; i < ev->nboxes; i++)
		if (!ev->boxes[i]->dead && ev->boxes[i]->wd == wd)
			return ev->boxes[i];
	return NULL;
}

static int one_inotify(bx_events *ev, const struct inotify_event *ie, bx_error **err)
{
	if (ie->mask & IN_Q_OVERFLOW)
		return 0;
	const char *name = ie->len ? ie->name : "";
	box *b = ev->fs->dirmode ? box_by_wd(ev, ie->wd) : NULL;
	if (b) {
		if (ie->mask & (IN_DELETE_SELF | IN_IGNORED))
			return 0;
		for (int f = F_CGROUP; f <= F_PSI; f++)
			if (strcmp(name, fnames[f]) == 0)
				return refresh(ev, b, f, false) < 0 ? bx_err(err, ENOMEM, "events") : 0;
		return 0;
	}
	const watch *w = find_watch(ev, ie->wd);
	if (!w || !*name)
		return 0;
	if (!w->cls) { /* the root: a class slice appeared */
		const bx_class *c = bx_policy_class(ev->p, name);
		return c && (ie->mask & (IN_CREATE | IN_MOVED_TO)) ? add_slice(ev, c, true, err) : 0;
	}
	const bx_class *c = w->cls;
	if (ie->mask & (IN_CREATE | IN_MOVED_TO))
		return add_box(ev, c, name, true, err);
	if (ie->mask & (IN_DELETE | IN_MOVED_FROM)) {
		box *gone = find_box(ev, c, name);
		if (gone && drop_box(ev, gone) < 0)
			return bx_err(err, ENOMEM, "events");
	}
	return 0;
}

static int drain_inotify(bx_events *ev, bx_error **err)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(ev->infd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return bx_err(err, errno, "events: read inotify");
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;
			if (one_inotify(ev, ie, err) < 0)
				return -1;
			p += sizeof *ie + ie->len;
		}
	}
}

static void reap(bx_events *ev)
{
	size_t k = 0;
	for (size_t i = 0; i < ev->nboxes; i++) {
		box *b = ev->boxes[i];
		if (b->dead) {
			box_close_fds(ev, b);
			free(b->cg);
			free(b);
		} else {
			ev->boxes[k++] = b;
		}
	}
	ev->nboxes = k;
}

int bx_events_read(bx_events *ev, const bx_event **v, size_t *n, bx_error **err)
{
	ev->nout = 0;
	struct epoll_event evs[64];
	int r = 0;
	int k = epoll_wait(ev->epfd, evs, 64, 0);
	if (k < 0 && errno != EINTR)
		return bx_err(err, errno, "events: epoll_wait");
	for (int i = 0; i < k && r == 0; i++) {
		src *s = evs[i].data.ptr;
		if (!s->b) {
			r = drain_inotify(ev, err);
			continue;
		}
		box *b = s->b;
		if (b->dead)
			continue;
		/* A removed cgroup's files report an error forever: stop
		 * watching it (inotify says `deleted`, or we do if it does not). */
		if (s->file == F_PSI) {
			int ex = bx_cgfs_exists(ev->fs, b->cg, err);
			if (ex < 0) {
				r = -1;
				continue;
			}
			r = (ex ? refresh(ev, b, F_PSI, false) : drop_box(ev, b)) < 0
				    ? bx_err(err, ENOMEM, "events")
				    : 0;
			continue;
		}
		cleanup_free char *t = NULL;
		bx_error *e = NULL;
		if (bx_fd_read_all(b->fd[s->file], &t, &e) < 0) {
			bx_error_free(e);
			r = drop_box(ev, b) < 0 ? bx_err(err, ENOMEM, "events") : 0;
			continue;
		}
		r = refresh(ev, b, s->file, false) < 0 ? bx_err(err, ENOMEM, "events") : 0;
	}
	reap(ev);
	*v = ev->out;
	*n = r < 0 ? 0 : ev->nout;
	return r;
}

void bx_events_close(bx_events *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->nboxes; i++)
		ev->boxes[i]->dead = true;
	reap(ev);
	free(ev->boxes);
	free(ev->watches);
	free(ev->out);
	if (ev->infd >= 0)
		close(ev->infd);
	if (ev->epfd >= 0)
		close(ev->epfd);
	free(ev);
}
