#!/usr/bin/env bash
# check-includes.sh - fail when modules of src/*/ and transforms/ include each other in a cycle
#
# usage: tests/tools/check-includes.sh [TREE]   (TREE: the source root, default .)
# A module is a .c file; it depends on every module whose header it includes
# ("model.h" -> model).  A header with no .c of its name (transform.h, cli.h,
# transforms/tr.h) is a module of its own that depends on what it includes;
# an internal header (src/yaml/ytree_int.h) belongs to its module (ytree).
# An include cycle (x.c includes y.h and y.c includes x.h, or longer) means
# neither module can be read, tested or moved without the other: move the
# shared piece down a layer instead.  `make check-layers` (check-layers.sh)
# checks the direction between the layers.
set -u
root=${1:-.}
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

deps() { # FILE MODULE: "MODULE dep" lines for FILE's local includes
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$1" |
		while read -r d; do
			d=${d##*/}
			d=${d%_int} # x_int.h: module x's internal header, part of x
			[ "$d" != "$2" ] && printf '%s %s\n' "$2" "$d"
		done
}
for f in "$root"/src/*/*.c "$root"/transforms/*.c; do
	[ -f "$f" ] || continue
	m=$(basename "$f" .c)
	printf '%s %s\n' "$m" "$m" >>"$edges" # every module is a node
	deps "$f" "$m" >>"$edges"
done
for h in "$root"/include/*/*.h "$root"/src/*/*.h "$root"/transforms/*.h; do
	[ -f "$h" ] || continue
	m=$(basename "$h" .h)
	m=${m%_int}
	ls "$root"/src/*/"$m.c" >/dev/null 2>&1 || [ -f "$root/transforms/$m.c" ] && continue
	deps "$h" "$m" >>"$edges"
done
n=$(cut -d' ' -f1 "$edges" | sort -u | wc -l)
if ! out=$(tsort "$edges" 2>&1 >/dev/null) || [ -n "$out" ]; then
	echo "check-includes: include cycle among the modules of $root:" >&2
	echo "$out" | sed -n 's/^tsort: \([a-z_0-9]*\)$/  \1/p' | awk '!seen[$0]++' >&2
	# the pairs that include each other directly, the usual culprits
	awk '{ e[$1" "$2] = 1 } END { for (k in e) { split(k, p, " ");
		if (p[1] < p[2] && e[p[2]" "p[1]]) print "  " p[1] ".c <-> " p[2] ".c" } }' "$edges" | sort >&2
	exit 1
fi
echo "check-includes: $n modules, no include cycle"
