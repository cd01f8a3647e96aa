#!/bin/sh
# On the real kernel: a plan the kernel itself rejects in its middle rolls
# back completely, verified by reading every file of every cgroup, and
# the error names the step, its policy line and what the errno means:
#   io.max for a device that does not exist (ENODEV),
#   cpuset.cpus beyond the possible CPUs (ERANGE; planned offline against
#   a snapshot that claims more CPUs, as from a bigger machine),
#   enabling memory in a cgroup that holds a process (EBUSY).
# timeout: 300
. "$TEST_LIB"

cg_values() {
	(
		cd "$1"
		find . -type d | sort | while read -r d; do
			echo "cgroup $d"
			for f in cgroup.subtree_control cgroup.max.descendants cgroup.max.depth \
				cpuset.cpus cpuset.mems cpu.idle cpu.weight cpu.weight.nice cpu.max \
				cpu.max.burst io.max io.weight memory.min memory.low memory.high \
				memory.max memory.swap.max memory.oom.group pids.max hugetlb.2MB.max; do
				[ -r "$d/$f" ] || continue
				printf '  %s:' "$f"
				while IFS= read -r l || [ -n "$l" ]; do printf ' %s;' "$l"; done <"$d/$f"
				echo
			done
		done
	)
}

assert_unchanged() {
	now=$(cg_values "$base")
	if [ "$now" != "$before" ]; then
		printf '%s\n' "$before" >"$TEST_TMP/before"
		printf '%s\n' "$now" >"$TEST_TMP/now"
		diff "$TEST_TMP/before" "$TEST_TMP/now"
		fail "$1: the cgroups do not read as before"
	fi
	assert_missing "$S/journal"
}

cg_scratch
base=$CG
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }

# The starting point: two classes, three boxes.
policy() { # $1 extra io device line, $2 cpuset line, $3 extra class
	cat <<EOF2
version: 1
root: boxlite
classes:
  small:
    box:
      cpu: { max: ${CPU:-0.5}, weight: ${WEIGHT:-200} }
      memory: { max: ${MEM:-256MiB} }
      pids: { max: ${PIDS:-100} }
      io:
        devices:
          - { device: "$RAM_MAJMIN", rbps: ${RBPS:-1MiB} }
$1
$2
    slice:
      memory: { max: ${SLICE:-1GiB} }
$3
boxes:
  - { id: a1, class: small }
  - { id: b1, class: small }
EOF2
}
policy "" "" "" >"$TEST_TMP/a.yaml"
expect_ok bx apply "$TEST_TMP/a.yaml"
before=$(cg_values "$base")

# 1. io.max for 259:99, a device this machine does not have. Values of the
# slice and of box a1 change first; the kernel refuses box a1's io line.
CPU=1 WEIGHT=300 MEM=512MiB PIDS=150 RBPS=2MiB SLICE=2GiB \
	policy '          - { device: "259:99", wbps: 1MiB }' "" "" >"$TEST_TMP/nodev.yaml"
expect_status 1 bx apply "$TEST_TMP/nodev.yaml"
note "$ERR"
assert_contains "No such device" "$ERR"
assert_contains "ENODEV on io.max" "$ERR"
assert_contains "nodev.yaml:" "$ERR" "policy location"
assert_contains "Rolled back:" "$ERR"
assert_unchanged "io.max of a missing device"

# 2. cpuset.cpus beyond the possible CPUs. This host's CPUs are checked
# when a policy is compiled for it, so the plan is made offline against a
# snapshot of this tree that claims 64 CPUs.
ncpu=$(nproc)
expect_ok bx snapshot -o "$TEST_TMP/snap.json" "$TEST_TMP/a.yaml"
sed -i "s/\"ncpus\": $ncpu/\"ncpus\": 64/" "$TEST_TMP/snap.json"
grep -q '"ncpus": 64' "$TEST_TMP/snap.json" || fail "could not edit the snapshot's ncpus"
MEM=512MiB PIDS=150 SLICE=2GiB policy "" '      cpuset: { cpus: "0-63" }' "" >"$TEST_TMP/cpus.yaml"
expect_ok boxcg plan --state "$TEST_TMP/snap.json" -o "$TEST_TMP/cpus.plan" "$TEST_TMP/cpus.yaml"
expect_status 1 bx apply --plan "$TEST_TMP/cpus.plan"
note "$ERR"
# A saved plan's policy is checked again against the host that applies it
# (docs/APPLY.md, trust model): the CPUs this host lacks are refused before
# the first write, with the policy line, rather than by the kernel's ERANGE
# halfway through.
assert_contains "CPU 63 does not exist on this host" "$ERR"
assert_contains "cpus.yaml:" "$ERR" "policy location"
assert_contains "nothing applied" "$ERR"
assert_unchanged "cpuset.cpus beyond the possible CPUs"

# 3. memory for the boxes of a class whose slice holds a process: the
# no-internal-process rule. The slice exists already (made by hand, with
# a process inside); other values change before the enable.
mkdir "$base/boxlite/busy"
cg_spawn "$base/boxlite/busy" sleep 300
before=$(cg_values "$base")
MEM=384MiB SLICE=3GiB policy "" "" '  busy:
    box:
      memory: { max: 64MiB }' >"$TEST_TMP/busy.yaml"
expect_status 1 bx apply "$TEST_TMP/busy.yaml"
note "$ERR"
assert_contains "Device or resource busy" "$ERR"
assert_contains "no-internal-process" "$ERR"
assert_contains "busy.yaml:" "$ERR" "policy location"
assert_unchanged "memory in a cgroup with a process"
grep -qx "$SPAWNED" "$base/boxlite/busy/cgroup.procs" || fail "the process left its cgroup"
