/* One applier at a time per state directory.
 *
 * The state directory (default /run/boxcg) holds the lock and the
 * journal. It is created 0700 when missing, and refused when it is a
 * symlink, not a directory, owned by someone else, or writable by group
 * or others: whoever can write there could forge a journal that
 * `boxcg recover` would then replay.
 *
 * The lock is flock(LOCK_EX) on <state>/lock, and nothing else: the file
 * stays empty, nothing is written into it. The kernel drops the lock when
 * the holder dies, so a crash never leaves a stale lock behind. Who holds
 * it is asked only when an applier gives up waiting: the kernel's lock
 * table (/proc/locks) names the process that took the flock. */
#ifndef BX_APPLY_LOCK_H
#define BX_APPLY_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

/* The lock file in the state directory. */
#define BX_LOCK_NAME "lock"

struct bx_lock_keep;

typedef struct bx_lock {
	int fd;     /* <state>/lock, flocked */
	int dirfd;  /* the state directory */
	char *dir;  /* its path, for messages */
	struct bx_lock_keep *keep; /* a kept lock (below): release unlocks only */
	uint64_t gen;    /* the state directory's generation when taken */
	bool gen_known;  /* gen was read under the lock */
} bx_lock;

/* A lock kept open between transactions, for a runtime that makes many
 * (boxcg_target): the state directory and the lock file stay open, and
 * each acquire checks that they are still what the path names (the
 * directory's device and inode, owner and mode; the lock file's one link,
 * owner and mode: an unlinked or replaced lock file has no link left)
 * before it flocks, instead of opening both again. Whatever fails that
 * check is closed and opened anew with every check of bx_lock_acquire.
 * A handle used by two threads at once (the API forbids it) still gets
 * exclusion: the second takes a lock of its own. Zero-initialised is
 * empty; bx_lock_keep_close frees it. */
typedef struct bx_lock_keep {
	bx_lock *lock;      /* open, not flocked between transactions; NULL: none yet */
	dev_t dev;          /* the state directory's identity */
	ino_t ino;
	uid_t uid;          /* its owner (our euid) when opened */
	atomic_bool busy;   /* a transaction of this handle holds it now */
} bx_lock_keep;

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
 * another process keeps it, fails with EWOULDBLOCK naming its pid as
 * /proc/locks gives it (no pid when /proc/locks is unreadable or the
 * holder let go meanwhile). The pid is the process that called flock: a
 * child that inherited its fd may hold the lock on after it exits. */
int bx_lock_acquire(const char *state_dir, double timeout, bx_lock **out, bx_error **err);

/* The same through a kept lock (keep NULL: bx_lock_acquire). */
int bx_lock_acquire_kept(bx_lock_keep *keep, const char *state_dir, double timeout,
			 bx_lock **out, bx_error **err);
void bx_lock_keep_close(bx_lock_keep *keep);

/* Release and free (a kept lock: unlock only); NULL is fine. */
void bx_lock_release(bx_lock *l);

/* The state directory's generation (apply/generation.c): the lock file's
 * size, which nothing else writes. bx_lock_read_gen reads it into l->gen
 * (held lock); bx_lock_advance adds one (l->gen stays what was read);
 * bx_state_advance the same through the state directory's fd, when the
 * caller holds the lock without its bx_lock. */
int bx_lock_read_gen(bx_lock *l);
int bx_lock_advance(const bx_lock *l, bx_error **err);
int bx_state_advance(int dirfd, const char *dir, bx_error **err);

/* The pid holding a flock on the file dev/ino according to a /proc/locks
 * text, or 0 when no line says so. A line counts when it is a granted
 * FLOCK (WRITE or READ: a shared flock blocks ours too) whose
 * MAJ:MIN:INODE ("%02x:%02x:%lu", major and minor in hex) is dev/ino;
 * "->" lines (waiters, blocked: they hold nothing) and lines cut short or
 * malformed do not. POSIX and OFD locks do not count: on a local file
 * system they never conflict with a flock, so their owner is not what
 * keeps us waiting, and naming it would mislead. The first match wins. */
long bx_lock_holder_parse(const char *locks, dev_t dev, ino_t ino);

#endif
