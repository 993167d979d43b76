# t64-i17-image-profiles.sh - image profiles: the file found or switched off,
# .harden.yaml images:, one image-unknown per container, and every image of
# the notes hardened as its profile says (issue 17)
D=$(cd "$(dirname "$0")/.." && pwd)
C=$TMP/c.yaml
cat >"$C" <<'YAML'
services:
  db:
    image: postgres:16
  app:
    image: acme/app:1
YAML

# i17-01: the shipped file is found beside the executable; -v names it
$H -v --check "$C" >/dev/null 2>"$TMP/e"
grep -q "image profiles: [0-9]* from .*images.yaml" "$TMP/e" &&
	$H --stdout "$C" 2>/dev/null | grep -q 'user: "999:999"' &&
	t_pass "i17-01 default profile file found, postgres runs as 999:999" ||
	t_fail "i17-01 default profile file" "$(cat "$TMP/e")"

# i17-01: switched off (flag, empty file, env) = the generic defaults, no image-unknown
ok=1
: >"$TMP/empty.yaml"
for how in "--no-image-profiles" "--image-profiles $TMP/empty.yaml" "ENV"; do
	if [ "$how" = ENV ]; then
		HARDEN_IMAGE_PROFILES=$TMP/empty.yaml $H --stdout "$C" >"$TMP/o" 2>"$TMP/e"
	else
		$H $how --stdout "$C" >"$TMP/o" 2>"$TMP/e"
	fi
	{ grep -q 'user: "10001:10001"' "$TMP/o" && ! grep -q '999' "$TMP/o" &&
		! grep -q image-unknown "$TMP/e"; } || { ok=0; echo "  $how: $(head -3 "$TMP/e")"; }
done
[ $ok = 1 ] && t_pass "i17-01 profiles off: --no-image-profiles, an empty file, \$HARDEN_IMAGE_PROFILES" ||
	t_fail "i17-01 profiles off"

# i17-01: a copy of harden with no profile file next to it still works, -v says so
mkdir -p "$TMP/bin"
cp "$(command -v "$H" 2>/dev/null || echo "$H")" "$TMP/bin/harden" 2>/dev/null
if [ -x "$TMP/bin/harden" ] && [ "$(head -c 4 "$TMP/bin/harden" | tail -c 3)" = ELF ]; then
	"$TMP/bin/harden" -v --stdout "$C" >"$TMP/o" 2>"$TMP/e"; rc=$?
	[ $rc -eq 0 ] && grep -q 'user: "10001:10001"' "$TMP/o" &&
		grep -q "image profiles: none (.*not found)" "$TMP/e" &&
		t_pass "i17-01 missing default file: no profiles, said with -v" ||
		t_fail "i17-01 missing default file" "rc=$rc $(cat "$TMP/e")"
else
	echo "  t64: $H is not the executable itself (a wrapper): the missing-file case is left out"
fi

# i17-01: a broken profile file is file:line:col: error, exit 2, input untouched
printf 'images:\n  - name: x\n    match: [x]\n    user: root\n' >"$TMP/bad.yaml"
cp "$C" "$TMP/c2.yaml"
$H -i --image-profiles "$TMP/bad.yaml" "$TMP/c2.yaml" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q "^$TMP/bad.yaml:4:11: error: .*'user' must be a number" "$TMP/e" &&
	cmp -s "$C" "$TMP/c2.yaml" && t_pass "i17-01 bad profile file: file:line:col error, exit 2" ||
	t_fail "i17-01 bad profile file" "rc=$rc $(cat "$TMP/e")"
$H --image-profiles "$TMP/nope.yaml" "$C" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q "^$TMP/nope.yaml: error: cannot read image profiles" "$TMP/e" &&
	t_pass "i17-01 a profile file asked for and missing is an error" ||
	t_fail "i17-01 missing --image-profiles file" "rc=$rc"

# i17-02: .harden.yaml images: adds and overrides; an invalid one is file:line:col
mkdir -p "$TMP/repo"
cat >"$TMP/repo/.harden.yaml" <<'YAML'
images:
  - name: app
    match: [acme/app]
    user: 1234
    writable: [/var/cache/app]
  - name: pg
    match: [postgres]
    user: 5432
    group: 5432
YAML
cp "$C" "$TMP/repo/c.yaml"
$H --stdout "$TMP/repo/c.yaml" >"$TMP/o" 2>"$TMP/e"
grep -q 'user: "1234:1234"' "$TMP/o" && grep -q 'user: "5432:5432"' "$TMP/o" &&
	grep -q '/var/cache/app' "$TMP/o" && ! grep -q image-unknown "$TMP/e" &&
	t_pass "i17-02 .harden.yaml images: adds and overrides profiles" ||
	t_fail "i17-02 .harden.yaml images:" "$(cat "$TMP/e")"
