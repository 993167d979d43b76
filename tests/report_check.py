#!/usr/bin/env python3
"""tests/report_check.py - validate harden's reports on the whole corpus.

  * SARIF 2.1.0 validates against the official schema (../shared/schemas) and
    applying each file's replacements to its input gives `harden --stdout`;
  * JSON validates against docs/report.schema.json;
  * Markdown renders (python3-markdown) with the summary table.
"""
import glob, json, os, subprocess, sys

SHARED = os.environ.get("SHARED", "../shared")
H = os.environ.get("HARDEN", "./harden")

def main():
    import jsonschema
    files = sorted(glob.glob(f"{SHARED}/corpus/k8s/*") + glob.glob(f"{SHARED}/corpus/compose/*"))
    fails = []
    sarif = json.loads(subprocess.run([H, "--format", "sarif", "-q", *files],
                                      capture_output=True, text=True).stdout)
    schema = json.load(open(f"{SHARED}/schemas/sarif-2.1.0.json"))
    try:
        jsonschema.validate(sarif, schema)
    except jsonschema.ValidationError as e:
        fails.append(f"SARIF invalid: {e.message[:200]} at {list(e.absolute_path)[:8]}")
    run = sarif["runs"][0]
    # i19: code scanning reads rules' security-severity; no pseudo results
    for rule in run["tool"]["driver"]["rules"]:
        sev = rule.get("properties", {}).get("security-severity")
        if sev is None or not 0 <= float(sev) <= 10 or "precision" not in rule["properties"]:
            fails.append(f"SARIF rule {rule['id']} lacks security-severity/precision")
    ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    ids.discard("harden-fix")  # the old per-file pseudo rule
    fps = set()
    for res in run["results"]:
        if res["ruleId"] not in ids:
            fails.append(f"SARIF result of no rule: {res['ruleId']}")
        fp = res.get("partialFingerprints", {}).get("harden/v1")
        loc = res["locations"][0]["physicalLocation"]
        key = (loc["artifactLocation"]["uri"], fp)
        if not fp or key in fps:
            fails.append(f"SARIF result without a unique fingerprint: {key}")
        fps.add(key)
        line = loc.get("region", {}).get("startLine")
        if line == 1:
            first = open(loc["artifactLocation"]["uri"], "rb").readline().decode(errors="replace")
            if ":" not in first or first.lstrip().startswith(("#", "---")):
                fails.append(f"SARIF result at line 1 not about line 1: {key} {first!r}")
    fixed = 0
    for res in sarif["runs"][0]["results"]:
        for fix in res.get("fixes", []):
            for ch in fix["artifactChanges"]:
                path = ch["artifactLocation"]["uri"]
                data = bytearray(open(path, "rb").read())
                # replacements are in file order; apply from the end
                for rep in reversed(ch["replacements"]):
                    off = rep["deletedRegion"]["byteOffset"]
                    ln = rep["deletedRegion"]["byteLength"]
                    data[off:off + ln] = rep["insertedContent"]["text"].encode()
                want = subprocess.run([H, "--stdout", "-q", path], capture_output=True).stdout
                if bytes(data) != want:
                    fails.append(f"SARIF replacements do not reproduce harden's output: {path}")
                fixed += 1
    changed = subprocess.run([H, "--check", "-q", *files], capture_output=True, text=True).stdout.split()
    # a file whose fix would show a credential gets none: its diff masks one
    with_fix = {ch["artifactLocation"]["uri"] for res in sarif["runs"][0]["results"]
                for fix in res.get("fixes", []) for ch in fix["artifactChanges"]}
    masked = 0
    for path in changed:
        if path in with_fix:
            continue
        diff = subprocess.run([H, "-q", path], capture_output=True, text=True).stdout
        if "********" not in diff:
            fails.append(f"SARIF has no fix for {path}, whose diff masks no credential")
        masked += 1
    if fixed + masked != len(changed):
        fails.append(f"SARIF has fixes for {fixed} files, --check lists {len(changed)}")
    rep = json.loads(subprocess.run([H, "--format", "json", "-q", *files],
                                    capture_output=True, text=True).stdout)
    try:
        jsonschema.validate(rep, json.load(open("docs/report.schema.json")))
    except jsonschema.ValidationError as e:
        fails.append(f"JSON report invalid: {e.message[:200]}")
    md = subprocess.run([H, "--format", "markdown", "-q", *files], capture_output=True, text=True).stdout
    import markdown
    html = markdown.markdown(md, extensions=["tables"])
    if "<table>" not in html or "<h2>" not in html or "<details>" not in md:
        fails.append("markdown report does not render to tables and sections")
    # i19: it must fit a GitHub pull-request body (65,536 characters)
    if len(md) >= 65536:
        fails.append(f"markdown report of {len(md)} characters: over GitHub's PR body limit")
    if "<details>" in md and md.find("| ") > md.find("<details>"):
        fails.append("markdown: the summary table does not come first")
    n_ex = sum(f["exemption"] for x in rep["files"] for f in x["findings"])
    supp = json.loads(subprocess.run([H, "--format", "sarif", "-q", *files, *glob.glob("examples/exemptions/*.in.yaml")],
                                     capture_output=True, text=True).stdout)["runs"][0]["results"]
    rep2 = json.loads(subprocess.run([H, "--format", "json", "-q", *files, *glob.glob("examples/exemptions/*.in.yaml")],
                                     capture_output=True, text=True).stdout)
    n_ex = sum(f["exemption"] for x in rep2["files"] for f in x["findings"])
    n_sup = sum(1 for r in supp if r.get("suppressions"))
    if n_ex == 0 or n_sup != n_ex:
        fails.append(f"SARIF: {n_sup} suppressions for {n_ex} honoured exemptions")
    n_ext, ext_fails = check_external(files, schema)
    fails += ext_fails
    print(f"reports: {n_sup} suppressions ({n_ext} external, of a policy file's skip:); SARIF valid with fixes for {fixed} files reproducing harden's output "
          f"(none for {masked}: a credential would show); "
          f"JSON {rep['summary']}; markdown {len(md)} bytes renders")
    for f in fails:
        print("  FAIL", f)
    return 1 if fails else 0

