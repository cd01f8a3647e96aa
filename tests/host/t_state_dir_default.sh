#!/usr/bin/env bash
# The default state dir: /run/boxcg belongs to root, so a non-root user's
# lock and journal go to $XDG_RUNTIME_DIR/boxcg (as systemd --user does).
# Checked on a directory root owned by an unprivileged user; no cgroup is
# touched.
. "$TEST_LIB"

command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
home=$(mktemp -d /tmp/boxcg-state-XXXXXX)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/root" "$home/xdg"
chown -R 65534:65534 "$home"
chmod 0711 "$home"
cat >"$home/p.yaml" <<'Y'
version: 1
classes:
  small:
    box:
      pids: { max: 64 }
Y
chmod 0644 "$home/p.yaml"
# nobody runs a copy: the checkout (and $BOXCG in it) may be private
# (mode 0700, a home directory), where nobody cannot reach it.
cp "$BOXCG" "$home/boxcg"
chmod 0755 "$home/boxcg"
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		env XDG_RUNTIME_DIR="$home/xdg" "$home/boxcg" --root "$home/root" "$@"
}
expect_ok as_nobody apply "$home/p.yaml"
assert_contains "Applied" "$OUT"
[ -d "$home/xdg/boxcg" ] || fail "no state dir at \$XDG_RUNTIME_DIR/boxcg"
[ -e "$home/xdg/boxcg/lock" ] || fail "no lock file in \$XDG_RUNTIME_DIR/boxcg"
