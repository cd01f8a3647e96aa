#!/usr/bin/env bash
# Run one fuzz target (tests/fuzz/fuzz_<name>.c, built by `make fuzz-build`).
#
#   tests/fuzz/run.sh FUZZ_BIN SECONDS WORKDIR
#
# The target's name is the binary's (fuzz_<name>). First every saved
# regression input (tests/fuzz/regressions/ for the policy loader,
# tests/fuzz/regressions-<name>/ for the others) runs once: a crash found
# earlier must stay fixed. Then libFuzzer runs for SECONDS, seeded from
# tests/fuzz/seeds/<name>/ (and, for the policy loader, the bundled
# policies and the golden cases' policies, with the language's
# dictionary); the growing corpus lives in WORKDIR/corpus (never in the
# source tree). A crash leaves WORKDIR/artifacts/crash-*: copy it into the
# regressions directory with the fix. FUZZ_TIMEOUT (default 10 s) is the
# time one input may take: raise it on a loaded machine, where a starved
# process hits it without any input being slow.
set -euo pipefail
bin=${1:?usage: run.sh FUZZ_BIN SECONDS WORKDIR}
secs=${2:?usage: run.sh FUZZ_BIN SECONDS WORKDIR}
work=${3:?usage: run.sh FUZZ_BIN SECONDS WORKDIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
name=$(basename "$bin")
name=${name#fuzz_}

mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
extra=()
if [ "$name" = policy ]; then
	# Seeds: every YAML file of the bundled policies and the golden cases.
	find "$src/policies" "$src/tests/golden" -name '*.y*ml' -type f -size -64k |
		while IFS= read -r f; do cp "$f" "$work/seeds/$(echo "$f" | md5sum | cut -c1-16).yaml"; done
	extra=(-dict="$src/tests/fuzz/policy.dict" -max_len=16384)
	regdir=$src/tests/fuzz/regressions
else
	cp "$src"/tests/fuzz/seeds/"$name"/* "$work/seeds/" 2>/dev/null || true
	extra=(-max_len=65536)
	regdir=$src/tests/fuzz/regressions-$name
fi

regs=("$regdir"/*)
if [ -e "${regs[0]}" ]; then
	echo "fuzz $name: replaying ${#regs[@]} regression input(s)"
	"$bin" -runs=1 "${regs[@]}" >/dev/null 2>"$work/regressions.log" || {
		cat "$work/regressions.log" >&2
		echo "fuzz $name: a regression input fails again" >&2
		exit 1
	}
fi

echo "fuzz $name: $secs s, corpus in $work/corpus"
"$bin" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 "${extra[@]}" \
	-artifact_prefix="$work/artifacts/" \
	-print_final_stats=1 "$work/corpus" "$work/seeds" 2>"$work/fuzz.log" || {
	tail -60 "$work/fuzz.log" >&2
	echo "fuzz $name: crash; the input is in $work/artifacts/" >&2
	exit 1
}
grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$work/fuzz.log" |
	sed "s/^stat::/fuzz $name: /"
