#!/bin/sh
# cpu.max 0.2: a busy loop in the box is throttled (cpu.stat nr_throttled
# > 0) and gets about 20% of one CPU over the wall time it ran: checked
# as a ratio with generous bounds, never as a duration.
# timeout: 180
. "$TEST_LIB"

cg_scratch
S=$TEST_TMP/state
bx() { boxcg --root "$CG" --state-dir "$S" "$@"; }
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
classes:
  slow:
    box:
      cpu: { max: 0.2 }
Y
P=$TEST_TMP/p.yaml
B=$CG/boxlite/slow/c1

expect_ok bx box create c1 --class slow "$P"
assert_file_eq "$B/cpu.max" "20000 100000"
up() { cut -d' ' -f1 /proc/uptime; }
t0=$(up)
expect_ok bx box exec c1 --class slow "$P" -- sh -c 'yes > /dev/null & y=$!; sleep 3; kill $y; wait $y; exit 0'
t1=$(up)
usage=$(sed -n 's/^usage_usec //p' "$B/cpu.stat")
throttled=$(sed -n 's/^nr_throttled //p' "$B/cpu.stat")
note "usage_usec $usage over $t0..$t1 s of wall time; nr_throttled $throttled"
[ "$throttled" -gt 0 ] || fail "nr_throttled is $throttled: the busy loop was never throttled"
ratio=$(awk -v u="$usage" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", u / ((b - a) * 1000000) }')
note "CPU share: $ratio"
awk -v r="$ratio" 'BEGIN { exit !(r > 0.05 && r < 0.45) }' ||
	fail "the box used $ratio of a CPU over its wall time; want about 0.2 (0.05..0.45)"
expect_ok bx box delete c1 "$P"
