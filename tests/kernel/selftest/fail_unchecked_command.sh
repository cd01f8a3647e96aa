#!/bin/sh
# Harness self-test, expected to FAIL: lib.sh turns on `set -e`, so an
# unchecked failing command fails the test even though it ends with exit 0.
# expect-output: (exit 1)
. "$TEST_LIB"
false
exit 0
