# box update takes its undo records from the observation it planned from
# (docs/ARCHITECTURE.md, "Frames"): a failure injected at every mutation
# k = 1..N must still leave the box byte-for-byte as before (a file with
# no trailing newline, one the kernel would lack, the record), exit 1, no
# journal; and the run past the last mutation changes exactly what the
# new values change.
# timeout: 600
. "$FAULT_LIB"
expect_status 0 bx box create v1 --class vm --set memory.max=2GiB --set pids.max=8 "$P/sized.yaml"
# bytes boxcg would not write itself: no newline, and no memory.low file
printf '300' >"$ROOT/boxlite/vm/v1/pids.max"
rm -f "$ROOT/boxlite/vm/v1/memory.low"
remember_tree
k=0
while :; do
	k=$((k + 1))
	[ $k -le 200 ] || fail "no end in sight"
	run env BOXCG_TEST_FAULT_AT=$k,EIO "$BOXCG" -v --root "$ROOT" --state-dir "$STATE" \
		box update v1 --set memory.max=1GiB --set pids.max=12 --set cpu.max=2 "$P/sized.yaml"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 1 ] || { show; fail "k=$k: exit $STATUS, want 1"; }
	assert_contains "Input/output error" "$ERR" "k=$k stderr"
	assert_same_tree "fault at mutation $k"
	assert_no_journal "fault at mutation $k"
done
note "faults injected at 1..$((k - 1))"
[ $k -ge 8 ] || fail "only $((k - 1)) fault points"
[ "$(cat "$ROOT/boxlite/vm/v1/pids.max")" = 12 ] || fail "pids.max not updated"
[ "$(cat "$ROOT/boxlite/vm/v1/cpu.max")" = "200000 100000" ] || fail "cpu.max not updated"
[ "$(cat "$ROOT/boxlite/vm/v1/memory.max")" = 1140850688 ] || fail "memory.max not updated"
[ ! -e "$ROOT/boxlite/vm/v1/memory.low" ] || fail "update wrote memory.low, which its values do not change"

# The records of a box transaction are written with the journal's header,
# before the first step (docs/APPLY.md): SIGKILL before every mutation k,
# and `boxcg recover` undoes what ran and leaves what never ran, byte for
# byte. The same for a box create (its mkdir's record).
update_args=(box update v1 --set memory.max=4GiB --set pids.max=20 --set cpu.max=3 "$P/sized.yaml")
remember_tree
k=0
while :; do
	k=$((k + 1))
	[ $k -le 200 ] || fail "no end in sight"
	run env BOXCG_TEST_KILL_AT=$k "$BOXCG" --root "$ROOT" --state-dir "$STATE" "${update_args[@]}"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 137 ] || { show; fail "update, kill at $k: exit $STATUS, want 137"; }
	expect_status 0 bx recover
	assert_same_tree "update killed at mutation $k, then recover"
	assert_no_journal "recover after the update killed at $k"
done
note "box update killed at 1..$((k - 1)), recovered each time"
[ $k -ge 5 ] || fail "only $((k - 1)) kill points"
[ "$(cat "$ROOT/boxlite/vm/v1/pids.max")" = 20 ] || fail "pids.max not updated after the kills"
remember_tree
k=0
while :; do
	k=$((k + 1))
	[ $k -le 200 ] || fail "no end in sight"
	run env BOXCG_TEST_KILL_AT=$k "$BOXCG" --root "$ROOT" --state-dir "$STATE" \
		box create v2 --class vm --set pids.max=5 "$P/sized.yaml"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 137 ] || { show; fail "create, kill at $k: exit $STATUS, want 137"; }
	expect_status 0 bx recover
	assert_same_tree "create killed at mutation $k, then recover"
	assert_no_journal "recover after the create killed at $k"
done
note "box create killed at 1..$((k - 1)), recovered each time"
[ "$(cat "$ROOT/boxlite/vm/v2/pids.max")" = 5 ] || fail "v2 not created after the kills"
