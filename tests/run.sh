#!/usr/bin/env bash
# tests/run.sh - end-to-end tests of the harden binary (see README "Tests")
#
# Every tests/t*.sh runs in its own shell with its own scratch directory,
# TEST_JOBS of them at a time (default: the number of CPUs; 1 runs them one
# after the other). A line per test file is printed as soon as it finishes
# (with its output, so a failure shows at once), then the pass/fail counts
# are summed.
# `bash tests/run.sh tests/t40-cli.sh ...` runs only the files named.
# HD_SAMPLE=N (make test: 4) runs the corpus-wide loops on every Nth corpus
# file only; make test-full leaves it at 1, every file.
set -u
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--one" ]; then # internal: run one test file
	t=$2 res=$3
	. tests/lib.sh
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	HD_TEST=$(basename "$t" .sh)
	export HD_TEST
	. "$t"
	echo "$T_PASS $T_FAIL" >"$res.count"
	printf '%s' "$T_FAILED" >"$res.failed"
	exit 0
fi
if [ "${1:-}" = "--done" ]; then # internal: a test file finished; say so now
	t=$2 r=$3 secs=$4
	{
		flock 9
		if [ -s "$r.count" ]; then read -r p f <"$r.count"; else p=0 f="?"; fi
		if [ "$f" = 0 ]; then
			printf 'ok   %-28s %3d passed  (%ss)\n' "$(basename "$t" .sh)" "$p" "$secs"
			[ -n "${VERBOSE:-}" ] && sed 's/^/     /' "$r.out"
		else
			printf 'FAIL %-28s %3d passed, %s failed  (%ss)\n' "$(basename "$t" .sh)" "$p" "$f" "$secs"
			sed 's/^/     /' "$r.out"
		fi
	} 9>>"$(dirname "$r")/print.lock"
	exit 0
fi

. tests/lib.sh
export H=${HARDEN:-./harden}
export TOPDIR; TOPDIR=$(pwd)
export SHARED=${SHARED:-../shared}
export INJECT=${INJECT:-build/tests/libinject.so}
export HD_SAMPLE=${HD_SAMPLE:-1}
export PY=/usr/bin/python3
RES=$(mktemp -d)
trap 'rm -rf "$RES"' EXIT

if [ ! -d "$SHARED/corpus" ]; then
	echo "##########################################################" >&2
	echo "## SHARED corpus not found at '$SHARED' (set SHARED=DIR) ##" >&2
	echo "## corpus, yaml-test-suite and oracle tests CANNOT RUN    ##" >&2
	echo "##########################################################" >&2
	t_fail "shared corpus present" "$SHARED"
fi

if [ $# -gt 0 ]; then tests=("$@"); else tests=(tests/t*.sh); fi
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$HD_SAMPLE" -gt 1 ] && echo "corpus-wide loops on 1 in $HD_SAMPLE corpus files (make test-full: all)"
# Start the slowest tests first so that the others fill the other slots.
slow=" tests/t22-restyled.sh tests/t60-k8s.sh tests/t70-compose.sh tests/t35-hostile.sh tests/t10-identity.sh "
order=()
for t in "${tests[@]}"; do case $slow in *" $t "*) order+=("$t") ;; esac; done
for t in "${tests[@]}"; do case $slow in *" $t "*) ;; *) order+=("$t") ;; esac; done

start=$(date +%s)
for t in "${order[@]}"; do printf '%s\0' "$t"; done |
	xargs -0 -P "$jobs" -I{} sh -c 'r="$2/$(basename "$1" .sh)"; s=$(date +%s)
		bash "$0" --one "$1" "$r" >"$r.out" 2>&1; bash "$0" --done "$1" "$r" $(($(date +%s) - s))' \
		tests/run.sh {} "$RES"

for t in "${tests[@]}"; do
	r=$RES/$(basename "$t" .sh)
	if [ -s "$r.count" ]; then
		read -r p f <"$r.count"
		T_PASS=$((T_PASS + p)) T_FAIL=$((T_FAIL + f))
		[ -s "$r.failed" ] && T_FAILED="$T_FAILED$(cat "$r.failed")"
	else
		t_fail "$t ran to the end" "it stopped early (see its output above)"
	fi
done
echo "tests took $(($(date +%s) - start))s"
t_summary
