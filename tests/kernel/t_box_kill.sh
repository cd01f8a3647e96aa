#!/bin/sh
# box delete --kill of a box holding 50 processes: afterwards no process
# of it is left and no cgroup either; with cgroup.kill, and again with the
# pre-5.14 SIGKILL rounds (forced) against a box that keeps forking.
# timeout: 240
. "$TEST_LIB"

cg_scratch
S=$TEST_TMP/state
bx() { boxcg --root "$CG" --state-dir "$S" "$@"; }
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
classes:
  worker:
    box:
      pids: { max: 200 }
Y
P=$TEST_TMP/p.yaml
B=$CG/boxlite/worker/k1

# One shell and 49 sleeps: 50 processes in the box.
boxcg --root "$CG" --state-dir "$S" box exec k1 --class worker "$P" -- \
	sh -c 'i=1; while [ $i -lt 50 ]; do sleep 1000 & i=$((i + 1)); done; wait' &
bxpid=$!
i=0
until [ "$(grep -c . "$B/cgroup.procs" 2>/dev/null)" = 50 ]; do
	i=$((i + 1))
	[ $i -le 1200 ] || fail "the box never held 50 processes: $(grep -c . "$B/cgroup.procs" 2>&1)"
	sleep 0.05
done
pids=$(cat "$B/cgroup.procs")
assert_file_eq "$B/pids.current" 50

expect_status 1 bx box delete k1 "$P"
assert_contains "50 processes in it" "$ERR"
expect_ok bx box delete k1 --kill --timeout 60s "$P"
assert_contains "Killed 50 processes." "$OUT"
assert_missing "$B"
st=0
wait $bxpid || st=$?
assert_eq 137 "$st" "the box's shell, killed"
for p in $pids; do
	if [ -e "/proc/$p/stat" ]; then
		state=$(sed 's/^.*) //' "/proc/$p/stat" | cut -d' ' -f1)
		[ "$state" = Z ] || fail "pid $p of the box is still alive (state $state)"
	fi
done
left=$(ps -o pid,args | grep -c '[s]leep 1000') || :
assert_eq 0 "$left" "sleep 1000 processes left"
# Only the class slice and the root remain; the slice can go too.
assert_eq "" "$(find "$CG/boxlite/worker" -mindepth 1 -type d)" "cgroups left under the slice"

# The same without cgroup.kill (the pre-5.14 path, forced by a test hook):
# SIGKILL rounds, while one process of the box keeps forking.
B=$CG/boxlite/worker/k2
boxcg --root "$CG" --state-dir "$S" box exec k2 --class worker "$P" -- sh -c \
	'i=1; while [ $i -lt 50 ]; do sleep 1000 & i=$((i + 1)); done; while :; do sleep 1000 & sleep 0.1; done' &
bxpid=$!
i=0
until [ "$(grep -c . "$B/cgroup.procs" 2>/dev/null)" -ge 50 ]; do
	i=$((i + 1))
	[ $i -le 1200 ] || fail "the second box never held 50 processes"
	sleep 0.05
done
BOXCG_TEST_NO_CGROUP_KILL=1 expect_ok bx box delete k2 --kill --timeout 60s "$P"
assert_contains "(SIGKILL to every listed pid: no cgroup.kill)" "$OUT"
assert_missing "$B"
st=0
wait $bxpid || st=$?
assert_eq 137 "$st" "the second box's shell, killed"
left=$(ps -o pid,args | grep -c '[s]leep 1000') || :
assert_eq 0 "$left" "sleep 1000 processes left after the SIGKILL rounds"
