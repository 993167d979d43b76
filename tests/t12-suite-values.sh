# t12-suite-values.sh - the tree's scalar values equal the YAML test suite's
# (plain, quoted and block scalars: folding, escapes, chomping)
if [ -x "${DUMP:-}" ]; then
	if SHARED=$SHARED DUMP=$DUMP $PY tests/suite_values.py >"$TMP/sv.out" 2>&1; then
		t_pass "yaml-test-suite scalar values"; tail -1 "$TMP/sv.out"
	else
		t_fail "yaml-test-suite scalar values"; tail -22 "$TMP/sv.out"
	fi
else
	t_fail "yaml-test-suite scalar values" "DUMP (build/tests/dump_scalars) not built: run through make test"
fi
