#!/bin/sh
# Observability on a real kernel: a memory hog in a 32MiB box gives an
# oom_kill event (seen within a second of the hog's death) and the
# counter shows in box stats and metrics; a fork loop in a pids-limited
# box gives a pids_max event; memory PSI is non-zero under memory.high
# pressure; box delete prints the final counters and the stream's deleted
# event keeps the OOM kill; created/populated/empty come from the kernel.
# timeout: 300
. "$TEST_LIB"

cg_scratch
S=$TEST_TMP/state
bx() { boxcg --root "$CG" --state-dir "$S" "$@"; }
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
classes:
  lean:
    box:
      memory: { max: 32MiB, swap_max: 0 }
  few:
    box:
      pids: { max: 4 }
  squeezed:
    box:
      memory: { high: 8MiB, max: 256MiB, swap_max: 0 }
Y
P=$TEST_TMP/p.yaml
expect_ok bx box create o1 --class lean "$P"
expect_ok bx box create f1 --class few "$P"

OUT_EV=$TEST_TMP/events
# exec: the background pid is boxcg itself (a function would be a subshell)
(exec boxcg --root "$CG" --state-dir "$S" events --json "$P" >"$OUT_EV" 2>"$TEST_TMP/events.err") &
EVPID=$!
stop_events() { kill -9 $EVPID 2>/dev/null || true; wait $EVPID 2>/dev/null || true; }
# keep lib.sh's cleanup: stop the stream first, then hand over the status
trap '_st=$?; stop_events; (exit $_st); _lib_exit' EXIT
i=0
until grep -q Watching "$TEST_TMP/events.err"; do
	i=$((i + 1)); [ $i -lt 600 ] || fail "events never started: $(cat "$TEST_TMP/events.err")"
	sleep 0.05
done
assert_contains "Watching 2 boxes under boxlite." "$(cat "$TEST_TMP/events.err")"

# The hog: busybox dd allocates its 64 MiB block; the OOM killer ends it.
expect_status 137 bx box exec o1 --class lean "$P" -- dd if=/dev/zero of=/dev/null bs=64M count=1
# Seen within a second of the hog's death (20 checks 50 ms apart; the
# kill came before the death, so this bounds the event's delay).
i=0
until grep -q '"event":"oom_kill","class":"lean","box":"o1"' "$OUT_EV"; do
	i=$((i + 1)); [ $i -le 20 ] || fail "no oom_kill event within 1 s: $(cat "$OUT_EV")"
	sleep 0.05
done
note "$(cat "$OUT_EV")"
kills=$(sed -n 's/^oom_kill //p' "$CG/boxlite/lean/o1/memory.events")
assert_contains "\"counters\":{" "$(grep '"oom_kill","class":"lean"' "$OUT_EV" | tail -1)"
assert_contains "\"oom_kill\":$kills," "$(grep '"oom_kill","class":"lean"' "$OUT_EV" | tail -1)"
assert_contains '"event":"populated","class":"lean","box":"o1"' "$(cat "$OUT_EV")"
assert_contains '"event":"empty","class":"lean","box":"o1"' "$(cat "$OUT_EV")"

expect_ok bx box stats o1 --json "$P"
assert_contains "\"oom_kill\": $kills," "$OUT"
assert_contains '"max": 33554432' "$OUT"
expect_ok bx box stats o1 "$P"
assert_contains "oom_kill $kills" "$OUT"
expect_ok bx metrics "$P"
assert_has_line "boxcg_box_memory_events_total{class=\"lean\",box=\"o1\",event=\"oom_kill\"} $kills" "$OUT"
assert_has_line 'boxcg_box_memory_max_bytes{class="lean",box="o1"} 33554432' "$OUT"

# A fork loop in a box of pids.max 4: forks are refused.
run bx box exec f1 --class few "$P" -- sh -c 'i=0; while [ $i -lt 16 ]; do sleep 30 & i=$((i+1)); done 2>/dev/null; true'
note "fork loop: status $STATUS"
i=0
until grep -q '"event":"pids_max","class":"few","box":"f1"' "$OUT_EV"; do
	i=$((i + 1)); [ $i -lt 600 ] || fail "no pids_max event: $(cat "$OUT_EV")"
	sleep 0.05
done
refused=$(sed -n 's/^max //p' "$CG/boxlite/few/f1/pids.events")
[ "$refused" -ge 1 ] || fail "pids.events max: $refused"
expect_ok bx box stats f1 --json "$P"
assert_contains "\"events_max\": $refused" "$OUT"

# Memory pressure: 24 MiB touched under memory.high 8MiB and no swap is
# throttled and reclaimed, which PSI counts as memory stall.
expect_ok bx box create q1 --class squeezed "$P"
i=0
until grep -q '"event":"created","class":"squeezed","box":"q1"' "$OUT_EV"; do
	i=$((i + 1)); [ $i -lt 600 ] || fail "no created event: $(cat "$OUT_EV")"
	sleep 0.05
done
run bx box exec q1 --class squeezed "$P" -- dd if=/dev/zero of=/dev/null bs=24M count=8
note "squeezed dd: status $STATUS"
total=$(sed -n 's/^some .*total=\([0-9]*\)$/\1/p' "$CG/boxlite/squeezed/q1/memory.pressure")
note "memory.pressure: $(cat "$CG/boxlite/squeezed/q1/memory.pressure")"
[ "$total" -gt 0 ] || fail "memory PSI some total is $total under pressure"
expect_ok bx box stats q1 --json "$P"
assert_contains "\"total_usec\": $total" "$OUT"
expect_ok bx box stats q1 "$P"
note "$OUT"
expect_ok bx metrics "$P"
assert_contains 'boxcg_box_pressure_waiting_seconds_total{class="squeezed",box="q1",resource="memory"}' "$OUT"

# delete: the final counters, and the stream's deleted event keeps them.
expect_ok bx box delete o1 "$P"
assert_contains "Final counters: cpu " "$OUT"
assert_contains "oom_kills $kills" "$OUT"
expect_ok bx box delete f1 --kill --timeout 60s --json "$P"
assert_contains '"cpu_usage_usec": ' "$OUT"
assert_contains '"oom_kill": null' "$OUT" # no memory controller in class few
expect_ok bx box delete q1 --kill --timeout 60s "$P"
i=0
until grep -q '"event":"deleted","class":"lean","box":"o1"' "$OUT_EV"; do
	i=$((i + 1)); [ $i -lt 600 ] || fail "no deleted event: $(cat "$OUT_EV")"
	sleep 0.05
done
assert_contains "\"oom_kill\":$kills," "$(grep '"deleted","class":"lean","box":"o1"' "$OUT_EV")"
stop_events
