#!/bin/sh
# On the real kernel: boxcg records what it manages in each cgroup (the
# xattr user.boxcg.managed on cgroupfs); a key removed from the policy is
# written back to the kernel's default (memory.max, an io.max device line,
# a weight, a slice's limit), a limit a runtime set on a file the policy
# never declared survives every apply, a snapshot carries the record so
# plan --state plans exactly as the host does, and a failure at every
# mutation of the change rolls back the values and the records.
# timeout: 600
. "$TEST_LIB"

cg_scratch
base=$CG
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }
box=$base/boxlite/small/b1

cat >"$TEST_TMP/v1.yaml" <<EOF
version: 1
root: boxlite
classes:
  small:
    box:
      memory: { max: 1GiB }
      pids: { max: 64 }
      cpu: { weight: 200 }
      io:
        devices:
          - { device: "$RAM_MAJMIN", rbps: 1MiB }
    slice:
      memory: { max: 4GiB }
boxes:
  - { id: b1, class: small }
EOF
cat >"$TEST_TMP/v2.yaml" <<EOF
version: 1
root: boxlite
classes:
  small:
    box:
      pids: { max: 64 }
boxes:
  - { id: b1, class: small }
EOF

expect_ok bx apply "$TEST_TMP/v1.yaml"
assert_file_eq "$box/memory.max" 1073741824
assert_file_eq "$box/io.max" "$RAM_MAJMIN rbps=1048576 wbps=max riops=max wiops=max"
# What boxcg recorded, as a snapshot shows it.
expect_ok bx snapshot "$TEST_TMP/v1.yaml"
assert_contains '"managed": "cpu.weight io.max['"$RAM_MAJMIN"'] memory.max pids.max"' "$OUT"

# A runtime sets a limit of its own on a file the policy does not declare.
echo 536870912 >"$box/memory.high"
expect_ok bx apply "$TEST_TMP/v1.yaml"
assert_contains "No changes." "$OUT"
assert_file_eq "$box/memory.high" 536870912

# The keys removed: the plan writes each back to the kernel's default.
expect_status 2 bx plan --detailed-exitcode "$TEST_TMP/v2.yaml"
live=$OUT
note "$live"
assert_contains "memory.max: 1 GiB → max" "$OUT"
assert_contains "memory.max: 4 GiB → max" "$OUT"
assert_contains "io.max[$RAM_MAJMIN]: rbps=1048576 wbps=max riops=max wiops=max → rbps=max wbps=max riops=max wiops=max" "$OUT"
assert_contains "cpu.weight: 200 → 100" "$OUT"
case $OUT in *memory.high*) fail "the plan touches memory.high, which boxcg never set" ;; esac
case $OUT in *user.boxcg.managed*) fail "the text plan shows the record (bookkeeping)" ;; esac
# The record is rewritten too: a step in the JSON, not counted.
expect_ok bx plan --json "$TEST_TMP/v2.yaml"
assert_contains '"old": "cpu.weight io.max['"$RAM_MAJMIN"'] memory.max pids.max"' "$OUT"
assert_contains '"to_change": 4' "$OUT"

# A snapshot carries the records: planning from it is planning here.
expect_ok bx snapshot -o "$TEST_TMP/snap.json" "$TEST_TMP/v2.yaml"
expect_status 2 boxcg plan --state "$TEST_TMP/snap.json" --detailed-exitcode "$TEST_TMP/v2.yaml"
assert_eq "$live" "$OUT" "plan --state against the kernel's plan"

# A failure at every mutation of the change: values and records as before.
expect_ok bx snapshot "$TEST_TMP/v2.yaml"
before=$OUT
k=0
while :; do
	k=$((k + 1))
	[ $k -le 200 ] || fail "no end in sight"
	run env BOXCG_TEST_FAULT_AT=$k,EIO boxcg --root "$base" --state-dir "$S" apply "$TEST_TMP/v2.yaml"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 1 ] || { note "$ERR"; fail "fault at $k: exit $STATUS, want 1"; }
	expect_ok bx snapshot "$TEST_TMP/v2.yaml"
	[ "$OUT" = "$before" ] || {
		printf '%s\n' "$before" >"$TEST_TMP/before"
		printf '%s\n' "$OUT" >"$TEST_TMP/now"
		diff "$TEST_TMP/before" "$TEST_TMP/now" || true
		fail "fault at mutation $k: the tree or its records are not as before"
	}
	assert_missing "$S/journal"
done
note "faults at 1..$((k - 1)): rolled back each time"
[ $k -gt 10 ] || fail "only $((k - 1)) fault points"

# Applied (the run past the last mutation): the kernel's defaults, the
# runtime's limit untouched, and nothing left to do.
assert_file_eq "$box/memory.max" max
assert_file_eq "$base/boxlite/small/memory.max" max
assert_file_eq "$box/io.max" ""
assert_file_eq "$box/cpu.weight" 100
assert_file_eq "$box/pids.max" 64
assert_file_eq "$box/memory.high" 536870912
expect_ok bx plan --detailed-exitcode "$TEST_TMP/v2.yaml"
assert_has_line "No changes." "$OUT"
expect_ok bx diff "$TEST_TMP/v2.yaml"
assert_contains "No drift" "$OUT"

# Back to v1: the limits return, and the record with them.
expect_ok bx apply "$TEST_TMP/v1.yaml"
assert_file_eq "$box/memory.max" 1073741824
expect_ok bx plan --detailed-exitcode "$TEST_TMP/v1.yaml"
assert_has_line "No changes." "$OUT"
