#!/usr/bin/env bash
# dockerfiles.sh - the runtime proof for Dockerfiles (issue 20): each
# dockerfiles/NAME/ is a build context with its Dockerfile and rt.conf. In
# a copy of it: `podman build` the Dockerfile as written and run it (it must
# do its job), then `harden -i` it, which must change it and add a USER in
# its final stage, and again with --unsafe-fixes (built only when that file
# differs); each hardened file must build, its container must do its job,
# and its process must run as the user of the added USER line (uid, and
# gid when given), not root. Builds are offline (--network=none,
# --pull=never) FROM bases built locally (images/dockerfile-bases.sh), and
# apt-get reads a local repository of Debian's .debs mounted at build.
#
# rt.conf (sourced): KIND=job: the container must exit 0 within RT_TIMEOUT
# with OUTPUT in its output, and print uid=N (and gid=N) itself; KIND=serve:
# PROBE (sh, by podman exec) must succeed within RT_TIMEOUT, and the uid/gid
# are those of its PID 1 (/proc/1/status). NEEDS=heredoc: the Dockerfile
# uses heredocs (BuildKit's Dockerfile syntax 1.4). podman 4.3.1's buildah
# 1.28.2 has none, and no flag for them: it runs `RUN <<EOF` as `/bin/sh -c
# <<EOF` and fails on the body's first line (`Unknown instruction`). A
# one-line probe build finds that; such Dockerfiles are then built by
# Debian 13's buildah (images/heredoc-builder.sh: a trixie root filesystem
# made once with debootstrap, buildah chrooted with no network), loaded into
# podman's store and run by podman like the others; every line says so.
# RT_HEREDOC_BUILDER=0, or that builder failing to set up, leaves them
# hardened and checked but not built, said loudly and in the summary
# (RT_DF_STRICT=1 makes that a failure).
#
# Where podman differs from Docker, and what this does:
# - No unqualified-search registries are configured; podman resolves a
#   short name (FROM debian:bookworm-slim) to docker.io/library/ in local
#   storage, so the bases are imported under those names, as images/build.sh
#   does, and builds use --pull=never (nothing is fetched).
# - podman 4.3 needs runc and cgroupfs on these machines (containers.conf).
# - Debian's busybox has no adduser/addgroup applets and no apk exists: the
#   busybox (Alpine-style) Dockerfile adds its user to /etc/passwd itself,
#   and no Dockerfile runs `apk add`.
# - buildah 1.39 chrooted (--isolation chroot) takes no --network none:
#   the heredoc builder runs in an empty network namespace (unshare -n)
#   with --network host, and with --ulimit nofile/nproc at the hard limits
#   (it would raise them to 1048576, which this machine refuses).
#
# HARDEN (default ../../harden), RT_DOCKERFILES (names), RT_TIMEOUT (s, 30),
# RT_HEREDOC_BUILDER (1), RT_DF_STRICT (0).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
HARDEN=${HARDEN:-$here/../../harden}
HARDEN=$(cd "$(dirname "$HARDEN")" && pwd)/$(basename "$HARDEN")
RT_TIMEOUT=${RT_TIMEOUT:-30}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
if ! command -v podman >/dev/null; then
	echo "dockerfiles: SKIPPED: podman is not installed (apt-get install" \
		"podman runc): nothing was built or run" >&2
	exit 1
fi
names=${RT_DOCKERFILES:-$(cd "$here/dockerfiles" && ls)}
LOG=$(mktemp -d /tmp/harden-dockerfiles.XXXXXX)
t0=$SECONDS

# the redis image (redis-profile) and the bases
bash "$here/images/build.sh" redis >&2 ||
	{ echo "dockerfiles: image build failed"; exit 1; }
REPO=$(bash "$here/images/dockerfile-bases.sh") ||
	{ echo "dockerfiles: base image build failed"; exit 1; }
BUILD=(podman build --network=none --pull=never
	--volume "$REPO:/var/cache/harden-rt/debs:ro")

