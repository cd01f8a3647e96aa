#!/usr/bin/env python3
"""Executed documentation: every shell transcript of README.md, docs/*.md
and the man pages runs, and its output must match (docs/TESTING.md,
"Transcripts in the docs").

A transcript is a code block (``` fenced in Markdown, .Bd -literal in a
man page) whose first line starts with "$ ". In it:

  $ CMD              a command, run by bash in the document's scratch
                     directory with the build's boxcg first on PATH; a
                     line ending in "\\" or "|" continues on the next
  output lines       what it prints, stdout and stderr as a terminal
                     shows them (merged, in order)
  ...                alone on a line: any number of lines (elided output)
  [exit N]           its exit status, when not 0 ("[exit 137: SIGKILL]")

Blank lines at the end of a command's output (in the document or printed)
only separate it from the next command: they are not compared.

Each document runs as one session, top to bottom, in a fresh scratch
directory holding a copy of policies/ and docs/examples/. The only
normalization: the scratch directory's path reads as /tmp/demo.

Directives, in an HTML comment (Markdown) or a `.\\" ` comment line (man),
apply to what follows:

  doc-test: file NAME     the next code block is written to NAME
  doc-test: file NAME     (Markdown only, multi-line comment) the rest of
  CONTENT                 the comment is written to NAME: a file the
  -->                     text describes but does not show
  doc-test: run CMD       run CMD first (setup; must succeed, output unseen;
                          $BOXCG_SRC is the checkout, for its fixtures);
                          before a kernel transcript, in the kernel only
  doc-test: vary REGEX    in the next transcript, a line of the document
                          and a printed line are alike when both match
                          REGEX (an extended regular expression, whole
                          line; keep to what Python and awk agree on):
                          output that differs from run to run (times,
                          usage counters) shown as a real example
  doc-test: kernel        the next transcript needs a real kernel (cgroup2,
                          root, /etc/boxcg): the qemu harness runs it
                          (tests/kernel/t_docs.sh), the host run skips it

Usage:
  tests/docs/run.py BOXCG [FILE...]        run (default: every document)
  tests/docs/run.py --emit-kernel DIR      write the kernel transcripts
                                           for tests/kernel/t_docs.sh
"""
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOWN_AS = "/tmp/demo"


def documents():
    docs = ["README.md"]
    docs += sorted("docs/" + f for f in os.listdir(os.path.join(REPO, "docs")) if f.endswith(".md"))
    docs += sorted("docs/man/" + f for f in os.listdir(os.path.join(REPO, "docs", "man")) if re.search(r"\.\d$", f))
    return docs


MAN_ESCAPES = [("\\e", "\\"), ("\\&", ""), ("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'),
               ("\\(->", "\u2192")]


def unman(line):
    for a, b in MAN_ESCAPES:
        line = line.replace(a, b)
    return line


class Item:
    """One step of a session: ('file', name, text), ('run', cmd) or
    ('transcript', lineno, lines, kernel, vary)."""

    def __init__(self, kind, **kw):
        self.kind = kind
        self.__dict__.update(kw)


def add_transcript(items, lineno, block, kernel, vary):
    """A kernel transcript takes the setup commands just before it along:
    they prepare the kernel's state, never the host's."""
    if kernel:
        for it in reversed(items):
            if it.kind == "transcript":
                break
            if it.kind == "run":
                it.kernel = True
    items.append(Item("transcript", lineno=lineno, lines=block, kernel=kernel, vary=vary))


def parse_markdown(path, text):
    items, pending_file, kernel, vary = [], None, False, []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"\s*<!--\s*doc-test:\s*(\w+)\s*(.*?)\s*(-->)?\s*$", line)
        if m:
            kind, arg, closed = m.group(1), m.group(2), m.group(3)
            body = []
            if not closed:
                i += 1
                while i < len(lines) and lines[i].strip() != "-->":
                    body.append(lines[i])
                    i += 1
            if kind == "file" and not closed:
                items.append(Item("file", name=arg, text="\n".join(body) + "\n"))
            elif kind == "file":
                pending_file = arg
            elif kind == "run":
                items.append(Item("run", cmd=arg, kernel=False))
            elif kind == "kernel":
                kernel = True
            elif kind == "vary":
                vary.append(arg)
            else:
                raise SystemExit("%s:%d: unknown directive doc-test: %s" % (path, i + 1, kind))
            i += 1
            continue
        if line.startswith("```"):
            start = i + 1
            i += 1
            block = []
            while i < len(lines) and not lines[i].startswith("```"):
                block.append(lines[i])
                i += 1
            if pending_file:
                items.append(Item("file", name=pending_file, text="\n".join(block) + "\n"))
            elif block and block[0].startswith("$ "):
                add_transcript(items, start + 1, block, kernel, vary)
            pending_file, kernel, vary = None, False, []
        i += 1
    return items


