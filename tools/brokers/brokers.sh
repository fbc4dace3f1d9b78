#!/usr/bin/env bash
# Brokers Wharf's tests need, on this kind of machine (no Docker): see tools/brokers/README.md.
#
#   bash tools/brokers/brokers.sh up     [broker...]   start what is not running, leave the rest alone
#   bash tools/brokers/brokers.sh down   [broker...]   stop what this script started (redis, kafka, activemq)
#   bash tools/brokers/brokers.sh status [broker...]   one line per broker; exit 0 only if all are up
#   bash tools/brokers/brokers.sh fetch                this checkout's Kafka and ActiveMQ jars only (no start)
#
# brokers: redis rabbitmq mosquitto kafka activemq (default: all)
#
#   bash tools/brokers/brokers.sh up|down|status --profile cluster [redis kafka rabbitmq]
#   bash tools/brokers/brokers.sh env --profile cluster   the variables services read, as export lines
# the cluster profile: a 3+3 Redis Cluster, 3 Kafka nodes, 3 RabbitMQ nodes, beside the shared brokers
set -uo pipefail

BROKERS_SH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$BROKERS_SH_DIR/common.sh"
# shellcheck source=rabbitmq/rabbitmq.sh
source "$BROKERS_SH_DIR/rabbitmq/rabbitmq.sh"
# shellcheck source=kafka/kafka.sh
source "$BROKERS_SH_DIR/kafka/kafka.sh"
# shellcheck source=activemq/activemq.sh
source "$BROKERS_SH_DIR/activemq/activemq.sh"
# shellcheck source=cluster/cluster.sh
source "$BROKERS_SH_DIR/cluster/cluster.sh"

ALL_BROKERS=(redis rabbitmq mosquitto kafka activemq)

# ---------------------------------------------------------------- Redis: Wharf's own, durable
# Not the machine's Redis on 6379 (started with --save "" --appendonly no; not ours to reconfigure): a
# second redis-server from the same Debian package, append-only file on, and with appendfsync always a
# reply is sent only after its write is fsync'ed (README "Durability"). WHARF_REDIS_APPENDFSYNC=everysec
# is the faster, weaker switch; `up` applies a changed value to a running instance with CONFIG SET.
REDIS_PORT=${WHARF_REDIS_PORT:-6380}
REDIS_FSYNC=${WHARF_REDIS_APPENDFSYNC:-always}
REDIS_RUN="$BROKERS_RUN_DIR/redis"
REDIS_PIDFILE="$REDIS_RUN/redis.pid"
REDIS_LOG="$REDIS_RUN/redis.log"
_redis_cli() { timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@" 2>/dev/null; }
redis_ok() { [[ $(_redis_cli ping) == PONG ]]; }
redis_pid() { pid_from_file "$REDIS_PIDFILE" "redis-server 127.0.0.1:$REDIS_PORT"; }
_redis_config() { _redis_cli config get "$1" | sed -n 2p; }
redis_up() {
  case $REDIS_FSYNC in always|everysec) ;; *) err "redis: WHARF_REDIS_APPENDFSYNC must be always or everysec, got '$REDIS_FSYNC'"; return 1 ;; esac
  command -v redis-server >/dev/null || { err "redis: redis-server not installed (Debian package redis-server)"; return 1; }
  if redis_ok; then
    if ! redis_pid >/dev/null; then
      log "redis: 127.0.0.1:$REDIS_PORT answers but was not started here; leaving it alone"
      [[ $(_redis_config appendonly) == yes ]] || warn "redis: 127.0.0.1:$REDIS_PORT has appendonly=$(_redis_config appendonly): acknowledged writes are NOT durable"
      return 0
    fi
    if [[ $(_redis_config appendfsync) != "$REDIS_FSYNC" ]]; then
      _redis_cli config set appendfsync "$REDIS_FSYNC" >/dev/null && log "redis: appendfsync set to $REDIS_FSYNC"
    fi
    log "redis: already up"; return 0
  fi
  log "redis: starting on 127.0.0.1:$REDIS_PORT (AOF, appendfsync $REDIS_FSYNC, data $REDIS_RUN)"
  mkdir -p "$REDIS_RUN"
  # --save "": no RDB snapshots besides the AOF (each would fork); the AOF's own rewrites keep it small.
  # --no-appendfsync-on-rewrite no: keep fsyncing while a rewrite runs (yes would lose up to 30 s then).
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly yes --appendfsync "$REDIS_FSYNC" --no-appendfsync-on-rewrite no \
    --dir "$REDIS_RUN" --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" </dev/null >/dev/null 2>&1 8>&-
  if ! wait_until 30 redis_ok; then
    err "redis: not answering PING on 127.0.0.1:$REDIS_PORT"; show_log_tail "$REDIS_LOG"; return 1
  fi
  log "redis: up"
}
redis_stop() {
  local pid
  if pid=$(redis_pid); then
    log "redis: stopping (pid $pid; SIGTERM makes Redis fsync the AOF and exit)"
    stop_pid "$pid" redis 30
  elif redis_ok; then
    log "redis: 127.0.0.1:$REDIS_PORT was not started here; leaving it alone"
  fi
  return 0
}
redis_status() {
  local addr="127.0.0.1:$REDIS_PORT"
  if redis_ok; then
    status_line redis "$addr" up "appendonly $(_redis_config appendonly), appendfsync $(_redis_config appendfsync)$(redis_pid >/dev/null || echo ', not started by brokers.sh')"
  else
    status_line redis "$addr" down; return 1
  fi
}

