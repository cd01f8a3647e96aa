/* boxcg top [--delay DUR] [--iterations N] [--batch] POLICY...
 *
 * A live view in the manner of systemd-cgtop: one line per class slice
 * and box with its tasks, CPU share since the last refresh, memory
 * against its limit, OOM kills and memory pressure, sorted by CPU (key
 * c) or memory (key m); q quits. It redraws in place (cursor home, each
 * line overwritten and cleared to its end, the rest of the screen
 * cleared), so nothing flickers, in 79 columns. A key redraws at once
 * from the last sample; a new sample is taken every --delay (1s).
 * --batch prints plain frames one after another (no terminal control),
 * for scripts; --iterations N stops after N samples. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd_box.h"
#include "core/util.h"
#include "stats/stats.h"
#include "units.h"

enum sort_key { SORT_CPU, SORT_MEMORY };

typedef struct row {
	char name[140];
	int64_t tasks, cpu_usage, mem, mem_max, oom, psi;
	double cpu_pct; /* < 0: no earlier sample */
} row;

typedef struct view {
	row *rows;
	size_t n;
	enum sort_key sort;
	int64_t at_ns;
} view;

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A new sample; CPU shares from the difference with the previous one. */
static int sample(box_ctx *bc, view *v, bx_error **err)
{
	bx_stats_set set;
	if (bx_stats_collect(bc->fs, bc->policy, NULL, 0, &set, err) < 0)
		return -1;
	int64_t now = mono_ns();
	row *rows = calloc(set.n ? set.n : 1, sizeof *rows);
	if (!rows) {
		bx_stats_set_free(&set);
		return bx_err(err, ENOMEM, "top");
	}
	for (size_t i = 0; i < set.n; i++) {
		const bx_stats_entry *e = &set.v[i];
		row *r = &rows[i];
		if (e->box)
			snprintf(r->name, sizeof r->name, "%s/%s", e->class_name, e->box);
		else
			snprintf(r->name, sizeof r->name, "%s", e->class_name);
		r->tasks = e->st.pids_current;
		r->cpu_usage = e->st.cpu_usage_usec;
		r->mem = e->st.mem_current;
		r->mem_max = e->st.mem_max;
		r->oom = e->st.mem_events[BX_MEV_OOM_KILL];
		r->psi = e->st.psi[BX_PSI_MEMORY].some.avg10;
		r->cpu_pct = -1;
		for (size_t k = 0; k < v->n; k++)
			if (strcmp(v->rows[k].name, r->name) == 0 && r->cpu_usage >= 0 &&
			    v->rows[k].cpu_usage >= 0 && now > v->at_ns) {
				double d = (double)(r->cpu_usage - v->rows[k].cpu_usage);
				r->cpu_pct = d < 0 ? 0 : d * 1000.0 * 100.0 / (double)(now - v->at_ns);
				break;
			}
	}
	size_t n = set.n;
	bx_stats_set_free(&set);
	free(v->rows);
	v->rows = rows;
	v->n = n;
	v->at_ns = now;
	return 0;
}

static enum sort_key g_sort;

/* Larger first; the CPU key is the share, or the total CPU time on the
 * first sample; ties (and missing figures) by name. */
static int cmp_rows(const void *pa, const void *pb)
{
	const row *a = pa, *b = pb;
	double ka, kb;
	if (g_sort == SORT_MEMORY) {
		ka = (double)a->mem, kb = (double)b->mem;
	} else if (a->cpu_pct >= 0 || b->cpu_pct >= 0) {
		ka = a->cpu_pct, kb = b->cpu_pct;
	} else {
		ka = (double)a->cpu_usage, kb = (double)b->cpu_usage;
	}
	if (ka != kb)
		return ka < kb ? 1 : -1;
	return strcmp(a->name, b->name);
}

/* One frame. tty: home the cursor, overwrite each line and clear its
 * end, clear below the last; else plain lines and a blank line. */
static void draw(view *v, bool tty, int height)
{
	g_sort = v->sort;
	qsort(v->rows, v->n, sizeof *v->rows, cmp_rows);
	const char *eol = tty ? "\033[K\n" : "\n";
	size_t boxes = 0;
	for (size_t i = 0; i < v->n; i++)
		boxes += strchr(v->rows[i].name, '/') != NULL;
	if (tty)
		fputs("\033[H", stdout);
	printf("boxcg top: %zu %s, %zu class %s; sorted by %s (c cpu, m memory, q quit)%s", boxes,
	       boxes == 1 ? "box" : "boxes", v->n - boxes, v->n - boxes == 1 ? "slice" : "slices",
	       v->sort == SORT_CPU ? "cpu" : "memory", eol);
	printf("%-27s %6s %7s %10s %9s %6s %8s%s", "CGROUP", "TASKS", "%CPU", "MEMORY", "MAX",
	       "OOM", "MEM-PSI", eol);
	int left = tty ? height - 3 : (int)v->n;
	for (size_t i = 0; i < v->n && left > 0; i++, left--) {
		const row *r = &v->rows[i];
		units_buf t, m, x, o, p;
		char cpu[16];
		if (r->cpu_pct < 0)
			snprintf(cpu, sizeof cpu, "-");
		else
			snprintf(cpu, sizeof cpu, "%.1f", r->cpu_pct);
		char name[28];
		size_t nl = strlen(r->name);
		if (nl > 27) /* keep the end: the box id */
			snprintf(name, sizeof name, "~%s", r->name + nl - 26);
		else
			snprintf(name, sizeof name, "%s", r->name);
		printf("%-27s %6s %7s %10s %9s %6s %8s%s", name, units_int(&t, r->tasks), cpu,
		       units_bytes(&m, r->mem), units_bytes(&x, r->mem_max), units_int(&o, r->oom),
		       units_pct(&p, r->psi), eol);
	}
	if (tty)
		fputs("\033[J", stdout);
	else
		putchar('\n');
	fflush(stdout);
}