# does this builder take heredocs? (one tiny build)
HEREDOC=1 heredoc_why=
mkdir -p "$LOG/heredoc-probe"
printf 'FROM busybox:1.35\nRUN <<EOF\ntrue\nEOF\n' >"$LOG/heredoc-probe/Dockerfile"
if "${BUILD[@]}" --layers=false -q "$LOG/heredoc-probe" \
	>"$LOG/heredoc-probe/log" 2>&1; then
	podman rmi "$(tail -1 "$LOG/heredoc-probe/log")" >/dev/null 2>&1 || :
else
	HEREDOC=0
	heredoc_why="buildah $(podman info -f '{{.Host.BuildahVersion}}' \
		2>/dev/null || :), podman $(podman version -f '{{.Client.Version}}')"
	err=$(grep -m1 -o 'Unknown instruction: "[A-Z]*"' "$LOG/heredoc-probe/log" ||
		grep -m1 '^Error' "$LOG/heredoc-probe/log" | cut -c1-160)
	echo "dockerfiles: THIS BUILDER HAS NO HEREDOCS ($heredoc_why): a" \
		"one-instruction RUN <<EOF build fails with: $err"
	# Debian 13's buildah instead, for the Dockerfiles that need it
	need=0
	for n in $names; do
		grep -qx NEEDS=heredoc "$here/dockerfiles/$n/rt.conf" 2>/dev/null &&
			need=1
	done
	if [ "${RT_HEREDOC_BUILDER:-1}" = 1 ] && [ "$need" = 1 ]; then
		if hb=$(bash "$here/images/heredoc-builder.sh" setup); then
			HEREDOC=2 heredoc_by="buildah ${hb#* } of Debian 13"
			echo "dockerfiles: Dockerfiles with heredocs are built with" \
				"$heredoc_by (images/heredoc-builder.sh: chrooted, no" \
				"network), loaded into podman and run by podman"
		else
			echo "dockerfiles: no other builder (images/heredoc-builder.sh" \
				"setup failed)"
		fi
	fi
	[ "$HEREDOC" = 0 ] && echo "dockerfiles: Dockerfiles with heredocs" \
		"are hardened and checked, NOT built"
fi

build() { # DIR TAG LOG [other]: podman build (or images/heredoc-builder.sh),
	# replacing the image TAG had
	local old new
	old=$(podman image inspect --format '{{.Id}}' "$2" 2>/dev/null) || :
	if [ "${4:-}" = other ]; then
		: >"$3"
		bash "$here/images/heredoc-builder.sh" build "$1" "$2" "$REPO" "$3" ||
			return
	else
		"${BUILD[@]}" -t "$2" "$1" >"$3" 2>&1 || return
	fi
	new=$(podman image inspect --format '{{.Id}}' "$2")
	if [ -n "$old" ] && [ "$old" != "$new" ]; then
		podman rmi "$old" >/dev/null 2>&1 || :
	fi
}

# ids of the process of container $1: "UID GID" (PID 1's real ids)
proc_ids() {
	podman exec "$1" cat /proc/1/status 2>/dev/null |
		awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u, g}'
}

run_check() { # TAG NAME DIR: "ok UID GID" or why not
	local tag=$1 c=rt-df-$2 out t ids
	podman rm -f "$c" >/dev/null 2>&1
	if [ "$KIND" = job ]; then
		out=$(timeout "$RT_TIMEOUT" podman run --name "$c" --network=none \
			"$tag" 2>&1)
		t=$?
		printf '%s\n' "$out" >>"$3/run.log"
		podman rm -f "$c" >/dev/null 2>&1
		[ "$t" = 0 ] || { echo "exited $t: $(tail -1 <<<"$out")"; return; }
		grep -qF -- "$OUTPUT" <<<"$out" ||
			{ echo "no \"$OUTPUT\" in: $(tail -1 <<<"$out")"; return; }
		ids=$(sed -n 's/.*uid=\([0-9]*\).*/\1/p' <<<"$out" | tail -1)
		ids="$ids $(sed -n 's/.*gid=\([0-9]*\).*/\1/p' <<<"$out" | tail -1)"
		echo "ok $ids"
		return
	fi
	podman run -d --name "$c" --network=none "$tag" >>"$3/run.log" 2>&1 ||
		{ echo "does not start"; return; }
	t=$SECONDS
	while :; do
		if [ "$(podman inspect -f '{{.State.Status}}' "$c")" != running ]; then
			echo "exited: $(podman logs --tail 1 "$c" 2>&1)"
			break
		fi
		if podman exec "$c" sh -c "$PROBE" >>"$3/run.log" 2>&1; then
			echo "ok $(proc_ids "$c")"
			break
		fi
		if [ $((SECONDS - t)) -ge "$RT_TIMEOUT" ]; then
			echo "no answer after ${RT_TIMEOUT}s"
			break
		fi
		sleep 1
	done
	podman logs "$c" >>"$3/run.log" 2>&1
	podman rm -f -t 2 "$c" >/dev/null 2>&1
}

