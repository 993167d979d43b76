# t34-i23-footprint.sh - issue 23: memory touched in proportion to the input
# (peak RSS, page faults as GNU time counts them), on the benchmark's inputs
# built by bench/gen.py; the output is still the right one
SHARED=${SHARED:-../shared}
gen() { # python expression over gen (bench/gen.py), random, SHARED -> stdout
	/usr/bin/python3 -c "import sys, random; sys.path.insert(0, 'bench'); import gen
sys.stdout.write($1)" "$SHARED"
}
measure() { # out-file, command... -> "rss_kib faults exit"
	local out=$1 rc
	shift
	/usr/bin/time -f '%M %R %F' -o "$TMP/time" "$@" >"$out" 2>"$TMP/err"; rc=$?
	set -- $(tail -1 "$TMP/time")
	echo "$1 $(($2 + $3)) $rc"
}

# Under ASan/UBSan or valgrind the footprint is the checker's, not harden's:
# the bounds are not asserted there, the outputs still are.
sanitized=; { [ -n "${HD_UNDER_VALGRIND:-}" ] || grep -qa __asan_init "$H" 2>/dev/null; } && sanitized=1
[ -n "$sanitized" ] && echo "  t34: a sanitizer or valgrind build: memory bounds not asserted, outputs checked"
within() { [ -n "$sanitized" ] || [ "$1" -le "$2" ]; } # VALUE BOUND

if [ ! -x /usr/bin/time ]; then
	t_fail "i23 footprint" "GNU time (/usr/bin/time) is missing: apt-get install time"
	return 0 2>/dev/null || exit 0
fi

# The 10 MB inputs take minutes under valgrind and their bounds are not
# asserted there: valgrind runs only the 1,000-service case below.
if [ -n "${HD_UNDER_VALGRIND:-}" ]; then
	echo "  t34: valgrind: the 10 MB inputs are skipped"
else
# i23-04: the 10 MB case: peak RSS <= 4x the input, page faults <= 2x its pages
gen 'gen.big(random.Random(42), sys.argv[1])' >"$TMP/big.yaml"
size=$(stat -c %s "$TMP/big.yaml")
set -- $(measure "$TMP/big.diff" $H -q "$TMP/big.yaml")
rss=$1 faults=$2 rc=$3
if [ "$rc" -eq 0 ] && [ -s "$TMP/big.diff" ] && within $((rss * 1024)) $((4 * size)); then
	t_pass "i23-04 10 MB manifest: peak RSS $((rss / 1024)) MiB <= 4x the input"
else
	t_fail "i23-04 10 MB manifest: peak RSS <= 4x the input" \
		"exit $rc, $rss KiB for $((size / 1024)) KiB"
fi
if [ "$rc" -eq 0 ] && [ -s "$TMP/big.diff" ] && within "$faults" $((2 * size / 4096)); then
	t_pass "i23-04 10 MB manifest: $faults page faults <= 2x the input's pages"
else
	t_fail "i23-04 10 MB manifest: page faults <= 2x the input's pages" \
		"exit $rc, $faults faults, input $((size / 4096)) pages"
fi
# the diff of that run is the change: applied, it gives --stdout's output
$H -q --stdout "$TMP/big.yaml" >"$TMP/big.out" 2>/dev/null
if patch -s -o "$TMP/big.patched" "$TMP/big.yaml" <"$TMP/big.diff" >/dev/null 2>&1 &&
   cmp -s "$TMP/big.patched" "$TMP/big.out"; then
	t_pass "i23-04 10 MB manifest: the diff applies to the --stdout output"
else
	t_fail "i23-04 10 MB manifest: the diff applies to the --stdout output"
fi

# i23-04: loading a big file of big documents (CRDs, as argo-cd's install.yaml)
# with no operation: page faults <= 2x the input's pages
/usr/bin/python3 - "$SHARED" >"$TMP/crd.yaml" <<'EOF'
import sys, itertools
sys.path.insert(0, 'bench')
import gen
parts, size = [], 0
for c in itertools.cycle(gen.crds(sys.argv[1])):
    if size >= 1_900_000:
        break
    parts.append(c)
    size += len(c) + 4
sys.stdout.write("---\n".join(parts))
EOF
size=$(stat -c %s "$TMP/crd.yaml")
set -- $(measure /dev/null $H edit "$TMP/crd.yaml")
faults=$2 rc=$3
if [ "$rc" -eq 0 ] && [ "$size" -gt 1000000 ] && within "$faults" $((2 * size / 4096)); then
	t_pass "i23-04 no-op load of $((size / 1024)) KiB of CRDs: $faults page faults <= 2x the input's pages"
else
	t_fail "i23-04 no-op load of CRDs: page faults <= 2x the input's pages" \
		"exit $rc, $faults faults, input $((size / 4096)) pages"
fi

# i23-01: memory touched in proportion to the input and the changes: one
# Deployment to harden after 10 MB of Services and ConfigMaps costs about
# what loading the file costs (no copy faulted in page by page, no table of
# every line of the input and the output for the diff)
/usr/bin/python3 - >"$TMP/one.yaml" <<'EOF2'
import sys, random
sys.path.insert(0, 'bench')
import gen
r, parts, size, i = random.Random(1), [], 0, 0
while size < 10_000_000:
    parts.append(gen.service(i) if i % 2 else gen.configmap(i))
    size += len(parts[-1]) + 4
    i += 1
parts.append(gen.deployment(i, r))
sys.stdout.write("---\n".join(parts))
EOF2
size=$(stat -c %s "$TMP/one.yaml")
set -- $(measure /dev/null $H edit "$TMP/one.yaml")
load=$2 lrc=$3
set -- $(measure "$TMP/one.diff" $H -q "$TMP/one.yaml")
faults=$2 rc=$3
pages=$((size / 4096))
if [ "$lrc" -eq 0 ] && [ "$rc" -eq 0 ] && grep -q '^+.*runAsNonRoot' "$TMP/one.diff" &&
   within "$faults" $((load + pages / 10)); then
	t_pass "i23-01 one change in $((size / 1024)) KiB: $faults page faults, loading it $load"
else
	t_fail "i23-01 one change in a 10 MB file: page faults within a tenth of the input's pages of loading it" \
		"exit $lrc/$rc, $faults faults, loading $load, input $pages pages"
fi
fi # (the 10 MB inputs)

# i23: a single big document (1,000 Compose services, 0.26 MB): its tree,
# its edits, its output and its verification (a second tree, libyaml) take
# at most twice the page faults of loading it: arena chunks come from
# huge-page regions and output slices are sized once (they were 2.7x, a
# fault per 4 KiB of every tree's first megabyte)
gen 'gen.compose(1000)' >"$TMP/c1000.yaml"
set -- $(measure /dev/null $H edit "$TMP/c1000.yaml")
load=$2 lrc=$3
set -- $(measure "$TMP/c1000.diff" $H -q "$TMP/c1000.yaml")
faults=$2 rc=$3
if [ "$lrc" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$(grep -c '^+ *cap_drop:' "$TMP/c1000.diff")" -eq 1000 ] &&
   within "$faults" $((2 * load)); then
	t_pass "i23 1,000 Compose services: $faults page faults, loading them $load"
else
	t_fail "i23 1,000 Compose services: page faults <= 2x loading them" \
		"exit $lrc/$rc, $faults faults, loading $load"
fi
