# t05-i21-01-include-cycles.sh - no two modules include each other (issue 21: exempt<->model, files<->policy)
chk=$TOPDIR/tests/tools/check-includes.sh
if out=$(bash "$chk" "$TOPDIR" 2>&1); then t_pass "i21-01 no include cycle in the tree"
else t_fail "i21-01 no include cycle in the tree" "$out"; fi
for pair in exempt:model files:policy; do
	a=${pair%%:*} b=${pair##*:}
	if grep -q "^#include \"$b.h\"" "$TOPDIR"/src/*/"$a.c" && grep -q "^#include \"$a.h\"" "$TOPDIR"/src/*/"$b.c"; then
		t_fail "i21-01 $a.c and $b.c include each other"
	else t_pass "i21-01 $a.c and $b.c do not include each other"; fi
done
# the check can fail: a scratch copy with scalar.c including model.h (model.h includes scalar.h)
mkdir -p "$TMP/tree"
cp -r "$TOPDIR/src" "$TOPDIR/include" "$TOPDIR/transforms" "$TMP/tree"/
sed -i '0,/^#include "scalar.h"/s//#include "scalar.h"\n#include "model.h"/' "$TMP/tree/src/yaml/scalar.c"
if out=$(bash "$chk" "$TMP/tree" 2>&1); then t_fail "i21-01 check-includes finds a planted cycle" "$out"
else case $out in *scalar*model*|*model*scalar*) t_pass "i21-01 check-includes finds a planted cycle" ;;
	*) t_fail "i21-01 check-includes finds a planted cycle" "$out" ;; esac; fi
