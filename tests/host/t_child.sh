#!/usr/bin/env bash
# Cgroups can be made, populated and nested inside the scratch cgroup, and
# the kernel enforces the rules the cleanup depends on.
. "$TEST_LIB"

cg_scratch child
child=$CG
assert_eq "$CG_MOUNT/$SCRATCH/child" "$child" "cg_scratch path"
assert_eq cgroup2fs "$(stat -f -c %T "$child")" "filesystem type"
assert_exists "$child/cgroup.procs"

# A process started inside it is listed there and marks it populated.
cg_spawn "$child" sleep 1000
pid=$SPAWNED
assert_file_eq "$child/cgroup.procs" "$pid"
assert_file_has_line "$child/cgroup.events" "populated 1"
assert_file_has_line "/proc/$pid/cgroup" "0::/$SCRATCH/child"

# A populated cgroup cannot be removed; neither can one with children.
expect_fail rmdir "$child"
kill "$pid"
wait "$pid" 2>/dev/null || :
i=0
until grep -qx 'populated 0' "$child/cgroup.events"; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "$child still populated after its only process exited"
	sleep 0.1
done
cg_scratch child/grandchild
assert_exists "$child/grandchild/cgroup.procs"
expect_fail rmdir "$child"
