# A plan of 30+ steps; a failure injected at every mutation k = 1..N
# (journal writes and fsyncs included): each time exit 1, the whole tree
# byte-for-byte as before, no journal left.
. "$FAULT_LIB"
expect_status 0 bx apply "$P/base.yaml"
remember_tree
k=0
while :; do
	k=$((k + 1))
	[ $k -le 1000 ] || fail "no end in sight"
	run env BOXCG_TEST_FAULT_AT=$k,EIO "$BOXCG" -v --root "$ROOT" --state-dir "$STATE" \
		apply --prune "$P/big.yaml"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 1 ] || { show; fail "k=$k: exit $STATUS, want 1"; }
	assert_contains "Input/output error" "$ERR" "k=$k stderr"
	assert_same_tree "fault at mutation $k"
	assert_no_journal "fault at mutation $k"
done
n=$(mutations_of "$OUT")
steps=$(sed -n 's/^(\([0-9]*\) steps.*/\1/p' <<<"$OUT")
note "plan of $steps steps, $n mutations; faults injected at 1..$((k - 1))"
[ "$steps" -ge 30 ] || fail "the plan has only $steps steps"
[ $((k - 1)) = "$n" ] || fail "tried $((k - 1)) fault points, the apply makes $n mutations"
# The run past the last mutation applied everything; again: no changes.
expect_status 0 bx apply --prune "$P/big.yaml"
assert_contains "No changes." "$OUT"
