# t36-fuzz-regressions.sh - every crash the fuzzers found stays fixed, and
# hardening a regression input twice changes nothing the second time
# (NAME.Dockerfile: an input of the Dockerfile front end, fuzz_dockerfile)
n=0; bad=0
for f in tests/fuzz/regressions/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	reg=$TMP/reg.yaml cmds=("edit" "" "--unsafe-fixes" "--stdout")
	case $f in *.Dockerfile) reg=$TMP/reg.Dockerfile cmds=("" "--unsafe-fixes" "--stdout") ;; esac
	for cmd in "${cmds[@]}"; do
		cp "$f" "$reg"
		timeout 20 $H $cmd "$reg" >/dev/null 2>"$TMP/e"; rc=$?
		if [ $rc -gt 2 ] || grep -q Sanitizer "$TMP/e" || { [ $rc -eq 2 ] && ! grep -qE '^[^:]+(:[0-9]+:[0-9]+)?: error: .+' "$TMP/e"; }; then
			bad=$((bad + 1)); echo "  regression: harden $cmd $f -> rc=$rc $(head -1 "$TMP/e")"
		fi
	done
	# idempotent: a second run over what -i wrote changes nothing
	for cmd in "" "--unsafe-fixes"; do
		cp "$f" "$reg"
		timeout 20 $H $cmd -i "$reg" >/dev/null 2>&1 || continue
		timeout 20 $H $cmd --check "$reg" >"$TMP/o" 2>&1 ||
			{ bad=$((bad + 1)); echo "  not idempotent: harden $cmd $f"; head -5 "$TMP/o"; }
	done
done
[ $bad -eq 0 ] && t_pass "fuzz regressions ($n inputs)" || t_fail "fuzz regressions" "$bad"