# the USER line harden added to DOCKERFILE (from its diff with ORIGINAL), as
# "LINE-NUMBER VALUE"; its stage must be the last
added_user() { # ORIGINAL DOCKERFILE
	/usr/bin/python3 - "$1" "$2" <<'PY'
import difflib, re, sys
old = open(sys.argv[1]).read().splitlines()
new = open(sys.argv[2]).read().splitlines()
added = []
for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
    if op in ("insert", "replace"):
        for i in range(b1, b2):
            m = re.match(r"\s*user\s+(\S+)\s*$", new[i], re.I)
            if m:
                added.append((i + 1, m.group(1)))
if len(added) != 1:
    sys.exit("%d USER lines added" % len(added))
line, value = added[0]
# lines of heredoc bodies (RUN/COPY/ADD <<WORD ... WORD) are no instructions
body, end = set(), None
for i, l in enumerate(new):
    if end is not None:
        body.add(i + 1)
        if l.strip() == end:
            end = None
        continue
    m = re.match(r"\s*(run|copy|add)\b.*<<-?[\"']?(\w+)", l, re.I)
    if m:
        end = m.group(2)
if line in body:
    sys.exit("USER %s (line %d) is inside a heredoc" % (value, line))
froms = [i + 1 for i, l in enumerate(new)
         if i + 1 not in body and re.match(r"\s*from\s", l, re.I)]
if not froms or max(froms) > line:
    sys.exit("USER %s (line %d) is not in the final stage" % (value, line))
print(line, value)
PY
}

