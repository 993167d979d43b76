# t06-i21-05-tests-as-data.sh - the engine's edit cases and the transforms' harden cases are data
# (tests/data/NAME.test), run by one runner (tests/unit/test_data.c) that fails on a wrong
# expectation and names the case by file:line
D=${DATA:-build/tests/test_data}
if [ ! -x "$D" ]; then
	t_fail "i21-05 data runner built" "DATA ($D) not built: run through make test, or make build/tests/test_data"
else
	if "$D" >"$TMP/all.out" 2>&1; then t_pass "i21-05 every data case passes"
	else t_fail "i21-05 every data case passes" "$(grep -E '\.test:[0-9]+:' "$TMP/all.out" | head -5)"; fi
	# every case moved out of C still runs: as many as were moved (edit 205, k8s 52, compose 106)
	ok=1
	for f in edit:205 k8s:52 compose:106; do
		n=$(sed -n "s|^tests/data/${f%%:*}\.test: \([0-9]*\) cases.*|\1|p" "$TMP/all.out")
		[ "${n:-0}" -ge "${f##*:}" ] || { ok=0; echo "  tests/data/${f%%:*}.test: ${n:-no} cases, want ${f##*:} or more"; }
	done
	[ $ok = 1 ] && t_pass "i21-05 all moved cases run" || t_fail "i21-05 all moved cases run"
	# no edit or harden case is left in C string literals
	n=$(cat tests/unit/test_engine.c tests/unit/test_k8s.c tests/unit/test_compose.c | grep -c 'EXPECT_')
	[ "$n" = 0 ] && t_pass "i21-05 no edit or harden case left in C" ||
		t_fail "i21-05 no edit or harden case left in C" "$n left"

	# the runner fails on a broken expectation and says where
	broken() { # name, file, line pattern (sed address of the case), sed command on it, message wanted
		cp "tests/data/$2" "$TMP/$2"
		line=$(grep -n -m1 -- "$3" "$TMP/$2" | cut -d: -f1)
		sed -i "$line,\$ { $4 }" "$TMP/$2"
		if "$D" "$TMP/$2" >"$TMP/b.out" 2>&1; then t_fail "i21-05 runner fails: $1" "it passed"
		elif grep -q "^$TMP/$2:$line: case .*$5" "$TMP/b.out"; then t_pass "i21-05 runner fails: $1"
		else t_fail "i21-05 runner fails: $1" "$(grep -m2 "$2" "$TMP/b.out")"; fi
	}
	broken "wrong output" edit.test '^#@ case crlf_insert.1$' '0,/^#@ out /s/x: true/x: false/' 'output: first difference at line 3'
	broken "wrong exit code" edit.test '^#@ case no_final_newline.15$' '0,/^#@ exit 2/s/^#@ exit 2/#@ exit 0/' 'exit 2, want 0'
	broken "missing finding" k8s.test '^#@ case run_as_non_root_changes_root_uid.1$' '0,/^#@ finding /s/^#@ finding .*/#@ finding no such finding/' 'no finding'
	broken "unknown directive" compose.test '^#@ case ' '0,/^#@ in/s/^#@ in/#@ input/' 'unknown directive'
fi
