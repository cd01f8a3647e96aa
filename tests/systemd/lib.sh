# Helpers for the systemd guest's tests (tests/systemd/t_*.sh, run as root
# by guest.sh in boxcg-tests.service, an ordinary system unit; /bin/sh is
# dash). Sourcing turns on `set -eu`; a test passes by exiting 0.
#
#   fail MSG / note MSG
#   assert_eq WANT GOT [WHAT]        assert_match GLOB GOT [WHAT]
#   assert_contains NEEDLE HAYSTACK [WHAT]
#   run CMD...            never fails: sets STATUS, OUT, ERR
#   expect_ok CMD... / expect_fail CMD... / expect_status N CMD...
#   cg_of PID             the cgroup path of a process ("/system.slice/...")
#   wait_for CMD...       retry CMD for up to 60 s (TCG is slow)
#
#   TEST_TMP   a fresh directory, removed afterwards
#   POLICY     /etc/boxcg, the policy boxcg.service applied at boot
set -eu
TEST_TMP=$(mktemp -d /tmp/boxcg-test.XXXXXX)
chmod 755 "$TEST_TMP"
POLICY=/etc/boxcg
trap 'rm -rf "$TEST_TMP"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { printf '%s\n' "$*"; }
assert_eq() { [ "$1" = "$2" ] || fail "${3:-value}: want '$1', got '$2'"; }
assert_match() {
	# shellcheck disable=SC2254
	case $2 in $1) ;; *) fail "${3:-value}: '$2' does not match '$1'" ;; esac
}
assert_contains() {
	case $2 in *"$1"*) ;; *) fail "${3:-text} lacks '$1': $2" ;; esac
}
run() {
	STATUS=0
	"$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" || STATUS=$?
	OUT=$(cat "$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
}
_show() { echo "command: $*"; echo "status: $STATUS"; echo "stdout: $OUT"; echo "stderr: $ERR"; }
expect_ok() { run "$@"; [ "$STATUS" = 0 ] || { _show "$@"; fail "command failed"; }; }
expect_fail() { run "$@"; [ "$STATUS" != 0 ] || { _show "$@"; fail "command succeeded"; }; }
expect_status() {
	want=$1
	shift
	run "$@"
	[ "$STATUS" = "$want" ] || { _show "$@"; fail "status $STATUS, want $want"; }
}
cg_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
wait_for() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -le 600 ] || fail "gave up waiting for: $*"
		sleep 0.1
	done
}