def parse_man(path, text):
    items, pending_file, kernel, vary = [], None, False, []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r'\.\\"\s*doc-test:\s*(\w+)\s*(.*?)\s*$', line)
        if m:
            kind, arg = m.group(1), m.group(2)
            if kind == "file":
                pending_file = arg
            elif kind == "run":
                items.append(Item("run", cmd=arg, kernel=False))
            elif kind == "kernel":
                kernel = True
            elif kind == "vary":
                vary.append(arg)
            else:
                raise SystemExit("%s:%d: unknown directive doc-test: %s" % (path, i + 1, kind))
        elif line.startswith(".Bd -literal"):
            start = i + 1
            i += 1
            block = []
            while i < len(lines) and not lines[i].startswith(".Ed"):
                block.append(unman(lines[i]))
                i += 1
            if pending_file:
                items.append(Item("file", name=pending_file, text="\n".join(block) + "\n"))
            elif block and block[0].startswith("$ "):
                add_transcript(items, start + 1, block, kernel, vary)
            pending_file, kernel, vary = None, False, []
        i += 1
    return items


def parse(path):
    with open(os.path.join(REPO, path), encoding="utf-8") as f:
        text = f.read()
    return parse_man(path, text) if path.startswith("docs/man/") else parse_markdown(path, text)


def commands(t):
    """[(lineno, cmd, expected lines, expected status)] of a transcript."""
    out, i, lines = [], 0, t.lines
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise SystemExit("line %d: transcript line outside a command: %r" % (t.lineno + i, lines[i]))
        at = t.lineno + i
        cmd = lines[i][2:]
        while (cmd.endswith("\\") or cmd.endswith("|")) and i + 1 < len(lines):
            i += 1
            cmd += "\n" + lines[i]
        i += 1
        want = []
        while i < len(lines) and not lines[i].startswith("$ "):
            want.append(lines[i])
            i += 1
        status = 0
        while want and want[-1] == "":
            want = want[:-1]
        if want:
            m = re.match(r"^\[exit (\d+)(:.*)?\]$", want[-1])
            if m:
                status = int(m.group(1))
                want = want[:-1]
        while want and want[-1] == "":
            want = want[:-1]
        out.append((at, cmd, want, status))
    return out


def alike(w, g, vary):
    return w == g or any(re.fullmatch(p, w) and re.fullmatch(p, g) for p in vary)


def matches(want, got, vary=()):
    """want may hold "..." lines: any number of lines; a line matching a
    pattern of vary matches any line that does."""
    memo = {}

    def m(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(want):
            r = j == len(got)
        elif want[i] == "...":
            r = m(i + 1, j) or (j < len(got) and m(i, j + 1))
        else:
            r = j < len(got) and alike(want[i], got[j], vary) and m(i + 1, j + 1)
        memo[(i, j)] = r
        return r

    sys.setrecursionlimit(100000)
    return m(0, 0)


def session_dir():
    d = tempfile.mkdtemp(prefix="boxcg-doc.")
    for sub in ("policies", "docs/examples"):
        src = os.path.join(REPO, sub)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(d, sub))
    return d


