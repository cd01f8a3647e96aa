/* boxcg events [--json] [--count N] POLICY...
 *
 * A stream of box events as they happen (lib/events): oom and oom_kill,
 * memory.high and memory.max breaches, pids.max refusals,
 * populated/empty, frozen/thawed, created/deleted, memory pressure. One
 * line per event, flushed; with --json one JSON object per line. The
 * command sleeps in poll() on the event descriptor and a signalfd: it
 * uses no CPU while nothing happens. "Watching N boxes under ROOT." goes
 * to stderr once it is watching (unless -q). SIGINT/SIGTERM end it with
 * status 0; --count N ends it after N events. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cmd_box.h"
#include "core/util.h"
#include "event_fmt.h"
#include "events/events.h"

static int print_events(const bx_event *v, size_t n, bool json, long *left)
{
	for (size_t i = 0; i < n && *left != 0; i++) {
		if (json) {
			json_t *o = event_json(&v[i]);
			char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
							  JSON_REAL_PRECISION(6))
				    : NULL;
			json_decref(o);
			if (!s)
				return -1;
			puts(s);
			free(s);
		} else {
			event_print_text(stdout, &v[i]);
		}
		if (*left > 0)
			(*left)--;
	}
	fflush(stdout);
	return 0;
}

static int stream(cli *c, box_ctx *bc, bool json, long count)
{
	bx_error *err = NULL;
	bx_events *ev;
	if (bx_events_open(bc->fs, bc->policy, &ev, &err) < 0)
		return cli_fail(c, err);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		bx_err(&err, errno, "signalfd");
		bx_events_close(ev);
		return cli_fail(c, err);
	}
	if (!c->quiet)
		fprintf(stderr, "Watching %zu %s under %s.\n", bx_events_nboxes(ev),
			bx_events_nboxes(ev) == 1 ? "box" : "boxes", bc->policy->root);
	int status = BX_EXIT_OK;
	long left = count;
	while (left != 0) {
		struct pollfd pf[2] = { { bx_events_fd(ev), POLLIN, 0 }, { sfd, POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			bx_err(&err, errno, "poll");
			status = cli_fail(c, err);
			break;
		}
		if (pf[1].revents)
			break;
		const bx_event *v;
		size_t n;
		if (bx_events_read(ev, &v, &n, &err) < 0) {
			status = cli_fail(c, err);
			break;
		}
		if (print_events(v, n, json, &left) < 0) {
			bx_err(&err, ENOMEM, "out of memory while writing JSON");
			status = cli_fail(c, err);
			break;
		}
	}
	close(sfd);
	bx_events_close(ev);
	return status;
}

static int run_events(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	long count = -1;
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			json = true;
			break;
		case 'n': {
			char *end;
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || count < 1)
				return cli_usage(c, "events", "--count %s: want a positive number", optarg);
			break;
		}
		case 'h':
			printf("Usage: boxcg events [--json] [--count N] POLICY...\n"
			       "Print box events as they happen: created, deleted, populated, empty,\n"
			       "frozen, thawed, memory_high, memory_max, oom, oom_kill, oom_group_kill,\n"
			       "pids_max, memory_pressure; each with its time, class, box and counters.\n"
			       "--count N stops after N events; SIGINT or SIGTERM stops it.\n");
			return BX_EXIT_OK;
		default:
			return cli_usage(c, "events", "unknown option");
		}
	}
	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	status = stream(c, &bc, json, count);
	box_close(&bc);
	return status;
}

static const cli_opt events_opts[] = {
	{ "json", 0, NULL, "one JSON object per line" },
	{ "count", 0, "N", "end after N events" },
	{ 0 },
};

BX_COMMAND(events, "events", "[--json] [--count N] POLICY...",
	   "stream box events: oom kills, limit hits, populated/empty, created/deleted",
	   run_events, .opts = events_opts);
