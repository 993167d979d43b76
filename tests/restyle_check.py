#!/usr/bin/env python3
"""tests/restyle_check.py - the corpus written in other YAML styles.

Every corpus file is loaded with PyYAML and written back in six styles no
corpus file uses: all flow (multi-line), JSON (indented and one line),
canonical (`? !!str "k" : !!str "v"` in flow), indent 4, every scalar
double-quoted, every scalar single-quoted.  For each restyled file R of a
corpus file F:
  * harden exits 0 (no refusal, no failed verification);
  * a second run on the output changes nothing;
  * the oracle (pss_check.py / compose_check.py) gives the output of R the
    verdicts it gives the output of F: the edits do not depend on style;
  * JSON in, JSON out: the output of a JSON file still loads as JSON.
Prints figures and exits 1 on any failure.
"""
import glob, json, os, subprocess, sys, tempfile

import yaml

SHARED = os.environ.get("SHARED", "../shared")
H = os.environ.get("HARDEN", "./harden")
PY = "/usr/bin/python3"
TOOLS = os.path.join(SHARED, "tools")
STYLES = {
    "flow": lambda d: yaml.safe_dump_all(d, default_flow_style=True, sort_keys=False),
    "indent4": lambda d: yaml.safe_dump_all(d, indent=4, sort_keys=False),
    "canonical": lambda d: yaml.safe_dump_all(d, canonical=True),
    "dq": lambda d: yaml.safe_dump_all(d, default_style='"', sort_keys=False),
    "sq": lambda d: yaml.safe_dump_all(d, default_style="'", sort_keys=False),
    "json": lambda d: json.dumps(d[0], indent=2) + "\n" if len(d) == 1 else None,
    "json1": lambda d: json.dumps(d[0]) if len(d) == 1 else None,
}


def harden(path, out):
    with open(out, "wb") as f:
        return subprocess.run([H, "-q", "--stdout", path], stdout=f,
                              stderr=subprocess.PIPE).returncode


def verdicts(tool, files):
    """{file: sorted verdict lines without the file name} in one oracle run."""
    res = {f: [] for f in files}
    if not files:
        return res
    out = subprocess.run([PY, os.path.join(TOOLS, tool)] + files,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        name, _, rest = line.partition(" ")
        res.setdefault(name.split("#")[0], []).append(rest)
    return {f: sorted(v) for f, v in res.items()}


def main():
    tmp = tempfile.mkdtemp(prefix="restyle.")
    fails, counts = [], {s: 0 for s in STYLES}
    pairs = {"k8s": [], "compose": []}  # (hardened original, hardened restyled)
    for kind in ("k8s", "compose"):
        srcs = sorted(glob.glob(os.path.join(SHARED, "corpus", kind, "*")))
        # make test: every HD_SAMPLE-th file (make test-full: all)
        srcs = srcs[int(os.environ.get("HD_SAMPLE_OFFSET", 0))::int(os.environ.get("HD_SAMPLE", 1))]
        for src in srcs:
            try:
                docs = [d for d in yaml.safe_load_all(open(src, encoding="utf-8-sig"))
                        if d is not None]
            except yaml.YAMLError:
                continue
            if not docs:
                continue
            base = os.path.join(tmp, kind + "-" + os.path.basename(src))
            if harden(src, base + ".orig.out") != 0:
                continue
            for style, dump in STYLES.items():
                text = dump(docs)
                if text is None:
                    continue
                r = "%s.%s.yaml" % (base, style)
                with open(r, "w") as f:
                    f.write(text)
                o = r + ".out"
                rc = harden(r, o)
                if rc != 0:
                    fails.append("%s: exit %d" % (r, rc))
                    continue
                counts[style] += 1
                again = subprocess.run([H, "-q", "--check", o], capture_output=True)
                if again.returncode != 0:
                    fails.append("%s: second run changes it" % r)
                if style.startswith("json"):
                    try:
                        json.load(open(o))
                    except ValueError as e:
                        fails.append("%s: output is not JSON (%s)" % (r, e))
                pairs[kind].append((base + ".orig.out", o))
    for kind, tool in (("k8s", "pss_check.py"), ("compose", "compose_check.py")):
        files = sorted({f for p in pairs[kind] for f in p})
        v = verdicts(tool, files)
        for a, b in pairs[kind]:
            if v.get(a) != v.get(b):
                fails.append("%s: oracle verdicts differ from the original's: %s vs %s"
                             % (b, v.get(b), v.get(a)))
    for f in fails[:30]:
        print("FAIL", f)
    print("restyled corpus: %s hardened; %d failures"
          % (", ".join("%s %d" % kv for kv in counts.items()), len(fails)))
    subprocess.run(["rm", "-rf", tmp])
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
