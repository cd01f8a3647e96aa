/* box/: starting a command (clone3 or fork+join), exec failures, PATH
 * resolution, waiting with signal forwarding, shell exit codes. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box/join.h"
#include "box/procs.h"
#include "box/spawn.h"
#include "box/wait.h"
#include "core/util.h"

Suite *suite_box_spawn(void);

static char *tmp_dir(void)
{
	char *d = strdup("/tmp/bx-spawn-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static char *read_path(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	char *s = NULL;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_fd_read_all(fd, &s, &e), 0);
	close(fd);
	return s;
}

static void no_children_left(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

START_TEST(clone3_fallback_only_for_missing_kernel_support)
{
	ck_assert(bx_clone3_unsupported(ENOSYS));
	ck_assert(bx_clone3_unsupported(E2BIG));
	ck_assert(bx_clone3_unsupported(EINVAL));
	ck_assert(!bx_clone3_unsupported(EBUSY));
	ck_assert(!bx_clone3_unsupported(EPERM));
	ck_assert(!bx_clone3_unsupported(EAGAIN));
	ck_assert(!bx_clone3_unsupported(EBADF));
	ck_assert(!bx_clone3_unsupported(0));
}
END_TEST

START_TEST(exec_failure_status_like_a_shell)
{
	ck_assert_int_eq(bx_exec_failure_status(ENOENT), 127);
	ck_assert_int_eq(bx_exec_failure_status(ENOTDIR), 127);
	ck_assert_int_eq(bx_exec_failure_status(EACCES), 126);
	ck_assert_int_eq(bx_exec_failure_status(ENOEXEC), 126);
}
END_TEST

START_TEST(exit_codes_like_a_shell)
{
	ck_assert_int_eq(bx_exit_code(0), 0);
	ck_assert_int_eq(bx_exit_code(3 << 8), 3);
	ck_assert_int_eq(bx_exit_code(SIGKILL), 128 + SIGKILL);
	ck_assert_int_eq(bx_exit_code(SIGTERM | 0x80), 128 + SIGTERM); /* core dumped */
}
END_TEST

