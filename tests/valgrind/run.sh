#!/usr/bin/env bash
# Every golden case again, with boxcg under valgrind (memcheck): the cases
# must still pass unchanged, and valgrind must report no invalid access,
# no use of uninitialised memory and no definite or indirect leak.
# valgrind's own notes (it does not know openat2, syscall 437, so boxcg's
# cgroupfs layer takes its O_NOFOLLOW fallback there) are not errors.
# Usage: tests/valgrind/run.sh BOXCG
set -u
boxcg=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "valgrind: skipped: valgrind is not installed"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/logs"
cat >"$work/boxcg" <<W
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--log-file=$work/logs/%p.log "$boxcg" "\$@"
W
chmod +x "$work/boxcg"

"$here/../golden/run.sh" "$work/boxcg" >"$work/golden.log" 2>&1
golden=$?
grep -v '^ok ' "$work/golden.log"

# Anything valgrind said, less its notes about syscalls it does not model.
bad=0
for log in "$work"/logs/*.log; do
	[ -s "$log" ] || continue
	if grep -v -e 'unhandled amd64-linux syscall' -e 'You may be able to write your own handler' \
		-e 'README_MISSING_SYSCALL_OR_IOCTL' -e 'Nevertheless we consider this a bug' \
		-e 'valgrind.org/support/bug_reports' "$log" | grep -q .; then
		bad=$((bad + 1))
		echo "valgrind reported (log $(basename "$log")):"
		sed 's/^/    /' "$log" | head -40
	fi
done
n=$(ls "$work"/logs | wc -l)
if [ $golden = 0 ] && [ $bad = 0 ]; then
	echo "valgrind: $n boxcg runs clean; 1 passed, 0 failed"
	exit 0
fi
echo "valgrind: $bad of $n runs reported errors, golden exit $golden; 0 passed, 1 failed"
exit 1