# i19-suppress-external: the transforms a policy file's skip: disables report
# what they would have fixed as SARIF suppressions of kind external
SKIP = ["run-as-non-root", "resource-limits", "secret-env", "ports", "read-only-mounts"]

def check_external(files, schema):
    import jsonschema, tempfile
    fails = []
    tmp = tempfile.mkdtemp()
    none, skip = f"{tmp}/none.yaml", f"{tmp}/skip.yaml"
    open(none, "w").write("level: restricted\n")
    open(skip, "w").write("skip: [" + ", ".join(SKIP) + "]\n")
    files = [*files, *sorted(glob.glob("examples/exemptions/*.in.yaml"))]
    def run(cfg, *args):
        return subprocess.run([H, "--config", cfg, "-q", *args, *files], capture_output=True).stdout
    base = json.loads(run(none, "--format", "sarif"))["runs"][0]["results"]
    sarif = json.loads(run(skip, "--format", "sarif"))
    try:
        jsonschema.validate(sarif, schema)
    except jsonschema.ValidationError as e:
        fails.append(f"SARIF with skip: invalid: {e.message[:200]} at {list(e.absolute_path)[:8]}")
    res = sarif["runs"][0]["results"]
    def key(r):
        return (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["partialFingerprints"]["harden/v1"])
    want = {key(r) for r in base if r["ruleId"] in SKIP}
    ext = [r for r in res if any(s["kind"] == "external" for s in r.get("suppressions", []))]
    got = {key(r) for r in ext}
    if not want or got != want:
        fails.append(f"skip: {len(want)} findings of the skipped transforms, {len(got)} external "
                     f"suppressions; missing {sorted(want - got)[:3]}, extra {sorted(got - want)[:3]}")
    for r in res:
        sup = [s for s in r.get("suppressions", []) if s["kind"] == "external"]
        if (r["ruleId"] in SKIP) != bool(sup):
            fails.append(f"skip: result of {r['ruleId']} with suppressions {r.get('suppressions')}")
        elif sup and (sup[0]["justification"] != f"skip: in {skip}" or "fixes" in r
                      or r["properties"]["fixable"]):
            fails.append(f"skip: suppressed result with a fix or a wrong justification: {sup}")
    # their edits were discarded: the fixes reproduce what -i writes under the policy
    for r in res:
        for fix in r.get("fixes", []):
            for ch in fix["artifactChanges"]:
                path = ch["artifactLocation"]["uri"]
                data = bytearray(open(path, "rb").read())
                for rep in reversed(ch["replacements"]):
                    off, ln = rep["deletedRegion"]["byteOffset"], rep["deletedRegion"]["byteLength"]
                    data[off:off + ln] = rep["insertedContent"]["text"].encode()
                want_out = subprocess.run([H, "--config", skip, "--stdout", "-q", path],
                                          capture_output=True).stdout
                if bytes(data) != want_out:
                    fails.append(f"skip: SARIF fixes do not reproduce harden's output: {path}")
    # the JSON report marks the same findings suppressed
    rep = json.loads(run(skip, "--format", "json"))
    fs = [f for x in rep["files"] for f in x["findings"]]
    jext = sum(1 for f in fs if f.get("suppression", {}).get("kind") == "external")
    if jext != len(ext) or not all(f["exemption"] and not f["applied"] for f in fs if "suppression" in f) \
       or rep["summary"].get("suppressed") != sum(1 for r in res if r.get("suppressions")):
        fails.append(f"skip: JSON marks {jext} findings external, SARIF {len(ext)}")
    return len(ext), fails

if __name__ == "__main__":
    sys.exit(main())
