# t07-i21-01-layers.sh - no layer includes or calls a higher one (issue 21: make check-layers)
chk=$TOPDIR/tests/tools/check-layers.sh
objs=${BUILD_DIR:-build}
case $objs in /*) ;; *) objs=$TOPDIR/$objs ;; esac
if out=$(bash "$chk" "$TOPDIR" "$objs" 2>&1); then
	case $out in *objects\ call\ only*) t_pass "i21-01 check-layers passes on the tree" ;;
	*) t_fail "i21-01 check-layers passes on the tree" "links not checked: $out" ;; esac
else t_fail "i21-01 check-layers passes on the tree" "$out"; fi

# it can fail: scratch copies with one planted violation each
plant() { # NAME FILE SED: a copy of the sources with SED applied to FILE
	rm -rf "$TMP/$1"; mkdir -p "$TMP/$1"
	cp -r "$TOPDIR/src" "$TOPDIR/include" "$TOPDIR/transforms" "$TMP/$1"/
	sed -i "$3" "$TMP/$1/$2"
}
expect_fail() { # NAME TREE BUILD PATTERN
	if out=$(bash "$chk" "$2" "$3" 2>&1); then t_fail "i21-01 check-layers finds $1" "passes"
	else case $out in *$4*) t_pass "i21-01 check-layers finds $1" ;;
		*) t_fail "i21-01 check-layers finds $1" "$out" ;; esac; fi
}
plant up src/yaml/scalar.c '0,/^#include "scalar.h"/s//#include "scalar.h"\n#include "model.h"/'
expect_fail "the engine including a model header" "$TMP/up" "$TMP/none" 'src/yaml/scalar.c (yaml) includes include/core/model.h'
plant cli src/core/report.c '0,/^#include "report.h"/s//#include "report.h"\n#include "cli.h"/'
expect_fail "core including the CLI's header" "$TMP/cli" "$TMP/none" 'src/core/report.c (core) includes include/cli/cli.h'
plant bytes src/yaml/diff.c '0,/^#include "diff.h"/s//#include "diff.h"\n#include "ytree.h"/'
expect_fail "the diff including the YAML tree" "$TMP/bytes" "$TMP/none" 'src/yaml/diff.c is a bytes module'

# calls: the tree's objects plus one planted object per layer that calls up
mkdir -p "$TMP/objs"
cp -r "$objs/src" "$objs/transforms" "$TMP/objs"/
printf 'void hd_mask_scan(void *, void *);\nvoid hd_bad(void);\nvoid hd_bad(void) { hd_mask_scan(0, 0); }\n' >"$TMP/bad.c"
${CC:-cc} -c "$TMP/bad.c" -o "$TMP/objs/src/yaml/bad.o"
expect_fail "the engine calling core" "$TOPDIR" "$TMP/objs" 'src/yaml/bad.o (yaml) uses hd_mask_scan of src/core/mask.o'
rm -f "$TMP/objs/src/yaml/bad.o"
printf 'int cmd_edit(int, char **);\nint hd_bad2(void);\nint hd_bad2(void) { return cmd_edit(0, 0); }\n' >"$TMP/bad2.c"
${CC:-cc} -c "$TMP/bad2.c" -o "$TMP/objs/src/core/bad2.o"
expect_fail "core calling the CLI" "$TOPDIR" "$TMP/objs" 'src/core/bad2.o (core) uses cmd_edit of src/cli/cmd_edit.o'
rm -f "$TMP/objs/src/core/bad2.o"
# the registry's exception is the registry's: another core object naming a transform fails
printf 'extern const int hd_tr_seccomp;\nint hd_bad3(void);\nint hd_bad3(void) { return hd_tr_seccomp; }\n' >"$TMP/bad3.c"
${CC:-cc} -c "$TMP/bad3.c" -o "$TMP/objs/src/core/bad3.o"
expect_fail "core naming a transform outside the registry" "$TOPDIR" "$TMP/objs" 'src/core/bad3.o (core) uses hd_tr_seccomp'
