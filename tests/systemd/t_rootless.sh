# Rootless under the user's own manager: boxuser lingers (its user manager
# runs from boot), and boxcg run by runuser from this system unit (outside
# any session: no XDG_RUNTIME_DIR) applies, runs a box and deletes it. The
# boxes are under user@1000.service in a unit with Delegate=yes, their
# limits read back as written. A policy needing a controller the user
# manager does not delegate fails naming it, with the drop-in, and changes
# nothing.
# timeout: 400
. "$TEST_LIB"

wait_for test -S /run/user/1000/systemd/private
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
root: ubox
classes:
  small:
    box:
      memory: { max: 64MiB }
      pids: { max: 10 }
Y
chmod 644 "$TEST_TMP/p.yaml"
ru() { runuser -u boxuser -- "$@"; }
uctl() { runuser -u boxuser -- env XDG_RUNTIME_DIR=/run/user/1000 systemctl --user "$@"; }

expect_ok ru boxcg apply "$TEST_TMP/p.yaml"
note "$OUT"
ucg=$(uctl show -P ControlGroup boxcg.service)
assert_match "/user.slice/user-1000.slice/user@1000.service/*/boxcg.service" "$ucg" "user boxcg.service's cgroup"
assert_eq yes "$(uctl show -P Delegate boxcg.service)" "Delegate of the user's boxcg.service"
base=/sys/fs/cgroup$ucg
[ -d "$base/ubox/small" ] || fail "no $base/ubox/small"
[ -d /run/user/1000/boxcg ] || fail "state dir not in the user's runtime dir"

expect_ok ru boxcg box exec r1 --class small "$TEST_TMP/p.yaml" -- cat /proc/self/cgroup
assert_eq "0::$ucg/ubox/small/r1" "$OUT" "rootless box exec from a system unit"
assert_eq 67108864 "$(cat "$base/ubox/small/r1/memory.max")" "memory.max"
assert_eq 10 "$(cat "$base/ubox/small/r1/pids.max")" "pids.max"
expect_ok ru boxcg -q box delete r1 "$TEST_TMP/p.yaml"
[ ! -e "$base/ubox/small/r1" ] || fail "r1 left behind"
expect_status 0 ru boxcg plan --detailed-exitcode "$TEST_TMP/p.yaml"

# io is not delegated to user managers by default (Delegate=pids memory cpu).
cat >"$TEST_TMP/io.yaml" <<'Y'
version: 1
root: uio
classes:
  disk:
    box:
      io: { weight: 200 }
Y
chmod 644 "$TEST_TMP/io.yaml"
before=$(cat "$base/cgroup.subtree_control")
expect_fail ru boxcg apply "$TEST_TMP/io.yaml"
note "$ERR"
assert_contains "controller io is not available" "$ERR" "error"
assert_contains "/etc/systemd/system/user@.service.d/" "$ERR" "error"
assert_contains "Delegate=" "$ERR" "error"
assert_contains " io" "$(printf '%s\n' "$ERR" | grep 'Delegate=')" "the drop-in's Delegate= line"
[ ! -e "$base/uio" ] || fail "the failed apply made $base/uio"
assert_eq "$before" "$(cat "$base/cgroup.subtree_control")" "subtree_control after the failed apply"
