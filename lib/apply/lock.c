#include "apply/lock.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cgroupfs/cgfs.h"
#include "core/util.h"

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

/* One field of a /proc/locks line: the next run of non-blanks. */
static bool next_field(const char **p, const char *end, const char **f, size_t *n)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	const char *e = s;
	while (e < end && *e != ' ' && *e != '\t')
		e++;
	*f = s;
	*n = (size_t)(e - s);
	*p = e;
	return e > s;
}

static bool field_is(const char *f, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(f, want, n) == 0;
}

/* An unsigned number in `base` filling the field exactly; false on
 * anything else (sign, blank, overflow). */
static bool field_num(const char *f, size_t n, int base, unsigned long long *v)
{
	char buf[32];
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, f, n);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (!(base == 16 ? isxdigit(c) : isdigit(c)))
			return false;
	}
	char *e;
	errno = 0;
	*v = strtoull(buf, &e, base);
	return !errno && *e == '\0';
}

/* The pid of one /proc/locks line when it is a granted flock on dev/ino,
 * else 0. The line: "ID: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INO START END". */
static long holder_in_line(const char *p, const char *end, unsigned long long maj,
			   unsigned long long min, unsigned long long ino)
{
	const char *f;
	size_t n;
	unsigned long long v, pid;
	/* "12:" */
	if (!next_field(&p, end, &f, &n) || n < 2 || f[n - 1] != ':' ||
	    !field_num(f, n - 1, 10, &v))
		return 0;
	/* FLOCK only ("->" here: a waiter, blocked behind the holder, holds
	 * nothing; POSIX, OFDLCK, LEASE…: not a flock, see lock.h) */
	if (!next_field(&p, end, &f, &n) || !field_is(f, n, "FLOCK"))
		return 0;
	if (!next_field(&p, end, &f, &n) ||
	    !(field_is(f, n, "ADVISORY") || field_is(f, n, "MANDATORY")))
		return 0;
	/* A shared flock blocks our exclusive one as well: READ names a holder too. */
	if (!next_field(&p, end, &f, &n) || !(field_is(f, n, "WRITE") || field_is(f, n, "READ")))
		return 0;
	if (!next_field(&p, end, &f, &n) || !field_num(f, n, 10, &pid) || pid == 0 ||
	    pid > (unsigned long long)LONG_MAX)
		return 0;
	/* "fd:01:12345": major and minor in hex, the inode in decimal */
	if (!next_field(&p, end, &f, &n))
		return 0;
	const char *c1 = memchr(f, ':', n);
	const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(f + n - c1 - 1)) : NULL;
	unsigned long long fmaj, fmin, fino;
	if (!c2 || !field_num(f, (size_t)(c1 - f), 16, &fmaj) ||
	    !field_num(c1 + 1, (size_t)(c2 - c1 - 1), 16, &fmin) ||
	    !field_num(c2 + 1, (size_t)(f + n - c2 - 1), 10, &fino))
		return 0;
	/* start and end ("EOF" or a number), then nothing: a cut line is no match */
	if (!next_field(&p, end, &f, &n) || !field_num(f, n, 10, &v))
		return 0;
	if (!next_field(&p, end, &f, &n) || !(field_is(f, n, "EOF") || field_num(f, n, 10, &v)))
		return 0;
	if (next_field(&p, end, &f, &n))
		return 0;
	if (fmaj != maj || fmin != min || fino != ino)
		return 0;
	return (long)pid;
}