# ---------------------------------------------------------------- Mosquitto (Debian package, MQTT 1883)
MOSQUITTO_PORT=1883
mosquitto_up() {
  if port_open "$MOSQUITTO_PORT"; then log "mosquitto: already up"; return 0; fi
  log "mosquitto: starting"
  mosquitto -d -c /etc/mosquitto/mosquitto.conf </dev/null >/dev/null 2>&1 8>&-
  if ! wait_until 15 port_open "$MOSQUITTO_PORT"; then
    err "mosquitto: 127.0.0.1:$MOSQUITTO_PORT not answering"; show_log_tail /var/log/mosquitto/mosquitto.log; return 1
  fi
  log "mosquitto: up"
}
mosquitto_status() {
  if port_open "$MOSQUITTO_PORT"; then status_line mosquitto "127.0.0.1:$MOSQUITTO_PORT" up
  else status_line mosquitto "127.0.0.1:$MOSQUITTO_PORT" down; return 1; fi
}

# ---------------------------------------------------------------- ActiveMQ: the fixed test pair
# Two instances, one shared KahaDB (Amazon MQ's active/standby design). Generic bits: activemq/activemq.sh.
AMQ_PAIR_DIR="$BROKERS_RUN_DIR/activemq"
AMQ_SHARED="$AMQ_PAIR_DIR/shared"
AMQ_START_TIMEOUT=${AMQ_START_TIMEOUT:-60}
# Ports "openwire stomp amqp mqtt ws"; a private pair (e.g. tools/reliability) sets its own with its own run dir.
# shellcheck disable=SC2206
AMQ_A_PORTS=(${WHARF_ACTIVEMQ_A_PORTS:-61616 61613 61617 61618 61614})
# shellcheck disable=SC2206
AMQ_B_PORTS=(${WHARF_ACTIVEMQ_B_PORTS:-61626 61623 61627 61628 61624})
# Every client logs in (simpleAuthenticationPlugin in activemq/broker.xml.template): WHARF_ACTIVEMQ_USER and
# WHARF_ACTIVEMQ_PASSWORD, wharf / wharf when unset.

amq_pair_config() {
  local n ports
  for n in a b; do
    if [[ $n == a ]]; then ports=("${AMQ_A_PORTS[@]}"); else ports=("${AMQ_B_PORTS[@]}"); fi
    activemq_write_config "wharf-$n" "$AMQ_PAIR_DIR/$n" "$AMQ_SHARED" "${ports[@]}" || return 1
    if (( ACTIVEMQ_CONFIG_CHANGED )) && activemq_pid "$AMQ_PAIR_DIR/$n" >/dev/null; then
      warn "activemq $n: broker.xml changed while it runs; 'down' then 'up' to apply"
    fi
  done
}

# phase 1 (non-blocking): if no instance runs, launch a.
amq_pair_start() {
  amq_pair_config || return 1
  local sa sb
  sa=$(activemq_state "$AMQ_PAIR_DIR/a"); sb=$(activemq_state "$AMQ_PAIR_DIR/b")
  if [[ $sa == foreign || $sb == foreign ]]; then
    err "activemq: the pair's ports answer but not from brokers we started (a: $sa, b: $sb); leaving them alone"
    return 1
  fi
  if [[ $sa == down && $sb == down ]]; then
    activemq_jars || return 1
    activemq_start "$AMQ_PAIR_DIR/a" || return 1
  fi
}

