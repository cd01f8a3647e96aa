#!/usr/bin/env bash
# box create / exec / list / delete on this machine's cgroup2, inside the
# test's scratch cgroup: the command runs inside the box (clone3, and the
# fork+join fallback on request), its exit status comes back like a
# shell's (3, 128+signal, 127 not found, 126 not executable), signals sent
# to boxcg reach it, and the box goes away when asked.
# timeout: 120
. "$TEST_LIB"

S=$TEST_TMP/state
bx() { "$BOXCG" --root "$CG_BASE" --state-dir "$S" "$@"; }
# Core files only: every cgroup2 has them, hybrid hosts included.
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
root: boxlite
classes:
  small:
    box:
      cgroup: { max_descendants: 5 }
  big:
    box:
      cgroup: { max_descendants: 50 }
Y
P=$TEST_TMP/p.yaml
B=$CG_BASE/boxlite/small/b1

expect_ok bx box create b1 --class small "$P"
assert_contains "Created box b1 of class small" "$OUT"
assert_file_eq "$B/cgroup.max.descendants" 5
expect_status 1 bx box create b1 --class big "$P"
assert_contains "already exists in class small" "$ERR"

expect_status 0 bx box exec b1 --class small "$P" -- true
expect_status 3 bx box exec b1 --class small "$P" -- sh -c 'exit 3'

# Born inside the box: the command reads its own cgroup.
want="0::/$SCRATCH/boxlite/small/b1"
expect_ok bx -v box exec b1 --class small "$P" -- cat /proc/self/cgroup
assert_has_line "$want" "$OUT" "the command's cgroup (clone3)"
assert_contains "clone3 CLONE_INTO_CGROUP" "$ERR"
BOXCG_TEST_NO_CLONE3=1 expect_ok bx -v box exec b1 --class small "$P" -- cat /proc/self/cgroup
assert_has_line "$want" "$OUT" "the command's cgroup (fork, join, exec)"
assert_contains "fork, join, exec" "$ERR"

# A box that does not exist yet is created by exec.
expect_status 7 bx box exec e1 --class big "$P" -- sh -c 'exit 7'
assert_exists "$CG_BASE/boxlite/big/e1"

# Killed by a signal: 128 + N. Not found: 127. Not executable: 126.
expect_status 143 bx box exec b1 --class small "$P" -- sh -c 'kill -TERM $$'
expect_status 127 bx box exec b1 --class small "$P" -- bx-no-such-command
assert_contains "command not found" "$ERR"
expect_status 126 bx box exec b1 --class small "$P" -- "$P"
expect_status 1 bx box exec b1 --class small "$P"
assert_contains "missing -- CMD" "$ERR"

# Signals sent to boxcg are forwarded: the command's trap decides.
ready=$TEST_TMP/ready
# (Not through the bx function: $! must be boxcg itself, not a subshell.)
"$BOXCG" --root "$CG_BASE" --state-dir "$S" box exec b1 --class small "$P" -- sh -c \
	'trap "exit 42" TERM; echo $$ > "$1"; while :; do sleep 0.05; done' sh "$ready" &
bxpid=$!
i=0
until [ -s "$ready" ]; do
	i=$((i + 1))
	[ $i -le 400 ] || fail "the command never started"
	sleep 0.05
done
cmdpid=$(cat "$ready")
assert_has_line "$cmdpid" "$(cat "$B/cgroup.procs")" "the command in the box"
kill -TERM "$bxpid"
st=0
wait "$bxpid" || st=$?
assert_eq 42 "$st" "boxcg's exit status after SIGTERM was forwarded"

# list: the class and "-" for files this host's box does not have
# (pids/memory/cpu are not enabled in the policy).
expect_ok bx box list "$P"
assert_has_line "BOX  CLASS    PIDS      MEMORY         CPU  OOM_KILLS  STATE" "$OUT"
assert_match "*b1*small*-*" "$(printf '%s\n' "$OUT" | grep '^b1 ')"
assert_match "*e1*big*" "$(printf '%s\n' "$OUT" | grep '^e1 ')"
expect_ok bx box list --json "$P"
assert_contains '"cgroup": "boxlite/small/b1"' "$OUT"
assert_contains '"dirmode": false' "$OUT"

expect_ok bx box delete b1 "$P"
assert_contains "Deleted box b1 of class small." "$OUT"
assert_missing "$B"
expect_ok bx box delete e1 --class big "$P"
expect_status 1 bx box delete e1 "$P"
assert_contains "no box e1" "$ERR"
