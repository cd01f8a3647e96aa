#!/bin/sh
# Harness self-test, expected to PASS: a process whose parent has exited
# is re-parented to PID 1, which must reap it when it ends: no zombie
# stays behind (busybox sh as PID 1 reaps only while it waits).
. "$TEST_LIB"
sh -c 'sleep 1 & echo $! >"$1"' sh "$TEST_TMP/orphan"
orphan=$(cat "$TEST_TMP/orphan")
if [ -e "/proc/$orphan/stat" ]; then
	set -- $(sed 's/^.*) //' "/proc/$orphan/stat")
	assert_eq 1 "$2" "parent of the orphan $orphan"
fi
i=0
while [ -e "/proc/$orphan" ]; do
	i=$((i + 1))
	[ $i -le 300 ] || fail "orphan $orphan was never reaped: $(cat "/proc/$orphan/stat")"
	sleep 0.1
done
