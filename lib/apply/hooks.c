#include "apply/hooks.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

int bx_hooks_tick(bx_hooks *h)
{
	if (!h)
		return 0;
	h->count++;
	if (h->kill_at > 0 && h->count == h->kill_at) {
		kill(getpid(), SIGKILL);
		for (;;)
			pause();
	}
	long span = h->fault_count > 1 ? h->fault_count : 1;
	if (h->fault_at > 0 && h->count >= h->fault_at && h->count - h->fault_at < span) {
		errno = h->fault_errno ? h->fault_errno : EIO;
		return -1;
	}
	return 0;
}
