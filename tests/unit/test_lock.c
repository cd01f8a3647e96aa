/* apply/lock: the state directory's safety checks and the one-applier lock. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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

/* Taking and releasing the lock writes nothing: the file stays empty. */
START_TEST(lock_writes_nothing_into_the_file)
{
	char *tmp = ta_tmpdir("lock");
	bx_lock *l = NULL;
	bx_error *e = NULL;
	char *p = bx_sprintf("%s/lock", tmp);
	struct stat st;
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(bx_lock_acquire(tmp, 0, &l, &e), 0);
		ck_assert_int_eq(stat(p, &st), 0);
		ck_assert_int_eq(st.st_size, 0);
		bx_lock_release(l);
		ck_assert_int_eq(stat(p, &st), 0);
		ck_assert_int_eq(st.st_size, 0);
	}
	/* A kept lock too. */
	bx_lock_keep k = { 0 };
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(bx_lock_acquire_kept(&k, tmp, 0, &l, &e), 0);
		ck_assert_int_eq(fstat(l->fd, &st), 0);
		ck_assert_int_eq(st.st_size, 0);
		bx_lock_release(l);
	}
	bx_lock_keep_close(&k);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ta_rmtree(tmp);
	free(p);
	free(tmp);
}
END_TEST

/* A second applier waits, then fails naming the holder's pid: the
 * kernel's lock table names the process that took the flock. */
/* A lock refused (EWOULDBLOCK) with a message naming the holder's pid. */
static void refused_naming(bx_error **e, pid_t holder)
{
	ck_assert_int_eq((*e)->errnum, EWOULDBLOCK);
	char want[40];
	snprintf(want, sizeof want, "(pid %ld)", (long)holder);
	ck_assert_msg(strstr((*e)->msg, want), "message '%s' names no '%s'", (*e)->msg, want);
	bx_error_free(*e);
	*e = NULL;
}

