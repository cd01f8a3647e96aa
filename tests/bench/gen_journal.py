#!/usr/bin/env python3
"""Write a journal of N undo records for `boxcg recover` to replay (bench
case 6d): a directory root ROOT with 1,000 cgroups bench/c0 … bench/c999,
and N records, each a write of pids.max (old value "max") to one of them
in turn. Usage: gen_journal.py ROOT N OUT"""
import os
import sys

root, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(os.path.join(root, "bench"), exist_ok=True)
for i in range(1000):
    os.makedirs(os.path.join(root, "bench", "c%d" % i), exist_ok=True)
st = os.stat(root)
with open(out, "w") as f:
    f.write('{"boxcg_journal":1,"base":"%s","dirmode":true,"fingerprint":"","pid":1,"steps":%d,'
            '"base_id":"%d:%d"}\n' % (os.path.realpath(root), n, st.st_dev, st.st_ino))
    for i in range(n):
        f.write('{"step":%d,"op":"write","cg":"bench/c%d","file":"pids.max","old":{"pids.max":"max"}}\n'
                % (i, i % 1000))
os.chmod(out, 0o600)
