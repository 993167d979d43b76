# t10-identity.sh - no edit means byte-identical output (corpus + YAML test suite)
n=0; bad=0; crash=0; want=$(corpus_sample "$SHARED"/corpus/k8s/* "$SHARED"/corpus/compose/* | wc -l)
for f in $(corpus_sample "$SHARED"/corpus/k8s/* "$SHARED"/corpus/compose/*); do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if ! $H edit "$f" 2>"$TMP/err" | cmp -s - "$f"; then
		bad=$((bad + 1)); echo "  not identical: $f $(head -1 "$TMP/err")"
	fi
	# i21-05: the transform chain on the same file must not crash either
	# (this was promised here and never run): --check ends 0 or 1
	$H -q --check "$f" >/dev/null 2>"$TMP/err"; rc=$?
	[ $rc -le 1 ] || { crash=$((crash + 1)); echo "  transform chain exit $rc: $f $(head -1 "$TMP/err")"; }
done
[ "$n" -ge $((113 / HD_SAMPLE)) ] && [ "$n" -eq "$want" ] && [ "$bad" -eq 0 ] && t_pass "identity corpus $n/$n" || t_fail "identity corpus" "$bad of $n differ"
[ "$n" -ge $((113 / HD_SAMPLE)) ] && [ "$crash" -eq 0 ] && t_pass "i21-05 transform chain on the corpus ends 0 or 1 ($n files)" ||
	t_fail "i21-05 transform chain on the corpus" "$crash of $n exit 2 or more"

n=0; bad=0; refused=0
for d in $(find "$SHARED/yaml-test-suite/data" -name in.yaml -printf '%h\n' 2>/dev/null | sort); do
	[ -f "$d/error" ] && continue
	n=$((n + 1))
	if $H edit "$d/in.yaml" >"$TMP/out" 2>"$TMP/err"; then
		cmp -s "$TMP/out" "$d/in.yaml" || { bad=$((bad + 1)); echo "  not identical: $d"; }
	else
		# refused on purpose: duplicate keys (2JQS: two empty keys)
		if grep -q 'duplicate key' "$TMP/err"; then refused=$((refused + 1)); else
			bad=$((bad + 1)); echo "  rejected: $d: $(head -1 "$TMP/err")"; fi
	fi
done
echo "  yaml-test-suite: $((n - bad - refused)) identical, $refused refused (duplicate keys), $bad bad, of $n valid"
[ "$n" -ge 300 ] && [ "$bad" -eq 0 ] && t_pass "identity yaml-test-suite" || t_fail "identity yaml-test-suite"
