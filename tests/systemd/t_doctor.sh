# boxcg doctor on a systemd host, for root and for a lingering user run
# from this system unit: the owner, the unit, where the policy root goes,
# the controllers, and the fix for one not delegated.
. "$TEST_LIB"

expect_ok boxcg doctor
note "$OUT"
assert_contains "tree owner:    systemd (PID 1)" "$OUT" "doctor"
assert_contains "unit:          boxcg.service of the system manager: loaded, active, Delegate=yes" "$OUT" "doctor"
assert_contains "policy root:   /sys/fs/cgroup/system.slice/boxcg.service/<root>" "$OUT" "doctor"
assert_contains "memory     yes        yes        yes" "$OUT" "doctor's memory line"
expect_ok boxcg doctor --json
assert_contains '"owner": "systemd"' "$OUT" "doctor --json"
assert_contains '"base": "/sys/fs/cgroup/system.slice/boxcg.service"' "$OUT" "doctor --json"

# The user: io is not delegated by the user manager; doctor says how.
wait_for test -S /run/user/1000/systemd/private
expect_ok runuser -u boxuser -- boxcg doctor
note "$OUT"
assert_contains "unit:          boxcg.service of the user manager" "$OUT" "user's doctor"
assert_contains "user:          not root (uid 1000)" "$OUT" "user's doctor"
assert_match "*io         yes        no         no*" "$OUT" "user's io line"
assert_contains "missing io: systemd's user manager (user@1000.service) is not delegated the io controller" "$OUT" "user's doctor"
assert_contains "/etc/systemd/system/user@.service.d/delegate.conf" "$OUT" "user's doctor"
