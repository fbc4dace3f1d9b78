#!/usr/bin/env bash
# Everything a fresh clone needs on this machine kind: system packages, npm packages, a build, brokers.
# Node 24 first (tools/node). Idempotent: each step is skipped when already done. Used by `npm start` and `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

# System packages: the AWS CLI v2 from Debian (a real Query-protocol SQS client for tests) and
# docker-compose v1 (validates docker-compose.yml offline; no Docker engine runs here).
need_apt=()
[ -x /usr/bin/aws ] || need_apt+=(awscli)
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
# boto3 and pytest for the real-client suite (clients/python), run by Debian's own python3
/usr/bin/python3 -c 'import boto3' 2>/dev/null || need_apt+=(python3-boto3)
/usr/bin/python3 -c 'import pytest' 2>/dev/null || need_apt+=(python3-pytest)
# The broker scripts' own tools (tools/brokers: the cluster profile reads RabbitMQ's API with curl and jq,
# and asks Redis with redis-cli)
command -v jq >/dev/null 2>&1 || need_apt+=(jq)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v redis-cli >/dev/null 2>&1 || need_apt+=(redis-tools)
# Debian's Chromium: the console's browser tests drive it with playwright-core (no browser download works here).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing ${need_apt[*]} and cannot apt-get install them; the tests that need them will fail" >&2
  fi
fi

# Node 24: fetched into .tools/ when the machine's node is older; everything below runs on it.
bash tools/node/install.sh
source tools/node/env.sh

# npm packages: reinstall when the lock file or Node's module ABI changed since the last install.
stamp=node_modules/.wharf-lock.sha
want="$(sha256sum package-lock.json | cut -d' ' -f1) abi$(node -p process.versions.modules)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

log "build"
npm run --silent build

# Wharf's local CA (README "TLS"): made once into .data/tls (or $WHARF_TLS_DIR), kept and reused after.
log "local CA"
node -e "const k = require('./libs/service-kit/dist/local-ca.js'); console.log(k.trustHints(k.ensureLocalCa()).join('\n'))"

log "brokers"
bash tools/brokers/brokers.sh fetch
# The Amazon MQ service launches its own ActiveMQ instances; fetch their extra jars before any test does.
bash libs/mq/backend-activemq/launcher/run-instance.sh --prepare
bash tools/brokers/brokers.sh up