long bx_lock_holder_parse(const char *locks, dev_t dev, ino_t ino)
{
	if (!locks)
		return 0;
	for (const char *p = locks; *p;) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		long pid = holder_in_line(p, end, major(dev), minor(dev), (unsigned long long)ino);
		if (pid > 0)
			return pid;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

#define LOCKS_MAX (8u << 20) /* of /proc/locks read: a bound, far above real tables */

/* Who holds a flock on the file of fd, from the kernel's lock table;
 * 0 when it cannot tell (no /proc, a table past LOCKS_MAX, no entry:
 * released meanwhile). Only on the failure path: nothing of this runs
 * while the lock is free. */
static long lock_holder(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return 0;
	int pf = open("/proc/locks", O_RDONLY | O_CLOEXEC);
	if (pf < 0)
		return 0;
	cleanup_free char *text = NULL;
	int r = bx_read_fd_max(pf, LOCKS_MAX, &text);
	close(pf);
	return r < 0 ? 0 : bx_lock_holder_parse(text, st.st_dev, st.st_ino);
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
		/* kept open for the next transaction: unlock only */
		flock(l->fd, LOCK_UN);
		atomic_store(&l->keep->busy, false);
		return;
	}
	if (l->fd >= 0) {
		flock(l->fd, LOCK_UN); /* a no-op when it never got the lock */
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
	if (bx_state_file_open(l->dirfd, state_dir, BX_LOCK_NAME, O_RDWR | O_CREAT, &l->fd, err) < 0) {
		bx_lock_release(l);
		return -1;
	}
	*out = l;
	return 0;
}

/* flock within the timeout: that is all a transaction costs (nothing is
 * written into the file). Only when it gives up does it ask the kernel's
 * lock table who holds it. On failure the lock is released (a kept one:
 * bx_lock_acquire_kept closes it, it is opened anew next time). */
static int lock_take(bx_lock *l, const char *state_dir, double timeout, bx_error **err)
{
	double deadline = now_seconds() + (timeout > 0 ? timeout : 0);
	for (;;) {
		if (flock(l->fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			bx_err(err, errno, "lock %s/" BX_LOCK_NAME, state_dir);
			bx_lock_release(l);
			return -1;
		}
		if (now_seconds() >= deadline)
			break;
		struct timespec ts = { 0, POLL_NS };
		nanosleep(&ts, NULL);
	}
	long holder = lock_holder(l->fd);
	if (holder)
		bx_err(err, EWOULDBLOCK,
		       "another boxcg (pid %ld) holds the lock %s/" BX_LOCK_NAME
		       " (waited %gs; see --lock-timeout)",
		       holder, state_dir, timeout > 0 ? timeout : 0);
	else
		bx_err(err, EWOULDBLOCK,
		       "another boxcg holds the lock %s/" BX_LOCK_NAME " (waited %gs; see --lock-timeout)",
		       state_dir, timeout > 0 ? timeout : 0);
	bx_lock_release(l);
	return -1;
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
 * find and accept? Checked with the lock held, so that the lock file's
 * size read here is the generation (apply/generation.c). The owner is
 * compared with the one accepted at open (then our euid): a directory
 * or lock file given to another user since is let go. */
static bool keep_valid(bx_lock_keep *k, const char *state_dir)
{
	struct stat st;
	uid_t me = k->uid;
	if (strcmp(k->lock->dir, state_dir) != 0 ||
	    fstatat(AT_FDCWD, state_dir, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_dev != k->dev || st.st_ino != k->ino || st.st_uid != me ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return false;
	if (fstat(k->lock->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != me || (st.st_mode & 077) || st.st_size < 0)
		return false;
	k->lock->gen = (uint64_t)st.st_size;
	k->lock->gen_known = true;
	return true;
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
	if (k->lock) {
		/* lock, then check what is locked: a replaced state directory
		 * or lock file is let go and opened anew below */
		if (lock_take(k->lock, state_dir, timeout, err) < 0) {
			keep_drop(k);
			return -1;
		}
		if (keep_valid(k, state_dir ? state_dir : "")) {
			*out = k->lock;
			return 0;
		}
		flock(k->lock->fd, LOCK_UN);
		keep_drop(k);
	}
	{
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
		k->uid = st.st_uid;
		k->lock->keep = k;
	}
	if (lock_take(k->lock, state_dir, timeout, err) < 0) {
		/* lock_take released it: busy is false again; open anew next time */
		keep_drop(k);
		return -1;
	}
	/* under the lock: what a frame (lib/frame) is checked against */
	bx_lock_read_gen(k->lock);
	*out = k->lock;
	return 0;
}

void bx_lock_keep_close(bx_lock_keep *k)
{
	if (k)
		keep_drop(k);
}
