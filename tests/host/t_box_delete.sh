#!/usr/bin/env bash
# box delete on this machine's cgroup2: a box with processes is refused
# (saying how many), `--kill` kills what it started and what was attached
# to it, waits for the kernel to report it empty, and removes it; the
# command's own boxcg sees it killed (137).
# timeout: 120
. "$TEST_LIB"

S=$TEST_TMP/state
bx() { "$BOXCG" --root "$CG_BASE" --state-dir "$S" "$@"; }
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
classes:
  small:
    box:
      cgroup: { max_descendants: 5 }
Y
P=$TEST_TMP/p.yaml
B=$CG_BASE/boxlite/small/d1

wait_procs() { # N: until the box lists N processes
	local i=0
	until [ "$(grep -c . "$B/cgroup.procs" 2>/dev/null)" = "$1" ]; do
		i=$((i + 1))
		[ $i -le 400 ] || fail "the box never held $1 processes: $(cat "$B/cgroup.procs" 2>&1)"
		sleep 0.05
	done
}

# A sleep started by box exec (boxcg waits for it, outside the box)...
bx box exec d1 --class small "$P" -- sleep 1000 &
bxpid=$!
wait_procs 1
# ...and one attached afterwards.
sleep 1000 &
attached=$!
expect_ok bx box attach d1 "$attached" "$P"
assert_contains "Attached pid $attached to box d1 of class small." "$OUT"
wait_procs 2
expect_status 1 bx box attach d1 999999999 "$P"

expect_status 1 bx box delete d1 "$P"
assert_contains "2 processes in it" "$ERR"
assert_contains "--kill" "$ERR"
assert_exists "$B"

expect_ok bx box delete d1 --kill --timeout 20s "$P"
assert_contains "Killed 2 processes." "$OUT"
assert_contains "Deleted box d1 of class small." "$OUT"
assert_missing "$B"
st=0
wait "$bxpid" || st=$?
assert_eq 137 "$st" "boxcg box exec of the killed sleep"
st=0
wait "$attached" || st=$?
assert_eq 137 "$st" "the attached sleep"

# An empty box needs no --kill; --timeout takes durations.
expect_ok bx box create d2 --class small "$P"
expect_ok bx box delete d2 --kill --timeout 500ms "$P"
expect_status 1 bx box delete d2 --timeout soon "$P"
assert_contains "--timeout" "$ERR"
