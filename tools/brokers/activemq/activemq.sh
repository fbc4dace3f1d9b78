# shellcheck shell=bash
# Generic ActiveMQ Classic helpers: no fixed ports or names here, so anything (brokers.sh's test pair,
# later the Amazon MQ service) can run more instances from the same jars.
#
# Source it:   source tools/brokers/activemq/activemq.sh
# or run it:   bash tools/brokers/activemq/activemq.sh <command> [args]
#   write-config <name> <dir> <shared-kahadb-dir> <openwire> <stomp> <amqp> <mqtt> <ws>
#   start <dir> | stop <dir> | state <dir> | wait-active <dir> [timeout_s] | ws-check <dir> | jars
#
# An instance is a directory <dir> holding broker.xml (rendered from broker.xml.template),
# instance.env (its name and ports), data/ (its own, non-shared data), broker.log and broker.pid.
# Instances that are given the same <shared-kahadb-dir> form an active/standby group: whoever holds
# <shared-kahadb-dir>/lock is active; the others open no ports and poll the lock every second.

ACTIVEMQ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../common.sh
source "$ACTIVEMQ_DIR/../common.sh"

# shellcheck disable=SC2034  # used by run-broker.sh
ACTIVEMQ_MAIN=org.apache.activemq.console.command.ShellCommand

# activemq_jars: fetch the jars into activemq/lib once (skipped while lib/ matches pom.xml).
activemq_jars() { maven_jars "$ACTIVEMQ_DIR" activemq; }

_amq_sedq() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }  # escape for a sed replacement
_amq_xmlq() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }  # for an XML attribute