printf 'images:\n  - name: app\n    match: [acme/app]\n    writable: [var/x]\n' >"$TMP/repo/.harden.yaml"
$H "$TMP/repo/c.yaml" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q "repo/.harden.yaml:4:16: error: .*absolute path" "$TMP/e" &&
	t_pass "i17-02 an invalid profile in .harden.yaml: file:line:col error, exit 2" ||
	t_fail "i17-02 invalid .harden.yaml profile" "rc=$rc $(cat "$TMP/e")"

# i17-06: one image-unknown per container or service, counted, also with -j
mkdir -p "$TMP/many"
for i in 1 2 3 4 5 6; do
	printf 'services:\n  a:\n    image: acme/a%s\n  b:\n    image: acme/b%s\n  c:\n    image: redis:7\n' \
		"$i" "$i" >"$TMP/many/c$i.yaml"
done
$H -j 4 --format json "$TMP/many" >"$TMP/r.json" 2>/dev/null
python3 - "$TMP/r.json" <<'PY' && t_pass "i17-06 one image-unknown per service (-j 4), counted in the summary" || t_fail "i17-06 image-unknown count"
import json, sys
r = json.load(open(sys.argv[1]))
n = sum(1 for f in r["files"] for x in f["findings"] if x["transform"] == "image-unknown")
objs = sorted((f["path"], x["object"]) for f in r["files"] for x in f["findings"] if x["transform"] == "image-unknown")
assert n == 12 and len(set(objs)) == 12, (n, objs)
assert r["summary"]["image_unknown"] == 12, r["summary"]
PY

# i17-15: a Compose file and a Kubernetes manifest of every image of the
# notes, hardened: each runs as its profile's user, every path its profile
# writes is writable, its capabilities are there; no unknown image silent
python3 - "$D/data/images.yaml" "$TMP" <<'PY'
import sys
refs = {
 "postgres-17": "postgres:16", "postgres": "postgres:18", "postgres-alpine-17": "postgres:16-alpine",
 "postgres-alpine": "postgres:18-alpine", "nginx": "nginx:1.27",
 "nginx-unprivileged": "nginxinc/nginx-unprivileged:1.27", "mysql": "mysql:8.4",
 "mariadb-ubi": "mariadb:11.8-ubi", "mariadb": "mariadb:11.8", "redis-7-alpine": "redis:7.4-alpine",
 "redis-7": "redis:7.4", "redis-alpine": "redis:8-alpine", "redis": "redis:8.2", "mongo": "mongo:8",
 "rabbitmq": "rabbitmq:4", "memcached": "memcached:1.6", "influxdb-3": "influxdb:3-core",
 "influxdb": "influxdb:2.7", "elasticsearch": "docker.elastic.co/elasticsearch/elasticsearch:9.2.4",
 "httpd": "httpd:2.4", "wordpress": "wordpress:6", "wordpress-fpm-alpine": "wordpress:6-fpm-alpine",
 "nextcloud": "nextcloud:31", "caddy": "caddy:2", "haproxy": "haproxy:3.2", "traefik": "traefik:v3",
 "grafana": "grafana/grafana:11.2.0", "prometheus": "quay.io/prometheus/prometheus:v3.0.0",
 "minio": "quay.io/minio/minio", "vault": "hashicorp/vault:1.18",
 "gitea-rootless": "gitea/gitea:1.22-rootless", "gitea": "gitea/gitea:1.22",
 "keycloak": "quay.io/keycloak/keycloak:26.0", "jenkins": "jenkins/jenkins:lts",
 "mosquitto": "eclipse-mosquitto:2", "bitnami": "bitnami/postgresql:17", "node": "node:22",
 "python": "python:3.13", "busybox": "busybox:1.36", "alpine": "alpine:3.20",
}
import yaml
prof = {p["name"]: p for p in yaml.safe_load(open(sys.argv[1]))["images"]}
missing = set(prof) - set(refs)
assert not missing, "no reference for profiles %s" % sorted(missing)
names = sorted(refs)
with open(sys.argv[2] + "/all-compose.yaml", "w") as f:
    f.write("services:\n")
    for i, n in enumerate(names):
        f.write("  s%d:\n    image: %s\n" % (i, refs[n]))
    f.write("  unknown:\n    image: acme/unknown:1\n")
with open(sys.argv[2] + "/all-k8s.yaml", "w") as f:
    for i, n in enumerate(names):
        f.write("---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d}\nspec:\n  containers:\n"
                "    - name: c\n      image: %s\n" % (i, refs[n]))
    f.write("---\napiVersion: v1\nkind: Pod\nmetadata: {name: unknown}\nspec:\n  containers:\n"
            "    - name: c\n      image: acme/unknown:1\n")
