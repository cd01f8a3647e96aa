#include "apply/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

#define LOCK_NAME "lock"
#define POLL_NS (20 * 1000 * 1000L) /* between two flock attempts */

int bx_state_dir_open(const char *dir, int *dirfd, bx_error **err)
{
	return bx_state_dir_open_if(dir, true, dirfd, err);
}

int bx_state_dir_open_if(const char *dir, bool create, int *dirfd, bx_error **err)
{
	*dirfd = -1;
	if (!dir || !*dir)
		return bx_err(err, EINVAL, "state directory: empty path");
	/* Open first: it is there nearly always, and mkdir only when not. */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (!create)
			return 0;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return bx_err(err, errno, "create state directory %s", dir);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return bx_err(err, errno, "state directory %s: not a directory (symlinks are refused)",
				      dir);
		return bx_err(err, errno, "open state directory %s", dir);
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return bx_err(err, e, "stat state directory %s", dir);
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		return bx_err(err, EPERM, "state directory %s belongs to uid %u, not to us (uid %u)", dir,
			      (unsigned)st.st_uid, (unsigned)geteuid());
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return bx_err(err, EPERM,
			      "state directory %s is writable by group or others (mode %04o); "
			      "use a private directory (0700)",
			      dir, (unsigned)(st.st_mode & 07777));
	}
	*dirfd = fd;
	return 0;
}

int bx_state_file_open(int dirfd, const char *dir, const char *name, int flags, int *out,
		       bx_error **err)
{
	*out = -1;
	cleanup_free char *shown = dir ? bx_sprintf("%s/%s", dir, name) : strdup(name);
	if (!shown)
		return bx_err(err, ENOMEM, "open %s", name);
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == ELOOP)
			return bx_err(err, ELOOP, "%s is a symlink: refused", shown);
		return bx_err(err, errno, "open %s", shown);
	}
	struct stat st;
	const char *why = NULL;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return bx_err(err, e, "stat %s", shown);
	}
	if (!S_ISREG(st.st_mode))
		why = "is not a regular file";
	else if (st.st_uid != geteuid())
		why = "belongs to another user";
	else if (st.st_mode & 077)
		why = "is readable or writable by group or others (want 0600)";
	else if (st.st_nlink != 1)
		why = "has more than one link (a hard link)";
	if (why) {
		close(fd);
		return bx_err(err, EPERM, "%s %s: refused (uid %u, mode %04o, %lu links)", shown,
			      why, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
			      (unsigned long)st.st_nlink);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return bx_err(err, e, "%s", shown);
	}
	*out = fd;
	return 0;
}

long bx_lock_parse_pid(const char *text)
{
	if (!text)
		return 0;
	char *end;
	errno = 0;
	long pid = strtol(text, &end, 10);
	if (errno || end == text || pid <= 0 || (*end && *end != '\n'))
		return 0;
	return pid;
}

static long read_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return bx_lock_parse_pid(buf);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bx_lock_release(bx_lock *l)
{
	if (!l)
		return;
	if (l->keep) {
		/* kept open for the next transaction: empty the pid, unlock */
		if (ftruncate(l->fd, 0) < 0) {
			/* Harmless: the next holder overwrites it. */
		}
		flock(l->fd, LOCK_UN);
		atomic_store(&l->keep->busy, false);
		return;
	}
	if (l->fd >= 0) {
		/* Empty the pid first, so nobody names a process that is gone. */
		if (ftruncate(l->fd, 0) < 0) {
			/* Harmless: the next holder overwrites it. */
		}
		flock(l->fd, LOCK_UN);
		close(l->fd);
	}
	if (l->dirfd >= 0)
		close(l->dirfd);
	free(l->dir);
	free(l);
}

/* The state directory and its lock file, opened and checked; not locked. */
static int lock_open(const char *state_dir, bx_lock **out, bx_error **err)
{
	*out = NULL;
	bx_lock *l = calloc(1, sizeof *l);
	if (!l)
		return bx_err(err, ENOMEM, "lock");
	l->fd = l->dirfd = -1;
	l->dir = strdup(state_dir ? state_dir : "");
	if (!l->dir || bx_state_dir_open(state_dir, &l->dirfd, err) < 0) {
		if (!l->dir)
			bx_err(err, ENOMEM, "lock");
		bx_lock_release(l);
		return -1;
	}
	if (bx_state_file_open(l->dirfd, state_dir, LOCK_NAME, O_RDWR | O_CREAT, &l->fd, err) < 0) {
		bx_lock_release(l);
		return -1;
	}
	*out = l;
	return 0;
}

