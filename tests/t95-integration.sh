# t95-integration.sh - pre-commit hooks, CI workflow example, man page
if command -v pre-commit >/dev/null; then
	pre-commit validate-manifest .pre-commit-hooks.yaml >/dev/null 2>&1 &&
		t_pass "pre-commit validate-manifest" || t_fail "pre-commit validate-manifest"
fi
# each hook's entry works as pre-commit runs it (entry + file names)
$PY - "$H" <<'PY' && t_pass "pre-commit hook entries run" || t_fail "pre-commit hook entries"
import shutil, subprocess, sys, tempfile, yaml, os
h = os.path.abspath(sys.argv[1])
hooks = yaml.safe_load(open(".pre-commit-hooks.yaml"))
ids = {x["id"]: x for x in hooks}
assert set(ids) == {"harden", "harden-check"}, ids
for x in hooks:
    for k in ("id", "name", "entry", "language"):
        assert k in x, (x, k)
    assert x["entry"].split()[0] == "harden"
d = tempfile.mkdtemp()
f = os.path.join(d, "pod.yaml")
shutil.copy("examples/k8s/init-containers.in.yaml", f)
chk = [h] + ids["harden-check"]["entry"].split()[1:] + [f]
assert subprocess.run(chk, capture_output=True).returncode == 1      # not hardened yet
fix = [h] + ids["harden"]["entry"].split()[1:] + [f]
assert subprocess.run(fix, capture_output=True).returncode == 0
assert subprocess.run(chk, capture_output=True).returncode == 0      # hardened now
PY
$PY - "$H" <<'PY' && t_pass "GitHub workflow example is valid and its commands run" || t_fail "GitHub workflow example"
import subprocess, sys, yaml, os, json, tempfile, shutil
h = os.path.abspath(sys.argv[1])
wf = yaml.load(open("docs/examples/github-workflow.yml"), Loader=yaml.BaseLoader)
assert "on" in wf and "jobs" in wf
steps = wf["jobs"]["harden"]["steps"]
assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
runs = [s["run"] for s in steps if "run" in s and s["run"].startswith("harden ")]
assert len(runs) == 2, runs
d = tempfile.mkdtemp()
shutil.copy("examples/k8s/init-containers.in.yaml", os.path.join(d, "pod.yaml"))
for cmd in runs:
    argv = [h] + cmd.split()[1:]
    p = subprocess.run(argv, cwd=d, capture_output=True)
    assert p.returncode in (0, 1), (cmd, p.stderr)
sarif = json.load(open(os.path.join(d, "harden.sarif")))
assert sarif["version"] == "2.1.0"
PY
if command -v mandoc >/dev/null; then
	out=$(mandoc -Tlint -Wwarning docs/harden.1 2>&1)
	[ -z "$out" ] && t_pass "man page lints clean (mandoc)" || t_fail "man page lint" "$out"
fi
if command -v groff >/dev/null; then
	out=$(groff -man -Tutf8 -ww -z docs/harden.1 2>&1)
	[ -z "$out" ] && t_pass "man page renders (groff)" || t_fail "man page groff" "$out"
fi
missing=""
for opt in $($H --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" docs/harden.1 || missing="$missing $opt"
done
[ -z "$missing" ] && t_pass "man page documents every --help option" || t_fail "man page lacks:$missing"
