#!/usr/bin/env bash
# Run the policy loader's fuzz target.
#
#   tests/fuzz/run.sh FUZZ_BIN SECONDS WORKDIR
#
# First every saved regression input (tests/fuzz/regressions/) runs once:
# a crash found earlier must stay fixed. Then libFuzzer runs for SECONDS,
# seeded from the bundled policies and the golden cases' policies, with
# the language's dictionary; the growing corpus lives in WORKDIR/corpus
# (never in the source tree). A crash leaves WORKDIR/artifacts/crash-*:
# copy it into tests/fuzz/regressions/ with the fix.
set -euo pipefail
bin=${1:?usage: run.sh FUZZ_BIN SECONDS WORKDIR}
secs=${2:?usage: run.sh FUZZ_BIN SECONDS WORKDIR}
work=${3:?usage: run.sh FUZZ_BIN SECONDS WORKDIR}
src=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
# Seeds: every YAML file of the bundled policies and the golden cases.
find "$src/policies" "$src/tests/golden" -name '*.y*ml' -type f -size -64k |
	while IFS= read -r f; do cp "$f" "$work/seeds/$(echo "$f" | md5sum | cut -c1-16).yaml"; done

regs=("$src"/tests/fuzz/regressions/*)
if [ -e "${regs[0]}" ]; then
	echo "fuzz: replaying ${#regs[@]} regression input(s)"
	"$bin" -runs=1 "${regs[@]}" >/dev/null 2>"$work/regressions.log" || {
		cat "$work/regressions.log" >&2
		echo "fuzz: a regression input fails again" >&2
		exit 1
	}
fi

echo "fuzz: $secs s on $(nproc) CPU(s), corpus in $work/corpus"
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	-dict="$src/tests/fuzz/policy.dict" -artifact_prefix="$work/artifacts/" \
	-print_final_stats=1 "$work/corpus" "$work/seeds" 2>"$work/fuzz.log" || {
	tail -60 "$work/fuzz.log" >&2
	echo "fuzz: crash; the input is in $work/artifacts/" >&2
	exit 1
}
grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$work/fuzz.log" |
	sed 's/^stat::/fuzz: /'
