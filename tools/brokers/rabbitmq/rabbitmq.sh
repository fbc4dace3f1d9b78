# shellcheck shell=bash
# RabbitMQ 3.10 from Debian's package (already installed on this kind of machine). Sourced by brokers.sh.
# We only ever start it, enable plugins and (once, when our listener config had to change) restart it;
# `down` leaves it running.

RABBITMQ_TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../common.sh
source "$RABBITMQ_TOOLS_DIR/../common.sh"

RABBITMQ_HOST=127.0.0.1
RABBITMQ_AMQP_PORT=5672
RABBITMQ_MGMT_PORT=15672
RABBITMQ_MQTT_PORT=1884
RABBITMQ_STOMP_PORT=61633
RABBITMQ_WEB_STOMP_PORT=15674
RABBITMQ_PLUGINS=(rabbitmq_management rabbitmq_mqtt rabbitmq_stomp rabbitmq_web_stomp)
# RabbitMQ >= 3.9 reads /etc/rabbitmq/conf.d/*.conf after rabbitmq.conf
RABBITMQ_CONF_SRC="$RABBITMQ_TOOLS_DIR/wharf.conf"
RABBITMQ_CONF_DST="${WHARF_RABBITMQ_CONF_D:-/etc/rabbitmq/conf.d}/50-wharf.conf"
RABBITMQ_ENABLED_PLUGINS_FILE=${RABBITMQ_ENABLED_PLUGINS_FILE:-/etc/rabbitmq/enabled_plugins}
RABBITMQ_START_TIMEOUT=${RABBITMQ_START_TIMEOUT:-90}

_rabbitmq_log() {
  local f
  for f in /var/log/rabbitmq/rabbit@*.log; do
    [[ $f == *_upgrade.log ]] || { printf '%s\n' "$f"; return; }
  done
  printf '/var/log/rabbitmq/rabbit@localhost.log\n'
}

# plugins not listed in enabled_plugins (the file rabbitmq-plugins maintains: `[a,b,c].`)
_rabbitmq_missing_plugins() {
  local p have=""
  [[ -f $RABBITMQ_ENABLED_PLUGINS_FILE ]] && have=$(tr -d ' \n\t[].' <"$RABBITMQ_ENABLED_PLUGINS_FILE" | tr ',' '\n')
  for p in "${RABBITMQ_PLUGINS[@]}"; do
    grep -qx -- "$p" <<<"$have" || printf '%s ' "$p"
  done
}

_rabbitmq_mgmt_ok() {
  curl -sf -m 3 -u guest:guest "http://$RABBITMQ_HOST:$RABBITMQ_MGMT_PORT/api/overview" -o /dev/null
}

# every listener answers and the management API works
rabbitmq_ready() {
  local p
  for p in $RABBITMQ_AMQP_PORT $RABBITMQ_MQTT_PORT $RABBITMQ_STOMP_PORT $RABBITMQ_WEB_STOMP_PORT; do
    port_open "$p" "$RABBITMQ_HOST" || return 1
  done
  _rabbitmq_mgmt_ok
}

_rabbitmq_missing_listeners() {
  local out="" p n
  for p in amqp:$RABBITMQ_AMQP_PORT mqtt:$RABBITMQ_MQTT_PORT stomp:$RABBITMQ_STOMP_PORT web-stomp:$RABBITMQ_WEB_STOMP_PORT; do
    n=${p%%:*}; port_open "${p#*:}" "$RABBITMQ_HOST" || out+="$n(${p#*:}) "
  done
  _rabbitmq_mgmt_ok || out+="management-api($RABBITMQ_MGMT_PORT) "
  printf '%s' "$out"
}

_rabbitmq_wait_ready() { # <timeout_s>
  if wait_until "$1" rabbitmq_ready; then return 0; fi
  err "rabbitmq: not ready after ${1}s; missing: $(_rabbitmq_missing_listeners)"
  show_log_tail "$(_rabbitmq_log)" 30
  return 1
}

_rabbitmq_start_node() {
  log "rabbitmq: starting (rabbitmq-server -detached)"
  rabbitmq-server -detached </dev/null >/dev/null 2>&1 8>&- || true
  # -detached returns at once; the node takes a few seconds to open its listeners
}

_rabbitmq_stop_node() {
  log "rabbitmq: stopping the node to apply the listener config"
  timeout 60 rabbitmqctl shutdown </dev/null >/dev/null 2>&1 || timeout 60 rabbitmqctl stop </dev/null >/dev/null 2>&1 || true
  wait_until 30 bash -c '! (exec 3<>/dev/tcp/127.0.0.1/'"$RABBITMQ_AMQP_PORT"') 2>/dev/null' || true
}

