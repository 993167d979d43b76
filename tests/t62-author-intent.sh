# t62-author-intent.sh - fixes never override the author and never leave a
# workload unable to do its job (issues 18 and 22); the golden examples
# examples/*/i18-* and i22-* show the outputs, these check the rest.

# i18-07: --explain says that an explicit root group is kept
$H --explain run-as-non-root | grep -q 'explicit runAsGroup: 0 or fsGroup: 0 (the root group) is kept' &&
	$H --explain run-as-non-root | grep -q '"1000:0") is kept and reported' &&
	t_pass "i18-07 --explain: an explicit root group is kept" ||
	t_fail "i18-07 --explain: an explicit root group is kept"
