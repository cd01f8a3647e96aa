#!/usr/bin/env bash
# The eco tests: what makes boxcg native on a host (man pages, bash
# completion, systemd unit and tmpfiles entry, Ansible module and role,
# editor modelines of the bundled policies).
#
# Every tests/eco/test_*.sh runs as `test_x.sh BOXCG` in the source tree
# with a fresh scratch directory in $SCRATCH; test_*.py are Python unittest
# modules run with the Python that has ansible-core. Each prints what it
# checked; a non-zero exit is a failure.
# Usage: tests/eco/run.sh BOXCG        (BX_ECO=word runs the tests whose
#                                       file name contains it)
set -u
[ $# = 1 ] || { echo "usage: tests/eco/run.sh BOXCG" >&2; exit 2; }
boxcg=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
filter=${BX_ECO:-}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
pass=0 fail=0 failed=""

run_one() { # NAME CMD...
	local name=$1 scratch out status
	shift
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/boxcg-eco.XXXXXX")
	out="$scratch.log"
	(cd "$src" && SCRATCH="$scratch" NO_COLOR=1 "$@") >"$out" 2>&1 </dev/null
	status=$?
	if [ "$status" = 0 ]; then
		pass=$((pass + 1))
		echo "ok    $name"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL  $name (exit $status)"
		sed 's/^/    /' "$out" | tail -n 40
	fi
	rm -rf "$scratch" "$out"
}

for t in "$here"/test_*.sh "$here"/test_*.py; do
	[ -e "$t" ] || continue
	name=$(basename "$t")
	[ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
	case $t in
	*.sh) run_one "$name" bash "$t" "$boxcg" ;;
	*.py) run_one "$name" /usr/bin/python3 -m unittest -q "tests/eco/$name" ;;
	esac
done

echo "eco: $pass passed, $fail failed${failed:+:$failed}"
[ $((pass + fail)) -gt 0 ] || { echo "eco: no test matched '$filter'"; exit 1; }
[ "$fail" = 0 ]
