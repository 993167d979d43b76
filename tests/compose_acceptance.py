#!/usr/bin/env python3
"""tests/compose_acceptance.py - issue acceptance for the Compose passes.

For every corpus Compose file F, on `harden --stdout --secrets-out DIR F`:
  * default: every check compose_check.py still fails for a service is one
    harden reported for that service (the owning transform warned);
  * --unsafe-fixes: every service passes except no_sensitive_binds (docker
    socket / sensitive binds), which harden reported;
  * validate.py (Compose Specification schema) accepts every output;
  * semantic_diff.py: only hardening keys changed, in services or in the
    `x-` fragments their merge keys share (and top-level secrets);
  * removed diff lines are hardened keys only; `--check` on the output is 0;
  * without --secrets-out, every service with a literal secret is reported.
compose_check.py judges secrets by the variable's name alone: a
no_literal_secrets failure whose variables tests/data/secrets/corpus.tsv
labels configuration ("look": a file path, a string whose password is a
${reference}) is what harden must leave, not a failure.
  * a service that only overrides a base harden cannot see (no image, build
    or extends; its base file is not beside it) is left alone with a
    `[harden-merge] ...: not hardened:` warning, which stands for its checks.
"""
import glob, os, re, subprocess, sys, tempfile

SHARED = os.environ.get("SHARED", "../shared")
H = os.environ.get("HARDEN", "./harden")
PY = "/usr/bin/python3"
TOOLS = os.path.join(SHARED, "tools")
OWNER = {
    "user_non_root": "run-as-non-root", "cap_drop_all": "drop-capabilities",
    "cap_add_allowlist": "drop-capabilities", "not_privileged": "no-privileged",
    "no_new_privileges": "no-privilege-escalation", "no_unconfined": "no-privilege-escalation",
    "read_only_rootfs": "read-only-root-fs", "memory_limit": "resource-limits",
    "cpu_limit": "resource-limits", "pids_limit": "resource-limits",
    "no_literal_secrets": "secret-env", "no_sensitive_binds": "read-only-mounts",
    "no_host_network": "host-namespaces", "no_host_namespaces": "host-namespaces",
}
KEYS = ["user", "cap_drop", "cap_add", "security_opt", "privileged", "read_only", "tmpfs",
        "deploy/resources*", "mem_limit", "cpus", "pids_limit", "volumes*", "network_mode",
        "pid", "ipc", "uts", "userns_mode", "networks*", "ports*", "environment*", "secrets*"]
ALLOW = ([f"/*/services/*/{k}" for k in KEYS] + ["/*/services/*/deploy", "/*/secrets*"] +
         [f"/*/x-*/{k}" for k in KEYS] + ["/*/x-*/deploy"])
REMOVED_OK = re.compile(r"^-\s*(- )?['\"]?(user|cap_drop|cap_add|security_opt|privileged|read_only|"
                        r"tmpfs|deploy|resources|limits|mem_limit|cpus|pids_limit|volumes|"
                        r"network_mode|pid|ipc|uts|userns_mode|networks|ports|environment|"
                        r"secrets|[A-Z0-9_]+)['\"]?\s*[:=]|^-\s*- |^-\s*#")

def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)

def looks():
    """(corpus file name, variable) pairs labelled configuration, not a credential."""
    p = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "secrets", "corpus.tsv")
    with open(p, encoding="utf-8") as fh:
        rows = [l.rstrip("\n").split("\t") for l in fh if not l.startswith("#")]
    return {(r[0][len("compose/"):], r[1]) for r in rows
            if len(r) == 3 and r[2] == "look" and r[0].startswith("compose/")}

LOOK = looks()

def check(path, base):
    out, svc = {}, None
    for line in run([PY, f"{TOOLS}/compose_check.py", "-v", path]).stdout.splitlines():
        m = re.match(r"^\S+ (services\.\S+): (PASS|FAIL (.*))$", line)
        if m:
            svc = m.group(1)
            out[svc] = set(x.strip() for x in (m.group(3) or "").split(",") if x.strip())
            continue
        # "    no_literal_secrets: NAME: why; NAME: why" (names only are kept)
        m = re.match(r"^\s+no_literal_secrets: (.*)$", line)
        if m and svc:
            names = [x.split(":")[0].strip() for x in m.group(1).split("; ")]
            if names and all((base, n) in LOOK for n in names):
                out[svc].discard("no_literal_secrets")
    return out

