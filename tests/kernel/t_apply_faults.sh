#!/bin/sh
# On the real kernel: a policy change of 40+ steps (cpu.idle over a set
# weight, cpu.weight.nice, cpu.max with its period, io.max lines that exist
# and that do not, cpuset, hugetlb, memory, pids, cgroup.max.descendants,
# static boxes, and --prune removing a class with its box) is failed at
# every mutation k, and SIGKILLed before many mutations k then recovered:
# each time every managed file of every cgroup reads exactly as before.
# timeout: 900
. "$TEST_LIB"

# Every cgroup under $1 and what each managed file reads.
cg_values() {
	(
		cd "$1"
		find . -type d | sort | while read -r d; do
			echo "cgroup $d"
			for f in cgroup.subtree_control cgroup.max.descendants cgroup.max.depth \
				cpuset.cpus cpuset.mems cpu.idle cpu.weight cpu.weight.nice cpu.max \
				cpu.max.burst io.max io.weight memory.min memory.low memory.high \
				memory.max memory.swap.max memory.swap.high memory.oom.group pids.max \
				hugetlb.2MB.max misc.max; do
				[ -r "$d/$f" ] || continue
				printf '  %s:' "$f"
				while IFS= read -r l || [ -n "$l" ]; do printf ' %s;' "$l"; done <"$d/$f"
				echo
			done
		done
	)
}

cg_scratch
base=$CG
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }

cat >"$TEST_TMP/a.yaml" <<EOF2
version: 1
root: boxlite
classes:
  small:
    box:
      cpu: { max: 0.5, weight: 250 }
      memory: { max: 256MiB, low: 16MiB }
      pids: { max: 100 }
      io:
        devices:
          - { device: "$RAM_MAJMIN", rbps: 1MiB }
    slice:
      memory: { max: 1GiB }
  lazy:
    box:
      cpu: { weight: 150 }
      pids: { max: 50 }
  old:
    box:
      memory: { max: 128MiB }
      cpu: { weight: 70 }
      hugetlb: { 2MB: 4MiB }
boxes:
  - { id: s1, class: small }
  - { id: s2, class: small }
  - { id: l1, class: lazy }
  - { id: o1, class: old }
EOF2
cat >"$TEST_TMP/b.yaml" <<EOF2
version: 1
root: boxlite
classes:
  small:
    box:
      cpu: { max: 1, period: 50ms, nice: 3 }
      memory: { max: 512MiB, high: 400MiB, low: 32MiB }
      pids: { max: 200 }
      io:
        devices:
          - { device: "$RAM_MAJMIN", rbps: 2MiB, wiops: 100 }
      cpuset: { cpus: "0", mems: "0" }
      hugetlb: { 2MB: 8MiB }
    slice:
      memory: { max: 2GiB }
      cgroup: { max_descendants: 50 }
  lazy:
    box:
      cpu: { idle: true }
      pids: { max: 60 }
      io:
        devices:
          - { device: "$RAM_MAJMIN", wbps: 1MiB }
  new:
    box:
      memory: { max: 64MiB }
boxes:
  - { id: s1, class: small }
  - { id: s2, class: small }
  - { id: s3, class: small }
  - { id: l1, class: lazy }
  - { id: n1, class: new }
EOF2

expect_ok bx apply "$TEST_TMP/a.yaml"
before=$(cg_values "$base")
note "$before"

# A failure at every mutation: exit 1, everything as before, no journal.
k=0
while :; do
	k=$((k + 1))
	[ $k -le 1000 ] || fail "no end in sight"
	run env BOXCG_TEST_FAULT_AT=$k,EIO boxcg -v --root "$base" --state-dir "$S" apply --prune "$TEST_TMP/b.yaml"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 1 ] || { note "$ERR"; fail "fault at $k: exit $STATUS, want 1"; }
	now=$(cg_values "$base")
	[ "$now" = "$before" ] || {
		note "$ERR"
		printf '%s\n' "$now" >"$TEST_TMP/now"
		printf '%s\n' "$before" >"$TEST_TMP/before"
		diff "$TEST_TMP/before" "$TEST_TMP/now"
		fail "fault at mutation $k: the cgroups do not read as before"
	}
	assert_missing "$S/journal"
done
steps=$(printf '%s\n' "$OUT" | sed -n 's/^(\([0-9]*\) steps.*/\1/p')
n=$((k - 1)) # the mutations of the successful apply
note "faults at 1..$n of a $steps-step plan: rolled back each time"
[ "$steps" -ge 30 ] || fail "the plan has only $steps steps"
after=$(cg_values "$base")

# SIGKILL before mutation k (1-4, then about 20 more spread over the
# rest: the directory-root tests kill at every one; TCG makes each run
# slow here), then recover. On a second tree: going from B back to A is a
# plan of its own.
every=$(((n - 4) / 20))
[ $every -ge 1 ] || every=1
cg_scratch
base=$CG
S=$TEST_TMP/state2
expect_ok bx apply "$TEST_TMP/a.yaml"
before2=$(cg_values "$base")
k=0 kills=0
while :; do
	if [ $k -lt 4 ]; then k=$((k + 1)); else k=$((k + every)); fi
	[ $k -le 1000 ] || fail "no end in sight"
	run env BOXCG_TEST_KILL_AT=$k boxcg --root "$base" --state-dir "$S" apply --prune "$TEST_TMP/b.yaml"
	[ "$STATUS" = 0 ] && break
	[ "$STATUS" = 137 ] || { note "$ERR"; fail "kill at $k: exit $STATUS, want 137"; }
	kills=$((kills + 1))
	expect_status 1 bx apply --prune "$TEST_TMP/b.yaml"
	assert_contains "boxcg recover" "$ERR"
	expect_ok bx recover
	now=$(cg_values "$base")
	[ "$now" = "$before2" ] || {
		printf '%s\n' "$now" >"$TEST_TMP/now"
		printf '%s\n' "$before2" >"$TEST_TMP/before"
		diff "$TEST_TMP/before" "$TEST_TMP/now"
		fail "kill at mutation $k, recover: the cgroups do not read as before"
	}
	assert_missing "$S/journal"
	expect_ok bx recover
	assert_contains "nothing to recover" "$OUT"
done
[ $kills -ge 15 ] || fail "only $kills kill points"
note "killed $kills times, recovered each time"
assert_eq "$after" "$(cg_values "$base")" "policy B applied"
expect_ok bx apply --prune "$TEST_TMP/b.yaml"
assert_contains "No changes." "$OUT"