# activemq_write_config <name> <dir> <shared-kahadb-dir> <openwire> <stomp> <amqp> <mqtt> <ws>
# Renders <dir>/broker.xml and <dir>/instance.env. Rewrites them only when the content changes, and sets
# ACTIVEMQ_CONFIG_CHANGED=1 in that case (a running instance then needs a restart to pick it up).
# Bind address: $ACTIVEMQ_BIND_HOST (default 127.0.0.1). The one user every client must log in as:
# $ACTIVEMQ_USER / $ACTIVEMQ_PASSWORD (default $WHARF_ACTIVEMQ_USER / $WHARF_ACTIVEMQ_PASSWORD, else wharf / wharf).
activemq_write_config() {
  if (( $# != 8 )); then
    err "usage: activemq_write_config <name> <dir> <shared-kahadb-dir> <openwire> <stomp> <amqp> <mqtt> <ws>"
    return 2
  fi
  local name=$1 dir=$2 shared=$3 p host=${ACTIVEMQ_BIND_HOST:-127.0.0.1}
  local user=${ACTIVEMQ_USER:-${WHARF_ACTIVEMQ_USER:-wharf}} password=${ACTIVEMQ_PASSWORD:-${WHARF_ACTIVEMQ_PASSWORD:-wharf}}
  [[ -n $user && -n $password ]] || { err "activemq_write_config: empty user or password"; return 2; }
  shift 3
  for p in "$@"; do
    [[ $p =~ ^[0-9]+$ ]] && (( p > 0 && p < 65536 )) || { err "activemq_write_config: bad port '$p'"; return 2; }
  done
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { err "activemq_write_config: bad broker name '$name'"; return 2; }
  mkdir -p "$dir/data" "$shared" || return 1
  dir=$(cd "$dir" && pwd) shared=$(cd "$shared" && pwd)
  local kahadb="$shared/kahadb"
  local xml env
  xml=$(sed -e "s|@BROKER_NAME@|$name|g" \
            -e "s|@DATA_DIR@|$(_amq_sedq "$dir/data")|g" \
            -e "s|@KAHADB_DIR@|$(_amq_sedq "$kahadb")|g" \
            -e "s|@HOST@|$(_amq_sedq "$host")|g" \
            -e "s|@USER@|$(_amq_sedq "$(_amq_xmlq "$user")")|g" \
            -e "s|@PASSWORD@|$(_amq_sedq "$(_amq_xmlq "$password")")|g" \
            -e "s|@OPENWIRE_PORT@|$1|g" \
            -e "s|@STOMP_PORT@|$2|g" \
            -e "s|@AMQP_PORT@|$3|g" \
            -e "s|@MQTT_PORT@|$4|g" \
            -e "s|@WS_PORT@|$5|g" \
            "$ACTIVEMQ_DIR/broker.xml.template") || return 1
  env=$(printf '%s\n' \
    "# written by activemq_write_config; sourced by activemq.sh" \
    "ACTIVEMQ_NAME=$name" "ACTIVEMQ_HOST=$host" "ACTIVEMQ_KAHADB=$kahadb" "ACTIVEMQ_LOGIN=$(printf '%q' "$user")" \
    "ACTIVEMQ_OPENWIRE_PORT=$1" "ACTIVEMQ_STOMP_PORT=$2" "ACTIVEMQ_AMQP_PORT=$3" \
    "ACTIVEMQ_MQTT_PORT=$4" "ACTIVEMQ_WS_PORT=$5")
  # shellcheck disable=SC2034  # read by callers
  ACTIVEMQ_CONFIG_CHANGED=0
  if [[ ! -f $dir/broker.xml || $(<"$dir/broker.xml") != "$xml" ]]; then
    (umask 077; printf '%s\n' "$xml" >"$dir/broker.xml.tmp") && mv "$dir/broker.xml.tmp" "$dir/broker.xml"
    # shellcheck disable=SC2034
    ACTIVEMQ_CONFIG_CHANGED=1
  fi
  if [[ ! -f $dir/instance.env || $(<"$dir/instance.env") != "$env" ]]; then
    printf '%s\n' "$env" >"$dir/instance.env"
  fi
}

# activemq_load_env <dir>: sets ACTIVEMQ_NAME, ACTIVEMQ_HOST, ACTIVEMQ_*_PORT from <dir>/instance.env.
activemq_load_env() {
  [[ -f $1/instance.env ]] || { err "no $1/instance.env (run activemq_write_config first)"; return 1; }
  # shellcheck disable=SC1091
  source "$1/instance.env"
}

# activemq_pid <dir>: pid of the instance started from <dir>, if alive.
activemq_pid() {
  pid_from_file "$1/broker.pid" "xbean:file:$1/broker.xml"
}

# activemq_state <dir>: prints one of
#   active   our process runs and serves STOMP     standby  our process runs, ports closed (waiting for the lock)
#   down     nothing                                foreign  the port answers but not from our process
activemq_state() {
  local dir=$1
  ( activemq_load_env "$dir" 2>/dev/null || { echo down; exit 0; }
    if activemq_pid "$dir" >/dev/null; then
      if port_open "$ACTIVEMQ_STOMP_PORT" "$ACTIVEMQ_HOST"; then echo active; else echo standby; fi
    elif port_open "$ACTIVEMQ_STOMP_PORT" "$ACTIVEMQ_HOST"; then
      echo foreign
    else
      echo down
    fi )
}

# activemq_start <dir>: start the instance in the background (no-op when it already runs).
activemq_start() {
  bash "$ACTIVEMQ_DIR/run-broker.sh" --daemon "$1"
}

# activemq_stop <dir> [grace_s]: stop the instance started from <dir> (only that process).
activemq_stop() {
  local dir=$1 grace=${2:-20} pid
  pid=$(activemq_pid "$dir") || return 0
  stop_pid "$pid" "activemq $(basename "$dir")" "$grace"
  rm -f "$dir/broker.pid"
}

# activemq_wait_active <dir> [timeout_s]: wait until the instance serves STOMP; fails early (with the
# tail of its log) if its process dies.
activemq_wait_active() {
  local dir=$1 timeout=${2:-60} deadline
  activemq_load_env "$dir" || return 1
  deadline=$(( $(now_ms) + timeout * 1000 ))
  while (( $(now_ms) < deadline )); do
    port_open "$ACTIVEMQ_STOMP_PORT" "$ACTIVEMQ_HOST" && return 0
    if ! activemq_pid "$dir" >/dev/null; then
      err "activemq $(basename "$dir") exited before serving STOMP on $ACTIVEMQ_HOST:$ACTIVEMQ_STOMP_PORT"
      show_log_tail "$dir/broker.log"
      return 1
    fi
    sleep 0.2
  done
  err "activemq $(basename "$dir") does not serve STOMP on $ACTIVEMQ_HOST:$ACTIVEMQ_STOMP_PORT after ${timeout}s"
  show_log_tail "$dir/broker.log"
  return 1
}

# activemq_ws_check <dir>: a WebSocket upgrade on the ws port answers "101 Switching Protocols".
# ActiveMQ picks the protocol from Sec-WebSocket-Protocol (stomp, v11.stomp, v12.stomp, mqtt); without
# one the upgrade fails with a 500. Plain bash, returns as soon as the status line arrives.
activemq_ws_check() {
  activemq_load_env "$1" || return 1
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "GET / HTTP/1.1\r\nHost: %s:%s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: d2hhcmYtYnJva2Vycy1jaGs=\r\nSec-WebSocket-Protocol: stomp\r\n\r\n" "$1" "$2" >&3
    IFS= read -r line <&3
    [[ $line == "HTTP/1.1 101"* ]]' _ "$ACTIVEMQ_HOST" "$ACTIVEMQ_WS_PORT" 2>/dev/null
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -uo pipefail
  cmd=${1:-}; shift || true
  case $cmd in
    write-config) activemq_write_config "$@" ;;
    start)        activemq_start "$@" ;;
    stop)         activemq_stop "$@" ;;
    state)        activemq_state "$@" ;;
    wait-active)  activemq_wait_active "$@" ;;
    ws-check)     activemq_ws_check "$@" && echo "ws upgrade: 101" ;;
    jars)         activemq_jars ;;
    *) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
fi
