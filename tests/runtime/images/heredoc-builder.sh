#!/usr/bin/env bash
# heredoc-builder.sh - a builder with heredocs for the Dockerfiles that use
# them, where podman's own has none (buildah 1.28.2 in podman 4.3.1): Debian
# 13's buildah (1.39) in a trixie minbase root filesystem made once with
# debootstrap (Debian's packages only) and cached like base.sh's. The image
# it builds is loaded into podman's store and run by podman as any other.
#
#   heredoc-builder.sh setup
#       make the root filesystem if needed; print "DIR VERSION"
#   heredoc-builder.sh build CONTEXT TAG REPO LOG
#       buildah build CONTEXT (FROM images taken from podman's store, the
#       apt repository REPO mounted as podman build -v mounts it, no
#       network, no pull) and load the result into podman as TAG
#
# buildah runs chrooted there with --isolation chroot and its own vfs store
# (made and removed per build), in a private mount namespace (unshare -m),
# so no mount outlives it.
set -euo pipefail
CACHE=${RT_CACHE:-/var/cache/harden-runtime}
MIRROR=${RT_MIRROR:-http://deb.debian.org/debian}
# what makes the root filesystem: its cache key
RECIPE="--variant=minbase --include=buildah,netavark trixie"
KEY=$(echo "$RECIPE" | sha256sum | cut -c1-16)
T=$CACHE/trixie-buildah-$KEY

in_root() { chroot "$T" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

setup() {
	if [ ! -x "$T/usr/bin/buildah" ]; then
		echo "runtime: building $T (debootstrap trixie, buildah)" >&2
		rm -rf "$T.tmp"
		mkdir -p "$CACHE/trixie-debs"
		# netavark: the container-network-stack containers-common needs
		# shellcheck disable=SC2086
		debootstrap --cache-dir="$CACHE/trixie-debs" $RECIPE "$T.tmp" "$MIRROR" \
			>"$T.log" 2>&1 || { tail -5 "$T.log" >&2; return 1; }
		for d in "$CACHE"/trixie-buildah-*; do # older ones
			case $d in "$T.tmp"|"$T.log") ;; *) rm -rf "$d" ;; esac
		done
		mv "$T.tmp" "$T"
	fi
	echo "$T $(in_root buildah --version 2>/dev/null | awk '{print $3}')"
}

build() { # CONTEXT TAG REPO LOG
	local ctx=$1 tag=$2 repo=$3 log=$4 w from id
	w=$(mktemp -d "$T/tmp/build.XXXXXX")
	trap 'rm -rf "$w"' RETURN
	cp -a "$ctx" "$w/ctx"
	mkdir -p "$w/in" "$w/debs"
	# the FROM images that are not stages, from podman's store
	from=$(awk 'tolower($1) == "from" {
		for (i = 2; i <= NF; i++) if ($i !~ /^--/) { print $i; break } }' \
		"$ctx/Dockerfile" | sort -u)
	local n=0 script="set -e; export STORAGE_DRIVER=vfs"
	script="$script; B='buildah --root /tmp/$(basename "$w")/store --runroot /tmp/$(basename "$w")/run'"
	for f in $from; do
		grep -qiE "^[[:space:]]*from[[:space:]].*[[:space:]]as[[:space:]]+$f\$" \
			"$ctx/Dockerfile" && continue
		id=$(podman image inspect -f '{{.Id}}' "$f" 2>/dev/null) || continue
		n=$((n + 1))
		podman image save -q --format oci-archive -o "$w/in/$n.tar" "$id" >>"$log" 2>&1
		script="$script; i=\$(\$B pull -q oci-archive:/tmp/$(basename "$w")/in/$n.tar)"
		script="$script; \$B tag \$i $(podman image inspect -f '{{index .RepoTags 0}}' "$id")"
	done
	script="$script; \$B build --isolation chroot --network host --pull=never \
		--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) \
		--ulimit nproc=$(ulimit -Hu):$(ulimit -Hu) \
		--layers=false -v /tmp/$(basename "$w")/debs:/var/cache/harden-rt/debs:ro \
		-t localhost/out /tmp/$(basename "$w")/ctx"
	script="$script; \$B push -q localhost/out oci-archive:/tmp/$(basename "$w")/out.tar:$tag"
	# shellcheck disable=SC2016
	unshare -m -n --propagation private sh -c '
		set -e
		# its root a mount point: containers/storage remounts / private
		mount --bind "$1" "$1"
		mount -t proc proc "$1/proc"
		mount --rbind /dev "$1/dev"
		mount --rbind /sys "$1/sys"
		mount --bind "$2" "$3/debs"
		chroot "$1" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			sh -c "$4"' sh "$T" "$repo" "$w" "$script" >>"$log" 2>&1 ||
		return 1
	podman load -i "$w/out.tar" >>"$log" 2>&1 && podman image exists "$tag"
}

case ${1:-} in
setup) setup ;;
build) shift; build "$@" ;;
*) echo "usage: $0 setup | build CONTEXT TAG REPO LOG" >&2; exit 2 ;;
esac
