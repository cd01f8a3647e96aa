# A plan of 30+ steps; a failure injected at every mutation k = 1..N
# (journal writes and fsyncs included): each time exit 1, the whole tree
# byte-for-byte as before, no journal left.
. "$FAULT_LIB"
expect_status 0 bx apply "$P/base.yaml"
fault_each 1000 apply --prune "$P/big.yaml"
n=$(mutations_of "$OUT")
steps=$(sed -n 's/^(\([0-9]*\) steps.*/\1/p' <<<"$OUT")
note "plan of $steps steps, $n mutations; faults injected at 1..$((k - 1))"
[ "$steps" -ge 30 ] || fail "the plan has only $steps steps"
[ $((k - 1)) = "$n" ] || fail "tried $((k - 1)) fault points, the apply makes $n mutations"
# The run past the last mutation applied everything; again: no changes.
expect_status 0 bx apply --prune "$P/big.yaml"
assert_contains "No changes." "$OUT"
