/* The command table: every command registered with BX_COMMAND(), its
 * options (cli_opt), and what is generated from them: the top-level help,
 * each command's --help, a group's help ("box"), the tab-separated table
 * the man page and completion tests read, and "did you mean". */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "policy/names.h"

extern const cli_command __start_boxcg_cmds[] __attribute__((weak));
extern const cli_command __stop_boxcg_cmds[] __attribute__((weak));

const cli_opt cli_global_opts[] = {
	{ "root", 0, "DIR",
	  "cgroup2 mount or delegated subtree to act on; a plain directory selects directory "
	  "mode (tests, demos)" },
	{ "state-dir", 0, "DIR",
	  "where the lock and the journal live (default " BX_DEFAULT_STATE_DIR
	  "; for non-root users $XDG_RUNTIME_DIR/boxcg)" },
	{ "no-color", 0, NULL, "never color output (also NO_COLOR)" },
	{ "quiet", 'q', NULL, "print less" },
	{ "verbose", 'v', NULL, "print more" },
	{ "version", 0, NULL, "print the version" },
	{ "help", 'h', NULL, "print the help (of a command when it follows one)" },
	{ 0 },
};

/* The linker keeps commands in link order; sort by name for a stable
 * listing. */
static int cmp_cmd(const void *a, const void *b)
{
	const cli_command *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

size_t cli_commands(const cli_command **out, size_t max)
{
	size_t n = 0;
	for (const cli_command *c = __start_boxcg_cmds; c < __stop_boxcg_cmds && n < max; c++)
		out[n++] = c;
	qsort(out, n, sizeof *out, cmp_cmd);
	return n;
}

const char *cli_suggest(const char *word, const char *const *names, size_t n)
{
	return bx_suggest_list(word, names, n);
}

/* Print `text` word-wrapped to 79 columns: the first line after `first`
 * (already `col` columns wide), the others indented by `indent`. */
static void wrap(FILE *f, size_t col, size_t indent, const char *text)
{
	const size_t width = 79;
	bool line_start = true;
	while (*text) {
		while (*text == ' ')
			text++;
		size_t w = strcspn(text, " ");
		/* "[--state SNAPSHOT]" stays on one line */
		if (*text == '[') {
			int depth = 0;
			size_t k = 0;
			for (; text[k]; k++) {
				depth += text[k] == '[';
				depth -= text[k] == ']';
				if (!depth && (text[k + 1] == ' ' || !text[k + 1]))
					break;
			}
			if (text[k] && k + 1 <= 60)
				w = k + 1;
		}
		if (!w)
			break;
		if (!line_start && col + 1 + w > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)w, text);
		col += w;
		text += w;
		line_start = false;
	}
	fputc('\n', f);
}

/* "  -o, --out PLANFILE" padded to 24 columns, then the help wrapped. */
static void print_opt(FILE *f, const cli_opt *o)
{
	char head[128];
	snprintf(head, sizeof head, "  %c%c%s--%s%s%s", o->short_name ? '-' : ' ',
		 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
		 o->arg ? " " : "", o->arg ? o->arg : "");
	size_t len = strlen(head);
	if (len >= 24) {
		fprintf(f, "%s\n%24s", head, "");
	} else {
		fprintf(f, "%-24s", head);
	}
	wrap(f, 24, 24, o->help);
}

static void print_sentence(FILE *f, const char *s)
{
	size_t n = strlen(s);
	char *t = malloc(n + 2);
	if (!t)
		return;
	memcpy(t, s, n + 1);
	t[0] = (char)toupper((unsigned char)t[0]);
	if (n && t[n - 1] != '.')
		memcpy(t + n, ".", 2);
	wrap(f, 0, 0, t);
	free(t);
}

