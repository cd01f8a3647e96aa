/* box attach: move a running process into a box. */
#include <errno.h>
#include <stdio.h>

#include "box/box.h"

int bx_box_attach(bx_cgfs *fs, const char *cg, pid_t pid, bx_error **err)
{
	if (pid <= 0)
		return bx_err(err, EINVAL, "attach to %s: invalid pid %d", cg, (int)pid);
	char buf[24];
	snprintf(buf, sizeof buf, "%d", (int)pid);
	if (bx_cgfs_write(fs, cg, "cgroup.procs", buf, err) < 0) {
		/* ESRCH: no such process; EBUSY: the box has child cgroups
		 * with controllers (no internal processes). */
		return bx_err_wrap(err, "attach pid %d", (int)pid);
	}
	return 0;
}
