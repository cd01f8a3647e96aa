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
fault_each 200 box update v1 --set memory.max=1GiB --set pids.max=12 --set cpu.max=2 "$P/sized.yaml"
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
# kill_each WHAT ARGS…: boxcg ARGS killed before each of its mutations
# in turn, each time recovered byte for byte, until it runs through; $k
# is then one past the last kill point.
kill_each() {
	local what=$1
	shift
	remember_tree
	k=0
	while :; do
		k=$((k + 1))
		[ $k -le 200 ] || fail "no end in sight"
		run env BOXCG_TEST_KILL_AT=$k "$BOXCG" --root "$ROOT" --state-dir "$STATE" "$@"
		[ "$STATUS" = 0 ] && break
		[ "$STATUS" = 137 ] || { show; fail "$what, kill at $k: exit $STATUS, want 137"; }
		expect_status 0 bx recover
		assert_same_tree "$what killed at mutation $k, then recover"
		assert_no_journal "recover after the $what killed at $k"
	done
	note "box $what killed at 1..$((k - 1)), recovered each time"
}
kill_each update box update v1 --set memory.max=4GiB --set pids.max=20 --set cpu.max=3 "$P/sized.yaml"
[ $k -ge 5 ] || fail "only $((k - 1)) kill points"
[ "$(cat "$ROOT/boxlite/vm/v1/pids.max")" = 20 ] || fail "pids.max not updated after the kills"
kill_each create box create v2 --class vm --set pids.max=5 "$P/sized.yaml"
[ "$(cat "$ROOT/boxlite/vm/v2/pids.max")" = 5 ] || fail "v2 not created after the kills"