def warned(stderr):
    got = set()
    for line in stderr.splitlines():
        m = re.search(r": (?:warning|note): \[([a-z-]+)\] (services\.\S+?): ", line)
        if m:
            got.add((m.group(2), m.group(1)))
            # explicit choices kept: one note per file naming the other services
            a = re.search(r"more like it in this file; also (.*)\)$", line)
            for obj in (a.group(1).split(", ") if a else []):
                got.add((obj, m.group(1)))
    return got

def unseen_base(stderr):
    return set(re.findall(r": warning: \[harden-merge\] (services\.\S+?): not hardened: ", stderr))

def main():
    files = sorted(glob.glob(os.path.join(SHARED, "corpus", "compose", "*")))
    # make test: every HD_SAMPLE-th file (make test-full: all)
    files = files[int(os.environ.get("HD_SAMPLE_OFFSET", 0))::int(os.environ.get("HD_SAMPLE", 1))]
    if not files:
        print("SHARED corpus missing", file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp()
    fails, nsvc, pass_default, pass_unsafe, reported, partial = [], 0, 0, 0, 0, 0
    seq = iter(range(1 << 30))
    for f in files:
        b = os.path.basename(f)
        # without --secrets-out literal secrets stay, each one reported
        o = os.path.join(tmp, f"keep-{b}")
        p = run([H, "--stdout", f])
        open(o, "w", newline="").write(p.stdout)
        for svc, ids in check(o, b).items():
            if "no_literal_secrets" in ids and (svc, "secret-env") not in warned(p.stderr):
                fails.append(f"{b} {svc} [no --secrets-out]: literal secret not reported")
        for mode, extra in (("default", []), ("unsafe", ["--unsafe-fixes"])):
            o = os.path.join(tmp, f"{mode}-{b}")
            # each run saves the values it moves in a directory of its own
            extra = extra + ["--secrets-out", os.path.join(tmp, f"sec{next(seq)}")]
            p = run([H, "--stdout", *extra, f])
            if p.returncode != 0:
                fails.append(f"{b} [{mode}]: exit {p.returncode}: {p.stderr.strip()[:200]}")
                continue
            open(o, "w", newline="").write(p.stdout)
            v = run([PY, f"{TOOLS}/validate.py", o])
            if v.returncode != 0:
                fails.append(f"{b} [{mode}]: validate: {v.stdout.strip()[:300]}")
            sd = run([PY, f"{TOOLS}/semantic_diff.py", "-q"] +
                     [a for g in ALLOW for a in ("--allow", g)] + [f, o])
            if sd.returncode != 0:
                fails.append(f"{b} [{mode}]: semantic diff outside hardening keys: {sd.stdout.strip()[:300]}")
            extra[-1] = os.path.join(tmp, f"sec{next(seq)}")
            if run([H, "--check", "-q", *extra, o]).returncode != 0:
                fails.append(f"{b} [{mode}]: second run would change")
            extra[-1] = os.path.join(tmp, f"sec{next(seq)}")
            for line in run([H, "-q", *extra, f]).stdout.splitlines():
                if line.startswith("-") and not line.startswith("---") and not REMOVED_OK.search(line):
                    fails.append(f"{b} [{mode}]: collateral removed line: {line[:120]}")
            res, w, unseen = check(o, b), warned(p.stderr), unseen_base(p.stderr)
            for svc, ids in res.items():
                if svc in unseen:
                    partial += mode == "default"
                    continue
                if mode == "default":
                    nsvc += 1
                    pass_default += not ids
                else:
                    pass_unsafe += not ids
                for cid in ids:
                    if mode == "unsafe" and cid != "no_sensitive_binds":
                        fails.append(f"{b} {svc} [unsafe]: still fails {cid}")
                    if (svc, OWNER.get(cid)) not in w:
                        fails.append(f"{b} {svc} [{mode}]: fails {cid} without a warning")
                    elif mode == "unsafe":
                        reported += 1
    print(f"compose acceptance: {len(files)} files, {nsvc} services; PASS default "
          f"{pass_default}/{nsvc}, --unsafe-fixes {pass_unsafe}/{nsvc}; "
          f"{reported} remaining sensitive-mount failures all reported; {partial} "
          f"overrides of an unseen base left alone, reported")
    for x in fails:
        print("  FAIL", x)
    return 1 if fails else 0

if __name__ == "__main__":
    sys.exit(main())
