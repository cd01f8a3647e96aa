# The peer figure (docs/PERFORMANCE.md; never pass/fail on speed): box exec
# of /bin/true with memory and pids limits, then box delete, against
# systemd-run --scope with MemoryMax= and TasksMax= running /bin/true, in
# the same run. Prints "figure: ..." lines the harness shows, with where
# boxcg's time goes: starting the binary, asking systemd for the base.
# timeout: 900
. "$TEST_LIB"

n=${PEER_RUNS:-20}
now() { date +%s%N; }
base=/sys/fs/cgroup$(systemctl show -P ControlGroup boxcg.service)
# Warm every path once (this also records the base: boxcg's later
# commands find it in the state directory without D-Bus).
boxcg box exec warm --class tiny -- /bin/true && boxcg -q box delete warm
how=$(boxcg -v box exec how --class tiny -- /bin/true 2>&1 | sed -n 's/^boxcg: base .*: the cgroup of boxcg.service, //p')
boxcg -q box delete how
systemd-run --quiet --scope -p MemoryMax=64M -p TasksMax=16 /bin/true

# Per-iteration microseconds of "$@" run n times (ITER is the iteration).
per_run() {
	t0=$(now)
	ITER=0
	while [ $ITER -lt $n ]; do
		"$@"
		ITER=$((ITER + 1))
	done
	echo $((($(now) - t0) / n / 1000))
}
boxed() { boxcg box exec "p$ITER" --class tiny -- /bin/true && boxcg -q box delete "p$ITER"; }
boxed_root() {
	boxcg --root "$base" box exec "q$ITER" --class tiny -- /bin/true &&
		boxcg --root "$base" -q box delete "q$ITER"
}
scoped() { systemd-run --quiet --scope -p MemoryMax=64M -p TasksMax=16 /bin/true; }
started() { boxcg --version >/dev/null; }

bx=$(per_run boxed)
sd=$(per_run scoped)
bxr=$(per_run boxed_root)
st=$(per_run started)
[ "$sd" -gt 0 ] || fail "systemd-run took no time"
ratio=$(awk -v a="$bx" -v b="$sd" 'BEGIN { printf "%.2f", a / b }')
echo "figure: box exec+delete /bin/true (memory+pids) ${bx}us, systemd-run --scope -p MemoryMax -p TasksMax /bin/true ${sd}us, ratio ${ratio}x (target <= 0.5x; TCG, $n runs each)"
echo "figure: the same with --root (no D-Bus) ${bxr}us; boxcg --version alone ${st}us; without --root the base came ${how:-from nowhere known}"
