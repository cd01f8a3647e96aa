/* boxcg help [COMMAND] | boxcg help --table
 *
 * The help of boxcg, of a group ("box") or of one command ("plan",
 * "box create"): the same text as `boxcg COMMAND --help`, generated from
 * the command table. --table prints the table itself, tab-separated, for
 * the man page and completion tests and for other tools. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int run_help(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "table", no_argument, NULL, 't' },
		{ 0 },
	};
	bool table = false;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 't': table = true; break;
		default: return cli_usage(c, "help", "unknown option");
		}
	}
	if (table) {
		if (optind < argc)
			return cli_usage(c, "help", "--table takes no COMMAND");
		cli_print_table(stdout);
		return BX_EXIT_OK;
	}
	if (optind >= argc) {
		cli_print_help(stdout);
		return BX_EXIT_OK;
	}
	if (argc - optind > 2)
		return cli_usage(c, "help", "one COMMAND, of one or two words");
	const char *const words[2] = { argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL };
	const cli_command *cmd = NULL;
	size_t used = 0;
	if (cli_find_command(words, (size_t)(argc - optind), &cmd, &used) < 0)
		return BX_EXIT_ERROR;
	if (used < (size_t)(argc - optind) && cmd)
		return cli_usage(c, "help", "'%s' has no subcommand '%s'", words[0], words[1]);
	if (cmd)
		cli_print_command_help(stdout, cmd);
	else
		cli_print_group_help(stdout, words[0]);
	return BX_EXIT_OK;
}

static const cli_opt help_opts[] = {
	{ "table", 0, NULL, "print the command table, tab-separated (for tools and tests)" },
	{ 0 },
};

BX_COMMAND(help, "help", "[--table] [COMMAND]",
	   "print the help of boxcg or of one command (the same as `boxcg COMMAND --help`)",
	   run_help, .opts = help_opts,
	   .details = "--table prints one line per command (NAME, \"=\", USAGE, SUMMARY) and one "
		      "per option (COMMAND, OPTION, ARGUMENT, HELP); the global options under the "
		      "command \"-\".");
