#!/bin/sh
# cpu.max 0.2: a busy loop in the box is throttled (cpu.stat nr_throttled
# > 0) and gets about 20% of one CPU: checked as a ratio with generous
# bounds, never as a duration. The ratio is taken over a window in which
# the loop is known to run (it started and was throttled before the window
# opens; it is killed only after it closes), with usage_usec and the
# uptime read together by one process, so that neither the start of boxcg
# and the loop nor the host's load (TCG: the guest's clock and its CPU
# accounting both follow the host's wall time) moves it.
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
boxcg --root "$CG" --state-dir "$S" box exec c1 --class slow "$P" -- yes >/dev/null &
bxpid=$!
throttled() { sed -n 's/^nr_throttled //p' "$B/cpu.stat"; }
i=0
until [ "$(throttled)" -gt 0 ]; do
	i=$((i + 1))
	[ $i -le 1200 ] || fail "the busy loop was never throttled: $(cat "$B/cpu.stat")"
	sleep 0.05
done
yes_pid=$(cat "$B/cgroup.procs")
# "USAGE_USEC UPTIME", read in one go.
sample() {
	awk '/^usage_usec / { u = $2 } FILENAME == "/proc/uptime" { t = $1 } END { print u, t }' \
		"$B/cpu.stat" /proc/uptime
}
set -- $(sample)
u0=$1 t0=$2
sleep 3
set -- $(sample)
u1=$1 t1=$2
# The loop ran through the window.
assert_eq "$yes_pid" "$(cat "$B/cgroup.procs")" "the box's processes after the window"
note "usage_usec $u0..$u1 over uptime $t0..$t1; nr_throttled $(throttled)"
ratio=$(awk -v u0="$u0" -v u1="$u1" -v a="$t0" -v b="$t1" \
	'BEGIN { printf "%.3f", (u1 - u0) / ((b - a) * 1000000) }')
note "CPU share: $ratio"
awk -v r="$ratio" 'BEGIN { exit !(r > 0.05 && r < 0.45) }' ||
	fail "the box used $ratio of a CPU over the window; want about 0.2 (0.05..0.45)"

expect_ok bx box delete c1 --kill --timeout 60s "$P"
st=0
wait $bxpid || st=$?
assert_eq 137 "$st" "the exec of the killed busy loop"
