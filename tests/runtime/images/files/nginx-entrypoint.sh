#!/bin/sh
# docker-entrypoint.sh of the runtime-test nginx image: like the official
# one (nginxinc/docker-nginx), hand over to nginx, whose master stays as the
# starting user and runs its workers as `user nginx;` when that is root.
set -e
exec "$@"
