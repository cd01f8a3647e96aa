/* The state directory's generation: the size of its lock file, which no
 * transaction writes any more (the kernel's lock table names a holder,
 * apply/lock.c). A transaction that may change a cgroup above a box
 * advances it by one (ftruncate: a sparse file, no data block) before its
 * first mutation, under the lock; a handle that remembers those cgroups
 * (lib/frame) trusts its memory only at the generation it read them. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/lock.h"

int bx_lock_read_gen(bx_lock *l)
{
	struct stat st;
	l->gen_known = false;
	if (fstat(l->fd, &st) < 0 || st.st_size < 0)
		return -1;
	l->gen = (uint64_t)st.st_size;
	l->gen_known = true;
	return 0;
}

static int advance_fd(int fd, const char *dir, bx_error **err)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || ftruncate(fd, st.st_size + 1) < 0)
		return bx_err(err, errno, "advance the generation of %s (its lock file)", dir);
	return 0;
}

int bx_lock_advance(const bx_lock *l, bx_error **err)
{
	return advance_fd(l->fd, l->dir, err);
}

int bx_state_advance(int dirfd, const char *dir, bx_error **err)
{
	int fd;
	if (bx_state_file_open(dirfd, dir, BX_LOCK_NAME, O_RDWR | O_CREAT, &fd, err) < 0)
		return -1;
	int r = advance_fd(fd, dir, err);
	close(fd);
	return r;
}
