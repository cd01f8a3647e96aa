#!/bin/sh
# Harness self-test, expected to PASS: every helper used the way that
# succeeds, including a scratch cgroup with a process left inside it,
# which the EXIT cleanup must kill and remove (else the harness reports
# a leak and this self-test fails).
# expect-dead: yes
. "$TEST_LIB"

assert_eq a a
assert_ne a b
assert_match 'ab*' abc
assert_contains needle "hay needle stack"
assert_has_line "two" "one
two"
expect_ok true
expect_fail false
expect_status 3 sh -c 'echo out; echo err >&2; exit 3'
assert_eq out "$OUT" stdout
assert_eq err "$ERR" stderr
printf 'x\n' >"$TEST_TMP/f"
assert_file_eq "$TEST_TMP/f" x
assert_file_has_line "$TEST_TMP/f" x
assert_exists "$TEST_TMP/f"
assert_missing "$TEST_TMP/nothing"

cg_scratch
assert_exists "$CG/cgroup.procs"
cg_spawn "$CG" sleep 1000
assert_eq "$SPAWNED" "$(cg_procs "$CG")" "cgroup.procs"
cg_run "$CG" true
echo "$SPAWNED" >"$SELFTEST_STATE"
