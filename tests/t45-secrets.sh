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
leak=0
for f in "$K" "$C"; do
	for mode in "" "--stdout" "--check" "--check --diff" "--unsafe-fixes"; do
		$H $mode "$f" >"$TMP/so" 2>"$TMP/se"
		if grep -qE 'hunter[0-9]-|AKIAZZZZ' "$TMP/so" "$TMP/se"; then leak=1; echo "  leak in: harden $mode $f"; fi
	done
done
[ $leak -eq 0 ] && t_pass "no secret value in stdout/stderr of any mode" || t_fail "secret values printed"

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

# the product reads no environment variable but the documented ones: no
# debugging switch may print documents (and their secrets) to a stream
envs=$(grep -rhoE 'getenv\("[A-Z_]+"\)' src transforms | sort -u | tr '\n' ' ')
if [ "$envs" = 'getenv("HARDEN_VERIFY_THREADS") getenv("NO_COLOR") ' ]; then
	t_pass "only documented environment variables are read"
else
	t_fail "only documented environment variables are read" "$envs"
fi
