# A second applier waits up to --lock-timeout, then fails naming the pid
# of the holder, and changes nothing.
. "$FAULT_LIB"
expect_status 0 bx apply "$P/base.yaml"
remember_tree
command -v flock >/dev/null || fail "flock(1) is needed"
# Hold the lock the way boxcg does: flock on <state>/lock, nothing written
# into it. The holder /proc/locks names is the process that called flock:
# flock(1) itself, the parent of the command it runs (which inherits the
# fd and so keeps the lock too).
flock "$STATE/lock" sh -c 'echo "$PPID $$" >"$1.tmp"; mv "$1.tmp" "$1"; exec sleep 60' sh "$TEST_TMP/ready" &
holder_job=$!
i=0
until [ -s "$TEST_TMP/ready" ]; do
	i=$((i + 1))
	[ $i -le 400 ] || fail "the lock holder did not start"
	sleep 0.05
done
read -r holder sleeper <"$TEST_TMP/ready"
# (its size is the generation, docs/APPLY.md: holes, never written bytes)
[ "$(tr -d '\0' <"$STATE/lock" | wc -c)" = 0 ] || fail "the lock file holds written bytes"
expect_status 1 bx apply --lock-timeout 300ms "$P/big.yaml"
assert_contains "pid $holder" "$ERR" "lock timeout"
assert_contains "--lock-timeout" "$ERR"
assert_same_tree "lock timeout"
# With no journal, recover needs no lock and says so.
expect_status 0 bx recover --lock-timeout 0
assert_contains "nothing to recover" "$OUT"
kill "$sleeper" "$holder" "$holder_job" 2>/dev/null || true
wait 2>/dev/null || true
# Bad durations are usage errors.
expect_status 1 bx apply --lock-timeout 5x "$P/big.yaml"
assert_contains "bad duration" "$ERR"
expect_status 0 bx apply --lock-timeout 5s "$P/big.yaml"
