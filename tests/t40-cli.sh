# t40-cli.sh - CLI contract: help, version, exit codes, modes, in-place safety
$H --help | grep -q '^usage: harden' && t_pass "--help" || t_fail "--help"
$H --version | grep -qE '^harden [0-9]+\.[0-9]+' && t_pass "--version" || t_fail "--version"
$H --bogus >/dev/null 2>&1; [ $? -eq 2 ] && t_pass "unknown option exit 2" || t_fail "unknown option exit 2"
$H edit --help | grep -q 'usage: harden edit' && t_pass "edit --help" || t_fail "edit --help"
$H --explain seccom 2>&1 >/dev/null | grep -q "unknown transform 'seccom'; did you mean 'seccomp'?" &&
	{ $H --skip nonsense x.yaml 2>&1 | grep -q "unknown transform 'nonsense' (see"; } &&
	{ $H --only run-as-nonroot x.yaml 2>&1 | grep -q "did you mean 'run-as-non-root'"; } &&
	t_pass "unknown transform names get a suggestion when one is close" || t_fail "transform name suggestions"

printf 'a:\n  b: 1 # keep\n' >"$TMP/e1.yaml"
$H edit "$TMP/e1.yaml" --set .a.c=true | cmp -s - <(printf 'a:\n  b: 1 # keep\n  c: true\n') &&
	t_pass "edit --set prints document" || t_fail "edit --set prints document"
$H edit "$TMP/e1.yaml" --delete .x.y | cmp -s - "$TMP/e1.yaml" && t_pass "edit --delete missing is no-op" || t_fail "edit --delete missing"
printf 'a: 1\n---\nb: 2\n' >"$TMP/e2.yaml"
$H edit "$TMP/e2.yaml" --doc 1 --set .c=3 | cmp -s - <(printf 'a: 1\n---\nb: 2\nc: 3\n') && t_pass "edit --doc" || t_fail "edit --doc"
$H edit "$TMP/e2.yaml" --if .a --set .c=3 | cmp -s - <(printf 'a: 1\nc: 3\n---\nb: 2\n') && t_pass "edit --if" || t_fail "edit --if"
cat "$TMP/e1.yaml" | $H edit - --set .a.c=1 | grep -q '  c: 1' && t_pass "edit stdin" || t_fail "edit stdin"

# in place: mode kept, symlink followed, atomic failure leaves the file intact
chmod 640 "$TMP/e1.yaml"; ln -s e1.yaml "$TMP/link.yaml"
$H edit "$TMP/link.yaml" --set .a.c=2 -i && [ -L "$TMP/link.yaml" ] && grep -q 'c: 2' "$TMP/e1.yaml" &&
	[ "$(stat -c %a "$TMP/e1.yaml")" = 640 ] && t_pass "in-place keeps mode, follows symlink" || t_fail "in-place mode/symlink"
$H edit "$TMP/link.yaml" --set .a.c=3 -i --no-follow 2>"$TMP/e"; [ $? -eq 2 ] && grep -q 'symbolic link' "$TMP/e" &&
	t_pass "--no-follow refuses symlink" || t_fail "--no-follow"
# in-place write failures (LD_PRELOAD fault injection) leave the original intact
if [ -n "${INJECT:-}" ] && [ -f "$INJECT" ]; then
	# a sanitizer build needs its runtime first in the preload list
	PRE=$INJECT
	asan=$(ldd "$H" 2>/dev/null | awk '/libasan/ {print $3}')
	[ -n "$asan" ] && PRE="$asan:$INJECT"
	for fault in write fsync rename; do
		sum=$(sha256sum <"$TMP/e1.yaml")
		LD_PRELOAD=$PRE HD_INJECT=$fault $H edit "$TMP/e1.yaml" --set .a.c=9 -i 2>"$TMP/e"; rc=$?
		[ $rc -eq 2 ] && [ "$(sha256sum <"$TMP/e1.yaml")" = "$sum" ] && ! ls "$TMP"/.harden-* >/dev/null 2>&1 &&
			grep -q 'file left unchanged' "$TMP/e" && t_pass "fault $fault leaves original" || t_fail "fault $fault" "rc=$rc $(cat "$TMP/e")"
	done
	# killed while writing: the temporary file goes, the original stays
	sum=$(sha256sum <"$TMP/e1.yaml")
	{ LD_PRELOAD=$PRE HD_INJECT=signal $H edit "$TMP/e1.yaml" --set .a.c=9 -i 2>"$TMP/e"; rc=$?; } 2>/dev/null
	[ $rc -eq 143 ] && [ "$(sha256sum <"$TMP/e1.yaml")" = "$sum" ] && ! ls "$TMP"/.harden-* >/dev/null 2>&1 &&
		t_pass "a signal while writing removes the temporary file" || t_fail "signal while writing" "rc=$rc $(ls -a "$TMP" | tr '\n' ' ')"
	# someone edits the file between harden's read and its write
	printf 'a: 1\n' >"$TMP/race.yaml"
	LD_PRELOAD=$PRE HD_INJECT=touch HD_INJECT_PATH="$TMP/race.yaml" $H edit "$TMP/race.yaml" --set .b=2 -i 2>"$TMP/e"; rc=$?
	[ $rc -eq 2 ] && grep -q 'changed while harden was running' "$TMP/e" && [ "$(cat "$TMP/race.yaml")" = "$(printf 'a: 1\n#')" ] &&
		t_pass "a file changed meanwhile is not overwritten" || t_fail "concurrent change" "rc=$rc $(cat "$TMP/e")"
else
	t_fail "fault injection library missing (build it: make build/tests/libinject.so, or set INJECT=)"
fi
printf 'a: 1\n' >"$TMP/ro.yaml"; chmod 444 "$TMP/ro.yaml"
$H edit "$TMP/ro.yaml" --set .b=2 -i 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'read-only file' "$TMP/e" && [ "$(cat "$TMP/ro.yaml")" = "a: 1" ] &&
	t_pass "read-only file left intact" || t_fail "read-only file" "rc=$rc $(cat "$TMP/e")"
# verification cannot be skipped: an edit that would change a shared anchor is refused
printf 'a: &x {k: 1}\nb: *x\n' >"$TMP/anchor.yaml"
$H edit "$TMP/anchor.yaml" --set .a.z=1 >/dev/null 2>"$TMP/e"; [ $? -eq 2 ] && grep -q "alias" "$TMP/e" &&
	t_pass "shared anchor edit reported" || t_fail "shared anchor edit reported" "$(cat "$TMP/e")"
