#!/bin/sh
# Harness self-test, expected to FAIL: assert_file_eq on a file that differs.
# expect-output: want 'max', got '10000 100000'
. "$TEST_LIB"
printf '10000 100000\n' >"$TEST_TMP/cpu.max"
assert_file_eq "$TEST_TMP/cpu.max" max
