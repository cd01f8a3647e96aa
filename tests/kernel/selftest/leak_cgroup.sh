#!/bin/sh
# Harness self-test, expected to be reported as LEAKING: it creates a cgroup
# without cg_scratch, starts a process in it and exits 0. The harness must
# fail it, kill the process and remove the cgroup.
# expect-dead: yes
# expect-output: left cgroups behind: /sys/fs/cgroup/selftest-leak
. "$TEST_LIB"
mkdir "$CG_MOUNT/selftest-leak"
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' sh "$CG_MOUNT/selftest-leak" &
echo $! >"$SELFTEST_STATE"
# Return only once it is inside, or the leak would be an empty cgroup.
while ! grep -qx $! "$CG_MOUNT/selftest-leak/cgroup.procs"; do sleep 0.05; done
