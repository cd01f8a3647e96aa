#!/usr/bin/env bash
# Editor support for the bundled policies: every policies/*.yaml (and
# policies/examples/*.yaml) carries the yaml-language-server modeline, and
# the schema it names exists relative to the file and is what
# `boxcg schema` prints, so an editor validates against the real language.
set -euo pipefail
boxcg=${1:?usage: test_policies.sh BOXCG}
: "${SCRATCH:?}"
"$boxcg" schema >"$SCRATCH/schema.json"
bad=0 n=0
for f in policies/*.yaml policies/*.yml policies/examples/*.yaml policies/examples/*.yml; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	line=$(grep -m1 '^# yaml-language-server: \$schema=' "$f" || true)
	if [ -z "$line" ]; then
		echo "$f: no '# yaml-language-server: \$schema=...' modeline"
		bad=1
		continue
	fi
	schema=${line#*\$schema=}
	target=$(dirname "$f")/$schema
	if [ ! -f "$target" ]; then
		echo "$f: the modeline names $schema, which does not exist ($target)"
		bad=1
	elif ! cmp -s "$target" "$SCRATCH/schema.json"; then
		echo "$f: $target is not what \`boxcg schema\` prints"
		bad=1
	fi
done
[ "$n" -gt 0 ] || { echo "no bundled policies in policies/"; exit 1; }
echo "policies: $n files checked for the schema modeline"
exit $bad
