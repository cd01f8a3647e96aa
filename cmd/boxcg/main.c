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

/* The command's first word ("box" of "box create") is a group when no
 * command has it as its whole name. */
static bool is_group(const char *word)
{
	const cli_command *cmds[128];
	size_t n = cli_commands(cmds, 128), len = strlen(word);
	for (size_t i = 0; i < n; i++)
		if (strncmp(cmds[i]->name, word, len) == 0 && cmds[i]->name[len] == ' ')
			return true;
	return false;
}

static const cli_command *find_name(const char *name)
{
	const cli_command *cmds[128];
	size_t n = cli_commands(cmds, 128);
	for (size_t i = 0; i < n; i++)
		if (strcmp(cmds[i]->name, name) == 0)
			return cmds[i];
	return NULL;
}

/* "did you mean" among the command names (first words, or the
 * subcommands of `group`). */
static const char *suggest_command(const char *group, const char *word)
{
	const cli_command *cmds[128];
	const char *names[128];
	size_t n = cli_commands(cmds, 128), k = 0, glen = group ? strlen(group) : 0;
	static char first[128][32];
	for (size_t i = 0; i < n; i++) {
		const char *name = cmds[i]->name;
		if (group) {
			if (strncmp(name, group, glen) == 0 && name[glen] == ' ')
				names[k++] = name + glen + 1;
			continue;
		}
		size_t w = strcspn(name, " ");
		if (w >= sizeof first[0] || (k && strlen(names[k - 1]) == w &&
					     strncmp(names[k - 1], name, w) == 0))
			continue;
		memcpy(first[k], name, w);
		first[k][w] = '\0';
		names[k] = first[k];
		k++;
	}
	return cli_suggest(word, names, k);
}

