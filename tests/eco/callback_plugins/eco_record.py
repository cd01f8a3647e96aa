# A stdout callback for tests/eco/test_ansible.sh: prints one JSON document
# with every task result and the play stats, since Debian's ansible-core
# ships no json callback.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: eco_record
type: stdout
short_description: every task result and the stats as one JSON document
description: For boxcg's tests only.
"""

import json

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "eco_record"

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.tasks = []

    def _record(self, result, status):
        self.tasks.append({
            "name": result._task.get_name(),
            "host": result._host.get_name(),
            "status": status,
            "result": {k: v for k, v in result._result.items() if not k.startswith("_ansible")},
        })

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_runner_item_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_item_on_failed(self, result):
        self._record(result, "failed")

    def v2_playbook_on_stats(self, stats):
        hosts = sorted(stats.processed.keys())
        doc = {
            "tasks": self.tasks,
            "stats": {h: stats.summarize(h) for h in hosts},
        }
        self._display.display(json.dumps(doc, default=str))
