# t46-secret-detector.sh - secrets are decided by name and value together
# (issue 18 item 4, issue 22 item 6).  The labelled set (corpus entries by
# file and name, plus tests/data/secrets/synthetic.tsv) goes through
# hd_secret_credential() by way of tests/tools/secret_verdict (VERDICT=...;
# built against another libharden.a it shows that library's verdicts), then
# a few of its entries through the harden binary.  Names only are printed.
VERDICT=${VERDICT:-build/tests/secret_verdict}
VERDICT=$VERDICT SHARED=$SHARED $PY tests/secret_detector.py >"$TMP/det.out" 2>&1
while IFS= read -r line; do
	case $line in
	"ok "*) t_pass "${line#ok }" ;;
	"fail "*) l=${line#fail }; t_fail "${l%%	*}" "${l#*	}" ;;
	"note "*) echo "  ${line#note }" ;;
	*) t_fail "i18-04: secret_detector.py" "$line" ;;
	esac
done <"$TMP/det.out"
grep -q '^[a-z]* i18-04: no look-alike moved' "$TMP/det.out" || t_fail "i18-04: the labelled set was checked"

# The harden binary: the issue's look-alikes stay, an empty user's URL
# password (i22-06) and a *_PWD password move, and no value is printed.
cat >"$TMP/d.yaml" <<'YAML'
services:
  app:
    image: example/app
    environment:
      MYSQL_ALLOW_EMPTY_PASSWORD: "true"
      SECRET_NAME: kserve-webhook-server-cert
      PHOTOPRISM_PASSWORD_RESET_URI: https://photos.example.com/auth/reset
      REDIS_URL: redis://:i22-06-VALUE@redis:6379
      POSTGRES_PWD: t46pwd-VALUE
YAML
cat >"$TMP/d-k8s.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: x
    env:
    - {name: MYSQL_ALLOW_EMPTY_PASSWORD, value: "yes"}
    - {name: SECRET_NAME, value: kserve-webhook-server-cert}
    - {name: PHOTOPRISM_PASSWORD_RESET_URI, value: "https://photos.example.com/auth/reset"}
    - {name: REDIS_URL, value: "redis://:i22-06-VALUE@redis:6379"}
    - {name: POSTGRES_PWD, value: t46pwd-VALUE}
YAML
for f in d d-k8s; do
	# with a place to save values (without one, nothing moves: i18-01)
	rm -rf "$TMP/$f.sec"
	sec="$TMP/$f.sec"; [ "$f" = d-k8s ] && sec="$TMP/$f.sec.yaml"
	$H --stdout --secrets-out "$sec" "$TMP/$f.yaml" >"$TMP/$f.out" 2>"$TMP/$f.err"; rc=$?
	if grep -q -e 'i22-06-VALUE' -e 't46pwd-VALUE' "$TMP/$f.err"; then
		leaked=yes
	else
		leaked=no
	fi
	# NAME=stayed|moved for each variable, from the output
	$PY - "$TMP/$f.yaml" "$TMP/$f.out" >"$TMP/$f.moves" <<'PYEOF'
import sys, yaml
def env(p):
    d = yaml.safe_load(open(p))
    if "services" in d:
        return {k: str(v) for k, v in d["services"]["app"]["environment"].items()}
    return {e["name"]: e.get("value") for e in d["spec"]["containers"][0]["env"]}
a, b = env(sys.argv[1]), env(sys.argv[2])
for k in a:
    print(f"{k}={'stayed' if a[k] == b.get(k) else 'moved'}")
PYEOF
	want="MYSQL_ALLOW_EMPTY_PASSWORD=stayed
SECRET_NAME=stayed
PHOTOPRISM_PASSWORD_RESET_URI=stayed
REDIS_URL=moved
POSTGRES_PWD=moved"
	got=$(cat "$TMP/$f.moves")
	[ "$rc" -le 1 ] && [ "$(echo "$got" | grep -c '^MYSQL\|^SECRET_NAME\|^PHOTO' | tr -d ' ')" = 3 ] &&
		echo "$got" | grep -qx 'MYSQL_ALLOW_EMPTY_PASSWORD=stayed' &&
		echo "$got" | grep -qx 'SECRET_NAME=stayed' &&
		echo "$got" | grep -qx 'PHOTOPRISM_PASSWORD_RESET_URI=stayed' &&
		t_pass "i18-04: harden leaves the issue's look-alikes in env ($f)" ||
		t_fail "i18-04: harden leaves the issue's look-alikes in env ($f)" "rc=$rc $(echo $got)"
	echo "$got" | grep -qx 'REDIS_URL=moved' && [ $leaked = no ] &&
		! grep -q 'i22-06-VALUE' "$TMP/$f.out" &&
		t_pass "i22-06: harden moves redis://:password@host, value never printed ($f)" ||
		t_fail "i22-06: harden moves redis://:password@host ($f)" "printed=$leaked $(echo $got)"
	echo "$got" | grep -qx 'POSTGRES_PWD=moved' &&
		t_pass "i18-04: harden moves a *_PWD password ($f)" ||
		t_fail "i18-04: harden moves a *_PWD password ($f)" "$(echo $got)"
	[ "$got" = "$want" ] || echo "  $f: $(echo $got)"
done