with open(sys.argv[2] + "/all-names", "w") as f:
    f.write("\n".join(names))
PY
$H --stdout "$TMP/all-compose.yaml" >"$TMP/all-compose.out" 2>/dev/null
$H --stdout "$TMP/all-k8s.yaml" >"$TMP/all-k8s.out" 2>/dev/null
$H --format json "$TMP/all-compose.yaml" "$TMP/all-k8s.yaml" >"$TMP/all.json" 2>/dev/null
python3 - "$D/data/images.yaml" "$TMP" <<'PY' && t_pass "i17-15 every profiled image hardened as its profile says (Compose and Kubernetes), the unknown one reported" || t_fail "i17-15 images of the notes"
import json, sys, yaml
t = sys.argv[2]
prof = {p["name"]: p for p in yaml.safe_load(open(sys.argv[1]))["images"]}
names = open(t + "/all-names").read().split("\n")
bad = []
def under(path, mounts):
    return any(path == m or path.startswith(m.rstrip("/") + "/") or m.startswith(path.rstrip("/") + "/") for m in mounts)
svcs = yaml.safe_load(open(t + "/all-compose.out"))["services"]
for i, n in enumerate(names):
    p, s = prof[n], svcs["s%d" % i]
    want = None
    if p.get("direct", True):
        want = "%d:%d" % (p["user"], p.get("group", p["user"])) if "user" in p else "10001:10001"
    if s.get("user") != want:
        bad.append("compose %s: user %r, want %r" % (n, s.get("user"), want))
    tmpfs = [x.split(":")[0] for x in s.get("tmpfs", [])]
    for w in p.get("writable", []):
        w = w["path"] if isinstance(w, dict) else w
        if not under(w, tmpfs):
            bad.append("compose %s: %s not writable" % (n, w))
    for c in p.get("caps", []) + ([] if want else p.get("root-caps", [])):
        if c not in s.get("cap_add", []):
            bad.append("compose %s: capability %s missing" % (n, c))
    if not s.get("read_only"):
        bad.append("compose %s: not read-only" % n)
docs = [d for d in yaml.safe_load_all(open(t + "/all-k8s.out")) if d]
for i, n in enumerate(names):
    p, d = prof[n], docs[i]
    spec = d["spec"]; c = spec["containers"][0]
    sc, psc = c.get("securityContext", {}), spec.get("securityContext", {})
    uid = sc.get("runAsUser", psc.get("runAsUser"))
    gid = sc.get("runAsGroup", psc.get("runAsGroup"))
    if p.get("direct", True):
        wu = p.get("user", 10001); wg = p.get("group", wu) if "user" in p else 10001
        if (uid, gid) != (wu, wg):
            bad.append("k8s %s: runs as %r:%r, want %r:%r" % (n, uid, gid, wu, wg))
    elif uid not in (None, 0):
        bad.append("k8s %s: should stay root, runs as %r" % (n, uid))
    mounts = [m["mountPath"] for m in c.get("volumeMounts", [])]
    for w in p.get("writable", []) + p.get("volumes", []):
        w = w["path"] if isinstance(w, dict) else w
        if not under(w, mounts):
            bad.append("k8s %s: %s not mounted" % (n, w))
    for cap in p.get("caps", []) + ([] if p.get("direct", True) else p.get("root-caps", [])):
        if cap not in sc.get("capabilities", {}).get("add", []):
            bad.append("k8s %s: capability %s missing" % (n, cap))
    for k, v in (p.get("env") or {}).items():
        if {"name": k, "value": v} not in c.get("env", []):
            bad.append("k8s %s: env %s missing" % (n, k))
r = json.load(open(t + "/all.json"))
unk = [(f["path"].rsplit("/", 1)[-1], x["object"]) for f in r["files"] for x in f["findings"] if x["transform"] == "image-unknown"]
if sorted(unk) != [("all-compose.yaml", "services.unknown"), ("all-k8s.yaml", "Pod/unknown")]:
    bad.append("image-unknown findings: %r" % unk)
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY

# i17-07: --explain of each pass that uses profiles says what it does with them
ok=1
for t in run-as-non-root read-only-root-fs drop-capabilities; do
	$H --explain $t 2>/dev/null | grep -q "Image profiles" || { ok=0; echo "  $t"; }
done
$H --help 2>/dev/null | grep -q -- "--no-image-profiles" || ok=0
[ $ok = 1 ] && t_pass "i17-07 --explain and --help describe the image profiles" || t_fail "i17-07 explain"
