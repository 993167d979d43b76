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
    print(f"reports: {n_sup} suppressions; SARIF valid with fixes for {fixed} files reproducing harden's output "
          f"(none for {masked}: a credential would show); "
          f"JSON {rep['summary']}; markdown {len(md)} bytes renders")
    for f in fails:
        print("  FAIL", f)
    return 1 if fails else 0

if __name__ == "__main__":
    sys.exit(main())
