# shellcheck shell=bash
# Redis Cluster of the cluster profile: six redis-server processes from the Debian package (3 masters, 3
# replicas), each with Wharf's durability flags (AOF, appendfsync always) and its own folder
# $BROKERS_RUN_DIR/redis-cluster/<port>/ (nodes.conf, appendonlydir, redis.log, redis.pid).
# Sourced by cluster.sh. The cluster is created once; later starts reload nodes.conf and form the same cluster.

RC_HOST=127.0.0.1
RC_PORT0=${WHARF_REDIS_CLUSTER_PORT:-7001}
RC_PORTS=()
for ((_i = 0; _i < 6; _i++)); do RC_PORTS+=($((RC_PORT0 + _i))); done
RC_RUN="$BROKERS_RUN_DIR/redis-cluster"
# a master unreachable this long is failed over to its replica (Redis's default is 15 s)
RC_NODE_TIMEOUT_MS=${WHARF_REDIS_CLUSTER_NODE_TIMEOUT_MS:-5000}
RC_START_TIMEOUT=${REDIS_CLUSTER_START_TIMEOUT:-60}

_rc_cli() { local port=$1; shift; timeout 5 redis-cli -h "$RC_HOST" -p "$port" "$@" 2>/dev/null; }
rc_node_ok() { [[ $(_rc_cli "$1" ping) == PONG ]]; }
rc_pid() { pid_from_file "$RC_RUN/$1/redis.pid" "redis-server $RC_HOST:$1"; }

