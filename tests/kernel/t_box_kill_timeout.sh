#!/bin/sh
# box delete --kill gives up after --timeout when a process of the box
# cannot die yet (a writer stuck in uninterruptible sleep on I/O that
# io.max throttles: SIGKILL waits for the I/O), says which processes
# remain, and leaves the box in place; once the I/O may go on, the
# process dies and delete --kill succeeds.
# timeout: 240
. "$TEST_LIB"

cg_scratch
S=$TEST_TMP/state
bx() { boxcg --root "$CG" --state-dir "$S" "$@"; }
cat >"$TEST_TMP/p.yaml" <<Y
version: 1
classes:
  throttled:
    box:
      io:
        devices:
          - { device: "$RAM_MAJMIN", wbps: 4KiB }
Y
P=$TEST_TMP/p.yaml
B=$CG/boxlite/throttled/d1

expect_ok bx box create d1 --class throttled "$P"
assert_file_eq "$B/io.max" "$RAM_MAJMIN rbps=max wbps=4096 riops=max wiops=max"
# 256 KiB at 4 KiB/s: about a minute of O_DIRECT write, in state D
# throughout. Every way out of the test lifts the limit first, so that its
# cleanup can kill dd.
lift() { echo "$RAM_MAJMIN wbps=max" >"$B/io.max"; }
boxcg --root "$CG" --state-dir "$S" box exec d1 --class throttled "$P" -- \
	dd if=/dev/zero of="$RAM_DEV" bs=256k count=1 oflag=direct 2>"$TEST_TMP/dd.err" &
bxpid=$!
i=0 dd="" state=""
while :; do
	dd=$(cat "$B/cgroup.procs")
	if [ -n "$dd" ]; then
		state=$(sed 's/^.*) //' "/proc/$dd/stat" | cut -d' ' -f1)
		[ "$state" != D ] || break
	fi
	i=$((i + 1))
	if [ $i -gt 600 ]; then
		lift
		fail "dd never blocked in state D in the box (pids: '$dd', state ${state:-?}; $(cat "$TEST_TMP/dd.err"))"
	fi
	sleep 0.05
done
note "dd is pid $dd, in state D"

run bx box delete d1 --kill --timeout 1s "$P"
left=$(cat "$B/cgroup.procs")
lift
note "$ERR"
assert_eq 1 "$STATUS" "exit status of the delete that timed out"
assert_contains "kill box boxlite/throttled/d1: 1 process still in it after 1s (SIGKILL sent): pid $dd (dd, state D) (state D: uninterruptible sleep" "$ERR"
assert_contains "the box is kept" "$ERR"
assert_eq "$dd" "$left" "cgroup.procs after the delete that timed out"
assert_exists "$B"

# The limit is lifted: the write completes and the pending SIGKILL ends dd.
expect_ok bx box delete d1 --kill --timeout 60s "$P"
assert_missing "$B"
st=0
wait $bxpid || st=$?
assert_eq 137 "$st" "the exec of the killed dd"
