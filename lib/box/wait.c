/* Waiting for a boxed command and forwarding signals to it. */
#include "box/wait.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/wait.h>

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

int bx_wait_forward(pid_t pid, const sigset_t *fwd, int *wstatus, bx_error **err)
{
	sigset_t set = *fwd, cur;
	sigaddset(&set, SIGCHLD);
	if (pthread_sigmask(SIG_BLOCK, NULL, &cur) != 0)
		return bx_err(err, EINVAL, "read the signal mask");
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&set, s) == 1 && sigismember(&cur, s) != 1)
			return bx_err(err, EINVAL,
				      "wait: signal %d is not blocked; block the forwarded signals and "
				      "SIGCHLD before starting the command", s);
	for (;;) {
		/* A SIGCHLD may belong to another child, or several may have
		 * merged: ask for ours before every wait. */
		int r = try_reap(pid, wstatus, err);
		if (r)
			return r < 0 ? -1 : 0;
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			return bx_err(err, errno, "wait for signals");
		}
		if (sig == SIGCHLD)
			continue;
		/* ESRCH: it just ended; the next round reaps it. */
		if (kill(pid, sig) < 0 && errno != ESRCH)
			return bx_err(err, errno, "forward signal %d to pid %d", sig, (int)pid);
	}
}
