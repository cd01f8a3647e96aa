#!/bin/sh
# The statically linked boxcg runs in the VM (its initramfs has no libc):
# it prints its version and rejects an unknown option.
. "$TEST_LIB"

expect_ok boxcg --version
assert_match 'boxcg [0-9]*.[0-9]*.[0-9]*' "$OUT" "boxcg --version"
assert_eq "" "$ERR" "boxcg --version stderr"

expect_status 1 boxcg --no-such-option
assert_contains "Try 'boxcg --help'." "$ERR" "boxcg --no-such-option stderr"
