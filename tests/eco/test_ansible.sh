#!/usr/bin/env bash
# End to end: the Ansible role and module (cmd/ansible/) against localhost with
# the real boxcg on a directory root (--root <tmpdir>). Hermetic: HOME,
# ANSIBLE_HOME, temp dirs and config all live in the scratch directory.
#   1. check mode reports the change and changes nothing (tree identical);
#   2. apply changes the tree to the policy (a plan afterwards is empty)
#      and installs the policy for boot-time apply, removing stale files;
#   3. a rerun is ok (changed=false); so is one on a tree with the same
#      values but no record of the settings boxcg manages (an older boxcg
#      made it), and the records get written;
#   4. an invalid policy fails the host with boxcg's diagnostic text, and
#      neither the tree nor the installed policy change;
#   5. an apply that fails mid-way (BOXCG_TEST_FAULT_AT) fails the host
#      saying it was rolled back, and the tree is as before;
#   6. one whose rollback fails too fails the host saying `boxcg recover`
#      is needed.
set -euo pipefail
boxcg=${1:?usage: test_ansible.sh BOXCG}
: "${SCRATCH:?}"
src=$PWD
py=/usr/bin/python3 # the Python ansible-core is installed for

a=$SCRATCH/ansible
mkdir -p "$a/home" "$a/tmp" "$a/remote" "$SCRATCH/root" "$SCRATCH/state"
export HOME=$a/home ANSIBLE_HOME=$a/home/.ansible TMPDIR=$a/tmp
export ANSIBLE_CONFIG=$a/ansible.cfg
export ANSIBLE_LOCAL_TEMP=$a/tmp ANSIBLE_REMOTE_TEMP=$a/remote
export ANSIBLE_ROLES_PATH=$src/cmd/ansible/roles ANSIBLE_LIBRARY=$src/cmd/ansible/library
export ANSIBLE_CALLBACK_PLUGINS=$src/tests/eco/callback_plugins ANSIBLE_STDOUT_CALLBACK=eco_record
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_DEPRECATION_WARNINGS=0
export ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_PYTHON_INTERPRETER=$py
export ANSIBLE_COLLECTIONS_PATH=$a/collections ANSIBLE_PIPELINING=1
: >"$ANSIBLE_CONFIG"
printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "$py" >"$a/inventory"
cat >"$a/site.yml" <<'YAML'
- hosts: localhost
  gather_facts: false
  roles:
    - role: boxcg
      vars:
        boxcg_policy_src: "{{ policy_src }}"
        boxcg_policy_dir: "{{ scratch }}/etc-boxcg"
        boxcg_root: "{{ scratch }}/root"
        boxcg_state_dir: "{{ scratch }}/state"
        boxcg_executable: "{{ boxcg }}"
        boxcg_enable_service: false
YAML
# The module alone, on a policy already on the host.
cat >"$a/module.yml" <<'YAML'
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Validate, plan and apply the policy
      boxcg:
        policy: ["{{ policy_src }}"]
        root: "{{ scratch }}/root2"
        state_dir: "{{ scratch }}/state2"
        executable: "{{ boxcg }}"
YAML

mkdir -p "$SCRATCH/good" "$SCRATCH/bad"
cat >"$SCRATCH/good/classes.yaml" <<'YAML'
version: 1
root: fleet
defaults:
  pids: { max: 1024 }
classes:
  small:
    description: one CPU, 1 GiB
    box:
      cpu: { max: 1 }
      memory: { max: 1GiB, high: 90% }
      pids: { max: 256 }
    slice:
      memory: { max: 16GiB }
  medium:
    extends: small
    box:
      cpu: { max: 2 }
      memory: { max: 4GiB }
boxes:
  - { id: builder-1, class: medium }
YAML
cat >"$SCRATCH/bad/classes.yaml" <<'YAML'
version: 1
root: fleet
classes:
  small:
    box:
      memory: { max: 1GiB, high: 2GiB }
YAML

