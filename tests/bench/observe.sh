# tests/bench/observe.sh: cases 7 and 8 (observability), sourced by tests/bench/run.sh
# after its helpers are defined (measure, field, row, $work, $bin, $boxcg).
#
# 7: `box stats` of 1,000 boxes (10 classes of 100) on a directory root
#    whose every box has the 17 files boxcg reads, against floor_stats
#    reading the same files.
# 8: an idle `boxcg events` over the same 1,000 boxes: its CPU time
#    (utime + stime from /proc/PID/stat) over 3 s with nothing happening,
#    after it said it was watching; the target is 0 ticks.

obs=$work/observe
mkdir -p "$obs/root/boxlite"
{
	echo "version: 1"
	echo "classes:"
	for c in $(seq 0 9); do echo "  c$c: { box: { pids: { max: 64 } } }"; done
} >"$obs/p.yaml"
for c in $(seq 0 9); do
	for b in $(seq 0 99); do
		d=$obs/root/boxlite/c$c/b$b
		mkdir -p "$d"
		(
			cd "$d" || exit 1
			printf 'usage_usec %d\nuser_usec 1\nsystem_usec 2\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n' $((b * 1000)) >cpu.stat
			echo $((b * 4096)) >memory.current
			echo $((b * 8192)) >memory.peak
			echo max >memory.high
			echo 1073741824 >memory.max
			printf 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n' >memory.events
			echo 0 >memory.swap.current
			echo 0 >memory.swap.peak
			echo max >memory.swap.max
			echo 1 >pids.current
			echo 2 >pids.peak
			echo 64 >pids.max
			echo 'max 0' >pids.events
			echo '8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0' >io.stat
			for r in cpu memory io; do
				printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' >$r.pressure
			done
		)
	done
done
measure stats \
	--label boxcg "$boxcg" --root "$obs/root" box stats "$obs/p.yaml" ::: \
	--label floor "$bin/floor_stats" "$obs/root/boxlite"
row 7 "box stats: 1,000 boxes and 10 slices, 17 files each (directory root)" stats 2.0

# 8: CPU ticks of an idle event stream.
"$boxcg" --root "$obs/root" events "$obs/p.yaml" >/dev/null 2>"$obs/events.err" &
evpid=$!
for _ in $(seq 400); do grep -q Watching "$obs/events.err" && break; sleep 0.05; done
ticks() { awk '{ print $14 + $15 }' "/proc/$evpid/stat"; }
t0=$(ticks)
sleep 3
t1=$(ticks)
kill "$evpid"
wait "$evpid"
idle_ticks=$((t1 - t0))
rows+=("| 8 | events: CPU ticks of an idle stream over $(sed -n 's/^Watching \([0-9]*\) boxes.*/\1/p' "$obs/events.err") boxes, 3 s | $idle_ticks ticks | | | | | | = 0 | $(verdict "$idle_ticks" 0) |")
