#!/bin/sh
# Per-box sizes, box update and freeze/thaw on a real kernel: a box created
# with --set pids.max=8 (class default 32) stops at 8 processes; box update
# raises and lowers memory and cpu limits with a process running; lowering
# memory.max below the box's usage is refused and changes nothing; a frozen
# busy loop's usage_usec does not grow over a second and grows after thaw;
# exec --rm leaves no cgroup; apply afterwards reports no changes (the
# boxes keep their own values).
# timeout: 300
. "$TEST_LIB"

cg_scratch
S=$TEST_TMP/state
bx() { boxcg --root "$CG" --state-dir "$S" "$@"; }
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
classes:
  vm:
    box:
      cpu: { max: 0.5 }
      memory: { max: 64MiB, high: 90% }
      pids: { max: 32 }
    sizes:
      memory.max: { min: 16MiB, max: 512MiB, overhead: 8MiB }
      cpu.max: { min: 0.1, max: 2 }
      pids.max: { min: 1, max: 64 }
Y
P=$TEST_TMP/p.yaml

# pids.max=8 from --set, not the class's 32: the ninth process fails
expect_ok bx box create small --class vm --set pids.max=8 "$P"
B=$CG/boxlite/vm/small
assert_file_eq "$B/pids.max" 8
# the shell forks sleeps until the kernel refuses (and then exits): the
# box holds the 7 sleeps, 8 with the shell
run bx box exec small --class vm "$P" -- sh -c 'while :; do sleep 60 & done'
note "exit $STATUS: $ERR"
assert_eq 7 "$(grep -c . "$B/cgroup.procs")" "processes left in the box"
grep -q '^max [1-9]' "$B/pids.events" || fail "pids.events counted no refused fork: $(cat "$B/pids.events")"

# box update with a process running: raise, then lower memory and cpu
expect_ok bx box create v1 --class vm --set memory.max=64MiB --set cpu.max=0.5 "$P"
V=$CG/boxlite/vm/v1
assert_file_eq "$V/memory.max" $(((64 + 8) * 1048576))
assert_file_eq "$V/memory.high" $(((64 + 8) * 1048576 * 9 / 10 / 4096 * 4096))
cg_spawn "$V" sh -c 'head -c 33554432 /dev/zero >/tmp/fill.$$; exec sleep 1000 </tmp/fill.$$'
# the 32 MiB tmpfs file is charged to the box once written
i=0
until [ "$(cat "$V/memory.current")" -ge 31457280 ]; do
	i=$((i + 1)); [ $i -le 1200 ] || fail "the box never used 30 MiB: $(cat "$V/memory.current")"; sleep 0.05
done
expect_ok bx box update v1 --set memory.max=256MiB --set cpu.max=1.5 "$P"
assert_file_eq "$V/memory.max" $(((256 + 8) * 1048576))
assert_file_eq "$V/cpu.max" "150000 100000"
expect_ok bx box update v1 --set memory.max=128MiB --set cpu.max=0.25 "$P"
assert_file_eq "$V/memory.max" $(((128 + 8) * 1048576))
assert_file_eq "$V/cpu.max" "25000 100000"
grep -q . "$V/cgroup.procs" || fail "the process in v1 did not survive the updates"

# below the box's usage: refused, nothing changed (also the record)
used=$(cat "$V/memory.current")
note "v1 memory.current $used"
want=$((used / 1048576 / 2))
[ "$want" -ge 16 ] || want=16
if [ $((want * 1048576 + 8388608)) -lt "$used" ]; then
	expect_status 1 bx box update v1 --set memory.max=${want}MiB "$P"
	assert_contains "memory.current" "$ERR"
	assert_file_eq "$V/memory.max" $(((128 + 8) * 1048576))
	assert_file_eq "$V/cpu.max" "25000 100000"
else
	note "usage $used too small to test the refusal"
	fail "the box should use more than 24MiB (a 32MiB file in tmpfs is charged to it)"
fi

# freeze a busy loop: usage_usec stands still, then grows after thaw
expect_ok bx box create spin --class vm --set cpu.max=1 "$P"
F=$CG/boxlite/vm/spin
cg_spawn "$F" sh -c 'while :; do :; done'
i=0
until [ "$(awk '/^usage_usec/ {print $2}' "$F/cpu.stat")" -gt 50000 ]; do
	i=$((i + 1)); [ $i -le 400 ] || fail "the loop never ran"; sleep 0.05
done
expect_ok bx box freeze spin --timeout 60s "$P"
assert_file_has_line "$F/cgroup.events" "frozen 1"
expect_ok bx box list "$P"
assert_match "*spin*frozen*" "$(printf '%s\n' "$OUT" | grep '^spin ')"
a=$(awk '/^usage_usec/ {print $2}' "$F/cpu.stat")
sleep 1
b=$(awk '/^usage_usec/ {print $2}' "$F/cpu.stat")
assert_eq "$a" "$b" "usage_usec of a frozen loop over a second"
expect_ok bx box thaw spin --timeout 60s "$P"
assert_file_has_line "$F/cgroup.events" "frozen 0"
i=0
until [ "$(awk '/^usage_usec/ {print $2}' "$F/cpu.stat")" -gt "$b" ]; do
	i=$((i + 1)); [ $i -le 400 ] || fail "usage_usec did not grow after thaw"; sleep 0.05
done

# exec --rm: the box is gone afterwards, with the command's status
expect_status 3 bx box exec once --class vm --set pids.max=4 --rm "$P" -- sh -c 'exit 3'
assert_missing "$CG/boxlite/vm/once"
# a box created for a command that cannot start is removed again
expect_status 127 bx box exec never --class vm "$P" -- /no/such/command
assert_missing "$CG/boxlite/vm/never"

# apply keeps every box's own values: no changes
expect_ok bx apply "$P"
assert_contains "No changes." "$OUT"
assert_file_eq "$B/pids.max" 8
assert_file_eq "$V/memory.max" $(((128 + 8) * 1048576))
expect_ok bx box delete spin --kill --timeout 60s "$P"
expect_ok bx box delete v1 --kill --timeout 60s "$P"
expect_ok bx box delete small --kill --timeout 60s "$P"
