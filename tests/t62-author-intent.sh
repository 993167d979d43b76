# t62-author-intent.sh - fixes never override the author and never leave a
# workload unable to do its job (issues 18 and 22); the golden examples
# examples/*/i18-* and i22-* show the outputs, these check the rest.

# i18-07: --explain says that an explicit root group is kept
$H --explain run-as-non-root | grep -q 'explicit runAsGroup: 0 or fsGroup: 0 (the root group) is kept' &&
	$H --explain run-as-non-root | grep -q '"1000:0") is kept and reported' &&
	t_pass "i18-07 --explain: an explicit root group is kept" ||
	t_fail "i18-07 --explain: an explicit root group is kept"

# A Compose user whose group is root: --unsafe-fixes drops only the group,
# keeps the user whole however long (it was cut at 60 bytes, and a cut run
# of zeros read as root on the next run), and reads digits as Docker does:
# decimal, leading zeros and all.
i62_user() { # $1 user as written, $2 the user expected after --unsafe-fixes
	printf 'services:\n  a:\n    image: x/y:1\n    user: "%s"\n' "$1" >"$TMP/u62.yaml"
	$H --unsafe-fixes --stdout "$TMP/u62.yaml" >"$TMP/u62b.yaml" 2>/dev/null
	got=$(sed -n 's/^    user: "\(.*\)"$/\1/p' "$TMP/u62b.yaml")
	again=$($H --unsafe-fixes --check "$TMP/u62b.yaml" >/dev/null 2>&1; echo $?)
	[ "$got" = "$2" ] && [ "$again" = 0 ] &&
		t_pass "compose user \"$(printf %.24s "$1")\" with root group becomes \"$(printf %.24s "$2")\"" ||
		t_fail "compose user \"$1\": got \"$got\" (second run exit $again), want \"$2\""
}
long=$(printf '0%.0s' $(seq 80))1377046771A66666666
i62_user "$long:0" "$long"
i62_user "0010:0" "0010:10"
i62_user "1_000:0" "1_000:1000"
i62_user "app:root" "app"
i62_user "$(printf '0%.0s' $(seq 80)):0" "10001:10001"
i62_user "$(printf '0%.0s' $(seq 80))7:0" "$(printf '0%.0s' $(seq 80))7:7"
