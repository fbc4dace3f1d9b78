#!/usr/bin/env bash
# A container engine for the test command (see /work/shared/CONTAINERS.md): podman from Debian with a
# Docker-compatible socket, and a healthcheck poller (podman schedules healthchecks with systemd timers;
# there is no systemd here, so containers would stay "starting" for ever).
#
#   bash tools/containers/engine.sh up       install what is missing, configure, start socket + poller
#   bash tools/containers/engine.sh down     stop the socket service and poller that `up` started
#   bash tools/containers/engine.sh env      print the environment clients need (eval it)
#
# Every step is bounded by a timeout; a failure names what failed and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUN_DIR=${WHARF_CONTAINERS_RUN_DIR:-/run/wharf-containers}
SOCK=${WHARF_PODMAN_SOCKET:-/run/wharf-containers/podman.sock}
export DOCKER_HOST="unix://$SOCK"

log() { printf '[containers %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[containers %s] FAILED: %s\n' "$(date +%T)" "$*" >&2; exit 1; }

print_env() {
  # Ryuk's image cannot be pulled here; /.dockerenv exists, so testcontainers would think it runs in a container
  printf 'export DOCKER_HOST=%q\nexport TESTCONTAINERS_RYUK_DISABLED=true\nexport TESTCONTAINERS_HOST_OVERRIDE=localhost\n' "$DOCKER_HOST"
}

install_packages() {
  local missing=() p
  # catatonit: the init process for `init: true` services; dnsname: service-name DNS on the CNI network backend
  for p in podman runc catatonit golang-github-containernetworking-plugin-dnsname fuse-overlayfs slirp4netns uidmap debootstrap docker-compose; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  (( ${#missing[@]} == 0 )) && return 0
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || die "container engine missing (${missing[*]}) and cannot apt-get install it (needs root on Debian)"
  log "apt-get install ${missing[*]}"
  timeout 120 apt-get update -qq || die "apt-get update (Debian mirror unreachable?)"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]}"
}

# The sandbox's two fatal quirks: rlimits above the hard limits, and crun on hybrid cgroups.
configure() {
  local conf=/etc/containers/containers.conf want
  want=$(cat tools/containers/containers.conf)
  if [[ ! -f $conf ]] || [[ $(cat "$conf") != "$want" ]]; then
    mkdir -p /etc/containers
    [[ -f $conf && ! -f $conf.wharf-orig ]] && cp "$conf" "$conf.wharf-orig"
    printf '%s\n' "$want" > "$conf"
    log "wrote $conf"
  fi
  # docker CLI (static binary on this machine kind) for `docker kill`; compose v1 talks to the socket itself
  command -v docker >/dev/null || ln -sf "$(command -v podman)" /usr/local/bin/docker
}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
api_ok() { curl -fsS --max-time 3 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }

start_service() {
  mkdir -p "$RUN_DIR" "$(dirname "$SOCK")"
  if alive "$RUN_DIR/service.pid" && api_ok; then log "podman API already up ($SOCK)"; return 0; fi
  rm -f "$SOCK"
  setsid podman system service --time=0 "unix://$SOCK" >"$RUN_DIR/service.log" 2>&1 </dev/null &
  echo $! > "$RUN_DIR/service.pid"
  local i
  for i in $(seq 1 100); do api_ok && { log "podman API up ($SOCK, pid $(cat "$RUN_DIR/service.pid"))"; return 0; }; sleep 0.2; done
  tail -n 20 "$RUN_DIR/service.log" >&2 || true
  die "podman system service did not answer on $SOCK within 20 s"
}

# Debian's podman 4.3 gives the host's /dev/null the mode/owner of a container's user on `podman exec` without
# -i, which `healthcheck run` is (podman issue #24894; seen here: crw------- root after a CI run). Every
# non-root process then fails to open it: RabbitMQ's epmd-starter helpers spun at 7% CPU each, one more per
# minute, until the machine's load reached 80. Put it back after each round and when the engine stops.
restore_dev_null() {
  [ "$(stat -c '%a %U:%G' /dev/null)" = "666 root:root" ] && return 0
  chown root:root /dev/null && chmod 666 /dev/null
}

start_poller() {
  if alive "$RUN_DIR/poller.pid"; then return 0; fi
  # every 2 s: run the healthcheck of every container that has one (what systemd timers would do)
  setsid bash -c "$(declare -f restore_dev_null)"'
    while :; do
      for id in $(podman ps -q --filter health=starting --filter health=healthy --filter health=unhealthy 2>/dev/null); do
        timeout 60 podman healthcheck run "$id" >/dev/null 2>&1 &
      done
      wait; restore_dev_null; sleep 2
    done' >/dev/null 2>&1 </dev/null &
  echo $! > "$RUN_DIR/poller.pid"
  log "healthcheck poller up (pid $(cat "$RUN_DIR/poller.pid"))"
}

stop_pid() {
  local f=$1 pid
  alive "$f" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$f"
}

case ${1:-} in
  up)
    command -v curl >/dev/null || die "curl is missing"
    install_packages
    configure
    timeout 30 podman info >/dev/null 2>&1 || die "podman info fails: $(timeout 30 podman info 2>&1 | tail -n 3)"
    start_service
    start_poller
    ;;
  down)
    stop_pid "$RUN_DIR/poller.pid"
    stop_pid "$RUN_DIR/service.pid"
    rm -f "$SOCK"
    restore_dev_null || log "warning: could not restore /dev/null to 0666 root:root"
    log "podman API and poller stopped"
    ;;
  env) print_env ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
