# libsystemd is opened (dlopen) only when systemd must be asked for the
# delegated unit. With libsystemd.so.0 unloadable (/dev/null bound over it
# in a private mount namespace): a valid base record still works, so box
# commands never load it then; a lookup fails naming the package; --root
# needs no systemd at all.
. "$TEST_LIB"

cache=/run/boxcg/sd-base
cg=$(systemctl show -P ControlGroup boxcg.service)
sdlib=$(readlink -f "$(find /usr/lib /lib -name libsystemd.so.0 2>/dev/null | head -n1)")
[ -f "$sdlib" ] || fail "libsystemd.so.0 not found"
nolib() { unshare -m sh -c 'mount --bind /dev/null "$0" && exec "$@"' "$sdlib" "$@"; }

# A fresh record (written with the library).
rm -f "$cache"
expect_ok boxcg -q box exec n0 --class tiny -- /bin/true
expect_ok boxcg -q box delete n0
[ -f "$cache" ] || fail "no record written"

expect_ok nolib boxcg -v box exec n1 --class tiny -- cat /proc/self/cgroup
assert_contains "from the cache in the state directory (no D-Bus)" "$ERR" "n1 without libsystemd"
assert_eq "0::$cg/boxlite/tiny/n1" "$(printf '%s\n' "$OUT" | grep '^0::')" "n1's cgroup"

rm -f "$cache"
expect_fail nolib boxcg box exec n2 --class tiny -- /bin/true
assert_contains "libsystemd.so.0" "$ERR" "the error without the library"
assert_contains "apt-get install libsystemd0" "$ERR" "the error without the library"
assert_contains "--root" "$ERR" "the error without the library"
[ ! -e "/sys/fs/cgroup$cg/boxlite/tiny/n2" ] || fail "n2 was created"

expect_ok nolib boxcg --root "/sys/fs/cgroup$cg" box exec n3 --class tiny -- cat /proc/self/cgroup
assert_eq "0::$cg/boxlite/tiny/n3" "$OUT" "n3's cgroup with --root"

expect_ok boxcg -q box delete n1
expect_ok boxcg -q box delete n3
