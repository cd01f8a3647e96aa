#!/usr/bin/env bash
# Where it cannot run, the runner says why and exits 0 without touching
# anything: as a non-root user, and where no cgroup2 is mounted (a private
# mount namespace with every cgroup2 mount lazily unmounted).
. "$TEST_LIB"

here=$(cd "$(dirname "$0")" && pwd)
# A copy the unprivileged user can read wherever the checkout lives.
copy=$TEST_TMP/copy
mkdir -p "$copy/host" "$copy/kernel"
cp "$here/run.sh" "$copy/host/"
cp "$here/../kernel/lib.sh" "$here/../kernel/cgtree.sh" "$copy/kernel/"
chmod -R a+rX "$TEST_TMP"

expect_ok setpriv --reuid=65534 --regid=65534 --clear-groups \
	bash "$copy/host/run.sh" "$BOXCG"
assert_eq "host: skipped: not root" "$OUT" "unprivileged run"

unshare --mount true 2>/dev/null || skip "cannot make a mount namespace here"
expect_ok unshare --mount --propagation private bash -c '
	awk "{ for (i = 7; i <= NF; i++) if (\$i == \"-\") { if (\$(i + 1) == \"cgroup2\") print \$5; break } }" \
		/proc/self/mountinfo | while read -r m; do umount -l "$m"; done
	exec bash "$0" "$1"' "$copy/host/run.sh" "$BOXCG"
assert_eq "host: skipped: no cgroup2 mount in /proc/self/mountinfo" "$OUT" "run without cgroup2"
