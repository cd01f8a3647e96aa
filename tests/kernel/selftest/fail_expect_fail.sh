#!/bin/sh
# Harness self-test, expected to FAIL: expect_fail on a command that succeeds.
# expect-output: 'true' succeeded, and must fail
. "$TEST_LIB"
expect_fail true
