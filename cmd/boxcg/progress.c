/* The progress line of long transactions (progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

#define PROGRESS_DELAY_MS 250 /* a transaction shorter than this shows none */
#define PROGRESS_EVERY_MS 100 /* at most ten updates a second */

static long ms_since(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

void cli_progress_init(cli_progress *p, const cli *c, const char *verb)
{
	*p = (cli_progress){ .on = !c->quiet && isatty(STDERR_FILENO), .verb = verb,
			     .delay_ms = PROGRESS_DELAY_MS };
	/* test builds: BOXCG_TEST_PROGRESS_DELAY=MS (0: from the first step) */
	const char *d = cli_test_env("BOXCG_TEST_PROGRESS_DELAY");
	if (d && *d)
		p->delay_ms = atol(d);
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void cli_progress_step(void *ctx, size_t done, size_t total)
{
	cli_progress *p = ctx;
	if (!p->on)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ms_since(&p->start, &now) < p->delay_ms)
		return;
	if (p->shown && ms_since(&p->last, &now) < PROGRESS_EVERY_MS)
		return;
	p->last = now;
	p->shown = true;
	/* "\033[K": nothing of a longer earlier line stays behind */
	fprintf(stderr, "\r%s: %zu of %zu steps (%zu%%)\033[K", p->verb, done, total,
		total ? done * 100 / total : 100);
	fflush(stderr);
}

void cli_progress_clear(cli_progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = false;
}
