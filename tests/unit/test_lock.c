/* apply/lock: the state directory's safety checks and the one-applier lock. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply/lock.h"
#include "test_apply.h"

Suite *suite_lock(void);

START_TEST(state_dir_is_created_private)
{
	char *tmp = ta_tmpdir("lock");
	char *dir = bx_sprintf("%s/state", tmp);
	int fd = -1;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_state_dir_open(dir, &fd, &e), 0);
	struct stat st;
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	close(fd);
	/* Opening it again is fine. */
	ck_assert_int_eq(bx_state_dir_open(dir, &fd, &e), 0);
	close(fd);
	ta_rmtree(tmp);
	free(dir);
	free(tmp);
}
END_TEST

START_TEST(state_dir_refuses_unsafe_places)
{
	char *tmp = ta_tmpdir("lock");
	int fd = -1;
	bx_error *e = NULL;
	/* Writable by others: whoever can write there could forge a journal. */
	char *open_dir = bx_sprintf("%s/open", tmp);
	ck_assert_int_eq(mkdir(open_dir, 0700), 0);
	ck_assert_int_eq(chmod(open_dir, 0777), 0);
	ck_assert_int_eq(bx_state_dir_open(open_dir, &fd, &e), -1);
	ck_assert_int_eq(e->errnum, EPERM);
	ck_assert_ptr_nonnull(strstr(e->msg, "writable by group or others"));
	bx_error_free(e);
	e = NULL;
	/* A symlink to a private directory is refused too. */
	char *priv = bx_sprintf("%s/priv", tmp), *link = bx_sprintf("%s/link", tmp);
	ck_assert_int_eq(mkdir(priv, 0700), 0);
	ck_assert_int_eq(symlink(priv, link), 0);
	ck_assert_int_eq(bx_state_dir_open(link, &fd, &e), -1);
	ck_assert_ptr_nonnull(strstr(e->msg, "not a directory"));
	bx_error_free(e);
	e = NULL;
	/* A file. */
	ta_write(tmp, "file", "x");
	char *file = bx_sprintf("%s/file", tmp);
	ck_assert_int_eq(bx_state_dir_open(file, &fd, &e), -1);
	bx_error_free(e);
	e = NULL;
	ck_assert_int_eq(bx_state_dir_open("", &fd, &e), -1);
	ck_assert_int_eq(e->errnum, EINVAL);
	bx_error_free(e);
	ta_rmtree(tmp);
	free(open_dir), free(priv), free(link), free(file), free(tmp);
}
END_TEST

START_TEST(lock_writes_pid_and_empties_it_on_release)
{
	char *tmp = ta_tmpdir("lock");
	bx_lock *l = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_lock_acquire(tmp, 0, &l, &e), 0);
	char *p = bx_sprintf("%s/lock", tmp);
	FILE *f = fopen(p, "r");
	long pid = 0;
	ck_assert_int_eq(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	ck_assert_int_eq(pid, (long)getpid());
	bx_lock_release(l);
	struct stat st;
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ta_rmtree(tmp);
	free(p);
	free(tmp);
}
END_TEST

/* A second applier waits, then fails naming the holder's pid. */
START_TEST(second_locker_times_out_naming_the_holder)
{
	char *tmp = ta_tmpdir("lock");
	int ready[2], done[2];
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(done), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		bx_lock *l = NULL;
		bx_error *e = NULL;
		if (bx_lock_acquire(tmp, 0, &l, &e) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		char c;
		if (read(done[0], &c, 1) < 0)
			_exit(1);
		bx_lock_release(l);
		_exit(0);
	}
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	bx_lock *l = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_lock_acquire(tmp, 0.1, &l, &e), -1);
	ck_assert_int_eq(e->errnum, EWOULDBLOCK);
	char *want = bx_sprintf("pid %ld", (long)child);
	ck_assert_msg(strstr(e->msg, want), "message '%s' names no '%s'", e->msg, want);
	bx_error_free(e);
	e = NULL;
	/* Once the holder lets go, the lock is ours. */
	ck_assert_int_eq(write(done[1], "x", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(bx_lock_acquire(tmp, 5, &l, &e), 0);
	bx_lock_release(l);
	ta_rmtree(tmp);
	free(want);
	free(tmp);
}
END_TEST

/* A holder that dies (SIGKILL) leaves no stale lock: the kernel drops it. */
START_TEST(a_killed_holder_leaves_no_stale_lock)
{
	char *tmp = ta_tmpdir("lock");
	int ready[2];
	ck_assert_int_eq(pipe(ready), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		bx_lock *l = NULL;
		bx_error *e = NULL;
		if (bx_lock_acquire(tmp, 0, &l, &e) < 0 || write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	bx_lock *l = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_lock_acquire(tmp, 0, &l, &e), 0);
	bx_lock_release(l);
	ta_rmtree(tmp);
	free(tmp);
}
END_TEST

START_TEST(pid_parsing_is_strict)
{
	ck_assert_int_eq(bx_lock_parse_pid("123\n"), 123);
	ck_assert_int_eq(bx_lock_parse_pid("123"), 123);
	ck_assert_int_eq(bx_lock_parse_pid(""), 0);
	ck_assert_int_eq(bx_lock_parse_pid("12x"), 0);
	ck_assert_int_eq(bx_lock_parse_pid("-5"), 0);
	ck_assert_int_eq(bx_lock_parse_pid(NULL), 0);
}
END_TEST

Suite *suite_lock(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("lock");
	tcase_add_test(tc, state_dir_is_created_private);
	tcase_add_test(tc, state_dir_refuses_unsafe_places);
	tcase_add_test(tc, lock_writes_pid_and_empties_it_on_release);
	tcase_add_test(tc, second_locker_times_out_naming_the_holder);
	tcase_add_test(tc, a_killed_holder_leaves_no_stale_lock);
	tcase_add_test(tc, pid_parsing_is_strict);
	suite_add_tcase(s, tc);
	return s;
}
