# t41-streams-edit.sh - --stdout of several files is one stream; `harden edit`
# on multi-document files; libyaml's verdict on unreadable input
kinds() { # the kinds PyYAML (C and pure Python readers) reads from stdin
	$PY -c 'import sys, yaml
data = sys.stdin.buffer.read()
out = []
for L in (yaml.CSafeLoader, yaml.SafeLoader):
    try:
        out.append(",".join(str((d or {}).get("kind")) if isinstance(d, dict) or d is None
                            else "?" for d in yaml.load_all(data, Loader=L)))
    except yaml.YAMLError as e:
        out.append("error: " + str(e).replace("\n", " "))
print(out[0] if out[0] == out[1] else "C:" + out[0] + " Py:" + out[1])'
}

# --- i18-12: --stdout of several files --------------------------------------
printf 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n' >"$TMP/sa1.yaml"
printf 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa' >"$TMP/sa.yaml" # no final newline
cat >"$TMP/dep.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.25
YAML
printf '# leading comment\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n...\n' >"$TMP/svc.yaml"
printf '# nothing but a comment\n' >"$TMP/comment.yaml"
printf '%%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' >"$TMP/dir.yaml"
printf '\357\273\277apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: x\r\n' >"$TMP/bomcrlf.yaml"
got=$($H --stdout "$TMP/sa1.yaml" "$TMP/dep.yaml" 2>/dev/null | kinds 2>&1)
[ "$got" = "ServiceAccount,Deployment" ] && t_pass "i18-12 --stdout a.yaml b.yaml: a document each, not one mapping" ||
	t_fail "i18-12 --stdout of two files" "$got"
set -- "$TMP/sa.yaml" "$TMP/dep.yaml" "$TMP/svc.yaml" "$TMP/comment.yaml" "$TMP/dir.yaml" "$TMP/bomcrlf.yaml" "$TMP/sa.yaml"
$H -j1 --stdout "$@" >"$TMP/s1.yaml" 2>/dev/null; rc=$?
got=$(kinds <"$TMP/s1.yaml" 2>&1)
[ $rc -eq 0 ] && [ "$got" = "ServiceAccount,Deployment,Service,ConfigMap,Pod,ServiceAccount" ] &&
	t_pass "i18-12 --stdout: '---' only where needed, directives after '...', no BOM inside, comments add no document" ||
	t_fail "i18-12 --stdout of mixed files" "rc=$rc $got"
$H -j2 --stdout "$@" 2>/dev/null | cmp -s - "$TMP/s1.yaml" && t_pass "i18-12 --stdout -j2 prints what -j1 prints" ||
	t_fail "i18-12 --stdout -j2 differs from -j1"
# each file's own bytes come out as that file alone would print them
ok=1
for f in "$TMP/dep.yaml" "$TMP/bomcrlf.yaml"; do
	$H --stdout "$f" 2>/dev/null >"$TMP/one.yaml"
	cp "$f" "$TMP/copy.yaml"; $H -q -i "$TMP/copy.yaml"
	cmp -s "$TMP/one.yaml" "$TMP/copy.yaml" || ok=0
done
[ $ok = 1 ] && t_pass "i18-12 --stdout of one file: the bytes -i writes" || t_fail "i18-12 --stdout of one file"
got=$($H --stdout "$TMP/sa.yaml" - <"$TMP/dep.yaml" 2>/dev/null | kinds 2>&1)
[ "$got" = "ServiceAccount,Deployment" ] && t_pass "i18-12 --stdout FILE -: stdin is a document of its own" ||
	t_fail "i18-12 --stdout with stdin" "$got"
[ "$(grep -c $'^---\r$' "$TMP/s1.yaml")" = 1 ] && ! grep -q $'\357\273\277' "$TMP/s1.yaml" &&
	t_pass "i18-12 --stdout: a CRLF file's separator is CRLF, its BOM dropped" || t_fail "i18-12 CRLF separator, BOM"
