#!/usr/bin/env python3
"""tests/secret_detector.py - hd_secret_credential() on a labelled set.

The set: tests/data/secrets/corpus.tsv (corpus file + variable + label; the
values are read from SHARED/corpus here, never stored in the repository),
every other environment entry of the corpus (plain configuration), and
tests/data/secrets/synthetic.tsv.  The verdicts come from VERDICT (the
tests/tools/secret_verdict binary).  Prints one line per check, "ok NAME"
or "fail NAME<TAB>DETAIL", and NAMES ONLY: never a value.
"""
import os, subprocess, sys
import yaml

SHARED = os.environ.get("SHARED", "../shared")
VERDICT = os.environ.get("VERDICT", "build/tests/secret_verdict")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "secrets")


def k8s_env(node, out):
    """env: [{name, value}] anywhere in a Kubernetes document."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "env" and isinstance(v, yaml.SequenceNode):
                for it in v.value:
                    if not isinstance(it, yaml.MappingNode):
                        continue
                    d = {a.value: b for a, b in it.value if isinstance(a, yaml.ScalarNode)}
                    if isinstance(d.get("name"), yaml.ScalarNode) and isinstance(d.get("value"), yaml.ScalarNode):
                        out.append(("k", d["name"].value, d["value"].value))
            k8s_env(v, out)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            k8s_env(v, out)


def compose_env(doc, out):
    """services.*.environment, as a mapping (strings, numbers) or K=V list."""
    if not isinstance(doc, yaml.MappingNode):
        return
    for k, v in doc.value:
        if k.value != "services" or not isinstance(v, yaml.MappingNode):
            continue
        for _, svc in v.value:
            if not isinstance(svc, yaml.MappingNode):
                continue
            for ek, ev in svc.value:
                if ek.value != "environment":
                    continue
                if isinstance(ev, yaml.MappingNode):
                    for a, b in ev.value:
                        if isinstance(b, yaml.ScalarNode) and b.tag.endswith((":str", ":int")) and b.value:
                            out.append(("c", a.value, b.value))
                elif isinstance(ev, yaml.SequenceNode):
                    for it in ev.value:
                        if isinstance(it, yaml.ScalarNode) and "=" in it.value:
                            n, _, val = it.value.partition("=")
                            if val:
                                out.append(("c", n.strip(), val))


def corpus_entries():
    """[(file, syntax, name, value)] for every env entry of the corpus."""
    res = []
    for sub in ("k8s", "compose"):
        d = os.path.join(SHARED, "corpus", sub)
        for f in sorted(os.listdir(d)):
            out = []
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                for doc in yaml.compose_all(fh):
                    (k8s_env if sub == "k8s" else compose_env)(doc, out)
            res += [(f"{sub}/{f}", s, n, v) for s, n, v in out]
    return res


def rows(path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line.split("\t")


def esc(v):
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def unesc(v):
    out, i = [], 0
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v):
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(v[i + 1], v[i + 1]))
            i += 2
        else:
            out.append(v[i])
            i += 1
    return "".join(out)


def main():
    if not os.path.isdir(os.path.join(SHARED, "corpus")):
        print(f"fail i18-04: the shared corpus is present\t{SHARED}/corpus")
        return
    if not os.access(VERDICT, os.X_OK):
        print(f"fail i18-04: the verdict tool is built\t{VERDICT} missing (make build/tests/secret_verdict)")
        return
    labels = {(f, n): lab for f, n, lab in rows(os.path.join(DATA, "corpus.tsv"))}
    cases = []  # (where, label, syntax, extra, name, value)
    seen = set()
    for f, s, n, v in corpus_entries():
        lab = labels.get((f, n), "plain")
        seen.add((f, n))
        cases.append((f"{f}:{n}", lab, s, "-", n, v))
    missing = sorted(set(labels) - seen)
    for r in rows(os.path.join(DATA, "synthetic.tsv")):
        lab, s, n, v = r[:4]
        cases.append((f"synthetic:{n}", lab, s, r[4] if len(r) > 4 else "-", n, unesc(v)))
    inp = "".join(f"{s}\t{x}\t{n}\t{esc(v)}\n" for _, _, s, x, n, v in cases)
    p = subprocess.run([VERDICT], input=inp, capture_output=True, text=True)
    got = p.stdout.splitlines()
    if p.returncode != 0 or len(got) != len(cases):
        print(f"fail i18-04: the verdict tool ran\texit {p.returncode}, {len(got)} verdicts for {len(cases)} entries")
        return
    ncorp = sum(1 for c in cases if not c[0].startswith("synthetic:"))
    print(f"note labelled set: {ncorp} corpus entries ({len(labels)} labelled rows), "
          f"{len(cases) - ncorp} synthetic")
    if missing:
        print("fail i18-04: every labelled corpus entry is in the corpus\tnot found: " +
              ", ".join(f"{f}:{n}" for f, n in missing))
    else:
        print(f"ok i18-04: every labelled corpus entry ({len(labels)}) is in the corpus")

    creds = [(c, g) for c, g in zip(cases, got) if c[1] == "cred"]
    looks = [(c, g) for c, g in zip(cases, got) if c[1] == "look"]
    plain = [(c, g) for c, g in zip(cases, got) if c[1] == "plain"]
    missed = [c[0] for c, g in creds if g == "-"]
    moved = [c[0] for c, g in looks + plain if g != "-"]
    hit = len(creds) - len(missed)
    pct = 100.0 * hit / len(creds) if creds else 0.0
    print(f"note look-alikes moved: {len([1 for c, g in looks if g != '-'])} of {len(looks)}; "
          f"plain corpus entries moved: {len([1 for c, g in plain if g != '-'])} of {len(plain)}; "
          f"real credentials moved: {hit} of {len(creds)} ({pct:.1f}%)")
    if moved:
        print(f"fail i18-04: no look-alike moved\t{len(moved)} moved: " + ", ".join(moved))
    else:
        print(f"ok i18-04: no look-alike moved (0 of {len(looks) + len(plain)})")
    if pct >= 95.0:
        print(f"ok i18-04: at least 95% of real literal credentials moved ({hit}/{len(creds)})")
    else:
        print(f"fail i18-04: at least 95% of real literal credentials moved\t{hit}/{len(creds)} "
              f"({pct:.1f}%); missed: " + ", ".join(missed))
    if missed:
        print("note credentials not moved: " + ", ".join(missed))
    # issue 22 item 6: a URL password with an empty user name
    empty_user = [(c, g) for c, g in creds if "://:" in c[5]]
    bad = [c[0] for c, g in empty_user if g != "URL with password"]
    if empty_user and not bad:
        print(f"ok i22-06: scheme://:password@host is a URL with password ({len(empty_user)} entries)")
    else:
        print("fail i22-06: scheme://:password@host is a URL with password\t" + (", ".join(bad) or "no case"))


if __name__ == "__main__":
    main()
