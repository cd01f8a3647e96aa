/* cmd/boxcg box *: the CLI on directory roots, run as a program ($BOXCG,
 * set by make check-unit): usage errors and hostile arguments, exit
 * statuses, and the exact text of list and delete. */
#include "test_box_fixture.h"

#include <errno.h>
#include <sys/wait.h>

Suite *suite_box_cli(void);

typedef struct cli_run {
	int status;
	char *out, *err;
} cli_run;

static char *slurp_fd(int fd)
{
	lseek(fd, 0, SEEK_SET);
	bx_buf b = { 0 };
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		bx_buf_add(&b, chunk, (size_t)n);
	bx_buf_add(&b, "", 0);
	return bx_buf_take(&b);
}

/* Run $BOXCG --root <root> --state-dir <state> ARGS... */
static cli_run cli(bxf *f, const char *const *args)
{
	const char *bin = getenv("BOXCG");
	ck_assert_msg(bin && *bin, "BOXCG is not set: run this suite through make check-unit");
	char *argv[64];
	size_t n = 0;
	argv[n++] = (char *)bin;
	argv[n++] = "--root";
	argv[n++] = f->root;
	argv[n++] = "--state-dir";
	argv[n++] = f->state;
	for (; *args && n < 63; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	char *op = bx_sprintf("%s/out.XXXXXX", f->dir), *ep = bx_sprintf("%s/err.XXXXXX", f->dir);
	int ofd = mkstemp(op), efd = mkstemp(ep);
	ck_assert_int_ge(ofd, 0);
	ck_assert_int_ge(efd, 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		setenv("NO_COLOR", "1", 1);
		execv(bin, argv);
		_exit(99);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	cli_run r = { WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), slurp_fd(ofd), slurp_fd(efd) };
	close(ofd), close(efd);
	unlink(op), unlink(ep);
	free(op), free(ep);
	return r;
}

static void cli_free(cli_run *r)
{
	free(r->out);
	free(r->err);
}

/* Expect `status` and `needle` in stderr (NULL: anything). */
static void expect(bxf *f, int status, const char *needle, const char *const *args)
{
	cli_run r = cli(f, args);
	ck_assert_msg(r.status == status, "box %s: exit %d, want %d; stderr: %s", args[1], r.status,
		      status, r.err);
	if (needle)
		ck_assert_msg(strstr(r.err, needle), "stderr lacks \"%s\": %s", needle, r.err);
	cli_free(&r);
}
#define EXPECT(f, status, needle, ...) \
	expect(f, status, needle, (const char *const[]){ __VA_ARGS__, NULL })

static char *policy_file(bxf *f)
{
	char *p = bx_sprintf("%s/p.yaml", f->dir);
	FILE *fp = fopen(p, "w");
	fputs(BXF_POLICY, fp);
	fclose(fp);
	return p;
}

START_TEST(usage_errors_and_hostile_arguments)
{
	bxf f;
	bxf_open(&f, NULL);
	char *P = policy_file(&f);
	EXPECT(&f, 1, "missing box ID", "box", "create");
	EXPECT(&f, 1, "missing --class C", "box", "create", "b1", P);
	EXPECT(&f, 1, "unknown option", "box", "create", "b1", "--bogus", P);
	EXPECT(&f, 1, "missing box ID", "box", "exec");
	EXPECT(&f, 1, "missing -- CMD", "box", "exec", "b1", "--class", "small", P);
	EXPECT(&f, 1, "missing -- CMD", "box", "exec", "b1", "--class", "small", P, "--");
	EXPECT(&f, 1, "missing --class C", "box", "exec", "b1", P, "--", "true");
	EXPECT(&f, 1, "missing box ID and PID", "box", "attach");
	EXPECT(&f, 1, "PID must be a process id, not \"p.yaml\"", "box", "attach", "b1", "p.yaml");
	EXPECT(&f, 1, "not \"12x\"", "box", "attach", "b1", "12x", P);
	EXPECT(&f, 1, "not \"0\"", "box", "attach", "b1", "0", P);
	EXPECT(&f, 1, "not \"99999999999\"", "box", "attach", "b1", "99999999999", P);
	EXPECT(&f, 1, "not \"\"", "box", "attach", "b1", "", P);
	EXPECT(&f, 1, "missing box ID", "box", "delete");
	EXPECT(&f, 1, "--timeout", "box", "delete", "b1", "--timeout", "soon", P);
	EXPECT(&f, 1, "--timeout", "box", "delete", "b1", "--timeout", "", P);
	EXPECT(&f, 1, "unknown option", "box", "list", "--bogus", P);
	/* Ids that are not names never reach the filesystem. */
	EXPECT(&f, 1, "invalid box id \"../x\"", "box", "create", "../x", "--class", "small", P);
	EXPECT(&f, 1, "invalid box id \"a/b\"", "box", "exec", "a/b", "--class", "small", P, "--", "true");
	EXPECT(&f, 1, "invalid box id \"..\"", "box", "delete", "..", P);
	EXPECT(&f, 1, "invalid box id \".\"", "box", "attach", ".", "1", P);
	EXPECT(&f, 1, "the policy has no class \"nope\"", "box", "create", "b1", "--class", "nope", P);
	EXPECT(&f, 1, "the policy has no class \"nope\"", "box", "delete", "b1", "--class", "nope", P);
	ck_assert(!bxf_exists(&f, "boxlite"));
	/* An invalid policy: its diagnostics, then the count. */
	char *bad = bx_sprintf("%s/bad.yaml", f.dir);
	FILE *fp = fopen(bad, "w");
	fputs("version: 1\nclasses:\n  small:\n    box: { pids: { max: lots } }\n", fp);
	fclose(fp);
	EXPECT(&f, 1, "bad.yaml:4:", "box", "create", "b1", "--class", "small", bad);
	EXPECT(&f, 1, "the policy has 1 error", "box", "list", bad);
	/* Help is not an error. */
	EXPECT(&f, 0, NULL, "box", "exec", "--help");
	EXPECT(&f, 0, NULL, "box", "delete", "-h");
	free(bad), free(P);
	bxf_close(&f);
}
END_TEST

START_TEST(exit_statuses_like_a_shell)
{
	bxf f;
	bxf_open(&f, NULL);
	char *P = policy_file(&f);
	EXPECT(&f, 0, NULL, "box", "exec", "b1", "--class", "small", P, "--", "true");
	EXPECT(&f, 3, NULL, "box", "exec", "b1", "--class", "small", P, "--", "sh", "-c", "exit 3");
	EXPECT(&f, 143, NULL, "box", "exec", "b1", "--class", "small", P, "--", "sh", "-c", "kill -TERM $$");
	EXPECT(&f, 127, "bx-no-such-command: command not found", "box", "exec", "b1", "--class", "small", P,
	       "--", "bx-no-such-command");
	EXPECT(&f, 126, "Permission denied", "box", "exec", "b1", "--class", "small", P, "--", P);
	/* Options after "--" belong to the command. */
	EXPECT(&f, 13, NULL, "box", "exec", "b1", "--class", "small", P, "--", "sh", "-c", "exit $(($# + 10))", "sh",
	       "--class", "x", "--kill");
	/* A box of another class is not borrowed. */
	EXPECT(&f, 1, "already exists in class small", "box", "exec", "b1", "--class", "big", P, "--", "true");
	/* Nothing of the runs is left in the box: delete needs no --kill. */
	EXPECT(&f, 0, NULL, "box", "delete", "b1", P);
	free(P);
	bxf_close(&f);
}
END_TEST

START_TEST(list_and_delete_text)
{
	bxf f;
	bxf_open(&f, NULL);
	char *P = policy_file(&f);
	EXPECT(&f, 0, NULL, "box", "create", "web-1", "--class", "small", P);
	EXPECT(&f, 0, NULL, "box", "create", "b", "--class", "big", P);
	bxf_put(&f, "boxlite/small/web-1/pids.current", "3\n");
	bxf_put(&f, "boxlite/small/web-1/memory.current", "1572864\n");
	bxf_put(&f, "boxlite/small/web-1/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\n");
	bxf_put(&f, "boxlite/small/web-1/memory.events", "oom 2\noom_kill 2\n");
	bxf_put(&f, "boxlite/big/b/memory.current", "512\n");
	const char *const list[] = { "box", "list", P, NULL };
	cli_run r = cli(&f, list);
	ck_assert_int_eq(r.status, 0);
	char *want = bx_sprintf("Directory mode: %s is a plain directory, not a cgroup2 filesystem.\n"
				"BOX    CLASS    PIDS      MEMORY         CPU  OOM_KILLS  STATE\n"
				"web-1  small       3      1.5MiB      2.500s          2  running\n"
				"b      big         -        512B           -          -  running\n",
				f.root);
	ck_assert_str_eq(r.out, want);
	free(want);
	cli_free(&r);
	const char *const json[] = { "box", "list", "--json", P, NULL };
	r = cli(&f, json);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"format_version\": 1"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"memory_current\": 1572864"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"cpu_usage_usec\": null"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"dirmode\": true"));
	cli_free(&r);

	bxf_put(&f, "boxlite/small/web-1/cgroup.procs", "11\n12\n");
	EXPECT(&f, 1, "2 processes in it; stop them, or delete with --kill", "box", "delete", "web-1", P);
	const char *const del[] = { "box", "delete", "web-1", "--kill", P, NULL };
	r = cli(&f, del);
	ck_assert_int_eq(r.status, 0);
	want = bx_sprintf("Directory mode: %s is a plain directory, not a cgroup2 filesystem.\n"
			  "Forgot 2 processes listed in the emulated cgroup.procs (directory mode: "
			  "nothing was signalled).\nDeleted box web-1 of class small.\n"
			  "Final counters: cpu 2.500s  memory peak 1.5MiB  oom_kills 2\n",
			  f.root);
	ck_assert_str_eq(r.out, want);
	free(want);
	cli_free(&r);
	EXPECT(&f, 1, "no box web-1 in any class", "box", "delete", "web-1", P);

	/* A static box may go, with a warning that apply brings it back. */
	EXPECT(&f, 0, NULL, "box", "create", "keeper", "--class", "big", P);
	EXPECT(&f, 0, "declared under `boxes:`", "box", "delete", "keeper", P);
	/* the final counters in JSON: exact, null where the box had no file */
	const char *const delj[] = { "box", "delete", "b", "--json", P, NULL };
	r = cli(&f, delj);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"box\": \"b\""));
	ck_assert_ptr_nonnull(strstr(r.out, "\"removed\": 1"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"final\": {\n    \"cpu_usage_usec\": null,\n"
					    "    \"memory_peak\": 512,\n    \"oom_kill\": null\n  }"));
	cli_free(&r);
	const char *const none[] = { "box", "list", P, NULL };
	r = cli(&f, none);
	ck_assert_ptr_nonnull(strstr(r.out, "No boxes.\n"));
	cli_free(&r);
	free(P);
	bxf_close(&f);
}
END_TEST

Suite *suite_box_cli(void)
{
	Suite *s = suite_create("box_cli");
	TCase *tc = tcase_create("cli");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, usage_errors_and_hostile_arguments);
	tcase_add_test(tc, exit_statuses_like_a_shell);
	tcase_add_test(tc, list_and_delete_text);
	suite_add_tcase(s, tc);
	return s;
}