def run_doc(path, bindir):
    items = parse(path)
    if not any(x.kind == "transcript" for x in items):
        return 0, 0, 0
    scratch = session_dir()
    env = dict(os.environ, PATH=bindir + ":" + os.environ.get("PATH", ""), NO_COLOR="1", COLUMNS="80",
               HOME=scratch)
    env["BOXCG_SRC"] = REPO  # the checkout, for fixtures a transcript copies in
    env.pop("BOXCG_TEST_FAULT_AT", None)
    env.pop("BOXCG_TEST_KILL_AT", None)
    ok = bad = kernel = 0
    try:
        for it in items:
            if it.kind == "file":
                with open(os.path.join(scratch, it.name), "w", encoding="utf-8") as f:
                    f.write(it.text)
            elif it.kind == "run" and not it.kernel:
                r = subprocess.run(["bash", "-c", it.cmd], cwd=scratch, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                if r.returncode != 0:
                    print("FAIL %s: setup `%s` exited %d:\n%s" % (path, it.cmd, r.returncode,
                                                                 r.stdout.decode(errors="replace")))
                    bad += 1
            elif it.kind == "run":
                pass  # the kernel harness runs it
            elif it.kernel:
                kernel += 1
            else:
                for at, cmd, want, status in commands(it):
                    r = subprocess.run(["bash", "-c", cmd], cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                    got_status = r.returncode if r.returncode >= 0 else 128 - r.returncode
                    text = r.stdout.decode("utf-8", errors="replace").replace(scratch, SHOWN_AS)
                    got = text.split("\n")
                    while got and got[-1] == "":
                        got = got[:-1]
                    if matches(want, got, it.vary) and got_status == status:
                        ok += 1
                        continue
                    bad += 1
                    print("FAIL %s:%d: $ %s" % (path, at, cmd.replace("\n", "\n  ")))
                    if got_status != status:
                        print("  exit %d, the document says %d" % (got_status, status))
                    for d in difflib.unified_diff(want, got, "document", "boxcg", lineterm="", n=2):
                        print("  " + d)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return ok, bad, kernel


def emit_kernel(outdir):
    """One directory per document with kernel transcripts: NN.cmd (the
    command), NN.want (the expected lines), NN.status, and setup steps
    (NN.file.NAME, NN.run) in document order, for tests/kernel/t_docs.sh."""
    n = 0
    for path in documents():
        items = parse(path)
        if not any(x.kind == "transcript" and x.kernel for x in items):
            continue
        d = os.path.join(outdir, path.replace("/", "_"))
        os.makedirs(d, exist_ok=True)
        k = 0
        for it in items:
            if it.kind == "transcript" and not it.kernel:
                continue
            if it.kind == "file":
                k += 1
                with open(os.path.join(d, "%03d.file" % k), "w") as f:
                    f.write(it.name + "\n" + it.text)
            elif it.kind == "run":
                if not it.kernel:
                    continue
                k += 1
                with open(os.path.join(d, "%03d.run" % k), "w") as f:
                    f.write(it.cmd + "\n")
            else:
                for at, cmd, want, status in commands(it):
                    k += 1
                    n += 1
                    base = os.path.join(d, "%03d" % k)
                    with open(base + ".cmd", "w") as f:
                        f.write(cmd + "\n")
                    with open(base + ".want", "w") as f:
                        f.write("".join(w + "\n" for w in want))
                    with open(base + ".where", "w") as f:
                        f.write("%s:%d\n" % (path, at))
                    with open(base + ".status", "w") as f:
                        f.write("%d\n" % status)
                    with open(base + ".vary", "w") as f:
                        f.write("".join(p + "\n" for p in it.vary))
    return n


def main(argv):
    if len(argv) == 3 and argv[1] == "--emit-kernel":
        n = emit_kernel(argv[2])
        print("docs: %d kernel transcript commands written to %s" % (n, argv[2]))
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    boxcg = os.path.abspath(argv[1])
    bindir = tempfile.mkdtemp(prefix="boxcg-docbin.")
    os.symlink(boxcg, os.path.join(bindir, "boxcg"))
    ok = bad = kernel = 0
    try:
        for path in argv[2:] or documents():
            o, b, k = run_doc(path, bindir)
            if o or b or k:
                print("%s %s: %d commands match%s%s" % ("ok  " if not b else "FAIL", path, o,
                                                        ", %d differ" % b if b else "",
                                                        ", %d for the kernel harness" % k if k else ""))
            ok, bad, kernel = ok + o, bad + b, kernel + k
    finally:
        shutil.rmtree(bindir, ignore_errors=True)
    print("docs: %d commands match, %d differ, %d left to the kernel harness" % (ok, bad, kernel))
    return 1 if bad or not ok else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv))