START_TEST(resolve_searches_path)
{
	char *d = tmp_dir();
	bx_error *e = NULL;
	char *out = NULL;
	ck_assert_int_eq(bx_exec_resolve("sh", "/nonexistent:/bin:/usr/bin", &out, &e), 0);
	ck_assert_str_eq(out, "/bin/sh");
	free(out);
	/* A name with a slash is used as given, even if it does not exist:
	 * execve reports that. */
	ck_assert_int_eq(bx_exec_resolve("./no/such", "/bin", &out, &e), 0);
	ck_assert_str_eq(out, "./no/such");
	free(out);
	ck_assert_int_eq(bx_exec_resolve("bx-no-such-command", "/bin:/usr/bin", &out, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	ck_assert_ptr_null(out);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(bx_exec_resolve("", NULL, &out, &e), -1);
	ck_assert_int_eq(e->errnum, ENOENT);
	bx_error_free(e), e = NULL;

	/* Only a non-executable match: EACCES, as execvp. A directory named
	 * like the command is not a match either. */
	char *f = bx_sprintf("%s/tool", d), *sub = bx_sprintf("%s/dir", d), *sub_tool = bx_sprintf("%s/dir/tool", d);
	int fd = open(f, O_WRONLY | O_CREAT, 0644);
	close(fd);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(mkdir(sub_tool, 0755), 0);
	char *path = bx_sprintf("%s:%s", sub, d);
	ck_assert_int_eq(bx_exec_resolve("tool", path, &out, &e), -1);
	ck_assert_int_eq(e->errnum, EACCES);
	bx_error_free(e), e = NULL;
	ck_assert_int_eq(chmod(f, 0755), 0);
	ck_assert_int_eq(bx_exec_resolve("tool", path, &out, &e), 0);
	ck_assert_str_eq(out, f);
	free(out);

	/* An empty PATH entry is the current directory. */
	ck_assert_int_eq(chdir(d), 0);
	ck_assert_int_eq(bx_exec_resolve("tool", "/nonexistent:", &out, &e), 0);
	ck_assert_str_eq(out, "tool");
	free(out);

	ck_assert_int_eq(chdir("/"), 0);
	rmdir(sub_tool), rmdir(sub), unlink(f), rmdir(d);
	free(f), free(sub), free(sub_tool), free(path), free(d);
}
END_TEST

/* The fallback: the child writes "0\n" to the pre-opened cgroup.procs
 * before exec, so the command already sees it there. */
START_TEST(fork_join_writes_before_exec)
{
	char *d = tmp_dir();
	char *procs = bx_sprintf("%s/cgroup.procs", d), *seen = bx_sprintf("%s/seen", d);
	int fd = open(procs, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	bx_join j = BX_JOIN_INIT;
	bx_join_init(&j, fd);
	char *argv[] = { "sh", "-c", "cat \"$1\" > \"$2\"; exit 5", "sh", procs, seen, NULL };
	bx_spawn_req req = { .path = "/bin/sh", .argv = argv, .cgroup_fd = -1, .join = &j };
	bx_spawn_result res;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_spawn(&req, &res, &e), 0);
	bx_join_close(&j);
	ck_assert_int_eq(res.method, BX_SPAWN_FORK_JOIN);
	ck_assert_int_eq(res.stage, BX_SPAWN_OK);
	ck_assert_int_gt(res.pid, 0);
	int st;
	ck_assert_int_eq(waitpid(res.pid, &st, 0), res.pid);
	ck_assert_int_eq(bx_exit_code(st), 5);
	char *s = read_path(seen);
	ck_assert_str_eq(s, "0\n");
	free(s);
	unlink(seen), unlink(procs), rmdir(d);
	free(seen), free(procs), free(d);
}
END_TEST

/* Tests ask for the fallback even with a directory fd (no_clone3). */
START_TEST(no_clone3_takes_the_fallback)
{
	char *d = tmp_dir();
	char *procs = bx_sprintf("%s/cgroup.procs", d);
	int dfd = open(d, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	bx_join j = BX_JOIN_INIT;
	bx_join_init(&j, open(procs, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	char *argv[] = { "true", NULL };
	bx_spawn_req req = { .path = "/bin/true", .argv = argv, .cgroup_fd = dfd, .join = &j,
			     .no_clone3 = true };
	bx_spawn_result res;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_spawn(&req, &res, &e), 0);
	ck_assert_int_eq(res.method, BX_SPAWN_FORK_JOIN);
	int st;
	ck_assert_int_eq(waitpid(res.pid, &st, 0), res.pid);
	ck_assert_int_eq(bx_exit_code(st), 0);
	bx_join_close(&j);
	close(dfd);
	char *s = read_path(procs);
	ck_assert_str_eq(s, "0\n");
	free(s);
	unlink(procs), rmdir(d);
	free(procs), free(d);
}
END_TEST

/* Does this kernel (or emulator: valgrind has no clone3) know clone3? A
 * call with a size too small fails EINVAL where it exists. */
static bool have_clone3(void)
{
	return syscall(SYS_clone3, NULL, (size_t)0) < 0 && errno != ENOSYS;
}

/* clone3 into something that is not a cgroup is a real failure (EBADF),
 * not a reason to fall back: no child, no join. Where clone3 does not
 * exist at all (ENOSYS), that is the fallback's case: fork and join. */
START_TEST(clone3_into_plain_directory_fails_without_fallback)
{
	char *d = tmp_dir();
	char *procs = bx_sprintf("%s/cgroup.procs", d);
	int dfd = open(d, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	bx_join j = BX_JOIN_INIT;
	bx_join_init(&j, open(procs, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	char *argv[] = { "true", NULL };
	bx_spawn_req req = { .path = "/bin/true", .argv = argv, .cgroup_fd = dfd, .join = &j };
	bx_spawn_result res;
	bx_error *e = NULL;
	char *s;
	if (have_clone3()) {
		ck_assert_int_eq(bx_spawn(&req, &res, &e), -1);
		ck_assert_int_eq(e->errnum, EBADF);
		ck_assert_int_eq(res.stage, BX_SPAWN_FAILED_SPAWN);
		ck_assert_int_eq(res.pid, 0);
		ck_assert_ptr_nonnull(strstr(e->msg, "clone3"));
		bx_error_free(e);
		s = read_path(procs);
		ck_assert_str_eq(s, "");
	} else {
		ck_assert_int_eq(bx_spawn(&req, &res, &e), 0);
		ck_assert_int_eq(res.method, BX_SPAWN_FORK_JOIN);
		ck_assert_int_eq(res.clone3_errno, ENOSYS);
		ck_assert_int_eq(waitpid(res.pid, NULL, 0), res.pid);
		s = read_path(procs);
		ck_assert_str_eq(s, "0\n");
	}
	free(s);
	bx_join_close(&j);
	close(dfd);
	no_children_left();
	unlink(procs), rmdir(d);
	free(procs), free(d);
}
END_TEST

START_TEST(exec_failure_is_an_error_and_the_child_is_reaped)
{
	char *d = tmp_dir();
	char *procs = bx_sprintf("%s/cgroup.procs", d);
	bx_join j = BX_JOIN_INIT;
	bx_join_init(&j, open(procs, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	char *argv[] = { "nope", NULL };
	bx_spawn_req req = { .path = "/nonexistent/nope", .argv = argv, .cgroup_fd = -1, .join = &j };
	bx_spawn_result res;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_spawn(&req, &res, &e), -1);
	ck_assert_int_eq(res.stage, BX_SPAWN_FAILED_EXEC);
	ck_assert_int_eq(e->errnum, ENOENT);
	ck_assert_str_eq(e->msg, "exec /nonexistent/nope: No such file or directory");
	bx_error_free(e), e = NULL;
	no_children_left();

	/* A file that is not executable: EACCES (126 for the CLI). */
	req.path = procs;
	ck_assert_int_eq(bx_spawn(&req, &res, &e), -1);
	ck_assert_int_eq(res.stage, BX_SPAWN_FAILED_EXEC);
	ck_assert_int_eq(e->errnum, EACCES);
	ck_assert_int_eq(bx_exec_failure_status(e->errnum), 126);
	bx_error_free(e);
	no_children_left();
	bx_join_close(&j);
	unlink(procs), rmdir(d);
	free(procs), free(d);
}
END_TEST

START_TEST(join_failure_stops_before_exec)
{
	char *d = tmp_dir();
	char *procs = bx_sprintf("%s/cgroup.procs", d), *ran = bx_sprintf("%s/ran", d);
	int fd = open(procs, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	close(fd);
	bx_join j = BX_JOIN_INIT;
	bx_join_init(&j, open(procs, O_RDONLY | O_CLOEXEC)); /* write fails: EBADF */
	char *argv[] = { "sh", "-c", "touch \"$1\"", "sh", ran, NULL };
	bx_spawn_req req = { .path = "/bin/sh", .argv = argv, .cgroup_fd = -1, .join = &j };
	bx_spawn_result res;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_spawn(&req, &res, &e), -1);
	ck_assert_int_eq(res.stage, BX_SPAWN_FAILED_JOIN);
	ck_assert_int_eq(e->errnum, EBADF);
	bx_error_free(e), e = NULL;
	no_children_left();
	ck_assert_int_eq(access(ran, F_OK), -1); /* the command never ran */
	bx_join_close(&j);
	/* No join at all and no cgroup fd: refused before forking. */
	req.join = NULL;
	ck_assert_int_eq(bx_spawn(&req, &res, &e), -1);
	ck_assert_int_eq(e->errnum, EINVAL);
	bx_error_free(e);
	unlink(procs), rmdir(d);
	free(procs), free(ran), free(d);
}
END_TEST

/* Start argv with the forwarded signals blocked, as box exec does. */
static pid_t start_blocked(char **argv, sigset_t *fwd, sigset_t *old)
{
	bx_forward_sigset(fwd);
	ck_assert_int_eq(pthread_sigmask(SIG_BLOCK, fwd, old), 0);
	char *d = tmp_dir();
	char *procs = bx_sprintf("%s/cgroup.procs", d);
	bx_join j = BX_JOIN_INIT;
	bx_join_init(&j, open(procs, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	bx_spawn_req req = { .path = "/bin/sh", .argv = argv, .cgroup_fd = -1, .join = &j,
			     .child_mask = old };
	bx_spawn_result res;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_spawn(&req, &res, &e), 0);
	bx_join_close(&j);
	unlink(procs), rmdir(d);
	free(procs), free(d);
	return res.pid;
}

START_TEST(wait_propagates_exit_status)
{
	sigset_t fwd, old;
	char *argv[] = { "sh", "-c", "exit 3", NULL };
	pid_t pid = start_blocked(argv, &fwd, &old);
	int st;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_wait_forward(pid, &fwd, &st, &e), 0);
	ck_assert_int_eq(bx_exit_code(st), 3);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
	char *argv2[] = { "sh", "-c", "kill -KILL $$", NULL };
	pid = start_blocked(argv2, &fwd, &old);
	ck_assert_int_eq(bx_wait_forward(pid, &fwd, &st, &e), 0);
	ck_assert_int_eq(bx_exit_code(st), 128 + SIGKILL);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
}
END_TEST

/* The command traps USR1, then sends USR1 to us (its parent): the wait
 * must forward it, and the trap's exit status comes back. The child's
 * mask was restored, so the trap sees the signal. */
START_TEST(wait_forwards_signals)
{
	sigset_t fwd, old;
	char *argv[] = { "sh", "-c", "trap 'exit 7' USR1; kill -USR1 $PPID; while :; do :; done", NULL };
	pid_t pid = start_blocked(argv, &fwd, &old);
	int st;
	bx_error *e = NULL;
	ck_assert_int_eq(bx_wait_forward(pid, &fwd, &st, &e), 0);
	ck_assert_int_eq(bx_exit_code(st), 7);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
	/* An untrapped TERM kills it: 128 + 15. */
	char *argv2[] = { "sh", "-c", "kill -TERM $PPID; while :; do :; done", NULL };
	pid = start_blocked(argv2, &fwd, &old);
	ck_assert_int_eq(bx_wait_forward(pid, &fwd, &st, &e), 0);
	ck_assert_int_eq(bx_exit_code(st), 128 + SIGTERM);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
}
END_TEST

START_TEST(wait_refuses_unblocked_signals)
{
	sigset_t fwd, none;
	bx_forward_sigset(&fwd);
	sigemptyset(&none);
	int st;
	bx_error *e = NULL;
	sigset_t old;
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &none, &old), 0);
	ck_assert_int_eq(bx_wait_forward(getpid(), &fwd, &st, &e), -1);
	ck_assert_int_eq(e->errnum, EINVAL);
	bx_error_free(e);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
}
END_TEST

Suite *suite_box_spawn(void)
{
	Suite *s = suite_create("box_spawn");
	TCase *tc = tcase_create("spawn");
	tcase_add_test(tc, clone3_fallback_only_for_missing_kernel_support);
	tcase_add_test(tc, exec_failure_status_like_a_shell);
	tcase_add_test(tc, exit_codes_like_a_shell);
	tcase_add_test(tc, resolve_searches_path);
	tcase_add_test(tc, fork_join_writes_before_exec);
	tcase_add_test(tc, no_clone3_takes_the_fallback);
	tcase_add_test(tc, clone3_into_plain_directory_fails_without_fallback);
	tcase_add_test(tc, exec_failure_is_an_error_and_the_child_is_reaped);
	tcase_add_test(tc, join_failure_stops_before_exec);
	tcase_add_test(tc, wait_propagates_exit_status);
	tcase_add_test(tc, wait_forwards_signals);
	tcase_add_test(tc, wait_refuses_unblocked_signals);
	suite_add_tcase(s, tc);
	return s;
}
