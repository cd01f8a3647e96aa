#!/usr/bin/env bash
# The runner detects failing and hanging tests, reports them, exits 1, and
# still removes every scratch cgroup it made, killing what the tests left
# running inside them. Runs a nested runner on a directory of such tests.
# timeout: 50
. "$TEST_LIB"

runner=$(cd "$(dirname "$0")" && pwd)/run.sh
[ -x "$runner" ] || fail "no runner at $runner"
dir=$TEST_TMP/tests
mkdir "$dir"
export SELFTEST_STATE=$TEST_TMP/pids

cat >"$dir/t_pass.sh" <<'T'
. "$TEST_LIB"
assert_eq same same
T
# Leaves a nested cgroup with a process inside behind (made without
# cg_scratch, so only the runner can clean it up), then fails.
cat >"$dir/t_fail.sh" <<'T'
. "$TEST_LIB"
mkdir -p "$CG_BASE/left/behind"
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' sh "$CG_BASE/left/behind" &
echo $! >>"$SELFTEST_STATE"
until grep -qx $! "$CG_BASE/left/behind/cgroup.procs"; do sleep 0.05; done
assert_eq expected actual
T
cat >"$dir/t_hang.sh" <<'T'
# timeout: 3
. "$TEST_LIB"
sleep 1000 &
echo $! >>"$SELFTEST_STATE"
sleep 1000
T

BOXCG_HOST_TESTS_DIR=$dir BOXCG_HOST_TESTS='' bash "$runner" "$BOXCG" </dev/null >"$TEST_TMP/out" 2>&1 &
runner_pid=$!
status=0
wait $runner_pid || status=$?
note "nested runner (pid $runner_pid) printed:"
sed 's/^/  | /' "$TEST_TMP/out"
out=$(cat "$TEST_TMP/out")

assert_eq 1 "$status" "nested runner exit status"
assert_has_line "ok pass" "$out"
assert_has_line "FAIL fail (exit 1)" "$out"
assert_contains "FAIL: value: want 'expected', got 'actual'" "$out" "failing test's output"
assert_has_line "FAIL hang (timed out after 3s)" "$out"
assert_has_line "1 passed, 2 failed" "$out"

leftover=$(find "$CG_MOUNT" -maxdepth 1 -name "boxcg-test-$runner_pid-*")
assert_eq "" "$leftover" "scratch cgroups left by the nested runner"
for pid in $(cat "$SELFTEST_STATE"); do
	if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status"; then
		fail "process $pid, started by a nested test, survived"
	fi
done
assert_eq 2 "$(wc -l <"$SELFTEST_STATE")" "processes the nested tests recorded"
