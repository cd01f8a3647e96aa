/* Waiting for a command run in a box, forwarding signals to it, and the
 * exit status a shell would give it. */
#ifndef BX_BOX_WAIT_H
#define BX_BOX_WAIT_H

#include <signal.h>
#include <sys/types.h>

#include "core/err.h"

/* The signals `box exec` forwards to its command: HUP INT QUIT TERM USR1
 * USR2 WINCH CONT ALRM PWR. (Not STOP/KILL: they cannot be caught; not
 * SIGCHLD: it is about boxcg's own children.) */
void bx_forward_sigset(sigset_t *set);

/* Wait for `pid` (a child of the caller) to end, forwarding to it every
 * signal of `fwd` sent to the calling thread or pending for the process.
 * The caller must have blocked `fwd` in this thread before starting the
 * child (so no signal is lost); otherwise EINVAL. SIGCHLD is not used:
 * the wait sleeps in poll() on a pidfd of the child. On return *wstatus
 * is waitpid's status. */
int bx_wait_forward(pid_t pid, const sigset_t *fwd, int *wstatus, bx_error **err);

/* A shell's view of a wait status: the exit code, or 128 + the signal
 * that killed it. */
int bx_exit_code(int wstatus);

#endif
