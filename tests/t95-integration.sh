# t95-integration.sh - pre-commit hooks, CI workflow example, man page
if command -v pre-commit >/dev/null; then
	pre-commit validate-manifest .pre-commit-hooks.yaml >/dev/null 2>&1 &&
		t_pass "pre-commit validate-manifest" || t_fail "pre-commit validate-manifest"
else
	t_fail "pre-commit not installed (make deps-test installs it)"
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
else
	t_fail "mandoc not installed (make deps-test installs it)"
fi
if command -v groff >/dev/null; then
	out=$(groff -man -Tutf8 -ww -z docs/harden.1 2>&1)
	[ -z "$out" ] && t_pass "man page renders (groff)" || t_fail "man page groff" "$out"
else
	t_fail "groff not installed (make deps-test installs it)"
fi
missing=""
for opt in $($H --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" docs/harden.1 || missing="$missing $opt"
done
[ -z "$missing" ] && t_pass "man page documents every --help option" || t_fail "man page lacks:$missing"

# i19-05: pre-commit passes every staged *.yaml by name: Helm templates,
# Chart.yaml, values.yaml and workflows are skipped quietly by both hooks
mkdir -p "$TMP/pc/chart/templates" "$TMP/pc/.github/workflows"
printf 'apiVersion: v2\nname: web\nversion: 0.1.0\n' >"$TMP/pc/chart/Chart.yaml"
printf 'replicas: 1\n' >"$TMP/pc/chart/values.yaml"
printf 'kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n' >"$TMP/pc/chart/templates/svc.yaml"
printf 'on: push\njobs: {}\n' >"$TMP/pc/.github/workflows/ci.yaml"
cp "$TMP/pc/chart/Chart.yaml" "$TMP/pc/.pre-commit-config.yaml"
hooks_bad=""
for id in harden harden-check; do
	entry=$($PY -c "import yaml,sys; print([h['entry'] for h in yaml.safe_load(open('.pre-commit-hooks.yaml')) if h['id']==sys.argv[1]][0])" $id)
	(cd "$TMP/pc" && $TOPDIR/$H ${entry#harden } chart/Chart.yaml chart/values.yaml chart/templates/svc.yaml \
		.github/workflows/ci.yaml .pre-commit-config.yaml >"$TMP/o" 2>&1) || hooks_bad="$hooks_bad $id(exit $?)"
	[ -s "$TMP/o" ] && hooks_bad="$hooks_bad $id(prints: $(head -1 "$TMP/o"))"
done
[ -z "$hooks_bad" ] && t_pass "i19-05 pre-commit hooks skip Helm templates and non-manifests quietly" ||
	t_fail "i19-05 pre-commit hooks" "$hooks_bad"
grep -q 'fail-on' .pre-commit-hooks.yaml && grep -q -- '--fail-on' docs/examples/github-workflow.yml &&
	t_pass "i19-01 the harden-check hook and the shipped workflow use --fail-on" || t_fail "i19-01 hook/workflow --fail-on"

# i19-06: the GitOps example really opens a pull request: docs/examples/harden-pr.sh
# against a local bare repository, everything real but the `gh` call
if command -v git >/dev/null; then
	g="$TMP/gitops"; mkdir -p "$g/bin"
	export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
	git init -q --bare -b main "$g/origin.git"
	git clone -q "$g/origin.git" "$g/seed" 2>/dev/null
	mkdir -p "$g/seed/deploy"; cp examples/k8s/cronjob.in.yaml "$g/seed/deploy/cron.yaml"
	cp examples/compose/postgres.in.yaml "$g/seed/compose.yaml"
	(cd "$g/seed" && git add -A && git commit -qm init && git push -q origin HEAD:main)
	git clone -q "$g/origin.git" "$g/work"
	cat >"$g/bin/gh" <<'GH'
#!/bin/sh
# stub of the GitHub CLI: records the call and the body
echo "$*" >>"$GH_LOG"
case "$1 $2" in
"pr list") exit 0 ;;
"pr create"|"pr edit") while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "$GH_LOG.body"; shift; done ;;
esac
GH
	chmod +x "$g/bin/gh"
	case $H in /*) hp=$H ;; *) hp=$TOPDIR/$H ;; esac
	ln -sf "$hp" "$g/bin/harden"
	(cd "$g/work" && PATH="$g/bin:$PATH" GH_LOG="$g/gh.log" sh "$TOPDIR/docs/examples/harden-pr.sh" >"$g/out" 2>&1); rc=$?
	pushed=$(git --git-dir="$g/origin.git" show harden/auto:deploy/cron.yaml 2>/dev/null)
	if [ $rc -eq 0 ] && printf '%s\n' "$pushed" | grep -q 'runAsNonRoot: true' &&
	   [ "$(git --git-dir="$g/origin.git" rev-list --count main..harden/auto)" = 1 ] &&
	   grep -q '^pr create --base main --head harden/auto' "$g/gh.log" && head -1 "$g/gh.log.body" | grep -q '^## harden' &&
	   ! grep -q 'POSTGRES_PASSWORD: [^*]' "$g/gh.log.body" && [ "$(wc -c <"$g/gh.log.body")" -lt 65536 ]; then
		t_pass "i19-06 GitOps example: harden -i on a branch, pushed, PR opened with the Markdown body"
	else
		t_fail "i19-06 GitOps example" "rc=$rc $(cat "$g/out" "$g/gh.log" 2>/dev/null | head -5)"
	fi
	# a second run has nothing to do
	(cd "$g/work" && git checkout -q main && git pull -q origin harden/auto 2>/dev/null && git push -q origin HEAD:main &&
		PATH="$g/bin:$PATH" GH_LOG="$g/gh2.log" sh "$TOPDIR/docs/examples/harden-pr.sh" >"$g/out2" 2>&1); rc=$?
	[ $rc -eq 0 ] && grep -q 'nothing to harden' "$g/out2" && [ ! -s "$g/gh2.log" ] &&
		t_pass "i19-06 GitOps example: nothing to harden, no pull request" || t_fail "i19-06 second run" "rc=$rc $(cat "$g/out2")"
	wf=$($PY -c "import yaml; w=yaml.load(open('docs/examples/gitops-workflow.yml'), Loader=yaml.BaseLoader); print(w['jobs']['harden-pr']['steps'][-1]['run'])")
	printf '%s' "$wf" | grep -q 'harden-pr.sh' && t_pass "i19-06 GitOps workflow runs the script" || t_fail "i19-06 GitOps workflow"
else
	t_fail "i19-06 git not installed (make deps installs it)"
fi
