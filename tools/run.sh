#!/usr/bin/env bash
# Runs Wharf here: set-up (packages, build, brokers), then every service that exists plus the edge on 4566,
# each in its own process, or all in one with --one-process (tools/one-process.cjs).
# Ctrl-C (or SIGTERM) stops the services; the brokers keep running (`npm run brokers:down` stops them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source tools/node/env.sh # Node 24 (setup fetched it when the machine's node is older)

if [ "${1:-}" = "--one-process" ]; then
  echo "Wharf in one process: AWS_ENDPOINT_URL=http://localhost:${EDGE_PORT:-4566} (Redis ${WHARF_REDIS_URL:-redis://127.0.0.1:6380})"
  exec node tools/one-process.cjs
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait; }
trap cleanup EXIT INT TERM

for app in sqs sns kinesis mq edge; do
  if [ -f "apps/$app/dist/main.js" ]; then
    node "apps/$app/dist/main.js" &
    pids+=($!)
    echo "started $app (pid $!)"
  fi
done
echo "Wharf: AWS_ENDPOINT_URL=http://localhost:${EDGE_PORT:-4566} (Redis ${WHARF_REDIS_URL:-redis://127.0.0.1:6380}, durable: README \"Durability\")"
wait -n "${pids[@]}"
