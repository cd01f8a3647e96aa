/* The boxcg command line: global options, the command registry, and the
 * helpers every subcommand shares for output and exit codes.
 *
 * A subcommand lives in its own file and registers itself with
 * BX_COMMAND(); main.c finds every registered command through the linker
 * section, so adding a command touches no other file. */
#ifndef BX_CLI_H
#define BX_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/err.h"

/* Exit status, the same for every command (docs: cli.md). */
enum {
	BX_EXIT_OK = 0,
	BX_EXIT_ERROR = 1,      /* invalid policy, bad usage, apply rolled back */
	BX_EXIT_CHANGES = 2,    /* plan --detailed-exitcode / diff: changes present */
	BX_EXIT_ROLLBACK_FAILED = 3, /* journal kept; `boxcg recover` next */
};

typedef struct cli {
	const char *root;      /* --root DIR, NULL = discover */
	const char *state_dir; /* --state-dir DIR */
	bool color;            /* stdout is a terminal and color is not disabled */
	bool color_err;        /* the same for stderr */
	bool quiet;            /* -q */
	int verbose;           /* -v, repeatable */
	const char *prog;      /* argv[0] as typed */
} cli;

typedef struct cli_command {
	const char *name;      /* "validate", or "box create" */
	const char *usage;     /* "[--json] POLICY..." */
	const char *summary;   /* one line for --help */
	int (*run)(cli *c, int argc, char **argv); /* argv[0] is the command name */
} cli_command;

#define BX_COMMAND(id, name_, usage_, summary_, fn)                                  \
	static const cli_command cli_cmd_##id                                          \
		__attribute__((used, section("boxcg_cmds"), aligned(sizeof(void *)))) = { \
			name_, usage_, summary_, fn}

/* Print an error (and any error attached to it) to stderr as
 * "boxcg: error: …"; frees it. Returns BX_EXIT_ERROR. */
int cli_fail(cli *c, bx_error *e);
/* Print a usage error for a command. Returns BX_EXIT_ERROR. */
int cli_usage(cli *c, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Print diagnostics to stderr, one per line, sorted; colored on a tty. */
void cli_print_diags(cli *c, bx_diags *d);
/* Default policy location when none is given. */
#define BX_DEFAULT_POLICY "/etc/boxcg"
#define BX_DEFAULT_STATE_DIR "/run/boxcg"

/* ANSI color helpers: return "" when color is off. */
const char *cli_color(bool on, const char *code);
#define CLI_RED "\033[31m"
#define CLI_GREEN "\033[32m"
#define CLI_YELLOW "\033[33m"
#define CLI_BOLD "\033[1m"
#define CLI_RESET "\033[0m"

/* A BOXCG_TEST_* variable: its value in test builds (-DBOXCG_TEST_HOOKS,
 * test_hooks.c), always NULL in the boxcg that is installed. */
const char *cli_test_env(const char *name);
bool cli_test_hooks_built(void);

/* Outside text made safe for a terminal (bx_esc_ctl: control bytes, C1
 * controls and invalid UTF-8 as \xNN), keeping its line breaks and
 * backslashes (escapes made already stay single). Caller frees; NULL out
 * of memory. */
char *cli_esc(const char *s);

#endif
