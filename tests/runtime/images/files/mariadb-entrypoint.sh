#!/usr/bin/env bash
# docker-entrypoint.sh of the runtime-test mariadb image: the official
# image's behaviour (MariaDB/mariadb-docker docker-entrypoint.sh): as root,
# chown the datadir and /run/mysqld, then step down with gosu; started as
# any other user, run as that user.
set -Eeo pipefail
DATADIR=/var/lib/mysql
if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
if [ "$1" = mariadbd ] && [ "$(id -u)" = 0 ]; then
	mkdir -p "$DATADIR" /run/mysqld
	find "$DATADIR" /run/mysqld \! -user mysql -exec chown mysql: '{}' +
	exec gosu mysql "$BASH_SOURCE" "$@"
fi
if [ "$1" = mariadbd ] && [ ! -d "$DATADIR/mysql" ]; then
	[ -n "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] || {
		echo "set MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" >&2; exit 1; }
	mariadb-install-db --datadir="$DATADIR" --skip-test-db \
		--auth-root-authentication-method=normal --skip-name-resolve \
		>/dev/null
fi
exec "$@"
