/* timeit: time whole processes, several commands interleaved.
 *
 *   timeit [-n RUNS] [-w WARMUP] [-t TIMEOUT] GROUP [::: GROUP]...
 *   GROUP = [--label L] [--setup SH] [--cleanup SH] [--status N] [--out FILE]
 *           PROG [ARG]...
 *
 * Each round runs every group once, in order: its --setup (a /bin/sh
 * command, not timed, must exit 0), then PROG itself, timed with
 * CLOCK_MONOTONIC around fork/exec/wait4, then its --cleanup (not timed).
 * Interleaving the groups means a burst of load from elsewhere on the
 * machine hits the tool and its floor alike. The first WARMUP rounds
 * (default 1) are not counted; RUNS rounds (default 7) are.
 *
 * PROG runs with stdin and stdout on /dev/null (--out FILE: stdout to
 * FILE), stderr captured; its exit status must be N (default 0), or timeit
 * prints what it wrote on stderr and fails. TIMEOUT (seconds, default 120)
 * is an alarm() that survives exec, so it costs the timed process nothing.
 *
 * Output, one line per group:
 *   LABEL runs=R min_ms=… median_ms=… max_ms=… cpu_median_ms=… maxrss_kib=…
 * where maxrss_kib is the largest ru_maxrss of PROG over all rounds.
 * Exit 0, or 1 when a command failed (its line then says status=…). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct group {
	const char *label, *setup, *cleanup, *out;
	int status;
	char **argv;
	double *wall, *cpu; /* ms, per counted run */
	long maxrss;
	char failed[160];
} group;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int shell(const char *what, const char *cmd)
{
	if (!cmd)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "timeit: %s failed: %s\n", what, cmd);
		return -1;
	}
	return 0;
}

static void dump_stderr(int fd)
{
	char buf[4096];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	size_t total = 0;
	while ((n = read(fd, buf, sizeof buf)) > 0 && total < 16384) {
		fwrite(buf, 1, (size_t)n, stderr);
		total += (size_t)n;
	}
}

/* Run the group's command once; returns 0 and the times, or -1 with
 * g->failed set. */
