/* box freeze / thaw: cgroup.freeze, then a wait for cgroup.events to say
 * `frozen 1` (or 0), woken by POLLPRI as the kernel notifies changes of
 * that file. A freeze that does not complete in time is undone (0 written
 * back), so a box is never left half-frozen. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/lock.h"
#include "box/box.h"
#include "box/box_int.h"
#include "box/procs.h"
#include "core/util.h"

/* cgroup.events frozen: 1, 0; -1 with *err. */
static int frozen_now(int fd, bx_error **err)
{
	cleanup_free char *text = NULL;
	uint64_t v;
	if (bx_fd_read_all(fd, &text, err) < 0 || bx_keyed_u64(text, "frozen", &v, err) < 0)
		return bx_err_wrap(err, "cgroup.events");
	return v != 0;
}

static int wait_frozen(int fd, bool want, int timeout_ms, bx_error **err)
{
	int64_t deadline = bx_deadline_after_ms(timeout_ms);
	for (;;) {
		int f = frozen_now(fd, err);
		if (f < 0)
			return -1;
		if (f == (int)want)
			return 0;
		int left = bx_ms_left(deadline);
		if (left == 0)
			return 1;
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		if (poll(&p, 1, left) < 0 && errno != EINTR)
			return bx_err(err, errno, "poll cgroup.events");
	}
}

int bx_box_set_frozen(bx_cgfs *fs, const char *cg, bool freeze, int timeout_ms, bx_error **err)
{
	int fd;
	/* written first: the state is read before every wait, so an event
	 * between the write and the open is not missed (and directory mode
	 * makes its cgroup.events on the write) */
	if (bx_cgfs_write(fs, cg, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
		return -1;
	int r = bx_cgfs_open_file(fs, cg, "cgroup.events", O_RDONLY, &fd, err);
	if (r == 0) {
		r = wait_frozen(fd, freeze, timeout_ms, err);
		close(fd);
	} else if (freeze) {
		r = 1; /* cannot watch it: undo below, reporting the open's error */
	}
	if (r <= 0)
		return r;
	if (!freeze)
		return bx_err_said(err, ETIMEDOUT, "%s still reads frozen 1 after %d ms", cg, timeout_ms);
	/* not frozen in time: thaw again rather than leave it half-frozen */
	bx_error *e = NULL;
	if (err && *err) {
		bx_cgfs_write(fs, cg, "cgroup.freeze", "0", &e);
		bx_error_free(e);
		return -1;
	}
	if (bx_cgfs_write(fs, cg, "cgroup.freeze", "0", &e) < 0) {
		bx_err_said(err, ETIMEDOUT, "%s did not freeze within %d ms, and writing 0 back to "
					   "cgroup.freeze failed too: %s",
			   cg, timeout_ms, e->msg);
		bx_error_free(e);
		return -1;
	}
	return bx_err_said(err, ETIMEDOUT,
			  "%s did not freeze within %d ms (a process in uninterruptible sleep?); "
			  "wrote 0 back to cgroup.freeze, so it runs as before",
			  cg, timeout_ms);
}

int bx_box_freeze(bx_cgfs *fs, const bx_policy *p, const char *class_name, const char *id,
		  bool freeze, int timeout_ms, const bx_apply_opts *ao, bx_error **err)
{
	bx_lock *lock = NULL;
	if (bx_apply_guard(ao, &lock, err) < 0)
		return -1;
	int r = -1;
	const bx_class *c;
	cleanup_free char *cg = NULL;
	if (bx_box_locate(fs, p, class_name, id, &c, err) < 0)
		goto out;
	if (!(cg = bx_box_path(p, c->name, id))) {
		bx_err(err, ENOMEM, "box %s", id);
		goto out;
	}
	r = bx_box_set_frozen(fs, cg, freeze, timeout_ms, err);
	if (r < 0)
		bx_err_wrap(err, "%s box %s", freeze ? "freeze" : "thaw", id);
out:
	bx_lock_release(lock);
	return r;
}
