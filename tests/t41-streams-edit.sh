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

# --- i18-13: harden edit on a multi-document file ------------------------------
M=$TMP/multi.yaml
{ printf 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n---\n'; cat "$TMP/dep.yaml"
  printf -- '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n---\n'
  sed 's/web/api/' "$TMP/dep.yaml"; } >"$M"
cp "$M" "$TMP/multi.orig"
SC=.spec.template.spec.securityContext.runAsNonRoot=true
$H edit "$M" --set $SC -i 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && cmp -s "$M" "$TMP/multi.orig" &&
	grep -q "^$M:1:1: error: --set .spec.template.spec.securityContext.runAsNonRoot would create the path in document 0 (ServiceAccount)" "$TMP/e" &&
	t_pass "i18-13 edit --set on 4 documents without --doc/--kind/--if: error, nothing created" ||
	t_fail "i18-13 --set without a selector" "rc=$rc $(cat "$TMP/e")"
$H edit "$M" --doc 7 --set .a=1 >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && [ "$(cat "$TMP/e")" = "$M: error: --doc 7: the file has 4 documents" ] &&
	t_pass "i18-13 edit --doc 7 on 4 documents: error, exit 2" || t_fail "i18-13 --doc out of range" "rc=$rc $(cat "$TMP/e")"
$H edit "$M" --kind Deployment --set $SC >"$TMP/o.yaml" 2>"$TMP/e"; rc=$?
got=$($PY -c 'import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    print(d["kind"], "spec" in d and "template" in d["spec"] and
          d["spec"]["template"]["spec"].get("securityContext"))' "$TMP/o.yaml" | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$got" = "ServiceAccount False Deployment {'runAsNonRoot': True} Service False Deployment {'runAsNonRoot': True} " ] &&
	t_pass "i18-13 edit --kind Deployment: only the Deployments gain the path" || t_fail "i18-13 --kind" "rc=$rc $got $(cat "$TMP/e")"
$H edit "$M" --if .spec.template --set $SC | cmp -s - "$TMP/o.yaml" && t_pass "i18-13 edit --if PATH chooses the same documents" ||
	t_fail "i18-13 --if"
$H edit "$M" --doc 1 --set .spec.replicas=3 --diff 2>&1 | grep -c '^+ ' | grep -qx 1 &&
	t_pass "i18-13 edit --doc 1 creates in that document only" || t_fail "i18-13 --doc 1"
$H edit "$M" --set .metadata.name=x 2>/dev/null | grep -c '^  name: x$' | grep -qx 4 &&
	t_pass "i18-13 edit --set of a path every document has changes each" || t_fail "i18-13 --set existing everywhere"
$H edit "$M" --set .metadata.labels.team=a --all-docs 2>/dev/null | grep -c '^    team: a$' | grep -qx 4 &&
	t_pass "i18-13 edit --all-docs creates the path in every document" || t_fail "i18-13 --all-docs"
$H edit "$TMP/dep.yaml" --set $SC 2>/dev/null | grep -q 'runAsNonRoot: true' &&
	t_pass "i18-13 edit --set on one document still creates the path" || t_fail "i18-13 one document"

# --- i22-10: input that libyaml (YAML 1.1: kubectl, PyYAML) cannot read -------
U=$TMP/unreadable.yaml # 'é' is two bytes: libyaml's column 15 counts characters
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    top1: &no::::de0\n      &k1 k\303\251y1: o2tonep\n    : &node2  #comment\n      key2: two\nspec:\n  containers:\n  - name: a\n    image: x\n' >"$U"
cp "$U" "$TMP/unreadable.orig"
$H -i "$U" 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && cmp -s "$U" "$TMP/unreadable.orig" &&
	grep -q "^$U:7:15: error: the input is not readable by YAML 1.1 parsers (libyaml, as kubectl and PyYAML): mapping values are not allowed" "$TMP/e" &&
	t_pass "i22-10 input libyaml cannot read: said so, where libyaml stops, exit 2, file untouched" ||
	t_fail "i22-10 unreadable input" "rc=$rc $(cat "$TMP/e")"
printf 'apiVersion: v1\nkind: ConfigMap\n---\ntop1: &no::::de0\n  &k1 k\303\251y1: o2tonep\n: &node2  #comment\n  key2: two\n' >"$TMP/u2.yaml"
$H edit "$TMP/u2.yaml" --doc 1 --set .zz=1 >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q "^$TMP/u2.yaml:5:11: error: the input is not readable by YAML 1.1" "$TMP/e" &&
	t_pass "i22-10 edit: the line is the input's (second document), the column libyaml's" ||
	t_fail "i22-10 edit on unreadable input" "rc=$rc $(cat "$TMP/e")"

