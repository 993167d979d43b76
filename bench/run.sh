#!/usr/bin/env bash
# bench/run.sh - entry point for `make bench`
set -eu
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/run.py "$@"
