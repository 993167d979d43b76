#!/usr/bin/python3
"""secret_props.py - property test of secret-env (issue 22): random pods and
Compose services with colliding env names and values go through
`harden -i --secrets-out`; afterwards every variable still reads its original
value (from the file, the Secret manifest, harden.env or a secret file), each
distinct moved value is stored exactly once, and no value is on stdout or
stderr.  Prints only seeds and names on failure, never a value.

usage: secret_props.py HARDEN WORKDIR FIRST_SEED COUNT
"""
import os
import random
import re
import shutil
import subprocess
import sys

import yaml

SECRET_VARS = ["DB_PASSWORD", "API_TOKEN", "SECRET_KEY"]


def val(seed, *parts):
    # never a prefix of another value; recognisable in any output
    return "s%dq%sZ" % (seed, "q".join(str(p) for p in parts))


# ---- Kubernetes -------------------------------------------------------------

def gen_k8s(seed):
    r = random.Random(seed)
    docs, lines = [], []
    for d in range(r.randint(1, 4)):
        kind = r.choice(["Pod", "Deployment", "StatefulSet"])
        name = r.choice(["web", "api"])
        ns = r.choice([None, "prod"])
        ind = "" if kind == "Pod" else "    "
        out = ["apiVersion: %s" % ("v1" if kind == "Pod" else "apps/v1"),
               "kind: %s" % kind, "metadata:", "  name: %s" % name]
        if ns:
            out.append("  namespace: %s" % ns)
        out.append("spec:")
        if kind != "Pod":
            out += ["  selector: {matchLabels: {app: %s}}" % name, "  template:",
                    "    metadata: {labels: {app: %s}}" % name, "    spec:"]
        out.append(ind + "  containers:")
        for c in r.sample(["a", "b", "c"], r.randint(1, 3)):
            out += [ind + "  - name: %s" % c, ind + "    image: example/%s:1" % c,
                    ind + "    env:"]
            for var in r.sample(SECRET_VARS + ["LOG_LEVEL"], r.randint(1, 4)):
                v = "debug" if var == "LOG_LEVEL" else val(seed, ns or "", name, var,
                                                          r.randint(0, 2))
                if r.random() < 0.5:
                    out.append(ind + '    - {name: %s, value: "%s"}' % (var, v))
                else:
                    out += [ind + "    - name: %s" % var, ind + "      value: %s" % v]
            if r.random() < 0.3:  # the author's Secret of harden's default name
                out += [ind + "    envFrom:", ind + "    - secretRef: {name: %s-secrets}" % name]
        docs.append("\n".join(out) + "\n")
        if r.random() < 0.2:
            docs.append("apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s-secrets\n"
                        "stringData: {OTHER: x}\n" % name)
    return "---\n".join(docs)


def k8s_envs(docs):
    """(doc, container index, var) -> env entry, for every container."""
    out = {}
    for i, d in enumerate(docs):
        if not d or d.get("kind") == "Secret":
            continue
        spec = d["spec"] if d["kind"] == "Pod" else d["spec"]["template"]["spec"]
        for j, c in enumerate(spec["containers"]):
            for e in c.get("env", []):
                out[(i, j, e["name"])] = (d["metadata"].get("namespace"), e)
    return out


def check_k8s(before, after, secrets_text):
    errs = []
    secrets = {}
    for s in yaml.safe_load_all(secrets_text or ""):
        if s:
            key = (s["metadata"].get("namespace"), s["metadata"]["name"])
            if key in secrets:
                errs.append("Secret %s/%s written twice" % key)
            secrets[key] = s.get("stringData", {})
    authors = {d["metadata"]["name"] for d in before if d and d["kind"] == "Secret"}
    for ns, name in secrets:
        if name in authors or name.endswith("-secrets") and any(
                d and d["metadata"]["name"] + "-secrets" == name and
                any("envFrom" in c for c in (d["spec"] if d["kind"] == "Pod" else
                                             d["spec"]["template"]["spec"])["containers"])
                for d in before if d and d["kind"] != "Secret"):
            errs.append("harden wrote the author's Secret %s" % name)
    b, a = k8s_envs(before), k8s_envs(after)
    for k, (ns, e) in b.items():
        if k not in a:
            errs.append("env %s of doc %d container %d gone" % (k[2], k[0], k[1]))
            continue
        f = a[k][1]
        if "value" in f:
            got = f["value"]
        else:
            ref = f.get("valueFrom", {}).get("secretKeyRef", {})
            got = secrets.get((ns, ref.get("name")), {}).get(ref.get("key"))
        if got != e.get("value"):
            errs.append("env %s of doc %d container %d reads another value" % (k[2], k[0], k[1]))
    stored = [v for s in secrets.values() for v in s.values()]
    return errs, stored


# ---- Compose ------------------------------------------------------------------