/* flock within the timeout, then the pid. On failure the lock is
 * released (a kept one: closed, it is opened anew next time). */
static int lock_take(bx_lock *l, const char *state_dir, double timeout, bx_error **err)
{
	double deadline = now_seconds() + (timeout > 0 ? timeout : 0);
	long holder = 0;
	for (;;) {
		if (flock(l->fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			bx_err(err, errno, "lock %s/" LOCK_NAME, state_dir);
			l->fd = (close(l->fd), -1); /* not ours: leave its pid alone */
			bx_lock_release(l);
			return -1;
		}
		long h = read_holder(l->fd);
		if (h)
			holder = h;
		if (now_seconds() >= deadline) {
			if (holder)
				bx_err(err, EWOULDBLOCK,
				       "another boxcg (pid %ld) holds the lock %s/" LOCK_NAME
				       " (waited %gs; see --lock-timeout)",
				       holder, state_dir, timeout > 0 ? timeout : 0);
			else
				bx_err(err, EWOULDBLOCK,
				       "another boxcg holds the lock %s/" LOCK_NAME
				       " (waited %gs; see --lock-timeout)",
				       state_dir, timeout > 0 ? timeout : 0);
			l->fd = (close(l->fd), -1);
			bx_lock_release(l);
			return -1;
		}
		struct timespec ts = { 0, POLL_NS };
		nanosleep(&ts, NULL);
	}
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(l->fd, 0) < 0 || pwrite(l->fd, pid, (size_t)n, 0) != n) {
		bx_err(err, errno ? errno : EIO, "write pid to %s/" LOCK_NAME, state_dir);
		bx_lock_release(l);
		return -1;
	}
	return 0;
}

int bx_lock_acquire(const char *state_dir, double timeout, bx_lock **out, bx_error **err)
{
	*out = NULL;
	bx_lock *l;
	if (lock_open(state_dir, &l, err) < 0 || lock_take(l, state_dir, timeout, err) < 0)
		return -1;
	*out = l;
	return 0;
}

/* Are the kept directory and lock file still what a fresh open would
 * find and accept? */
static bool keep_valid(const bx_lock_keep *k, const char *state_dir)
{
	struct stat st;
	uid_t me = geteuid();
	if (strcmp(k->lock->dir, state_dir) != 0 ||
	    fstatat(AT_FDCWD, state_dir, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_dev != k->dev || st.st_ino != k->ino || st.st_uid != me ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return false;
	return fstat(k->lock->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	       st.st_uid == me && !(st.st_mode & 077);
}

static void keep_drop(bx_lock_keep *k)
{
	if (k->lock) {
		k->lock->keep = NULL;
		bx_lock_release(k->lock);
		k->lock = NULL;
	}
}

int bx_lock_acquire_kept(bx_lock_keep *k, const char *state_dir, double timeout,
			 bx_lock **out, bx_error **err)
{
	bool idle = false;
	if (!k || !atomic_compare_exchange_strong(&k->busy, &idle, true))
		return bx_lock_acquire(state_dir, timeout, out, err);
	*out = NULL;
	if (k->lock && !keep_valid(k, state_dir ? state_dir : ""))
		keep_drop(k);
	if (!k->lock) {
		struct stat st;
		if (lock_open(state_dir, &k->lock, err) < 0) {
			atomic_store(&k->busy, false);
			return -1;
		}
		if (fstat(k->lock->dirfd, &st) < 0) {
			bx_err(err, errno, "stat state directory %s", state_dir);
			keep_drop(k);
			atomic_store(&k->busy, false);
			return -1;
		}
		k->dev = st.st_dev;
		k->ino = st.st_ino;
		k->lock->keep = k;
	}
	if (lock_take(k->lock, state_dir, timeout, err) < 0) {
		/* lock_take released it: busy is false again; open anew next time */
		keep_drop(k);
		return -1;
	}
	*out = k->lock;
	return 0;
}

void bx_lock_keep_close(bx_lock_keep *k)
{
	if (k)
		keep_drop(k);
}
