# Helpers for the real-kernel tests (tests/kernel/t_*.sh, run inside the
# qemu VM by busybox sh) and the host cgroup2 tests (tests/host/t_*.sh,
# run by bash on the host). POSIX sh only: no arrays, no [[ ]], no local
# beyond `local` in functions (busybox ash and bash both have it).
#
# Conventions for a test file
#   * Name: t_<name>.sh; the runner reports it as <name>. One concern per
#     file; a test passes by exiting 0, fails by exiting non-zero, and is
#     skipped by `skip REASON` (exit 77: only for a host that lacks what
#     the test needs; the VM has every controller, so a kernel test that
#     skips is reported but should not exist).
#   * First line after the comment header: `. "$TEST_LIB"`. Sourcing this
#     file turns on `set -eu`, so any unchecked failing command fails the
#     test; use `run`, `expect_fail` or `if` for commands that may fail.
#   * A line `# timeout: SECONDS` in the first 20 lines overrides the
#     per-test timeout (kernel: 120 s by default, TCG is slow; host: 60 s).
#   * cgroupfs files report size 0, so `[ -s FILE ]` is always false
#     there: test the content (grep -q . FILE).
#   * Never assert timing. Output is shown only when the test fails, so
#     print freely (`note`).
#   * Cgroups: make them only with `cg_scratch` (it removes them, and
#     kills whatever is left inside, when the test exits). The kernel
#     harness fails a test that leaves a cgroup behind under
#     /sys/fs/cgroup. On the host, cgroups live under $CG_MOUNT/$SCRATCH,
#     a fresh cgroup the runner made for this test alone.
#   * Processes: start them in a cgroup with `cg_spawn` / `cg_run`; a
#     test that moves its own shell (echo $$ > .../cgroup.procs) is moved
#     back to where it started before its scratch cgroups are removed.
#
# Environment (set by the runners)
#   TEST_LIB    this file            TEST_NAME   the test's name
#   CG_MOUNT    the cgroup2 mount (the VM: /sys/fs/cgroup)
#   SCRATCH     host only: the per-test scratch cgroup, relative to CG_MOUNT
#   CG_BASE     where cg_scratch creates cgroups ($CG_MOUNT[/$SCRATCH])
#   BOXCG       host only: the boxcg binary (in the VM, `boxcg` is on PATH)
#   RAM_DEV, RAM_MAJMIN   VM only: /dev/ram0 and its "MAJ:MIN" (brd), a
#               real block device for io.max / io.weight tests
#   TEST_TMP    a fresh scratch directory for files, removed afterwards
#   /policies   VM only: a copy of the repository's policies/ directory
#   /etc/passwd, /etc/group   VM only: root and nobody/nogroup (65534);
#               the VM is thrown away, so a test may append a user
#
# Helpers (each failing assertion prints what it wanted and exits 1)
#   fail MSG                       fail the test now
#   skip REASON                    skip the test (exit 77)
#   note MSG                       print a line (shown when the test fails)
#   assert_eq WANT GOT [WHAT]      strings equal
#   assert_ne UNWANTED GOT [WHAT]  strings differ
#   assert_match GLOB GOT [WHAT]   GOT matches the shell pattern GLOB
#   assert_contains NEEDLE HAYSTACK [WHAT]   substring
#   assert_has_line LINE TEXT [WHAT]         one whole line of TEXT is LINE
#   assert_file_eq FILE WANT       FILE's content (less trailing newlines) is WANT
#   assert_file_has_line FILE LINE one whole line of FILE is LINE
#   assert_exists PATH / assert_missing PATH
#   run CMD...                     run CMD, never fail: sets STATUS, OUT (stdout),
#                                  ERR (stderr)
#   expect_ok CMD...               CMD must exit 0 (sets STATUS, OUT, ERR)
#   expect_fail CMD...             CMD must exit non-zero (sets STATUS, OUT, ERR)
#   expect_status N CMD...         CMD must exit N (sets STATUS, OUT, ERR)
#   cg_scratch [NAME]              make a fresh cgroup $CG_BASE/NAME (default
#                                  <test>-<n>); sets CG to its path
#   cg_enable CGDIR CTRL...        enable controllers in CGDIR's subtree_control
#   cg_run CGDIR CMD...            run CMD inside the cgroup CGDIR, wait for it
#   cg_spawn CGDIR CMD...          start CMD inside CGDIR in the background;
#                                  sets SPAWNED to its PID (it is killed when
#                                  the scratch cgroup is removed)
#   cg_procs CGDIR                 print the PIDs in CGDIR/cgroup.procs

set -eu

_lib_dir=${TEST_LIB%/*}
. "$_lib_dir/cgtree.sh"

: "${TEST_NAME:=${0##*/}}"
TEST_NAME=${TEST_NAME%.sh}
TEST_NAME=${TEST_NAME#t_}
: "${CG_MOUNT:=/sys/fs/cgroup}"
CG_BASE=$CG_MOUNT${SCRATCH:+/$SCRATCH}
_lib_scratch=""
_lib_n=0
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/boxcg-test.XXXXXX")

# Where this shell started, to move back to before cleanup: "0::/path".
_lib_own_cg() { sed -n 's/^0:://p' /proc/self/cgroup; }
_lib_start_cg=$CG_MOUNT$(_lib_own_cg)
_lib_start_cg=${_lib_start_cg%/}

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

skip() {
	printf 'skip: %s\n' "$*"
	exit 77
}

note() { printf '%s\n' "$*"; }

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: want '$1', got '$2'"
}