# phase 2: wait for an active instance, then make sure the other one runs as standby.
amq_pair_wait() {
  local sa sb active standby deadline t0
  sa=$(activemq_state "$AMQ_PAIR_DIR/a"); sb=$(activemq_state "$AMQ_PAIR_DIR/b")
  [[ $sa == foreign || $sb == foreign ]] && return 1
  if [[ $sa == active ]]; then active=a
  elif [[ $sb == active ]]; then active=b
  elif [[ $sa == standby ]]; then active=a   # starting (or about to take the lock)
  elif [[ $sb == standby ]]; then active=b
  else
    err "activemq: no instance running (start failed?)"; show_log_tail "$AMQ_PAIR_DIR/a/broker.log"; return 1
  fi
  if [[ $(activemq_state "$AMQ_PAIR_DIR/$active") != active ]]; then
    # whichever of the running ones gets the lock first
    deadline=$(( $(now_ms) + AMQ_START_TIMEOUT * 1000 ))
    while :; do
      [[ $(activemq_state "$AMQ_PAIR_DIR/a") == active ]] && { active=a; break; }
      [[ $(activemq_state "$AMQ_PAIR_DIR/b") == active ]] && { active=b; break; }
      if ! activemq_pid "$AMQ_PAIR_DIR/a" >/dev/null && ! activemq_pid "$AMQ_PAIR_DIR/b" >/dev/null; then
        err "activemq: instance exited before serving STOMP"; show_log_tail "$AMQ_PAIR_DIR/$active/broker.log"; return 1
      fi
      if (( $(now_ms) > deadline )); then
        err "activemq: no instance serves STOMP after ${AMQ_START_TIMEOUT}s"; show_log_tail "$AMQ_PAIR_DIR/$active/broker.log"; return 1
      fi
      sleep 0.2
    done
    log "activemq: $active active"
  fi
  if [[ $active == a ]]; then standby=b; else standby=a; fi
  # ws is the last connector to open (after STOMP): give it a moment
  if ! wait_until 15 activemq_ws_check "$AMQ_PAIR_DIR/$active"; then
    err "activemq $active: WebSocket upgrade on the ws port does not answer 101"; show_log_tail "$AMQ_PAIR_DIR/$active/broker.log"; return 1
  fi
  case $(activemq_state "$AMQ_PAIR_DIR/$standby") in
    standby) return 0 ;;
    active)  return 0 ;;   # both serve? cannot happen with one lock; reported by status
  esac
  activemq_jars || return 1
  activemq_start "$AMQ_PAIR_DIR/$standby" || return 1
  # it must reach "waiting for the lock" (or die, which is an error)
  t0=$(now_ms)
  while (( $(now_ms) - t0 < AMQ_START_TIMEOUT * 1000 )); do
    grep -q 'is locked by another server' "$AMQ_PAIR_DIR/$standby/broker.log" 2>/dev/null && {
      log "activemq: $standby standby (waiting for the KahaDB lock)"; return 0; }
    if ! activemq_pid "$AMQ_PAIR_DIR/$standby" >/dev/null; then
      err "activemq $standby: standby exited"; show_log_tail "$AMQ_PAIR_DIR/$standby/broker.log"; return 1
    fi
    sleep 0.2
  done
  err "activemq $standby: did not report waiting for the lock within ${AMQ_START_TIMEOUT}s"; show_log_tail "$AMQ_PAIR_DIR/$standby/broker.log"
  return 1
}

amq_pair_stop() {
  local n st
  # standby first, so it does not take over while the active one shuts down
  for n in a b; do
    [[ $(activemq_state "$AMQ_PAIR_DIR/$n") == standby ]] && { log "activemq: stopping $n (standby)"; activemq_stop "$AMQ_PAIR_DIR/$n"; }
  done
  for n in a b; do
    st=$(activemq_state "$AMQ_PAIR_DIR/$n")
    case $st in
      active|standby) log "activemq: stopping $n ($st)"; activemq_stop "$AMQ_PAIR_DIR/$n" ;;
      foreign) log "activemq: $n's ports answer but not from a broker started here; leaving it alone" ;;
    esac
  done
}

amq_pair_status() {
  local sa sb ports_a ports_b addr word=up detail rc=0
  [[ -f $AMQ_PAIR_DIR/a/instance.env ]] || amq_pair_config >/dev/null 2>&1
  sa=$(activemq_state "$AMQ_PAIR_DIR/a"); sb=$(activemq_state "$AMQ_PAIR_DIR/b")
  ports_a="openwire ${AMQ_A_PORTS[0]} stomp ${AMQ_A_PORTS[1]} amqp ${AMQ_A_PORTS[2]} mqtt ${AMQ_A_PORTS[3]} ws ${AMQ_A_PORTS[4]}"
  ports_b="openwire ${AMQ_B_PORTS[0]} stomp ${AMQ_B_PORTS[1]} amqp ${AMQ_B_PORTS[2]} mqtt ${AMQ_B_PORTS[3]} ws ${AMQ_B_PORTS[4]}"
  detail="a: $sa, b: $sb"
  if [[ $sa == active || $sa == foreign ]] && [[ $sb == active || $sb == foreign ]]; then
    word=down; rc=1; detail+=" (both serving?!)"
  elif [[ $sa == active || $sa == foreign ]]; then
    addr="127.0.0.1:${AMQ_A_PORTS[0]}"; detail="a active ($ports_a); b $sb"
    [[ $sb == standby ]] || { word=degraded; rc=1; }
  elif [[ $sb == active || $sb == foreign ]]; then
    addr="127.0.0.1:${AMQ_B_PORTS[0]}"; detail="b active ($ports_b); a $sa"
    [[ $sa == standby ]] || { word=degraded; rc=1; }
  else
    word=down; rc=1
  fi
  status_line activemq "${addr:-127.0.0.1:${AMQ_A_PORTS[0]}}" "$word" "$detail"
  return $rc
}

