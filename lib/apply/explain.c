/* What a kernel errno means for the step that got it, in cgroup terms. */
#include <errno.h>
#include <string.h>

#include "apply/apply.h"
#include "core/util.h"

static bool prefix(const char *s, const char *p)
{
	return s && strncmp(s, p, strlen(p)) == 0;
}

static const char *explain_ctrl(bx_op op, int e)
{
	switch (e) {
	case EBUSY:
		return op == BX_OP_ENABLE
			       ? "EBUSY on cgroup.subtree_control: the cgroup has processes of its own, "
				 "and a cgroup with processes cannot hand domain controllers (memory, io, "
				 "…) to children (the no-internal-process rule); move the processes into a "
				 "leaf cgroup first"
			       : "EBUSY on cgroup.subtree_control: a child cgroup still enables this "
				 "controller for its own children";
	case ENOENT:
		return "ENOENT on cgroup.subtree_control: the controller is not available here: "
		       "the parent does not enable it (see cgroup.controllers), or it is bound to a "
		       "cgroup v1 hierarchy";
	case EINVAL:
		return "EINVAL on cgroup.subtree_control: the kernel does not know this controller";
	case EOPNOTSUPP:
		return "EOPNOTSUPP on cgroup.subtree_control: the controller cannot be enabled in a "
		       "threaded subtree";
	}
	return NULL;
}

static const char *explain_write(const char *f, int e)
{
	if (e == ENOENT)
		return "ENOENT: the interface file does not exist: its controller is not enabled in "
		       "the parent's cgroup.subtree_control";
	if (e == EACCES || e == EPERM)
		return "permission denied: the cgroup is not delegated to this user";
	if (e == ENODEV && !prefix(f, "io."))
		return "ENODEV: the cgroup was removed meanwhile";
	if (prefix(f, "cpuset.")) {
		if (e == EINVAL || e == ERANGE)
			return e == EINVAL ? "EINVAL on cpuset: CPUs or memory nodes outside the possible "
					     "set, or a malformed list"
					   : "ERANGE on cpuset: CPUs or memory nodes outside the possible "
					     "set (beyond the highest CPU this kernel can have)";
		if (e == ENOSPC)
			return "ENOSPC on cpuset: the cgroup has tasks and the list would leave them no "
			       "CPU or node";
		if (e == EBUSY)
			return "EBUSY on cpuset: the CPUs are taken by an exclusive sibling partition";
	}
	if (prefix(f, "io.")) {
		if (e == ENODEV)
			return "ENODEV on io.max/io.weight: no such block device, or it is a partition "
			       "(limits apply to whole disks)";
		if (e == EOPNOTSUPP)
			return "EOPNOTSUPP on io.weight: the device has no weight-based I/O controller "
			       "(enable the bfq scheduler or io.cost)";
		if (e == ERANGE)
			return "ERANGE on io: 0 is not a valid limit, weights are 1–10000";
	}
	if (prefix(f, "cpu.")) {
		if (e == EINVAL && strcmp(f, "cpu.weight") == 0)
			return "EINVAL on cpu.weight: the cgroup is idle (cpu.idle 1), whose weight is "
			       "fixed";
		if (e == EINVAL && prefix(f, "cpu.max"))
			return "EINVAL on cpu.max/cpu.max.burst: the burst is above the quota, or the "
			       "quota or period is out of range";
		if (e == ERANGE)
			return "ERANGE on cpu: weight 1–10000, nice -20–19";
	}
	if (prefix(f, "hugetlb.") && e == EBUSY)
		return "EBUSY on hugetlb: the limit is below the huge pages in use";
	if (e == EINVAL)
		return "EINVAL: the kernel rejects the value's format or range";
	if (e == E2BIG)
		return "E2BIG: the value is longer than a page";
	return NULL;
}

const char *bx_apply_explain(const bx_step *s, int e)
{
	if (!s || !e)
		return NULL;
	switch (s->op) {
	case BX_OP_ENABLE:
	case BX_OP_DISABLE:
		return explain_ctrl(s->op, e);
	case BX_OP_MKDIR:
		if (e == EAGAIN)
			return "EAGAIN on mkdir: an ancestor's cgroup.max.descendants or "
			       "cgroup.max.depth is reached";
		if (e == EEXIST)
			return "EEXIST on mkdir: the cgroup appeared after the plan was made";
		if (e == ENOENT)
			return "ENOENT on mkdir: the parent cgroup does not exist";
		if (e == ENOSPC)
			return "ENOSPC on mkdir: the kernel's cgroup limit is reached";
		break;
	case BX_OP_RMDIR:
		if (e == EBUSY)
			return "EBUSY on rmdir: the cgroup still has processes or child cgroups";
		break;
	case BX_OP_WRITE:
		return explain_write(s->file, e);
	case BX_OP_RECORD:
		if (e == ENOSPC || e == E2BIG)
			return "ENOSPC/E2BIG on the record: the cgroup's user xattrs are full "
			       "(kernfs allows 128 of at most 128 KiB in all)";
		break;
	}
	if (e == EACCES || e == EPERM)
		return "permission denied: the cgroup is not delegated to this user";
	return NULL;
}
