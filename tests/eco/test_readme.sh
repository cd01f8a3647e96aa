#!/usr/bin/env bash
# The README stays true to the code: its quick start is exactly the two
# commands, .ci/run calls the README's test command, the C example compiles
# against the public header, and the policy excerpt validates.
set -euo pipefail
boxcg=${1:?usage: test_readme.sh BOXCG}
: "${SCRATCH:?}"

# The quick start: the first sh block after "## Quick start".
quick=$(awk '/^## Quick start/{q=1} q && /^```sh$/{f=1; next} f && /^```$/{exit} f' README.md |
	sed 's/[[:space:]]*#.*//' | sed '/^$/d')
want=$'make demo\nmake check'
[ "$quick" = "$want" ] || { printf 'README quick start is:\n%s\nwant:\n%s\n' "$quick" "$want"; exit 1; }
grep -qx 'exec make check' .ci/run || { echo ".ci/run does not run the README's test command"; exit 1; }
echo "quick start: make demo, make check; .ci/run runs make check"

# The C example compiles against lib/include/boxcg.h.
awk '/^```c$/{f=1; next} f && /^```$/{exit} f' README.md >"$SCRATCH/snippet.c"
{
	echo '#include <stdio.h>'
	grep '^#include' "$SCRATCH/snippet.c"
	echo 'int main(void) {'
	grep -v '^#include' "$SCRATCH/snippet.c"
	echo 'return 0; }'
} >"$SCRATCH/readme.c"
cc -std=c11 -Wall -Wextra -Werror -Ilib/include -c "$SCRATCH/readme.c" -o "$SCRATCH/readme.o"
echo "C example compiles"

# The policy excerpt is a valid policy.
awk '/^```yaml$/{f=1; next} f && /^```$/{exit} f' README.md >"$SCRATCH/excerpt.yaml"
"$boxcg" validate "$SCRATCH/excerpt.yaml"
