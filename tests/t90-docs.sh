# t90-docs.sh - README stays true: the transform table is the registry's
sed -n '/<!-- transforms:begin -->/,/<!-- transforms:end -->/p' README.md | sed '1,2d;$d' | sed '$d' >"$TMP/readme-table"
$H --list-transforms >"$TMP/registry-table"
cmp -s "$TMP/readme-table" "$TMP/registry-table" && t_pass "README transform table matches --list-transforms" ||
	t_fail "README transform table is stale (run: make readme)"
for t in $($H --list-transforms | awk 'NR>1 {print $1}'); do
	$H --explain "$t" | grep -q '^Opt out:' || t_fail "--explain $t lacks 'Opt out'"
done
t_pass "--explain for every transform"
