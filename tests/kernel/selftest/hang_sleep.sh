#!/bin/sh
# Harness self-test, expected to TIME OUT: it never finishes; the harness
# must stop it after its timeout and kill what it started.
# timeout: 3
# expect-dead: yes
# expect-output: timed out after 3s
# expect-output: processes when the timeout hit
# expect-output: : sleep 1000
. "$TEST_LIB"
sleep 1000 &
echo "$$ $!" >"$SELFTEST_STATE"
sleep 1000
