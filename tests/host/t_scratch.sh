#!/usr/bin/env bash
# The runner gave this test a fresh, empty scratch cgroup of its own,
# directly under the cgroup2 mount it found in /proc/self/mountinfo.
. "$TEST_LIB"

assert_match 'boxcg-test-*' "$SCRATCH" "scratch name"
case $SCRATCH in */*) fail "scratch '$SCRATCH' is not directly under the mount" ;; esac
dir=$CG_MOUNT/$SCRATCH
assert_eq "$dir" "$CG_BASE" "CG_BASE"

# Both the filesystem type and the mount table say cgroup2.
assert_eq cgroup2fs "$(stat -f -c %T "$dir")" "filesystem type of $dir"
fstype=$(awk -v m="$CG_MOUNT" '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($5 == m) print $(i + 1); break } }' /proc/self/mountinfo)
assert_has_line cgroup2 "$fstype" "fstype of $CG_MOUNT in mountinfo"

# Fresh: no processes, no children, nothing enabled below it.
assert_file_eq "$dir/cgroup.procs" ""
assert_file_eq "$dir/cgroup.subtree_control" ""
assert_file_has_line "$dir/cgroup.events" "populated 0"
assert_eq "" "$(find "$dir" -mindepth 1 -type d)" "child cgroups"
