/* What a box holds and how to empty it: cgroup.procs, cgroup.events and
 * the flat keyed statistics files, as text and as descriptors. */
#ifndef BX_BOX_PROCS_H
#define BX_BOX_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/util.h"

/* How many processes a cgroup.procs text lists: its non-blank lines (the
 * kernel lists one pid per line; directory mode lists whatever was
 * written, such as the join's "0", the way its rmdir counts them). */
size_t bx_procs_count(const char *text);
/* The pids to signal: lines holding a positive decimal pid; anything else
 * ("0", junk) is never signalled. */
int bx_procs_parse(const char *text, pid_t **pids, size_t *n, bx_error **err);

/* The `populated` field of a cgroup.events text: 1, 0, or -1 if absent. */
int bx_events_populated(const char *text);

/* The value of `key` in a flat keyed file ("usage_usec 1234\n…", as in
 * cpu.stat and memory.events): 0 and *v, or -1 (ENOENT) when missing or
 * not a number. */
int bx_keyed_u64(const char *text, const char *key, uint64_t *v, bx_error **err);

/* Read a whole cgroup file from offset 0 through an open descriptor (a
 * pollable file is read again after each event). Caller frees *out. */
int bx_fd_read_all(int fd, char **out, bx_error **err);

/* Wait until the cgroup.events behind `events_fd` says `populated 0`,
 * sleeping in poll(POLLPRI) between the kernel's notifications, up to
 * timeout_ms (< 0: forever). ETIMEDOUT when it is still populated then. */
int bx_events_wait_empty(int events_fd, int timeout_ms, bx_error **err);

/* The pre-5.14 kill: SIGKILL every pid the cgroup.procs behind procs_fd
 * lists (vanished ones, ESRCH, are fine). *listed counts the pids seen. */
int bx_procs_kill_listed(int procs_fd, size_t *listed, bx_error **err);

/* One round of the pre-5.14 kill: SIGKILL every pid listed anywhere in
 * the subtree; *listed says how many were. */
typedef int (*bx_kill_round_fn)(void *ctx, size_t *listed, bx_error **err);

/* Kill everything in a cgroup that has no cgroup.kill: run `round` again
 * until no pid is listed and cgroup.events (events_fd) says `populated 0`
 * (a process forking while it is being killed is caught by the next
 * round; rounds are paced by the kernel's cgroup.events notifications,
 * with a 50 ms cap so a fork that does not change `populated` is seen).
 * ETIMEDOUT after timeout_ms. */
int bx_kill_by_signal(bx_kill_round_fn round, void *ctx, int events_fd, int timeout_ms,
		      bx_error **err);

/* Append "pid N (COMM, state S)" for each of the first `max` pids to out,
 * ", " between them and ", and K more" after; COMM and S come from
 * /proc/N/stat, and a pid whose stat cannot be read (gone, or not in our
 * pid namespace) is just "pid N". Returns whether one was in state D
 * (uninterruptible sleep: SIGKILL waits until it returns). */
bool bx_procs_describe(const pid_t *pids, size_t n, size_t max, bx_buf *out);

/* Milliseconds left until `deadline_ns` (CLOCK_MONOTONIC), clamped at 0;
 * -1 when deadline_ns is 0 (no deadline). */
int bx_ms_left(int64_t deadline_ns);
int64_t bx_deadline_after_ms(int timeout_ms);

#endif