int cli_find_command(const char *const *words, size_t nwords, const cli_command **out,
		     size_t *used)
{
	*out = NULL;
	*used = 0;
	if (nwords == 0)
		return -1;
	if (!is_group(words[0])) {
		const char *hint = suggest_command(NULL, words[0]);
		if (!(*out = find_name(words[0]))) {
			fprintf(stderr, "boxcg: unknown command '%s'%s%s%s\nTry 'boxcg --help'.\n",
				words[0], hint ? " (did you mean '" : "", hint ? hint : "",
				hint ? "'?)" : "");
			return -1;
		}
		*used = 1;
		return 0;
	}
	if (nwords < 2 || words[1][0] == '-') {
		*used = 1; /* a group alone: the caller prints its help */
		return 0;
	}
	char name[256];
	snprintf(name, sizeof name, "%s %s", words[0], words[1]);
	if (!(*out = find_name(name))) {
		const char *hint = suggest_command(words[0], words[1]);
		fprintf(stderr, "boxcg: unknown command '%s'%s%s%s%s%s\nTry 'boxcg %s --help'.\n",
			name, hint ? " (did you mean '" : "", hint ? words[0] : "", hint ? " " : "",
			hint ? hint : "", hint ? "'?)" : "", words[0]);
		return -1;
	}
	*used = 2;
	return 0;
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

/* How one option word is read: a global option (applied to `c`), one of
 * the command's (passed on), or neither. */
typedef struct args {
	cli *c;
	bool *no_color;
	bool help, version;
	const cli_command *cmd; /* NULL before the command */
	char **out;             /* what the command's getopt sees */
	int nout;
} args;

static const cli_opt *find_long(const cli_opt *opts, const char *name, size_t len, bool exact,
				int *matches, const cli_opt **first)
{
	for (const cli_opt *o = opts; o && o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o;
		if (!exact) {
			(*matches)++;
			if (!*first)
				*first = o;
		}
	}
	return NULL;
}

static const cli_opt *find_short(const cli_opt *opts, char ch)
{
	for (const cli_opt *o = opts; o && o->name; o++)
		if (o->short_name == ch)
			return o;
	return NULL;
}

static const cli_opt help_opt = { "help", 'h', NULL, "print this help" };

/* Apply a global option; `val` is its argument or NULL. */
static void set_global(args *a, const cli_opt *o, const char *val)
{
	if (strcmp(o->name, "root") == 0)
		a->c->root = val;
	else if (strcmp(o->name, "state-dir") == 0)
		a->c->state_dir = val;
	else if (strcmp(o->name, "no-color") == 0)
		*a->no_color = true;
	else if (strcmp(o->name, "quiet") == 0)
		a->c->quiet = true;
	else if (strcmp(o->name, "verbose") == 0)
		a->c->verbose++;
	else if (strcmp(o->name, "version") == 0)
		a->version = true;
	else if (strcmp(o->name, "help") == 0)
		a->help = true;
}

static int bad_option(const args *a, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad_option(const args *a, const char *hint, const char *fmt, ...)
{
	const char *who = a->cmd ? a->cmd->name : NULL;
	fprintf(stderr, "boxcg%s%s: ", who ? " " : "", who ? who : "");
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (hint)
		fprintf(stderr, " (did you mean '--%s'?)", hint);
	fprintf(stderr, "\nTry 'boxcg%s%s --help'.\n", who ? " " : "", who ? who : "");
	return BX_EXIT_ERROR;
}

/* A "--name[=value]" word at argv[*i]. Returns -1 when read, else the
 * exit status (the problem printed). */
static int long_option(args *a, int argc, char **argv, int *i)
{
	const char *word = argv[*i], *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const cli_opt *cmd_opts = a->cmd ? a->cmd->opts : NULL;
	bool checked = !a->cmd || cmd_opts || a->cmd->no_options;
	int matches = 0;
	const cli_opt *first = NULL, *o;
	bool global = false;
	if ((o = find_long(cmd_opts, name, len, true, &matches, &first)) ||
	    (a->cmd && len == 4 && strncmp(name, "help", 4) == 0 && (o = &help_opt, global = true)))
		;
	else if ((o = find_long(cli_global_opts, name, len, true, &matches, &first)))
		global = true;
	else if (!checked) {
		a->out[a->nout++] = argv[*i]; /* the command's getopt decides */
		return -1;
	} else {
		/* A unique prefix, as getopt_long allows. */
		matches = 0;
		first = NULL;
		find_long(cmd_opts, name, len, false, &matches, &first);
		const cli_opt *cmd_first = first;
		find_long(cli_global_opts, name, len, false, &matches, &first);
		if (matches == 1 && len) {
			o = first;
			global = o != cmd_first;
		} else {
			char opt[128];
			snprintf(opt, sizeof opt, "--%.*s", (int)(len < 100 ? len : 100), name);
			if (matches > 1 && len) {
				char all[512] = "";
				for (int pass = 0; pass < 2; pass++)
					for (const cli_opt *x = pass ? cli_global_opts : cmd_opts; x && x->name;
					     x++)
						if (strncmp(x->name, name, len) == 0 &&
						    strlen(all) + strlen(x->name) + 5 < sizeof all)
							strcat(strcat(strcat(all, *all ? ", " : ""), "--"),
							       x->name);
				return bad_option(a, NULL, "option '%s' is ambiguous: %s", opt, all);
			}
			const char *names[128];
			size_t k = 0;
			for (const cli_opt *x = cmd_opts; x && x->name && k < 100; x++)
				names[k++] = x->name;
			for (const cli_opt *x = cli_global_opts; x->name && k < 127; x++)
				names[k++] = x->name;
			char bare[128];
			snprintf(bare, sizeof bare, "%.*s", (int)(len < 100 ? len : 100), name);
			return bad_option(a, cli_suggest(bare, names, k), "unknown option '%s'", opt);
		}
	}
	const char *val = NULL;
	if (o->arg) {
		if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return bad_option(a, NULL, "option '--%s' needs an argument", o->name);
	} else if (eq) {
		return bad_option(a, NULL, "option '--%s' takes no argument", o->name);
	}
	if (global) {
		set_global(a, o, val);
		return -1;
	}
	/* The command's own option, spelled out in full for its getopt. */
	a->out[a->nout++] = argv[*i - (o->arg && !eq ? 1 : 0)];
	if (o->arg && !eq)
		a->out[a->nout++] = argv[*i];
	return -1;
}

/* A "-abc" cluster at argv[*i]: global letters are taken out, the
 * command's passed on. */
static int short_options(args *a, int argc, char **argv, int *i, char *keep)
{
	const char *word = argv[*i];
	const cli_opt *cmd_opts = a->cmd ? a->cmd->opts : NULL;
	bool checked = !a->cmd || cmd_opts || a->cmd->no_options;
	size_t k = 0;
	keep[k++] = '-';
	bool need_arg = false;
	for (const char *p = word + 1; *p; p++) {
		const cli_opt *o = find_short(cmd_opts, *p);
		if (o) {
			keep[k++] = *p;
			if (o->arg) {
				if (p[1]) {
					strcpy(keep + k, p + 1);
					k += strlen(p + 1);
				} else {
					need_arg = true;
				}
				break;
			}
			continue;
		}
		if (*p == 'h' && a->cmd) {
			a->help = true;
			continue;
		}
		if ((o = find_short(cli_global_opts, *p)) && !o->arg) {
			set_global(a, o, NULL);
			continue;
		}
		if (!checked) {
			keep[k++] = *p;
			continue;
		}
		char opt[3] = { '-', *p, '\0' };
		return bad_option(a, NULL, "unknown option '%s'", opt);
	}
	keep[k] = '\0';
	if (k > 1)
		a->out[a->nout++] = keep;
	if (need_arg) {
		if (*i + 1 >= argc)
			return bad_option(a, NULL, "option '%s' needs an argument", word);
		a->out[a->nout++] = argv[++*i];
	}
	return -1;
}

int main(int argc, char **argv)
{
	char state_buf[4096];
	cli c = {
		.state_dir = default_state_dir(state_buf, sizeof state_buf),
		.prog = "boxcg",
	};
	bool no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");
	char **out = calloc((size_t)argc + 1, sizeof *out);
	/* Rewritten short clusters live here: at most argc of them. */
	size_t total = 0;
	for (int j = 0; j < argc; j++)
		total += strlen(argv[j]) + 2;
	char *keep_base = calloc(total, 1), *keep = keep_base;
	if (!out || !keep) {
		fprintf(stderr, "boxcg: out of memory\n");
		return BX_EXIT_ERROR;
	}
	args a = { .c = &c, .no_color = &no_color, .out = out };
	int status = -1, i = 1;

	/* Global options, then the command's words. */
	const char *words[2];
	size_t nwords = 0;
	for (; i < argc && nwords == 0; i++) {
		const char *w = argv[i];
		if (strcmp(w, "--") == 0) {
			if (i + 1 < argc)
				words[nwords++] = argv[++i];
		} else if (w[0] == '-' && w[1] == '-') {
			status = long_option(&a, argc, argv, &i);
		} else if (w[0] == '-' && w[1]) {
			status = short_options(&a, argc, argv, &i, keep);
			keep += strlen(keep) + 1;
		} else {
			words[nwords++] = w;
		}
		if (status >= 0)
			goto out;
	}
	if (a.version) {
		printf("boxcg %s\n", BOXCG_VERSION);
		status = BX_EXIT_OK;
		goto out;
	}
	if (!nwords) {
		cli_print_help(a.help ? stdout : stderr);
		status = a.help ? BX_EXIT_OK : BX_EXIT_ERROR;
		goto out;
	}
	if (i < argc && argv[i][0] != '-')
		words[nwords++] = argv[i];
	size_t used = 0;
	if (cli_find_command(words, nwords, &a.cmd, &used) < 0) {
		status = BX_EXIT_ERROR;
		goto out;
	}
	i += (int)used - 1;
	if (!a.cmd) {
		/* A group ("box") without its subcommand. */
		bool help = a.help;
		for (int j = i; j < argc && !help; j++)
			help = strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0;
		if (help) {
			cli_print_group_help(stdout, words[0]);
			status = BX_EXIT_OK;
		} else {
			fprintf(stderr, "boxcg %s: missing command\n", words[0]);
			cli_print_group_help(stderr, words[0]);
			status = BX_EXIT_ERROR;
		}
		goto out;
	}
	/* The command sees its own name as argv[0], then its words with
	 * the global options taken out ("--" and all after it untouched). */
	a.out[a.nout++] = argv[i - 1];
	a.help = false;
	for (; i < argc; i++) {
		const char *w = argv[i];
		if (strcmp(w, "--") == 0) {
			while (i < argc)
				a.out[a.nout++] = argv[i++];
			break;
		}
		if (w[0] == '-' && w[1] == '-')
			status = long_option(&a, argc, argv, &i);
		else if (w[0] == '-' && w[1]) {
			status = short_options(&a, argc, argv, &i, keep);
			keep += strlen(keep) + 1;
		} else
			a.out[a.nout++] = argv[i];
		if (status >= 0)
			goto out;
	}
	if (a.help) {
		cli_print_command_help(stdout, a.cmd);
		status = BX_EXIT_OK;
		goto out;
	}
	if (a.version) {
		printf("boxcg %s\n", BOXCG_VERSION);
		status = BX_EXIT_OK;
		goto out;
	}
	c.color = !no_color && isatty(STDOUT_FILENO);
	c.color_err = !no_color && isatty(STDERR_FILENO);
	optind = 0; /* full getopt reset for the command */
	status = a.cmd->run(&c, a.nout, a.out);
out:
	free(out);
	free(keep_base);
	return status;
}
