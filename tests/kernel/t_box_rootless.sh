#!/bin/sh
# Rootless: an unprivileged user (uid 1000) given a delegated cgroup the
# way the kernel's delegation rules say (the directory, cgroup.procs,
# cgroup.subtree_control and cgroup.threads chowned to it; the user runs
# in a leaf below it) creates, runs in and deletes boxes with boxcg, which
# finds the delegated cgroup from /proc/self/cgroup (no --root).
# timeout: 180
. "$TEST_LIB"

grep -q '^boxuser:' /etc/passwd || echo 'boxuser:x:1000:1000:boxcg test:/tmp:/bin/sh' >>/etc/passwd
grep -q '^boxuser:' /etc/group || echo 'boxuser:x:1000:' >>/etc/group

cg_scratch deleg
D=$CG
delegate() { chown 1000:1000 "$1" "$1/cgroup.procs" "$1/cgroup.subtree_control" "$1/cgroup.threads"; }
delegate "$D"
mkdir "$D/init"
delegate "$D/init"

U=$TEST_TMP/user
mkdir "$U"
chmod 755 "$TEST_TMP"
chown 1000:1000 "$U"
cat >"$U/p.yaml" <<'Y'
version: 1
classes:
  small:
    box:
      memory: { max: 64MiB }
      pids: { max: 10 }
Y
# What the user runs; it fails (with a message) at the first surprise.
cat >"$U/user.sh" <<'Y'
set -eu
U=$1 D=$2
bx() { boxcg --state-dir "$U/state" "$@"; }
die() { echo "user: $*" >&2; exit 1; }
[ "$(id -u)" = 1000 ] || die "not uid 1000"
bx box create r1 --class small "$U/p.yaml"
[ "$(cat "$D/boxlite/small/r1/pids.max")" = 10 ] || die "pids.max not written"
[ "$(cat "$D/boxlite/small/r1/memory.max")" = 67108864 ] || die "memory.max not written"
want="0::${D#/sys/fs/cgroup}/boxlite/small/r1"
got=$(bx box exec r1 --class small "$U/p.yaml" -- cat /proc/self/cgroup)
[ "$got" = "$want" ] || die "clone3: in '$got', want '$want'"
got=$(BOXCG_TEST_NO_CLONE3=1 bx box exec r1 --class small "$U/p.yaml" -- cat /proc/self/cgroup)
[ "$got" = "$want" ] || die "fork+join: in '$got', want '$want'"
st=0
bx box exec r2 --class small "$U/p.yaml" -- sh -c 'exit 6' || st=$?
[ "$st" = 6 ] || die "exit status $st, want 6"
bx box list "$U/p.yaml" | grep -q '^r2 ' || die "r2 not listed"
boxcg --state-dir "$U/state" box exec r2 --class small "$U/p.yaml" -- sleep 1000 &
r2=$!
i=0
until grep -q . "$D/boxlite/small/r2/cgroup.procs"; do
	i=$((i + 1)); [ $i -le 400 ] || die "sleep never joined r2"; sleep 0.05
done
if bx box delete r2 "$U/p.yaml" 2>/dev/null; then die "a populated box was deleted"; fi
bx box delete r2 --kill --timeout 60s "$U/p.yaml"
wait "$r2" || :
bx box delete r1 "$U/p.yaml"
[ ! -e "$D/boxlite/small/r1" ] && [ ! -e "$D/boxlite/small/r2" ] || die "boxes left"
echo "user: all done"
Y
chmod 644 "$U/user.sh"

cg_run "$D/init" su -s /bin/sh boxuser -c "sh $U/user.sh $U $D" >"$TEST_TMP/out" 2>&1 || {
	cat "$TEST_TMP/out"
	fail "the unprivileged user's run failed"
}
note "$(cat "$TEST_TMP/out")"
assert_file_has_line "$TEST_TMP/out" "user: all done"
# Everything it made is its own.
assert_eq 1000 "$(stat -c %u "$D/boxlite")" "owner of the boxlite cgroup"
assert_file_eq "$D/cgroup.subtree_control" "memory pids"
