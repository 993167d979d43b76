# t45-secrets.sh - secret values: moved, written 0600 only on request, never printed
K=$TMP/sk.yaml
cat >"$K" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod}
spec:
  containers:
  - name: web
    image: x
    env:
    - {name: DB_PASSWORD, value: "hunter2-k8s-VALUE"}
    - {name: AWS_KEY_ID, value: AKIAZZZZZZZZZZZZZZZZ}
YAML
C=$TMP/sc.yaml
cat >"$C" <<'YAML'
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: hunter2-compose-VALUE
  app:
    image: example/app
    environment:
      - API_KEY=hunter3-interp-VALUE
YAML
leak=0 n=0 bad=0
for f in "$K" "$C"; do
	# --stdout prints the file: without --secrets-out the values stay in it
	for mode in "" "--check" "--check --diff" "--unsafe-fixes" "--format json" \
		    "--format sarif" "--format markdown" "--stdout --secrets-out $TMP/leak"; do
		n=$((n + 1))
		$H $mode "$f" >"$TMP/so" 2>"$TMP/se"; rc=$?
		if grep -qE 'hunter[0-9]-|AKIAZZZZ' "$TMP/so" "$TMP/se"; then leak=1; echo "  leak in: harden $mode $(basename "$f")"; fi
		# i21-05: a run that failed or found nothing proves no absence of
		# leaks: each mode must have run to its end and seen the secret
		want=0; case $mode in --check*) want=1 ;; esac
		if [ $rc -ne $want ] || [ ! -s "$TMP/so" ] ||
		   ! grep -q 'secret' "$TMP/so" "$TMP/se"; then
			bad=$((bad + 1)); echo "  harden $mode $(basename "$f"): exit $rc (want $want) or no secret finding"
		fi
		rm -rf "$TMP/leak" "$TMP/leak.d"
	done
done
[ $leak -eq 0 ] && [ $bad -eq 0 ] && [ $n -eq 16 ] && t_pass "i21-05 no secret value in stdout/stderr of any mode ($n runs, each ran to its end)" ||
	t_fail "secret values printed, or a mode did not run" "$bad of $n runs failed"

cp "$K" "$TMP/k2.yaml"; cp "$C" "$TMP/c2.yaml"
$H -i --secrets-out "$TMP/k.secrets.yaml" "$TMP/k2.yaml" >"$TMP/so" 2>"$TMP/se"; rc=$?
if [ $rc -eq 0 ] && [ "$(stat -c %a "$TMP/k.secrets.yaml")" = 600 ] &&
   grep -q 'hunter2-k8s-VALUE' "$TMP/k.secrets.yaml" && grep -q 'namespace: prod' "$TMP/k.secrets.yaml" &&
   ! grep -qE 'hunter|AKIAZ' "$TMP/k2.yaml" "$TMP/so" "$TMP/se" &&
   $PY -c "import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); assert d['kind']=='Secret' and d['stringData']['DB_PASSWORD']=='hunter2-k8s-VALUE' and d['stringData']['AWS_KEY_ID'].startswith('AKIA')" "$TMP/k.secrets.yaml"; then
	t_pass "k8s --secrets-out writes a 0600 Secret manifest"
else
	t_fail "k8s --secrets-out" "rc=$rc"
fi
# another value for the same Secret key: the file there is not ours to
# replace (the very same content would be: a rerun goes through, t48)
sed 's/hunter2-k8s-VALUE/hunter2-k8s-OTHER/' "$K" >"$TMP/k3.yaml"; cp "$TMP/k3.yaml" "$TMP/k3.orig"
$H -i --secrets-out "$TMP/k.secrets.yaml" "$TMP/k3.yaml" 2>"$TMP/se"; rc=$?
# the values could not be saved, so the manifest keeps them: nothing lost
[ $rc -eq 2 ] && grep -q 'never replaced' "$TMP/se" && grep -q 'hunter2-k8s-VALUE' "$TMP/k.secrets.yaml" &&
	! grep -q 'hunter2-k8s-OTHER' "$TMP/k.secrets.yaml" "$TMP/se" &&
	cmp -s "$TMP/k3.orig" "$TMP/k3.yaml" && grep -q 'k3.yaml: error: not changed: the secret values' "$TMP/se" &&
	t_pass "--secrets-out never overwrites (O_EXCL); the file whose values it could not save is left unchanged" ||
	t_fail "--secrets-out O_EXCL" "rc=$rc $(cat "$TMP/se")"
