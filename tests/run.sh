#!/usr/bin/env bash
# tests/run.sh - end-to-end tests of the harden binary (see README "Tests")
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
H=${HARDEN:-./harden}
TOPDIR=$(pwd)
SHARED=${SHARED:-../shared}
INJECT=${INJECT:-build/tests/libinject.so}
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ ! -d "$SHARED/corpus" ]; then
	echo "##########################################################" >&2
	echo "## SHARED corpus not found at '$SHARED' (set SHARED=DIR) ##" >&2
	echo "## corpus, yaml-test-suite and oracle tests CANNOT RUN    ##" >&2
	echo "##########################################################" >&2
	t_fail "shared corpus present" "$SHARED"
fi

for t in tests/t*.sh; do
	. "$t"
done

t_summary
