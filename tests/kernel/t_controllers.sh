#!/bin/sh
# The VM's kernel offers what the boxcg kernel tests rely on: the cpu,
# memory, io, pids, cpuset and hugetlb controllers, enabled in the root's
# subtree and enable-able in a child's; 2 MB huge pages; and /dev/ram0, a
# real block device whose MAJ:MIN io.max accepts.
. "$TEST_LIB"

wanted="cpuset cpu io memory hugetlb pids"

available=" $(cat "$CG_MOUNT/cgroup.controllers") "
enabled=" $(cat "$CG_MOUNT/cgroup.subtree_control") "
for c in $wanted; do
	assert_contains " $c " "$available" "root cgroup.controllers"
	assert_contains " $c " "$enabled" "root cgroup.subtree_control"
done

cg_scratch
parent=$CG
assert_file_eq "$parent/cgroup.subtree_control" ""
# shellcheck disable=SC2086 # one argument per controller
cg_enable "$parent" $wanted
# The kernel lists controllers in its own order, whatever order they were
# enabled in.
assert_file_eq "$parent/cgroup.subtree_control" "$wanted"

cg_scratch "${parent##*/}/child"
child=$CG
assert_file_eq "$child/cgroup.controllers" "$wanted"
for f in cpu.max cpu.weight memory.max memory.high io.max io.weight pids.max \
	cpuset.cpus cpuset.mems hugetlb.2MB.max; do
	assert_exists "$child/$f"
done

# 2 MB huge pages were reserved on the kernel command line.
assert_file_has_line /proc/meminfo "HugePages_Total:      16"
assert_file_eq "$child/hugetlb.2MB.max" max

# /dev/ram0 (brd, block major 1) and its MAJ:MIN.
[ -b "$RAM_DEV" ] || fail "$RAM_DEV is not a block device"
assert_match '1:[0-9]*' "$RAM_MAJMIN" "RAM_MAJMIN"
assert_file_eq /sys/block/ram0/dev "$RAM_MAJMIN"
node=$(stat -c '%t:%T' "$RAM_DEV")
assert_eq "$RAM_MAJMIN" "$(printf '%d:%d' "0x${node%:*}" "0x${node#*:}")" "$RAM_DEV device number"

echo "$RAM_MAJMIN rbps=1048576" >"$child/io.max"
assert_file_eq "$child/io.max" "$RAM_MAJMIN rbps=1048576 wbps=max riops=max wiops=max"
