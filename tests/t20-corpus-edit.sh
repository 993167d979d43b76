# t20-corpus-edit.sh - issue acceptance: one --set on every pod template,
# only that path changes (semantic_diff.py) and the diff has no collateral line
n=0; bad=0
for f in $(corpus_sample "$SHARED"/corpus/k8s/*); do
	[ -f "$f" ] || continue
	grep -q 'template:' "$f" || continue
	$H edit "$f" --if .spec.template.spec \
		--set '.spec.template.spec.securityContext.runAsNonRoot=true' >"$TMP/out" 2>"$TMP/err" || {
		bad=$((bad + 1)); echo "  edit failed: $f: $(head -1 "$TMP/err")"; continue; }
	cmp -s "$TMP/out" "$f" && continue
	n=$((n + 1))
	if ! $PY "$SHARED/tools/semantic_diff.py" -q \
		--allow '/*/spec/template/spec/securityContext*' "$f" "$TMP/out" >"$TMP/sd" 2>&1; then
		bad=$((bad + 1)); echo "  semantic diff outside the path: $f"; head -3 "$TMP/sd"
	fi
	$H edit "$f" --if .spec.template.spec --diff \
		--set '.spec.template.spec.securityContext.runAsNonRoot=true' >"$TMP/diff"
	# changed lines must be inserted lines only: no '-' line, '+' lines are
	# "securityContext:" or "runAsNonRoot: true"
	if grep -q '^-[^-]' "$TMP/diff" || grep '^+[^+]' "$TMP/diff" | tr -d '\r' | grep -vqE '^\+ *(securityContext:|runAsNonRoot: true)$'; then
		bad=$((bad + 1)); echo "  collateral lines in diff: $f"
	fi
	# the diff applies with git apply and patch
	mkdir -p "$TMP/apply/a" && cp "$f" "$TMP/apply/x.yaml"
	sed -e "s|^--- a/.*|--- a/x.yaml|" -e "s|^+++ b/.*|+++ b/x.yaml|" "$TMP/diff" >"$TMP/x.diff"
	(cd "$TMP/apply" && git apply --check "$TMP/x.diff" 2>/dev/null && patch -s -p1 <"$TMP/x.diff") || {
		bad=$((bad + 1)); echo "  diff does not apply: $f"; }
	cmp -s "$TMP/apply/x.yaml" "$TMP/out" || { bad=$((bad + 1)); echo "  patched file differs: $f"; }
	# second application is a no-op
	$H edit "$TMP/out" --if .spec.template.spec \
		--set '.spec.template.spec.securityContext.runAsNonRoot=true' | cmp -s - "$TMP/out" ||
		{ bad=$((bad + 1)); echo "  not idempotent: $f"; }
done
echo "  pod-template files edited: $n"
[ "$n" -ge $((30 / HD_SAMPLE)) ] && [ "$bad" -eq 0 ] && t_pass "corpus runAsNonRoot edit ($n files)" || t_fail "corpus runAsNonRoot edit" "$bad problems"
