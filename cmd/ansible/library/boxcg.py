#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Ansible module: bring a host's cgroup v2 tree to a boxcg policy.
#
# It drives the boxcg CLI through its machine interfaces only: JSON
# documents (`validate --format json`, `plan --json`) and exit codes
# (0 ok / no changes, 1 error or rolled-back apply, 2 changes present,
# 3 rollback failed). Human text is never parsed; boxcg's stderr is only
# relayed in failure messages.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: boxcg
short_description: Apply a boxcg box-class policy to a host's cgroup v2 tree
description:
  - Validates the policy (C(boxcg validate --format json)); an invalid policy
    fails the host with boxcg's diagnostics, one per line, in C(msg).
  - Computes the plan (C(boxcg plan --json --detailed-exitcode)) and reports
    it as the task's diff. In check mode nothing else happens.
  - Otherwise, when the plan has changes, applies the policy as one
    transaction (C(boxcg apply)). A failed apply that boxcg rolled back
    fails the host; one whose rollback failed too fails it saying that
    C(boxcg recover) is needed.
  - A host already matching the policy reports ok (C(changed=false)), as
    C(plan --detailed-exitcode) exits 0 for it. When boxcg has not yet
    recorded there which settings it manages (the xattr
    C(user.boxcg.managed); a tree made by hand or by an older boxcg), the plan
    lists only C(record) steps: outside check mode they are written with
    C(boxcg apply), which is bookkeeping (it lets a key later removed from the
    policy go back to the kernel's default), and the task stays ok.
options:
  policy:
    description: Policy files or directories on the managed host, read as one policy.
    type: list
    elements: path
    default: [/etc/boxcg]
    aliases: [policies]
  root:
    description:
      - The cgroup2 mount or delegated subtree to act on (C(--root)); a plain
        directory selects boxcg's directory mode. Default is boxcg's discovery.
    type: path
  state_dir:
    description: Where boxcg keeps its lock and journal (C(--state-dir)); default C(/run/boxcg).
    type: path
  prune:
    description: Also remove class slices and static boxes the policy no longer declares (C(--prune)).
    type: bool
    default: false
  executable:
    description: The boxcg binary, a path or a name looked up in PATH.
    type: path
    default: boxcg
    aliases: [boxcg]
notes:
  - Supports check mode and diff mode.
"""

EXAMPLES = r"""
- name: Converge cgroup box classes
  boxcg:
    policy: /etc/boxcg
  register: boxcg_result

- name: Preview only
  boxcg:
    policy: [/srv/policies/base.yaml, /srv/policies/web.yaml]
    prune: true
  check_mode: true
"""

RETURN = r"""
plan:
  description: The plan document boxcg printed (C(plan --json)).
  returned: when the policy is valid
  type: dict
summary:
  description: Counts from the plan.
  returned: when the policy is valid
  type: dict
  sample: {to_create: 2, to_change: 3, to_remove: 0}
diagnostics:
  description: boxcg's diagnostics (errors and warnings) as it reports them in JSON.
  returned: when boxcg validate printed them
  type: list
rollback_failed:
  description: The apply failed and its rollback failed too; run C(boxcg recover).
  returned: on apply failure
  type: bool
"""

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_ROLLBACK_FAILED = 0, 1, 2, 3
FORMAT_VERSION = 1


class BoxcgError(Exception):
    """A failure to report with fail_json(msg=..., **extra)."""

    def __init__(self, msg, **extra):
        Exception.__init__(self, msg)
        self.msg = msg
        self.extra = extra


def global_args(params):
    """The global options, which come before the command."""
    args = [params["executable"]]
    if params.get("root"):
        args += ["--root", params["root"]]
    if params.get("state_dir"):
        args += ["--state-dir", params["state_dir"]]
    args.append("--no-color")
    return args


def parse_document(text, what):
    """One versioned JSON document, or BoxcgError."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise BoxcgError("boxcg %s printed no JSON document (%s)" % (what, e))
    if not isinstance(doc, dict):
        raise BoxcgError("boxcg %s printed JSON that is not an object" % what)
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        raise BoxcgError(
            "boxcg %s printed format_version %r; this module reads version %d"
            % (what, version, FORMAT_VERSION)
        )
    return doc


def format_diag(d):
    """A diagnostic as boxcg prints it: file:line:col: severity: message [path]."""
    where = d.get("file") or ""
    if where and d.get("line"):
        where += ":%d" % d["line"]
        if d.get("column"):
            where += ":%d" % d["column"]
    text = "%s: %s" % (d.get("severity", "error"), d.get("message", ""))
    if where:
        text = "%s: %s" % (where, text)
    if d.get("path"):
        text += " [%s]" % d["path"]
    return text


def diagnostics_of(doc):
    diags = doc.get("diagnostics")
    return diags if isinstance(diags, list) else []


def validate(run, params):
    """Run validate; return its diagnostics (warnings), or BoxcgError."""
    cmd = global_args(params) + ["validate", "--format", "json"] + params["policy"]
    rc, out, err = run(cmd)
    if rc not in (EXIT_OK, EXIT_ERROR):
        raise BoxcgError("boxcg validate exited %d: %s" % (rc, err.strip()), rc=rc)
    try:
        doc = parse_document(out, "validate")
    except BoxcgError as e:
        if rc == EXIT_OK:
            raise
        # Usage errors and unreadable arguments print no document.
        raise BoxcgError("boxcg validate failed: %s" % (err.strip() or e.msg), rc=rc)
    diags = diagnostics_of(doc)
    errors = [d for d in diags if d.get("severity") == "error"]
    if rc != EXIT_OK or errors or doc.get("valid") is False:
        lines = [format_diag(d) for d in diags] or [err.strip()]
        raise BoxcgError(
            "invalid boxcg policy:\n" + "\n".join(lines), diagnostics=diags, rc=rc
        )
    return diags


def plan(run, params, planfile=None):
    """Run plan; return (has_changes, plan document), or BoxcgError. With
    planfile, the plan is also saved there for apply --plan."""
    cmd = global_args(params) + ["plan", "--json", "--detailed-exitcode"]
    if params["prune"]:
        cmd.append("--prune")
    if planfile:
        cmd += ["-o", planfile]
    cmd += ["--"] + params["policy"]
    rc, out, err = run(cmd)
    if rc not in (EXIT_OK, EXIT_CHANGES):
        raise BoxcgError("boxcg plan failed (exit %d):\n%s" % (rc, err.strip()), rc=rc)
    return rc == EXIT_CHANGES, parse_document(out, "plan")


def apply(run, params, planfile):
    """Apply exactly the saved plan (boxcg refuses it when the tree changed
    since it was planned, so what runs is what was reported); return
    nothing, or BoxcgError saying how it failed."""
    cmd = global_args(params) + ["apply", "--plan", planfile]
    rc, out, err = run(cmd)
    if rc == EXIT_OK:
        return
    if rc == EXIT_ROLLBACK_FAILED:
        state = params.get("state_dir") or "/run/boxcg"
        raise BoxcgError(
            "boxcg apply failed and its rollback failed too: the cgroup tree is "
            "partly changed and the journal is kept in %s; run `boxcg recover` "
            "on this host.\n%s" % (state, err.strip()),
            rc=rc,
            rollback_failed=True,
        )
    # Exit 1: a step failed and every change was rolled back, or the
    # apply stopped before its first change (lock, pending journal).
    raise BoxcgError(
        "boxcg apply failed (exit %d) and left the cgroup tree as it was "
        "(every change rolled back, or none made):\n%s" % (rc, err.strip()),
        rc=rc,
        rollback_failed=False,
    )


def pending_records(doc):
    """Whether the plan holds record steps: boxcg's bookkeeping of which
    settings it manages in a cgroup. They are not changes (boxcg plan
    --detailed-exitcode exits 0 for a plan of records only), but apply
    writes them."""
    return any(s.get("op") == "record" for s in doc.get("steps") or [] if isinstance(s, dict))


def step_target(s):
    """"cgroup/file[key]" of a plan step, for the diff."""
    path = s.get("cgroup") or "."
    if s.get("file"):
        path += "/" + s["file"]
    if s.get("key"):
        path += "[%s]" % s["key"]
    return path


def plan_diff(doc):
    """The plan as Ansible's before/after diff: one line per step."""
    before, after = [], []
    for s in doc.get("steps") or []:
        op = s.get("op")
        if op == "record":  # bookkeeping, not a change to the tree
            continue
        target = step_target(s)
        if op == "mkdir":
            after.append("%s/ (create)" % target)
        elif op == "rmdir":
            before.append("%s/ (remove)" % target)
        elif op == "enable":
            after.append("%s: %s" % (target, s.get("write", "")))
        elif op == "disable":
            before.append("%s: +%s" % (target, str(s.get("write", "")).lstrip("-")))
        else:
            old, new = s.get("old"), s.get("new")
            if old is not None:
                before.append("%s = %s" % (target, old))
            after.append("%s = %s" % (target, new if new is not None else s.get("write")))
    header = doc.get("base") or "cgroup tree"
    return {
        "before": "\n".join(before) + ("\n" if before else ""),
        "after": "\n".join(after) + ("\n" if after else ""),
        "before_header": "%s (live)" % header,
        "after_header": "%s (policy)" % header,
    }


def plan_summary(doc):
    summary = doc.get("summary")
    return summary if isinstance(summary, dict) else {}


def step_warnings(doc):
    return [
        "%s: %s" % (step_target(s), s["warning"])
        for s in doc.get("steps") or []
        if s.get("warning")
    ]


def converge(run, params, check_mode):
    """The whole module as a function of a command runner: returns the
    exit_json keyword arguments, raises BoxcgError for fail_json."""
    diags = validate(run, params)
    fd, planfile = tempfile.mkstemp(prefix="boxcg-plan.", suffix=".json")
    os.close(fd)
    try:
        return converge_with(run, params, check_mode, diags, planfile)
    finally:
        os.unlink(planfile)


def converge_with(run, params, check_mode, diags, planfile):
    changes, doc = plan(run, params, planfile)
    result = {
        "changed": changes,
        "plan": doc,
        "summary": plan_summary(doc),
        "diagnostics": diags,
        "warnings": [format_diag(d) for d in diags] + step_warnings(doc),
    }
    if changes:
        result["diff"] = plan_diff(doc)
    # With no changes, apply only to write pending records: still ok.
    if (changes or pending_records(doc)) and not check_mode:
        try:
            apply(run, params, planfile)
        except BoxcgError as e:
            e.extra.update(plan=doc, diagnostics=diags)
            raise
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            policy=dict(type="list", elements="path", default=["/etc/boxcg"], aliases=["policies"]),
            root=dict(type="path"),
            state_dir=dict(type="path"),
            prune=dict(type="bool", default=False),
            executable=dict(type="path", default="boxcg", aliases=["boxcg"]),
        ),
        supports_check_mode=True,
    )
    params = dict(module.params)
    exe = params["executable"]
    if os.sep not in exe:
        found = module.get_bin_path(exe)
        if not found:
            module.fail_json(msg="boxcg binary %r not found in PATH" % exe)
        params["executable"] = found

    def run(cmd):
        # NO_COLOR as well as --no-color: nothing boxcg prints here is for a terminal.
        return module.run_command(cmd, environ_update={"NO_COLOR": "1"})

    try:
        result = converge(run, params, module.check_mode)
    except BoxcgError as e:
        module.fail_json(msg=e.msg, **e.extra)
    for w in result.pop("warnings"):
        module.warn(w)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
