#!/usr/bin/env bash
# A runner stopped by SIGTERM in the middle of a test stops that test,
# kills what it started (inside its scratch cgroup or not), removes the
# scratch and exits 130.
# timeout: 50
. "$TEST_LIB"

runner=$(cd "$(dirname "$0")" && pwd)/run.sh
dir=$TEST_TMP/tests
mkdir "$dir"
export SELFTEST_STATE=$TEST_TMP/pids

cat >"$dir/t_long.sh" <<'T'
# timeout: 40
. "$TEST_LIB"
sleep 1000 &
echo $! >>"$SELFTEST_STATE.tmp"
cg_scratch inside
cg_spawn "$CG" sleep 1000
echo $SPAWNED >>"$SELFTEST_STATE.tmp"
mv "$SELFTEST_STATE.tmp" "$SELFTEST_STATE"
sleep 1000
T

BOXCG_HOST_TESTS_DIR=$dir BOXCG_HOST_TESTS='' bash "$runner" "$BOXCG" </dev/null >"$TEST_TMP/out" 2>&1 &
runner_pid=$!
i=0
until [ -e "$SELFTEST_STATE" ]; do
	i=$((i + 1))
	[ $i -le 200 ] || { cat "$TEST_TMP/out"; fail "the nested test never started"; }
	sleep 0.1
done
kill -TERM $runner_pid
status=0
wait $runner_pid || status=$?
note "nested runner (pid $runner_pid) printed:"
sed 's/^/  | /' "$TEST_TMP/out"

assert_eq 130 "$status" "exit status of the interrupted runner"
assert_eq "" "$(find "$CG_MOUNT" -maxdepth 1 -name "boxcg-test-$runner_pid-*")" \
	"scratch cgroups left by the interrupted runner"
assert_eq 2 "$(wc -l <"$SELFTEST_STATE")" "processes the nested test recorded"
for pid in $(cat "$SELFTEST_STATE"); do
	i=0
	while [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 50 ] || fail "process $pid, started by the nested test, survived"
		sleep 0.1
	done
done
