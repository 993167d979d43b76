# t80-reports.sh - JSON/SARIF/markdown reports, policy file, directories, colour
if HARDEN=$H SHARED=$SHARED $PY tests/report_check.py >"$TMP/rep.out" 2>&1; then
	t_pass "i19-02/i19-03/i19-suppress-external reports (SARIF schema, fixes, suppressions inSource and external (.harden.yaml skip:), security-severity, fingerprints; JSON schema; markdown under 65,536)"; head -1 "$TMP/rep.out"
else
	t_fail "reports"; cat "$TMP/rep.out" | head -20
fi
# --report FILE keeps the diff on stdout
$H --format json --report "$TMP/r.json" examples/k8s/cronjob.in.yaml >"$TMP/d" 2>/dev/null
grep -q '^+++ b/examples/k8s/cronjob.in.yaml' "$TMP/d" && $PY -c "import json,sys; json.load(open(sys.argv[1]))" "$TMP/r.json" &&
	t_pass "--report FILE with the diff on stdout" || t_fail "--report FILE"

# pre-commit style run over the whole corpus: exit 1 and exactly the changed files
$H --check -q "$SHARED"/corpus/k8s/* "$SHARED"/corpus/compose/* >"$TMP/changed"; rc=$?
n=$(wc -l <"$TMP/changed")
bad=0
for f in $(corpus_sample "$SHARED"/corpus/k8s/* "$SHARED"/corpus/compose/*); do
	if $H --stdout -q "$f" | cmp -s - "$f"; then grep -qxF "$f" "$TMP/changed" && bad=1
	else grep -qxF "$f" "$TMP/changed" || bad=1; fi
done
[ $rc -eq 1 ] && [ $bad -eq 0 ] && t_pass "--check over the corpus: exit 1, $n files listed, exactly the changed ones" ||
	t_fail "--check over the corpus" "rc=$rc bad=$bad"

# directories: recursion, include/exclude, non-manifests noted, bad file does not stop
mkdir -p "$TMP/repo/apps/.git" "$TMP/repo/vendor" "$TMP/repo/ci"
cp examples/k8s/init-containers.in.yaml "$TMP/repo/apps/pod.yaml"
cp examples/compose/extends.in.yaml "$TMP/repo/apps/compose.yml"
cp examples/k8s/init-containers.in.yaml "$TMP/repo/vendor/pod.yaml"
cp examples/k8s/init-containers.in.yaml "$TMP/repo/apps/.git/pod.yaml"
printf 'on: push\njobs: {}\n' >"$TMP/repo/ci/workflow.yaml"
printf 'a: [\n' >"$TMP/repo/apps/broken.yaml"
printf 'x' >"$TMP/repo/apps/notes.txt"
(cd "$TMP/repo" && $TOPDIR/$H --check --exclude 'vendor/**' . >"$TMP/o" 2>"$TMP/e"); rc=$?
if [ $rc -eq 2 ] && grep -qx './apps/pod.yaml' "$TMP/o" && grep -qx './apps/compose.yml' "$TMP/o" &&
   ! grep -q vendor "$TMP/o" && ! grep -q '.git' "$TMP/o" && grep -q 'broken.yaml:2:1: error' "$TMP/e" &&
   grep -q 'workflow.yaml: note: neither' "$TMP/e" && ! grep -q notes.txt "$TMP/o" "$TMP/e"; then
	t_pass "directory walk: include/exclude, .git skipped, note for non-manifests, errors do not stop"
else
	t_fail "directory walk" "rc=$rc out=$(cat "$TMP/o") err=$(cat "$TMP/e")"
fi
# a Helm chart in a walked repository: its templates are noted, not errors;
# a template that is plain YAML is hardened; named (pre-commit passes staged
# files by name), a template is skipped quietly too (i19: pre-commit)
mkdir -p "$TMP/charts/web/templates" "$TMP/notchart/templates"
printf 'apiVersion: v2\nname: web\nversion: 0.1.0\n' >"$TMP/charts/web/Chart.yaml"
printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n' >"$TMP/charts/web/templates/svc.yaml"
cp examples/k8s/init-containers.in.yaml "$TMP/charts/web/templates/static.yaml"
cp "$TMP/charts/web/templates/svc.yaml" "$TMP/notchart/templates/svc.yaml"
(cd "$TMP" && $TOPDIR/$H --check charts notchart >"$TMP/o" 2>"$TMP/e"); rc=$?
(cd "$TMP/charts/web/templates" && $TOPDIR/$H --check . >/dev/null 2>"$TMP/e2"); rc2=$?
if [ $rc -eq 2 ] && grep -q 'charts/web/templates/svc.yaml: note: Helm chart template' "$TMP/e" &&
   grep -qx 'charts/web/templates/static.yaml' "$TMP/o" && grep -q 'notchart/templates/svc.yaml:4:9: error' "$TMP/e" &&
   [ $rc2 -eq 1 ] && grep -q '^./svc.yaml: note: Helm chart template' "$TMP/e2" &&
   { $H --check -q "$TMP/charts/web/templates/svc.yaml" >"$TMP/o3" 2>&1; [ $? -eq 0 ] && [ ! -s "$TMP/o3" ]; }; then
	t_pass "directory walk: Helm chart templates noted and skipped, plain ones hardened"
else
	t_fail "directory walk: Helm chart" "rc=$rc rc2=$rc2 out=$(cat "$TMP/o") err=$(cat "$TMP/e" "$TMP/e2")"
fi
# links a walk finds that lead nowhere useful are noted, not errors; named, they are errors
mkdir -p "$TMP/links/sub"
cp examples/k8s/init-containers.in.yaml "$TMP/links/sub/pod.yaml"
ln -s missing.yaml "$TMP/links/dangling.yaml"; ln -s sub "$TMP/links/dir.yaml"
ln -s loop.yaml "$TMP/links/loop.yaml"; ln -s sub/pod.yaml "$TMP/links/alias.yaml"
(cd "$TMP/links" && $TOPDIR/$H --check . >"$TMP/o" 2>"$TMP/e"); rc=$?
if [ $rc -eq 1 ] && grep -qx './alias.yaml' "$TMP/o" && grep -qx './sub/pod.yaml' "$TMP/o" &&
   grep -q 'dangling.yaml: note: symbolic link to a missing file; skipped' "$TMP/e" &&
   grep -q 'dir.yaml: note: symbolic link to something that is not a regular file' "$TMP/e" &&
   grep -q 'loop.yaml: note: symbolic link to a loop of links' "$TMP/e" && ! grep -q error "$TMP/e" &&
   { $H --check "$TMP/links/dangling.yaml" 2>/dev/null; [ $? -eq 2 ]; }; then
	t_pass "directory walk: dangling, looping and directory links noted and skipped"
else
	t_fail "directory walk: links" "rc=$rc out=$(cat "$TMP/o") err=$(cat "$TMP/e")"
fi

# policy file: found walking up, applied, unknown keys are file:line:col errors
mkdir -p "$TMP/pol/deep/er"
cat >"$TMP/pol/.harden.yaml" <<'YAML'
# team policy
uid: 4242
skip: [resource-limits]
exclude: ["generated/**"]
YAML
cp examples/k8s/init-containers.in.yaml "$TMP/pol/deep/er/pod.yaml"
$H --stdout -q "$TMP/pol/deep/er/pod.yaml" >"$TMP/o"
grep -q 'runAsUser: 4242' "$TMP/o" && ! grep -q 'resources:' "$TMP/o" && t_pass "policy found walking up and applied" ||
	t_fail "policy applied"
$H --stdout -q --uid 777 "$TMP/pol/deep/er/pod.yaml" | grep -q 'runAsUser: 777' && t_pass "command line overrides policy" ||
	t_fail "command line overrides policy"
printf 'uid: 1\nlimits:\n  cpu: 1\n  gpus: 2\n' >"$TMP/bad-policy.yaml"
$H --config "$TMP/bad-policy.yaml" "$TMP/pol/deep/er/pod.yaml" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q "bad-policy.yaml:4:3: error: unknown key 'limits.gpus'" "$TMP/e" &&
	t_pass "policy: unknown key is file:line:col error" || t_fail "policy unknown key" "$(cat "$TMP/e")"
printf 'skip: [no-such-pass]\n' >"$TMP/bad2.yaml"
$H --config "$TMP/bad2.yaml" "$TMP/pol/deep/er/pod.yaml" >/dev/null 2>"$TMP/e"; [ $? -eq 2 ] &&
	grep -q "bad2.yaml:1:7: error: unknown transform 'no-such-pass'" "$TMP/e" && t_pass "policy: unknown transform" ||
	t_fail "policy: unknown transform" "$(cat "$TMP/e")"

# a walked directory: the policy in the file's own directory or above it
# (the walk's listing spares the lookup a stat only where it shows none)
mkdir -p "$TMP/polw/sub/deeper" "$TMP/polw/none"
printf 'uid: 4343\n' >"$TMP/polw/sub/.harden.yml"
cp examples/k8s/init-containers.in.yaml "$TMP/polw/none/a.yaml"
cp examples/k8s/init-containers.in.yaml "$TMP/polw/sub/b.yaml"
cp examples/k8s/init-containers.in.yaml "$TMP/polw/sub/deeper/c.yaml"
$H -q -j 1 "$TMP/polw" >"$TMP/o" 2>&1
[ "$(grep -c '^+ *runAsUser: 4343$' "$TMP/o")" = 2 ] && [ "$(grep -c '^+ *runAsUser: 10001$' "$TMP/o")" = 1 ] &&
	t_pass "walked directories: policy in the file's own directory and in a parent" ||
	t_fail "walked directories: policy lookup" "$(grep runAsUser "$TMP/o")"

# -j N: the output, its order and the exit code are those of -j 1, for
# directories walked while workers already run and for lists of files
mkdir -p "$TMP/jt"
cp -r examples "$TMP/jt/ex"
cp -r "$TMP/polw" "$TMP/jt/polw"
printf 'a: [\n' >"$TMP/jt/ex/k8s/zz-broken.yaml"
printf 'kind: Pod\nspec: {containers: [{name: a, image: b, env: [{name: DB_PASSWORD, value: hunter2hunter2}]}]}\n' >"$TMP/jt/ex/secret.yaml"
jbad=""
for fmt in text json; do
	$H -j 1 --format $fmt "$TMP/jt" >"$TMP/j1.out" 2>"$TMP/j1.err"; r1=$?
	for j in 2 3 8; do
		$H -j $j --format $fmt "$TMP/jt" >"$TMP/jn.out" 2>"$TMP/jn.err"; rn=$?
		{ [ $rn -eq $r1 ] && cmp -s "$TMP/j1.out" "$TMP/jn.out" && cmp -s "$TMP/j1.err" "$TMP/jn.err"; } ||
			jbad="$jbad $fmt/-j$j(rc $r1 vs $rn)"
	done
done
$H -j 1 --check $(find "$TMP/jt" -name '*.yaml' | sort) >"$TMP/j1.out" 2>"$TMP/j1.err"; r1=$?
$H -j 4 --check $(find "$TMP/jt" -name '*.yaml' | sort) >"$TMP/jn.out" 2>"$TMP/jn.err"; rn=$?
{ [ $rn -eq $r1 ] && cmp -s "$TMP/j1.out" "$TMP/jn.out" && cmp -s "$TMP/j1.err" "$TMP/jn.err"; } || jbad="$jbad files/--check"
[ -z "$jbad" ] && [ $r1 -eq 2 ] && [ -s "$TMP/j1.err" ] &&
	t_pass "-j 2/3/8 print what -j 1 prints, in the same order, with the same exit code" ||
	t_fail "-j N differs from -j 1:$jbad (rc $r1)"

# colour: never by default into a pipe, always on request, NO_COLOR honoured by auto
$H examples/k8s/cronjob.in.yaml 2>/dev/null | grep -q $'\033' && t_fail "no colour into a pipe" || t_pass "no colour into a pipe"
$H --color always examples/k8s/cronjob.in.yaml 2>/dev/null | grep -q $'\033\[32m+' && t_pass "--color always" || t_fail "--color always"
