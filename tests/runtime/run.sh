#!/usr/bin/env bash
# run.sh - the runtime proof: start each stack of stacks/ with podman as
# written, after `harden` and after `harden --unsafe-fixes`; every container
# must run and answer its health probe within 60 s with the hardening in
# force. RUNTIME_PROFILES_OFF=1 adds a run with the image profiles off
# (RT_OFF_FLAGS) and prints the table of what breaks. (Issue 17, "Proof by
# running": i17-08 make runtime-test, i17-09 local images, i17-10 stacks,
# i17-11 the count and the profiles-off table, i17-12 the cache.)
#
# Where podman differs from Docker and Kubernetes, and what the suite does:
# - `podman run --read-only` mounts tmpfs on /run, /tmp and /var/tmp; Docker
#   and Kubernetes do not: containers get --read-only-tmpfs=false.
# - Docker sets net.ipv4.ip_unprivileged_port_start=0 in every container;
#   podman does not: Compose stacks get that sysctl (as under Docker). The
#   Kubernetes stack does not (as under CRI-O; containerd 2 sets it), but
#   kube play ignores pod sysctls: those of the manifest become the
#   default_sysctls of the kube play run.
# - podman kube play (4.3) has no StatefulSet: it runs as a Deployment of the
#   same (hardened) pod template with a PVC per volumeClaimTemplate (rt.py).
# - kube play makes each emptyDir a named volume named after it; over a
#   directory of the image it takes that directory's owner and mode (the
#   kubelet: an empty 0777 directory, group fsGroup): rt.py mounts such a
#   directory instead (hostPath).
# - A tmpfs over a directory of the image keeps that directory's mode, owner
#   root, with runc 1.1.5 even when mode= is given (runc#3911, fixed in
#   1.1.8, where an explicit mode= wins, as with crun; Docker uses runc).
#   harden writes mode=1777 on the tmpfs of an image's writable paths; on
#   a runc older than 1.1.8 a Compose stack runs from a copy of the
#   hardened file whose tmpfs with mode= also have podman's U (owned by
#   the service's user: writable by it, as with the mode; rt.py compose),
#   and the suite says so. The hardening checked is the hardened file's.
#
# Dockerfiles (issue 20) are dockerfiles.sh's part, run after this one by
# make runtime-test; what it adapts to podman/buildah (no heredocs in
# buildah 1.28) is in its header and README.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
HARDEN=${HARDEN:-$here/../../harden}
HARDEN=$(cd "$(dirname "$HARDEN")" && pwd)/$(basename "$HARDEN")
RT_OFF_FLAGS=${RT_OFF_FLAGS---no-image-profiles}
RT_STACKS=${RT_STACKS:-postgres mariadb nginx redis stepdown cache web kube}
RT_TIMEOUT=${RT_TIMEOUT:-60}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
CLIENT=registry.example.org/acme/stepdown-app:1.0
RUN_ARGS="--read-only-tmpfs=false --sysctl=net.ipv4.ip_unprivileged_port_start=0"
# runc older than 1.1.8 ignores tmpfs mode= (see above)
RUNC_OLD_TMPFS=0
if v=$(runc --version 2>/dev/null | sed -n 's/^runc version \([0-9.]*\).*/\1/p') &&
	[ -n "$v" ] && [ "$(printf '%s\n1.1.8\n' "$v" | sort -V | head -1)" != 1.1.8 ]; then
	RUNC_OLD_TMPFS=1
	echo "runtime: runc $v ignores a tmpfs's mode= (runc#3911, fixed in" \
		"1.1.8): Compose tmpfs with mode= run with podman's U as well"
fi
LOG=$(mktemp -d /tmp/harden-runtime.XXXXXX)

modes="written default unsafe"
[ "${RUNTIME_PROFILES_OFF:-0}" = 1 ] && modes="$modes off"
if "$HARDEN" --help 2>&1 | grep -q -- --no-image-profiles; then
	profiles=1
else
	profiles=0
	echo "runtime: $HARDEN has no --no-image-profiles: it has no image" \
		"profiles; .harden.yaml images: is left out and the" \
		"profiles-off run is plain harden"
	RT_OFF_FLAGS=
fi

bash "$here/images/build.sh" || { echo "runtime: image build failed"; exit 1; }