# ---------------------------------------------------------------- commands
want() { local b; for b in "${SELECTED[@]}"; do [[ $b == "$1" ]] && return 0; done; return 1; }

cmd_up() {
  local t0 failed=()
  t0=$(now_ms)
  want redis     && { redis_up     || failed+=(redis); }
  want mosquitto && { mosquitto_up || failed+=(mosquitto); }
  # launch the JVMs first, then deal with RabbitMQ while they boot
  local kafka_launched=1 amq_launched=1
  want kafka     && { kafka_start    || { failed+=(kafka); kafka_launched=0; }; }
  want activemq  && { amq_pair_start || { failed+=(activemq); amq_launched=0; }; }
  want rabbitmq  && { rabbitmq_up    || failed+=(rabbitmq); }
  # ActiveMQ is ready in ~2 s, Kafka in ~5-8 s: settle the pair first so its standby boots meanwhile
  want activemq  && (( amq_launched ))   && { amq_pair_wait || failed+=(activemq); }
  want kafka     && (( kafka_launched )) && { kafka_wait    || failed+=(kafka); }
  echo
  cmd_status
  if (( ${#failed[@]} )); then
    err "could not bring up: ${failed[*]} (after $(elapsed_s "$t0")s)"
    return 1
  fi
  log "up in $(elapsed_s "$t0")s"
}

cmd_down() {
  local kpid=""
  if want kafka; then kafka_stop & kpid=$!; fi   # Kafka's controlled shutdown overlaps ActiveMQ's
  want activemq && amq_pair_stop
  want redis && redis_stop
  [[ -n $kpid ]] && wait "$kpid"
  local b
  for b in rabbitmq mosquitto; do
    want $b && log "$b: left running (not started by this script)"
  done
  return 0
}

# Jars are per checkout while the brokers are machine-wide: a fresh clone whose brokers already run
# still needs the jars for tests that start their own ActiveMQ instances.
cmd_fetch() {
  maven_jars "$KAFKA_DIR" kafka && activemq_jars
}

cmd_status() {
  local rc=0 b
  for b in "${SELECTED[@]}"; do
    case $b in
      redis)     redis_status     || rc=1 ;;
      rabbitmq)  rabbitmq_status  || rc=1 ;;
      mosquitto) mosquitto_status || rc=1 ;;
      kafka)     kafka_status     || rc=1 ;;
      activemq)  amq_pair_status  || rc=1 ;;
    esac
  done
  return $rc
}

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

main() {
  local cmd=${1:-} profile="" args=()
  [[ -n $cmd ]] || usage
  shift
  while (( $# )); do
    case $1 in
      --profile) profile=${2:-}; shift 2 || { err "--profile needs a name"; exit 2; } ;;
      --profile=*) profile=${1#--profile=}; shift ;;
      *) args+=("$1"); shift ;;
    esac
  done
  case $profile in
    "") ;;
    cluster) cluster_main "$cmd" "${args[@]}"; exit ;;
    *) err "unknown profile '$profile' (known: cluster)"; exit 2 ;;
  esac
  SELECTED=("${args[@]}")
  (( ${#SELECTED[@]} )) || SELECTED=("${ALL_BROKERS[@]}")
  require_known "${ALL_BROKERS[*]}" "" "${SELECTED[@]}"
  mkdir -p "$BROKERS_RUN_DIR"
  case $cmd in
    up|down)
      # one up/down at a time (parallel test jobs may all call `up`)
      take_lock "$BROKERS_RUN_DIR/brokers.lock" 600 "$cmd"
      "cmd_$cmd" ;;
    status) cmd_status ;;
    fetch) cmd_fetch ;;
    -h|--help|help) usage ;;
    *) err "unknown command '$cmd'"; usage ;;
  esac
}

main "$@"
