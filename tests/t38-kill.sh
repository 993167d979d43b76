# t38-kill.sh - issue 22 item 12: SIGTERM at random points of `-i -j2`
# leaves no .harden-XXXXXX temp file behind (each is registered for removal
# before it exists on disk), and every file is either the original or the
# whole hardened result, never a half-written one.
if [ -n "${HD_UNDER_VALGRIND:-}" ]; then
	echo "note: i22-12 kill trials skipped under valgrind (a killed process is no memcheck verdict)"
else
K=$TMP/kill; mkdir -p "$K/src"
for f in examples/k8s/*.in.yaml; do
	for n in 1 2 3 4 5 6; do cp "$f" "$K/src/$n-$(basename "$f" .in.yaml).yaml"; done
done
mkdir -p "$K/want"; cp "$K/src"/*.yaml "$K/want/"
$H -i -q -j1 "$K/want" >/dev/null 2>&1
(cd "$K/src" && sha256sum -- *.yaml) >"$K/sums"
(cd "$K/want" && sha256sum -- *.yaml) >>"$K/sums"
# how long a whole run takes: the kills land anywhere in it
s=$(date +%s%N); cp -r "$K/src" "$K/probe"; $H -i -q -j2 "$K/probe" >/dev/null 2>&1
span=$(( ($(date +%s%N) - s) / 1000 )); [ "$span" -gt 20000 ] || span=20000   # microseconds
TRIALS=${KILL_TRIALS:-40}
left=0 torn=0 trials=0 deadline=$(( $(date +%s) + 40 ))
for i in $(seq 1 "$TRIALS"); do
	[ "$(date +%s)" -lt "$deadline" ] || break
	trials=$((trials + 1))
	rm -rf "$K/run"; cp -r "$K/src" "$K/run"
	$H -i -q -j2 "$K/run" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v r="$RANDOM" -v s="$span" 'BEGIN { printf "%.6f", (r / 32768) * s / 1000000 }')"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$(find "$K/run" -name '.harden-*' | wc -l)
	left=$((left + n))
	# (one process for all: process start-up is slow on a loaded machine)
	torn=$((torn + $(cd "$K/run" && sha256sum -- *.yaml | awk -v s="$K/sums" '
		BEGIN { while ((getline l <s) > 0) ok[l] = 1 } !ok[$0] { n++ } END { print n + 0 }')))
done
[ "$left" -eq 0 ] && [ "$torn" -eq 0 ] && [ "$trials" -ge 10 ] &&
	t_pass "i22-12: SIGTERM during -i -j2, $trials trials: no temp file left, no torn file" ||
	t_fail "i22-12: SIGTERM during -i -j2" "$left temp files left, $torn torn files in $trials trials"
fi
