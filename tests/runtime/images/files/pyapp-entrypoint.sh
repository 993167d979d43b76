#!/bin/sh
# entrypoint of the runtime-test step-down app: as root, chown its data
# volume and step down to `app` with setpriv; as any other user, run as is.
set -e
if [ "$(id -u)" = 0 ]; then
	chown -R app:app /srv/data
	exec setpriv --reuid=app --regid=app --init-groups "$0" "$@"
fi
exec "$@"
