#!/bin/sh
# boxcg destroy on the real kernel: everything the policy made goes, leaf
# first, in one transaction; a box with a process is refused (nothing
# removed) unless --kill, which kills it first; the cgroups above the
# root stay.
# timeout: 200
. "$TEST_LIB"
cg_scratch
base=$CG
S=$TEST_TMP/state
bx() { boxcg --root "$base" --state-dir "$S" "$@"; }
cat >"$TEST_TMP/p.yaml" <<'Y'
version: 1
root: outer/boxlite
classes:
  small:
    box: { pids: { max: 64 }, memory: { max: 64MiB } }
  other:
    box: {}
boxes:
  - { id: s1, class: small }
Y
P=$TEST_TMP/p.yaml
expect_ok bx apply "$P"
expect_ok bx box create dyn --class small "$P"
mkdir "$base/outer/boxlite/small/dyn/inner"
cg_spawn "$base/outer/boxlite/small/s1" sleep 1000
pid=$SPAWNED

expect_status 1 bx destroy "$P"
assert_contains "have processes" "$ERR" "destroy of a populated policy"
assert_exists "$base/outer/boxlite/small/s1"
kill -0 "$pid" || fail "the process was killed without --kill"

expect_ok bx destroy --dry-run --kill "$P"
assert_contains "Dry run: nothing was removed." "$OUT" "dry run"
kill -0 "$pid" || fail "--dry-run --kill killed the process"

expect_ok bx destroy --kill "$P"
assert_contains "Destroyed: 6 removed." "$OUT" "destroy --kill"
assert_missing "$base/outer/boxlite"
assert_exists "$base/outer"
if kill -0 "$pid" 2>/dev/null; then fail "the process survived destroy --kill"; fi

expect_ok bx destroy "$P"
assert_contains "Nothing to destroy" "$OUT" "destroy again"
rmdir "$base/outer"
