# t72-i18-08-compose-merge.sh - issue 18 item 8: Compose override files, -f
# groups and `extends` are hardened on the merged service (what Compose
# runs): the base's explicit values are kept, settings go where they apply
case $H in /*) HH=$H ;; *) HH=$TOPDIR/$H ;; esac
FIX=$TOPDIR/tests/fixtures/i18-08

# yq-like check of a Compose file: PY expression over `s` (services), true or fail
ycheck() { # file, expression
	$PY -c 'import sys, yaml
s = (yaml.safe_load(open(sys.argv[1])) or {}).get("services", {})
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}

# 1. the nginx override of mattermost hardened alone: its base
#    docker-compose.yml beside it is read; read_only and pids_limit stay the
#    base's, nothing that overrides them is added
D=$TMP/mm1; mkdir -p "$D" && cp "$FIX"/mattermost/* "$D"/
(cd "$D" && $HH --stdout docker-compose.nginx.yml >out.yml 2>err); rc=$?
if [ $rc -eq 0 ] &&
   ycheck "$D/out.yml" '"read_only" not in s["mattermost"] and "pids_limit" not in s["mattermost"] and "security_opt" not in s["mattermost"] and "tmpfs" not in s["mattermost"]' &&
   ycheck "$D/out.yml" 's["mattermost"]["user"] == "10001:10001" and s["mattermost"]["cap_drop"] == ["ALL"]' &&
   ycheck "$D/out.yml" 's["nginx"]["pids_limit"] == 100 and s["nginx"]["user"] == "101:101"' &&
   grep -q 'docker-compose.nginx.yml:24:3: warning: \[harden-merge\] services.mattermost: hardened merged with services.mattermost of docker-compose.yml' "$D/err"; then
	t_pass "i18-08 override file alone: the base beside it is read, its read_only and pids_limit kept"
else
	t_fail "i18-08 override file alone" "rc=$rc $(cat "$D/err" 2>/dev/null | head -5)"
fi

# 2. harden -f base -f override -i: each file edited in place, settings
#    go to the file that first defines the service; a second run is a no-op
D=$TMP/mm2; mkdir -p "$D" && cp "$FIX"/mattermost/* "$D"/
(cd "$D" && $HH -f docker-compose.yml -f docker-compose.nginx.yml -i 2>err); rc=$?
if [ $rc -eq 0 ] &&
   ycheck "$D/docker-compose.nginx.yml" 'sorted(s["mattermost"]) == ["ports"]' &&
   ycheck "$D/docker-compose.yml" 's["mattermost"]["read_only"] == "${MATTERMOST_CONTAINER_READONLY}" and s["mattermost"]["pids_limit"] == 200' &&
   ycheck "$D/docker-compose.yml" 's["mattermost"]["user"] == "10001:10001" and s["mattermost"]["cap_drop"] == ["ALL"] and s["mattermost"]["mem_limit"] == "512M"' &&
   ycheck "$D/docker-compose.nginx.yml" 's["nginx"]["user"] == "101:101" and "/tmp" in s["nginx"]["tmpfs"]' &&
   [ "$(grep -c '\[ports\]' "$D/err")" = 1 ] && grep -q '(and 3 more like it in this file; also services.mattermost)' "$D/err" &&
   (cd "$D" && $HH -q --check -f docker-compose.yml -f docker-compose.nginx.yml >/dev/null); then
	t_pass "i18-08 -f base -f override: edits go where they apply, each warning once, idempotent"
else
	t_fail "i18-08 -f base -f override" "rc=$rc $(head -5 "$D/err" 2>/dev/null)"
fi

# 3. a later -f file's explicit value is respected: no read_only: true or
#    user added to the base under an override's read_only: false / user: root
D=$TMP/f3; mkdir -p "$D"
printf 'services:\n  app:\n    image: example/app:1\n' >"$D/a.yml"
printf 'services:\n  app:\n    read_only: false\n    user: root\n' >"$D/b.yml"
(cd "$D" && $HH --stdout -f a.yml -f b.yml >out 2>err); rc=$?
$PY - "$D/out" >"$D/a.out" <<'EOF'
import sys, yaml
# --stdout -f a -f b: one stream, a's document first
print(yaml.safe_dump(next(yaml.safe_load_all(open(sys.argv[1])))))
EOF
if [ $rc -eq 0 ] && ycheck "$D/a.out" '"read_only" not in s["app"] and "user" not in s["app"] and s["app"]["cap_drop"] == ["ALL"]' &&
   grep -q '^b.yml:4:11: note: \[run-as-non-root\] services.app: user "root" (root) would become' "$D/err" &&
   [ "$(grep -c 'user "root"' "$D/err")" = 1 ]; then
	t_pass "i18-08 -f: an override's explicit read_only/user is not overridden in the base, reported once"
else
	t_fail "i18-08 -f: override's explicit values" "rc=$rc $(cat "$D/err") $(cat "$D/out")"
fi

# 4. docker-compose.override.yml beside docker-compose.yml: merged with it
D=$TMP/ov; mkdir -p "$D"
printf 'services:\n  web:\n    image: example/web:1\n    user: "1000:1000"\n    read_only: false\n    mem_limit: 2G\n' >"$D/docker-compose.yml"
printf 'services:\n  web:\n    image: example/web:2\n  cache:\n    image: redis:7\n' >"$D/docker-compose.override.yml"
(cd "$D" && $HH --stdout docker-compose.override.yml >out.yml 2>err); rc=$?
if [ $rc -eq 0 ] &&
   ycheck "$D/out.yml" '"user" not in s["web"] and "read_only" not in s["web"] and "mem_limit" not in s["web"] and "deploy" not in s["web"]' &&
   ycheck "$D/out.yml" 's["web"]["cap_drop"] == ["ALL"] and s["web"]["cpus"] == "0.5" and s["cache"]["user"] == "999:999"' &&
   grep -q 'harden-merge\] services.web: hardened merged with services.web of docker-compose.yml' "$D/err"; then
	t_pass "i18-08 docker-compose.override.yml: the base's user, read_only, mem_limit kept"
else
	t_fail "i18-08 docker-compose.override.yml" "rc=$rc $(cat "$D/err") $(cat "$D/out.yml")"
fi

# 5. an `extends` cycle and a base in a subdirectory
D=$TMP/ex; mkdir -p "$D/common"
printf 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n    image: x/y:1\n' >"$D/cycle.yml"
printf 'services:\n  base:\n    image: x/y:1\n    user: "1000:1000"\n' >"$D/common/base.yml"
printf 'services:\n  app:\n    extends:\n      file: common/base.yml\n      service: base\n' >"$D/app.yml"
(cd "$D" && timeout 10 $HH --stdout cycle.yml >c.out 2>c.err); rc=$?
(cd "$D" && $HH --stdout app.yml >a.out 2>a.err); rc2=$?
if [ $rc -eq 0 ] && cmp -s "$D/cycle.yml" "$D/c.out" && grep -q "services.a: not hardened: its \`extends\` chain comes back to 'a'" "$D/c.err" &&
   [ $rc2 -eq 0 ] && ycheck "$D/a.out" '"user" not in s["app"] and s["app"]["cap_drop"] == ["ALL"]'; then
	t_pass "i18-08 extends: a cycle is reported and adds nothing; a base file in a subdirectory is read"
else
	t_fail "i18-08 extends cycle / subdirectory" "rc=$rc rc2=$rc2 $(cat "$D/c.err" "$D/a.err")"
fi

# 6. -f with an unreadable base: that file is an error, and the override's
#    partial service gets nothing (it would override what cannot be seen)
D=$TMP/mm6; mkdir -p "$D" && cp "$FIX"/mattermost/docker-compose.nginx.yml "$D"/
(cd "$D" && $HH --stdout -f gone.yml -f docker-compose.nginx.yml >out.yml 2>err); rc=$?
if [ $rc -eq 2 ] && grep -q '^gone.yml: error: ' "$D/err" &&
   ycheck "$D/out.yml" 'sorted(s["mattermost"]) == ["ports"] and s["nginx"]["user"] == "101:101"' &&
   grep -q 'services.mattermost: not hardened: it has no image, build or extends, and no earlier -f file defines it' "$D/err"; then
	t_pass "i18-08 -f with an unreadable base: error for it, nothing added to the partial service"
else
	t_fail "i18-08 -f with an unreadable base" "rc=$rc $(cat "$D/err")"
fi
