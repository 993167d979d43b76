#!/usr/bin/env bash
# dockerfile-bases.sh - the base images and the package repository the
# Dockerfiles of ../dockerfiles/ build FROM, made locally (no registry is
# reachable), cached like build.sh's images (a label with the hash of what
# built them; rebuilt only when it changes). Prints the repository directory.
#
# - docker.io/library/debian:bookworm-slim: the shared bookworm minbase root
#   filesystem of base.sh without its cached .debs and package lists, whose
#   one apt source is the flat repository $CACHE/debrepo-KEY of those .debs
#   (file:/var/cache/harden-rt/debs, trusted). `apt-get update && apt-get
#   install` in a Dockerfile work offline when the build mounts it there:
#   podman build -v $CACHE/debrepo-KEY:/var/cache/harden-rt/debs:ro.
# - docker.io/library/python:3.11-slim-bookworm: the same with Debian's
#   python3 (/usr/bin/python3, and python), as the official python image is
#   debian:bookworm-slim with a Python (its own build, in /usr/local).
# - docker.io/library/busybox:1.35, the Alpine-style base: FROM scratch plus
#   Debian's statically linked busybox (busybox-static, the one package this
#   fetches from the Debian mirror) with an applet link in /bin for each
#   applet, /etc/passwd, /etc/group and /etc/shadow with root and nobody, and
#   /tmp 1777, as the official busybox image is laid out. Debian builds
#   busybox without adduser/addgroup and there is no apk: a Dockerfile on it
#   adds its user by appending to /etc/passwd and /etc/group.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${RT_CACHE:-/var/cache/harden-runtime}
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
BASE=$CACHE/base-$(hash_of "$here/base.sh")
KEY=$(hash_of "$here/base.sh" "$here/dockerfile-bases.sh")
REPO=$CACHE/debrepo-$KEY
[ -d "$BASE" ] || { echo "runtime: no $BASE (build.sh makes it)" >&2; exit 1; }

cached() { # TAG: has the image of this KEY
	[ "$(podman image inspect --format '{{index .Labels "harden.rt.key"}}' \
		"$1" 2>/dev/null)" = "$KEY" ]
}
replace() { # TAG OLD-ID: drop the image this one replaced (if unused)
	local new
	new=$(podman image inspect --format '{{.Id}}' "$1")
	if [ -n "$2" ] && [ "$2" != "$new" ]; then
		podman rmi "$2" >/dev/null 2>&1 || :
	fi
}

if [ ! -f "$REPO/Packages" ]; then
	echo "runtime: building the local Debian repository $REPO" >&2
	rm -rf "$REPO.tmp"; mkdir -p "$REPO.tmp"
	cp -l "$BASE"/var/cache/apt/archives/*.deb "$REPO.tmp/" 2>/dev/null ||
		cp "$BASE"/var/cache/apt/archives/*.deb "$REPO.tmp/"
	(cd "$REPO.tmp" && dpkg-scanpackages -m . /dev/null >Packages 2>/dev/null)
	for d in "$CACHE"/debrepo-*; do # older repositories
		[ "$d" = "$REPO.tmp" ] || rm -rf "$d"
	done
	mv "$REPO.tmp" "$REPO"
fi

# debian_like TAG PKGS...: the bookworm root filesystem with PKGS installed
# (from the cached .debs, offline), then without .debs and package lists and
# with the local repository as its one apt source; CMD [$CMD]
debian_like() {
	local tag=$1 old R
	shift
	cached "$tag" && return 0
	echo "runtime: building image $tag (key $KEY)" >&2
	old=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null) || :
	R=$(mktemp -d "$CACHE/work-debian.XXXXXX")
	cp -a "$BASE/." "$R/"
	if [ $# -gt 0 ]; then
		chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get install \
			-y -qq --no-install-recommends "$@" >"$R.log" 2>&1 ||
			{ tail -20 "$R.log"; rm -rf "$R" "$R.log"; return 1; }
		rm -f "$R.log"
	fi
	[ -e "$R/usr/bin/python3" ] && ln -sf python3 "$R/usr/bin/python"
	rm -f "$R"/var/cache/apt/archives/*.deb "$R"/etc/apt/sources.list
	rm -rf "$R"/var/lib/apt/lists/* "$R"/etc/apt/sources.list.d/*
	mkdir -p "$R/var/lib/apt/lists/partial"
	cat >"$R/etc/apt/sources.list.d/debian.sources" <<'EOF'
# harden runtime test: the .debs of the test's Debian base, mounted by
# podman build -v DEBREPO:/var/cache/harden-rt/debs:ro (no network)
Types: deb
URIs: file:/var/cache/harden-rt/debs
Suites: ./
Trusted: yes
EOF
	tar -C "$R" --exclude=./proc/* -c . |
		podman import --quiet \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			--change "CMD [\"$CMD\"]" --change "LABEL harden.rt.key=$KEY" \
			- "$tag" >/dev/null
	rm -rf "$R"
	replace "$tag" "$old"
}
CMD=bash debian_like docker.io/library/debian:bookworm-slim
CMD=python3 debian_like docker.io/library/python:3.11-slim-bookworm python3

tag=docker.io/library/busybox:1.35
if ! cached "$tag"; then
	echo "runtime: building image $tag (key $KEY)" >&2
	old=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null) || :
	deb=$(find "$CACHE" -maxdepth 1 -name 'busybox-static_*.deb' | head -1)
	if [ -z "$deb" ]; then
		(cd "$CACHE" && chmod 755 . && apt-get download -q busybox-static \
			>/dev/null 2>&1) || { echo "runtime: apt-get download" \
			"busybox-static failed" >&2; exit 1; }
		deb=$(find "$CACHE" -maxdepth 1 -name 'busybox-static_*.deb' | head -1)
		[ -n "$deb" ] || { echo "runtime: no busybox-static .deb" >&2; exit 1; }
	fi
	R=$(mktemp -d "$CACHE/work-busybox.XXXXXX")
	X=$R.deb; mkdir -p "$X"
	dpkg-deb -x "$deb" "$X"
	mkdir -p "$R/bin" "$R/etc" "$R/root" "$R/home" "$R/var/www" "$R/tmp"
	install -m 755 "$X/bin/busybox" "$R/bin/busybox"
	for a in $("$R/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
	done
	rm -rf "$X"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' \
		>"$R/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$R/etc/group"
	printf 'root:*:10933:0:99999:7:::\nnobody:*:10933:0:99999:7:::\n' \
		>"$R/etc/shadow"
	chmod 640 "$R/etc/shadow"; chmod 700 "$R/root"; chmod 1777 "$R/tmp"
	tar -C "$R" --numeric-owner --owner=0 --group=0 -c . |
		podman import --quiet \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			--change 'CMD ["sh"]' --change "LABEL harden.rt.key=$KEY" \
			- "$tag" >/dev/null
	rm -rf "$R"
	replace "$tag" "$old"
fi
echo "$REPO"
