/* boxcg recover
 *
 * Roll back the transaction a crash (or a failed rollback) left in the
 * journal of the state directory, verify every restored value, and remove
 * the journal. With no journal it says so and succeeds: running it twice
 * is harmless. Exit 0 recovered or nothing to do; 3 something could not
 * be restored (the journal is kept; fix the cause and run it again). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "cli.h"

static void esc_all(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *s = cli_esc(v[i]);
		if (s) {
			free(v[i]);
			v[i] = s;
		}
	}
}

static int run_recover(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lock-timeout", required_argument, NULL, 't' },
		{ 0 },
	};
	bx_apply_opts o = { .state_dir = c->state_dir };
	bx_error *err = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (bx_parse_seconds(optarg, &o.lock_timeout, &err) < 0) {
				int s = cli_usage(c, "recover", "--lock-timeout: %s", err->msg);
				bx_error_free(err);
				return s;
			}
			if (o.lock_timeout == 0)
				o.lock_timeout = -1;
			break;
		default:
			return cli_usage(c, "recover", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage(c, "recover", "unexpected argument '%s'", argv[optind]);
	if (bx_apply_test_hooks(&o, cli_test_env("BOXCG_TEST_FAULT_AT"), cli_test_env("BOXCG_TEST_KILL_AT"),
				&err) < 0)
		return cli_fail(c, err);

	bx_recover_result r;
	int rc = bx_recover_with(&o, &r, &err);
	/* What the journal names is outside text: escaped before it is shown. */
	esc_all(r.vanished, r.nvanished);
	esc_all(r.unrestored, r.nunrestored);
	esc_all(&r.base, r.base ? 1 : 0);
	for (size_t i = 0; i < r.nvanished; i++)
		fprintf(stderr,
			"boxcg: %swarning:%s %s no longer exists (removed after the transaction was "
			"interrupted): nothing is left there to restore; its records were skipped\n",
			cli_color(c->color_err, CLI_YELLOW), cli_color(c->color_err, CLI_RESET),
			*r.vanished[i] ? r.vanished[i] : "(base)");
	if (rc < 0) {
		int status = r.had_journal ? BX_EXIT_ROLLBACK_FAILED : BX_EXIT_ERROR;
		cli_fail(c, err);
		if (r.nunrestored) {
			fprintf(stderr, "Not restored:\n");
			for (size_t i = 0; i < r.nunrestored; i++)
				fprintf(stderr, "  %s\n", r.unrestored[i]);
		}
		if (r.had_journal)
			fprintf(stderr,
				"The journal %s/" BX_JOURNAL_NAME " is kept: fix the cause and run "
				"`boxcg recover` again.\n",
				o.state_dir);
		bx_recover_result_free(&r);
		return status;
	}
	if (!r.had_journal)
		printf("No journal in %s: there is nothing to recover.\n", o.state_dir);
	else if (!r.base)
		printf("The journal in %s held no transaction (it was cut short before its first "
		       "change): removed.\n",
		       o.state_dir);
	else if (r.other_boot)
		printf("The journal in %s is from before the last reboot: the cgroup tree of %s it "
		       "would restore went with that boot; nothing replayed, journal removed.\n",
		       o.state_dir, r.base);
	else
	{
		char skipped[96] = "";
		if (r.skipped)
			snprintf(skipped, sizeof skipped, " (%zu skipped: %s)", r.skipped,
				 r.nvanished == 1 ? "its cgroup is gone" : "their cgroups are gone");
		printf("Recovered: rolled back %zu %s of the interrupted transaction on %s%s%s; every "
		       "restored value reads back as before; journal removed.\n",
		       r.records - r.skipped, r.records - r.skipped == 1 ? "step" : "steps", r.base,
		       skipped,
		       r.torn ? " (its last, torn record was dropped: that step had not started)" : "");
	}
	bx_recover_result_free(&r);
	return BX_EXIT_OK;
}

static const cli_opt recover_opts[] = {
	{ "lock-timeout", 0, "DUR", "how long to wait for another boxcg (default 30s)" },
	{ 0 },
};

BX_COMMAND(recover, "recover", "[--lock-timeout DUR]",
	   "roll back a transaction an interrupted apply left open", run_recover,
	   .opts = recover_opts,
	   .details = "Roll back the transaction an interrupted `boxcg apply` left in the journal "
		      "of the state directory (--state-dir, default " BX_DEFAULT_STATE_DIR ").");