_rabbitmq_enable_offline() {
  log "rabbitmq: enabling plugins ${RABBITMQ_PLUGINS[*]} (offline)"
  if ! timeout 120 rabbitmq-plugins enable --offline "${RABBITMQ_PLUGINS[@]}" </dev/null >"$BROKERS_RUN_DIR/rabbitmq-plugins.log" 2>&1; then
    err "rabbitmq: rabbitmq-plugins enable failed"; show_log_tail "$BROKERS_RUN_DIR/rabbitmq-plugins.log"; return 1
  fi
}

rabbitmq_up() {
  local changed=0 missing
  if ! command -v rabbitmq-server >/dev/null; then
    err "rabbitmq: rabbitmq-server not installed (Debian package rabbitmq-server)"; return 1
  fi
  mkdir -p "$BROKERS_RUN_DIR"
  # 1. listener config first: the MQTT plugin must never come up on 1883 (Mosquitto's)
  if ! cmp -s "$RABBITMQ_CONF_SRC" "$RABBITMQ_CONF_DST"; then
    mkdir -p "$(dirname "$RABBITMQ_CONF_DST")"
    install -m 0644 "$RABBITMQ_CONF_SRC" "$RABBITMQ_CONF_DST"
    chown -R rabbitmq:rabbitmq "$(dirname "$RABBITMQ_CONF_DST")" 2>/dev/null || true
    log "rabbitmq: wrote $RABBITMQ_CONF_DST"
    changed=1
  fi
  missing=$(_rabbitmq_missing_plugins)

  if ! port_open "$RABBITMQ_AMQP_PORT" "$RABBITMQ_HOST"; then
    # 2a. not running: enable plugins in the file, then boot with config + plugins together
    [[ -n $missing ]] && { _rabbitmq_enable_offline || return 1; }
    _rabbitmq_start_node
    _rabbitmq_wait_ready "$RABBITMQ_START_TIMEOUT" || return 1
  elif (( changed )); then
    # 2b. running with an older config: the listeners are read at boot, so restart (only in this case)
    [[ -n $missing ]] && { _rabbitmq_enable_offline || return 1; }
    _rabbitmq_stop_node
    _rabbitmq_start_node
    _rabbitmq_wait_ready "$RABBITMQ_START_TIMEOUT" || return 1
  elif [[ -n $missing ]]; then
    # 2c. running, config already in place: enable online, restart only if the listeners do not show
    log "rabbitmq: enabling plugins $missing(online)"
    timeout 120 rabbitmq-plugins enable "${RABBITMQ_PLUGINS[@]}" </dev/null >"$BROKERS_RUN_DIR/rabbitmq-plugins.log" 2>&1 || true
    if ! wait_until 30 rabbitmq_ready; then
      warn "rabbitmq: listeners missing after enabling plugins online ($(_rabbitmq_missing_listeners)); restarting"
      _rabbitmq_stop_node
      _rabbitmq_start_node
      _rabbitmq_wait_ready "$RABBITMQ_START_TIMEOUT" || return 1
    fi
  elif ! rabbitmq_ready; then
    # 2d. running, configured, plugins on, but something is not answering yet (still booting?)
    log "rabbitmq: running but not ready ($(_rabbitmq_missing_listeners)); waiting"
    _rabbitmq_wait_ready 60 || return 1
  else
    log "rabbitmq: already up"
    return 0
  fi
  log "rabbitmq: up (amqp $RABBITMQ_AMQP_PORT, mgmt $RABBITMQ_MGMT_PORT, mqtt $RABBITMQ_MQTT_PORT, stomp $RABBITMQ_STOMP_PORT, web-stomp $RABBITMQ_WEB_STOMP_PORT)"
}

rabbitmq_status() {
  local detail="mgmt :$RABBITMQ_MGMT_PORT, mqtt :$RABBITMQ_MQTT_PORT, stomp :$RABBITMQ_STOMP_PORT, web-stomp :$RABBITMQ_WEB_STOMP_PORT"
  if rabbitmq_ready; then
    status_line rabbitmq "$RABBITMQ_HOST:$RABBITMQ_AMQP_PORT" up "$detail"
  elif port_open "$RABBITMQ_AMQP_PORT" "$RABBITMQ_HOST"; then
    status_line rabbitmq "$RABBITMQ_HOST:$RABBITMQ_AMQP_PORT" down "amqp answers; missing: $(_rabbitmq_missing_listeners)"
    return 1
  else
    status_line rabbitmq "$RABBITMQ_HOST:$RABBITMQ_AMQP_PORT" down
    return 1
  fi
}
