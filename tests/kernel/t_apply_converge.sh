#!/bin/sh
# On the real kernel: every bundled policy (policies/, shipped into the VM
# at /policies) applies, then plans "No changes."; then a changed policy
# applies and converges too.
# timeout: 300
. "$TEST_LIB"
dir=${BOXCG_POLICIES:-/policies}
[ -d "$dir" ] || fail "$dir is missing: tests/kernel/run.sh must copy the repository's policies/ into the VM"
cg_scratch
base=$CG
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }
n=0
for p in "$dir"/*.yaml "$dir"/*.yml; do
	[ -e "$p" ] || continue
	n=$((n + 1))
	note "== $p"
	expect_ok bx apply --prune "$p"
	expect_ok bx apply --prune "$p"
	assert_contains "No changes." "$OUT" "second apply of $p"
	expect_ok bx plan --prune --detailed-exitcode "$p"
done
[ $n -gt 0 ] || fail "no policy in $dir"
note "$n bundled policies applied and converged"

# A changed policy: new values, a new class, a removed box.
cat >"$TEST_TMP/v1.yaml" <<EOF2
version: 1
root: converge
classes:
  web:
    box:
      cpu: { max: 1, weight: 200 }
      memory: { max: 256MiB, high: 200MiB }
      pids: { max: 200 }
      io:
        devices:
          - { device: "$RAM_MAJMIN", rbps: 4MiB }
boxes:
  - { id: w1, class: web }
  - { id: w2, class: web }
EOF2
cat >"$TEST_TMP/v2.yaml" <<EOF2
version: 1
root: converge
classes:
  web:
    box:
      cpu: { max: 2, nice: 4 }
      memory: { max: 512MiB, high: 400MiB }
      pids: { max: 200 }
      io:
        devices:
          - { device: "$RAM_MAJMIN", rbps: 8MiB, wiops: 300 }
  db:
    box:
      memory: { max: 128MiB }
      cpu: { idle: true }
boxes:
  - { id: w1, class: web }
  - { id: d1, class: db }
EOF2
expect_ok bx apply "$TEST_TMP/v1.yaml"
expect_ok bx apply "$TEST_TMP/v1.yaml"
assert_contains "No changes." "$OUT"
expect_ok bx apply --prune "$TEST_TMP/v2.yaml"
assert_missing "$base/converge/web/w2"
assert_file_eq "$base/converge/web/w1/cpu.weight.nice" 4
assert_file_eq "$base/converge/web/w1/memory.max" 536870912
assert_file_eq "$base/converge/web/w1/io.max" "$RAM_MAJMIN rbps=8388608 wbps=max riops=max wiops=300"
assert_file_eq "$base/converge/db/d1/cpu.idle" 1
expect_ok bx apply --prune "$TEST_TMP/v2.yaml"
assert_contains "No changes." "$OUT"
expect_ok bx plan --prune --detailed-exitcode "$TEST_TMP/v2.yaml"
