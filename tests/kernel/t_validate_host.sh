#!/bin/sh
# On the real kernel: `validate --host` reads the base's cgroup.controllers
# and reports a controller the policy needs that the parent has not
# enabled, at the setting that needs it, with the explanation plan gives;
# plain validate does not look; validate --host writes nothing; once the
# parent enables the controller, the same command passes.
# timeout: 120
. "$TEST_LIB"

cg_scratch
parent=$CG
cg_enable "$parent" cpu memory pids
cg_scratch "${parent##*/}/base"
base=$CG
assert_file_eq "$base/cgroup.controllers" "cpu memory pids"
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }

cat >"$TEST_TMP/p.yaml" <<EOF
version: 1
classes:
  small:
    box:
      memory: { max: 64MiB }
      io: { weight: 50 }
boxes:
  - { id: b1, class: small }
EOF

expect_ok bx validate "$TEST_TMP/p.yaml"
assert_eq "$TEST_TMP/p.yaml: 1 class, 1 box: valid" "$OUT" "plain validate"

expect_status 1 bx validate --host "$TEST_TMP/p.yaml"
why="controller io is not available at $base (needed by io.weight): it is missing from the base's cgroup.controllers: the cgroup above the base has not enabled or delegated it"
assert_eq "$TEST_TMP/p.yaml:6:21: error: $why [classes.small.box.io.weight]" "$ERR" "validate --host"
assert_eq "$TEST_TMP/p.yaml: 1 error: invalid" "$OUT" "validate --host summary"

expect_status 1 bx validate --host --json "$TEST_TMP/p.yaml"
assert_contains '"message": "controller io is not available at' "$OUT" "validate --host --json"

expect_status 1 bx plan "$TEST_TMP/p.yaml"
assert_eq "boxcg: error: controller io is not available at $base (needed by io.weight, $TEST_TMP/p.yaml:6:21 [classes.small.box.io.weight]): it is missing from the base's cgroup.controllers: the cgroup above the base has not enabled or delegated it" \
	"$ERR" "plan gives the same explanation"

# Nothing was written: no cgroup below the base, subtree_control untouched.
assert_eq "" "$(find "$base" -mindepth 1 -type d)" "cgroups below the base"
assert_file_eq "$base/cgroup.subtree_control" ""

cg_enable "$parent" io
expect_ok bx validate --host "$TEST_TMP/p.yaml"
assert_eq "$TEST_TMP/p.yaml: 1 class, 1 box: valid" "$OUT" "validate --host once io is enabled"
