#!/usr/bin/env bash
# The boxcg demo: validate, plan and apply the bundled policies, run a
# command in a box, show the transaction rolling back an injected failure.
#
# Where it can (root, a cgroup2 mount with the controllers the policies
# need), it works on the real cgroup2 in a scratch subtree it removes at the
# end; otherwise on a plain directory root (directory mode), and says why.
# Usage: docs/demo.sh BOXCG
set -euo pipefail
boxcg=${1:?usage: demo.sh BOXCG}
src=$(cd "$(dirname "$0")/.." && pwd)
policies="$src/policies"
state=$(mktemp -d /tmp/boxcg-demo-state.XXXXXX)
dirroot=""
scratch=""
mount=""

bold=$(tput bold 2>/dev/null || true) off=$(tput sgr0 2>/dev/null || true)
[ -t 1 ] || bold="" off=""
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
run() { printf '%s$ %s%s\n' "$bold" "boxcg $*" "$off"; "$boxcg" "$@"; }

cleanup() {
	if [ -n "$scratch" ] && [ -d "$mount/$scratch" ]; then
		# Remove only what this demo created: deepest first.
		find "$mount/$scratch" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	fi
	[ -n "$dirroot" ] && rm -rf "$dirroot"
	rm -rf "$state"
}
trap cleanup EXIT

# Which controllers do the bundled policies need? Ask the planner against an
# empty directory root: it lists every controller it enables.
probe=$(mktemp -d)
needed=$("$boxcg" --root "$probe" plan --json "$policies" 2>/dev/null |
	python3 -c 'import json,sys
d=json.load(sys.stdin)
print(" ".join(sorted({s["write"][1:] for s in d["steps"] if s["op"]=="enable"})))' 2>/dev/null || true)
rm -rf "$probe"

root_arg=""
if [ "$(id -u)" = 0 ]; then
	mount=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i+1) == "cgroup2") print $5; break } }' /proc/self/mountinfo | head -n1)
fi
if [ -n "$mount" ]; then
	have=$(cat "$mount/cgroup.controllers")
	missing=""
	for c in $needed; do case " $have " in *" $c "*) ;; *) missing="$missing $c" ;; esac; done
	if [ -z "$missing" ]; then
		scratch="boxcg-demo-$$"
		mkdir "$mount/$scratch"
		root_arg="$mount/$scratch"
		say "Real cgroup2 at $mount; working in the scratch subtree $scratch"
	else
		say "cgroup2 at $mount lacks${missing} (bound to cgroup v1 on this host); using a directory root instead"
	fi
else
	say "No writable cgroup2 mount (not root, or none); using a directory root instead"
fi
if [ -z "$root_arg" ]; then
	dirroot=$(mktemp -d /tmp/boxcg-demo-root.XXXXXX)
	root_arg="$dirroot"
fi
g=(--root "$root_arg" --state-dir "$state")

say "1. Validate the bundled policies"
run validate "$policies"

say "2. Preview the plan (nothing is touched)"
run "${g[@]}" plan "$policies"

say "3. Apply it as one transaction"
run "${g[@]}" apply "$policies"

say "4. Plan again: the tree has converged"
run "${g[@]}" plan "$policies"

say "5. Run a command in a box of class 'small'"
run "${g[@]}" box exec demo-1 --class small "$policies" -- sh -c 'echo "hello from $(cat /proc/self/cgroup | tail -n1)"'
run "${g[@]}" box list "$policies"
run "${g[@]}" box delete demo-1 "$policies"

say "6. A failure midway rolls back every completed step"
changed=$(mktemp -d)
cp "$policies"/*.yaml "$changed"/
sed -i 's/4GiB/6GiB/g; s/8GiB/12GiB/g' "$changed"/*.yaml
set +e
BOXCG_TEST_FAULT_AT=15 "$boxcg" "${g[@]}" apply "$changed"
status=$?
set -e
echo "(exit status $status: 1 means the failed apply was rolled back completely)"
[ "$status" = 1 ] || { echo "demo: expected the injected failure to roll back (exit 1)" >&2; exit 1; }
run "${g[@]}" diff "$policies" && echo "live tree still matches the original policy"
rm -rf "$changed"

say "Done. Next: 'make check' runs every test."
