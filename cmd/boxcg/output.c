/* Output helpers shared by every subcommand. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_color(bool on, const char *code) { return on ? code : ""; }

int cli_fail(cli *c, bx_error *e)
{
	const char *red = cli_color(c->color_err, CLI_RED), *off = cli_color(c->color_err, CLI_RESET);
	for (bx_error *x = e; x; x = x->also)
		fprintf(stderr, "boxcg: %serror:%s %s\n", red, off, x->msg ? x->msg : "unknown error");
	bx_error_free(e);
	return BX_EXIT_ERROR;
}

int cli_usage(cli *c, const char *cmd, const char *fmt, ...)
{
	(void)c;
	va_list ap;
	fprintf(stderr, "boxcg %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'boxcg %s --help'.\n", cmd);
	return BX_EXIT_ERROR;
}

void cli_print_diags(cli *c, bx_diags *d)
{
	bx_diags_sort(d);
	for (size_t i = 0; i < d->n; i++) {
		char *line = bx_diag_format(&d->v[i]);
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
}