# killed while saving the values: no half-written secrets file, no changed manifest
if [ -n "${INJECT:-}" ] && [ -f "$INJECT" ]; then
	PRE=$INJECT
	asan=$(ldd "$H" 2>/dev/null | awk '/libasan/ {print $3}')
	[ -n "$asan" ] && PRE="$asan:$INJECT"
	cp "$K" "$TMP/k4.yaml"
	{ LD_PRELOAD=$PRE HD_INJECT=signal HD_INJECT_PATH=k4.secrets.yaml \
		$H -i --secrets-out "$TMP/k4.secrets.yaml" "$TMP/k4.yaml" 2>"$TMP/se"; rc=$?; } 2>/dev/null
	[ $rc -eq 143 ] && [ ! -e "$TMP/k4.secrets.yaml" ] && cmp -s "$K" "$TMP/k4.yaml" &&
		t_pass "--secrets-out killed while writing: no partial secrets file, manifest unchanged" ||
		t_fail "--secrets-out killed while writing" "rc=$rc $(ls "$TMP")"
else
	t_fail "fault injection library missing (build it: make build/tests/libinject.so, or set INJECT=)"
fi

mkdir -p "$TMP/proj"; cp "$C" "$TMP/proj/compose.yaml"
$H -i --secrets-out "$TMP/proj/secrets" "$TMP/proj/compose.yaml" >"$TMP/so" 2>"$TMP/se"; rc=$?
if [ $rc -eq 0 ] && [ "$(stat -c %a "$TMP/proj/secrets/db-postgres-password")" = 600 ] &&
   [ "$(cat "$TMP/proj/secrets/db-postgres-password")" = hunter2-compose-VALUE ] &&
   [ "$(stat -c %a "$TMP/proj/secrets/harden.env")" = 600 ] &&
   grep -qx "API_KEY='hunter3-interp-VALUE'" "$TMP/proj/secrets/harden.env" &&
   grep -q 'file: ./secrets/db-postgres-password' "$TMP/proj/compose.yaml" &&
   ! grep -q hunter "$TMP/proj/compose.yaml" "$TMP/so" "$TMP/se"; then
	t_pass "compose --secrets-out writes 0600 secret files and harden.env"
else
	t_fail "compose --secrets-out" "rc=$rc $(cat "$TMP/se")"
fi

# i18-01: without --secrets-out nothing moves, in any mode: -i keeps the value
# and says how to move it, --check agrees afterwards, the rerun saves it
ok=1
for f in "$K" "$C"; do
	b=$(basename "$f" .yaml); mkdir -p "$TMP/i1$b"; cp "$f" "$TMP/i1$b/x.yaml"
	$H -i "$TMP/i1$b/x.yaml" >/dev/null 2>"$TMP/se" || ok=0
	grep -q 'hunter2-' "$TMP/i1$b/x.yaml" || { ok=0; echo "  $b: -i without --secrets-out removed the value"; }
	grep -q 'not moved.*rerun with --secrets-out' "$TMP/se" || { ok=0; echo "  $b: no finding says how to move it"; }
	$H -q --check "$TMP/i1$b/x.yaml" || { ok=0; echo "  $b: --check disagrees with -i"; }
	$H -i --secrets-out "$TMP/i1$b/sec" "$TMP/i1$b/x.yaml" >/dev/null 2>&1 || ok=0
	grep -rq 'hunter2-' "$TMP/i1$b/sec" || { ok=0; echo "  $b: the rerun saved nothing"; }
	! grep -q 'hunter' "$TMP/i1$b/x.yaml" || { ok=0; echo "  $b: the rerun left the value"; }
done
[ $ok -eq 1 ] && t_pass "i18-01 no run removes the only copy of a value; -i and --check agree" ||
	t_fail "i18-01 no run removes the only copy of a value"

