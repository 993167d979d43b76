# t66-i20-pin-images.sh - --pin-images against a real registry on 127.0.0.1
# (Debian's docker-registry, images pushed with skopeo), a fake registry that
# wants an anonymous Bearer token, and --digests offline (issue 20). Never
# the internet: every registry here listens on 127.0.0.1.
PR="$PY $TOPDIR/tests/pin_registry.py"
REG_PID= FAKE_PID=
pin_cleanup() {
	[ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap pin_cleanup EXIT

# ---- --digests: offline, short and normalised names alike -----------------
D1=1111111111111111111111111111111111111111111111111111111111111111
D2=2222222222222222222222222222222222222222222222222222222222222222
cat >"$TMP/digests" <<EOF
# name:tag digest
nginx:1.25 sha256:$D1
docker.io/library/redis:latest   sha256:$D2
EOF
cat >"$TMP/off.yaml" <<'YAML'
services:
  web:
    image: docker.io/library/nginx:1.25 # front
  cache:
    image: "redis"
  dyn:
    image: ${IMAGE:-nginx}
YAML
$H --digests "$TMP/digests" --only image-refs -i -q "$TMP/off.yaml"; rc=$?
if [ $rc = 0 ] && grep -qx "    image: docker.io/library/nginx:1.25@sha256:$D1 # front" "$TMP/off.yaml" &&
	grep -qx "    image: \"redis@sha256:$D2\"" "$TMP/off.yaml" &&
	grep -qx '    image: ${IMAGE:-nginx}' "$TMP/off.yaml"; then
	t_pass "i20 --digests pins short and normalised names, quoting kept, \${VAR} left"
else
	t_fail "i20 --digests" "rc=$rc $(cat "$TMP/off.yaml")"
fi
cp "$TMP/off.yaml" "$TMP/off.before"
$H --digests "$TMP/digests" --only image-refs --check "$TMP/off.yaml" >/dev/null 2>&1 &&
	cmp -s "$TMP/off.yaml" "$TMP/off.before" &&
	t_pass "i20 --digests second run changes nothing" || t_fail "i20 --digests second run"
printf 'services:\n  a:\n    image: nginx:1.26\n' >"$TMP/off2.yaml"
cp "$TMP/off2.yaml" "$TMP/off2.before"
$H --digests "$TMP/digests" -i "$TMP/off2.yaml" 2>"$TMP/e"; rc=$?
[ $rc = 2 ] && grep -q "off2.yaml:3:12: error: cannot pin image 'nginx:1.26': docker.io/library/nginx:1.26 is not in" "$TMP/e" &&
	cmp -s "$TMP/off2.yaml" "$TMP/off2.before" &&
	t_pass "i20 --digests: an image not listed is an error naming it, file untouched" ||
	t_fail "i20 --digests missing image" "rc=$rc $(cat "$TMP/e")"
printf 'nginx:1 sha256:%s\nredis:7 sha256:abc\n' "$D1" >"$TMP/bad-digests"
$H --digests "$TMP/bad-digests" "$TMP/off2.yaml" 2>"$TMP/e"; rc=$?
[ $rc = 2 ] && grep -q "bad-digests:2:9: error: not a digest" "$TMP/e" &&
	t_pass "i20 --digests: a bad line is an error at its place" ||
	t_fail "i20 --digests bad line" "rc=$rc $(cat "$TMP/e")"

# ---- findings without --pin-images -------------------------------------------
cat >"$TMP/find.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
      - {name: init, image: busybox}
      containers:
      - {name: web, image: "nginx:latest"}
      - {name: ok, image: nginx:1.25}
      - {name: tpl, image: "{{ .Values.image }}"}
YAML
$H --only image-refs --format json "$TMP/find.yaml" >"$TMP/j" 2>/dev/null
$PY - "$TMP/j" <<'PY' && t_pass "i20 findings: untagged and latest medium, tagged and templates none" || t_fail "i20 findings" "$(cat "$TMP/j")"
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for r in d["files"] for x in r["findings"] if x["transform"] == "image-refs"]
got = sorted((x["container"], x["severity"], x["applied"]) for x in f)
assert got == [("init", "medium", False), ("web", "medium", False)], got
PY

# ---- a real registry: docker-registry + skopeo --------------------------------
if ! command -v docker-registry >/dev/null || ! command -v skopeo >/dev/null; then
	echo "##################################################################"
	echo "## docker-registry or skopeo missing: --pin-images against a     ##"
	echo "## registry CANNOT RUN (make deps-test installs both)            ##"
	echo "##################################################################"
	t_fail "i20 docker-registry and skopeo installed" "$(command -v docker-registry skopeo)"
	return 0 2>/dev/null || exit 0
fi
PORT=$($PR port)
mkdir -p "$TMP/reg"
cat >"$TMP/reg.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $TMP/reg
http:
  addr: 127.0.0.1:$PORT
EOF
/usr/bin/docker-registry serve "$TMP/reg.yml" >"$TMP/reg.log" 2>&1 &
REG_PID=$!
if ! $PR wait "$PORT" 10; then
	t_fail "i20 docker-registry starts" "$(tail -5 "$TMP/reg.log")"
	return 0 2>/dev/null || exit 0
fi
R=127.0.0.1:$PORT
ok=1
for it in web:1.0 team/api:2 tools:latest team/api:3; do
	name=${it%%:*} tag=${it#*:}
	$PR oci "$TMP/oci-${name//\//-}" "$tag" "$it" || ok=0
	skopeo copy -q --insecure-policy --dest-tls-verify=false \
		"oci:$TMP/oci-${name//\//-}:$tag" "docker://$R/$name:$tag" >"$TMP/sk.log" 2>&1 ||
		{ ok=0; cat "$TMP/sk.log"; }
done
[ $ok = 1 ] && t_pass "i20 images built as OCI layouts and pushed with skopeo" ||
	t_fail "i20 skopeo push"
digest() { skopeo inspect --tls-verify=false --raw "docker://$R/$1" | sha256sum | cut -d' ' -f1; }
DW=$(digest web:1.0) DA=$(digest team/api:2) DT=$(digest tools:latest) DA3=$(digest team/api:3)
cat >"$TMP/pod.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: stack
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: "$R/team/api:2"
      containers:
      - name: web
        image: $R/web:1.0   # the front
      - name: again
        image: $R/web:1.0
      ephemeralContainers:
      - name: debug
        image: '$R/tools'
EOF
cat >"$TMP/compose.yaml" <<EOF
services:
  api:
    image: $R/team/api:3
  tools: {image: "$R/tools:latest"}
  built:
    build: .
    image: $R/mine
  dyn:
    image: \${IMG}
EOF
mkdir -p "$TMP/img"
cat >"$TMP/img/Dockerfile" <<DF
FROM $R/team/api:2 AS build
RUN make
FROM build AS test
FROM scratch AS empty
FROM --platform=\$BUILDPLATFORM $R/web:1.0
COPY --from=build /out /out
DF
$H --pin-images -i -q -j2 "$TMP/pod.yaml" "$TMP/compose.yaml" "$TMP/img/Dockerfile" 2>"$TMP/e"; rc=$?
if [ $rc = 0 ] &&
	grep -qx "        image: \"$R/team/api:2@sha256:$DA\"" "$TMP/pod.yaml" &&
	[ "$(grep -c "^        image: $R/web:1.0@sha256:$DW\( *# the front\)\?\$" "$TMP/pod.yaml")" = 2 ] &&
	grep -qx "        image: '$R/tools@sha256:$DT'" "$TMP/pod.yaml" &&
	grep -qx "    image: $R/team/api:3@sha256:$DA3" "$TMP/compose.yaml" &&
	grep -q "^  tools: {image: \"$R/tools:latest@sha256:$DT\"," "$TMP/compose.yaml" &&
	grep -qx "    image: $R/mine" "$TMP/compose.yaml" && grep -qx '    image: ${IMG}' "$TMP/compose.yaml" &&
	grep -qx "FROM $R/team/api:2@sha256:$DA AS build" "$TMP/img/Dockerfile" &&
	grep -qx 'FROM build AS test' "$TMP/img/Dockerfile" && grep -qx 'FROM scratch AS empty' "$TMP/img/Dockerfile" &&
	grep -qxF "FROM --platform=\$BUILDPLATFORM $R/web:1.0@sha256:$DW" "$TMP/img/Dockerfile" &&
	[ "$DW" != "$DA" ] && [ "$DA" != "$DA3" ]; then
	t_pass "i20 --pin-images pins every image of a manifest, a Compose file and a Dockerfile (digests as skopeo says)"
else
	t_fail "i20 --pin-images against docker-registry" "rc=$rc $(cat "$TMP/e" "$TMP/pod.yaml" "$TMP/compose.yaml" "$TMP/img/Dockerfile")"
fi
grep -q "securityContext" "$TMP/pod.yaml" && grep -q "cap_drop" "$TMP/compose.yaml" &&
	t_pass "i20 --pin-images hardens the rest as usual" || t_fail "i20 pin plus hardening"
cp "$TMP/pod.yaml" "$TMP/pod.pinned"
cp "$TMP/compose.yaml" "$TMP/compose.pinned"
cp "$TMP/img/Dockerfile" "$TMP/Dockerfile.pinned"
$H --pin-images -i -q "$TMP/pod.yaml" "$TMP/compose.yaml" "$TMP/img/Dockerfile"; rc=$?
$H --pin-images --check -q "$TMP/pod.yaml" "$TMP/compose.yaml" "$TMP/img/Dockerfile"; rc2=$?
[ $rc = 0 ] && [ $rc2 = 0 ] && cmp -s "$TMP/pod.yaml" "$TMP/pod.pinned" &&
	cmp -s "$TMP/img/Dockerfile" "$TMP/Dockerfile.pinned" &&
	cmp -s "$TMP/compose.yaml" "$TMP/compose.pinned" &&
	t_pass "i20 --pin-images second run changes nothing" ||
	t_fail "i20 second run" "rc=$rc rc2=$rc2"
# an unknown tag: error naming it, the file untouched
printf 'services:\n  a:\n    image: %s/web:1.0\n  b:\n    image: %s/web:nope\n' "$R" "$R" >"$TMP/nope.yaml"
cp "$TMP/nope.yaml" "$TMP/nope.before"
$H --pin-images -i "$TMP/nope.yaml" 2>"$TMP/e"; rc=$?
[ $rc = 2 ] && grep -q "nope.yaml:5:12: error: cannot pin image '$R/web:nope': .*404" "$TMP/e" &&
	cmp -s "$TMP/nope.yaml" "$TMP/nope.before" &&
	t_pass "i20 an unknown tag is an error naming the image, file untouched" ||
	t_fail "i20 unknown tag" "rc=$rc $(cat "$TMP/e")"
# the registry stopped: exit 2, the image named, bytes unchanged
kill "$REG_PID" 2>/dev/null
wait "$REG_PID" 2>/dev/null
REG_PID=
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: %s/web:1.0\n' "$R" >"$TMP/down.yaml"
cp "$TMP/down.yaml" "$TMP/down.before"
mkdir -p "$TMP/down"
printf 'FROM debian:bookworm-slim\n# the app\nFROM %s/web:1.0\n' "$R" >"$TMP/down/Dockerfile"
cp "$TMP/down/Dockerfile" "$TMP/down.df.before"
start=$(date +%s)
$H --pin-images -i "$TMP/down.yaml" 2>"$TMP/e"; rc=$?
$H --pin-images -i --digests "$TMP/digests" "$TMP/down/Dockerfile" 2>"$TMP/e3"; rc3=$?
[ $rc = 2 ] && grep -q "down.yaml:7:12: error: cannot pin image '$R/web:1.0': registry $R: " "$TMP/e" &&
	cmp -s "$TMP/down.yaml" "$TMP/down.before" && [ $(($(date +%s) - start)) -lt 10 ] &&
	[ "$rc3" = 2 ] && cmp -s "$TMP/down/Dockerfile" "$TMP/down.df.before" &&
	grep -q "Dockerfile:1:1: error: cannot pin image 'debian:bookworm-slim'" "$TMP/e3" &&
	t_pass "i20 registry down: exit 2, the image named, file untouched" ||
	t_fail "i20 registry down" "rc=$rc $(cat "$TMP/e")"

# ---- anonymous token flow: a registry that answers 401 with a Bearer realm ----
$PR fake "$TMP/fake.port" "$TMP/fake.log" 2>"$TMP/fake.err" &
FAKE_PID=$!
for _ in $(seq 50); do [ -s "$TMP/fake.port" ] && break; sleep 0.1; done
F=127.0.0.1:$(cat "$TMP/fake.port")
TOKEN=$(cat "$TMP/fake.port.token")
FA=$(awk '$1=="a"{print $2}' "$TMP/fake.port.digests")
FB=$(awk '$1=="b"{print $2}' "$TMP/fake.port.digests")
cat >"$TMP/tok.yaml" <<EOF
services:
  a:
    image: $F/team/app:a
  a2:
    image: $F/team/app:a
  b:
    image: $F/team/app:b
EOF
$H --pin-images --only image-refs -i -q "$TMP/tok.yaml" 2>"$TMP/e"; rc=$?
if [ $rc = 0 ] && [ "$(grep -c "image: $F/team/app:a@$FA\$" "$TMP/tok.yaml")" = 2 ] &&
	grep -q "image: $F/team/app:b@$FB\$" "$TMP/tok.yaml" &&
	grep -q "token ok" "$TMP/fake.log" && ! grep -q "bad-query\|bad-accept" "$TMP/fake.log" &&
	grep -q "^GET /v2/team/app/manifests/b 200" "$TMP/fake.log" &&
	[ "$(grep -c "^HEAD /v2/team/app/manifests/a 200" "$TMP/fake.log")" = 1 ]; then
	t_pass "i20 token flow: 401, anonymous token from the realm, retried; GET and sha256 without a digest header; cached"
else
	t_fail "i20 token flow" "rc=$rc $(cat "$TMP/e" "$TMP/fake.log" "$TMP/tok.yaml")"
fi
printf 'services:\n  x:\n    image: %s/team/app:zzz\n' "$F" >"$TMP/tok2.yaml"
$H --pin-images -i "$TMP/tok2.yaml" 2>"$TMP/e"; rc=$?
[ $rc = 2 ] && grep -q "cannot pin image '$F/team/app:zzz'" "$TMP/e" && ! grep -q "$TOKEN" "$TMP/e" &&
	t_pass "i20 token flow: unknown tag is an error, the token never printed" ||
	t_fail "i20 token flow error" "rc=$rc $(cat "$TMP/e")"
