# box exec from an ordinary unit (this test runs in boxcg-tests.service) and
# from a shell in a transient unit lands in .../boxlite/<class>/<id>.
. "$TEST_LIB"

cg=$(systemctl show -P ControlGroup boxcg.service)
expect_ok boxcg box exec e1 --class small -- cat /proc/self/cgroup
assert_eq "0::$cg/boxlite/small/e1" "$OUT" "box exec from boxcg-tests.service"
expect_ok boxcg -q box delete e1
[ ! -e "/sys/fs/cgroup$cg/boxlite/small/e1" ] || fail "e1 left behind"

expect_ok systemd-run --quiet --wait --pipe -p Type=exec /bin/sh -c \
	'boxcg box exec e2 --class tiny -- cat /proc/self/cgroup; boxcg -q box delete e2'
assert_eq "0::$cg/boxlite/tiny/e2" "$OUT" "box exec from a shell in a transient unit"
