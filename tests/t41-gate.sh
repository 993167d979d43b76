# t41-gate.sh - issue 19: the CI gate (--fail-on), output conventions, and
# issue 22 item 8: control characters in names never reach a terminal raw
# i19-01: after -i a privileged, host-network, docker.sock service still fails the gate
cat >"$TMP/agent.yaml" <<'YAML'
services:
  agent:
    image: portainer/agent:2.19
    privileged: true
    network_mode: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
YAML
$H -i -q "$TMP/agent.yaml"
$H --check -q "$TMP/agent.yaml" >/dev/null 2>&1; rc0=$?
$H --check --fail-on high -q "$TMP/agent.yaml" >/dev/null 2>"$TMP/e"; rc=$?
$H --check --fail-on unsafe -q "$TMP/agent.yaml" >/dev/null 2>&1; rcu=$?
[ $rc0 -eq 0 ] && [ $rc -eq 1 ] && [ $rcu -eq 1 ] && grep -q 'agent.yaml: 3 findings left unfixed at --fail-on high' "$TMP/e" &&
	t_pass "i19-01 --check --fail-on high/unsafe fails on unsafe findings left after -i" ||
	t_fail "i19-01 --fail-on" "rc0=$rc0 rc=$rc rcu=$rcu $(cat "$TMP/e")"
# a hardened file with no unsafe finding passes the gate (its image
# declared, as a repository does: an unknown image is a finding, i17)
mkdir -p "$TMP/gate"
printf 'images:\n  - {name: report, match: [registry.example.com/report]}\n' >"$TMP/gate/.harden.yaml"
cp examples/k8s/cronjob.in.yaml "$TMP/gate/cron.yaml"; $H -i -q "$TMP/gate/cron.yaml"
cp "$TMP/gate/cron.yaml" "$TMP/cron.yaml"
$H --check --fail-on low -q "$TMP/gate/cron.yaml" >/dev/null 2>&1 && { $H --fail-on bogus x 2>/dev/null; [ $? -eq 2 ]; } &&
	t_pass "i19-01 a hardened file without findings passes --fail-on low" || t_fail "i19-01 hardened file passes the gate"

