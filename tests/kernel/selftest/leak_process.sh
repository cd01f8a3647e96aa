#!/bin/sh
# Harness self-test, expected to be reported as LEAKING: it starts a
# process outside any cgroup of its own and exits 0 with it still running
# (re-parented to PID 1). The harness must fail it, name the process and
# kill it.
# expect-dead: yes
# expect-output: left processes behind:
# expect-output: (sleep 1001)
. "$TEST_LIB"
sleep 1001 &
echo $! >"$SELFTEST_STATE"
