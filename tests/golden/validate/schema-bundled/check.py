#!/usr/bin/env python3
"""Validate the bundled policies against the generated JSON Schema.

Usage: check.py SCHEMA POLICY_DIR

Every *.yaml under POLICY_DIR (and its examples/) is converted YAML -> JSON
with python3-yaml and must validate; a list of policies that boxcg refuses
for their shape must be rejected, so the check cannot pass vacuously.
Prints one line per document; exits 1 on any unexpected result.
"""
import glob
import json
import os
import sys

import jsonschema
import yaml


def main():
    schema_path, policy_dir = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failed = False

    paths = sorted(glob.glob(os.path.join(policy_dir, "*.yaml")) +
                   glob.glob(os.path.join(policy_dir, "examples", "*.yaml")))
    if not paths:
        print("no bundled policies found")
        return 1
    for path in paths:
        with open(path) as f:
            doc = json.loads(json.dumps(yaml.safe_load(f)))  # YAML -> JSON
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        name = os.path.relpath(path, policy_dir)
        if errors:
            failed = True
            for e in errors:
                print(f"{name}: INVALID at {'/'.join(map(str, e.path))}: {e.message}")
        else:
            print(f"{name}: valid")

    # Shapes boxcg refuses: the schema must refuse them too.
    base = {"version": 1, "classes": {"small": {"box": {}}}}
    bad = {
        "version 2": {**base, "version": 2},
        "unknown top-level key": {**base, "clases": {}},
        "unknown limits group": {"version": 1, "classes": {"a": {"box": {"memry": {}}}}},
        "unknown memory key": {"version": 1, "classes": {"a": {"box": {"memory": {"hihg": "1G"}}}}},
        "decimal unit": {"version": 1, "classes": {"a": {"box": {"memory": {"max": "1GB"}}}}},
        "weight 0": {"version": 1, "classes": {"a": {"box": {"cpu": {"weight": 0}}}}},
        "nice 20": {"version": 1, "classes": {"a": {"box": {"cpu": {"nice": 20}}}}},
        "pids above 4194304": {"version": 1, "classes": {"a": {"box": {"pids": {"max": 4194305}}}}},
        "idle as a string": {"version": 1, "classes": {"a": {"box": {"cpu": {"idle": "yes"}}}}},
        "class name with a dot": {"version": 1, "classes": {"a.b": {}}},
        "box without a class": {**base, "boxes": [{"id": "b1"}]},
        "hugetlb size as 2MiB": {"version": 1, "classes": {"a": {"box": {"hugetlb": {"2MiB": "max"}}}}},
        "device without device": {"version": 1, "classes": {"a": {"box": {"io": {"devices": [{"wbps": "1M"}]}}}}},
        "root with ..": {**base, "root": "a/../b"},
    }
    for name, doc in bad.items():
        if validator.is_valid(doc):
            failed = True
            print(f"schema ACCEPTS {name}")
        else:
            print(f"schema rejects {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