assert_ne() {
	[ "$1" != "$2" ] || fail "${3:-value}: got '$2', which it must not be"
}

assert_match() {
	# shellcheck disable=SC2254 # the pattern is meant to be a pattern
	case $2 in
	$1) ;;
	*) fail "${3:-value}: '$2' does not match '$1'" ;;
	esac
}

assert_contains() {
	case $2 in
	*"$1"*) ;;
	*) fail "${3:-text}: '$1' not found in: $2" ;;
	esac
}

assert_has_line() {
	printf '%s\n' "$2" | grep -qxF -e "$1" || fail "${3:-text}: no line '$1' in: $2"
}

assert_file_eq() {
	[ -e "$1" ] || fail "$1: no such file"
	_lib_got=$(cat "$1") || fail "$1: cannot read"
	[ "$_lib_got" = "$2" ] || fail "$1: want '$2', got '$_lib_got'"
}

assert_file_has_line() {
	[ -e "$1" ] || fail "$1: no such file"
	grep -qxF -e "$2" "$1" || fail "$1: no line '$2' in: $(cat "$1")"
}

assert_exists() {
	[ -e "$1" ] || fail "$1: does not exist"
}

assert_missing() {
	[ ! -e "$1" ] || fail "$1: exists, and must not"
}

run() {
	STATUS=0
	"$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" || STATUS=$?
	OUT=$(cat "$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
}

_lib_show() {
	printf '%s\n' "$1: exit $STATUS"
	[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/  stdout: /'
	[ -z "$ERR" ] || printf '%s\n' "$ERR" | sed 's/^/  stderr: /'
}

expect_ok() {
	run "$@"
	[ "$STATUS" = 0 ] || { _lib_show "$*" >&2; fail "'$*' failed"; }
}

expect_fail() {
	run "$@"
	[ "$STATUS" != 0 ] || { _lib_show "$*" >&2; fail "'$*' succeeded, and must fail"; }
}

expect_status() {
	_lib_want=$1
	shift
	run "$@"
	[ "$STATUS" = "$_lib_want" ] || { _lib_show "$*" >&2; fail "'$*': want exit $_lib_want, got $STATUS"; }
}

cg_scratch() {
	_lib_n=$((_lib_n + 1))
	CG=$CG_BASE/${1:-$TEST_NAME-$_lib_n}
	[ ! -e "$CG" ] || fail "cg_scratch: $CG already exists"
	mkdir "$CG" || fail "cg_scratch: cannot create $CG"
	# Newest first, so cleanup removes nested scratch cgroups before parents.
	_lib_scratch="$CG
$_lib_scratch"
}

cg_enable() {
	_lib_cg=$1
	shift
	for _lib_c in "$@"; do
		echo "+$_lib_c" >"$_lib_cg/cgroup.subtree_control" ||
			fail "cannot enable $_lib_c in $_lib_cg/cgroup.subtree_control (available: $(cat "$_lib_cg/cgroup.controllers"))"
	done
}

cg_run() {
	_lib_cg=$1
	shift
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' cg_run "$_lib_cg" "$@"
}

cg_spawn() {
	_lib_cg=$1
	shift
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' cg_spawn "$_lib_cg" "$@" &
	SPAWNED=$!
	# Return once the child is inside the cgroup, so callers can rely on it.
	_lib_i=0
	until grep -qx "$SPAWNED" "$_lib_cg/cgroup.procs" 2>/dev/null; do
		kill -0 "$SPAWNED" 2>/dev/null || fail "cg_spawn: '$*' exited before joining $_lib_cg"
		_lib_i=$((_lib_i + 1))
		[ "$_lib_i" -le 200 ] || fail "cg_spawn: '$*' did not join $_lib_cg"
		sleep 0.05
	done
}

cg_procs() { cat "$1/cgroup.procs"; }

_lib_cleanup() {
	_lib_ok=0
	# A test that moved its own shell into a scratch cgroup goes back first,
	# so that killing the scratch contents does not kill the test.
	_lib_now=$CG_MOUNT$(_lib_own_cg)
	if [ "${_lib_now%/}" != "$_lib_start_cg" ]; then
		echo $$ >"$_lib_start_cg/cgroup.procs" 2>/dev/null || {
			echo "cleanup: cannot move back to $_lib_start_cg" >&2
			_lib_ok=1
		}
	fi
	_lib_list=$_lib_scratch
	_lib_scratch=""
	for _lib_d in $_lib_list; do
		cg_rmtree "$_lib_d" || _lib_ok=1
	done
	rm -rf "$TEST_TMP"
	return $_lib_ok
}

_lib_exit() {
	_lib_status=$?
	trap - EXIT
	if ! _lib_cleanup && [ "$_lib_status" = 0 ]; then
		echo "FAIL: cleanup of the scratch cgroups failed" >&2
		_lib_status=1
	fi
	exit "$_lib_status"
}
trap _lib_exit EXIT
trap 'exit 130' INT TERM
