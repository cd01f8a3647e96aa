# boxcg.service, enabled and as shipped (Delegate=yes, its hardening), has
# applied /etc/boxcg at boot into its own delegated cgroup; plan agrees.
. "$TEST_LIB"

assert_eq active "$(systemctl is-active boxcg.service)" "boxcg.service"
assert_eq yes "$(systemctl show -P Delegate boxcg.service)" "Delegate of boxcg.service"
# The unit is the installed, shipped one, hardening included.
unit=$(systemctl show -P FragmentPath boxcg.service)
assert_eq /usr/lib/systemd/system/boxcg.service "$(readlink -f "$unit")" "unit file"
for w in ProtectSystem=strict 'ReadWritePaths=/sys/fs/cgroup /run/boxcg' NoNewPrivileges=yes \
	'ExecStartPost=/usr/bin/boxcg apply /etc/boxcg'; do
	grep -qx "$w" "$unit" || fail "$unit lacks $w"
done
assert_eq strict "$(systemctl show -P ProtectSystem boxcg.service)" "ProtectSystem"

cg=$(systemctl show -P ControlGroup boxcg.service)
assert_eq /system.slice/boxcg.service "$cg" "boxcg.service's cgroup"
base=/sys/fs/cgroup$cg
[ -d "$base/boxlite/small" ] && [ -d "$base/boxlite/tiny" ] || fail "policy root not applied under $base"
# The unit's own process (sleep) was moved out of the base into .holder.
assert_eq "" "$(cat "$base/cgroup.procs")" "processes in the base itself"
main=$(systemctl show -P MainPID boxcg.service)
assert_eq "$cg/.holder" "$(cg_of "$main")" "cgroup of boxcg.service's main process"

expect_status 0 boxcg plan --detailed-exitcode
note "$OUT"
# Without --root, the base is the delegated unit's cgroup.
expect_ok boxcg plan --json
assert_contains "\"$base\"" "$OUT" "plan --json"
