# t26-i20-dockerfile-corpus.sh - real Dockerfiles (tests/data/dockerfiles,
# provenance in SOURCES.tsv) and the examples: harden's parser reads each as an
# independent reading does (tests/dockerfile_oracle.py, after BuildKit's
# parser), a run with no edit leaves every byte, the full hardening verifies,
# reads back the same way and changes nothing on a second run (issue 20)
DD=tests/data/dockerfiles
ORACLE="/usr/bin/python3 tests/dockerfile_oracle.py"
mapfile -t files < <(ls "$DD" | grep -v -e '^SOURCES.tsv$' -e '^README.md$' | sort)
n=${#files[@]}
# the corpus is whole: at least 50 files, each with its provenance
miss=""
for f in "${files[@]}"; do
	grep -q "^$f	[^	]*/[^	]*	[^	]*	[0-9a-f]\{40\}	" "$DD/SOURCES.tsv" || miss="$miss $f"
done
rows=$(($(wc -l <"$DD/SOURCES.tsv") - 1))
[ "$n" -ge 50 ] && [ -z "$miss" ] && [ "$rows" -eq "$n" ] &&
	t_pass "i20 corpus: $n real Dockerfiles, each in SOURCES.tsv" ||
	t_fail "i20 corpus" "$n files, $rows rows; no provenance:$miss"

bad="" nid=0 nch=0
# (make test: every HD_SAMPLE-th corpus file; CI: all of them)
mapfile -t paths < <(corpus_sample $(printf "$DD/%s\n" "${files[@]}"); ls examples/dockerfile/*.in.Dockerfile | grep -v /bad-)
for p in "${paths[@]}"; do
	cp "$p" "$TMP/Dockerfile"
	# the same instruction list as the independent reading
	if ! $DFDUMP "$TMP/Dockerfile" >"$TMP/mine" 2>"$TMP/err" ||
		! $ORACLE "$TMP/Dockerfile" >"$TMP/theirs" 2>>"$TMP/err" ||
		! cmp -s "$TMP/mine" "$TMP/theirs"; then
		bad="$bad
    $p: parse differs: $(diff "$TMP/mine" "$TMP/theirs" | head -3 | tr '\n' ' ')$(head -c 200 "$TMP/err")"
		continue
	fi
	# no edit: every byte as it was
	$H --only image-checks -q --stdout "$TMP/Dockerfile" >"$TMP/same" 2>"$TMP/err" &&
		cmp -s "$TMP/same" "$p" && nid=$((nid + 1)) ||
		bad="$bad
    $p: not identical without edits"
	# all passes: verified output that reads back alike and is a fixed point
	if ! $H --unsafe-fixes -q --stdout "$TMP/Dockerfile" >"$TMP/out" 2>"$TMP/err"; then
		bad="$bad
    $p: hardening failed: $(head -c 300 "$TMP/err")"
		continue
	fi
	cmp -s "$TMP/out" "$p" || nch=$((nch + 1))
	cp "$TMP/out" "$TMP/Dockerfile"
	$DFDUMP "$TMP/Dockerfile" >"$TMP/mine" 2>/dev/null && $ORACLE "$TMP/Dockerfile" >"$TMP/theirs" 2>/dev/null &&
		cmp -s "$TMP/mine" "$TMP/theirs" || bad="$bad
    $p: the hardened file reads differently"
	$H --unsafe-fixes -q --check "$TMP/Dockerfile" >/dev/null 2>&1 || bad="$bad
    $p: a second run changes it"
done
[ -z "$bad" ] && t_pass "i20 corpus and examples (${#paths[@]} files): parse as BuildKit, $nid identical without edits, $nch hardened and stable" ||
	t_fail "i20 corpus" "$bad"

# Compose build: names the Dockerfile, whatever it is called; a walk finds it once
mkdir -p "$TMP/cb/app/docker"
printf 'services:\n  web:\n    build:\n      context: ./app\n      dockerfile: docker/web.df\n  api:\n    build: ./app\n' >"$TMP/cb/compose.yaml"
printf 'FROM debian:bookworm-slim\nCMD ["x"]\n' >"$TMP/cb/app/docker/web.df"
printf 'FROM debian:bookworm-slim\nADD a /a\n' >"$TMP/cb/app/Dockerfile"
$H -q "$TMP/cb/compose.yaml" >"$TMP/o" 2>&1
$H -q -j2 "$TMP/cb" >"$TMP/o2" 2>&1
[ "$(grep -c '^+++ .*web.df' "$TMP/o")" = 1 ] && [ "$(grep -c '^+++ .*app/Dockerfile' "$TMP/o")" = 1 ] &&
	[ "$(grep -c '^+++ .*web.df' "$TMP/o2")" = 1 ] && [ "$(grep -c '^+++ .*app/Dockerfile' "$TMP/o2")" = 1 ] &&
	t_pass "i20 Compose build: Dockerfiles hardened once, named or walked" ||
	t_fail "i20 Compose build" "$(cat "$TMP/o" "$TMP/o2" | grep '^+++')"

# -i and --check on a Dockerfile; bad input: file:line:col, exit 2, untouched
mkdir -p "$TMP/d1"
cp examples/dockerfile/apt.in.Dockerfile "$TMP/d1/Dockerfile"
$H --check -q "$TMP/d1/Dockerfile" >/dev/null; r1=$?
$H -i -q "$TMP/d1/Dockerfile"; r2=$?
cmp -s "$TMP/d1/Dockerfile" examples/dockerfile/apt.out.Dockerfile; r3=$?
$H --check -q "$TMP/d1/Dockerfile" >/dev/null; r4=$?
cp examples/dockerfile/bad-unknown.in.Dockerfile "$TMP/d1/Dockerfile"
$H -i "$TMP/d1/Dockerfile" 2>"$TMP/e"; r5=$?
[ "$r1$r2$r3$r4$r5" = 10002 ] && cmp -s "$TMP/d1/Dockerfile" examples/dockerfile/bad-unknown.in.Dockerfile &&
	grep -q "Dockerfile:3:1: error: unknown instruction 'COPPY'" "$TMP/e" &&
	t_pass "i20 -i, --check, and bad input left alone with file:line:col" ||
	t_fail "i20 -i/--check" "rc $r1$r2$r3$r4$r5 $(cat "$TMP/e")"

# a secret in ENV never shows: not in the diff, the findings or the reports
cp examples/dockerfile/secrets.in.Dockerfile "$TMP/d1/Dockerfile"
$H --unsafe-fixes "$TMP/d1/Dockerfile" >"$TMP/o" 2>"$TMP/e"
$H --format json --report "$TMP/r.json" --check "$TMP/d1/Dockerfile" >/dev/null 2>&1
$H --format sarif --report "$TMP/r.sarif" --check "$TMP/d1/Dockerfile" >/dev/null 2>&1
leak=""
for v in npm_5bq0TUJfR4XvPz9cKd2hW1mYaLr8sEo3gN7i 's3cr3t-Pa55w0rd!' wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY; do
	grep -qF -- "$v" "$TMP/o" "$TMP/e" "$TMP/r.json" "$TMP/r.sarif" && leak="$leak $v"
done
[ -z "$leak" ] && grep -q 'findings left: 3 high' "$TMP/e" &&
	t_pass "i20 build secrets reported, never printed" ||
	t_fail "i20 build secrets" "leaked:$leak $(grep -c build-secrets "$TMP/e")"

# --unsafe-fixes --secrets-out: each value in its file, exactly; the RUNs
# after it mount it; never printed; -i then --check: nothing more to do
cp examples/dockerfile/secrets-move.in.Dockerfile "$TMP/d1/Dockerfile"
$H --unsafe-fixes --secrets-out "$TMP/sec" -i "$TMP/d1/Dockerfile" >"$TMP/o" 2>"$TMP/e"; r1=$?
$H --unsafe-fixes --secrets-out "$TMP/sec" --check "$TMP/d1/Dockerfile" >/dev/null 2>&1; r2=$?
[ "$r1$r2" = 00 ] && [ "$(cat "$TMP/sec/npm-token")" = npm_5bq0TUJfR4XvPz9cKd2hW1mYaLr8sEo3gN7i ] &&
	[ "$(stat -c %a "$TMP/sec/npm-token")" = 600 ] &&
	grep -q '^SENTRY_AUTH_TOKEN\|^sntrys_' "$TMP/sec/sentry-auth-token" &&
	[ "$(grep -c 'mount=type=secret,id=npm-token,env=NPM_TOKEN' "$TMP/d1/Dockerfile")" = 2 ] &&
	! grep -q 'npm_5bq0\|sntrys_' "$TMP/d1/Dockerfile" "$TMP/o" "$TMP/e" &&
	t_pass "i20 build secrets moved to secret mounts, values saved, never printed" ||
	t_fail "i20 build secrets moved" "rc $r1$r2 $(cat "$TMP/e")"

# reports: a Dockerfile's findings in SARIF (rule per pass, line of the
# instruction) and JSON like a manifest's
cp examples/dockerfile/apt.in.Dockerfile "$TMP/d1/Dockerfile"
$H --check --format sarif --report "$TMP/df.sarif" "$TMP/d1/Dockerfile" >/dev/null 2>&1
$H --check --format json --report "$TMP/df.json" "$TMP/d1/Dockerfile" >/dev/null 2>&1
/usr/bin/python3 - "$TMP/df.sarif" "$TMP/df.json" <<'PY' && t_pass "i20 SARIF and JSON reports of a Dockerfile" || t_fail "i20 reports"
import json, sys
s = json.load(open(sys.argv[1]))
res = s["runs"][0]["results"]
rules = {r["ruleId"] for r in res}
lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in res}
assert "package-hygiene" in rules and "dockerfile-user" not in rules, rules
assert 2 in lines and 8 in lines, lines
j = json.load(open(sys.argv[2]))
assert "package-hygiene" in json.dumps(j)
PY
