#!/usr/bin/env bash
# build.sh [NAME...] - build the runtime-test images locally (no registry is
# reachable): one Debian bookworm minbase root filesystem, cached outside the
# clone, plus per image the Debian package of the software laid out like the
# official image (users, UIDs, paths, entrypoint; ../../../shared/notes/images.md),
# imported under the official name. Each image carries a label with the hash
# of what built it and is rebuilt only when that hash changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${RT_CACHE:-/var/cache/harden-runtime}
ALL="postgres mariadb nginx redis pyapp"
mkdir -p "$CACHE"

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

base_key=$(hash_of "$here/base.sh")
BASE=$CACHE/base-$base_key

in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
apt_in() { in_root apt-get install -y -qq --no-install-recommends "$@" \
	>>"$R.log" 2>&1 || { tail -20 "$R.log"; return 1; }; }
# (paths under $R never go through /var/run: it is an absolute symlink)
put() { install -D -m "$1" "$here/files/$2" "$R$3"; }

setup_postgres() {
	in_root groupadd -r -g 999 postgres
	in_root useradd -r -g postgres -u 999 -d /var/lib/postgresql \
		-s /bin/bash postgres
	mkdir -p "$R/var/lib/postgresql"
	in_root chown -R postgres:postgres /var/lib/postgresql
	apt_in postgresql-common
	sed -ri 's/#(create_main_cluster) .*$/\1 = false/' \
		"$R/etc/postgresql-common/createcluster.conf"
	apt_in postgresql postgresql-client gosu libnss-wrapper
	mkdir -p "$R/run/postgresql" "$R/var/lib/postgresql/data"
	in_root chown -R postgres:postgres /var/run/postgresql \
		/var/lib/postgresql/data
	chmod 3777 "$R/run/postgresql"
	chmod 1777 "$R/var/lib/postgresql/data"
	put 755 postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
	CHANGES=(--change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
		--change 'ENV PGDATA=/var/lib/postgresql/data'
		--change 'VOLUME /var/lib/postgresql/data'
		--change 'ENTRYPOINT ["docker-entrypoint.sh"]'
		--change 'STOPSIGNAL SIGINT' --change 'EXPOSE 5432'
		--change 'CMD ["postgres"]')
	TAGS="docker.io/library/postgres:16"
}

