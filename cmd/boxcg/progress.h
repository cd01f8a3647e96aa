/* A progress line for long transactions: on standard error, only when
 * it is a terminal, only once the transaction has run a while (short
 * ones stay quiet), at most ten updates a second, one carriage-returned
 * line that is cleared at the end. Never in JSON or in output that is
 * not a terminal: those get the same text with or without it. */
#ifndef BX_CLI_PROGRESS_H
#define BX_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct cli_progress {
	bool on;                 /* stderr is a terminal and not -q */
	bool shown;              /* a line is on the screen */
	const char *verb;        /* "Applying" */
	struct timespec start, last;
	long delay_ms;           /* quiet this long first */
} cli_progress;

struct cli;
void cli_progress_init(cli_progress *p, const struct cli *c, const char *verb);
/* bx_apply_opts.progress: ctx is the cli_progress. */
void cli_progress_step(void *ctx, size_t done, size_t total);
/* Take the line away (before anything else goes to the terminal). */
void cli_progress_clear(cli_progress *p);

#endif
