#!/usr/bin/env bash
# Fault-injection and crash tests of `boxcg apply` / `boxcg recover`, on
# directory roots: every tests/fault/t_*.sh runs with $BOXCG set to the
# binary under test, $FAULT_LIB to lib.sh and $TEST_TMP to a fresh scratch
# directory. A test passes by exiting 0.
# Usage: tests/fault/run.sh BOXCG [FILTER]
set -u
boxcg=${1:?usage: run.sh BOXCG [FILTER]}
filter=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
for t in "$here"/t_*.sh; do
	name=$(basename "$t" .sh)
	name=${name#t_}
	[ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/boxcg-fault.XXXXXX")
	out="$tmp.log"
	if BOXCG="$boxcg" FAULT_LIB="$here/lib.sh" FAULT_POLICIES="$here/policies" TEST_TMP="$tmp" \
		NO_COLOR=1 bash "$t" >"$out" 2>&1 </dev/null; then
		pass=$((pass + 1))
		echo "ok   $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name"
		tail -40 "$out" | sed 's/^/    /'
	fi
	rm -rf "$tmp" "$out"
done
echo "fault: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
