# Files boxcg reads back that someone planted (issue 15, reproductions 3
# and 4), through the CLI: a FIFO journal, a lock hard-linked to a file
# elsewhere, a journal with loose mode, a FIFO cgroup.procs, a 1 GiB
# sparse memory.max. Each is refused at once, nothing hangs, nothing
# outside is touched.
# timeout: 300
. "$FAULT_LIB"
expect_status 0 bx apply "$P/base.yaml"
remember_tree
T() { timeout 30 "$@"; } # a hang is a failure (exit 124), not a stuck suite

# A FIFO named journal: recover refuses it without blocking (exit 3).
mkfifo "$STATE/journal"
expect_status 3 T "$BOXCG" --root "$ROOT" --state-dir "$STATE" recover
assert_contains "not a regular file" "$ERR" "FIFO journal"
expect_status 1 T "$BOXCG" --root "$ROOT" --state-dir "$STATE" apply "$P/base.yaml"
assert_contains "run \`boxcg recover\` first" "$ERR"
rm "$STATE/journal"

# A journal that is group/other writable is not replayed (exit 3, kept).
run env BOXCG_TEST_KILL_AT=40 "$BOXCG" --root "$ROOT" --state-dir "$STATE" apply --prune "$P/big.yaml"
[ "$STATUS" = 137 ] || { show; fail "want SIGKILL"; }
chmod 0666 "$STATE/journal"
snap=$(tree_sum "$ROOT")
expect_status 3 bx recover
assert_contains "group or others" "$ERR"
[ "$snap" = "$(tree_sum "$ROOT")" ] || fail "a loose journal was replayed"
chmod 0600 "$STATE/journal"
expect_status 0 bx recover
assert_same_tree "recover after fixing the journal's mode"

# A lock hard-linked to a file elsewhere: refused, the target untouched.
echo "precious" >"$TEST_TMP/precious"
chmod 0600 "$TEST_TMP/precious"
rm -f "$STATE/lock"
ln "$TEST_TMP/precious" "$STATE/lock"
expect_status 1 bx apply "$P/base.yaml"
assert_contains "more than one link" "$ERR"
[ "$(cat "$TEST_TMP/precious")" = precious ] || fail "the lock's link target was truncated"
rm "$STATE/lock"

# A FIFO cgroup.procs: box exec fails at once instead of blocking in open().
rm -f "$ROOT/boxlite/small/b1/cgroup.procs"
mkfifo "$ROOT/boxlite/small/b1/cgroup.procs"
run T "$BOXCG" --root "$ROOT" --state-dir "$STATE" box exec b1 --class small "$P/base.yaml" -- true
[ "$STATUS" != 124 ] || fail "box exec blocked on a FIFO cgroup.procs"
[ "$STATUS" != 0 ] || fail "box exec ran with a FIFO cgroup.procs"
assert_contains "not a plain file" "$ERR" "FIFO cgroup.procs"
rm "$ROOT/boxlite/small/b1/cgroup.procs"

# A 1 GiB sparse memory.max is refused, not read whole.
cp "$ROOT/boxlite/small/b1/memory.max" "$TEST_TMP/mm" 2>/dev/null || :
truncate -s 1G "$ROOT/boxlite/small/b1/memory.max"
run T "$BOXCG" --root "$ROOT" --state-dir "$STATE" plan "$P/base.yaml"
[ "$STATUS" = 1 ] || { show; fail "plan with a 1 GiB memory.max: want exit 1"; }
assert_contains "File too large" "$ERR" "sparse memory.max"
