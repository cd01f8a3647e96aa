#!/usr/bin/env bash
# Golden tests: every directory under tests/golden/ holding a `cmd` file is
# one case.
#
#   cmd       shell commands, run in the case directory with $BOXCG set to
#             the binary under test and $ROOT to a fresh scratch directory
#             (a copy of the case's root/ when it has one)
#   stdout    expected standard output   (optional: not compared if absent)
#   stderr    expected standard error    (optional)
#   status    expected exit status       (default 0)
#
# BX_GOLDEN_UPDATE=1 rewrites the expected files from what the command
# printed (review the diff before committing).
# Usage: tests/golden/run.sh BOXCG [FILTER]
set -u
boxcg=${1:?usage: run.sh BOXCG [FILTER]}
# Cases run in their own directories: make the binary path absolute.
boxcg=$(cd "$(dirname "$boxcg")" && pwd)/$(basename "$boxcg")
filter=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

while IFS= read -r cmdfile; do
	case_dir=$(dirname "$cmdfile")
	name=${case_dir#"$here"/}
	[ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
	root="$scratch/root.$pass.$fail"
	rm -rf "$root"
	if [ -d "$case_dir/root" ]; then cp -a "$case_dir/root" "$root"; else mkdir -p "$root"; fi
	out="$scratch/out" err="$scratch/err"
	(cd "$case_dir" && BOXCG="$boxcg" ROOT="$root" NO_COLOR=1 bash -e ./cmd) >"$out" 2>"$err" </dev/null
	status=$?
	# Scratch paths vary per run; show them as $ROOT.
	sed -i "s#$root#\$ROOT#g" "$out" "$err"
	want_status=0
	[ -f "$case_dir/status" ] && want_status=$(cat "$case_dir/status")
	ok=1 why=""
	if [ "${BX_GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$out" "$case_dir/stdout"
		cp "$err" "$case_dir/stderr"
		echo "$status" >"$case_dir/status"
		want_status=$status
	fi
	if [ "$status" != "$want_status" ]; then ok=0 why="exit $status, want $want_status"; fi
	for s in stdout stderr; do
		if [ -f "$case_dir/$s" ] && ! diff -u "$case_dir/$s" "$scratch/${s#std}" >"$scratch/diff" 2>&1; then
			ok=0 why="$why${why:+; }$s differs"
			sed 's/^/    /' "$scratch/diff" | head -40
		fi
	done
	if [ $ok = 1 ]; then
		pass=$((pass + 1)); echo "ok   $name"
	else
		fail=$((fail + 1)); echo "FAIL $name ($why)"
		[ -s "$err" ] && sed 's/^/    stderr: /' "$err" | head -10
	fi
done < <(find "$here" -name cmd -type f | sort)

echo "golden: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
