# t47-secret-props.sh - i22-01 property test: random pods (several containers,
# objects of one name, several documents) and Compose services with colliding
# env names and values through `harden -i --secrets-out`: every value still
# read by its variable, stored once, never printed (tests/secret_props.py)
mkdir -p "$TMP/props"
if $PY tests/secret_props.py "$H" "$TMP/props" 1 100 >"$TMP/props.out" 2>&1; then
	t_pass "i22-01 secret-env property test: 200 random files, no value lost, duplicated or printed"
else
	t_fail "i22-01 secret-env property test" "$(grep -v ' 0 failed' "$TMP/props.out" | head -20)"
fi
