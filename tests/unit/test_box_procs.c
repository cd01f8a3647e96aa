/* box/: join buffer formatting, cgroup.procs/events/stat parsing, waiting
 * for a box to empty and the pre-5.14 kill, on plain files. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box/join.h"
#include "box/procs.h"
#include "core/util.h"

Suite *suite_box_procs(void);

/* A temp file holding `text`; returns its path (caller unlinks, frees). */
static char *tmp_file(const char *text)
{
	char *p = strdup("/tmp/bx-box-XXXXXX");
	int fd = mkstemp(p);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return p;
}

static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	char *s = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_fd_read_all(fd, &s, &e), 0);
	close(fd);
	return s;
}

START_TEST(pid_format_is_decimal_newline)
{
	char buf[24];
	ck_assert_uint_eq(bx_pid_format(buf, sizeof buf, 0), 2);
	ck_assert_str_eq(buf, "0\n");
	ck_assert_uint_eq(bx_pid_format(buf, sizeof buf, 12345), 6);
	ck_assert_str_eq(buf, "12345\n");
	ck_assert_uint_eq(bx_pid_format(buf, sizeof buf, INT_MAX), 11);
	ck_assert_str_eq(buf, "2147483647\n");
	ck_assert_uint_eq(bx_pid_format(buf, sizeof buf, -1), 0);
	/* "12345\n" and a NUL need 7 bytes. */
	ck_assert_uint_eq(bx_pid_format(buf, 6, 12345), 0);
	ck_assert_uint_eq(bx_pid_format(buf, 7, 12345), 6);
}
END_TEST

