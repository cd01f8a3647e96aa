# A saved plan is applied only while the live tree is what it was
# computed from: a changed value is refused, naming what changed, and
# nothing is written; a fresh plan file applies.
. "$FAULT_LIB"
expect_status 0 bx apply "$P/base.yaml"
expect_status 0 bx plan --prune -o "$TEST_TMP/big.plan" "$P/big.yaml"
# Someone changes the tree behind the plan's back.
echo 4242 >"$ROOT/boxlite/small/b1/pids.max"
remember_tree
expect_status 1 bx apply --plan "$TEST_TMP/big.plan"
assert_contains "stale" "$ERR"
assert_contains "pids.max" "$ERR" "what changed"
assert_same_tree "stale plan"
assert_no_journal "stale plan"
# --plan with a POLICY is a usage error.
expect_status 1 bx apply --plan "$TEST_TMP/big.plan" "$P/big.yaml"
# A fresh plan applies, and then the policy plans no changes.
expect_status 0 bx plan --prune -o "$TEST_TMP/big2.plan" "$P/big.yaml"
expect_status 0 bx apply --plan "$TEST_TMP/big2.plan"
assert_contains "Applied:" "$OUT"
expect_status 0 bx plan --prune --detailed-exitcode "$P/big.yaml"
# Applying the same plan file twice: its world changed (it applied).
expect_status 1 bx apply --plan "$TEST_TMP/big2.plan"
assert_contains "stale" "$ERR"