# i18-02: the file: path of a Compose secret is found from the Compose file's
# directory, however harden was called
case $H in /*) HA=$H ;; *) HA=$PWD/$H ;; esac # for runs in other directories
ok=1
# the last argument's directory as Compose sees it: proj or link
i2() { local d=$5; set -- "$1" "$2" "$3" "$4"; i2_dir=$d; i2_case "$@"; }
i2_case() { # name, dir to run in, --secrets-out DIR, compose file argument (dir as seen: $i2_dir)
	local n=$1 at=$2 out=$3 arg=$4 p f
	rm -rf "$TMP/i2"; mkdir -p "$TMP/i2/proj/sub" "$TMP/i2/outside"
	ln -s proj "$TMP/i2/link"
	printf 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2-path-VALUE\n' \
		>"$TMP/i2/proj/compose.yaml"
	(cd "$TMP/i2/$at" && $HA -i --secrets-out "$out" "$arg" >/dev/null 2>&1) || { echo "  $n: harden failed"; return 1; }
	f=$(sed -n 's/^ *file: //p' "$TMP/i2/proj/compose.yaml")
	case $f in /*) p=$f ;; *) p=$($PY -c 'import os,sys; print(os.path.normpath(os.path.join(sys.argv[1], sys.argv[2])))' "$TMP/i2/$i2_dir" "$f") ;; esac
	[ "$(cat "$p" 2>/dev/null)" = hunter2-path-VALUE ] || { echo "  $n: file: $f is not where the secret is"; return 1; }
	case $n in inside*) [ "${f#./sec/}" != "$f" ] || { echo "  $n: file: $f, expected ./sec/..."; return 1; } ;; esac
}
i2 "inside, relative DIR" proj sec compose.yaml proj || ok=0
i2 "inside, ./compose.yaml" proj ./sec ./compose.yaml proj || ok=0
i2 "inside, file in another directory" . proj/sec proj/compose.yaml proj || ok=0
i2 "inside, absolute DIR" . "$TMP/i2/proj/sec" "$TMP/i2/proj/compose.yaml" proj || ok=0
i2 "inside, .. components" proj/sub ../sub/../sec ../compose.yaml proj || ok=0
i2 "inside, symlinked cwd" link sec compose.yaml link || ok=0
i2 "inside, file through a symlink" . link/sec link/compose.yaml link || ok=0
i2 "outside, relative DIR" proj ../outside compose.yaml proj || ok=0
i2 "outside, symlinked cwd" link ../outside compose.yaml link || ok=0
i2 "outside, absolute DIR" proj/sub "$TMP/i2/outside" ../compose.yaml proj || ok=0
[ $ok -eq 1 ] && t_pass "i18-02 Compose secret file: paths resolve from the Compose file's directory" ||
	t_fail "i18-02 Compose secret file: paths"

# i18-05: new keys go to a Secret harden owns, never to one the pod (or the
# file) already names: the katib case, a volume, a Secret in a later document
cat >"$TMP/i5.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: katib-mysql, namespace: kubeflow}
spec:
  template:
    spec:
      containers:
      - name: katib-mysql
        image: mysql:8
        env:
        - name: MYSQL_ROOT_PASSWORD
          valueFrom: {secretKeyRef: {name: katib-mysql-secrets, key: MYSQL_ROOT_PASSWORD}}
        - name: MYSQL_PASSWORD
          value: hunter5-katib-VALUE
---
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
  - name: api
    image: x
    env: [{name: API_TOKEN, value: hunter5-api-VALUE}]
  volumes: [{name: s, secret: {secretName: api-secrets}}]
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - {name: web, image: x, env: [{name: DB_PASSWORD, value: hunter5-web-VALUE}]}
---
apiVersion: v1
kind: Secret
metadata: {name: web-secrets}
stringData: {OTHER: x}
YAML
$H -i --secrets-out "$TMP/i5.s.yaml" "$TMP/i5.yaml" >/dev/null 2>&1; rc=$?
if [ $rc -eq 0 ] && $PY - "$TMP/i5.yaml" "$TMP/i5.s.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
sec = {d["metadata"]["name"]: d["stringData"] for d in yaml.safe_load_all(open(sys.argv[2])) if d}
assert not {"katib-mysql-secrets", "api-secrets", "web-secrets"} & set(sec), sorted(sec)
want = {"MYSQL_PASSWORD": "hunter5-katib-VALUE", "API_TOKEN": "hunter5-api-VALUE", "DB_PASSWORD": "hunter5-web-VALUE"}
for d in docs:
    if d["kind"] == "Secret":
        continue
    spec = d["spec"]["template"]["spec"] if d["kind"] == "Deployment" else d["spec"]
    for e in spec["containers"][0]["env"]:
        if e["name"] in want:
            ref = e["valueFrom"]["secretKeyRef"]
            assert sec[ref["name"]][ref["key"]] == want[e["name"]], e["name"]
PY
then
	t_pass "i18-05 moved values go to a Secret no pod or document of the file names"
else
	t_fail "i18-05 moved values go to a Secret harden owns" "rc=$rc"
fi

# i22-01: one file, colliding names: two containers of a pod, a Pod and a
# Deployment of one name, two Compose services; every value keeps its own key
cat >"$TMP/i22.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: a, image: x, env: [{name: DB_PASSWORD, value: hunter22-one}]}
  - {name: b, image: x, env: [{name: DB_PASSWORD, value: hunter22-two}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: p}
spec:
  template:
    spec:
      containers:
      - {name: a, image: x, env: [{name: DB_PASSWORD, value: hunter22-three}]}
      - {name: c, image: x, env: [{name: DB_PASSWORD, value: hunter22-one}]}
YAML
mkdir -p "$TMP/i22c"
printf 'services:\n  a:\n    image: x\n    environment: [DB_PASSWORD=hunter22-ka]\n  b:\n    image: x\n    environment: {DB_PASSWORD: hunter22-kb}\n  c:\n    image: x\n    environment: {DB_PASSWORD: hunter22-ka}\n' >"$TMP/i22c/compose.yaml"
$H -i --secrets-out "$TMP/i22.s.yaml" "$TMP/i22.yaml" >/dev/null 2>&1; rc=$?
(cd "$TMP/i22c" && $HA -i --secrets-out sec compose.yaml >/dev/null 2>&1) || rc=$?
if [ $rc -eq 0 ] && $PY - "$TMP/i22.yaml" "$TMP/i22.s.yaml" "$TMP/i22c" <<'PY'
import re, sys, yaml
sec = next(yaml.safe_load_all(open(sys.argv[2])))["stringData"]
assert sorted(sec.values()) == ["hunter22-one", "hunter22-three", "hunter22-two"], "k8s stored"
want = iter(["hunter22-one", "hunter22-two", "hunter22-three", "hunter22-one"])
for d in yaml.safe_load_all(open(sys.argv[1])):
    spec = d["spec"]["template"]["spec"] if d["kind"] == "Deployment" else d["spec"]
    for c in spec["containers"]:
        assert sec[c["env"][0]["valueFrom"]["secretKeyRef"]["key"]] == next(want), c["name"]
env = {k: v[1:-1] if v[:1] == v[-1:] == "'" else v  # env-file quoting (i22-02)
       for k, v in (l.split("=", 1) for l in open(sys.argv[3] + "/sec/harden.env").read().splitlines())}
assert sorted(env.values()) == ["hunter22-ka", "hunter22-kb"], "compose stored"
svcs = yaml.safe_load(open(sys.argv[3] + "/compose.yaml"))["services"]
for s, v in (("a", "hunter22-ka"), ("b", "hunter22-kb"), ("c", "hunter22-ka")):
    e = svcs[s]["environment"]
    e = dict(x.split("=", 1) for x in e) if isinstance(e, list) else e
    assert env[re.fullmatch(r"\$\{(\w+):\?.*\}", e["DB_PASSWORD"]).group(1)] == v, s
PY
then
	t_pass "i22-01 colliding names within one file: each distinct value its own key or variable"
else
	t_fail "i22-01 colliding names within one file" "rc=$rc"
fi

# the product reads no environment variable but the documented ones: no
# debugging switch may print documents (and their secrets) to a stream
envs=$(grep -rhoE 'getenv\("[A-Z_]+"\)' src transforms | sort -u | tr '\n' ' ')
if [ "$envs" = 'getenv("HARDEN_IMAGE_PROFILES") getenv("HARDEN_INSECURE_REGISTRIES") getenv("HARDEN_VERIFY_THREADS") getenv("NO_COLOR") ' ]; then
	t_pass "only documented environment variables are read"
else
	t_fail "only documented environment variables are read" "$envs"
fi
