# t22-restyled.sh - the corpus in flow, JSON, canonical, indent-4 and quoted
# styles: hardened, idempotent, same oracle verdicts, JSON stays JSON
if SHARED=$SHARED HARDEN=$H $PY tests/restyle_check.py >"$TMP/restyle.out" 2>&1; then
	t_pass "restyled corpus"; tail -1 "$TMP/restyle.out"
else
	t_fail "restyled corpus"; tail -32 "$TMP/restyle.out"
fi