def gen_compose(seed):
    r = random.Random(seed)
    out = []
    shared = r.random() < 0.4
    if shared:
        var = r.choice(SECRET_VARS)
        out += ["x-common: &common", "  %s: %s" % (var, val(seed, "common", var, r.randint(0, 2))),
                "  LOG_LEVEL: info"]
    out.append("services:")
    users = 0
    for s in r.sample(["a", "b", "c", "d"], r.randint(2, 4)):
        pg = r.random() < 0.3
        out += ["  %s:" % s, "    image: %s" % ("postgres:16" if pg else "example/app:1")]
        names = r.sample(SECRET_VARS + ["LOG_LEVEL"], r.randint(1, 3))
        if pg and r.random() < 0.7:
            names.append("POSTGRES_PASSWORD")
        vals = [(n, "info" if n == "LOG_LEVEL" else
                 val(seed, s if pg else "", n, r.randint(0, 2))) for n in names]
        merge = shared and r.random() < 0.6
        if merge or r.random() < 0.5:
            out.append("    environment:")
            if merge:
                users += 1
                out.append("      <<: *common")
            out += ["      %s: %s" % nv for nv in vals]
        else:
            out.append("    environment:")
            out += ["      - %s=%s" % nv for nv in vals]
    text = "\n".join(out) + "\n"
    return text


def svc_env(svc):
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(x.split("=", 1) for x in env)
    return env


def env_file_value(v):
    """A harden.env value as Compose's env-file reader gives it back:
    single quotes literal, double quotes with \\ \" \n \r escapes."""
    if len(v) >= 2 and v[0] == v[-1] == "'":
        return v[1:-1]
    if len(v) >= 2 and v[0] == v[-1] == '"':
        esc = {"\\": "\\", '"': '"', "n": "\n", "r": "\r"}
        return re.sub(r'\\(.)', lambda m: esc.get(m.group(1), "\\" + m.group(1)), v[1:-1])
    return v


def check_compose(before, after, folder, sec_dir):
    errs, stored = [], []
    henv = {}
    p = os.path.join(sec_dir, "harden.env")
    if os.path.exists(p):
        for line in open(p).read().splitlines():
            k, v = line.split("=", 1)
            v = env_file_value(v)
            if k in henv:
                errs.append("harden.env holds %s twice" % k)
            henv[k] = v
            stored.append(v)
    files = {}
    for name, d in (after.get("secrets") or {}).items():
        fp = os.path.normpath(os.path.join(folder, d["file"]))
        if not os.path.exists(fp):
            errs.append("secret %s: its file is not where file: says" % name)
            continue
        files[name] = open(fp).read()
        stored.append(files[name])
    for s, svc in before["services"].items():
        new = svc_env(after["services"][s])
        for k, v in svc_env(svc).items():
            if k in new:
                got = str(new[k])
                m = re.fullmatch(r"\$\{(\w+):\?[^}]*\}", got)
                if m:
                    got = henv.get(m.group(1))
            elif k + "_FILE" in new:
                got = files.get(new[k + "_FILE"].rsplit("/", 1)[-1])
            else:
                got = None
            if got != str(v):
                errs.append("services.%s: %s reads another value" % (s, k))
    return errs, stored


# ---- driver -------------------------------------------------------------------

def run_case(harden, work, seed, compose):
    d = os.path.join(work, "c%d" % seed)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    text = gen_compose(seed) if compose else gen_k8s(seed)
    f = os.path.join(d, "compose.yaml" if compose else "k.yaml")
    open(f, "w").write(text)
    out = "sec" if compose else "s.yaml"
    p = subprocess.run([harden, "-i", "--secrets-out", out, os.path.basename(f)], cwd=d,
                       capture_output=True, text=True)
    values = set(re.findall(r"s%dq[^\s\"'}]*Z" % seed, text))
    errs = []
    if p.returncode != 0:
        errs.append("exit %d" % p.returncode)
    if any(v in p.stdout or v in p.stderr for v in values):
        errs.append("a value was printed")
    after_text = open(f).read()
    sp = os.path.join(d, out)
    if compose:
        e, stored = check_compose(yaml.safe_load(text), yaml.safe_load(after_text), d, sp)
    else:
        st = open(sp).read() if os.path.exists(sp) else ""
        e, stored = check_k8s(list(yaml.safe_load_all(text)),
                              list(yaml.safe_load_all(after_text)), st)
    errs += e
    for v in sorted(values):
        n = stored.count(v)
        if n > 1 or (n == 0 and v not in after_text):
            errs.append("a value is stored %d times%s" % (n, "" if n else " and left nowhere"))
    q = subprocess.run([harden, "-q", "--check", "--secrets-out", "sec2", os.path.basename(f)],
                       cwd=d, capture_output=True, text=True)
    if q.returncode != 0:
        errs.append("a second run changes the file")
    if not errs:
        shutil.rmtree(d)
    return errs


def main():
    harden, work, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    harden = os.path.abspath(harden)
    bad = 0
    for seed in range(first, first + count):
        for compose in (False, True):
            errs = run_case(harden, work, seed, compose)
            if errs:
                bad += 1
                print("seed %d %s: %s" % (seed, "compose" if compose else "k8s",
                                          "; ".join(sorted(set(errs)))))
    print("%d cases, %d failed" % (2 * count, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
