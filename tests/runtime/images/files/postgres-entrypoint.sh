#!/usr/bin/env bash
# docker-entrypoint.sh of the runtime-test postgres image: the official
# image's behaviour (docker-library/postgres docker-entrypoint.sh): as root,
# create and chown PGDATA and the socket directory, then step down with gosu;
# started as any other user, skip all that and run as that user.
set -Eeo pipefail
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA"
	find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
	chmod 00700 "$PGDATA"
	mkdir -p /var/run/postgresql
	find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	chmod 03775 /var/run/postgresql
	exec gosu postgres "$BASH_SOURCE" "$@"
fi
if [ "$1" = postgres ]; then
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		# nss_wrapper in the official image; a passwd-less UID works
		# with initdb's --username.
		initdb --username=postgres --auth=trust -D "$PGDATA" >/dev/null
		echo "listen_addresses = '*'" >>"$PGDATA/postgresql.auto.conf"
		echo "host all all all trust" >>"$PGDATA/pg_hba.conf"
	fi
fi
exec "$@"
