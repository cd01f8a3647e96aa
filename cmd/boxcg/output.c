/* Output helpers shared by every subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "core/util.h"

const char *cli_color(bool on, const char *code) { return on ? code : ""; }

char *cli_esc(const char *s)
{
	if (!s)
		return NULL;
	bx_buf b = {0};
	bx_buf_add(&b, "", 0);
	for (;;) {
		const char *nl = strchr(s, '\n');
		char *line = nl ? strndup(s, (size_t)(nl - s)) : strdup(s);
		char *safe = line ? bx_esc_ctl(line) : NULL;
		free(line);
		if (!safe) {
			bx_buf_free(&b);
			return NULL;
		}
		bx_buf_puts(&b, safe);
		free(safe);
		if (!nl)
			break;
		bx_buf_puts(&b, "\n");
		s = nl + 1;
	}
	return bx_buf_take(&b);
}

int cli_fail(cli *c, bx_error *e)
{
	const char *red = cli_color(c->color_err, CLI_RED), *off = cli_color(c->color_err, CLI_RESET);
	for (bx_error *x = e; x; x = x->also) {
		/* Messages carry outside text (ids, names, file names, values):
		 * escaped as the diagnostics are; their own line breaks stay. */
		char *safe = cli_esc(x->msg ? x->msg : "unknown error");
		fprintf(stderr, "boxcg: %serror:%s %s\n", red, off, safe ? safe : "out of memory");
		free(safe);
	}
	bx_error_free(e);
	return BX_EXIT_ERROR;
}

int cli_usage(cli *c, const char *cmd, const char *fmt, ...)
{
	(void)c;
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	char *safe = n < 0 ? NULL : cli_esc(msg);
	fprintf(stderr, "boxcg %s: %s\nTry 'boxcg %s --help'.\n", cmd, safe ? safe : "out of memory", cmd);
	free(safe);
	free(msg);
	return BX_EXIT_ERROR;
}

void cli_print_diags(cli *c, bx_diags *d)
{
	bx_diags_sort(d);
	for (size_t i = 0; i < d->n; i++) {
		char *raw = bx_diag_format(&d->v[i]);
		/* File names come from outside: no raw control characters. */
		char *line = raw ? cli_esc(raw) : NULL;
		free(raw);
		if (!line)
			continue;
		if (c->color_err) {
			/* Color only the severity word. */
			const char *word = d->v[i].sev == BX_SEV_ERROR ? "error:" : "warning:";
			const char *col = d->v[i].sev == BX_SEV_ERROR ? CLI_RED : CLI_YELLOW;
			char *at = strstr(line, word);
			if (at) {
				fprintf(stderr, "%.*s%s%s%s%s%s\n", (int)(at - line), line, CLI_BOLD, col, word,
					CLI_RESET, at + strlen(word));
				free(line);
				continue;
			}
		}
		fprintf(stderr, "%s\n", line);
		free(line);
	}
	if (d->dropped)
		fprintf(stderr, "boxcg: %zu more %s not shown (the first %d are kept)\n", d->dropped,
			d->dropped == 1 ? "problem" : "problems", BX_DIAGS_MAX);
}

unsigned cli_columns(void)
{
	const char *e = getenv("COLUMNS");
	if (e && *e) {
		char *end;
		long n = strtol(e, &end, 10);
		if (!*end && n > 0 && n <= 65535)
			return (unsigned)n;
	}
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

const char *cli_cwd(void)
{
	static char *cwd;
	static bool tried;
	if (!tried) {
		tried = true;
		cwd = getcwd(NULL, 0);
		if (cwd && cwd[0] != '/') { /* "(unreachable)/…" */
			free(cwd);
			cwd = NULL;
		}
	}
	return cwd;
}
