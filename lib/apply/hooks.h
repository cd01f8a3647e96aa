/* Test hooks of a transaction: count every mutation (journal writes and
 * fsyncs, mkdir, write, rmdir, xattr) and, on request, make the Nth fail
 * or kill the process just before it. Production runs leave both off and
 * only count. */
#ifndef BX_APPLY_HOOKS_H
#define BX_APPLY_HOOKS_H

typedef struct bx_hooks {
	long count;       /* mutations started so far */
	long fault_at;    /* > 0: mutation number fault_at fails */
	int fault_errno;  /* with this errno (EIO when 0) */
	long fault_count; /* mutations failing from fault_at on (0 or 1: one) */
	long kill_at;     /* > 0: SIGKILL before mutation number kill_at */
} bx_hooks;

/* Call right before a mutation. 0: go ahead. -1 with errno set: the
 * mutation must not run and must fail with that errno. Never returns when
 * this is the mutation to be killed before. */
int bx_hooks_tick(bx_hooks *h);

#endif
