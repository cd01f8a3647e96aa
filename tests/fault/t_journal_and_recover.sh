# A journal left by a crash blocks apply until `boxcg recover`; recover
# twice, or with no journal, or with no state directory at all, is
# harmless and says so; a failed rollback (exit 3) keeps the journal and
# lists what it could not restore, and recover then restores it.
. "$FAULT_LIB"
expect_status 0 bx recover
assert_contains "nothing to recover" "$OUT"
[ ! -e "$STATE" ] || fail "recover created the state directory"
expect_status 0 bx apply "$P/base.yaml"
remember_tree

# Killed in the middle: the next apply refuses, recover restores.
run env BOXCG_TEST_KILL_AT=60 "$BOXCG" --root "$ROOT" --state-dir "$STATE" apply --prune "$P/big.yaml"
[ "$STATUS" = 137 ] || { show; fail "want SIGKILL"; }
expect_status 1 bx apply "$P/base.yaml"
assert_contains "run \`boxcg recover\` first" "$ERR"
assert_contains "$STATE/journal" "$ERR"
expect_status 0 bx recover
assert_contains "Recovered: rolled back" "$OUT"
assert_same_tree "recover"
expect_status 0 bx recover
assert_contains "nothing to recover" "$OUT"

# A rollback that fails too: exit 3, the unrestored files, the journal.
run env BOXCG_TEST_FAULT_AT=120,EIO,3 "$BOXCG" --root "$ROOT" --state-dir "$STATE" apply --prune "$P/big.yaml"
[ "$STATUS" = 3 ] || { show; fail "want exit 3"; }
assert_contains "rollback failed" "$ERR"
assert_contains "Not restored:" "$ERR"
assert_contains "run \`boxcg recover\`" "$ERR"
[ -e "$STATE/journal" ] || fail "the journal is gone after a failed rollback"
expect_status 0 bx recover
assert_same_tree "recover after a failed rollback"
assert_no_journal "recover after a failed rollback"

# recover that fails itself (every undo write fails): exit 3, journal kept.
run env BOXCG_TEST_KILL_AT=80 "$BOXCG" --root "$ROOT" --state-dir "$STATE" apply --prune "$P/big.yaml"
[ "$STATUS" = 137 ] || fail "want SIGKILL"
run env BOXCG_TEST_FAULT_AT=1,EIO,100000 "$BOXCG" --root "$ROOT" --state-dir "$STATE" recover
[ "$STATUS" = 3 ] || { show; fail "failing recover: want exit 3"; }
assert_contains "Not restored:" "$ERR"
[ -e "$STATE/journal" ] || fail "a failed recover removed the journal"
expect_status 0 bx recover
assert_same_tree "recover after a failed recover"

# A corrupt journal: recover refuses to replay it, keeps it (exit 3).
printf '{"boxcg_journal":1,"base":"%s","dirmode":true,"fingerprint":""}\nnot json\n{"op":"mkdir","cg":"x"}\n' \
	"$ROOT" >"$STATE/journal"
chmod 0600 "$STATE/journal" # as boxcg writes it: a looser one is refused before parsing
expect_status 3 bx recover
assert_contains "journal corrupt" "$ERR"
[ -e "$STATE/journal" ] || fail "a corrupt journal was removed"
rm "$STATE/journal"
assert_same_tree "corrupt journal"

# An unsafe state directory is refused.
mkdir -m 0777 "$TEST_TMP/open"
chmod 0777 "$TEST_TMP/open"
expect_status 1 "$BOXCG" --root "$ROOT" --state-dir "$TEST_TMP/open" apply "$P/big.yaml"
assert_contains "writable by group or others" "$ERR"
assert_same_tree "unsafe state directory"
