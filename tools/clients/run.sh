#!/usr/bin/env bash
# Runs the real-client suites (clients/java: Maven + JUnit 5; clients/python: pytest + boto3) against a Wharf
# this script starts: every service plus the edge as child processes on free ports, with their own Redis
# prefixes, Kafka topic prefix, MQ data folder and ActiveMQ port block, on the brokers that are already up
# (tools/brokers). Writes JUnit XML to tmp/clients/junit/ and stops everything it started however it ends.
# Used by tools/test.sh as its own phase; runs alone too (after `npm run build` and `npm run brokers:up`).
#   tools/clients/run.sh [java|python|serve]...   (default: java python; serve keeps Wharf up until Ctrl-C)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
source tools/node/env.sh
source tools/brokers/common.sh # port_open, stop_pid, wait_until

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(java python)

run_id="clients$(date +%s)$$"
work="$root/tmp/clients"
junit="$work/junit"
state="$work/$run_id"
rm -rf "$junit"
mkdir -p "$junit" "$state"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

redis_url=${WHARF_REDIS_URL:-redis://127.0.0.1:6380}
pids=()
declare -A port
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # brokers a failed test left behind: deleted through the API so mq stops their ActiveMQ processes itself
  if [ -n "${port[mq]:-}" ]; then
    local id
    for id in $(curl -s --max-time 10 "http://127.0.0.1:${port[mq]}/v1/brokers?maxResults=100" |
      /usr/bin/python3 -c 'import json,sys; print(" ".join(b["brokerId"] for b in json.load(sys.stdin).get("brokerSummaries", [])))' 2>/dev/null); do
      curl -s --max-time 10 -X DELETE "http://127.0.0.1:${port[mq]}/v1/brokers/$id" >/dev/null
    done
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[$i]}" "service ${pids[$i]}" 20 || true; done
  # ActiveMQ instances the mq service launched for brokers a failed test did not delete
  local pid
  for pid in $(pgrep -f -- "$state/mq" || true); do stop_pid "$pid" "leftover activemq $pid" 10 || true; done
  redis-cli -u "$redis_url" --scan --pattern "wharf:$run_id:*" 2>/dev/null | xargs -r -n 500 redis-cli -u "$redis_url" del >/dev/null 2>&1 || true
  [ "${WHARF_CLIENTS_KEEP:-0}" = 1 ] || rm -rf "$state"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for app in sqs sns kinesis mq edge; do
  [ -f "apps/$app/dist/main.js" ] || { echo "clients: apps/$app/dist/main.js missing (npm run build)"; exit 1; }
done

# The brokers the services need are tools/brokers' (setup starts them); each service's /health checks its own.

for app in sqs sns kinesis mq edge; do port[$app]=$(free_port); done
# ActiveMQ instances of this run's brokers: a block of 100 ports below the ones mq's tests draw from
# (20000-31999) and below the kernel's ephemeral range
amq_base=$((18000 + 100 * (RANDOM % 20)))

export WHARF_LOG_LEVEL=${WHARF_LOG_LEVEL:-warn}
export SQS_PORT=${port[sqs]} SNS_PORT=${port[sns]} KINESIS_PORT=${port[kinesis]} MQ_PORT=${port[mq]} EDGE_PORT=${port[edge]}
export WHARF_SQS_URL=http://127.0.0.1:${port[sqs]} WHARF_SNS_URL=http://127.0.0.1:${port[sns]}
export WHARF_KINESIS_URL=http://127.0.0.1:${port[kinesis]} WHARF_MQ_URL=http://127.0.0.1:${port[mq]}
export SQS_REDIS_PREFIX="wharf:$run_id:sqs:" SNS_REDIS_PREFIX="wharf:$run_id:sns:"
export KINESIS_REDIS_PREFIX="wharf:$run_id:kinesis" KINESIS_TOPIC_PREFIX="wharf.$run_id.kinesis"
export WHARF_MQ_REDIS_PREFIX="wharf:$run_id:mq:" WHARF_MQ_DATA_DIR="$state/mq"
export WHARF_MQ_ACTIVEMQ_PORTS="$amq_base-$((amq_base + 99))"

