# t37-limits.sh - issue 22 item 11: input size, nodes and aliases are bounded
# per file (--max-size, --max-nodes, --max-aliases): over a limit that file
# gets `file: error: ...`, exit 2, and the run goes on; stdin likewise.
L=$TMP/limits; mkdir -p "$L"
cp examples/k8s/anchors-shared.in.yaml "$L/ok.yaml"
# under ASan or valgrind the address space is not the process's memory
sanitized=; { [ -n "${HD_UNDER_VALGRIND:-}" ] || grep -qa __asan_init "$H" 2>/dev/null; } && sanitized=1

# the next file of the run still gets its diff
next_done() { grep -q '^+++ b/.*ok.yaml' "$1"; }

# a flow list of N one-byte items in a ConfigMap (a tree, not skimmed)
flow() { $PY -c "import sys; n=int(sys.argv[2]); open(sys.argv[1],'w').write('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  x: [' + ','.join(['1']*n) + ']\n')" "$1" "$2"; }

# default node limit: a 3,000,000-node document once ran a 1 GB address
# space out (fatal: out of memory, SIGABRT, exit 134, later files lost)
flow "$L/flow.yaml" 3000000
sum=$(sha256sum <"$L/flow.yaml")
if [ -n "$sanitized" ]; then
	timeout 300 $H -q "$L/flow.yaml" "$L/ok.yaml" >"$TMP/o" 2>"$TMP/e"; rc=$?
else
	(ulimit -v 1000000; exec timeout 60 $H -q "$L/flow.yaml" "$L/ok.yaml") >"$TMP/o" 2>"$TMP/e"; rc=$?
fi
[ $rc -eq 2 ] && grep -qE 'flow.yaml:5:[0-9]+: error: the document has more than 1000000 nodes, the limit \(--max-nodes\)' "$TMP/e" &&
	next_done "$TMP/o" && [ "$(sha256sum <"$L/flow.yaml")" = "$sum" ] &&
	t_pass "i22-11-nodes-default: 3M nodes: error, exit 2, next file done" ||
	t_fail "i22-11-nodes-default" "rc=$rc $(head -c 300 "$TMP/e")"

# the limit is an option, for harden and harden edit
flow "$L/small.yaml" 2000
$H -q --max-nodes=1000 "$L/small.yaml" "$L/ok.yaml" >"$TMP/o" 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'small.yaml:5:[0-9]*: error: the document has more than 1000 nodes' "$TMP/e" &&
	next_done "$TMP/o" && t_pass "i22-11-nodes-option: --max-nodes=1000" ||
	t_fail "i22-11-nodes-option" "rc=$rc $(head -c 300 "$TMP/e")"
$H -q --max-nodes=3K "$L/small.yaml" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 0 ] && t_pass "i22-11-nodes-option: --max-nodes=3K lets 2,000 nodes through" ||
	t_fail "i22-11-nodes-option 3K" "rc=$rc $(head -c 300 "$TMP/e")"
$H edit --max-nodes=1000 "$L/small.yaml" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'error: the document has more than 1000 nodes' "$TMP/e" &&
	t_pass "i22-11-nodes-edit: harden edit --max-nodes" ||
	t_fail "i22-11-nodes-edit" "rc=$rc $(head -c 300 "$TMP/e")"
for bad in 0 -5 10x 1.5M ''; do
	$H --max-nodes="$bad" "$L/ok.yaml" >/dev/null 2>"$TMP/e"; rc=$?
	[ $rc -eq 2 ] && grep -q 'harden: error: --max-nodes needs a positive number' "$TMP/e" ||
		{ t_fail "i22-11-nodes-option refuses '$bad'" "rc=$rc $(head -c 200 "$TMP/e")"; continue; }
	t_pass "i22-11-nodes-option refuses '$bad'"
done

# input size: -i leaves the big file as it was and hardens the next one
cp examples/k8s/anchors-shared.in.yaml "$L/ok-i.yaml"
flow "$L/big.yaml" 100000
sum=$(sha256sum <"$L/big.yaml")
$H -i --max-size=100K "$L/big.yaml" "$L/ok-i.yaml" >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -qx "$L/big.yaml: error: larger than 102400 bytes, the input size limit (--max-size)" "$TMP/e" &&
	[ "$(sha256sum <"$L/big.yaml")" = "$sum" ] && ! cmp -s "$L/ok-i.yaml" examples/k8s/anchors-shared.in.yaml &&
	t_pass "i22-11-size: --max-size=100K: error, file untouched, next file hardened" ||
	t_fail "i22-11-size" "rc=$rc $(head -c 300 "$TMP/e")"

# stdin: the same NUL check (at once, not after reading /dev/zero to the
# end of memory) and the same size limit
timeout 10 $H - </dev/zero >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -qx '<stdin>:1:1: error: NUL byte in input (binary file?)' "$TMP/e" &&
	t_pass "i22-11-stdin-nul: /dev/zero on stdin: error at once" ||
	t_fail "i22-11-stdin-nul" "rc=$rc $(head -c 300 "$TMP/e")"
yes 'a: b' | timeout 20 $H --stdout --max-size=1M - >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -qx '<stdin>: error: larger than 1048576 bytes, the input size limit (--max-size)' "$TMP/e" &&
	t_pass "i22-11-stdin-size: endless stdin stops at --max-size" ||
	t_fail "i22-11-stdin-size" "rc=$rc $(head -c 300 "$TMP/e")"
if [ -z "$sanitized" ]; then
	yes 'a: b' | (ulimit -v 1000000; exec timeout 60 $H --stdout -) >/dev/null 2>"$TMP/e"; rc=$?
	[ $rc -eq 2 ] && grep -qx '<stdin>: error: larger than 134217728 bytes, the input size limit (--max-size)' "$TMP/e" &&
		t_pass "i22-11-stdin-size: endless stdin stops at the default 128M" ||
		t_fail "i22-11-stdin-size default" "rc=$rc $(head -c 300 "$TMP/e")"
fi

# aliases: 1,000,000 of them once took 13.6 s and 419 MB
$PY -c "import sys; open(sys.argv[1],'w').write('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nx: &x {k: v}\nspec:\n  b: [' + ', '.join(['*x']*1000000) + ']\n')" "$L/aliases.yaml"
/usr/bin/time -f '%M %e' -o "$TMP/rss" timeout 60 $H -q "$L/aliases.yaml" "$L/ok.yaml" >"$TMP/o" 2>"$TMP/e"; rc=$?
read -r rss secs < <(tail -1 "$TMP/rss")
[ $rc -eq 2 ] && grep -q 'aliases.yaml:6:[0-9]*: error: the document has more than 100000 aliases, the limit (--max-aliases)' "$TMP/e" &&
	next_done "$TMP/o" && { [ -n "$sanitized" ] || [ "$rss" -lt 102400 ]; } &&
	t_pass "i22-11-aliases: 1,000,000 aliases: error in ${secs}s, rss ${rss} KiB" ||
	t_fail "i22-11-aliases" "rc=$rc rss=$rss $(head -c 300 "$TMP/e")"
$H -q --max-aliases=10 examples/k8s/anchors-shared.in.yaml >/dev/null 2>"$TMP/e"; rc=$?
[ $rc -eq 1 ] || [ $rc -eq 0 ] && t_pass "i22-11-aliases: a few aliases stay under --max-aliases=10" ||
	t_fail "i22-11-aliases few" "rc=$rc $(head -c 300 "$TMP/e")"
