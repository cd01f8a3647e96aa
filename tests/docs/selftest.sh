#!/usr/bin/env bash
# The doc runner can fail: tests/docs/selftest/good.md (files, hidden
# files, setup commands, "...", a line that varies (doc-test: vary), exit statuses, the scratch path, a kernel
# transcript left out) passes; each command of bad.md is reported.
set -uo pipefail
boxcg=${1:?usage: tests/docs/selftest.sh BOXCG}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
out=$(tests/docs/run.py "$boxcg" tests/docs/selftest/good.md 2>&1) ||
	{ echo "docs selftest: good.md fails:"; echo "$out"; exit 1; }
grep -q '^docs: 6 commands match, 0 differ, 1 left to the kernel harness$' <<<"$out" ||
	{ echo "docs selftest: good.md: unexpected summary:"; echo "$out"; exit 1; }
if out=$(tests/docs/run.py "$boxcg" tests/docs/selftest/bad.md 2>&1); then
	echo "docs selftest: bad.md passes:"; echo "$out"; exit 1
fi
grep -q '^docs: 0 commands match, 6 differ, 0 left to the kernel harness$' <<<"$out" ||
	{ echo "docs selftest: bad.md: want 6 commands differing:"; echo "$out"; exit 1; }
echo "docs selftest: good.md matches, bad.md's 6 differences found"
