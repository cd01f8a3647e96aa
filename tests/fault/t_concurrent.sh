# 8 applies of 8 different policies (different boxes and values, with
# --prune) started at once on the same root and state directory: they
# serialize on the lock, every one succeeds, and the final tree is exactly
# one complete policy: the last one to run plans "No changes.", its boxes
# and none other exist, every value is its own.
# timeout: 300
. "$FAULT_LIB"
for i in 1 2 3 4 5 6 7 8; do
	{
		echo "version: 1"
		echo "root: boxlite"
		echo "classes:"
		echo "  small:"
		echo "    box:"
		echo "      memory: { max: ${i}GiB }"
		echo "      pids:   { max: $((100 + i)) }"
		echo "      cpu:    { weight: $((10 * i)) }"
		echo "    slice:"
		echo "      memory: { max: $((10 + i))GiB }"
		echo "boxes:"
		for b in $(seq 1 "$i"); do echo "  - { id: p$i-b$b, class: small }"; done
		echo "  - { id: shared, class: small }"
	} >"$TEST_TMP/p$i.yaml"
done
pids=""
for i in 1 2 3 4 5 6 7 8; do
	"$BOXCG" --root "$ROOT" --state-dir "$STATE" apply --prune --lock-timeout 240s \
		"$TEST_TMP/p$i.yaml" >"$TEST_TMP/out$i" 2>&1 &
	pids="$pids $!"
done
n=0
for p in $pids; do
	n=$((n + 1))
	wait "$p" || { cat "$TEST_TMP/out$n"; fail "apply of policy $n failed"; }
done
# Which policy is live? Exactly one plans no changes.
winner=""
for i in 1 2 3 4 5 6 7 8; do
	run "$BOXCG" --root "$ROOT" --state-dir "$STATE" plan --prune --detailed-exitcode "$TEST_TMP/p$i.yaml"
	case $STATUS in
	0) [ -z "$winner" ] || fail "policies $winner and $i both match the tree"
	   winner=$i ;;
	2) ;;
	*) show; fail "plan of policy $i: exit $STATUS" ;;
	esac
done
[ -n "$winner" ] || fail "the tree matches none of the 8 policies (a mix)"
note "policy $winner ran last"
# And by reading the files: its boxes, its values, nobody else's.
boxes=$(cd "$ROOT/boxlite/small" && find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\./||' | sort | tr '\n' ' ')
want=$( (echo shared; for b in $(seq 1 "$winner"); do echo "p$winner-b$b"; done) | sort | tr '\n' ' ')
[ "$boxes" = "$want" ] || fail "boxes '$boxes', want '$want'"
for b in $want; do
	[ "$(cat "$ROOT/boxlite/small/$b/memory.max")" = $((winner * 1073741824)) ] || fail "$b memory.max"
	[ "$(cat "$ROOT/boxlite/small/$b/pids.max")" = $((100 + winner)) ] || fail "$b pids.max"
	[ "$(cat "$ROOT/boxlite/small/$b/cpu.weight")" = $((10 * winner)) ] || fail "$b cpu.weight"
done
[ "$(cat "$ROOT/boxlite/small/memory.max")" = $(((10 + winner) * 1073741824)) ] || fail "slice memory.max"
assert_no_journal "after 8 concurrent applies"
# Nothing is ever written into the lock file (the kernel's lock table
# names a holder): its size is the state directory's generation, one per
# transaction that changed the tree (docs/APPLY.md), and every byte is a hole.
[ -f "$STATE/lock" ] || fail "no lock file $STATE/lock"
written=$(tr -d '\0' <"$STATE/lock" | wc -c)
[ "$written" = 0 ] || fail "the lock file holds $written written bytes, want none"
gen=$(stat -c %s "$STATE/lock")
[ "$gen" -ge 1 ] && [ "$gen" -le 8 ] || fail "generation $gen after 8 applies, want 1 to 8"
