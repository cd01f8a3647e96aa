/* Waiting for a boxed command and forwarding signals to it.
 *
 * The wait sleeps in poll() on a pidfd of the child (readable when it
 * ends) and a signalfd of the forwarded signals, so it needs no SIGCHLD:
 * in a multithreaded caller SIGCHLD may go to any thread, and a wait that
 * relied on it could sleep forever. Kernels without pidfd_open (before
 * 5.3) re-check the child every 100 ms instead. */
#include "box/wait.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM,
#ifdef SIGPWR
	SIGPWR,
#endif
};

void bx_forward_sigset(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaddset(set, forwarded[i]);
}

int bx_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

/* 1: reaped, 0: still running, -1: error. */
static int try_reap(pid_t pid, int *wstatus, bx_error **err)
{
	for (;;) {
		pid_t r = waitpid(pid, wstatus, WNOHANG);
		if (r == pid)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return bx_err(err, errno, "wait for pid %d", (int)pid);
	}
}

/* Pass every signal waiting on the signalfd on to the child. */
static int forward_pending(int sfd, pid_t pid, bx_error **err)
{
	struct signalfd_siginfo si[8];
	for (;;) {
		ssize_t n = read(sfd, si, sizeof si);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return bx_err(err, errno, "read forwarded signals");
		}
		for (size_t i = 0; i < (size_t)n / sizeof si[0]; i++)
			/* ESRCH: it just ended; the next round reaps it. */
			if (kill(pid, (int)si[i].ssi_signo) < 0 && errno != ESRCH)
				return bx_err(err, errno, "forward signal %u to pid %d", si[i].ssi_signo,
					      (int)pid);
		if ((size_t)n < sizeof si)
			return 0;
	}
}

int bx_wait_forward(pid_t pid, const sigset_t *fwd, int *wstatus, bx_error **err)
{
	sigset_t cur;
	if (pthread_sigmask(SIG_BLOCK, NULL, &cur) != 0)
		return bx_err(err, EINVAL, "read the signal mask");
	for (int s = 1; s < NSIG; s++)
		if (sigismember(fwd, s) == 1 && sigismember(&cur, s) != 1)
			return bx_err(err, EINVAL,
				      "wait: signal %d is not blocked; block the forwarded signals "
				      "before starting the command",
				      s);
	cleanup_close int sfd = signalfd(-1, fwd, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return bx_err(err, errno, "signalfd");
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 && errno != ENOSYS)
		return bx_err(err, errno, "pidfd_open %d", (int)pid);
	for (;;) {
		int r = try_reap(pid, wstatus, err);
		if (r)
			return r < 0 ? -1 : 0;
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		if (poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 100) < 0 && errno != EINTR)
			return bx_err(err, errno, "wait for pid %d", (int)pid);
		if ((p[0].revents & POLLIN) && forward_pending(sfd, pid, err) < 0)
			return -1;
	}
}
