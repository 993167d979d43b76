#!/usr/bin/env python3
"""tests/suite_values.py - harden's scalar values against the YAML test suite.

For every valid case of the suite, the scalar values of harden's tree (the
cooked text of plain, quoted and block scalars: folding, escapes, chomping)
printed by tests/tools/dump_scalars must equal, in order, the =VAL events of
its test.event file.  Values are what the transforms read and what
verification compares, so a cooking error would go unseen elsewhere.
Cases harden refuses on purpose (duplicate keys) are counted apart.
"""
import glob, os, re, subprocess, sys

SHARED = os.environ.get("SHARED", "../shared")
DUMP = os.environ["DUMP"]


# Where harden reads as libyaml and go-yaml (Kubernetes, Compose) do, not as
# the suite: clip chomping whose last content line ends the file without a
# line break (libyaml: no final break; the suite and libfyaml: one).
AS_LIBYAML = {"L24T/01"}


def events(path):
    vals = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.startswith("=VAL "):
            continue
        rest = line[5:]
        while rest[:1] in ("&", "<"):
            end = rest.index(">") + 1 if rest[0] == "<" else rest.index(" ")
            rest = rest[end:].lstrip(" ")
        vals.append(rest[1:])  # drop the style character
    return vals


def main():
    n = ok = refused = known = 0
    bad = []
    for ev in sorted(glob.glob(os.path.join(SHARED, "yaml-test-suite/data/**/test.event"),
                               recursive=True)):
        d = os.path.dirname(ev)
        if os.path.exists(os.path.join(d, "error")):
            continue
        n += 1
        r = subprocess.run([DUMP, os.path.join(d, "in.yaml")], capture_output=True)
        if r.returncode != 0:
            if b"duplicate key" in r.stderr:
                refused += 1
            else:
                bad.append("%s: %s" % (d, r.stderr.decode(errors="replace").strip()))
            continue
        got = r.stdout.decode("utf-8", errors="replace").split("\n")[:-1]
        want = events(ev)
        case = os.path.relpath(d, os.path.join(SHARED, "yaml-test-suite/data"))
        if got == want:
            ok += 1
        elif case in AS_LIBYAML:
            known += 1
        else:
            i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                     min(len(got), len(want)))
            bad.append("%s: value %d: got %r, want %r" % (
                d, i, got[i] if i < len(got) else None, want[i] if i < len(want) else None))
    for b in bad[:20]:
        print("FAIL", b)
    print("yaml-test-suite values: %d of %d cases equal, %d read as libyaml does, "
          "%d refused (duplicate keys), %d differ" % (ok, n, known, refused, len(bad)))
    return 0 if n >= 300 and not bad and known == len(AS_LIBYAML) else 1


if __name__ == "__main__":
    sys.exit(main())
