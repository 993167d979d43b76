# t60-k8s.sh - Kubernetes passes on the corpus (issue acceptance, oracles)
if HARDEN=$H SHARED=$SHARED $PY tests/k8s_acceptance.py >"$TMP/k8s.out" 2>&1; then
	t_pass "k8s corpus acceptance"; head -1 "$TMP/k8s.out"
else
	t_fail "k8s corpus acceptance"; head -40 "$TMP/k8s.out"
fi