static int run_once(group *g, unsigned timeout, double *wall, double *cpu, long *rss)
{
	int errfd = memfd_create("timeit-stderr", MFD_CLOEXEC);
	if (errfd < 0) {
		snprintf(g->failed, sizeof g->failed, "memfd_create: %s", strerror(errno));
		return -1;
	}
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = g->out ? open(g->out, O_WRONLY | O_CREAT | O_TRUNC, 0644)
				 : open("/dev/null", O_WRONLY);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
			_exit(126);
		alarm(timeout);
		execvp(g->argv[0], g->argv);
		fprintf(stderr, "exec %s: %s\n", g->argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		close(errfd);
		snprintf(g->failed, sizeof g->failed, "fork: %s", strerror(errno));
		return -1;
	}
	int st;
	struct rusage ru;
	pid_t w;
	while ((w = wait4(pid, &st, 0, &ru)) < 0 && errno == EINTR)
		;
	double t1 = now_ms();
	if (w < 0) {
		close(errfd);
		snprintf(g->failed, sizeof g->failed, "wait4: %s", strerror(errno));
		return -1;
	}
	if (WIFSIGNALED(st)) {
		snprintf(g->failed, sizeof g->failed, "killed by signal %d%s", WTERMSIG(st),
			 WTERMSIG(st) == SIGALRM ? " (timeout)" : "");
	} else if (WEXITSTATUS(st) != g->status) {
		snprintf(g->failed, sizeof g->failed, "exit %d, want %d", WEXITSTATUS(st),
			 g->status);
	}
	if (g->failed[0]) {
		fprintf(stderr, "timeit: %s: %s; its stderr:\n", g->label, g->failed);
		dump_stderr(errfd);
		close(errfd);
		return -1;
	}
	close(errfd);
	*wall = t1 - t0;
	*cpu = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
	*rss = ru.ru_maxrss;
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: timeit [-n RUNS] [-w WARMUP] [-t TIMEOUT] GROUP [::: GROUP]...\n"
		"  GROUP = [--label L] [--setup SH] [--cleanup SH] [--status N] [--out FILE]\n"
		"          PROG [ARG]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	int runs = 7, warmup = 1;
	unsigned timeout = 120;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] && !argv[i][2]; i += 2) {
		int v = atoi(argv[i + 1]);
		switch (argv[i][1]) {
		case 'n': runs = v; break;
		case 'w': warmup = v; break;
		case 't': timeout = (unsigned)v; break;
		default: return usage();
		}
	}
	if (runs < 1 || warmup < 0 || i >= argc)
		return usage();

	group gs[16];
	int ng = 0;
	while (i < argc) {
		if (ng == 16)
			return usage();
		group *g = &gs[ng];
		memset(g, 0, sizeof *g);
		g->label = NULL;
		for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
			if (strcmp(argv[i], "--label") == 0)
				g->label = argv[i + 1];
			else if (strcmp(argv[i], "--setup") == 0)
				g->setup = argv[i + 1];
			else if (strcmp(argv[i], "--cleanup") == 0)
				g->cleanup = argv[i + 1];
			else if (strcmp(argv[i], "--status") == 0)
				g->status = atoi(argv[i + 1]);
			else if (strcmp(argv[i], "--out") == 0)
				g->out = argv[i + 1];
			else
				return usage();
		}
		if (i >= argc || strcmp(argv[i], ":::") == 0)
			return usage();
		g->argv = &argv[i];
		while (i < argc && strcmp(argv[i], ":::") != 0)
			i++;
		if (i < argc)
			argv[i++] = NULL; /* terminate this group's argv */
		if (!g->label)
			g->label = g->argv[0];
		g->wall = calloc((size_t)runs, sizeof *g->wall);
		g->cpu = calloc((size_t)runs, sizeof *g->cpu);
		if (!g->wall || !g->cpu)
			return 1;
		ng++;
	}

	int rc = 0;
	for (int r = 0; r < warmup + runs; r++) {
		for (int k = 0; k < ng; k++) {
			group *g = &gs[k];
			double wall = 0, cpu = 0;
			long rss = 0;
			if (g->failed[0])
				continue;
			if (shell("setup", g->setup) < 0) {
				snprintf(g->failed, sizeof g->failed, "setup failed");
				rc = 1;
				continue;
			}
			if (run_once(g, timeout, &wall, &cpu, &rss) < 0)
				rc = 1;
			if (shell("cleanup", g->cleanup) < 0 && !g->failed[0]) {
				snprintf(g->failed, sizeof g->failed, "cleanup failed");
				rc = 1;
			}
			if (g->failed[0])
				continue;
			if (rss > g->maxrss)
				g->maxrss = rss;
			if (r >= warmup) {
				g->wall[r - warmup] = wall;
				g->cpu[r - warmup] = cpu;
			}
		}
	}

	for (int k = 0; k < ng; k++) {
		group *g = &gs[k];
		if (g->failed[0]) {
			printf("%s status=failed reason=\"%s\"\n", g->label, g->failed);
			continue;
		}
		double mn = g->wall[0], mx = g->wall[0];
		for (int r = 1; r < runs; r++) {
			mn = g->wall[r] < mn ? g->wall[r] : mn;
			mx = g->wall[r] > mx ? g->wall[r] : mx;
		}
		printf("%s runs=%d min_ms=%.3f median_ms=%.3f max_ms=%.3f cpu_median_ms=%.3f "
		       "maxrss_kib=%ld\n",
		       g->label, runs, mn, median(g->wall, runs), mx, median(g->cpu, runs),
		       g->maxrss);
	}
	for (int k = 0; k < ng; k++) {
		free(gs[k].wall);
		free(gs[k].cpu);
	}
	return rc;
}
