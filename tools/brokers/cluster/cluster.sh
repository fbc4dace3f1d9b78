# shellcheck shell=bash
# The cluster profile of brokers.sh (`--profile cluster`): on this one machine, beside the shared brokers
# and never touching them, a Redis Cluster (3 masters + 3 replicas), three KRaft Kafka nodes and three
# clustered RabbitMQ nodes. Sourced by brokers.sh after common.sh and kafka/kafka.sh. See tools/brokers/README.md.

CLUSTER_SH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=redis-cluster.sh
source "$CLUSTER_SH_DIR/redis-cluster.sh"
# shellcheck source=kafka-cluster.sh
source "$CLUSTER_SH_DIR/kafka-cluster.sh"
# shellcheck source=rabbitmq-cluster.sh
source "$CLUSTER_SH_DIR/rabbitmq-cluster.sh"

CLUSTER_BROKERS=(redis kafka rabbitmq)
CLUSTER_ENV_FILE="$BROKERS_RUN_DIR/cluster.env"

# The variables Wharf's services read (libs/service-kit brokerConfig(), docs/CONVENTIONS.md), for this profile.
cluster_env() {
  printf 'WHARF_REDIS_URL=%s\n' "$(redis_cluster_url)"
  printf 'WHARF_KAFKA_BROKERS=%s\n' "$(kafka_cluster_bootstrap)"
  printf 'WHARF_KAFKA_REPLICATION_FACTOR=3\nWHARF_KAFKA_MIN_INSYNC_REPLICAS=2\n'
  printf 'WHARF_AMQP_URL=%s\n' "$(rabbitmq_cluster_urls)"
  printf 'WHARF_RABBITMQ_MANAGEMENT_URL=http://guest:guest@%s:%s\n' "$RQ_HOST" "$(rq_mgmt_port 1)"
}

cluster_cmd_up() {
  local t0 failed=() kafka_launched=1 rabbitmq_launched=1
  t0=$(now_ms)
  # RabbitMQ's nodes and Kafka's JVMs boot while the rest is dealt with; the RabbitMQ joins come last but one
  cluster_want rabbitmq && { rabbitmq_cluster_start || { failed+=(rabbitmq-cluster); rabbitmq_launched=0; }; }
  cluster_want kafka    && { kafka_cluster_start    || { failed+=(kafka-cluster); kafka_launched=0; }; }
  cluster_want redis    && { redis_cluster_up       || failed+=(redis-cluster); }
  cluster_want rabbitmq && (( rabbitmq_launched )) && { rabbitmq_cluster_wait || failed+=(rabbitmq-cluster); }
  cluster_want kafka    && (( kafka_launched ))    && { kafka_cluster_wait    || failed+=(kafka-cluster); }
  echo
  cluster_cmd_status
  if (( ${#failed[@]} )); then
    err "could not bring up: ${failed[*]} (after $(elapsed_s "$t0")s)"
    return 1
  fi
  cluster_env >"$CLUSTER_ENV_FILE.tmp" && mv "$CLUSTER_ENV_FILE.tmp" "$CLUSTER_ENV_FILE"
  echo
  echo "# services on the cluster profile read (also in $CLUSTER_ENV_FILE):"
  sed 's/^/export /' "$CLUSTER_ENV_FILE"
  echo
  log "cluster profile up in $(elapsed_s "$t0")s"
}

cluster_cmd_down() {
  local kpid=""
  # Kafka's controlled shutdowns overlap the rest
  if cluster_want kafka; then kafka_cluster_stop & kpid=$!; fi
  cluster_want rabbitmq && rabbitmq_cluster_stop
  cluster_want redis    && redis_cluster_stop
  [[ -n $kpid ]] && wait "$kpid"
  return 0
}

cluster_cmd_status() {
  local rc=0
  cluster_want redis    && { redis_cluster_status    || rc=1; }
  cluster_want kafka    && { kafka_cluster_status    || rc=1; }
  cluster_want rabbitmq && { rabbitmq_cluster_status || rc=1; }
  return $rc
}

cluster_want() { local b; for b in "${CLUSTER_SELECTED[@]}"; do [[ $b == "$1" ]] && return 0; done; return 1; }

# cluster_main <cmd> [broker...]
cluster_main() {
  local cmd=$1; shift
  CLUSTER_SELECTED=("$@")
  (( ${#CLUSTER_SELECTED[@]} )) || CLUSTER_SELECTED=("${CLUSTER_BROKERS[@]}")
  require_known "${CLUSTER_BROKERS[*]}" " in the cluster profile" "${CLUSTER_SELECTED[@]}"
  # a copy on other ports keeps its own run dir: in the default one it would take over the default's folders
  if [[ -z ${WHARF_BROKERS_RUN_DIR:-} ]] && [[ -n ${WHARF_REDIS_CLUSTER_PORT:-}${WHARF_KAFKA_CLUSTER_PORT:-}${WHARF_RABBITMQ_CLUSTER_PORT:-}${WHARF_RABBITMQ_CLUSTER_NODE_PREFIX:-} ]]; then
    err "the cluster profile on other ports or node names needs its own WHARF_BROKERS_RUN_DIR"; exit 2
  fi
  mkdir -p "$BROKERS_RUN_DIR"
  case $cmd in
    up|down)
      # its own lock: a cold start of the profile (a minute or more) must not hold up the shared brokers' `up`
      take_lock "$BROKERS_RUN_DIR/cluster.lock" 900 "$cmd --profile cluster"
      "cluster_cmd_$cmd" ;;
    status) cluster_cmd_status ;;
    env) cluster_env | sed 's/^/export /' ;;
    *) err "unknown command '$cmd' for the cluster profile (up, down, status, env)"; exit 2 ;;
  esac
}
