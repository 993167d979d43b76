# t30-bad-input.sh - broken input: clear file:line:col error, exit 2, file untouched
bad_case() { # name, content (printf format), expected message part
	local name=$1 fmt=$2 want=$3 f="$TMP/bad-$1.yaml"
	printf "$fmt" >"$f"
	local sum; sum=$(sha256sum "$f")
	$H -i "$f" >"$TMP/o" 2>"$TMP/e"; local rc=$?
	if [ $rc -eq 2 ] && grep -qE "^$f:[0-9]+:[0-9]+: error: .*$want" "$TMP/e" &&
	   [ "$(sha256sum "$f")" = "$sum" ]; then
		t_pass "bad input $name"
	else
		t_fail "bad input $name" "rc=$rc $(cat "$TMP/e")"
	fi
}
bad_case helm 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n' 'template'
bad_case helm-if '{{- if .Values.enabled }}\napiVersion: v1\n{{- end }}\n' 'template'
bad_case tabs 'a:\n\t- x\n' 'tab'
bad_case truncated 'a: "unterminated\nb: [1, 2\n' ''
bad_case duplicate 'a: 1\nb: 2\na: 3\n' "duplicate key 'a'"
bad_case utf8 'a: \xc3\x28\n' 'invalid UTF-8'
bad_case nul 'a: 1\n\0b: 2\n' 'NUL'
bad_case alias-cycle 'services: &s\n  web: *s\n' "alias '\\*s' is inside the node it refers to"
bad_case unknown-alias 'a: *nope\n' "unknown alias '\\*nope'"
bad_case utf16 '\xff\xfea\0:\0 \0001\0\n\0' 'UTF-16'

for c in empty comments spaces; do
	case $c in empty) printf '' ;; comments) printf '# just\n# comments\n' ;; spaces) printf '  \n\n' ;; esac >"$TMP/$c.yaml"
	$H "$TMP/$c.yaml" >"$TMP/o" 2>"$TMP/e" && [ ! -s "$TMP/o" ] && t_pass "valid no-op $c" || t_fail "valid no-op $c" "$(cat "$TMP/e")"
	$H edit "$TMP/$c.yaml" --set .a=1 | cmp -s - "$TMP/$c.yaml" && t_pass "edit no-op $c" || t_fail "edit no-op $c"
done

mkdir -p "$TMP/dir.yaml"
$H "$TMP/dir.yaml" 2>"$TMP/e"; [ $? -eq 0 ] && grep -q 'no YAML files found' "$TMP/e" && t_pass "empty directory: note, exit 0" || t_fail "empty directory" "$(cat "$TMP/e")"
$H edit "$TMP/dir.yaml" 2>"$TMP/e"; [ $? -eq 2 ] && grep -q 'directory' "$TMP/e" && t_pass "edit: directory as file is an error" || t_fail "edit: directory as file"
mkfifo "$TMP/fifo.yaml"
timeout 5 $H "$TMP/fifo.yaml" 2>"$TMP/e"; [ $? -eq 2 ] && grep -q 'not a regular file' "$TMP/e" && t_pass "fifo as file" || t_fail "fifo as file"
$H "$TMP/missing.yaml" 2>"$TMP/e"; [ $? -eq 2 ] && grep -q 'missing.yaml: error: cannot read' "$TMP/e" && t_pass "missing file" || t_fail "missing file"
# one bad file does not stop the others
printf 'a: [\n' >"$TMP/b1.yaml"; printf 'a: 1\n' >"$TMP/ok.yaml"
$H "$TMP/b1.yaml" "$TMP/ok.yaml" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q b1.yaml "$TMP/e" && t_pass "bad file does not stop the run" || t_fail "bad file does not stop the run"
