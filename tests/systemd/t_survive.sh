# systemd's own work elsewhere leaves boxcg's delegated subtree alone: after
# daemon-reload, restarts of other units and set-property on other units
# (the slice above boxcg.service included), plan still reports no changes,
# the box's limits read back as written and its process is still in it.
# timeout: 400
. "$TEST_LIB"

cg=$(systemctl show -P ControlGroup boxcg.service)
box=/sys/fs/cgroup$cg/boxlite/small/keep
boxcg box exec keep --class small -- sleep 1000 >"$TEST_TMP/exec.out" 2>&1 &
bx=$!
wait_for grep -q . "$box/cgroup.procs"
pid=$(head -n 1 "$box/cgroup.procs")

systemctl daemon-reload
systemctl restart systemd-journald.service systemd-logind.service cron.service 2>/dev/null ||
	systemctl restart systemd-journald.service systemd-logind.service
systemctl set-property --runtime systemd-journald.service MemoryMax=300M CPUWeight=50
systemctl set-property --runtime system.slice CPUWeight=90 TasksMax=5000
systemctl set-property --runtime user.slice MemoryHigh=1G
systemctl daemon-reload

expect_status 0 boxcg plan --detailed-exitcode
assert_eq "$cg/boxlite/small/keep" "$(cg_of "$pid")" "cgroup of the boxed sleep"
assert_eq 268435456 "$(cat "$box/memory.max")" "memory.max of the box"
assert_eq 64 "$(cat "$box/pids.max")" "pids.max of the box"
assert_eq "100000 100000" "$(cat "$box/cpu.max")" "cpu.max of the box"

# Reloading boxcg.service re-applies (no changes) and keeps the box.
systemctl reload boxcg.service
assert_eq active "$(systemctl is-active boxcg.service)" "boxcg.service after reload"
assert_eq "$cg/boxlite/small/keep" "$(cg_of "$pid")" "cgroup of the boxed sleep after reload"

expect_ok boxcg -q box delete keep --kill --timeout 60s
wait "$bx" || :
[ ! -e "$box" ] || fail "box keep left behind"
