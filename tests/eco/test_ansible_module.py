"""Unit tests of the Ansible module's logic (cmd/ansible/library/boxcg.py):
how it maps boxcg's JSON documents and exit codes to Ansible results.

boxcg is replaced by a scripted runner that records each command line and
answers with (exit code, stdout, stderr); the end-to-end test
(test_ansible.sh) runs the real binary. Run with the Python that has
ansible-core: /usr/bin/python3 -m unittest tests/eco/test_ansible_module.py
"""

import importlib.util
import json
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "cmd", "ansible", "library", "boxcg.py")
spec = importlib.util.spec_from_file_location("boxcg_module", SRC)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)

PARAMS = {
    "executable": "/opt/bin/boxcg",
    "policy": ["/etc/boxcg"],
    "root": None,
    "state_dir": None,
    "prune": False,
}

DIAG_ERR = {
    "severity": "error",
    "file": "web.yaml",
    "line": 14,
    "column": 12,
    "path": "classes.small.box.memory.high",
    "message": "memory.high (2GiB) is above memory.max (1GiB)",
}
DIAG_WARN = {
    "severity": "warning",
    "file": "web.yaml",
    "line": 20,
    "column": 7,
    "path": "classes.big.box.pids.max",
    "message": "pids.max is above the class slice's",
}
def step(op, cgroup, file=None, write=None, old=None, new=None, warning=None):
    """A plan step shaped as `boxcg plan --json` prints it."""
    return {
        "op": op, "cgroup": cgroup, "file": file, "key": None, "write": write,
        "old": old, "new": new,
        "location": {"file": "policies/web.yaml", "line": 3, "column": 5},
        "path": "classes.small", "warning": warning, "static_box": False,
    }


PLAN_CHANGES = {
    "format_version": 1,
    "base": "/sys/fs/cgroup",
    "dirmode": False,
    "fingerprint": "0ee2ba52d897c959",
    "steps": [
        step("enable", "", "cgroup.subtree_control", "+memory", "", "memory"),
        step("mkdir", "boxlite/small"),
        step("write", "boxlite/small", "memory.max", "1073741824", "max", "1073741824",
             warning="lowering memory.max may reclaim or OOM-kill"),
        step("rmdir", "boxlite/old"),
    ],
    "summary": {"to_create": 1, "to_change": 1, "to_remove": 1},
}
PLAN_RECORDS = {
    "format_version": 1,
    "base": "/sys/fs/cgroup",
    "dirmode": False,
    "fingerprint": "2",
    "steps": [dict(step("record", "boxlite/small", None, "memory.max", None, "memory.max"),
                   location=None, path=None)],
    "summary": {"to_create": 0, "to_change": 0, "to_remove": 0},
}
PLAN_NONE = {"format_version": 1, "base": "/sys/fs/cgroup", "dirmode": False, "fingerprint": "1",
             "steps": [], "summary": {"to_create": 0, "to_change": 0, "to_remove": 0}}
VALID = {"format_version": 1, "diagnostics": [], "valid": True}


class Runner:
    """Answers boxcg command lines by their command word."""

    def __init__(self, **answers):
        self.answers = answers
        self.calls = []

    def __call__(self, cmd):
        self.calls.append(cmd)
        word = next(a for a in cmd[1:] if a in ("validate", "plan", "apply"))
        rc, out, err = self.answers[word]
        return rc, json.dumps(out) if isinstance(out, dict) else out, err

    def commands(self):
        return [next(a for a in c[1:] if a in ("validate", "plan", "apply")) for c in self.calls]


def params(**kw):
    p = dict(PARAMS)
    p.update(kw)
    return p