START_TEST(join_writes_token_to_preopened_fd)
{
	char *path = tmp_file("");
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bx_join j = BX_JOIN_INIT;
	bx_join_init(&j, fd);
	ck_assert_uint_eq(j.len, 2);
	ck_assert_mem_eq(j.buf, "0\n", 2);
	ck_assert_int_eq(bx_join_child(&j), 0);
	bx_join_close(&j);
	ck_assert_int_eq(j.fd, -1);
	bx_join_close(&j); /* idempotent */
	char *s = slurp(path);
	ck_assert_str_eq(s, "0\n");
	free(s);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(join_reports_errno_without_fd_or_on_readonly_fd)
{
	bx_join none = BX_JOIN_INIT;
	errno = 0;
	ck_assert_int_eq(bx_join_child(&none), -1);
	ck_assert_int_eq(errno, EBADF);
	char *path = tmp_file("");
	bx_join j = BX_JOIN_INIT;
	bx_join_init(&j, open(path, O_RDONLY | O_CLOEXEC));
	errno = 0;
	ck_assert_int_eq(bx_join_child(&j), -1);
	ck_assert_int_eq(errno, EBADF);
	bx_join_close(&j);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(procs_count_lines_and_parse_only_positive_pids)
{
	ck_assert_uint_eq(bx_procs_count(""), 0);
	ck_assert_uint_eq(bx_procs_count("\n \n\t\n"), 0);
	ck_assert_uint_eq(bx_procs_count("0\n"), 1);
	ck_assert_uint_eq(bx_procs_count("12\n"), 1);
	ck_assert_uint_eq(bx_procs_count("12\n13\n\n14"), 3);
	pid_t *junk = NULL;
	size_t nj = 0;
	bx_error *ej = NULL;
	ck_assert_int_eq(bx_procs_parse("12\n13\n\n0\nabc\n-4\n 5\n99999999999\n14", &junk, &nj, &ej), 0);
	ck_assert_uint_eq(nj, 3);
	ck_assert_int_eq(junk[2], 14);
	free(junk);
	pid_t *pids = NULL;
	size_t n = 0;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_procs_parse("7\nx\n8\n", &pids, &n, &e), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(pids[0], 7);
	ck_assert_int_eq(pids[1], 8);
	free(pids);
	ck_assert_int_eq(bx_procs_parse("", &pids, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(pids);
}
END_TEST

START_TEST(events_and_keyed_files_parse)
{
	ck_assert_int_eq(bx_events_populated("populated 1\nfrozen 0\n"), 1);
	ck_assert_int_eq(bx_events_populated("frozen 0\npopulated 0"), 0);
	ck_assert_int_eq(bx_events_populated("frozen 0\n"), -1);
	ck_assert_int_eq(bx_events_populated("populated 2\n"), -1);
	ck_assert_int_eq(bx_events_populated("unpopulated 0\n"), -1);
	ck_assert_int_eq(bx_events_populated(NULL), -1);

	uint64_t v = 0;
	bx_error *e = NULL;
	const char *stat = "usage_usec 1234\nuser_usec 1000\nsystem_usec 234\nnr_throttled 5\n";
	ck_assert_int_eq(bx_keyed_u64(stat, "usage_usec", &v, &e), 0);
	ck_assert_uint_eq(v, 1234);
	ck_assert_int_eq(bx_keyed_u64(stat, "nr_throttled", &v, &e), 0);
	ck_assert_uint_eq(v, 5);
	/* "usec" is not a prefix match of "usage_usec"/"user_usec". */
	ck_assert_int_eq(bx_keyed_u64(stat, "usec", &v, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_keyed_u64("oom_kill x1\n", "oom_kill", &v, &e), -1);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_keyed_u64("oom_kill 3junk\n", "oom_kill", &v, &e), -1);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_keyed_u64(NULL, "oom_kill", &v, &e), -1);
	bx_error_free(e);
}
END_TEST

START_TEST(wait_empty_returns_at_once_when_unpopulated)
{
	char *path = tmp_file("populated 0\nfrozen 0\n");
	int fd = open(path, O_RDONLY);
	bx_error *e = NULL;
	ck_assert_int_eq(bx_events_wait_empty(fd, -1, &e), 0);
	close(fd);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(wait_empty_times_out_and_rejects_junk)
{
	char *path = tmp_file("populated 1\n");
	int fd = open(path, O_RDONLY);
	bx_error *e = NULL;
	ck_assert_int_eq(bx_events_wait_empty(fd, 0, &e), -1);
	ck_assert_int_eq(e->errnum, ETIMEDOUT);
	bx_error_free(e), e = NULL;
	close(fd);
	unlink(path);
	free(path);

	path = tmp_file("nothing here\n");
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(bx_events_wait_empty(fd, 0, &e), -1);
	ck_assert_int_eq(e->errnum, EINVAL);
	bx_error_free(e);
	close(fd);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(kill_listed_kills_our_child)
{
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	char pidline[32];
	snprintf(pidline, sizeof pidline, "%d\n0\n", (int)child);
	char *procs = tmp_file(pidline);
	int fd = open(procs, O_RDONLY);
	size_t listed = 0;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_procs_kill_listed(fd, &listed, &e), 0);
	ck_assert_uint_eq(listed, 1);
	int st;
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGKILL);
	/* Gone now (reaped): ESRCH is not an error. */
	ck_assert_int_eq(bx_procs_kill_listed(fd, &listed, &e), 0);
	close(fd);
	unlink(procs);
	free(procs);
}
END_TEST

/* bx_procs_describe of {pid, a pid that cannot exist, pid} with max 2,
 * polled (2 s at most) until pid reads in `state`. */
static char *describe_in_state(pid_t pid, char state)
{
	pid_t pids[3] = { pid, INT_MAX, pid };
	char want[16];
	snprintf(want, sizeof want, "state %c)", state);
	for (int i = 0;; i++) {
		bx_buf b = {0};
		ck_assert(!bx_procs_describe(pids, 3, 2, &b));
		char *s = bx_buf_take(&b);
		ck_assert_ptr_nonnull(s);
		if (strstr(s, want) || i == 2000)
			return s;
		free(s);
		usleep(1000);
	}
}

START_TEST(describe_names_each_pid_with_comm_and_state)
{
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* A name with ") " in it: the state follows the last ')'. */
		prctl(PR_SET_NAME, "x) R (y");
		pause();
		_exit(0);
	}
	char want[128];
	char *got = describe_in_state(child, 'S');
	snprintf(want, sizeof want, "pid %d (x) R (y, state S), pid %d, and 1 more", (int)child,
		 INT_MAX);
	ck_assert_str_eq(got, want);
	free(got);
	/* Killed and not reaped yet: a zombie. */
	kill(child, SIGKILL);
	got = describe_in_state(child, 'Z');
	snprintf(want, sizeof want, "pid %d (x) R (y, state Z), pid %d, and 1 more", (int)child,
		 INT_MAX);
	ck_assert_str_eq(got, want);
	free(got);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	/* Gone: the pid alone; nothing listed, nothing written. */
	bx_buf b = {0};
	ck_assert(!bx_procs_describe(&child, 1, 8, &b));
	got = bx_buf_take(&b);
	snprintf(want, sizeof want, "pid %d", (int)child);
	ck_assert_str_eq(got, want);
	free(got);
	ck_assert(!bx_procs_describe(NULL, 0, 8, &b));
	got = bx_buf_take(&b);
	ck_assert_str_eq(got ? got : "", "");
	free(got);
}
END_TEST

static int kill_round(void *ctx, size_t *listed, bx_error **err)
{
	return bx_procs_kill_listed(*(int *)ctx, listed, err);
}

START_TEST(kill_by_signal_done_when_empty_and_bounded_otherwise)
{
	char *procs = tmp_file(""), *events = tmp_file("populated 0\n");
	int pfd = open(procs, O_RDONLY), efd = open(events, O_RDONLY);
	bx_error *e = NULL;
	ck_assert_int_eq(bx_kill_by_signal(kill_round, &pfd, efd, 1000, &e), 0);
	close(efd);
	unlink(events);
	free(events);
	/* A cgroup that never empties: the timeout ends it. */
	events = tmp_file("populated 1\n");
	efd = open(events, O_RDONLY);
	ck_assert_int_eq(bx_kill_by_signal(kill_round, &pfd, efd, 30, &e), -1);
	ck_assert_int_eq(e->errnum, ETIMEDOUT);
	bx_error_free(e);
	close(pfd), close(efd);
	unlink(procs), unlink(events);
	free(procs), free(events);
}
END_TEST

START_TEST(deadlines)
{
	ck_assert_int_eq(bx_ms_left(0), -1);
	ck_assert_int_eq(bx_ms_left(bx_deadline_after_ms(0)), 0);
	int left = bx_ms_left(bx_deadline_after_ms(60000));
	ck_assert_int_gt(left, 0);
	ck_assert_int_le(left, 60000);
	ck_assert_int_eq(bx_deadline_after_ms(-1), 0);
}
END_TEST

Suite *suite_box_procs(void)
{
	Suite *s = suite_create("box_procs");
	TCase *tc = tcase_create("procs");
	tcase_add_test(tc, pid_format_is_decimal_newline);
	tcase_add_test(tc, join_writes_token_to_preopened_fd);
	tcase_add_test(tc, join_reports_errno_without_fd_or_on_readonly_fd);
	tcase_add_test(tc, procs_count_lines_and_parse_only_positive_pids);
	tcase_add_test(tc, events_and_keyed_files_parse);
	tcase_add_test(tc, wait_empty_returns_at_once_when_unpopulated);
	tcase_add_test(tc, wait_empty_times_out_and_rejects_junk);
	tcase_add_test(tc, kill_listed_kills_our_child);
	tcase_add_test(tc, describe_names_each_pid_with_comm_and_state);
	tcase_add_test(tc, kill_by_signal_done_when_empty_and_bounded_otherwise);
	tcase_add_test(tc, deadlines);
	suite_add_tcase(s, tc);
	return s;
}
