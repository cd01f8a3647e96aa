#!/bin/sh
# On the real kernel: controllers are enabled from the base down, only
# those needed; a controller the base's parent does not delegate is an
# error naming it; --prune removes static boxes (marked with the
# user.boxcg.static xattr on cgroupfs) and undeclared classes, never
# runtime boxes, and refuses a cgroup with processes.
# timeout: 300
. "$TEST_LIB"

cg_scratch
top=$CG
# The base is a child of top, which delegates only cpu and pids to it.
cg_enable "$top" cpu pids
cg_scratch "${top##*/}/base"
base=$CG
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }

cat >"$TEST_TMP/mem.yaml" <<'EOF'
version: 1
classes:
  small:
    box:
      memory: { max: 64MiB }
EOF
expect_fail bx plan "$TEST_TMP/mem.yaml"
assert_contains "controller memory is not available at $base" "$ERR"
assert_contains "not enabled or delegated" "$ERR"

cat >"$TEST_TMP/v1.yaml" <<'EOF'
version: 1
classes:
  small:
    box:
      pids: { max: 64 }
  old:
    box:
      pids: { max: 8 }
boxes:
  - { id: s1, class: small }
  - { id: s2, class: small }
  - { id: o1, class: old }
EOF
expect_ok bx plan "$TEST_TMP/v1.yaml"
# only pids is needed: only pids is enabled, from the base down
assert_contains "(base)" "$OUT"
assert_contains "cgroup.subtree_control: +pids" "$OUT"
case $OUT in *"+cpu"*) fail "cpu enabled although nothing needs it: $OUT" ;; esac
expect_ok bx apply "$TEST_TMP/v1.yaml"
assert_file_eq "$base/cgroup.subtree_control" pids
assert_file_eq "$base/boxlite/small/s1/pids.max" 64

# A runtime box next to the static ones.
mkdir "$base/boxlite/small/rt"

cat >"$TEST_TMP/v2.yaml" <<'EOF'
version: 1
classes:
  small:
    box:
      pids: { max: 64 }
boxes:
  - { id: s1, class: small }
EOF
# the runtime box is reconciled, never removed; s2 and class old go
expect_status 2 bx plan --prune --detailed-exitcode "$TEST_TMP/v2.yaml"
assert_contains "- boxlite/small/s2" "$OUT"
assert_contains "- boxlite/old/o1" "$OUT"
assert_contains "- boxlite/old " "$OUT"
assert_contains "~ boxlite/small/rt" "$OUT"
case $OUT in *"- boxlite/small/rt"*) fail "a runtime box would be pruned: $OUT" ;; esac

# processes in o1: the whole prune is refused, nothing planned
cg_spawn "$base/boxlite/old/o1" sleep 1000
expect_fail bx plan --prune "$TEST_TMP/v2.yaml"
assert_contains "cannot prune boxlite/old: it has processes" "$ERR"
kill "$SPAWNED"
wait "$SPAWNED" 2>/dev/null || true
i=0
until grep -qx "populated 0" "$base/boxlite/old/o1/cgroup.events"; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "o1 still populated"
	sleep 0.05
done

expect_ok bx apply --prune "$TEST_TMP/v2.yaml"
assert_missing "$base/boxlite/small/s2"
assert_missing "$base/boxlite/old"
assert_exists "$base/boxlite/small/rt"
assert_file_eq "$base/boxlite/small/rt/pids.max" 64
expect_ok bx plan --prune --detailed-exitcode "$TEST_TMP/v2.yaml"
assert_has_line "No changes." "$OUT"
