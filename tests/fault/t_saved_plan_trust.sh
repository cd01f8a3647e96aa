# A saved plan is applied only when it is exactly what boxcg plans now
# from the policy the file records (issue 15, reproduction 1): an edited
# value, an appended rmdir, a shown value that differs from the written
# bytes, a plan without its policy, and a plan made for another base are
# all refused before anything is written; the base is never the file's.
. "$FAULT_LIB"
expect_status 0 bx apply "$P/base.yaml"
mkdir "$ROOT/other"
echo "not boxcg's" >"$ROOT/other/notes"
expect_status 0 bx plan --prune -o "$TEST_TMP/p.plan" "$P/big.yaml"
remember_tree

edit() { # edit NAME PYTHON: $TEST_TMP/NAME.plan from p.plan, d = the document
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$2
json.dump(d, open(sys.argv[2], 'w'))" "$TEST_TMP/p.plan" "$TEST_TMP/$1.plan"
}
pids_step='[s for s in d["steps"] if s["op"] == "write" and s["file"] == "pids.max"][0]'
edit value "s = $pids_step; s['write'] = s['new'] = '4242'"
edit shown "s = $pids_step; s['write'] = '4242'"
edit rmdir 'd["steps"].append({"op": "rmdir", "cgroup": "other"})'
edit nopolicy 'd.pop("policy", None)'
edit policy 'f = d.get("policy", {"files": [{"text": ""}]})["files"][0]; f["text"] = f["text"].replace("max: 512 }", "max: 4242 }")'
edit elsewhere 'd["base"] = d["observed"]["base"] = "/etc"'

for f in value shown rmdir nopolicy policy; do
	expect_status 1 bx apply --plan "$TEST_TMP/$f.plan"
	assert_contains "nothing was applied" "$ERR" "$f"
	assert_same_tree "edited plan ($f)"
	assert_no_journal "edited plan ($f)"
done
expect_status 1 bx apply --plan "$TEST_TMP/value.plan"
assert_contains 'the file says write "4242" to boxlite/medium/m1/pids.max' "$ERR"
expect_status 1 bx apply --plan "$TEST_TMP/rmdir.plan"
assert_contains "boxcg plans" "$ERR"
expect_status 1 bx apply --plan "$TEST_TMP/nopolicy.plan"
assert_contains "records no policy" "$ERR"
# The plan's base is never where writes go.
expect_status 1 bx apply --plan "$TEST_TMP/elsewhere.plan"
assert_contains "this boxcg works on $ROOT" "$ERR"
mkdir "$TEST_TMP/root2"
expect_status 1 "$BOXCG" --root "$TEST_TMP/root2" --state-dir "$STATE" apply --plan "$TEST_TMP/p.plan"
assert_contains "was made for $ROOT" "$ERR"
[ -z "$(ls -A "$TEST_TMP/root2")" ] || fail "a plan for another base wrote to root2"
assert_same_tree "plans for other bases"
[ -f "$ROOT/other/notes" ] || fail "other/ was touched"

# The plan as made applies, and what it showed is what it wrote.
expect_status 0 bx apply --plan "$TEST_TMP/p.plan"
assert_contains "Applied:" "$OUT"
[ "$(cat "$ROOT/boxlite/medium/m1/pids.max")" = 512 ] || fail "pids.max is not the planned 512"
expect_status 0 bx plan --prune --detailed-exitcode "$P/big.yaml"
[ -f "$ROOT/other/notes" ] || fail "other/ was removed"
