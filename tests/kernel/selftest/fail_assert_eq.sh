#!/bin/sh
# Harness self-test, expected to FAIL: a failing assertion.
# expect-output: FAIL: value: want 'expected', got 'actual'
. "$TEST_LIB"
assert_eq expected actual
