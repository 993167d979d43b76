#!/bin/sh
# Checks what the backtick-escaped RUN wrote (a literal C:\app\data, the
# shell's printf turning \\ into \) and that procps is installed; printf,
# since dash's echo would turn \a into a bell.
set -eu
conf=$(cat /etc/check.conf)
[ "$conf" = 'path=C:\app\data' ] || { echo "bad conf: $conf"; exit 1; }
ps -o pid= -p $$ >/dev/null
printf '%s\n' "$conf" >/tmp/check.out
printf 'check ok: %s uid=%s gid=%s\n' "$conf" "$(id -u)" "$(id -g)"
