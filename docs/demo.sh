#!/usr/bin/env bash
# The boxcg demo: validate, plan and apply the bundled policies, run a
# command in a box, show the transaction rolling back an injected failure.
#
# Where it can (root, a cgroup2 mount with the controllers the policies
# need), it works on the real cgroup2 in a scratch subtree it removes at the
# end; otherwise on a plain directory root (directory mode), and says why.
# BOXCG_DEMO_DIRMODE=1 always takes the directory root (the tests do).
# The injected failure of step 6 needs the test build's hooks: BOXCG_TEST
# (default: BOXCG, when it is a test build). No line of its output is
# wider than 100 columns (tests/golden/cli/demo-width).
# Usage: docs/demo.sh BOXCG [BOXCG_TEST]
set -euo pipefail
boxcg=$(realpath "${1:?usage: demo.sh BOXCG [BOXCG_TEST]}")
boxcg_test=$(realpath "${2:-$boxcg}")
src=$(cd "$(dirname "$0")/.." && pwd)
# Commands name the policies as a user in the checkout would.
cd "$src"
policies=policies
state=$(mktemp -d /tmp/boxcg-demo-state.XXXXXX)
dirroot=""
scratch=""
mount=""

bold=$(tput bold 2>/dev/null || true) off=$(tput sgr0 2>/dev/null || true)
[ -t 1 ] || bold="" off=""
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
# The command as typed, the scratch paths as $ROOT and $STATE, continued
# with a backslash where it would pass 100 columns.
show() {
	local line="\$ ${prefix:-}boxcg" w
	for w in "$@"; do
		case $w in *[[:space:]\"\$\(\)]*) w="'$w'" ;; esac
		[ -n "$root_arg" ] && w=${w//"$root_arg"/\$ROOT}
		w=${w//"$state"/\$STATE}
		if [ $((${#line} + 1 + ${#w})) -gt 96 ]; then
			printf '%s%s \\%s\n' "$bold" "$line" "$off"
			line="    $w"
		else
			line="$line $w"
		fi
	done
	printf '%s%s%s\n' "$bold" "$line" "$off"
}
run() { show "$@"; "$boxcg" "$@"; }

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
if [ "$(id -u)" = 0 ] && [ "${BOXCG_DEMO_DIRMODE:-}" != 1 ]; then
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
		say "cgroup2 at $mount lacks${missing} (bound to cgroup v1 on this host);"
		echo "   using a directory root instead"
	fi
elif [ "${BOXCG_DEMO_DIRMODE:-}" = 1 ]; then
	say "BOXCG_DEMO_DIRMODE=1: using a directory root"
else
	say "No writable cgroup2 mount (not root, or none); using a directory root instead"
fi
if [ -z "$root_arg" ]; then
	dirroot=$(mktemp -d /tmp/boxcg-demo-root.XXXXXX)
	root_arg="$dirroot"
fi
g=(--root "$root_arg" --state-dir "$state")
echo "(ROOT=$root_arg STATE=$state)"

say "1. Validate the bundled policies"
run validate "$policies"

say "2. Preview the plan (nothing is touched)"
run "${g[@]}" plan "$policies"

say "3. Apply it as one transaction"
run "${g[@]}" apply "$policies"

say "4. Plan again: the tree has converged"
run "${g[@]}" plan "$policies"

say "5. Run a command in a box of class 'small'"
run "${g[@]}" box exec demo-1 --class small "$policies" -- sh -c 'echo "hello from $(tail -n1 /proc/self/cgroup)"'
run "${g[@]}" box list "$policies"
run "${g[@]}" box delete demo-1 "$policies"

say "6. A failure midway rolls back every completed step"
changed=$state/changed
mkdir "$changed"
cp "$policies"/*.yaml "$changed"/
sed -i 's/4GiB/6GiB/g; s/8GiB/12GiB/g' "$changed"/*.yaml
set +e
# the last of its 7 steps fails (mutation 24): six are undone; run from
# the state directory, so the error names the policy file as changed/…
cd "$state"
prefix="BOXCG_TEST_FAULT_AT=24 " show "${g[@]}" apply changed
BOXCG_TEST_FAULT_AT=24 "$boxcg_test" "${g[@]}" apply changed
status=$?
set -e
cd "$src"
echo "(exit status $status: 1 means the failed apply was rolled back completely)"
[ "$status" = 1 ] || { echo "demo: expected the injected failure to roll back (exit 1)" >&2; exit 1; }
run "${g[@]}" diff "$policies" && echo "live tree still matches the original policy"
rm -rf "$changed"

say "Done. Next: 'make check' runs every test."