# play OUT POLICY_DIR [ansible-playbook args]: run the role (or the
# playbook $BOOK); the JSON
# callback's report goes to OUT; the exit status is the playbook's.
play() {
	local out=$1 pol=$2 book=${BOOK:-site.yml}
	shift 2
	ansible-playbook -i "$a/inventory" "$a/$book" \
		-e "policy_src=$pol scratch=$SCRATCH boxcg=$boxcg" "$@" >"$out" 2>"$out.err"
}
# result OUT FIELD: FIELD of the boxcg module task's result for localhost
# ("changed", "msg", "diff"; "status": ok or failed), or of the play's stats
# ("stats.changed"); the report is eco_record's JSON document.
result() {
	"$py" - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
field = sys.argv[2]
if field.startswith("stats."):
    print(doc["stats"]["localhost"][field[6:]])
    sys.exit(0)
for t in doc["tasks"]:
    if t["name"].endswith("Validate, plan and apply the policy") and t["host"] == "localhost":
        v = t["status"] if field == "status" else t["result"].get(field, "")
        print(json.dumps(v) if isinstance(v, (dict, list)) else v)
        sys.exit(0)
print("<no boxcg task ran>")
PY
}
tree() { # the state of the directory root, for before/after comparisons
	(cd "$SCRATCH/root" && find . -printf '%y %m %p\n' | sort && find . -type f -exec sha256sum {} + | sort)
}
check() { # check DESCRIPTION GOT WANT
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1: got '$2', want '$3'"
		for f in "$a"/*.json; do
			echo "--- $(basename "$f"): the boxcg task"
			"$py" -c 'import json,sys
for t in json.load(open(sys.argv[1]))["tasks"]:
    if "boxcg" in t["name"] and "apply the policy" in t["name"]: print(json.dumps(t, indent=1)[:3000])' "$f" 2>/dev/null || head -c 2000 "$f"
			head -20 "$f.err" 2>/dev/null
		done
		exit 1
	fi
	echo "ok: $1"
}

# 1. Check mode: reports the change, writes nothing.
before=$(tree)
play "$a/check.json" "$SCRATCH/good" --check --diff || { cat "$a/check.json" "$a/check.json.err"; exit 1; }
check "check mode: boxcg task changed" "$(result "$a/check.json" changed)" True
check "check mode: tree identical" "$(tree)" "$before"
[ ! -e "$SCRATCH/etc-boxcg" ] || { echo "FAIL: check mode created the policy dir"; exit 1; }
diff_after=$(result "$a/check.json" diff)
case $diff_after in *memory.max*) echo "ok: check mode diff names memory.max" ;;
*) echo "FAIL: check mode diff: $diff_after"; exit 1 ;; esac

# 2. Apply: the tree reaches the policy; a policy file no longer in the
#    source is removed from the policy dir (boot-time apply reads them all).
mkdir "$SCRATCH/etc-boxcg"
printf 'version: 1\nclasses:\n  stale:\n    box: {}\n' >"$SCRATCH/etc-boxcg/zz-stale.yaml"
play "$a/apply.json" "$SCRATCH/good" || { cat "$a/apply.json" "$a/apply.json.err"; exit 1; }
check "apply: boxcg task changed" "$(result "$a/apply.json" changed)" True
[ "$(tree)" != "$before" ] || { echo "FAIL: apply changed nothing"; exit 1; }
set +e
"$boxcg" --root "$SCRATCH/root" --state-dir "$SCRATCH/state" plan --detailed-exitcode "$SCRATCH/good" >/dev/null 2>&1
rc=$?
set -e
check "apply: a plan afterwards has no changes (exit status)" "$rc" 0
[ -d "$SCRATCH/root/fleet/medium/builder-1" ] || { echo "FAIL: static box not created"; exit 1; }
cmp "$SCRATCH/good/classes.yaml" "$SCRATCH/etc-boxcg/classes.yaml" || { echo "FAIL: policy not installed"; exit 1; }
[ ! -e "$SCRATCH/etc-boxcg/zz-stale.yaml" ] || { echo "FAIL: stale policy file kept"; exit 1; }
echo "ok: apply: policy installed in the policy dir, stale file removed"

# 3. Rerun: ok, nothing changed.
applied=$(tree)
play "$a/rerun.json" "$SCRATCH/good" || { cat "$a/rerun.json" "$a/rerun.json.err"; exit 1; }
check "rerun: boxcg task changed" "$(result "$a/rerun.json" changed)" False
check "rerun: play changed count" "$(result "$a/rerun.json" stats.changed)" 0
check "rerun: tree identical" "$(tree)" "$applied"
# records NAME: the user.boxcg.managed xattrs of the root (all / drop)
records() {
	"$py" - "$SCRATCH/root" "$1" <<'PY'
import os, sys
n = 0
for d, _, _ in os.walk(sys.argv[1]):
    try:
        if sys.argv[2] == "drop":
            os.removexattr(d, "user.boxcg.managed")
        os.getxattr(d, "user.boxcg.managed")
        n += 1
    except OSError:
        pass
print(n)
PY
}
kept=$(records all)
[ "$kept" -gt 0 ] || { echo "FAIL: apply wrote no records"; exit 1; }
check "no records: dropped" "$(records drop)" 0
play "$a/adopt.json" "$SCRATCH/good" || { cat "$a/adopt.json" "$a/adopt.json.err"; exit 1; }
check "no records: boxcg task changed" "$(result "$a/adopt.json" changed)" False
check "no records: play changed count" "$(result "$a/adopt.json" stats.changed)" 0
check "no records: tree identical" "$(tree)" "$applied"
check "no records: written again" "$(records all)" "$kept"

# 4. Invalid policy: the host fails with the diagnostic; nothing changes.
set +e
play "$a/bad.json" "$SCRATCH/bad"
rc=$?
set -e
[ "$rc" != 0 ] || { echo "FAIL: bad policy: playbook succeeded"; exit 1; }
check "bad policy: boxcg task failed" "$(result "$a/bad.json" status)" failed
msg=$(result "$a/bad.json" msg)
case $msg in
*"classes.yaml:6:"*"error:"*"[classes.small.box.memory.high]"*) echo "ok: bad policy: msg carries the diagnostic" ;;
*) echo "FAIL: bad policy: msg: $msg"; exit 1 ;;
esac
check "bad policy: tree identical" "$(tree)" "$applied"
cmp "$SCRATCH/good/classes.yaml" "$SCRATCH/etc-boxcg/classes.yaml" || { echo "FAIL: bad policy was installed"; exit 1; }
echo "ok: bad policy: installed policy untouched"

# 5. An apply that fails mid-way and is rolled back fails the host with
#    boxcg's report; the tree is as it was (fault injection: the 8th
#    mutation fails with EIO). The module alone, on a fresh root so there
#    is work to do.
mkdir -p "$SCRATCH/root2" "$SCRATCH/state2"
tree2() { (cd "$SCRATCH/root2" && find . -printf '%y %m %p\n' | sort && find . -type f -exec sha256sum {} + | sort); }
empty=$(tree2)
set +e
BOXCG_TEST_FAULT_AT=8 BOOK=module.yml play "$a/fault.json" "$SCRATCH/good"
set -e
check "failed apply: boxcg task failed" "$(result "$a/fault.json" status)" failed
msg=$(result "$a/fault.json" msg)
case $msg in
*"rolled back"*"Input/output error"*) echo "ok: failed apply: msg says rolled back, with boxcg's error" ;;
*) echo "FAIL: failed apply: msg: $msg"; exit 1 ;;
esac
check "failed apply: rollback_failed" "$(result "$a/fault.json" rollback_failed)" False
check "failed apply: tree as before" "$(tree2)" "$empty"

# 6. A failed apply whose rollback fails too (every mutation from the 8th
#    on fails): the host fails saying `boxcg recover` is needed; recover
#    then restores the tree.
set +e
BOXCG_TEST_FAULT_AT=8,EIO,100000 BOOK=module.yml play "$a/fault3.json" "$SCRATCH/good"
set -e
check "failed rollback: boxcg task failed" "$(result "$a/fault3.json" status)" failed
check "failed rollback: rc" "$(result "$a/fault3.json" rc)" 3
check "failed rollback: rollback_failed" "$(result "$a/fault3.json" rollback_failed)" True
msg=$(result "$a/fault3.json" msg)
case $msg in
*"boxcg recover"*"$SCRATCH/state2"*) echo "ok: failed rollback: msg says run boxcg recover, names the state dir" ;;
*) echo "FAIL: failed rollback: msg: $msg"; exit 1 ;;
esac
[ -e "$SCRATCH/state2/journal" ] || { echo "FAIL: journal not kept"; exit 1; }
"$boxcg" --root "$SCRATCH/root2" --state-dir "$SCRATCH/state2" recover >/dev/null
check "failed rollback: tree as before after recover" "$(tree2)" "$empty"

echo "ansible: all checks passed"
