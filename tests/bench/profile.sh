#!/usr/bin/env bash
# tests/bench/profile.sh: where the time goes, in numbers that do not depend on
# the machine's load. For each bench case, boxcg and its floor:
#
#   instructions  user-space instructions (valgrind --tool=callgrind)
#   syscalls      system calls made (strace -f -c)
#   faults        page faults, and task-clock in ms (perf stat, 5 runs)
#
# then boxcg's top functions (inclusive, callgrind) for each case.
#
#   tests/bench/profile.sh BOXCG BENCHBIN [CASE...]     CASE: validate plan create apply noop
#
# Directory roots only (the cgroup2 variants need root and are in run.sh);
# the callgrind files stay in $BENCH_PROFILE_DIR (default a temporary
# directory, removed) for callgrind_annotate.
set -u
boxcg=${1:?usage: profile.sh BOXCG BENCHBIN [CASE...]}
bin=${2:?usage: profile.sh BOXCG BENCHBIN [CASE...]}
shift 2
cases=${*:-validate plan create apply noop}
tmp=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm
work=$(mktemp -d "$tmp/boxcg-profile.XXXXXX") || exit 1
keep=${BENCH_PROFILE_DIR:-}
trap '[ -n "$keep" ] && mkdir -p "$keep" && cp "$work"/*.cg "$keep"/ 2>/dev/null; rm -rf "$work"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }

# prep: reset the scratch roots a case needs (not measured)
prep() {
	case $1 in
	plan) rm -rf "$work/e" && mkdir "$work/e" ;;
	create) rm -rf "$work/r3"/bench/class-0003/adhoc-1 "$work/r3f"/bench/class-0003/adhoc-1 ;;
	apply) rm -rf "$work/r4" "$work/r4f" && mkdir "$work/r4" "$work/r4f" ;;
	esac
}

# cmd CASE WHO: the command line of a case, one word per line
cmd() {
	local c=$1 who=$2
	case $c/$who in
	validate/boxcg) echo "$boxcg validate $work/p10k.yaml" ;;
	validate/floor | plan/floor) echo "$bin/floor_scan $work/p10k.yaml" ;;
	plan/boxcg) echo "$boxcg --root $work/e --state-dir $work/s2 plan $work/p10k.yaml" ;;
	create/boxcg) echo "$boxcg --root $work/r3 --state-dir $work/s3 box create adhoc-1 --class class-0003 $work/p5.yaml" ;;
	create/floor) echo "$bin/floor_apply --base $work/r3f --state-dir $work/s3f --classes 5 --boxes 0 --create adhoc-1 --in-class 3" ;;
	apply/boxcg) echo "$boxcg --root $work/r4 --state-dir $work/s4 apply $work/p1k.yaml" ;;
	apply/floor) echo "$bin/floor_apply --base $work/r4f --state-dir $work/s4f --classes 20 --boxes 1000" ;;
	noop/boxcg) echo "$boxcg --root $work/r5 --state-dir $work/s5 plan $work/p1k.yaml" ;;
	noop/floor) echo "$bin/floor_read --base $work/r5 --classes 20 --boxes 1000" ;;
	esac
}

"$bin/gen_policy" --classes 200 --boxes 10000 >"$work/p10k.yaml"
"$bin/gen_policy" --classes 5 --boxes 0 >"$work/p5.yaml"
"$bin/gen_policy" --classes 20 --boxes 1000 >"$work/p1k.yaml"
mkdir -p "$work/r3" "$work/r3f" "$work/r5"
"$bin/floor_apply" --base "$work/r3" --state-dir "$work/s3" --classes 5 --boxes 0
"$bin/floor_apply" --base "$work/r3f" --state-dir "$work/s3f" --classes 5 --boxes 0
"$bin/floor_apply" --base "$work/r5" --state-dir "$work/s5" --classes 20 --boxes 1000

printf '%-9s %-6s %14s %9s %8s %10s\n' case who instructions syscalls faults task-ms
for c in $cases; do
	for who in boxcg floor; do
		read -ra argv <<<"$(cmd "$c" "$who")"
		ins="-" sys="-" flt="-" clk="-"
		if have valgrind; then
			prep "$c"
			ins=$(valgrind --tool=callgrind --callgrind-out-file="$work/$c-$who.cg" "${argv[@]}" 2>&1 >/dev/null |
				awk '/Collected/ { print $NF }')
		fi
		if have strace; then
			prep "$c"
			strace -f -c -o "$work/strace" "${argv[@]}" >/dev/null 2>&1
			sys=$(awk '$NF == "total" { print $(NF - 2) }' "$work/strace")
		fi
		if have perf; then
			: >"$work/perf"
			for _ in 1 2 3 4 5; do
				prep "$c"
				perf stat -x, -e task-clock,page-faults -o "$work/perf" --append "${argv[@]}" >/dev/null 2>&1
			done
			flt=$(awk -F, '$3 == "page-faults" { s += $1; n++ } END { if (n) printf "%d", s / n }' "$work/perf")
			clk=$(awk -F, '$3 == "task-clock" { s += $1; n++ } END { if (n) printf "%.2f", s / n }' "$work/perf")
		fi
		printf '%-9s %-6s %14s %9s %8s %10s\n' "$c" "$who" "$ins" "$sys" "$flt" "$clk"
	done
done

if have callgrind_annotate; then
	for c in $cases; do
		[ -f "$work/$c-boxcg.cg" ] || continue
		echo
		echo "== $c: boxcg, inclusive instructions by function (top 25, libc and ld.so left out)"
		callgrind_annotate --inclusive=yes "$work/$c-boxcg.cg" 2>/dev/null |
			sed -n '/file:function/,$p' | grep -E '^ *[0-9,]+ \(.*\[' |
			grep -v -E 'ld-linux|\(below main\)|libc-start|libc_start|\?\?\?:0x0000000000001' | head -25
	done
fi
