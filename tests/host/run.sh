#!/usr/bin/env bash
# Host cgroup2 tests: run every tests/host/t_*.sh against this machine's
# cgroup2 mount, each inside a scratch cgroup of its own.
#
#   tests/host/run.sh BOXCG          (make check-host)
#
# Needs root and a writable cgroup2 mount (found in /proc/self/mountinfo:
# fstype cgroup2 after the " - " separator; on a hybrid host that is
# /sys/fs/cgroup/unified, with few controllers). Elsewhere it prints
# "host: skipped: REASON" and exits 0.
#
# For each test it creates a fresh cgroup boxcg-test-<pid>-<random>-<test>
# directly under the mount and runs the test with
#   BOXCG      the binary under test       CG_MOUNT  the cgroup2 mount
#   SCRATCH    the scratch cgroup, relative to CG_MOUNT
#   TEST_LIB   tests/kernel/lib.sh (the helpers both suites share)
#   TEST_NAME  the test's name (t_foo.sh is "foo")
# then removes the scratch subtree, killing what is left inside it (only
# there: never another cgroup's files or processes). An EXIT trap removes
# whatever scratch is still there if the runner is interrupted.
#
# Environment:
#   BOXCG_HOST_TESTS          space-separated globs over test names (default: all)
#   BOXCG_HOST_TESTS_DIR      where the t_*.sh files are (default: tests/host)
#   BOXCG_HOST_TEST_TIMEOUT   per-test timeout in seconds (default 60; a
#                             test's "# timeout: N" header wins)
#
# Prints one line per test (ok NAME | skip NAME: REASON | FAIL NAME (WHY)
# followed by the test's output, indented), then "N passed, N failed".
# Exits 1 if a test failed or a scratch cgroup could not be removed.
set -u

boxcg=${1:?usage: run.sh BOXCG}
here=$(cd "$(dirname "$0")" && pwd)
libdir=$(cd "$here/../kernel" && pwd)
tests_dir=${BOXCG_HOST_TESTS_DIR:-$here}
selection=${BOXCG_HOST_TESTS:-*}
test_timeout=${BOXCG_HOST_TEST_TIMEOUT:-60}
# shellcheck source=../kernel/cgtree.sh
. "$libdir/cgtree.sh"

skipped_run() {
	echo "host: skipped: $1"
	exit 0
}

# The first cgroup2 mount: "MOUNTPOINT OPTIONS" (mount point unescaped).
find_cgroup2() {
	local line pre fstype mnt opts
	while IFS= read -r line; do
		pre=${line%% - *}
		fstype=${line#* - }
		fstype=${fstype%% *}
		[ "$fstype" = cgroup2 ] || continue
		# ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...]
		read -r _ _ _ _ mnt opts _ <<<"$pre"
		printf '%b %s\n' "$mnt" "$opts"
		return 0
	done </proc/self/mountinfo
	return 1
}

[ "$(id -u)" = 0 ] || skipped_run "not root"
found=$(find_cgroup2) || skipped_run "no cgroup2 mount in /proc/self/mountinfo"
mount=${found% *}
case ,${found##* }, in *,ro,*) skipped_run "the cgroup2 mount $mount is read-only" ;; esac
case $test_timeout in '' | *[!0-9]*)
	echo "host: BOXCG_HOST_TEST_TIMEOUT must be a number of seconds" >&2
	exit 1
	;;
esac

prefix=boxcg-test-$$-$RANDOM
work=$(mktemp -d "${TMPDIR:-/tmp}/boxcg-host.XXXXXX")
created=()

remove_scratch() {
	[ -n "$1" ] && [ "${1#boxcg-test-}" != "$1" ] || return 1
	cg_rmtree "$mount/$1"
}

cleanup() {
	local s status=$?
	for s in "${created[@]}"; do
		remove_scratch "$s" || status=1
	done
	rm -rf "$work"
	exit $status
}
# Interrupted: stop the running test first (timeout passes the signal on
# to the test's process group), then the EXIT trap removes the scratch.
test_pid=""
stop() {
	if [ -n "$test_pid" ]; then
		kill -TERM "$test_pid" 2>/dev/null
		wait "$test_pid" 2>/dev/null
	fi
	exit 130
}
trap cleanup EXIT
trap stop INT TERM HUP

echo "host: cgroup2 at $mount; scratch cgroups $prefix-*"
passed=0 failed=0 skipped=0 selected=0
for f in "$tests_dir"/t_*.sh; do
	[ -e "$f" ] || continue
	name=${f##*/t_}
	name=${name%.sh}
	match=0
	set -f
	for glob in $selection; do
		# shellcheck disable=SC2053 # the glob is meant to be a pattern
		[[ $name == $glob ]] && match=1 && break
	done
	set +f
	[ $match = 1 ] || continue
	selected=$((selected + 1))

	tmo=$(head -n 20 "$f" | sed -n 's/^# timeout: *//p' | head -n 1)
	tmo=${tmo:-$test_timeout}
	scratch=$prefix-$name
	out=$work/out
	rc=0 why=""
	if ! mkdir "$mount/$scratch" 2>"$out"; then
		rc=1 why="cannot create the scratch cgroup $mount/$scratch"
	else
		created+=("$scratch")
		# In the background, so that a signal to the runner interrupts
		# `wait` at once (see stop) instead of waiting for the test.
		(cd "$tests_dir" && BOXCG="$boxcg" CG_MOUNT="$mount" SCRATCH="$scratch" \
			TEST_LIB="$libdir/lib.sh" TEST_NAME="$name" \
			exec timeout -k 5 "$tmo" bash "$f") </dev/null >"$out" 2>&1 &
		test_pid=$!
		wait $test_pid || rc=$?
		test_pid=""
		if [ $rc = 124 ] || [ $rc = 137 ]; then
			why="timed out after ${tmo}s"
		elif [ $rc != 0 ] && [ $rc != 77 ]; then
			why="exit $rc"
		fi
		if remove_scratch "$scratch" >>"$out" 2>&1; then
			unset 'created[${#created[@]}-1]'
		else
			rc=1 why="${why:+$why; }could not remove the scratch cgroup $mount/$scratch"
		fi
	fi

	if [ -z "$why" ] && [ $rc = 77 ]; then
		skipped=$((skipped + 1))
		reason=$(head -n 1 "$out")
		echo "skip $name: ${reason#skip: }"
	elif [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name ($why)"
		sed 's/^/    /' "$out"
	fi
done

if [ $selected = 0 ]; then
	echo "host: no test matches BOXCG_HOST_TESTS='$selection' in $tests_dir" >&2
	exit 1
fi
[ $skipped = 0 ] || echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
