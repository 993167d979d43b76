# tests/lib.sh - tiny test harness: t_pass/t_fail counters and helpers
T_PASS=0
T_FAIL=0
T_FAILED=""

t_pass() { T_PASS=$((T_PASS + 1)); [ -n "${VERBOSE:-}" ] && echo "[PASS] $1"; return 0; }
t_fail() { T_FAIL=$((T_FAIL + 1)); T_FAILED="$T_FAILED
  $1"; echo "[FAIL] $1${2:+: $2}"; return 0; }
t_check() { # name, command...
	local name=$1; shift
	if "$@"; then t_pass "$name"; else t_fail "$name"; fi
}
t_summary() {
	[ -n "$T_FAILED" ] && printf 'failed:%s\n' "$T_FAILED"
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
# corpus_sample FILE...: the files a corpus-wide loop runs on: every one, or
# with HD_SAMPLE=N (make test) every Nth, starting at HD_SAMPLE_OFFSET (0)
corpus_sample() {
	local i=0
	for f; do
		[ $((i % ${HD_SAMPLE:-1})) -eq "${HD_SAMPLE_OFFSET:-0}" ] && printf '%s\n' "$f"
		i=$((i + 1))
	done
}
