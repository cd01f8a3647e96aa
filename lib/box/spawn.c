/* Starting a command inside a box: clone3(CLONE_INTO_CGROUP), or fork and
 * join before exec. See spawn.h. */
#include "box/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"

extern char **environ;

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* struct clone_args, version 2 (Linux 5.7), spelled out so the build does
 * not depend on the installed kernel headers. */
struct bx_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

/* What a child that could not go on tells its parent. */
struct child_report {
	int stage; /* bx_spawn_stage */
	int errnum;
};

bool bx_clone3_unsupported(int errnum)
{
	return errnum == ENOSYS || errnum == E2BIG || errnum == EINVAL;
}

int bx_exec_failure_status(int errnum)
{
	return errnum == ENOENT || errnum == ENOTDIR ? 127 : 126;
}

/* Only async-signal-safe calls from here on: this runs in the child. */
static void child_report_exit(int fd, int stage, int errnum, int status) __attribute__((noreturn));
static void child_report_exit(int fd, int stage, int errnum, int status)
{
	struct child_report rep = { stage, errnum };
	ssize_t w;
	do
		w = write(fd, &rep, sizeof rep);
	while (w < 0 && errno == EINTR);
	_exit(status);
}

static void child_run(const bx_spawn_req *r, int report_fd, bool join) __attribute__((noreturn));
static void child_run(const bx_spawn_req *r, int report_fd, bool join)
{
	if (r->child_mask)
		sigprocmask(SIG_SETMASK, r->child_mask, NULL);
	if (join && bx_join_child(r->join) < 0)
		child_report_exit(report_fd, BX_SPAWN_FAILED_JOIN, errno, 126);
	execve(r->path, r->argv, r->envp ? r->envp : environ);
	int e = errno;
	child_report_exit(report_fd, BX_SPAWN_FAILED_EXEC, e, bx_exec_failure_status(e));
}

static pid_t clone3_into(int cgroup_fd)
{
	struct bx_clone_args a;
	memset(&a, 0, sizeof a);
	a.flags = CLONE_INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t)cgroup_fd;
	return (pid_t)syscall(SYS_clone3, &a, sizeof a);
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int bx_spawn(const bx_spawn_req *r, bx_spawn_result *out, bx_error **err)
{
	*out = (bx_spawn_result){ .stage = BX_SPAWN_FAILED_SPAWN };
	if (!r->path || !r->argv || !r->argv[0])
		return bx_err(err, EINVAL, "spawn: no command");
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return bx_err(err, errno, "spawn: pipe");
	cleanup_close int rd = p[0];
	int wr = p[1];

	pid_t pid = -1;
	if (r->cgroup_fd >= 0 && !r->no_clone3) {
		pid = clone3_into(r->cgroup_fd);
		if (pid == 0)
			child_run(r, wr, false);
		if (pid < 0) {
			int e = errno;
			if (!bx_clone3_unsupported(e)) {
				close(wr);
				return bx_err(err, e, "clone3 into the box");
			}
			out->clone3_errno = e;
		}
		out->method = BX_SPAWN_CLONE3;
	}
	if (pid < 0) {
		if (!r->join || r->join->fd < 0) {
			close(wr);
			return bx_err(err, EINVAL, "spawn: no cgroup.procs to join the box with");
		}
		out->method = BX_SPAWN_FORK_JOIN;
		pid = fork();
		if (pid == 0)
			child_run(r, wr, true);
		if (pid < 0) {
			int e = errno;
			close(wr);
			return bx_err(err, e, "fork");
		}
	}
	close(wr);

	/* EOF: the child exec'd (the pipe was close-on-exec). A report: it
	 * failed and is exiting. */
	struct child_report rep;
	ssize_t n;
	do
		n = read(rd, &rep, sizeof rep);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof rep) {
		reap(pid);
		out->stage = (bx_spawn_stage)rep.stage;
		if (rep.stage == BX_SPAWN_FAILED_JOIN)
			return bx_err(err, rep.errnum, "join the box (write cgroup.procs)");
		return bx_err(err, rep.errnum, "exec %s", r->path);
	}
	if (n != 0) {
		/* Cannot happen with a pipe and a struct this small; be safe. */
		int e = n < 0 ? errno : EIO;
		kill(pid, SIGKILL);
		reap(pid);
		return bx_err(err, e, "spawn: read the child's report");
	}
	out->pid = pid;
	out->stage = BX_SPAWN_OK;
	return 0;
}
