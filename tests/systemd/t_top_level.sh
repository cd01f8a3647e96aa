# Nothing but systemd units at the top of /sys/fs/cgroup, and the nearest
# service or scope above the policy root has Delegate=yes.
. "$TEST_LIB"

for d in /sys/fs/cgroup/*/; do
	n=${d%/}
	n=${n##*/}
	case $n in *.slice | *.scope | *.service | *.mount | *.swap | *.socket) ;;
	*) fail "/sys/fs/cgroup/$n is not named like a systemd unit" ;;
	esac
	assert_eq loaded "$(systemctl show -P LoadState "$n")" "systemd's unit $n"
	note "top: $n"
done
root=$(systemctl show -P ControlGroup boxcg.service)/boxlite
[ -d "/sys/fs/cgroup$root" ] || fail "no policy root at $root"
p=$root
unit=""
while [ -n "$p" ] && [ "$p" != / ]; do
	case ${p##*/} in *.service | *.scope) unit=${p##*/}; break ;; esac
	p=${p%/*}
done
[ -n "$unit" ] || fail "no service or scope above $root"
assert_eq boxcg.service "$unit" "nearest unit above the policy root"
assert_eq yes "$(systemctl show -P Delegate "$unit")" "Delegate of $unit"
