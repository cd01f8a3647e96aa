/* One applier at a time per state directory.
 *
 * The state directory (default /run/boxcg) holds the lock and the
 * journal. It is created 0700 when missing, and refused when it is a
 * symlink, not a directory, owned by someone else, or writable by group
 * or others: whoever can write there could forge a journal that
 * `boxcg recover` would then replay.
 *
 * The lock is flock(LOCK_EX) on <state>/lock, which the holder fills with
 * its pid; the kernel drops it when the holder dies, so a crash never
 * leaves a stale lock behind. */
#ifndef BX_APPLY_LOCK_H
#define BX_APPLY_LOCK_H

#include <stdbool.h>

#include "core/err.h"

typedef struct bx_lock {
	int fd;     /* <state>/lock, flocked */
	int dirfd;  /* the state directory */
	char *dir;  /* its path, for messages */
} bx_lock;

/* Open (creating it 0700 if missing) and check the state directory.
 * Returns an O_DIRECTORY fd in *dirfd. */
int bx_state_dir_open(const char *dir, int *dirfd, bx_error **err);
/* The same; with create false a missing directory is not made: 0 and
 * *dirfd -1. */
int bx_state_dir_open_if(const char *dir, bool create, int *dirfd, bx_error **err);

/* Open <dir>/name (dirfd: the state directory) for boxcg's own state:
 * O_NOFOLLOW|O_NONBLOCK (a symlink or a FIFO cannot redirect or hang
 * us), then fstat: a regular file, owned by the euid, no access for
 * group or others, exactly one link (a hard link to a file elsewhere is
 * refused before anything truncates or replays it). `flags` adds O_RDONLY,
 * O_RDWR, O_CREAT… (created 0600). The fd is blocking again on return.
 * ENOENT is returned as is (without O_CREAT). dir: for messages (NULL:
 * the name alone). */
int bx_state_file_open(int dirfd, const char *dir, const char *name, int flags, int *fd,
		       bx_error **err);

/* Take the lock, waiting up to `timeout` seconds (0: try once). When
 * another process keeps it, fails with EWOULDBLOCK naming its pid. */
int bx_lock_acquire(const char *state_dir, double timeout, bx_lock **out, bx_error **err);

/* Release and free; NULL is fine. */
void bx_lock_release(bx_lock *l);

/* The pid written in a lock file's text, or 0 when it holds none. */
long bx_lock_parse_pid(const char *text);

#endif