# containers of the running stack $1 (compose project or kube pods), no infra
ctrs() {
	if [ "$1" = kube ]; then
		podman ps -a --pod --format '{{.ID}} {{.PodName}} {{.Names}}' |
			awk '$2 ~ /^rt-/ && $3 !~ /-infra$/ {print $1}'
	else
		podman ps -a -q --filter "label=io.podman.compose.project=rt-$1"
	fi
}

http_ok() { # CONTAINER PORT: from a client in its network namespace
	local pod net=(--network "container:$1")
	pod=$(podman inspect -f '{{.Pod}}' "$1")
	[ -n "$pod" ] && net=(--pod "$pod")
	podman run --rm "${net[@]}" --entrypoint python3 "$CLIENT" \
		-c "import urllib.request as u, sys
sys.exit(u.urlopen('http://127.0.0.1:$2/', timeout=3).status != 200)" \
		>/dev/null 2>&1
}

probe() { # CONTAINER: the health probe its image calls for
	local img
	img=$(podman inspect -f '{{.ImageName}}' "$1")
	case $img in
	# 0: healthy, 1: not (yet), 2: never (other exit codes become 1)
	*/postgres:*) podman exec "$1" pg_isready -q -h 127.0.0.1 || return 1 ;;
	*/mariadb:*) podman exec "$1" mariadb-admin ping -h 127.0.0.1 \
		--protocol=tcp --silent >/dev/null 2>&1 || return 1 ;;
	*/redis:*) # a redis that answers but cannot save (ERR) will not recover
		[ "$(podman exec "$1" redis-cli -h 127.0.0.1 ping 2>&1)" = PONG ] ||
			return 1
		case $(podman exec "$1" redis-cli -h 127.0.0.1 save 2>&1) in
		OK) return 0 ;; ERR*) return 2 ;; *) return 1 ;;
		esac ;;
	*/nginx:*) http_ok "$1" 80 || return 1 ;;
	*/acme/*) http_ok "$1" 8000 || return 1 ;;
	*) return 1 ;;
	esac
}

# expected containers: services of a Compose file, containers of a manifest
expected() {
	/usr/bin/python3 - "$1" <<'PY'
import sys, yaml
n = 0
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and "services" in d:
        n += len(d["services"])
    elif d and "spec" in d:
        n += len(d["spec"]["template"]["spec"]["containers"])
print(n)
PY
}

start() { # STACK FILE DIR
	if [ "$1" = kube ]; then
		/usr/bin/python3 "$here/rt.py" play "$2" "$3/play.yaml" || return
		# pod sysctls, which kube play ignores, as default sysctls
		local list
		list=$(sort -u "$3/play.yaml.sysctls" | sed 's/.*/"&"/' | paste -sd, -)
		sed "s/^\[containers\]\$/&\ndefault_sysctls = [$list]/" \
			"$CONTAINERS_CONF" >"$3/containers.conf"
		CONTAINERS_CONF=$3/containers.conf podman kube play --quiet "$3/play.yaml"
	else
		local f=$2
		if [ "$RUNC_OLD_TMPFS" = 1 ]; then
			f=$3/run-$1.yaml
			echo "tmpfs with U: $(/usr/bin/python3 "$here/rt.py" \
				compose "$2" "$f")" || return
		fi
		(cd "$3" && podman-compose -p "rt-$1" -f "$f" \
			--podman-run-args="$RUN_ARGS" up -d)
	fi
}

stop() { # STACK DIR
	local c vols
	vols=$(for c in $(ctrs "$1"); do
		podman inspect -f '{{range .Mounts}}{{.Name}} {{end}}' "$c"; done)
	for c in $(ctrs "$1"); do podman rm -f -t 2 "$c"; done
	if [ "$1" = kube ]; then
		podman pod ps -q --filter name='^rt-' | xargs -r podman pod rm -f
	else
		podman pod rm -f "pod_rt-$1" 2>/dev/null
		podman network rm -f "rt-$1_default" 2>/dev/null
	fi
	[ "$1" = kube ] && vols="$vols $(grep -A2 '^kind: PersistentVolumeClaim' \
		"$2/play.yaml" | sed -n 's/^  name: //p')"
	for v in $vols; do podman volume rm -f "$v"; done
} >>"$2/log" 2>&1

