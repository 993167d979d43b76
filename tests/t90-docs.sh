# t90-docs.sh - README stays true: the transform table is the registry's
sed -n '/<!-- transforms:begin -->/,/<!-- transforms:end -->/p' README.md | sed '1,2d;$d' | sed '$d' >"$TMP/readme-table"
$H --list-transforms >"$TMP/registry-table"
cmp -s "$TMP/readme-table" "$TMP/registry-table" && t_pass "README transform table matches --list-transforms" ||
	t_fail "README transform table is stale (run: make readme)"
# i21-05: this passed whatever happened; now every transform must be listed
# and explained (the README's table lists as many), with its opt-out
n=0 bad=""
for t in $($H --list-transforms | awk 'NR>1 {print $1}'); do
	n=$((n + 1))
	$H --explain "$t" >"$TMP/explain" 2>&1 && grep -q '^Opt out:' "$TMP/explain" || bad="$bad $t"
done
want=$(awk 'NR>1' "$TMP/readme-table" | wc -l)
[ "$n" -ge 13 ] && [ "$n" -eq "$want" ] && [ -z "$bad" ] &&
	t_pass "i21-05 --explain for every transform ($n), each with 'Opt out'" ||
	t_fail "i21-05 --explain for every transform" "$n listed, README $want; without 'Opt out' or failing:${bad:- none}"
