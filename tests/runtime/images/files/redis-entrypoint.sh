#!/bin/sh
# docker-entrypoint.sh of the runtime-test redis image: the official redis 7
# image's (redis/docker-library-redis 7.4): as root, chown /data and step
# down with gosu; started as any other user, run as that user.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec gosu redis "$0" "$@"
fi
um="$(umask)"
if [ "$um" = 0022 ]; then umask 0077; fi
exec "$@"