setup_mariadb() {
	in_root groupadd -r -g 999 mysql
	in_root useradd -r -g mysql -u 999 -d /var/lib/mysql mysql
	apt_in mariadb-server mariadb-client gosu
	rm -rf "$R/var/lib/mysql"
	mkdir -p "$R/var/lib/mysql" "$R/run/mysqld"
	in_root chown -R mysql:mysql /var/lib/mysql /run/mysqld
	chmod 1777 "$R/run/mysqld"
	# the official image listens on every address, not only 127.0.0.1
	sed -ri 's/^(bind-address|skip-networking)/#&/' \
		"$R"/etc/mysql/mariadb.conf.d/*.cnf
	put 755 mariadb-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
	CHANGES=(--change 'VOLUME /var/lib/mysql'
		--change 'ENTRYPOINT ["docker-entrypoint.sh"]'
		--change 'EXPOSE 3306' --change 'CMD ["mariadbd"]')
	TAGS="docker.io/library/mariadb:11"
}

setup_nginx() {
	in_root groupadd --system --gid 101 nginx
	in_root useradd --system --gid nginx --no-create-home \
		--home /nonexistent --shell /bin/false --uid 101 nginx
	apt_in nginx
	rm -f "$R"/etc/nginx/sites-enabled/* "$R"/etc/nginx/conf.d/*
	put 644 nginx.conf /etc/nginx/nginx.conf
	put 644 nginx-default.conf /etc/nginx/conf.d/default.conf
	mkdir -p "$R/var/cache/nginx" "$R/usr/share/nginx/html"
	echo "harden runtime test" >"$R/usr/share/nginx/html/index.html"
	ln -sf /dev/stdout "$R/var/log/nginx/access.log"
	ln -sf /dev/stderr "$R/var/log/nginx/error.log"
	put 755 nginx-entrypoint.sh /docker-entrypoint.sh
	CHANGES=(--change 'ENTRYPOINT ["/docker-entrypoint.sh"]'
		--change 'EXPOSE 80' --change 'STOPSIGNAL SIGQUIT'
		--change 'CMD ["nginx", "-g", "daemon off;"]')
	TAGS="docker.io/library/nginx:1.27"
}

setup_redis() {
	in_root groupadd -r -g 999 redis
	in_root useradd -r -g redis -u 999 redis
	apt_in redis-server redis-tools gosu
	mkdir -p "$R/data"
	in_root chown redis:redis /data
	put 755 redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
	# The official image patches protected mode off at build time.
	CHANGES=(--change 'VOLUME /data' --change 'WORKDIR /data'
		--change 'ENTRYPOINT ["docker-entrypoint.sh"]'
		--change 'EXPOSE 6379'
		--change 'CMD ["redis-server", "--protected-mode", "no"]')
	TAGS="docker.io/library/redis:7"
}

# Two apps from one root filesystem: a step-down app (root start, chown of
# its volume, setpriv to app 1500:1500) and a cache-writing app that runs as
# its own USER and writes /var/cache/app.
setup_pyapp() {
	in_root groupadd -g 1500 app
	in_root useradd -u 1500 -g app -d /srv/data -M app
	apt_in python3-minimal libpython3.11-stdlib
	put 644 server.py /app/server.py
	put 755 pyapp-entrypoint.sh /usr/local/bin/entrypoint.sh
	mkdir -p "$R/srv/data" "$R/var/cache/app"
	in_root chown app:app /srv/data /var/cache/app
}

import_as() { # TAG KEY CHANGES...
	local tag=$1 key=$2
	shift 2
	tar -C "$R" --exclude=./proc/* --exclude=./var/cache/apt/archives/*.deb \
		--exclude=./var/lib/apt/lists/* -c . |
		podman import --quiet \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			"$@" --change "LABEL harden.rt.key=$key" \
			- "$tag" >/dev/null
}

build_one() {
	local name=$1 key tag old
	key=$(hash_of "$here/base.sh" "$here/build.sh" \
		"$here"/files/"$name"[-.]* "$here"/files/server.py)
	case $name in
	pyapp) tag=registry.example.org/acme/stepdown-app:1.0 ;;
	*) tag=$(grep -o "docker.io/library/$name:[0-9.]*" "$0" | head -1) ;;
	esac
	if [ "$(podman image inspect --format '{{index .Labels "harden.rt.key"}}' \
		"$tag" 2>/dev/null)" = "$key" ]; then
		return 0
	fi
	echo "runtime: building image $name (key $key)"
	old=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null) || :
	if [ "$name" = pyapp ]; then
		old="$old $(podman image inspect --format '{{.Id}}' \
			registry.example.org/acme/cache-app:1.0 2>/dev/null || :)"
	fi
	R=$CACHE/work-$name
	rm -rf "$R"; : >"$R.log"
	cp -a "$BASE" "$R"
	CHANGES=() TAGS=""
	"setup_$name"
	if [ "$name" = pyapp ]; then
		import_as registry.example.org/acme/stepdown-app:1.0 "$key" \
			--change 'ENV MODE=data' --change 'VOLUME /srv/data' \
			--change 'ENTRYPOINT ["entrypoint.sh"]' --change 'EXPOSE 8000' \
			--change 'CMD ["python3", "/app/server.py"]'
		import_as registry.example.org/acme/cache-app:1.0 "$key" \
			--change 'ENV MODE=cache' --change 'USER app' \
			--change 'EXPOSE 8000' \
			--change 'CMD ["python3", "/app/server.py"]'
	else
		import_as "$TAGS" "$key" "${CHANGES[@]}"
	fi
	rm -rf "$R" "$R.log"
	# the image this one replaces (still used: kept)
	for o in $old; do podman rmi "$o" >/dev/null 2>&1 || :; done
}

if [ ! -d "$BASE" ]; then
	echo "runtime: building the base root filesystem $BASE (debootstrap)"
	bash "$here/base.sh" "$BASE"
	# older bases are no longer needed
	for d in "$CACHE"/base-*; do
		case $d in "$BASE"|"$BASE".log) ;; *) rm -rf "$d" ;; esac
	done
fi
for n in ${*:-$ALL}; do build_one "$n"; done
