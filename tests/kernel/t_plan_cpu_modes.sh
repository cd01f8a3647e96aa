#!/bin/sh
# On the real kernel: every transition among the four cpu modes a policy
# can ask for — nothing, a weight, a nice value, idle — applies (a weight
# or nice value written to an idle cgroup is EINVAL, so cpu.idle must go
# back to 0 first even when the new policy does not declare it), reads
# back what the policy says (for nothing: the kernel's defaults, since
# boxcg recorded what it had set), and then plans "No changes.".
# timeout: 300
. "$TEST_LIB"

S=$TEST_TMP/state

# pol NAME CPU-KEYS: a policy with one static box b1 (cpu.max keeps the
# cpu controller enabled for the box in every mode).
pol() {
	cat >"$TEST_TMP/$1.yaml" <<EOF
version: 1
root: boxlite
classes:
  c:
    box:
      cpu: { max: 1$2 }
boxes:
  - { id: b1, class: c }
EOF
}
# From-values differ from the to-values, so a same-mode transition has
# something to do too.
pol from-none ""
pol from-weight ", weight: 300"
pol from-nice ", nice: -3"
pol from-idle ", idle: true"
pol to-none ""
pol to-weight ", weight: 150"
pol to-nice ", nice: 5"
pol to-idle ", idle: true"

n=0
for from in none weight nice idle; do
	for to in none weight nice idle; do
		n=$((n + 1))
		cg_scratch
		base=$CG
		box=$base/boxlite/c/b1
		note "== $from -> $to"
		expect_ok boxcg --root "$base" --state-dir "$S" apply "$TEST_TMP/from-$from.yaml"
		expect_ok boxcg --root "$base" --state-dir "$S" apply -v "$TEST_TMP/to-$to.yaml"
		note "$OUT" # -v: the whole listing (apply alone prints the summary)
		case $from-$to in
		idle-weight | idle-nice)
			assert_contains "cpu.idle: 1 → 0" "$OUT" "$from -> $to: idle cleared first"
			;;
		esac
		case $to in
		none)
			# boxcg recorded what it set (user.boxcg.managed): now
			# undeclared, it goes back to the kernel's default
			after="$(cat "$box/cpu.idle") $(cat "$box/cpu.weight") $(cat "$box/cpu.weight.nice")"
			assert_eq "0 100 0" "$after" "$from -> $to: cpu files (idle weight nice)"
			;;
		weight)
			assert_file_eq "$box/cpu.idle" 0
			assert_file_eq "$box/cpu.weight" 150
			;;
		nice)
			assert_file_eq "$box/cpu.idle" 0
			assert_file_eq "$box/cpu.weight.nice" 5
			assert_file_eq "$box/cpu.weight" 33
			;;
		idle)
			assert_file_eq "$box/cpu.idle" 1
			;;
		esac
		expect_ok boxcg --root "$base" --state-dir "$S" plan --detailed-exitcode "$TEST_TMP/to-$to.yaml"
		assert_has_line "No changes." "$OUT" "$from -> $to: the plan after applying"
	done
done
assert_eq 16 "$n" "transitions"