# i19-01 on the corpus: hardened (-i, literal secrets moved out), a file whose
# findings left include no unsafe one passes --check --fail-on high
mkdir -p "$TMP/gc"; nu=0; gbad=""
for f in $(corpus_sample "$SHARED"/corpus/k8s/* "$SHARED"/corpus/compose/*); do
	g="$TMP/gc/$(basename "$f")"; cp "$f" "$g"; chmod u+w "$g"
	$H -i -q --secrets-out "$TMP/gc-sec/$(basename "$f")" "$g" 2>/dev/null
	$H --check --fail-on unsafe -q "$g" >/dev/null 2>&1 || continue
	nu=$((nu + 1))
	$H --check --fail-on high -q "$g" >/dev/null 2>&1 || gbad="$gbad $(basename "$f")"
done
[ $nu -gt 0 ] && [ -z "$gbad" ] &&
	t_pass "i19-01 corpus after -i: all $nu files without unsafe findings pass --check --fail-on high" ||
	t_fail "i19-01 corpus gate" "$nu without unsafe findings; failing:$gbad"

# i19-04: summary line, -i names what it wrote, -V, one-line usage errors
cp examples/k8s/cronjob.in.yaml "$TMP/gate/a.yaml"; cp "$TMP/agent.yaml" "$TMP/gate/b.yaml"
$H -i "$TMP/gate/a.yaml" "$TMP/gate/b.yaml" 2>"$TMP/e"
grep -qx "harden: wrote $TMP/gate/a.yaml" "$TMP/e" && ! grep -q "wrote $TMP/gate/b.yaml" "$TMP/e" &&
	tail -1 "$TMP/e" | grep -qx 'harden: 1 file written, 1 unchanged; findings left: 3 high' &&
	t_pass "i19-04 -i names the files it wrote; a summary line ends stderr" || t_fail "i19-04 -i summary" "$(cat "$TMP/e")"
cp examples/k8s/cronjob.in.yaml "$TMP/gate/c.yaml"
$H --check "$TMP/gate/c.yaml" 2>&1 >/dev/null | tail -1 | grep -qx 'harden: 1 file would change, 0 unchanged; no findings left' &&
	t_pass "i19-04 --check summary line" || t_fail "i19-04 --check summary line"
$H -V | grep -qE '^harden [0-9]' && t_pass "i19-04 -V prints the version" || t_fail "i19-04 -V"
$H --bogus x 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$TMP/e")" -eq 2 ] && grep -q "^harden: error: unknown option '--bogus'" "$TMP/e" &&
	grep -q "harden --help" "$TMP/e" && t_pass "i19-04 a bad option is a one-line error with a hint" ||
	t_fail "i19-04 usage error" "rc=$rc $(head -3 "$TMP/e")"
# findings in line order
$H examples/k8s/privileged-host.in.yaml 2>&1 >/dev/null | grep -E '^[^ ]+:[0-9]+:[0-9]+: ' | cut -d: -f2 >"$TMP/lines"
sort -n -c "$TMP/lines" 2>/dev/null && [ -s "$TMP/lines" ] && t_pass "i19-04 findings printed in line order" ||
	t_fail "i19-04 findings order" "$(tr '\n' ' ' <"$TMP/lines")"
# kept explicit choices: one note per file, not a warning per port
printf 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n      - "443:443"\n      - "8080:8080"\n' >"$TMP/ports.yaml"
$H --check "$TMP/ports.yaml" 2>&1 >/dev/null | grep -c 'ports\]' >"$TMP/n"
[ "$(cat "$TMP/n")" = 1 ] && $H --check "$TMP/ports.yaml" 2>&1 | grep -q 'note: \[ports\].*(and 2 more like it in this file)' &&
	t_pass "i19-04 kept explicit choices: one note per file" || t_fail "i19-04 kept ports once" "$(cat "$TMP/n")"
# --check says what would happen, not what did
$H --check examples/compose/postgres.in.yaml 2>&1 >/dev/null | grep 'secret-env' >"$TMP/e"
grep -q 'would' "$TMP/e" && ! grep -q '; now ' "$TMP/e" && t_pass "i19-04 --check messages in the conditional" ||
	t_fail "i19-04 --check wording" "$(cat "$TMP/e")"
# --check --report lists the failing files; --format text --report writes the file
$H --check --format sarif --report "$TMP/h.sarif" examples/k8s/cronjob.in.yaml >"$TMP/o" 2>/dev/null
grep -qx 'examples/k8s/cronjob.in.yaml' "$TMP/o" && [ -s "$TMP/h.sarif" ] &&
	t_pass "i19-04 --check --report FILE still lists the files on stdout" || t_fail "i19-04 --check --report" "$(cat "$TMP/o")"
$H --format text --report "$TMP/t.txt" "$TMP/agent.yaml" >/dev/null 2>&1
grep -q 'docker.sock' "$TMP/t.txt" && grep -q '^harden: ' "$TMP/t.txt" &&
	t_pass "i19-04 --format text --report FILE writes the warnings there" || t_fail "i19-04 text report file"

# i22-08: names with terminal escapes are escaped on stderr, in --check lists and diff headers
n=$(printf 'evil\033]0;pwned\a\033[2J\r')
cat >"$TMP/svc.yaml" <<'YAML'
services:
  "evil\e]0;pwned\a\e[2J\r":
    image: nginx
    privileged: true
YAML
mkdir -p "$TMP/esc"; f="$TMP/esc/$n.yaml"; cp "$TMP/svc.yaml" "$f"
$H "$f" >"$TMP/o" 2>"$TMP/e"; $H --check "$f" >>"$TMP/o" 2>>"$TMP/e"
$H --check "$TMP/esc" >>"$TMP/o" 2>>"$TMP/e"; printf 'a: [\n' >"$TMP/esc/$n-bad.yaml"; $H "$TMP/esc/$n-bad.yaml" 2>>"$TMP/e"
if ! grep -q $'[\033\a\r]' "$TMP/o" "$TMP/e" && grep -q 'evil\\033\]0;pwned\\a\\033\[2J\\r' "$TMP/e" &&
   grep -q '^+++ b/.*evil\\033' "$TMP/o" && grep -qF "\"$TMP/esc/evil\\033]0;pwned\\a\\033[2J\\r.yaml\"" "$TMP/o"; then
	t_pass "i22-08-escapes control characters in names: warnings, errors, --check lists, diff headers"
else
	t_fail "i22-08-escapes" "$(cat -v "$TMP/o" "$TMP/e" | head -8)"
fi

# i19-03: the Markdown report lists only the defaults that apply to the files at hand
$H --format markdown -q examples/k8s/cronjob.in.yaml >"$TMP/k.md"
$H --format markdown -q examples/compose/postgres.in.yaml >"$TMP/c.md"
grep -q 'Kubernetes limits' "$TMP/k.md" && ! grep -q 'Compose limits' "$TMP/k.md" && ! grep -q 'capabilities kept' "$TMP/k.md" &&
	grep -q 'Compose limits' "$TMP/c.md" && ! grep -q 'Kubernetes limits' "$TMP/c.md" && grep -q '<details>' "$TMP/k.md" &&
	t_pass "i19-03 Markdown: only the defaults that apply, files in <details>" || t_fail "i19-03 Markdown defaults"
# i19-03: a run too big for a PR body is cut under 65,536 characters, saying so
mkdir -p "$TMP/many"
for i in $(seq 1 400); do cp examples/compose/long-syntax-unsafe.in.yaml "$TMP/many/c$i.yaml"; done
$H --format markdown -q "$TMP/many" >"$TMP/m.md"
[ "$(wc -c <"$TMP/m.md")" -lt 65536 ] && grep -q 'more file(s) left out' "$TMP/m.md" &&
	/usr/bin/python3 -c "import markdown,sys; h=markdown.markdown(open(sys.argv[1]).read(), extensions=['tables']); assert '<table>' in h" "$TMP/m.md" &&
	t_pass "i19-03 Markdown capped under 65,536 characters with a note of what was left out" ||
	t_fail "i19-03 Markdown cap" "$(wc -c <"$TMP/m.md")"
# i19-02: SARIF after -i reports what is left, without fixes; exemptions are suppressions
cp examples/compose/exempt.in.yaml "$TMP/ex.yaml"
$H --format sarif -q "$TMP/ex.yaml" >"$TMP/ex.sarif"
$H -i --format sarif -q "$TMP/agent.yaml" >"$TMP/ag.sarif"
/usr/bin/python3 - "$TMP/ex.sarif" "$TMP/ag.sarif" <<'PY' && t_pass "i19-02 SARIF: suppressions inSource; after -i only what is left, no fixes" || t_fail "i19-02 SARIF modes"
import json, sys
ex = json.load(open(sys.argv[1]))["runs"][0]["results"]
sup = [r for r in ex if r.get("suppressions")]
assert sup and all(s["kind"] == "inSource" for r in sup for s in r["suppressions"]), sup
ag = json.load(open(sys.argv[2]))["runs"][0]["results"]
assert len(ag) == 3 and not any("fixes" in r for r in ag), ag
assert {r["level"] for r in ag} == {"error"}
PY
# i19-02: partialFingerprints survive an unrelated edit (a line added above)
cp examples/compose/long-syntax-unsafe.in.yaml "$TMP/fp.yaml"
$H --check --format sarif -q "$TMP/fp.yaml" >"$TMP/fp1.sarif"
{ printf '# a comment added above\n'; cat examples/compose/long-syntax-unsafe.in.yaml; } >"$TMP/fp.yaml"
$H --check --format sarif -q "$TMP/fp.yaml" >"$TMP/fp2.sarif"
/usr/bin/python3 - "$TMP/fp1.sarif" "$TMP/fp2.sarif" <<'PY' && t_pass "i19-02 SARIF fingerprints stable across an unrelated edit" || t_fail "i19-02 fingerprints"
import json, sys
a, b = ([r["partialFingerprints"]["harden/v1"] for r in json.load(open(p))["runs"][0]["results"]] for p in sys.argv[1:])
assert a and sorted(a) == sorted(b) and len(set(a)) == len(a), (a, b)
PY
# many kept choices in one file: folded in n log n, not n^2
/usr/bin/python3 -c "
import sys
with open(sys.argv[1], 'w') as f:
    f.write('services:\n')
    for i in range(20000):
        f.write(f'  s{i}:\n    image: nginx\n    ports: [\"{8000 + i % 1000}:80\"]\n')" "$TMP/many.yaml"
timeout 60 $H --check "$TMP/many.yaml" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 1 ] && [ "$(grep -c 'note: \[ports\]' "$TMP/e")" = 1 ] && grep -q 'and 19999 more like it' "$TMP/e" &&
	t_pass "i19-04 20,000 kept ports: one note, in bounded time" || t_fail "i19-04 many kept" "rc=$rc"

# i19-suppress-external: a policy file's skip: is an accepted finding, not an
# absent one: its transforms report (SARIF suppressions of kind external, JSON
# "suppression") without editing, writing or failing anything
case $H in /*) HA=$H ;; *) HA=$TOPDIR/$H ;; esac # (run from other directories)
mkdir -p "$TMP/sx"
printf 'skip: [run-as-non-root, secret-env]\n' >"$TMP/sx/.harden.yaml"
cp examples/k8s/init-containers.in.yaml "$TMP/sx/pod.yaml"
cp examples/compose/postgres.in.yaml "$TMP/sx/db.yaml"
(cd "$TMP/sx" && $HA -q pod.yaml db.yaml >"$TMP/sx.diff")
(cd "$TMP/sx" && $HA -q --format sarif --report "$TMP/sx.sarif" pod.yaml db.yaml >"$TMP/sx.diff2")
(cd "$TMP/sx" && $HA -q --format json pod.yaml db.yaml >"$TMP/sx.json")
(cd "$TMP/sx" && $HA -q --format markdown pod.yaml db.yaml >"$TMP/sx.md")
/usr/bin/python3 - "$TMP/sx.sarif" "$TMP/sx.json" "$SHARED/schemas/sarif-2.1.0.json" <<'PY' &&
import json, sys, jsonschema
sarif = json.load(open(sys.argv[1]))
jsonschema.validate(sarif, json.load(open(sys.argv[3])))
res = sarif["runs"][0]["results"]
ext = [r for r in res if any(s["kind"] == "external" for s in r.get("suppressions", []))]
assert {r["ruleId"] for r in ext} == {"run-as-non-root", "secret-env"}, {r["ruleId"] for r in ext}
assert all(r["suppressions"] == [{"kind": "external", "justification": "skip: in .harden.yaml"}]
           and "fixes" not in r and not r["properties"]["fixable"] for r in ext)
assert all(r["ruleId"] not in ("run-as-non-root", "secret-env") for r in res if r not in ext)
assert any(r["level"] == "error" and r["ruleId"] == "run-as-non-root" for r in ext)
sec = [r for r in ext if r["ruleId"] == "secret-env"]
assert sec and all("POSTGRES_PASSWORD" in r["message"]["text"] for r in sec), "names the variable"
rep = json.load(open(sys.argv[2]))
fs = [f for x in rep["files"] for f in x["findings"]]
je = [f for f in fs if f.get("suppression", {}).get("kind") == "external"]
assert len(je) == len(ext) and all(f["exemption"] and not f["applied"] and not f["needs_review"] for f in je)
assert rep["summary"]["suppressed"] == len(je)
PY
	cmp -s "$TMP/sx.diff" "$TMP/sx.diff2" && ! grep -q 'runAsNonRoot\|secretKeyRef\|secrets:' "$TMP/sx.diff" &&
	! grep -q 's3cr3t-pw' "$TMP/sx.sarif" "$TMP/sx.json" "$TMP/sx.md" &&
	grep -q 'finding(s) suppressed by `skip:` in a policy file' "$TMP/sx.md" && ! grep -q 'run-as-non-root\*\*' "$TMP/sx.md" &&
	t_pass "i19-suppress-external SARIF/JSON: skip: findings suppressed (external), diff unchanged, no secret value" ||
	t_fail "i19-suppress-external SARIF/JSON suppressions of a policy skip:"
# the gate and -i ignore them: after -i, --check --fail-on high passes
# though run-as-non-root's high findings are still listed, suppressed
(cd "$TMP/sx" && $HA -i -q pod.yaml db.yaml && cp pod.yaml db.yaml "$TMP/" &&
 $HA -i -q --format sarif pod.yaml db.yaml >"$TMP/sx-i.sarif" && cmp -s pod.yaml "$TMP/pod.yaml" && cmp -s db.yaml "$TMP/db.yaml" &&
 $HA --check --fail-on high -q --format sarif pod.yaml db.yaml >"$TMP/sx-c.sarif" 2>"$TMP/sx-c.err"); rc=$?
/usr/bin/python3 - "$TMP/sx-i.sarif" "$TMP/sx-c.sarif" <<'PY' && [ $rc -eq 0 ] && ! grep -q 'left unfixed' "$TMP/sx-c.err" &&
import json, sys
for p in sys.argv[1:]:
    res = json.load(open(p))["runs"][0]["results"]
    hi = [r for r in res if r["ruleId"] == "run-as-non-root" and r["level"] == "error"]
    assert hi and all(s["kind"] == "external" for r in hi for s in r["suppressions"]), p
PY
	t_pass "i19-suppress-external --check --fail-on high ignores suppressed results; -i writes nothing of them" ||
	t_fail "i19-suppress-external gate" "rc=$rc $(cat "$TMP/sx-c.err")"
# a --skip on the command line, or a transform outside only:, is this run's
# choice: not run, not reported
(cd "$TMP/sx" && $HA -q --skip run-as-non-root --format sarif pod.yaml >"$TMP/sx-s.sarif"
 printf 'only: [seccomp]\n' >.harden.yaml; $HA -q --format sarif pod.yaml >"$TMP/sx-o.sarif"
 printf 'only: [seccomp, run-as-non-root]\nskip: [run-as-non-root, secret-env]\n' >.harden.yaml
 $HA -q --format sarif db.yaml pod.yaml >"$TMP/sx-os.sarif")
/usr/bin/python3 - "$TMP/sx-s.sarif" "$TMP/sx-o.sarif" "$TMP/sx-os.sarif" <<'PY' &&
import json, sys
s, o, os_ = (json.load(open(p))["runs"][0]["results"] for p in sys.argv[1:])
assert not any(r.get("suppressions") for r in s + o)
assert {r["ruleId"] for r in os_ if r.get("suppressions")} == {"run-as-non-root"}
PY
	t_pass "i19-suppress-external --skip and only: are not suppressions; skip: within only: is" ||
	t_fail "i19-suppress-external --skip/only:"
$H --explain seccomp | grep -q "A policy file's skip: \[seccomp\] opts the files below it out" &&
	t_pass "i19-suppress-external --explain names the policy opt-out and its suppressed findings" ||
	t_fail "i19-suppress-external --explain"