void cli_print_command_help(FILE *f, const cli_command *cmd)
{
	char head[128];
	snprintf(head, sizeof head, "Usage: boxcg %s", cmd->name);
	fputs(head, f);
	if (*cmd->usage) {
		fputc(' ', f);
		wrap(f, strlen(head) + 1, strlen(head) + 1, cmd->usage);
	} else {
		fputc('\n', f);
	}
	print_sentence(f, cmd->summary);
	fputs("\nOptions:\n", f);
	for (const cli_opt *o = cmd->opts; o && o->name; o++)
		print_opt(f, o);
	print_opt(f, &(cli_opt){ "help", 'h', NULL, "print this help" });
	if (cmd->details) {
		fputc('\n', f);
		/* Paragraphs are separated by "\n"; each is wrapped. */
		for (const char *p = cmd->details; *p;) {
			size_t n = strcspn(p, "\n");
			char *para = strndup(p, n);
			if (para) {
				wrap(f, 0, 0, para);
				free(para);
			}
			p += n + (p[n] == '\n');
		}
	}
	fputs("\nGlobal options, before or after the command: --root DIR, --state-dir DIR,\n"
	      "--no-color, -q, -v (see `boxcg --help`).\n",
	      f);
}

void cli_print_group_help(FILE *f, const char *group)
{
	const cli_command *cmds[128];
	size_t n = cli_commands(cmds, 128), glen = strlen(group);
	fprintf(f, "Usage: boxcg %s COMMAND [ARGS]\n\nCommands:\n", group);
	for (size_t i = 0; i < n; i++) {
		if (strncmp(cmds[i]->name, group, glen) != 0 || cmds[i]->name[glen] != ' ')
			continue;
		fprintf(f, "  %s %s\n      ", cmds[i]->name, cmds[i]->usage);
		wrap(f, 6, 6, cmds[i]->summary);
	}
	fprintf(f, "\n`boxcg %s COMMAND --help` describes one.\n", group);
}

void cli_print_help(FILE *f)
{
	fputs("Usage: boxcg [GLOBAL] COMMAND [ARGS] [GLOBAL]\n"
	      "\n"
	      "Declare cgroup v2 box classes in YAML; validate, plan and apply them as\n"
	      "one transaction; create, run and delete boxes.\n"
	      "\n"
	      "Commands:\n",
	      f);
	const cli_command *cmds[128];
	size_t n = cli_commands(cmds, 128);
	for (size_t i = 0; i < n; i++) {
		char head[160];
		snprintf(head, sizeof head, "  %s%s", cmds[i]->name, *cmds[i]->usage ? " " : "");
		fputs(head, f);
		wrap(f, strlen(head), 6, cmds[i]->usage);
		fputs("      ", f);
		wrap(f, 6, 6, cmds[i]->summary);
	}
	fputs("\nGlobal options (before or after the command):\n", f);
	for (const cli_opt *o = cli_global_opts; o->name; o++)
		print_opt(f, o);
	fprintf(f,
		"\n"
		"`boxcg help COMMAND` or `boxcg COMMAND --help` describes one command.\n"
		"POLICY is a file or a directory of *.yaml/*.yml; with none, %s is read.\n"
		"Exit status: 0 ok (no changes); 1 error or rolled-back apply; 2 changes\n"
		"present (plan --detailed-exitcode, diff); 3 rollback failed, run\n"
		"`boxcg recover`.\n",
		BX_DEFAULT_POLICY);
}

static void table_opt(FILE *f, const char *cmd, const cli_opt *o)
{
	fprintf(f, "%s\t--%s\t%s\t%s\n", cmd, o->name, o->arg ? o->arg : "", o->help);
	if (o->short_name)
		fprintf(f, "%s\t-%c\t%s\t%s\n", cmd, o->short_name, o->arg ? o->arg : "", o->help);
}

/* COMMAND <tab> OPTION <tab> ARG <tab> HELP, one line per option and one
 * "COMMAND <tab> = <tab> USAGE <tab> SUMMARY" per command; the global
 * options under the command name "-". A command registered without an
 * options table shows "?" in the option column. */
void cli_print_table(FILE *f)
{
	for (const cli_opt *o = cli_global_opts; o->name; o++)
		table_opt(f, "-", o);
	const cli_command *cmds[128];
	size_t n = cli_commands(cmds, 128);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s\t=\t%s\t%s\n", cmds[i]->name, cmds[i]->usage, cmds[i]->summary);
		if (!cmds[i]->opts && !cmds[i]->no_options)
			fprintf(f, "%s\t?\t\t(no options table)\n", cmds[i]->name);
		for (const cli_opt *o = cmds[i]->opts; o && o->name; o++)
			table_opt(f, cmds[i]->name, o);
		table_opt(f, cmds[i]->name, &(cli_opt){ "help", 'h', NULL, "print this help" });
	}
}
