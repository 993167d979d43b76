# t48-secrets-out.sh - what harden writes and prints about secrets: env-file
# syntax, masking everywhere, all-or-nothing writes, safe directories, one
# value per key across files, and what it tells the user (issues 22, 18)
RD="$PY tests/dotenv_read.py"
case $H in /*) HA=$H ;; *) HA=$TOPDIR/$H ;; esac # for runs in another directory
# names only, never values: a leak check prints which file, not what
leaks() { # pattern files...
	local p=$1; shift
	grep -lE "$p" "$@" 2>/dev/null | sed 's/^/  leak in: /'
}

# ---- i22-02: harden.env reads back as Compose read the value ------------
$RD --selftest >"$TMP/st" && t_pass "i22-02: the test's env-file reader gives compose-go's documented results" ||
	t_fail "i22-02: env-file reader self-test" "$(cat "$TMP/st")"
mkdir -p "$TMP/e2"
cat >"$TMP/e2/compose.yaml" <<'YAML'
services:
  app:
    image: example/app
    environment:
      API_KEY: |
        line1-envA
        INJECTED=evil
      API_TOKEN: a-envB #b
      AUTH_TOKEN: "  padded-envC  "
      SECRET_KEY: 'back\slash-envD\'
      DB_PASSWORD: 'it''s "q"-envE'
      APP_SECRET: "pa$$w-envF-$${HOME}"
      SESSION_SECRET: "tab\tthere-envG"
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: "pa$$w-envH"
YAML
cp "$TMP/e2/compose.yaml" "$TMP/e2/orig.yaml"
envj='{"HOME": "/home/t"}'
$H -i --secrets-out "$TMP/e2/out" "$TMP/e2/compose.yaml" >"$TMP/so" 2>"$TMP/se"; rc=$?
$RD --compose "$TMP/e2/orig.yaml" "$envj" >"$TMP/e2/want.json"
$RD "$TMP/e2/out/harden.env" "$envj" >"$TMP/e2/got.json" 2>"$TMP/e2/rd.err"
if [ $rc -eq 0 ] && $PY - "$TMP/e2/want.json" "$TMP/e2/got.json" "$TMP/e2/out/db-postgres-password" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
app = want["app"]
# every moved variable, and nothing else (no injected line)
assert sorted(got) == sorted(app), (sorted(got), sorted(app))
bad = [k for k in app if got[k] != app[k]]
assert not bad, bad  # names only
# the secret file holds what the container saw ($$ is one $)
assert open(sys.argv[3]).read() == want["db"]["POSTGRES_PASSWORD"], "secret file"
PY
then
	t_pass "i22-02: harden.env gives back, through Compose's env-file rules, each value as Compose read it (block scalar, ' #', blanks, backslashes, quotes, \$\$ and \${VAR}, tab); a secret file holds the interpolated value"
else
	t_fail "i22-02: harden.env round trip" "rc=$rc $(cat "$TMP/e2/rd.err")"
fi
leaks 'env[A-H]' "$TMP/so" "$TMP/se" "$TMP/e2/compose.yaml" >"$TMP/lk"
[ ! -s "$TMP/lk" ] && t_pass "i22-02: no value in the output or the hardened file" || t_fail "i22-02: values printed" "$(cat "$TMP/lk")"

# ---- i22-03: every detected credential is masked in every output --------
mkdir -p "$TMP/m"
cat >"$TMP/m/compose.yaml" <<'YAML'
x-common: &common
  environment: &env
    SHARED_PASSWORD: anch-mask1
services:
  web:
    image: example/web
    <<: *common
    x-harden: {skip: [secrets]}
    environment:
      <<: *env
      WEB_PASSWORD: exem-mask2   # was exem-mask2-old, then exem-mask2
  api:
    image: example/api
    <<: *common
    environment:
      API_KEY: moved-mask3 # moved-mask3 was here
      NOTE: "seen: moved-mask3"
YAML
cat >"$TMP/m/k8s.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {harden.dev/skip: secret-env}
spec:
  template:
    spec:
      containers:
      - name: web
        image: x
        env:
        - {name: DB_PASSWORD, value: "exem-mask4"}
        - {name: OTHER, value: "exem-mask4"}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: p
    image: x
    env:
    - name: TLS_KEY
      value: |
        -----BEGIN PRIVATE KEY-----
        multi-mask5-line-one
        multi-mask5-line-two
        -----END PRIVATE KEY-----
    - name: KEEP_ME
      value: "multi-mask5-line-two"
YAML
: >"$TMP/m/all"
for args in "" "--skip secret-env" "--check --diff" "--unsafe-fixes" "--color always" "-j2" \
	"--format json --report $TMP/m/r.json" "--format sarif --report $TMP/m/r.sarif" \
	"--format markdown --report $TMP/m/r.md" "--format json" "--format sarif" "--format markdown"; do
	# shellcheck disable=SC2086
	$H $args "$TMP/m/compose.yaml" "$TMP/m/k8s.yaml" >>"$TMP/m/all" 2>&1
	cat "$TMP/m"/r.* >>"$TMP/m/all" 2>/dev/null
done
mkdir -p "$TMP/m/sv" && cp "$TMP/m/compose.yaml" "$TMP/m/k8s.yaml" "$TMP/m/sv/"
$H -i --secrets-out "$TMP/m/sv/out" "$TMP/m/sv/compose.yaml" >>"$TMP/m/all" 2>&1
$H -i "$TMP/m/sv/k8s.yaml" >>"$TMP/m/all" 2>&1
leaks 'mask[0-9]' "$TMP/m/all" >"$TMP/lk"
if [ ! -s "$TMP/lk" ] && grep -q 'WEB_PASSWORD: \*\*\*\*\*\*\*\*   # was \*\*\*\*\*\*\*\*-old, then \*\*\*\*\*\*\*\*' "$TMP/m/all" &&
   grep -q '"seen: \*\*\*\*\*\*\*\*"' "$TMP/m/all"; then
	t_pass "i22-03: exempted, --skip'ed and anchored credentials, comments and other occurrences are masked in diffs, warnings, JSON, SARIF and Markdown"
else
	t_fail "i22-03: masking" "$(cat "$TMP/lk")"
fi
# a masked multi-line value stays as many lines: the patch is well formed
mkdir -p "$TMP/m/git" && cp "$TMP/m/k8s.yaml" "$TMP/m/git/k.yaml"
(cd "$TMP/m/git" && $HA --secrets-out s.yaml k.yaml 2>/dev/null >d.patch; git apply --numstat d.patch >n.out 2>n.err; echo $? >n.rc)
minus=$(grep -c '^-' "$TMP/m/git/d.patch")
if [ "$(cat "$TMP/m/git/n.rc")" = 0 ] && grep -q '^-        \*\*\*\*\*\*\*\*$' "$TMP/m/git/d.patch" &&
   [ "$(awk '$3 == "k.yaml" {print $2}' "$TMP/m/git/n.out")" = $((minus - 1)) ]; then
	t_pass "i22-03: a masked block scalar is masked line by line (git apply reads the patch; its counts hold)"
else
	t_fail "i22-03: masked multi-line value" "$(cat "$TMP/m/git/n.err")"
fi
# --stdout prints the file's content itself: documented as not masked
grep -q -- '--stdout.*not masked' README.md && t_pass "i22-03: README says --stdout is not masked" ||
	t_fail "i22-03: README on --stdout"

# ---- i22-04: all or nothing; a rerun goes through -----------------------
mkdir -p "$TMP/a4"
cat >"$TMP/a4/compose.yaml" <<'YAML'
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: first-rerun1
  db2:
    image: mysql:8
    environment:
      MYSQL_PASSWORD: second-rerun2
  app:
    image: example/app
    environment:
      API_KEY: third-rerun3
YAML
cp "$TMP/a4/compose.yaml" "$TMP/a4/orig.yaml"
mkdir -m 700 "$TMP/a4/s"; printf 'someone else\n' >"$TMP/a4/s/db2-mysql-password"; chmod 600 "$TMP/a4/s/db2-mysql-password"
$H -i --secrets-out "$TMP/a4/s" "$TMP/a4/compose.yaml" >"$TMP/so" 2>"$TMP/se"; rc=$?
if [ $rc -eq 2 ] && cmp -s "$TMP/a4/orig.yaml" "$TMP/a4/compose.yaml" &&
   [ "$(ls "$TMP/a4/s")" = db2-mysql-password ] && grep -q 'nothing was written' "$TMP/se" &&
   grep -q 'give --secrets-out another path (or move that file away), and rerun' "$TMP/se"; then
	t_pass "i22-04: one existing file refuses the whole write: no other file is left behind, the manifest is unchanged, the message says what a rerun needs"
else
	t_fail "i22-04: all or nothing" "rc=$rc $(ls "$TMP/a4/s" | tr '\n' ' ')"
fi
rm "$TMP/a4/s/db2-mysql-password"
$H -i --secrets-out "$TMP/a4/s" "$TMP/a4/compose.yaml" >"$TMP/so" 2>"$TMP/se"; rc=$?
[ $rc -eq 0 ] && [ "$(ls "$TMP/a4/s" | wc -l)" = 3 ] && ! cmp -s "$TMP/a4/orig.yaml" "$TMP/a4/compose.yaml" &&
	t_pass "i22-04: the rerun after removing it goes through" || t_fail "i22-04: rerun" "rc=$rc $(cat "$TMP/se")"
# a preview with --secrets-out, then -i: the files it wrote are the same
cp "$TMP/a4/orig.yaml" "$TMP/a4/p.yaml"
$H --secrets-out "$TMP/a4/p" "$TMP/a4/p.yaml" >/dev/null 2>&1; rc1=$?
$H -i --secrets-out "$TMP/a4/p" "$TMP/a4/p.yaml" >/dev/null 2>"$TMP/se"; rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && ! cmp -s "$TMP/a4/orig.yaml" "$TMP/a4/p.yaml" && grep -q 'already there' "$TMP/se" &&
	t_pass "i22-04: -i after a preview with the same --secrets-out goes through (files holding the very same values are kept)" ||
	t_fail "i22-04: preview then -i" "rc=$rc1/$rc2 $(cat "$TMP/se")"
# killed while writing the second file: the first one goes too
if [ -n "${INJECT:-}" ] && [ -f "$INJECT" ]; then
	PRE=$INJECT
	asan=$(ldd "$H" 2>/dev/null | awk '/libasan/ {print $3}')
	[ -n "$asan" ] && PRE="$asan:$INJECT"
	cp "$TMP/a4/orig.yaml" "$TMP/a4/k.yaml"
	{ LD_PRELOAD=$PRE HD_INJECT=signal HD_INJECT_PATH=db2-mysql-password \
		$H -i --secrets-out "$TMP/a4/k" "$TMP/a4/k.yaml" 2>/dev/null; rc=$?; } 2>/dev/null
	[ $rc -eq 143 ] && [ -z "$(ls -A "$TMP/a4/k" 2>/dev/null)" ] && cmp -s "$TMP/a4/orig.yaml" "$TMP/a4/k.yaml" &&
		t_pass "i22-04: killed while writing the second secret file: none is left, the manifest is unchanged" ||
		t_fail "i22-04: killed midway" "rc=$rc $(ls "$TMP/a4/k" 2>/dev/null | tr '\n' ' ')"
else
	t_fail "fault injection library missing (build it: make build/tests/libinject.so, or set INJECT=)"
fi

# ---- i22-05: a directory others control is refused ----------------------
mkdir -p "$TMP/d5"
cp "$TMP/a4/orig.yaml" "$TMP/d5/c.yaml"
mkdir -m 700 "$TMP/d5/real"; ln -s real "$TMP/d5/link"
mkdir "$TMP/d5/open"; chmod 777 "$TMP/d5/open"
mkdir -m 700 "$TMP/d5/other"; chown 65534 "$TMP/d5/other" 2>/dev/null
ok=1
for d in link open other; do
	[ $d = other ] && [ "$(stat -c %u "$TMP/d5/other")" = "$(id -u)" ] && continue # not root: no chown
	$H -i --secrets-out "$TMP/d5/$d" "$TMP/d5/c.yaml" >/dev/null 2>"$TMP/se"; rc=$?
	if [ $rc -ne 2 ] || ! cmp -s "$TMP/a4/orig.yaml" "$TMP/d5/c.yaml" || [ -n "$(ls -A "$TMP/d5/$d/")" ] ||
	   ! grep -q "cannot use the directory" "$TMP/se"; then
		ok=0; echo "  $d: rc=$rc $(cat "$TMP/se")"
	fi
done
$H -i --secrets-out "$TMP/d5/real" "$TMP/d5/c.yaml" >/dev/null 2>&1 && [ -s "$TMP/d5/real/harden.env" ] || ok=0
[ $ok = 1 ] && t_pass "i22-05: a --secrets-out directory that is a symbolic link, writable by others or another user's is refused; the user's own 0700 one is used" ||
	t_fail "i22-05: unsafe --secrets-out directory"

# ---- i22-01-files: one value per key across the files of a run ----------
mk() { # dir password
	mkdir -p "$1"
	printf 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: %s\n' "$2" >"$1/compose.yaml"
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: c, image: x, env: [{name: DB_PASSWORD, value: %s}]}\n' "$2" >"$1/pod.yaml"
}
for j in 1 2; do
	rm -rf "$TMP/f$j"; mk "$TMP/f$j/a" files-one1; mk "$TMP/f$j/b" files-two2; mk "$TMP/f$j/c" files-one1
	cp -r "$TMP/f$j" "$TMP/f$j.orig"
	(cd "$TMP/f$j" && $HA -j$j -i --secrets-out s . >out 2>err; echo $? >rc)
done
f=$TMP/f1
if [ "$(cat "$f/rc")" = 2 ] && cmp -s "$f.orig/b/compose.yaml" "$f/b/compose.yaml" && cmp -s "$f.orig/b/pod.yaml" "$f/b/pod.yaml" &&
   ! cmp -s "$f.orig/a/compose.yaml" "$f/a/compose.yaml" && ! cmp -s "$f.orig/c/pod.yaml" "$f/c/pod.yaml" &&
   [ "$(cat "$f/s/db-postgres-password")" = files-one1 ] && grep -q 'files-one1' "$f/s/secrets.yaml" && ! grep -q files-two2 "$f/s/secrets.yaml" &&
   grep -q "b/compose.yaml: error: not changed: Compose secret file 'db-postgres-password' would get another value than the one './a/compose.yaml'" "$f/err" &&
   grep -q "b/pod.yaml: error: not changed: Secret 'web-secrets' key 'DB_PASSWORD'" "$f/err" &&
   ! grep -q 'files-' "$f/err" "$f/out" && cmp -s "$TMP/f1/err" "$TMP/f2/err" && cmp -s "$TMP/f1/out" "$TMP/f2/out" &&
   diff -r -I '^    file: /' "$TMP/f1" "$TMP/f2" >/dev/null; then
	t_pass "i22-01-files: a later file giving a key another value is refused and unchanged, the same value is written once, -j1 and -j2 alike"
else
	t_fail "i22-01-files: values colliding across files" "$(cat "$f/rc") $(grep -c error "$f/err")"
fi

# ---- i18-02-messages: what was written, and what to do with it ----------
mkdir -p "$TMP/n"; cp "$TMP/a4/orig.yaml" "$TMP/n/c.yaml"; cp "$TMP/f1.orig/a/pod.yaml" "$TMP/n/p.yaml"
$H -i --secrets-out "$TMP/n/s" "$TMP/n/c.yaml" >/dev/null 2>"$TMP/n/e1"
$H -i --secrets-out "$TMP/n/k.yaml" "$TMP/n/p.yaml" >/dev/null 2>"$TMP/n/e2"
$H -q -i --secrets-out "$TMP/n/q" "$TMP/a4/p.yaml" >/dev/null 2>"$TMP/n/e3"
if grep -q "docker compose --env-file '$TMP/n/s/harden.env'" "$TMP/n/e1" &&
   grep -q "2 secret file(s) in '$TMP/n/s'" "$TMP/n/e1" &&
   grep -q "wrote '$TMP/n/k.yaml' (mode 0600) with Secret web-secrets" "$TMP/n/e2" &&
   grep -q "kubectl apply -f '$TMP/n/k.yaml'" "$TMP/n/e2" && [ ! -s "$TMP/n/e3" ] &&
   ! grep -qE 'rerun[0-9]|files-one' "$TMP/n/e1" "$TMP/n/e2"; then
	t_pass "i18-02-messages: -i --secrets-out says what it wrote where, that harden.env goes to docker compose --env-file, and kubectl apply for the Secrets"
else
	t_fail "i18-02-messages" "$(cat "$TMP/n/e1" "$TMP/n/e2")"
fi