# the uid and gid (numbers, or names resolved in the image) of USER VALUE
want_ids() { # TAG VALUE
	local u=${2%%:*} g='' ids
	[ "$u" != "$2" ] && g=${2#*:}
	if [[ ! $u =~ ^[0-9]+$ ]] || { [ -n "$g" ] && [[ ! $g =~ ^[0-9]+$ ]]; }; then
		ids=$(podman run --rm --network=none --user 0 --entrypoint sh "$1" \
			-c "id -u $u; ${g:+getent group $g | cut -d: -f3 || grep \"^$g:\" /etc/group | cut -d: -f3}" \
			2>/dev/null | paste -sd' ' -)
		u=${ids%% *}
		[ -n "$g" ] && g=${ids#* }
	fi
	echo "$u ${g:--}"
}

one() { # NAME: prints result lines, "built", "hardened", "nonroot" as counted
	local n=$1 d=$LOG/$1 m r line value tag want got
	local KIND=job OUTPUT='' PROBE='' NEEDS=''
	# shellcheck disable=SC1090
	. "$here/dockerfiles/$n/rt.conf"
	mkdir -p "$d"
	local buildable=1 by=''
	[ "$NEEDS" = heredoc ] && [ "$HEREDOC" != 1 ] && buildable=$HEREDOC
	[ "$buildable" = 2 ] && by=", built with $heredoc_by"
	for m in written default unsafe; do
		mkdir -p "$d/$m"
		(cd "$here/dockerfiles/$n" && tar --exclude=./rt.conf -c .) |
			tar -C "$d/$m" -x
		tag=localhost/harden-rt-df/$n:$m
		if [ "$m" != written ]; then
			cp "$d/$m/Dockerfile" "$d/$m/Dockerfile.orig"
			local flags=(-q -i)
			[ "$m" = unsafe ] && flags+=(--unsafe-fixes)
			"$HARDEN" "${flags[@]}" "$d/$m/Dockerfile" >"$d/$m/harden.out" 2>&1
			r=$?
			if [ "$r" -ge 2 ]; then
				echo "$n $m FAIL harden exit $r: $(head -1 "$d/$m/harden.out")"
				continue
			fi
			if cmp -s "$d/$m/Dockerfile" "$d/$m/Dockerfile.orig"; then
				echo "$n $m FAIL harden -i changed nothing"
				continue
			fi
			diff -u "$d/$m/Dockerfile.orig" "$d/$m/Dockerfile" >"$d/$m/diff"
			if ! line=$(added_user "$d/$m/Dockerfile.orig" \
				"$d/$m/Dockerfile" 2>&1); then
				echo "$n $m FAIL $line"
				continue
			fi
			value=${line#* }
			[ "$m" = default ] && echo "hardened"
			if [ "$m" = unsafe ] && cmp -s "$d/$m/Dockerfile" \
				"$d/default/Dockerfile"; then
				echo "$n $m = default (the same file)"
				continue
			fi
		fi
		if [ "$buildable" = 0 ]; then
			echo "$n $m NOT BUILT (no heredocs in $heredoc_why)"
			continue
		fi
		if ! build "$d/$m" "$tag" "$d/$m/build.log" \
			"$([ "$buildable" = 2 ] && echo other)"; then
			echo "$n $m FAIL ${by:+$heredoc_by }build: $(grep -m1 -E \
				'^Error|error' "$d/$m/build.log" || tail -1 "$d/$m/build.log")"
			continue
		fi
		[ "$m" = written ] && echo "built"
		[ "$m" = written ] && [ "$buildable" = 2 ] && echo "other"
		r=$(run_check "$tag" "$n" "$d/$m")
		case $r in ok*) ;; *) echo "$n $m FAIL $r"; continue ;; esac
		got=${r#ok }
		if [ "$m" = written ]; then
			echo "$n $m ok (runs as uid ${got% *}$by)"
			continue
		fi
		[ "$(podman image inspect -f '{{.Config.User}}' "$tag")" = "$value" ] ||
			{ echo "$n $m FAIL image User is not $value"; continue; }
		want=$(want_ids "$tag" "$value")
		if [ "${got% *}" != "${want% *}" ] || [ "${got% *}" = 0 ] ||
			{ [ "${want#* }" != - ] && [ "${got#* }" != "${want#* }" ]; }; then
			echo "$n $m FAIL runs as uid:gid ${got/ /:}, USER $value is ${want/ /:}"
			continue
		fi
		echo "$n $m ok (USER $value, runs as ${got/ /:}$by)"
		[ "$m" = default ] && echo "nonroot"
	done
}

built=0 hardened=0 nonroot=0 notbuilt=0 fail=0 total=0 other=0
for n in $names; do
	[ -f "$here/dockerfiles/$n/Dockerfile" ] || continue
	total=$((total + 1))
	while IFS= read -r l; do
		case $l in
		built) built=$((built + 1)) ;;
		hardened) hardened=$((hardened + 1)) ;;
		nonroot) nonroot=$((nonroot + 1)) ;;
		other) other=$((other + 1)) ;;
		*) printf 'dockerfiles: %s\n' "$l"
			case $l in
			*" FAIL "*) fail=$((fail + 1)) ;;
			*" written NOT BUILT"*) notbuilt=$((notbuilt + 1)) ;;
			esac ;;
		esac
	done < <(one "$n")
done
echo "dockerfiles: logs in $LOG ($((SECONDS - t0)) s)"
echo "dockerfiles: $total Dockerfiles: $built built$([ "$other" = 0 ] ||
	echo " ($other with $heredoc_by)"), $hardened hardened," \
	"$nonroot run as non-root$([ "$notbuilt" = 0 ] ||
		echo ", $notbuilt not built (no heredocs in $heredoc_why)")"
[ "$fail" = 0 ] || exit 1
[ "$notbuilt" = 0 ] || [ "${RT_DF_STRICT:-0}" != 1 ] || exit 1
[ $((built + notbuilt)) = "$total" ] && [ "$hardened" = "$total" ] &&
	[ $((nonroot + notbuilt)) = "$total" ]
