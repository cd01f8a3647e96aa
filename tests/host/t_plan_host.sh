#!/usr/bin/env bash
# On this machine's cgroup2 (often hybrid, with few controllers), inside
# the test's scratch cgroup: plan shows what apply then does, a no-op plan
# says "No changes.", a snapshot plans offline exactly like the host, a
# saved plan applies and goes stale when the tree changes, and a
# controller this host cannot give is an error saying why.
# timeout: 120
. "$TEST_LIB"

avail=" $(cat "$CG_BASE/cgroup.controllers") "
hugetlb=""
case $avail in *" hugetlb "*) [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] && hugetlb=yes ;; esac

S=$TEST_TMP/state
bx() { "$BOXCG" --root "$CG_BASE" --state-dir "$S" "$@"; }

{
	echo "version: 1"
	echo "classes:"
	echo "  small:"
	echo "    box:"
	echo "      cgroup: { max_descendants: 5, max_depth: 2 }"
	# 5000000 bytes: the kernel keeps whole 2 MB pages, 4194304
	[ -z "$hugetlb" ] || echo "      hugetlb: { 2MB: 5000000 }"
	echo "    slice:"
	echo "      cgroup: { max_descendants: 50 }"
	echo "boxes:"
	echo "  - { id: s1, class: small }"
} >"$TEST_TMP/p.yaml"

expect_status 2 bx plan --detailed-exitcode "$TEST_TMP/p.yaml"
assert_contains "+ boxlite/small/s1" "$OUT"
assert_contains "cgroup.max.descendants = 5" "$OUT"
[ -z "$hugetlb" ] || assert_contains "hugetlb.2MB.max = 4 MiB" "$OUT"
assert_contains "Plan: 3 to create," "$OUT"
case $OUT in *"Directory mode"*) fail "a cgroup2 base planned as a plain directory: $OUT" ;; esac

# snapshot, then the same plan offline
expect_ok bx snapshot -o "$TEST_TMP/snap.json" "$TEST_TMP/p.yaml"
expect_status 2 bx plan --detailed-exitcode "$TEST_TMP/p.yaml"
live=$OUT
expect_status 2 "$BOXCG" plan --state "$TEST_TMP/snap.json" --detailed-exitcode "$TEST_TMP/p.yaml"
assert_eq "$live" "$OUT" "plan --state against the host's plan"

# a saved plan applies exactly
expect_ok bx plan -o "$TEST_TMP/p.plan" "$TEST_TMP/p.yaml"
expect_ok bx apply --plan "$TEST_TMP/p.plan"
assert_file_eq "$CG_BASE/boxlite/small/s1/cgroup.max.descendants" 5
[ -z "$hugetlb" ] || assert_file_eq "$CG_BASE/boxlite/small/s1/hugetlb.2MB.max" 4194304
expect_ok bx plan --detailed-exitcode "$TEST_TMP/p.yaml"
assert_has_line "No changes." "$OUT"
expect_ok bx diff "$TEST_TMP/p.yaml"

# drift: a value changed behind boxcg's back
echo 7 >"$CG_BASE/boxlite/small/s1/cgroup.max.descendants"
expect_status 2 bx diff "$TEST_TMP/p.yaml"
assert_contains "boxlite/small/s1: cgroup.max.descendants is 7, the policy says 5" "$OUT"
# a plan saved before a change is refused, naming it
echo 5 >"$CG_BASE/boxlite/small/s1/cgroup.max.descendants"
expect_ok bx plan -o "$TEST_TMP/q.plan" "$TEST_TMP/p.yaml"
echo 9 >"$CG_BASE/boxlite/small/s1/cgroup.max.depth"
expect_fail bx apply --plan "$TEST_TMP/q.plan"
assert_contains "stale" "$ERR"
assert_contains "boxlite/small/s1/cgroup.max.depth was \"2\", is \"9\"" "$ERR"

# a controller this host does not offer at the base: why
missing=""
for c in memory cpu pids io; do
	case $avail in *" $c "*) ;; *) missing=$c && break ;; esac
done
if [ -n "$missing" ]; then
	case $missing in
	memory) key="memory: { max: 64MiB }" ;;
	cpu) key="cpu: { max: 1 }" ;;
	pids) key="pids: { max: 10 }" ;;
	io) key="io: { weight: 50 }" ;;
	esac
	printf 'version: 1\nclasses:\n  c:\n    box:\n      %s\n' "$key" >"$TEST_TMP/m.yaml"
	expect_fail bx plan "$TEST_TMP/m.yaml"
	assert_contains "controller $missing is not available at $CG_BASE" "$ERR"
	if grep -q " - cgroup .*[ ,]$missing\(,\|$\)" /proc/self/mountinfo; then
		assert_contains "bound to a cgroup v1 hierarchy on this host" "$ERR"
	else
		assert_contains "not enabled or delegated" "$ERR"
	fi
else
	note "every controller is available here: nothing missing to report"
fi
