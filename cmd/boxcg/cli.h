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

/* One option of a command: the table --help, the man page check, the
 * bash completion check and the driver's option checks all read. The
 * command still parses its options with getopt_long; the eco tests fail
 * when the two disagree (docs/ARCHITECTURE.md, "Adding a command"). */
typedef struct cli_opt {
	const char *name;      /* long name without "--": "out" */
	char short_name;       /* 'o', or 0 */
	const char *arg;       /* its argument ("PLANFILE"), NULL when it takes none */
	const char *help;      /* one line for --help */
} cli_opt;

typedef struct cli_command {
	const char *name;      /* "validate", or "box create" */
	const char *usage;     /* "[--json] POLICY..." */
	const char *summary;   /* one line for --help */
	int (*run)(cli *c, int argc, char **argv); /* argv[0] is the command name */
	/* Optional, by designator after `fn` in BX_COMMAND: */
	const cli_opt *opts;   /* its options, ended by { 0 }; -h/--help is implied */
	const char *details;   /* more lines for `--help` (operands, exit status) */
	bool no_options;       /* it takes no option at all (opts can then be NULL) */
} cli_command;

/* Register a command:
 *   static const cli_opt plan_opts[] = { { "json", 0, NULL, "one JSON document" }, { 0 } };
 *   BX_COMMAND(plan, "plan", "[--json] POLICY...", "show what apply would change",
 *              run_plan, .opts = plan_opts, .details = "With no POLICY, /etc/boxcg is read.");
 * A command without .opts (and without .no_options) still runs, but gets
 * no option checks and fails tests/eco/test_cli_table.sh. */
#define BX_COMMAND(id, name_, usage_, summary_, fn, ...)                              \
	static const cli_command cli_cmd_##id                                          \
		__attribute__((used, section("boxcg_cmds"), aligned(sizeof(void *)))) = { \
			name_, usage_, summary_, fn, __VA_ARGS__}

/* The global options, accepted before or after the command. */
extern const cli_opt cli_global_opts[];

/* Every registered command, sorted by name; returns how many (≤ max). */
size_t cli_commands(const cli_command **out, size_t max);
/* --help of one command, generated from its table. */
void cli_print_command_help(FILE *f, const cli_command *cmd);
/* --help of a group ("box"): its subcommands. */
void cli_print_group_help(FILE *f, const char *group);
/* The top-level --help. */
void cli_print_help(FILE *f);
/* The whole table, tab-separated, for tools and tests (`boxcg help --table`). */
void cli_print_table(FILE *f);
/* Find the command `words` name ("plan", or "box" "create"); sets *used
 * to how many words it took. A group alone ("box") gives *out NULL and
 * *used 1. -1 (and "unknown command … did you mean", printed) when there
 * is none. */
int cli_find_command(const char *const *words, size_t nwords, const cli_command **out,
		     size_t *used);
/* The closest of `n` names to `word`, or NULL ("did you mean"). */
const char *cli_suggest(const char *word, const char *const *names, size_t n);

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

/* The width text on standard output should fit, as git and systemd find
 * it: $COLUMNS when it is a positive number, else the terminal's width
 * (TIOCGWINSZ) when standard output is one, else 80. */
unsigned cli_columns(void);
/* The current directory (absolute), for showing policy files relative
 * to it; NULL when it cannot be found. Cached. */
const char *cli_cwd(void);

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
