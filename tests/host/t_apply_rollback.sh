#!/usr/bin/env bash
# On this machine's cgroup2 (often hybrid, with few controllers), inside
# the test's scratch cgroup: a policy applies, a second apply changes
# nothing, and a change failed at every mutation (or killed, then
# recovered) leaves every cgroup reading exactly as before.
# timeout: 300
. "$TEST_LIB"

avail=" $(cat "$CG_BASE/cgroup.controllers") "
hugetlb=""
case $avail in *" hugetlb "*) [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] && hugetlb=yes ;; esac

cg_values() {
	(
		cd "$1"
		find . -type d | sort | while read -r d; do
			echo "cgroup $d"
			for f in "$d"/cgroup.subtree_control "$d"/cgroup.max.* "$d"/hugetlb.*.max \
				"$d"/memory.max "$d"/pids.max "$d"/cpu.max "$d"/cpu.weight; do
				if [ -r "$f" ]; then echo "  ${f##*/}: $(tr '\n' ';' <"$f")"; fi
			done
		done
	)
}

S=$TEST_TMP/state
bx() { "$BOXCG" --root "$CG_BASE" --state-dir "$S" "$@"; }

# Only what every cgroup2 has (cgroup.max.*), plus hugetlb where available.
policy() {
	echo "version: 1"
	echo "root: boxlite"
	echo "classes:"
	for c in small big; do
		echo "  $c:"
		echo "    box:"
		echo "      cgroup: { max_descendants: $1, max_depth: $2 }"
		[ -z "$hugetlb" ] || echo "      hugetlb: { 2MB: $3 }"
		echo "    slice:"
		echo "      cgroup: { max_descendants: $(($1 + 10)) }"
	done
	echo "boxes:"
	for b in $4; do echo "  - { id: $b, class: small }"; done
	echo "  - { id: g1, class: big }"
}
policy 5 2 4MiB "s1 s2" >"$TEST_TMP/a.yaml"
policy 7 3 8MiB "s1 s2 s3" >"$TEST_TMP/b.yaml"

expect_ok bx apply "$TEST_TMP/a.yaml"
assert_file_eq "$CG_BASE/boxlite/small/s1/cgroup.max.descendants" 5
[ -z "$hugetlb" ] || assert_file_eq "$CG_BASE/boxlite/small/s1/hugetlb.2MB.max" 4194304
expect_ok bx apply "$TEST_TMP/a.yaml"
assert_contains "No changes." "$OUT"
before=$(cg_values "$CG_BASE")

k=0
while :; do
	k=$((k + 1))
	[ $k -le 500 ] || fail "no end in sight"
	run env BOXCG_TEST_FAULT_AT=$k,EIO "$BOXCG" --root "$CG_BASE" --state-dir "$S" apply "$TEST_TMP/b.yaml"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 1 ] || { note "$ERR"; fail "fault at $k: exit $STATUS, want 1"; }
	assert_eq "$before" "$(cg_values "$CG_BASE")" "cgroups after a fault at mutation $k"
	assert_missing "$S/journal"
done
n=$((k - 1)) # the mutations of a successful apply
note "faults at 1..$n rolled back"
[ $k -gt 20 ] || fail "only $k mutation points"
after=$(cg_values "$CG_BASE")
assert_file_eq "$CG_BASE/boxlite/small/s3/cgroup.max.depth" 3

# Back to A (removing s3), then a kill in the middle and recover.
expect_ok bx apply --prune "$TEST_TMP/a.yaml"
assert_eq "$before" "$(cg_values "$CG_BASE")" "back to policy A"
# early, in the middle, and right before the commit (the last mutation)
for k in 5 $((n / 2)) $n; do
	run env BOXCG_TEST_KILL_AT=$k "$BOXCG" --root "$CG_BASE" --state-dir "$S" apply "$TEST_TMP/b.yaml"
	assert_eq 137 "$STATUS" "exit status when killed at $k"
	expect_status 1 bx apply "$TEST_TMP/b.yaml"
	expect_ok bx recover
	assert_eq "$before" "$(cg_values "$CG_BASE")" "cgroups after a kill at $k and recover"
	expect_ok bx recover
	assert_contains "nothing to recover" "$OUT"
done
expect_ok bx apply "$TEST_TMP/b.yaml"
assert_eq "$after" "$(cg_values "$CG_BASE")" "policy B"