class TestConverge(unittest.TestCase):
    def test_no_changes_is_ok_and_never_applies(self):
        run = Runner(validate=(0, VALID, ""), plan=(0, PLAN_NONE, ""))
        res = mod.converge(run, params(), check_mode=False)
        self.assertFalse(res["changed"])
        self.assertNotIn("diff", res)
        self.assertEqual(run.commands(), ["validate", "plan"])

    def test_records_alone_are_ok_and_written(self):
        # a tree made by hand: boxcg has no record of what it manages
        # there yet; the plan (exit 0) lists only records
        run = Runner(validate=(0, VALID, ""), plan=(0, PLAN_RECORDS, ""), apply=(0, "No changes.\n", ""))
        res = mod.converge(run, params(), check_mode=False)
        self.assertFalse(res["changed"])
        self.assertNotIn("diff", res)
        self.assertEqual(res["summary"], {"to_create": 0, "to_change": 0, "to_remove": 0})
        self.assertEqual(run.commands(), ["validate", "plan", "apply"])
        # check mode writes nothing
        run = Runner(validate=(0, VALID, ""), plan=(0, PLAN_RECORDS, ""))
        res = mod.converge(run, params(), check_mode=True)
        self.assertFalse(res["changed"])
        self.assertEqual(run.commands(), ["validate", "plan"])

    def test_records_are_not_in_the_diff(self):
        doc = dict(PLAN_CHANGES, steps=PLAN_CHANGES["steps"] + PLAN_RECORDS["steps"])
        run = Runner(validate=(0, VALID, ""), plan=(2, doc, ""))
        res = mod.converge(run, params(), check_mode=True)
        self.assertTrue(res["changed"])
        self.assertNotIn("boxlite/small = ", res["diff"]["after"])
        self.assertIn("boxlite/small/memory.max = 1073741824", res["diff"]["after"])

    def test_check_mode_reports_changes_without_applying(self):
        run = Runner(validate=(0, VALID, ""), plan=(2, PLAN_CHANGES, ""))
        res = mod.converge(run, params(), check_mode=True)
        self.assertTrue(res["changed"])
        self.assertEqual(run.commands(), ["validate", "plan"])
        self.assertEqual(res["summary"], {"to_create": 1, "to_change": 1, "to_remove": 1})
        self.assertIn("boxlite/small/memory.max = max", res["diff"]["before"])
        self.assertIn("boxlite/small/memory.max = 1073741824", res["diff"]["after"])
        self.assertIn("boxlite/small/ (create)", res["diff"]["after"])
        self.assertIn("boxlite/old/ (remove)", res["diff"]["before"])
        self.assertIn("./cgroup.subtree_control: +memory", res["diff"]["after"])
        self.assertTrue(any("OOM" in w for w in res["warnings"]))

    def test_changes_are_applied(self):
        run = Runner(validate=(0, VALID, ""), plan=(2, PLAN_CHANGES, ""), apply=(0, "", ""))
        res = mod.converge(run, params(prune=True), check_mode=False)
        self.assertTrue(res["changed"])
        self.assertEqual(run.commands(), ["validate", "plan", "apply"])
        self.assertIn("--prune", run.calls[1])
        # apply runs exactly the plan that was reported: the file plan saved.
        planfile = run.calls[1][run.calls[1].index("-o") + 1]
        self.assertEqual(run.calls[2][-3:], ["apply", "--plan", planfile])
        self.assertFalse(os.path.exists(planfile), "the saved plan is removed afterwards")
        self.assertIn("--detailed-exitcode", run.calls[1])
        self.assertIn("--json", run.calls[1])

    def test_global_options_come_before_the_command(self):
        run = Runner(validate=(0, VALID, ""), plan=(0, PLAN_NONE, ""))
        mod.converge(run, params(root="/tmp/r", state_dir="/tmp/s", policy=["a.yaml", "d"]), False)
        for c in run.calls:
            self.assertEqual(c[0], "/opt/bin/boxcg")
            word = next(i for i, a in enumerate(c) if a in ("validate", "plan"))
            self.assertEqual(c[1:5], ["--root", "/tmp/r", "--state-dir", "/tmp/s"])
            self.assertLess(c.index("--no-color"), word)
            self.assertEqual(c[-2:], ["a.yaml", "d"])

    def test_invalid_policy_fails_with_every_diagnostic(self):
        doc = {"format_version": 1, "diagnostics": [DIAG_ERR, DIAG_WARN], "valid": False}
        run = Runner(validate=(1, doc, "web.yaml:14:12: error: ..."))
        with self.assertRaises(mod.BoxcgError) as cm:
            mod.converge(run, params(), check_mode=False)
        msg = cm.exception.msg
        self.assertIn(
            "web.yaml:14:12: error: memory.high (2GiB) is above memory.max (1GiB) "
            "[classes.small.box.memory.high]",
            msg,
        )
        self.assertIn("web.yaml:20:7: warning:", msg)
        self.assertEqual(cm.exception.extra["diagnostics"], [DIAG_ERR, DIAG_WARN])
        self.assertEqual(run.commands(), ["validate"])

    def test_warnings_alone_pass_and_are_reported(self):
        doc = {"format_version": 1, "diagnostics": [DIAG_WARN], "valid": True}
        run = Runner(validate=(0, doc, ""), plan=(0, PLAN_NONE, ""))
        res = mod.converge(run, params(), check_mode=False)
        self.assertIn("web.yaml:20:7: warning: pids.max is above the class slice's "
                      "[classes.big.box.pids.max]", res["warnings"])

    def test_validate_usage_error_without_document(self):
        run = Runner(validate=(1, "", "boxcg validate: no such file 'x'\n"))
        with self.assertRaises(mod.BoxcgError) as cm:
            mod.converge(run, params(), check_mode=False)
        self.assertIn("no such file 'x'", cm.exception.msg)

    def test_rolled_back_apply_fails_with_boxcg_errors(self):
        run = Runner(validate=(0, VALID, ""), plan=(2, PLAN_CHANGES, ""),
                     apply=(1, "", "boxcg: error: write memory.max: Device or resource busy\n"))
        with self.assertRaises(mod.BoxcgError) as cm:
            mod.converge(run, params(), check_mode=False)
        e = cm.exception
        self.assertIn("rolled back", e.msg)
        self.assertIn("write memory.max: Device or resource busy", e.msg)
        self.assertFalse(e.extra["rollback_failed"])
        self.assertEqual(e.extra["plan"], PLAN_CHANGES)

    def test_failed_rollback_says_recover(self):
        run = Runner(validate=(0, VALID, ""), plan=(2, PLAN_CHANGES, ""),
                     apply=(3, "", "boxcg: error: rollback: restore pids.max\n"))
        with self.assertRaises(mod.BoxcgError) as cm:
            mod.converge(run, params(state_dir="/var/tmp/st"), check_mode=False)
        e = cm.exception
        self.assertIn("boxcg recover", e.msg)
        self.assertIn("/var/tmp/st", e.msg)
        self.assertIn("restore pids.max", e.msg)
        self.assertTrue(e.extra["rollback_failed"])

    def test_plan_error_fails(self):
        run = Runner(validate=(0, VALID, ""), plan=(1, "", "boxcg: error: open /sys/fs/cgroup: EACCES\n"))
        with self.assertRaises(mod.BoxcgError) as cm:
            mod.converge(run, params(), check_mode=True)
        self.assertIn("EACCES", cm.exception.msg)

    def test_unknown_format_version_is_refused(self):
        run = Runner(validate=(0, VALID, ""), plan=(2, dict(PLAN_CHANGES, format_version=2), ""))
        with self.assertRaises(mod.BoxcgError) as cm:
            mod.converge(run, params(), check_mode=True)
        self.assertIn("format_version 2", cm.exception.msg)

    def test_garbage_instead_of_json_is_refused(self):
        run = Runner(validate=(0, VALID, ""), plan=(2, "Plan: 1 to create", ""))
        with self.assertRaises(mod.BoxcgError) as cm:
            mod.converge(run, params(), check_mode=True)
        self.assertIn("no JSON document", cm.exception.msg)


if __name__ == "__main__":
    unittest.main()