# _rc_probe: one redis-cli per node (CLUSTER INFO + INFO replication) and one CLUSTER NODES, into
#   RC_INFO[<port>]  "state known_nodes slots_assigned role link" (role master|slave, link up|down|-), empty if down
#   RC_TOPO          "masters replicas": masters owning slots and not failed, and how many of them have a
#                    connected replica, as the first node that answers sees it
declare -A RC_INFO
RC_TOPO="0 0"
_rc_probe() {
  local p nodes=""
  RC_INFO=()
  for p in "${RC_PORTS[@]}"; do
    RC_INFO[$p]=$(printf 'CLUSTER INFO\nINFO replication\n' | _rc_cli "$p" | tr -d '\r' | awk -F: '
      $1 == "cluster_state" { st = $2 } $1 == "cluster_known_nodes" { kn = $2 } $1 == "cluster_slots_assigned" { sa = $2 }
      $1 == "role" { role = $2 } $1 == "master_link_status" { link = $2 }
      END { if (st != "") print st, kn, sa, role, (link == "" ? "-" : link) }')
    [[ -z $nodes && -n ${RC_INFO[$p]} ]] && nodes=$(_rc_cli "$p" cluster nodes)
  done
  RC_TOPO=$(awk '
    { flags = $3; link = $8 }
    flags ~ /master/ && flags !~ /fail/ && NF >= 9 { masters[$1] = 1 }
    flags ~ /slave/ && flags !~ /fail/ && link == "connected" { replica_of[$4]++ }
    END { m = 0; r = 0; for (id in masters) { m++; if (replica_of[id] > 0) r++ } print m, r }
  ' <<<"$nodes")
}

# (after _rc_probe) every node says cluster_state:ok, 3 masters own the slots, each has a replica in sync
_rc_probed_ready() {
  local p st role link
  [[ $RC_TOPO == "3 3" ]] || return 1
  for p in "${RC_PORTS[@]}"; do
    read -r st _ _ role link <<<"${RC_INFO[$p]}"
    [[ $st == ok ]] || return 1
    [[ $role == slave && $link != up ]] && return 1
  done
  return 0
}
# RC_READY_SEEN: when (ms) a probe last found the cluster ready; status within 2 s of it need not probe again
RC_READY_SEEN=0
rc_ready() { RC_READY_SEEN=0; _rc_probe; _rc_probed_ready && RC_READY_SEEN=$(now_ms); }

_rc_start_node() {
  local port=$1 dir="$RC_RUN/$1"
  mkdir -p "$dir"
  # the flags of Wharf's Redis on 6380 (brokers.sh), plus cluster mode
  redis-server --daemonize yes --bind "$RC_HOST" --port "$port" --save "" \
    --appendonly yes --appendfsync always --no-appendfsync-on-rewrite no \
    --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout "$RC_NODE_TIMEOUT_MS" \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 8>&-
}

# never clustered: every node knows only itself and no slot is assigned
_rc_blank() {
  local p known assigned
  _rc_probe
  for p in "${RC_PORTS[@]}"; do
    read -r _ known assigned _ <<<"${RC_INFO[$p]}"
    [[ $known == 1 && $assigned == 0 ]] || return 1
  done
}

redis_cluster_up() {
  command -v redis-server >/dev/null || { err "redis-cluster: redis-server not installed (Debian package redis-server)"; return 1; }
  if rc_ready; then log "redis-cluster: already up"; return 0; fi
  local p started=()
  for p in "${RC_PORTS[@]}"; do
    if rc_node_ok "$p"; then
      rc_pid "$p" >/dev/null || { err "redis-cluster: $RC_HOST:$p answers but was not started here; leaving it alone"; return 1; }
      continue
    fi
    _rc_start_node "$p"; started+=("$p")
  done
  (( ${#started[@]} )) && log "redis-cluster: started ${started[*]} (AOF, appendfsync always, data $RC_RUN/<port>)"
  for p in "${RC_PORTS[@]}"; do
    wait_until 30 rc_node_ok "$p" || { err "redis-cluster: $RC_HOST:$p not answering PING"; show_log_tail "$RC_RUN/$p/redis.log"; return 1; }
  done
  if _rc_blank; then
    log "redis-cluster: creating the cluster (3 masters, 1 replica each)"
    local addrs=()
    for p in "${RC_PORTS[@]}"; do addrs+=("$RC_HOST:$p"); done
    if ! timeout 120 redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes </dev/null >"$RC_RUN/create.log" 2>&1; then
      err "redis-cluster: redis-cli --cluster create failed"; show_log_tail "$RC_RUN/create.log"; return 1
    fi
  fi
  # after create, or after a restart from nodes.conf: gossip, replica sync and (if a master died) failover
  if ! wait_until "$RC_START_TIMEOUT" rc_ready; then
    err "redis-cluster: not ready after ${RC_START_TIMEOUT}s (masters, masters with a replica: $RC_TOPO); cluster info of $RC_HOST:$RC_PORT0:"
    _rc_cli "$RC_PORT0" cluster info | head -8 >&2
    err "redis-cluster: to start afresh: 'down --profile cluster redis', then rm -rf $RC_RUN"
    return 1
  fi
  log "redis-cluster: up"
}

redis_cluster_stop() {
  local p pid waits=()
  for p in "${RC_PORTS[@]}"; do
    if pid=$(rc_pid "$p"); then
      stop_pid "$pid" "redis-cluster $p" 30 & waits+=($!)
    elif rc_node_ok "$p"; then
      log "redis-cluster: $RC_HOST:$p was not started here; leaving it alone"
    fi
  done
  (( ${#waits[@]} )) && wait "${waits[@]}"
  log "redis-cluster: stopped (data kept in $RC_RUN)"
}

redis_cluster_status() {
  local p up=0 ok=0 masters="" st role addr="$RC_HOST:$RC_PORT0-${RC_PORTS[5]}"
  (( $(now_ms) - RC_READY_SEEN < 2000 )) || _rc_probe
  for p in "${RC_PORTS[@]}"; do
    [[ -n ${RC_INFO[$p]} ]] || continue
    read -r st _ _ role _ <<<"${RC_INFO[$p]}"
    up=$((up + 1))
    [[ $st == ok ]] && ok=$((ok + 1))
    [[ $role == master ]] && masters+=" $p"
  done
  if (( up == 0 )); then status_line redis-cluster "$addr" down; return 1; fi
  local detail="$up/6 nodes, cluster_state ok on $ok, masters:$masters, ${RC_TOPO#* } of them with a replica in sync"
  if _rc_probed_ready; then status_line redis-cluster "$addr" up "$detail"
  else status_line redis-cluster "$addr" down "$detail"; return 1; fi
}

redis_cluster_url() {
  local p out=""
  for p in "${RC_PORTS[@]}"; do out+="${out:+,}$RC_HOST:$p"; done
  printf 'redis-cluster://%s\n' "$out"
}
