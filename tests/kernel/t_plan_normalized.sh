#!/bin/sh
# On the real kernel: a tree set up by hand with values the kernel stores
# in its own form (memory in whole pages, huge pages in whole huge pages,
# cpuset lists merged, io.max with all four keys) plans "No changes." and
# shows no drift for a policy asking for the same values as written (the
# record of the settings boxcg manages, which such a tree lacks, is
# bookkeeping: apply writes it and still says "No changes."); a changed
# value plans exactly one write; a snapshot plans offline exactly as the
# kernel does.
# timeout: 300
. "$TEST_LIB"

cg_scratch
base=$CG
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }

# The tree, by hand: base → boxlite → small → b1, controllers enabled
# from the base down.
ctrls="cpuset cpu io memory hugetlb pids"
# shellcheck disable=SC2086 # one argument per controller
cg_enable "$base" $ctrls
mkdir "$base/boxlite"
# shellcheck disable=SC2086
cg_enable "$base/boxlite" $ctrls
mkdir "$base/boxlite/small"
# shellcheck disable=SC2086
cg_enable "$base/boxlite/small" $ctrls
mkdir "$base/boxlite/small/b1"
box=$base/boxlite/small/b1
echo 1000000 >"$box/memory.max"
echo 900000 >"$box/memory.high"
echo "50000 100000" >"$box/cpu.max"
echo "0,1" >"$box/cpuset.cpus"
echo 0 >"$box/cpuset.mems"
echo 5000000 >"$box/hugetlb.2MB.max"
echo "$RAM_MAJMIN rbps=1048576" >"$box/io.max"
echo 100 >"$box/pids.max"
echo 3000000 >"$base/boxlite/small/memory.max"

# What the kernel made of them.
assert_file_eq "$box/memory.max" 999424
assert_file_eq "$box/memory.high" 897024
assert_file_eq "$box/cpuset.cpus" 0-1
assert_file_eq "$box/hugetlb.2MB.max" 4194304
assert_file_eq "$box/io.max" "$RAM_MAJMIN rbps=1048576 wbps=max riops=max wiops=max"

cat >"$TEST_TMP/p.yaml" <<EOF
version: 1
root: boxlite
classes:
  small:
    box:
      memory: { max: 1000000, high: 900000 }
      cpu: { max: 0.5 }
      cpuset: { cpus: "0,1", mems: "0" }
      hugetlb: { 2MB: 5000000 }
      io:
        devices:
          - { device: "$RAM_MAJMIN", rbps: 1MiB }
      pids: { max: 100 }
    slice:
      memory: { max: 3000000 }
boxes:
  - { id: b1, class: small }
EOF

expect_ok bx plan --detailed-exitcode "$TEST_TMP/p.yaml"
assert_eq "No changes." "$OUT" "plan of the hand-made tree"
expect_ok bx diff "$TEST_TMP/p.yaml"
assert_contains "No drift" "$OUT"

# The JSON lists the two records boxcg will keep (user.boxcg.managed on
# the cgroups with settings) and counts no change; apply writes them and
# says "No changes."; a second apply has nothing at all to do.
expect_ok bx plan --json "$TEST_TMP/p.yaml"
assert_eq 2 "$(printf '%s\n' "$OUT" | grep -c '"op": "record"')" "record steps"
assert_contains '"to_change": 0' "$OUT"
expect_ok bx apply "$TEST_TMP/p.yaml"
assert_eq "No changes." "$OUT" "apply of the hand-made tree"
assert_file_eq "$box/memory.max" 999424
expect_ok bx plan --json "$TEST_TMP/p.yaml"
assert_contains '"steps": []' "$OUT"

# One value changed behind boxcg's back: one write, in kernel form.
echo 2000000 >"$box/memory.max"
expect_status 2 bx plan --detailed-exitcode "$TEST_TMP/p.yaml"
assert_contains "memory.max: 1952 KiB → 976 KiB" "$OUT"
assert_contains "Plan: 0 to create, 1 to change, 0 to remove." "$OUT"
expect_status 2 bx diff "$TEST_TMP/p.yaml"
assert_contains "boxlite/small/b1: memory.max is 1952 KiB, the policy says 976 KiB" "$OUT"

# The same plan from a snapshot of this kernel, without touching it.
expect_ok bx snapshot -o "$TEST_TMP/snap.json" "$TEST_TMP/p.yaml"
expect_status 2 bx plan --detailed-exitcode "$TEST_TMP/p.yaml"
live=$OUT
expect_status 2 boxcg plan --state "$TEST_TMP/snap.json" --detailed-exitcode "$TEST_TMP/p.yaml"
assert_eq "$live" "$OUT" "plan --state against the kernel's plan"

# Applied, it converges.
expect_ok bx apply "$TEST_TMP/p.yaml"
assert_file_eq "$box/memory.max" 999424
expect_ok bx plan --detailed-exitcode "$TEST_TMP/p.yaml"
assert_has_line "No changes." "$OUT"