/* Tell the holding child to let go, and see it exit cleanly. */
static void let_go(int done, pid_t holder)
{
	ck_assert_int_eq(write(done, "x", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(holder, &status, 0), holder);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

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
	refused_naming(&e, child);
	/* Once the holder lets go, the lock is ours. */
	let_go(done[1], child);
	ck_assert_int_eq(bx_lock_acquire(tmp, 5, &l, &e), 0);
	bx_lock_release(l);
	ta_rmtree(tmp);
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

/* A flock held by a plain flock(2) of another process, not through
 * boxcg: still named (what counts is the kernel's record, not a file). */
START_TEST(a_foreign_flock_holder_is_named)
{
	char *tmp = ta_tmpdir("lock");
	char *p = bx_sprintf("%s/lock", tmp);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	int ready[2], done[2];
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(done), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		char c;
		if (flock(fd, LOCK_EX) < 0 || write(ready[1], "x", 1) != 1 ||
		    read(done[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(fd);
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	/* through a kept lock, timeout 0: try once */
	bx_lock_keep k = { 0 };
	bx_lock *l = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_lock_acquire_kept(&k, tmp, 0, &l, &e), -1);
	refused_naming(&e, child);
	let_go(done[1], child);
	ck_assert_int_eq(bx_lock_acquire_kept(&k, tmp, 5, &l, &e), 0);
	bx_lock_release(l);
	bx_lock_keep_close(&k);
	struct stat st;
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ta_rmtree(tmp);
	free(p);
	free(tmp);
}
END_TEST

/* The /proc/locks parser, for the file on device 0x1a:0x2b, inode 12345. */
static long holder(const char *text)
{
	return bx_lock_holder_parse(text, makedev(0x1a, 0x2b), 12345);
}

START_TEST(proc_locks_parsing)
{
	/* a granted flock on that file */
	ck_assert_int_eq(holder("1: FLOCK  ADVISORY  WRITE 10405 1a:2b:12345 0 EOF\n"), 10405);
	/* without the final newline; READ (a shared flock blocks ours too) */
	ck_assert_int_eq(holder("1: FLOCK  ADVISORY  READ  77 1a:2b:12345 0 EOF"), 77);
	/* as the kernel pads them ("%02x"), and a minor above 255 */
	ck_assert_int_eq(bx_lock_holder_parse("3: FLOCK  ADVISORY  WRITE 9 08:01:5 0 EOF\n",
					      makedev(8, 1), 5),
			 9);
	ck_assert_int_eq(bx_lock_holder_parse("3: FLOCK  ADVISORY  WRITE 9 00:1f4:5 0 EOF\n",
					      makedev(0, 500), 5),
			 9);
	/* among other locks; a waiter ("->") before the holder is skipped */
	const char *table = "1: POSIX  ADVISORY  WRITE 500 1a:2b:12345 0 EOF\n"
			    "2: FLOCK  ADVISORY  WRITE 600 1a:2b:99 0 EOF\n"
			    "3: FLOCK  ADVISORY  WRITE 700 1a:2c:12345 0 EOF\n"
			    "4: -> FLOCK  ADVISORY  WRITE 800 1a:2b:12345 0 EOF\n"
			    "4: FLOCK  ADVISORY  WRITE 900 1a:2b:12345 0 EOF\n";
	ck_assert_int_eq(holder(table), 900);
	const char *no[] = {
		/* a waiter alone names nobody: it holds nothing */
		"4: -> FLOCK  ADVISORY  WRITE 800 1a:2b:12345 0 EOF\n",
		/* another inode, another device (minor, major), an inode prefix */
		"2: FLOCK  ADVISORY  WRITE 600 1a:2b:99 0 EOF\n",
		"2: FLOCK  ADVISORY  WRITE 600 1a:2c:12345 0 EOF\n",
		"2: FLOCK  ADVISORY  WRITE 600 1b:2b:12345 0 EOF\n",
		"2: FLOCK  ADVISORY  WRITE 600 1a:2b:123 0 EOF\n",
		/* POSIX and OFD locks, leases on the same file do not count (lock.h) */
		"1: POSIX  ADVISORY  WRITE 500 1a:2b:12345 0 EOF\n",
		"1: OFDLCK ADVISORY  WRITE -1 1a:2b:12345 0 EOF\n",
		"1: LEASE  ACTIVE    READ  5 1a:2b:12345 0 EOF\n",
		/* malformed: cut short, bad numbers, no pid, extra fields, UNLCK */
		"1: FLOCK  ADVISORY  WRITE 10405 1a:2b:12345 0",
		"1: FLOCK  ADVISORY  WRITE 10405 1a:2b:12345",
		"1: FLOCK  ADVISORY  WRITE 10405 1a:2b:",
		"1: FLOCK  ADVISORY  WRITE 10405",
		"1: FLOCK  ADVISORY  WRITE",
		"1: FLOCK",
		"1:",
		"FLOCK  ADVISORY  WRITE 10405 1a:2b:12345 0 EOF",
		"x: FLOCK  ADVISORY  WRITE 10405 1a:2b:12345 0 EOF",
		"1: FLOCK  ADVISORY  WRITE -5 1a:2b:12345 0 EOF",
		"1: FLOCK  ADVISORY  WRITE 0 1a:2b:12345 0 EOF",
		"1: FLOCK  ADVISORY  WRITE 12x 1a:2b:12345 0 EOF",
		"1: FLOCK  ADVISORY  WRITE 99999999999999999999999 1a:2b:12345 0 EOF",
		"1: FLOCK  ADVISORY  WRITE 10405 1a:2b:12345x 0 EOF",
		"1: FLOCK  ADVISORY  WRITE 10405 zz:2b:12345 0 EOF",
		"1: FLOCK  ADVISORY  WRITE 10405 1a2b12345 0 EOF",
		"1: FLOCK  ADVISORY  WRITE 10405 1a:2b:12345 0 EOF junk",
		"1: FLOCK  ADVISORY  WRITE 10405 1a:2b:12345 0 EOX",
		"1: FLOCK  ADVISORY  UNLCK 10405 1a:2b:12345 0 EOF",
		"1: FLOCK  SOMETHING WRITE 10405 1a:2b:12345 0 EOF",
		"1: FLOCK  ADVISORY  WRITE 10405 <none>:0 0 EOF",
		/* empty text */
		"",
		"\n\n",
	};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		ck_assert_msg(holder(no[i]) == 0, "'%s' named a holder", no[i]);
	ck_assert_int_eq(holder(NULL), 0);
	/* a malformed line does not hide a good one after it */
	ck_assert_int_eq(holder("garbage\n\n1: FLOCK  ADVISORY  WRITE 42 1a:2b:12345 0 EOF\n"), 42);
}
END_TEST

Suite *suite_lock(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("lock");
	tcase_add_test(tc, state_dir_is_created_private);
	tcase_add_test(tc, state_dir_refuses_unsafe_places);
	tcase_add_test(tc, lock_writes_nothing_into_the_file);
	tcase_add_test(tc, second_locker_times_out_naming_the_holder);
	tcase_add_test(tc, a_killed_holder_leaves_no_stale_lock);
	tcase_add_test(tc, a_foreign_flock_holder_is_named);
	tcase_add_test(tc, proc_locks_parsing);
	suite_add_tcase(s, tc);
	return s;
}
