#!/usr/bin/env bash
# check-layers.sh - fail when a lower layer includes or calls a higher one
#
# usage: tests/tools/check-layers.sh [TREE [BUILD]]
#   TREE: the source root (default .); BUILD: its object directory
#   (default TREE/build); without objects there only the includes are checked.
#
# The layers, lowest first (docs/DESIGN.md draws them):
#   0 yaml        src/yaml/, include/yaml/   the YAML engine and the bytes under it
#     docker      src/docker/, include/docker/  the Dockerfile front end: beside
#                                            the YAML engine, on the bytes only
#   1 core        src/core/, include/core/   models, exemptions, findings, policy,
#                                            driver, reports
#   2 transforms  transforms/                one hardening pass per file
#   3 cli         src/cli/, include/cli/     main, harden edit, the worker pool
# A file may include headers of its own layer and the layers below it; an
# internal header (src/LAYER/x.h) only from its own folder.  An object may
# call or read only symbols defined in its own layer, a lower one, or outside
# harden (libc, libfyaml, libyaml, pcre2).  One exception, by design:
# core/registry.o is the table of transforms, so it names each transform's
# descriptor (hd_tr_*) and nothing else of that layer.
# Within the engine, the bytes modules (util, splice, diff, maskset, fileio
# and the headers common.h, banned.h) know no YAML: they include only each
# other, so a second front end (Dockerfiles) can use splices and the diff.
set -u
export LC_ALL=C
root=${1:-.}
build=${2:-$root/build}
build=$(cd "$build" 2>/dev/null && pwd || echo "$build") # before cd "$root"
bad=0
BYTES=" util common banned splice maskset diff fileio "

# ---- includes ---------------------------------------------------------------
# one awk over "FILE:HEADER" lines; headers beside the file first, else include/*/
cd "$root" || exit 2
files=$(ls src/*/*.[ch] include/*/*.h transforms/*.[ch] 2>/dev/null)
nfiles=$(echo "$files" | grep -c .)
out=$( { ls include/*/*.h src/*/*.h transforms/*.h 2>/dev/null | sed 's/^/H /'
	echo "$files" | sed 's/^/F /'
	grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files |
		sed 's/^\([^:]*\):[^"]*"\([^"]*\)".*/I \1 \2/'; } |
	awk -v bytes="$BYTES" '
	function layer(p) {
		if (p ~ /^(src|include)\/(yaml|docker)\//) return 0
		if (p ~ /^(src|include)\/core\//) return 1
		if (p ~ /^transforms\//) return 2
		if (p ~ /^(src|include)\/cli\//) return 3
		return -1
	}
	function lname(l) { return l == 0 ? "yaml" : l == 1 ? "core" : l == 2 ? "transforms" : "cli" }
	function dir(p) { sub(/\/[^\/]*$/, "", p); return p }
	function base(p) { sub(/^.*\//, "", p); sub(/\.[ch]$/, "", p); return p }
	$1 == "H" { have[$2] = 1; if ($2 ~ /^include\//) { b = $2; sub(/^.*\//, "", b); if (!(b in pub)) pub[b] = $2 } next }
	$1 == "F" { if (layer($2) < 0) print $2 ": in no layer (src/yaml, src/docker, src/core, transforms, src/cli and their include/ folders)"; next }
	$1 == "I" {
		f = $2; h = $3; l = layer(f)
		if (l < 0) next
		hp = dir(f) "/" h
		if (!(hp in have)) hp = (h in pub) ? pub[h] : ""
		if (hp == "") { print f ": includes \"" h "\", which is in no layer"; next }
		hl = layer(hp)
		if (hl > l) print f " (" lname(l) ") includes " hp " (" lname(hl) "): a lower layer must not include a higher one"
		if (hp ~ /^src\// && dir(hp) != dir(f)) print f " includes " hp ", an internal header of another folder"
		hb = h; sub(/\.h$/, "", hb)
		if (index(bytes, " " base(f) " ") && !index(bytes, " " hb " "))
			print f " is a bytes module (no YAML) but includes " hp
		if (f ~ /^(src|include)\/docker\// && hp !~ /^(src|include)\/docker\// && !index(bytes, " " hb " "))
			print f " is the Dockerfile front end (bytes only, no YAML) but includes " hp
	}')
[ -n "$out" ] && { echo "$out" | sed 's/^/check-layers: /' >&2; bad=1; }

# ---- links -------------------------------------------------------------------
# nm -A over every object at once: "OBJ: [ADDR] TYPE SYM"; defined global
# symbols give each name its layer, then every undefined one is looked up
objs=$(ls "$build"/src/*/*.o "$build"/transforms/*.o 2>/dev/null)
nobj=0
if [ -n "$objs" ]; then
	nobj=$(echo "$objs" | grep -c .)
	out=$( { nm -A -g --defined-only $objs 2>/dev/null | sed 's/^/D /'
		nm -A -u $objs 2>/dev/null | sed 's/^/U /'; } |
		awk -v build="$build/" '
		function layer(p) {
			if (p ~ /^src\/(yaml|docker)\//) return 0
			if (p ~ /^src\/core\//) return 1
			if (p ~ /^transforms\//) return 2
			if (p ~ /^src\/cli\//) return 3
			return -1
		}
		function lname(l) { return l == 0 ? "yaml" : l == 1 ? "core" : l == 2 ? "transforms" : "cli" }
		{ o = $2; sub(/:$/, "", o); if (index(o, build) == 1) o = substr(o, length(build) + 1); sym = $NF }
		$1 == "D" { if (!(sym in def)) { def[sym] = o; dl[sym] = layer(o) } next }
		$1 == "U" { u[++n] = o " " sym }
		END {
			for (i = 1; i <= n; i++) {
				split(u[i], p, " "); o = p[1]; sym = p[2]
				if (!(sym in def)) continue
				l = layer(o)
				if (dl[sym] <= l) continue
				if (o == "src/core/registry.o" && dl[sym] == 2 && sym ~ /^hd_tr_/) continue
				print o " (" lname(l) ") uses " sym " of " def[sym] " (" lname(dl[sym]) "): a lower layer must not call a higher one"
			}
		}')
	[ -n "$out" ] && { echo "$out" | sed 's/^/check-layers: /' >&2; bad=1; }
fi

if [ "$bad" = 0 ]; then
	msg="$nfiles files include only their layer and those below"
	[ "$nobj" -gt 0 ] && msg="$msg; $nobj objects call only their layer and those below" ||
		msg="$msg; no objects in $build, links not checked"
	echo "check-layers: $msg"
fi
exit $bad
