# SIGKILL before every mutation k; then apply refuses (a journal is
# there), `boxcg recover` restores the tree byte-for-byte and removes the
# journal, and a second recover is harmless.
# timeout: 900
. "$FAULT_LIB"
expect_status 0 bx apply "$P/base.yaml"
remember_tree
k=0
while :; do
	k=$((k + 1))
	[ $k -le 1000 ] || fail "no end in sight"
	run env BOXCG_TEST_KILL_AT=$k "$BOXCG" --root "$ROOT" --state-dir "$STATE" \
		apply --prune "$P/big.yaml"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 137 ] || { show; fail "k=$k: exit $STATUS, want 137 (SIGKILL)"; }
	[ -e "$STATE/journal" ] || fail "k=$k: killed, but no journal"
	expect_status 1 bx apply --prune "$P/big.yaml"
	assert_contains "boxcg recover" "$ERR" "apply beside a journal"
	expect_status 0 bx recover
	assert_contains "journal" "$OUT"
	assert_same_tree "kill at mutation $k, then recover"
	assert_no_journal "recover after kill at $k"
	expect_status 0 bx recover
	assert_contains "nothing to recover" "$OUT"
done
note "killed at 1..$((k - 1)), recovered each time"
[ $k -gt 100 ] || fail "only $k kill points"
