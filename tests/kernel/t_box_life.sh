#!/bin/sh
# The box lifecycle on a real kernel with every controller: create makes
# the box with its class limits (slice and ancestors too) as one
# transaction; exec places the command in the box (clone3, and the
# fork+join fallback on request) and returns its status; list shows live
# usage; delete refuses a populated box and --kill empties and removes it.
. "$TEST_LIB"

cg_scratch
S=$TEST_TMP/state
bx() { boxcg --root "$CG" --state-dir "$S" "$@"; }
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
classes:
  small:
    box:
      cpu: { max: 0.5 }
      memory: { max: 64MiB }
      pids: { max: 32 }
    slice:
      memory: { max: 256MiB }
Y
P=$TEST_TMP/p.yaml
B=$CG/boxlite/small/b1

expect_ok bx box create b1 --class small "$P"
assert_file_eq "$B/cpu.max" "50000 100000"
assert_file_eq "$B/memory.max" 67108864
assert_file_eq "$B/pids.max" 32
assert_file_eq "$CG/boxlite/small/memory.max" 268435456
assert_file_eq "$CG/boxlite/small/cgroup.subtree_control" "cpu memory pids"
expect_status 1 bx box create b1 --class small "$P"

want="0::${CG#/sys/fs/cgroup}/boxlite/small/b1"
expect_ok bx -v box exec b1 --class small "$P" -- cat /proc/self/cgroup
assert_eq "$want" "$OUT" "cgroup of the command (clone3)"
assert_contains "clone3 CLONE_INTO_CGROUP" "$ERR"
BOXCG_TEST_NO_CLONE3=1 expect_ok bx -v box exec b1 --class small "$P" -- cat /proc/self/cgroup
assert_eq "$want" "$OUT" "cgroup of the command (fork, join, exec)"
assert_contains "fork, join, exec" "$ERR"
expect_status 5 bx box exec b1 --class small "$P" -- sh -c 'exit 5'
expect_status 137 bx box exec b1 --class small "$P" -- sh -c 'kill -KILL $$'

# A running box: list shows its usage, delete refuses it.
boxcg --root "$CG" --state-dir "$S" box exec b1 --class small "$P" -- sleep 1000 &
bxpid=$!
i=0
until grep -q . "$B/cgroup.procs"; do # (cgroupfs files have size 0: no -s)
	i=$((i + 1))
	[ $i -le 400 ] || fail "sleep never appeared in the box"
	sleep 0.05
done
expect_ok bx box list "$P"
row=$(printf '%s\n' "$OUT" | grep '^b1 ')
note "$OUT"
set -- $row
assert_eq b1 "$1" "BOX"
assert_eq small "$2" "CLASS"
assert_eq 1 "$3" "PIDS (pids.current)"
assert_match '*iB' "$4" "MEMORY (memory.current)"
assert_match '*.*s' "$5" "CPU (cpu.stat usage_usec)"
assert_eq 0 "$6" "OOM_KILLS"
expect_ok bx box list --json "$P"
assert_contains '"pids_current": 1' "$OUT"
assert_contains '"oom_kills": 0' "$OUT"

expect_status 1 bx box delete b1 "$P"
assert_contains "1 process in it" "$ERR"
expect_ok bx box delete b1 --kill --timeout 60s "$P"
assert_missing "$B"
st=0
wait $bxpid || st=$?
assert_eq 137 "$st" "the exec of the killed sleep"
