# The delegated base is cached in the state directory (lib/systemd/
# basecache.h): the first box command asks systemd over D-Bus and records
# boxcg.service's cgroup and its id; the next uses the record without
# D-Bus; after `systemctl restart boxcg.service` the unit has a new cgroup
# (a new id), a record of the old one is found stale, systemd is asked
# again and the boxes land in the new cgroup. Hostile or broken records are never used.
. "$TEST_LIB"

cache=/run/boxcg/sd-base
cg=$(systemctl show -P ControlGroup boxcg.service)
id_of() { stat -c %i "/sys/fs/cgroup$1"; }
field() { sed -n "s/^$1 //p" "$cache"; }
exec_in() { # NAME: box exec -v, sets OUT (the box's cgroup) and ERR
	expect_ok boxcg -v box exec "$1" --class tiny -- cat /proc/self/cgroup
	OUT=$(printf '%s\n' "$OUT" | sed -n 's/^0:://p')
}

rm -f "$cache"
exec_in c1
assert_contains "asked systemd over D-Bus" "$ERR" "first box exec without a record"
assert_eq "$cg/boxlite/tiny/c1" "$OUT" "c1's cgroup"
assert_eq "600 0" "$(stat -c '%a %u' "$cache")" "the record's mode and owner"
assert_eq "$cg" "$(field cgroup)" "recorded cgroup"
assert_eq "$(id_of "$cg")" "$(field id)" "recorded cgroup id"
assert_eq "$(cat /proc/sys/kernel/random/boot_id)" "$(field boot)" "recorded boot id"
assert_eq "system" "$(field manager)" "recorded manager"

exec_in c2
assert_contains "from the cache in the state directory (no D-Bus)" "$ERR" "second box exec"
assert_eq "$cg/boxlite/tiny/c2" "$OUT" "c2's cgroup"
expect_ok boxcg -q box delete c1
expect_ok boxcg -q box delete c2

# A restart: new cgroup, new id. The unit's own `boxcg apply`
# (ExecStartPost) already asks systemd and rewrites the record; put the
# record of the old cgroup back to see a stale one detected.
old_id=$(field id)
cp -p "$cache" "$TEST_TMP/old-record"
expect_ok systemctl restart boxcg.service
cg2=$(systemctl show -P ControlGroup boxcg.service)
new_id=$(id_of "$cg2")
[ "$new_id" != "$old_id" ] || fail "restart kept cgroup id $old_id"
assert_eq "$new_id" "$(field id)" "record rewritten by the unit's apply"
cp -p "$TEST_TMP/old-record" "$cache"
assert_eq "$old_id" "$(field id)" "the stale record back in place"
exec_in c3
assert_contains "asked systemd over D-Bus" "$ERR" "box exec with the stale record"
assert_eq "$cg2/boxlite/tiny/c3" "$OUT" "c3's cgroup (the new one)"
assert_eq "$new_id" "$(field id)" "rewritten cgroup id"
exec_in c4
assert_contains "from the cache" "$ERR" "box exec after the rewrite"
expect_ok boxcg -q box delete c3
expect_ok boxcg -q box delete c4

# Hostile and broken records: each is refused, systemd is asked, the box
# lands in boxcg.service and the record is rewritten.
good=$(cat "$cache")
boot=$(field boot)
hostile() { # DESCRIPTION MODE TEXT
	rm -f "$cache"
	printf '%s' "$3" >"$cache"
	chmod "$2" "$cache"
	exec_in h1
	assert_contains "asked systemd over D-Bus" "$ERR" "$1"
	assert_eq "$cg2/boxlite/tiny/h1" "$OUT" "h1's cgroup ($1)"
	assert_eq "$good" "$(cat "$cache")" "record rewritten ($1)"
	expect_ok boxcg -q box delete h1
}
hostile "a record open to others" 644 "$good
"
hostile "a path climbing out" 600 "boxcg-sd-base 1
manager system
boot $boot
cgroup $cg2/../../init.scope/boxcg.service
id $new_id
"
hostile "another unit's cgroup" 600 "boxcg-sd-base 1
manager system
boot $boot
cgroup /system.slice/boxcg-tests.service
id $(id_of /system.slice/boxcg-tests.service)
"
hostile "the old cgroup's id" 600 "boxcg-sd-base 1
manager system
boot $boot
cgroup $cg2
id $old_id
"
hostile "another boot" 600 "boxcg-sd-base 1
manager system
boot 00000000-0000-4000-8000-000000000000
cgroup $cg2
id $new_id
"
hostile "garbage" 600 "not a record"
# A symlink in its place is replaced, never followed.
rm -f "$cache"
ln -s "$TEST_TMP/target" "$cache"
exec_in h2
assert_contains "asked systemd over D-Bus" "$ERR" "a symlink"
[ ! -e "$TEST_TMP/target" ] || fail "the symlink's target was written"
[ -f "$cache" ] && [ ! -L "$cache" ] || fail "the symlink was not replaced"
expect_ok boxcg -q box delete h2
