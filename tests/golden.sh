#!/usr/bin/env bash
# tests/golden.sh - run every examples/*/NAME.in.yaml (and NAME.in.Dockerfile)
# with NAME.args and compare with NAME.out.yaml (NAME.out.Dockerfile), NAME.diff (diff), NAME.err
# (stderr, path stripped) and NAME.rc (the exit code; none: 0), so that
# refused input is golden too (i21-05).  UPDATE=1 rewrites the expected files.
# Sourced by tests/run.sh (uses its t_pass/t_fail), or run alone.
golden_one() {
	local in=$1 ext=${1##*.} args rc
	local base=${1%.in."$ext"}
	[ -f "$base.args" ] && eval "set -- $(cat "$base.args")" || set --
	local name=${base#examples/}
	if [ "${1:-}" = edit ]; then
		shift
		$H edit "$in" "$@" >"$TMP/g.out" 2>"$TMP/g.err"; rc=$?
		$H edit "$in" "$@" --diff >"$TMP/g.diff" 2>/dev/null
	else
		$H "$@" --stdout "$in" >"$TMP/g.out" 2>"$TMP/g.err"; rc=$?
		$H "$@" -q "$in" >"$TMP/g.diff" 2>/dev/null
	fi
	sed -e "s|^$in:|IN:|" -e "s|$TMP|\$TMP|g" "$TMP/g.err" >"$TMP/g.err2"
	if [ -n "${UPDATE:-}" ]; then
		cp "$TMP/g.out" "$base.out.$ext"; cp "$TMP/g.diff" "$base.diff"
		if [ -s "$TMP/g.err2" ]; then cp "$TMP/g.err2" "$base.err"; else rm -f "$base.err"; fi
		if [ $rc -ne 0 ]; then echo $rc >"$base.rc"; else rm -f "$base.rc"; fi
		return
	fi
	local why="" want=0
	[ -f "$base.rc" ] && want=$(cat "$base.rc")
	[ "$rc" = "$want" ] || why="exit $rc, not $want"
	cmp -s "$TMP/g.out" "$base.out.$ext" || why="$why output differs"
	cmp -s "$TMP/g.diff" "$base.diff" || why="$why diff differs"
	if [ -f "$base.err" ]; then cmp -s "$TMP/g.err2" "$base.err" || why="$why stderr differs"
	elif [ -s "$TMP/g.err2" ]; then why="$why unexpected stderr"; fi
	if [ "$want" != 0 ]; then # refused: nothing written, the error said
		[ -s "$TMP/g.out" ] && why="$why output on a refused file"
		[ -s "$TMP/g.diff" ] && why="$why diff on a refused file"
		grep -q '^IN:[0-9]*:[0-9]*: error: ' "$TMP/g.err2" || why="$why no IN:line:col: error:"
		if [ -z "$why" ]; then t_pass "golden $name (exit $want)"; else t_fail "golden $name" "$why"; fi
		return
	fi
	# idempotent: the same run on the output changes nothing
	cp "$base.out.$ext" "$TMP/g2.$ext"
	if [ -f "$base.args" ] && head -c4 "$base.args" | grep -q '^edit'; then
		$H edit "$TMP/g2.$ext" "$@" | cmp -s - "$TMP/g2.$ext" || why="$why second run changes"
	else
		$H "$@" -q --check "$TMP/g2.$ext" >/dev/null || why="$why second run changes"
	fi
	# the diff applies to the input and gives the output
	# (a diff with masked secret values, on any line, is for reading only)
	if [ -s "$base.diff" ] && ! grep -q '^[-+ ].*\*\*\*\*\*\*\*\*' "$base.diff"; then
		mkdir -p "$TMP/ga" && cp "$in" "$TMP/ga/x.$ext"
		sed -e "s|^--- a/.*|--- a/x.$ext|" -e "s|^+++ b/.*|+++ b/x.$ext|" "$base.diff" >"$TMP/ga.diff"
		(cd "$TMP/ga" && patch -s -p1 <"$TMP/ga.diff") && cmp -s "$TMP/ga/x.$ext" "$base.out.$ext" ||
			why="$why diff does not patch"
	fi
	if [ -z "$why" ]; then t_pass "golden $name"; else t_fail "golden $name" "$why"; fi
}
for g in examples/*/*.in.yaml examples/*/*.in.Dockerfile; do
	[ -f "$g" ] && golden_one "$g"
done
