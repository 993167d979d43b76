# t50-golden.sh - examples/ before/after pairs are golden tests
. tests/golden.sh