static int term_height(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 3)
		return ws.ws_row;
	return 24;
}

static int run_loop(cli *c, box_ctx *bc, int delay_ms, long iterations, bool batch)
{
	bool tty = !batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (!batch && !tty)
		batch = true;
	struct termios saved, raw;
	bool restored = true;
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		restored = false;
		fputs("\033[?25l\033[H\033[2J", stdout); /* hide the cursor, clear once */
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	view v = { .sort = SORT_CPU };
	bx_error *err = NULL;
	int status = BX_EXIT_OK;
	long taken = 0;
	int64_t next = 0;
	for (;;) {
		if (mono_ns() >= next) {
			if (iterations >= 0 && taken >= iterations)
				break;
			if (sample(bc, &v, &err) < 0) {
				status = -1;
				break;
			}
			taken++;
			next = mono_ns() + (int64_t)delay_ms * 1000000;
			draw(&v, tty, term_height());
			if (iterations >= 0 && taken >= iterations)
				break;
		}
		int64_t wait = (next - mono_ns()) / 1000000;
		struct pollfd pf[2] = { { sfd, POLLIN, 0 }, { tty ? STDIN_FILENO : -1, POLLIN, 0 } };
		int r = poll(pf, 2, wait < 0 ? 0 : (int)wait);
		if (r < 0 && errno != EINTR) {
			bx_err(&err, errno, "poll");
			status = -1;
			break;
		}
		if (r > 0 && pf[0].revents)
			break;
		if (r > 0 && pf[1].revents) {
			char ch;
			if (read(STDIN_FILENO, &ch, 1) != 1 || ch == 'q' || ch == 'Q')
				break;
			if (ch == 'c' || ch == 'C' || ch == 'm' || ch == 'M') {
				v.sort = (ch == 'm' || ch == 'M') ? SORT_MEMORY : SORT_CPU;
				draw(&v, tty, term_height());
			}
		}
	}
	if (!restored) {
		fputs("\033[?25h", stdout);
		fflush(stdout);
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	}
	if (sfd >= 0)
		close(sfd);
	free(v.rows);
	return status < 0 ? cli_fail(c, err) : status;
}

static int run_top(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "batch", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int delay_ms = 1000, s;
	long iterations = -1;
	bool batch = false;
	int o;
	while ((o = getopt_long(argc, argv, "d:n:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			if ((s = box_parse_timeout(c, "top", optarg, &delay_ms)) >= 0)
				return s;
			if (delay_ms < 50)
				return cli_usage(c, "top", "--delay %s: at least 50ms", optarg);
			break;
		case 'n': {
			char *end;
			errno = 0;
			iterations = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || iterations < 1)
				return cli_usage(c, "top", "--iterations %s: want a positive number", optarg);
			break;
		}
		case 'b':
			batch = true;
			break;
		case 'h':
			printf("Usage: boxcg top [--delay DUR] [--iterations N] [--batch] POLICY...\n"
			       "A live view of the class slices and boxes: tasks, CPU share, memory\n"
			       "against its limit, OOM kills, memory pressure. Keys: c sort by cpu,\n"
			       "m sort by memory, q quit. --batch prints plain frames.\n");
			return BX_EXIT_OK;
		default:
			return cli_usage(c, "top", "unknown option");
		}
	}
	box_ctx bc;
	int status = box_open(c, argv + optind, argc - optind, &bc);
	if (status >= 0)
		return status;
	status = run_loop(c, &bc, delay_ms, iterations, batch);
	box_close(&bc);
	return status;
}

static const cli_opt top_opts[] = {
	{ "delay", 'd', "DUR", "time between samples (default 1s, at least 50ms)" },
	{ "iterations", 'n', "N", "stop after N samples" },
	{ "batch", 0, NULL, "plain frames, no terminal control" },
	{ 0 },
};

BX_COMMAND(top, "top", "[--delay DUR] [--iterations N] [--batch] POLICY...",
	   "a live view of boxes and class slices, sorted by cpu or memory", run_top,
	   .opts = top_opts,
	   .details = "Keys: c sorts by CPU share, m by memory, q quits.");
