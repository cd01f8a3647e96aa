#!/bin/sh
# The systemd guest's test runner: boxcg-tests.service runs it once
# multi-user.target is reached (tests/systemd/run.sh builds the guest).
# It runs every /tests/t_*.sh in name order, each with a timeout, and
# prints on the serial console
#
#   ok NAME | FAIL NAME (WHY)    one line per test; a failing test's
#                                output follows, indented
#   figure: ...                  lines a test prints as `figure: ...`
#   N passed, N failed           the closing line
#
# The unit powers the machine off when this script ends, either way.
exec >/dev/ttyS0 2>&1
export PATH=/usr/sbin:/usr/bin:/sbin:/bin TEST_LIB=/tests/lib.sh TMPDIR=/tmp
TEST_TIMEOUT=300
. /etc/harness.conf

echo "boxcg-systemd-tests: begin (systemd $(systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p'), up $(cut -d' ' -f1 /proc/uptime)s)"
passed=0 failed=0
for t in /tests/t_*.sh; do
	name=${t##*/t_}
	name=${name%.sh}
	limit=$(sed -n '1,20s/^# timeout: *//p' "$t" | head -n 1)
	out=$(mktemp)
	status=0
	TEST_NAME=$name timeout -k 5 "${limit:-$TEST_TIMEOUT}" sh "$t" >"$out" 2>&1 || status=$?
	grep '^figure: ' "$out" || :
	if [ $status = 0 ]; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		why="exit $status"
		[ $status != 124 ] && [ $status != 137 ] || why="timed out after ${limit:-$TEST_TIMEOUT}s"
		echo "FAIL $name ($why)"
		sed 's/^/    /' "$out"
		failed=$((failed + 1))
	fi
	rm -f "$out"
done
echo "harness: done, up $(cut -d' ' -f1 /proc/uptime)s"
echo "$passed passed, $failed failed"
