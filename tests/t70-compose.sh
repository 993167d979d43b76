# t70-compose.sh - Compose passes on the corpus (issue acceptance, oracles)
if HARDEN=$H SHARED=$SHARED $PY tests/compose_acceptance.py >"$TMP/compose.out" 2>&1; then
	t_pass "compose corpus acceptance"; head -1 "$TMP/compose.out"
else
	t_fail "compose corpus acceptance"; head -40 "$TMP/compose.out"
fi
