# The peer figure (docs/PERFORMANCE.md; never pass/fail on speed): box exec
# of /bin/true with memory and pids limits, then box delete, against
# systemd-run --scope with MemoryMax= and TasksMax= running /bin/true, in
# the same run. Prints "figure: ..." lines the harness shows.
# timeout: 600
. "$TEST_LIB"

n=20
now() { date +%s%N; }
# Warm both paths once.
boxcg box exec warm --class tiny -- /bin/true && boxcg -q box delete warm
systemd-run --quiet --scope -p MemoryMax=64M -p TasksMax=16 /bin/true

t0=$(now)
i=0
while [ $i -lt $n ]; do
	boxcg box exec "p$i" --class tiny -- /bin/true
	boxcg -q box delete "p$i"
	i=$((i + 1))
done
t1=$(now)
i=0
while [ $i -lt $n ]; do
	systemd-run --quiet --scope -p MemoryMax=64M -p TasksMax=16 /bin/true
	i=$((i + 1))
done
t2=$(now)
bx=$(((t1 - t0) / n / 1000))
sd=$(((t2 - t1) / n / 1000))
[ "$sd" -gt 0 ] || fail "systemd-run took no time"
ratio=$(awk -v a="$bx" -v b="$sd" 'BEGIN { printf "%.2f", a / b }')
echo "figure: box exec+delete /bin/true (memory+pids) ${bx}us, systemd-run --scope -p MemoryMax -p TasksMax /bin/true ${sd}us, ratio ${ratio}x (target <= 0.5x; TCG, $n runs each)"
