/* Joining a box from a forked child, between fork and exec.
 *
 * The parent prepares everything that may allocate or fail for ordinary
 * reasons: it opens the box's cgroup.procs for writing (O_CLOEXEC, so the
 * command never inherits it) and formats the bytes to write. The child then
 * makes exactly one kind of call, write(2), which is async-signal-safe: a
 * runtime that forks itself (and may be multithreaded) can call
 * bx_join_child() after fork and before exec.
 *
 * The bytes are "0\n": the kernel reads pid 0 in cgroup.procs as "the
 * writing process", so the child needs no getpid() and no formatting. */
#ifndef BX_BOX_JOIN_H
#define BX_BOX_JOIN_H

#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"

typedef struct bx_join {
	int fd;          /* cgroup.procs of the box, open for writing; -1 = none */
	char buf[24];    /* the pre-formatted bytes, "0\n" */
	size_t len;
} bx_join;

#define BX_JOIN_INIT { .fd = -1 }

/* Format `pid` in decimal followed by '\n' into buf (no allocation, no
 * locale, async-signal-safe). Returns the length, or 0 when cap is too
 * small or pid is negative. */
size_t bx_pid_format(char *buf, size_t cap, pid_t pid);

/* Take ownership of `procs_fd` and pre-format "0\n". */
void bx_join_init(bx_join *j, int procs_fd);

/* In the child: write the pre-formatted bytes to the pre-opened fd with
 * write(2) only (retried on EINTR and short writes). Returns 0, or -1 with
 * errno set. Allocates nothing; safe between fork and exec. */
int bx_join_child(const bx_join *j);

/* Close the fd (parent side, after fork). Idempotent. */
void bx_join_close(bx_join *j);

#endif