for app in sqs sns kinesis mq edge; do
  node "apps/$app/dist/main.js" >"$state/$app.log" 2>&1 &
  pids+=($!)
done
edge="http://127.0.0.1:${port[edge]}"
healthy() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/health")" = 200 ]; }
for app in sqs sns kinesis mq; do
  if ! wait_until 60 healthy "http://127.0.0.1:${port[$app]}"; then
    echo "clients: $app did not become healthy in 60 s"; tail -30 "$state/$app.log"; exit 1
  fi
done
wait_until 30 healthy "$edge" || { echo "clients: edge did not become healthy"; tail -30 "$state/edge.log"; exit 1; }
echo "clients: Wharf on $edge (sqs ${port[sqs]}, sns ${port[sns]}, kinesis ${port[kinesis]}, mq ${port[mq]}; logs $state)"

# What both suites read: where Wharf is and, once it serves TLS, the CA that signed it.
export WHARF_CLIENTS_HTTP_ENDPOINT="http://localhost:${port[edge]}"
# mq itself, for its /_wharf/mq/brokers/<id>/fail-over (the failover test stops the active ActiveMQ instance)
export WHARF_CLIENTS_MQ_URL="http://127.0.0.1:${port[mq]}"
# The edge serves HTTPS on the same port with the local CA (libs/service-kit local-ca.ts) unless WHARF_TLS=false.
tls_dir=${WHARF_TLS_DIR:-$root/.data/tls}
java_trust=()
if [ "${WHARF_TLS:-true}" != false ] && [ -f "$tls_dir/ca.crt" ] &&
  curl -s --cacert "$tls_dir/ca.crt" -o /dev/null "https://localhost:${port[edge]}/health"; then
  export WHARF_CLIENTS_HTTPS_ENDPOINT="https://localhost:${port[edge]}" WHARF_CLIENTS_CA_FILE="$tls_dir/ca.crt"
  java_trust=("-DargLine=-Djavax.net.ssl.trustStore=$tls_dir/truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12")
  echo "clients: https too (CA $tls_dir/ca.crt)"
else
  echo "clients: the edge serves no TLS here; the https cases are skipped"
fi
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
unset AWS_ENDPOINT_URL AWS_PROFILE

status=0
for suite in "${suites[@]}"; do
  case $suite in
  java)
    echo "clients: java (clients/java, log $work/java.log)"
    t0=$(date +%s)
    rm -rf clients/java/target/surefire-reports
    # offline first (a warm ~/.m2 needs no network); online once when something is missing (a fresh machine)
    if ! mvn -B -o -f clients/java/pom.xml "${java_trust[@]}" test >"$work/java.log" 2>&1; then
      if grep -q 'offline mode' "$work/java.log"; then
        echo "clients: fetching the Java clients' dependencies from Maven Central (once)"
        mvn -B -f clients/java/pom.xml "${java_trust[@]}" test >"$work/java.log" 2>&1 || status=1
      else
        status=1
      fi
    fi
    grep -E 'Tests run:|FAIL|ERROR\]' "$work/java.log" | grep -v '^\[INFO\] Running' | tail -40
    cp clients/java/target/surefire-reports/TEST-*.xml "$junit/" 2>/dev/null || { echo "clients: no surefire report"; status=1; }
    echo "clients: java took $(( $(date +%s) - t0 )) s"
    ;;
  python)
    echo "clients: python (clients/python)"
    t0=$(date +%s)
    /usr/bin/python3 -m pytest -q -p no:cacheprovider --junitxml="$junit/python.xml" clients/python || status=1
    echo "clients: python took $(( $(date +%s) - t0 )) s"
    ;;
  serve) # for working on the suites: keep this Wharf up until Ctrl-C, then clean up as always
    env | grep -E '^WHARF_CLIENTS_' | sed 's/^/export /'
    wait -n "${pids[@]}"
    ;;
  *) echo "clients: unknown suite $suite"; status=1 ;;
  esac
done
exit $status
