# t24-i21-05-edit-props.sh - random edits over the shared corpus verify, stay minimal, rerun as no-ops
# (tests/tools/props.c; it was a unit test, but it needs $SHARED/corpus)
if [ ! -d "$SHARED/corpus/k8s" ] || [ ! -d "$SHARED/corpus/compose" ]; then
	echo "############################################################"
	echo "## SHARED corpus missing at '$SHARED': the random-edit      ##"
	echo "## property test CANNOT RUN (set SHARED=DIR)               ##"
	echo "############################################################"
	t_fail "i21-05 edit properties over the corpus" "no corpus at $SHARED"
elif [ ! -x "${PROPS:-}" ]; then
	t_fail "i21-05 edit properties over the corpus" \
		"PROPS (build/tests/props) not built: run through make test, or make build/tests/props"
else
	vg=
	[ -n "${HD_UNDER_VALGRIND:-}" ] &&
		vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
	if SHARED=$SHARED $vg "$PROPS" >"$TMP/props.out" 2>&1; then
		t_pass "i21-05 edit properties over the corpus: $(grep -o 'corpus files.*' "$TMP/props.out")"
	else
		t_fail "i21-05 edit properties over the corpus" "$(grep -E 'FAIL|error|missing' "$TMP/props.out" | head -5)"
	fi
fi
