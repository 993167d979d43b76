#!/usr/bin/env bash
# base.sh ROOTFS - build the shared Debian bookworm minbase root filesystem
# every runtime-test image starts from, with the .debs of all images cached
# inside it so the per-image installs need no network.
set -euo pipefail
R=$1
MIRROR=${RT_MIRROR:-http://deb.debian.org/debian}
PKGS="postgresql postgresql-client nginx-light redis-server redis-tools
mariadb-server mariadb-client python3 gosu curl ca-certificates"
rm -rf "$R.tmp"
debootstrap --variant=minbase bookworm "$R.tmp" "$MIRROR" >"$R.log" 2>&1 ||
	{ tail -20 "$R.log"; exit 1; }
# No daemon may start inside the chroot while packages install.
printf '#!/bin/sh\nexit 101\n' >"$R.tmp/usr/sbin/policy-rc.d"
chmod 755 "$R.tmp/usr/sbin/policy-rc.d"
chroot "$R.tmp" apt-get update -qq >>"$R.log" 2>&1
# shellcheck disable=SC2086
chroot "$R.tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	--download-only --no-install-recommends $PKGS >>"$R.log" 2>&1
mv "$R.tmp" "$R"
