#!/bin/sh
# On the real kernel: every bundled policy (the policies/ directory, and
# each of policies/examples/, shipped into the VM at /policies) applies,
# then plans "No changes."; then changed policies apply and converge too.
# timeout: 300
. "$TEST_LIB"
dir=${BOXCG_POLICIES:-/policies}
[ -d "$dir" ] || fail "$dir is missing: tests/kernel/run.sh copies the repository's policies/ there"
cg_scratch
base=$CG
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }

# apply, apply again ("No changes."), plan --detailed-exitcode (0).
converges() {
	note "== $*"
	expect_ok bx apply --prune "$@"
	expect_ok bx apply --prune "$@"
	assert_contains "No changes." "$OUT" "second apply of $*"
	expect_ok bx plan --prune --detailed-exitcode "$@"
}

# The bundled policy: the directory, its files merged in name order.
converges "$dir"
n=1
# The examples, one policy each. This VM's only disk is /dev/ram0 (brd),
# which has no weight-based IO controller: device lines name it instead
# of 8:0, and per-device weights are left out.
for p in "$dir"/examples/*.yaml "$dir"/examples/*.yml; do
	[ -e "$p" ] || continue
	sed -e "s/\"8:0\"/\"$RAM_MAJMIN\"/" -e '/^ *weight: *[0-9]* *# io.weight "8:0/d' "$p" >"$TEST_TMP/example.yaml"
	converges "$TEST_TMP/example.yaml"
	n=$((n + 1))
done
note "$n bundled policies applied and converged"
# Back to the bundled policy: a change that removes the examples' classes.
converges "$dir"

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