wait_healthy() { # STACK DIR N: "ok" or why not, within RT_TIMEOUT s
	local t0=$SECONDS c state n ok
	while :; do
		n=0 ok=0
		for c in $(ctrs "$1"); do
			n=$((n + 1))
			state=$(podman inspect -f '{{.State.Status}}' "$c")
			# kube play restarts failed containers (restartPolicy)
			if [ "$state" = exited ] || [ "$(podman inspect \
				-f '{{.RestartCount}}' "$c")" != 0 ]; then
				echo "$(podman inspect -f '{{.Name}}' "$c") exited"
				return 1
			fi
			[ "$state" = running ] || continue
			probe "$c" 2>/dev/null
			case $? in
			0) ok=$((ok + 1)) ;;
			2) echo "$(podman inspect -f '{{.Name}}' "$c") fails its probe"
				return 1 ;;
			esac
		done
		[ "$n" = "$3" ] && [ "$ok" = "$n" ] && { echo ok; return 0; }
		if [ $((SECONDS - t0)) -ge "$RT_TIMEOUT" ]; then
			echo "$ok/$3 healthy after ${RT_TIMEOUT}s"
			return 1
		fi
		sleep 2
	done
}

run_one() { # STACK MODE: prints "ok" or why not
	local s=$1 m=$2 d=$LOG/$1.$2 f r n bad
	mkdir -p "$d"
	f=$d/$s.yaml
	cp "$here/stacks/$s.yaml" "$f"
	[ "$s" = web ] && cp "$here/stacks/proxy.conf" "$d/"
	local flags=(-q -i)
	case $m in
	written) flags=() ;;
	unsafe) flags+=(--unsafe-fixes) ;;
	off) read -ra off <<<"$RT_OFF_FLAGS"; flags+=("${off[@]}") ;;
	esac
	if [ "$m" != off ] && [ "$profiles" = 1 ]; then
		cp "$here/stacks/images.harden.yaml" "$d/.harden.yaml"
	fi
	if [ "$m" != written ]; then
		"$HARDEN" "${flags[@]}" "$f" >"$d/harden.out" 2>&1
		r=$?
		if [ "$r" = 2 ]; then echo "harden error"; return; fi
	fi
	n=$(expected "$f")
	if ! start "$s" "$f" "$d" >"$d/log" 2>&1; then
		echo "start failed"
		stop "$s" "$d"
		return
	fi
	r=$(wait_healthy "$s" "$d" "$n" 2>>"$d/log")
	if [ "$r" = ok ] && [ "$m" != written ]; then
		bad=$(podman inspect $(ctrs "$s") 2>>"$d/log" |
			/usr/bin/python3 "$here/rt.py" check "$f")
		[ -n "$bad" ] && r="not hardened: ${bad//$'\n'/; }"
	fi
	if [ "$r" != ok ]; then
		for c in $(ctrs "$s"); do
			echo "== $(podman inspect -f '{{.Name}}' "$c" 2>&1)"
			podman logs --tail 20 "$c" 2>&1
		done >>"$d/log"
	fi
	echo "$r"
	stop "$s" "$d"
}

declare -A res
t0=$SECONDS
for s in $RT_STACKS; do
	for m in $modes; do
		res[$s.$m]=$(run_one "$s" "$m")
		printf 'runtime: %-9s %-8s %s\n' "$s" "$m" "${res[$s.$m]}"
	done
done

printf '\n| stack | as written | harden | harden --unsafe-fixes |%s\n' \
	"$([ "${RUNTIME_PROFILES_OFF:-0}" = 1 ] && echo ' profiles off |')"
printf '|---|---|---|---|%s\n' \
	"$([ "${RUNTIME_PROFILES_OFF:-0}" = 1 ] && echo '---|')"
total=0 healthy=0 written=0
for s in $RT_STACKS; do
	line="| $s |"
	for m in $modes; do
		v=${res[$s.$m]}
		[ "$v" = ok ] && v=healthy || v="FAILS ($v)"
		line="$line $v |"
	done
	echo "$line"
	total=$((total + 1))
	[ "${res[$s.written]}" = ok ] && written=$((written + 1))
	[ "${res[$s.default]}" = ok ] && [ "${res[$s.unsafe]}" = ok ] &&
		healthy=$((healthy + 1))
done
echo
echo "runtime: logs in $LOG ($((SECONDS - t0)) s)"
echo "runtime: $total stacks, $healthy healthy after hardening"
[ "$written" = "$total" ] && [ "$healthy" = "$total" ]
