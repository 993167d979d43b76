# t08-i21-format.sh - the sources follow .clang-format (issue 21: make format-check)
chk=$TOPDIR/tests/tools/format-check.sh
if out=$(bash "$chk" "$TOPDIR" 2>&1); then
	t_pass "i21-format every source as .clang-format writes it ($out)"
else
	t_fail "i21-format every source as .clang-format writes it" "$(echo "$out" | head -20)"
fi
# it can fail: a copy with one misformatted line
rm -rf "$TMP/fmt"; mkdir -p "$TMP/fmt"
cp -r "$TOPDIR/src" "$TOPDIR/include" "$TOPDIR/transforms" "$TOPDIR/.clang-format" "$TMP/fmt"/
sed -i '0,/^\t/s/^\t/    /' "$TMP/fmt/src/yaml/util.c"
if out=$(bash "$chk" "$TMP/fmt" 2>&1); then
	t_fail "i21-format format-check finds a misformatted file" "passes"
else
	case $out in *src/yaml/util.c*) t_pass "i21-format format-check finds a misformatted file" ;;
	*) t_fail "i21-format format-check finds a misformatted file" "$out" ;; esac
fi
