# t04-i21-06-build-hygiene.sh - header dependencies, banned functions, -Wpedantic (issue 21)
# Works on a scratch copy of the sources, so the tree's own build is untouched.
cc=${CC:-cc}
src=$TMP/tree
mkdir -p "$src"
cp -r "$TOPDIR/Makefile" "$TOPDIR/include" "$TOPDIR/src" "$TOPDIR/transforms" "$src"/
objs="build/transforms/seccomp.o build/src/yaml/scalar.o build/src/cli/main.o"
# not the flags of a make that runs this test (make check: BUILD=build-san SANITIZE=1)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make BUILD=build CFLAGS=-O0 WERROR=1 "$@"; }
if mk -s -C "$src" $objs >"$TMP/build.log" 2>&1; then
	t_pass "i21-06 objects build with WERROR=1"
else
	t_fail "i21-06 objects build with WERROR=1" "$(head -3 "$TMP/build.log")"
fi
# make -n -W FILE: what would be rebuilt if FILE changed
rebuilt() { mk -n -C "$src" -W "$1" $objs 2>/dev/null | grep -o ' -c [^ ]*' | tr '\n' ' '; }
r=$(rebuilt transforms/tr.h)
case $r in *transforms/seccomp.c*) case $r in *src/*) t_fail "i21-06 tr.h rebuilds only transforms" "$r" ;;
	*) t_pass "i21-06 tr.h rebuilds only transforms" ;; esac ;;
	*) t_fail "i21-06 tr.h rebuilds only transforms" "nothing rebuilt: $r" ;; esac
r=$(rebuilt include/core/secrets_out.h)
case $r in *src/cli/main.c*) case $r in *scalar.c*) t_fail "i21-06 a header rebuilds only its users" "$r" ;;
	*) t_pass "i21-06 a header rebuilds only its users" ;; esac ;;
	*) t_fail "i21-06 a header rebuilds only its users" "main.c not rebuilt: $r" ;; esac

grep -q -- '-Wpedantic' "$src/Makefile" && t_pass "i21-06 -Wpedantic in the warning flags" ||
	t_fail "i21-06 -Wpedantic in the warning flags"

# every banned function breaks the build of a file that includes any module header
for fn in 'strcpy(b, "x")' 'strcat(b, "x")' 'strncpy(b, "x", 1)' 'sprintf(b, "x")' 'atoi("1")' \
	'atol("1")' 'strtok(b, " ")' 'gmtime(&t)' 'localtime(&t)'; do
	printf '#include "scalar.h"\nint f(void);\nint f(void) { char b[8] = ""; time_t t = 0; (void)t; (void)b; (void)%s; return 0; }\n' "$fn" >"$TMP/b.c"
	if $cc -std=c11 -D_GNU_SOURCE -I"$src/include/yaml" -c "$TMP/b.c" -o "$TMP/b.o" 2>"$TMP/b.err"; then
		t_fail "i21-06 banned: ${fn%%(*}" "compiles"
	elif grep -q "${fn%%(*}_is_a_banned_function" "$TMP/b.err"; then
		t_pass "i21-06 banned: ${fn%%(*}"
	else
		t_fail "i21-06 banned: ${fn%%(*}" "fails for another reason: $(grep -m1 error "$TMP/b.err")"
	fi
done
# and every .c file of src/*/ and transforms/ sees banned.h
miss=""
for f in "$src"/src/*/*.c "$src"/transforms/*.c; do
	$cc -std=c11 -D_GNU_SOURCE -I"$src/include/yaml" -I"$src/include/docker" -I"$src/include/core" -I"$src/include/cli" -E -dM "$f" 2>/dev/null | grep -q 'define HD_BANNED_H' ||
		miss="$miss ${f#"$src"/}"
done
[ -z "$miss" ] && t_pass "i21-06 banned.h reaches every .c file" || t_fail "i21-06 banned.h reaches every .c file" "$miss"
