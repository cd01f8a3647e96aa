#!/bin/sh
# memory.max 32MiB: an allocator touching 64 MiB inside the box is
# OOM-killed (boxcg exits 137 like a shell), memory.events counts the
# oom_kill, box list shows it; the same allocation outside succeeds.
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
Y
P=$TEST_TMP/p.yaml
B=$CG/boxlite/lean/m1

# busybox dd allocates its block (bs) and fills it from /dev/zero.
expect_status 137 bx box exec m1 --class lean "$P" -- dd if=/dev/zero of=/dev/null bs=64M count=1
assert_file_eq "$B/memory.max" 33554432
kills=$(sed -n 's/^oom_kill //p' "$B/memory.events")
[ "$kills" -ge 1 ] || fail "memory.events oom_kill: $kills, want at least 1"
expect_ok bx box list "$P"
note "$OUT"
set -- $(printf '%s\n' "$OUT" | grep '^m1 ')
assert_eq "$kills" "$6" "OOM_KILLS in box list"
expect_ok bx box list --json "$P"
assert_contains "\"oom_kills\": $kills" "$OUT"

# Within the limit it runs; outside the box 64 MiB is fine.
expect_ok bx box exec m1 --class lean "$P" -- dd if=/dev/zero of=/dev/null bs=8M count=1
expect_ok dd if=/dev/zero of=/dev/null bs=64M count=1
expect_ok bx box delete m1 "$P"
