#!/usr/bin/env bash
# format-check.sh [TOPDIR] - every C source and header of src/, include/ and
# transforms/ is as clang-format (the house .clang-format) would write it;
# lists the files it would change, with the first lines of the change, and
# fails on any. `clang-format -i FILE` mends one.
set -uo pipefail
top=${1:-.}
cf=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format)}
[ -n "$cf" ] || { echo "format-check: clang-format is missing (apt-get install clang-format)"; exit 2; }
[ -f "$top/.clang-format" ] || { echo "format-check: no $top/.clang-format"; exit 2; }
bad=0 n=0
cd "$top" || exit 2
for f in src/*/*.c src/*/*.h include/*/*.h transforms/*.c transforms/*.h; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if ! "$cf" --style=file "$f" | cmp -s "$f" -; then
		echo "format-check: $f is not formatted:"
		"$cf" --style=file "$f" | diff -u "$f" - | sed -n '3,12p'
		bad=$((bad + 1))
	fi
done
if [ "$bad" -gt 0 ]; then
	echo "format-check: $bad of $n files not formatted"
	exit 1
fi
echo "format-check: $n files formatted"