# --- i18-14: new JSON follows the file's layout -------------------------------
# The inputs are json.dumps() output (kubectl's and jq's layout too) with the
# indent their name gives, or on one line: after the whole transform chain
# the output must be exactly json.dumps() of what it holds, with that indent
# (every new object and array multi-line, `[ ]` expanded), and a second
# run must change nothing.
for in in examples/k8s/i18-14-json-*.in.yaml; do
	name=$(basename "$in" .in.yaml)
	case $name in *-2) ind=2 ;; *-3-space) ind=3 ;; *-4) ind=4 ;; *) ind=None ;; esac
	$H --stdout "$in" >"$TMP/j.json" 2>/dev/null; rc=$?
	why=$($PY -c 'import json, sys
t = open(sys.argv[1]).read()
ind = None if sys.argv[2] == "None" else int(sys.argv[2])
try:
    o = json.loads(t)
except ValueError as e:
    print("not JSON:", e); sys.exit()
if json.dumps(o, indent=ind) + "\n" != t:
    print("not in the layout of json.dumps(indent=%s)" % ind)
elif "securityContext" not in json.dumps(o):
    print("not hardened")' "$TMP/j.json" "$ind")
	$H -q --check "$TMP/j.json" >/dev/null 2>&1 || why="$why; a second run changes it"
	[ $rc -eq 0 ] && [ -z "$why" ] && t_pass "i18-14 $name: JSON in the file's own layout, stable" ||
		t_fail "i18-14 $name" "rc=$rc $why"
done
# the same over the corpus: every one-document file as json.dumps() with
# indents 2, 3, 4 and a tab (`jq --tab`), hardened, is json.dumps() of its result
if [ -d "$SHARED/corpus" ]; then
	got=$(H=$H SHARED=$SHARED TMPD=$TMP $PY - <<'PY'
import glob, json, os, subprocess, yaml
H, tmp = os.environ["H"], os.environ["TMPD"]
n = changed = 0
bad = []
for src in sorted(glob.glob(os.environ["SHARED"] + "/corpus/**/*.y*ml", recursive=True)):
    try:
        docs = [d for d in yaml.safe_load_all(open(src, encoding="utf-8-sig")) if d is not None]
    except (yaml.YAMLError, UnicodeDecodeError):
        continue
    if len(docs) != 1:
        continue
    for ind in (2, 3, 4, "\t"):
        text = json.dumps(docs[0], indent=ind) + "\n"
        p = os.path.join(tmp, "c.json")
        open(p, "w").write(text)
        r = subprocess.run([H, "-q", "--stdout", p], capture_output=True)
        out = r.stdout.decode()
        n += 1
        changed += out != text
        try:
            ok = r.returncode == 0 and json.dumps(json.loads(out), indent=ind) + "\n" == out
        except ValueError:
            ok = False
        if not ok:
            bad.append("%s (indent %r)" % (os.path.basename(src), ind))
print("%d %d %s" % (n, changed, " ".join(bad[:5])))
PY
)
	set -- $got
	[ "${1:-0}" -gt 200 ] && [ "${2:-0}" -gt 100 ] && [ -z "${3:-}" ] &&
		t_pass "i18-14 corpus as indented JSON: hardened output in json.dumps' layout ($1 files, $2 changed)" ||
		t_fail "i18-14 corpus as indented JSON" "$got"
fi
# i18-13: a `---` ending the file (an empty document) is nothing to edit
printf 'a: 1\n---\n' >"$TMP/trail.yaml"
$H edit "$TMP/trail.yaml" --set .b.c=1 2>"$TMP/e" | cmp -s - <(printf 'a: 1\nb:\n  c: 1\n---\n') &&
	t_pass "i18-13 edit: a file ending with '---' is one document to edit" || t_fail "i18-13 trailing ---" "$(cat "$TMP/e")"
# random `harden edit` sets, replacements and deletions on random JSON in
# json.dumps' layouts (indent 2, 3, 4, tab; ": " or " : "): the result holds
# the intended data and is in the input's layout
got=$(H=$H TMPD=$TMP $PY - <<'PY'
import copy, json, os, random, subprocess
H, tmp = os.environ["H"], os.environ["TMPD"]
random.seed(1814)
def rval(d):
    r = random.random()
    if d > 3 or r < 0.4:
        return random.choice([1, "s", True, None, "x y", 2.5])
    if r < 0.7:
        return {"k%d" % i: rval(d + 1) for i in range(random.randint(0, 3))}
    return [rval(d + 1) for _ in range(random.randint(0, 3))]
def maps(o, p=""):
    if isinstance(o, dict):
        yield p, o
        for k, v in o.items():
            yield from maps(v, p + "." + k)
bad = []
for it in range(250):
    doc = {"a": rval(0), "b": {"c": rval(1)}, "d": [rval(1)]}
    ind = random.choice([2, 3, 4, "\t"])
    sep = (",", random.choice([": ", " : "]))
    text = json.dumps(doc, indent=ind, separators=sep) + "\n"
    p, o = random.choice(list(maps(doc)))
    exp = copy.deepcopy(doc)
    t = exp
    for k in p.split(".")[1:]:
        t = t[k]
    key, val = random.choice(list(o) or ["n"]), rval(1)
    if random.random() < 0.5:
        key = "n"
    args = ["--set", "%s.%s=%s" % (p, key, json.dumps(val))]
    t[key] = val
    rest = [k for k in o if k != key]
    if rest and random.random() < 0.5:
        args += ["--delete", "%s.%s" % (p, rest[0])]
        del t[rest[0]]
    f = os.path.join(tmp, "r.json")
    open(f, "w").write(text)
    r = subprocess.run([H, "edit", f] + args, capture_output=True)
    out = r.stdout.decode()
    try:
        ok = r.returncode == 0 and json.loads(out) == exp and \
             json.dumps(exp, indent=ind, separators=sep) + "\n" == out
    except ValueError:
        ok = False
    if not ok:
        bad.append("%r %s" % (ind, " ".join(args)))
print(len(bad), "; ".join(bad[:3]))
PY
)
[ "${got%% *}" = 0 ] && t_pass "i18-14 random edits of indented JSON keep its layout" || t_fail "i18-14 random JSON edits" "$got"
