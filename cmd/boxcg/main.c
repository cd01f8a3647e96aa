/* boxcg: declarative cgroup v2 box classes. The driver: global options,
 * then dispatch to a registered subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

extern const cli_command __start_boxcg_cmds[] __attribute__((weak));
extern const cli_command __stop_boxcg_cmds[] __attribute__((weak));

/* Commands in a stable order for --help: the linker keeps them in link
 * order, which is file order; sort by name for a predictable listing. */
static int cmp_cmd(const void *a, const void *b)
{
	const cli_command *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static size_t command_list(const cli_command **out, size_t max)
{
	size_t n = 0;
	for (const cli_command *c = __start_boxcg_cmds; c < __stop_boxcg_cmds && n < max; c++)
		out[n++] = c;
	qsort(out, n, sizeof *out, cmp_cmd);
	return n;
}

static void print_help(FILE *f)
{
	fprintf(f,
		"Usage: boxcg [GLOBAL] COMMAND [ARGS]\n"
		"\n"
		"Declare cgroup v2 box classes in YAML; validate, plan and apply them as\n"
		"one transaction; create, run and delete boxes.\n"
		"\n"
		"Commands:\n");
	const cli_command *cmds[64];
	size_t n = command_list(cmds, 64);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-10s %s\n      %s\n", cmds[i]->name, cmds[i]->usage, cmds[i]->summary);
	fprintf(f,
		"\n"
		"Global options:\n"
		"  --root DIR       cgroup2 mount or delegated subtree to act on; a plain\n"
		"                   directory selects directory mode (tests, demos)\n"
		"  --state-dir DIR  where the lock and the journal live (default %s;\n"
		"                   for non-root users $XDG_RUNTIME_DIR/boxcg)\n"
		"  --no-color       never color output (also NO_COLOR)\n"
		"  -q, --quiet      print less\n"
		"  -v, --verbose    print more\n"
		"  --version        print the version\n"
		"  -h, --help       print this help\n"
		"\n"
		"POLICY is a file or a directory of *.yaml/*.yml; with none, %s is read.\n"
		"Exit status: 0 ok (no changes); 1 error or rolled-back apply; 2 changes\n"
		"present (plan --detailed-exitcode, diff); 3 rollback failed, run\n"
		"`boxcg recover`.\n",
		BX_DEFAULT_STATE_DIR, BX_DEFAULT_POLICY);
}

/* Find the command named by argv[0] (and argv[1] for two-word commands
 * such as "box create"). Sets *words to how many argv entries it used. */
static const cli_command *find_command(int argc, char **argv, int *words)
{
	const cli_command *cmds[64];
	size_t n = command_list(cmds, 64);
	for (size_t i = 0; i < n; i++) {
		const char *name = cmds[i]->name;
		const char *sp = strchr(name, ' ');
		if (!sp && strcmp(name, argv[0]) == 0) {
			*words = 1;
			return cmds[i];
		}
		if (sp && argc > 1 && strncmp(name, argv[0], (size_t)(sp - name)) == 0 &&
		    argv[0][sp - name] == '\0' && strcmp(sp + 1, argv[1]) == 0) {
			*words = 2;
			return cmds[i];
		}
	}
	return NULL;
}

/* The state dir when --state-dir is not given: /run/boxcg for root; for
 * other users their runtime dir ($XDG_RUNTIME_DIR/boxcg), as systemd --user
 * does, since /run/boxcg belongs to root. */
static const char *default_state_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() != 0 && xdg && xdg[0] == '/') {
		int n = snprintf(buf, len, "%s/boxcg", xdg);
		if (n > 0 && (size_t)n < len)
			return buf;
	}
	/* Outside a session (runuser, cron, a system unit) XDG_RUNTIME_DIR
	 * is unset, but the user's runtime dir exists while their user
	 * manager runs: the same state dir as inside the session. */
	struct stat st;
	if (geteuid() != 0 && !xdg && snprintf(buf, len, "/run/user/%u", (unsigned)geteuid()) > 0 &&
	    stat(buf, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid()) {
		size_t n = strlen(buf);
		if (snprintf(buf + n, len - n, "/boxcg") > 0)
			return buf;
	}
	return BX_DEFAULT_STATE_DIR;
}

int main(int argc, char **argv)
{
	char state_buf[4096];
	cli c = {
		.state_dir = default_state_dir(state_buf, sizeof state_buf),
		.prog = "boxcg",
	};
	bool no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");

	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int o;
	/* "+" stops at the first non-option: the command name. */
	while ((o = getopt_long(argc, argv, "+qvh", opts, NULL)) != -1) {
		switch (o) {
		case 'r': c.root = optarg; break;
		case 's': c.state_dir = optarg; break;
		case 'C': no_color = true; break;
		case 'q': c.quiet = true; break;
		case 'v': c.verbose++; break;
		case 'V': printf("boxcg %s\n", BOXCG_VERSION); return BX_EXIT_OK;
		case 'h': print_help(stdout); return BX_EXIT_OK;
		default:
			fprintf(stderr, "Try 'boxcg --help'.\n");
			return BX_EXIT_ERROR;
		}
	}
	c.color = !no_color && isatty(STDOUT_FILENO);
	c.color_err = !no_color && isatty(STDERR_FILENO);

	if (optind >= argc) {
		print_help(stderr);
		return BX_EXIT_ERROR;
	}
	int words = 0;
	const cli_command *cmd = find_command(argc - optind, argv + optind, &words);
	if (!cmd) {
		fprintf(stderr, "boxcg: unknown command '%s'\nTry 'boxcg --help'.\n", argv[optind]);
		return BX_EXIT_ERROR;
	}
	/* The command sees its own name as argv[0]. */
	int sub_argc = argc - optind - (words - 1);
	char **sub_argv = argv + optind + (words - 1);
	optind = 0; /* full getopt reset for the subcommand */
	return cmd->run(&c, sub_argc, sub_argv);
}
