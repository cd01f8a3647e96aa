# Helpers for tests/fault/t_*.sh (bash). Sourcing turns on `set -eu`.
#
#   tree_sum DIR           every directory and file under DIR, with the
#                          sha256 of each file's bytes, and boxcg's xattrs
#                          (user.boxcg.static, user.boxcg.managed) of each
#                          directory: equal output means equal trees
#   bx ARGS...             $BOXCG --root $ROOT --state-dir $STATE ARGS...
#   run CMD...             run CMD without failing; sets STATUS, OUT, ERR
#   expect_status N CMD... CMD must exit N
#   assert_same_tree WHEN  the tree equals $TREE_BEFORE (set by remember_tree)
#   fail MSG / note MSG
set -eu
: "${BOXCG:?}" "${TEST_TMP:?}" "${FAULT_POLICIES:?}"
ROOT=$TEST_TMP/root
STATE=$TEST_TMP/state
P=$FAULT_POLICIES
mkdir -p "$ROOT"

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

note() { printf '%s\n' "$*"; }

tree_sum() {
	(
		cd "$1"
		find . -mindepth 1 -type d | LC_ALL=C sort | sed 's/^/d /'
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
		# boxcg's xattrs on every directory: the static-box mark and the
		# record of managed settings (user.boxcg.*)
		python3 -c 'import os, sys
for top, dirs, _ in os.walk("."):
    dirs.sort()
    for d in [top] + [os.path.join(top, x) for x in dirs]:
        for a in sorted(os.listxattr(d)):
            if a.startswith("user.boxcg."):
                print("x", d, a, os.getxattr(d, a).decode(errors="replace"))' | LC_ALL=C sort -u
	)
}

bx() { "$BOXCG" --root "$ROOT" --state-dir "$STATE" "$@"; }

run() {
	STATUS=0
	"$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" || STATUS=$?
	OUT=$(cat "$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
}

show() {
	printf '%s\n' "exit $STATUS"
	[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/  stdout: /' | tail -15
	[ -z "$ERR" ] || printf '%s\n' "$ERR" | sed 's/^/  stderr: /' | tail -15
}

expect_status() {
	local want=$1
	shift
	run "$@"
	[ "$STATUS" = "$want" ] || { show >&2; fail "'$*': want exit $want, got $STATUS"; }
}

remember_tree() { TREE_BEFORE=$(tree_sum "$ROOT"); }

assert_same_tree() {
	local now
	now=$(tree_sum "$ROOT")
	if [ "$now" != "$TREE_BEFORE" ]; then
		diff <(printf '%s\n' "$TREE_BEFORE") <(printf '%s\n' "$now") | head -20 >&2
		fail "$1: the tree is not byte-for-byte as it was"
	fi
}

assert_no_journal() { [ ! -e "$STATE/journal" ] || fail "$1: a journal was left behind"; }

assert_contains() {
	case $2 in
	*"$1"*) ;;
	*) fail "${3:-text}: '$1' not found in: $2" ;;
	esac
}

# fault_each MAX ARGS…: boxcg -v ARGS with a failure (EIO) injected at
# each of its mutations in turn (at most MAX), each time exit 1, the tree
# byte-for-byte as before and no journal, until it runs through; then $k
# is one past the last fault point and $OUT holds the run that went.
fault_each() {
	local max=$1
	shift
	remember_tree
	k=0
	while :; do
		k=$((k + 1))
		[ $k -le "$max" ] || fail "no end in sight"
		run env BOXCG_TEST_FAULT_AT=$k,EIO "$BOXCG" -v --root "$ROOT" --state-dir "$STATE" "$@"
		[ "$STATUS" = 0 ] && break
		[ "$STATUS" = 1 ] || { show; fail "k=$k: exit $STATUS, want 1"; }
		assert_contains "Input/output error" "$ERR" "k=$k stderr"
		assert_same_tree "fault at mutation $k"
		assert_no_journal "fault at mutation $k"
	done
}

# The number of mutations a successful apply made, from `-v` output.
mutations_of() { sed -n 's/.*steps, \([0-9]*\) mutations.*/\1/p' <<<"$1"; }
