#!/usr/bin/env bash
# The container part of the test command (tools/test.sh): a podman engine with a Docker socket, the images
# built here, then (1) `docker compose up` proved by deploy/test/compose.int.spec.ts and (2) one integration
# suite per service again with its brokers in testcontainers (WHARF_TEST_BROKERS=containers).
# Cleans up what it started (the stack, test containers, the podman service and poller) however it ends.
# Extra arguments go to vitest. WHARF_CONTAINERS=0 skips the whole part (prints why).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tools/node/env.sh

log() { printf '[containers %s] %s\n' "$(date +%T)" "$*"; }
fail() { printf '[containers %s] FAILED: %s\n' "$(date +%T)" "$*" >&2; exit 1; }

# The suites that run a second time with containerised brokers: one per service, and the brokers' smoke test.
CONTAINER_SUITES=(
  apps/sqs/test/trucks.int.spec.ts
  apps/kinesis/test/trucks.int.spec.ts
  apps/sns/test/sns-sqs.int.spec.ts
  apps/mq/test/api.int.spec.ts
  libs/testing/src/brokers.int.spec.ts
  libs/testing/src/broker-mode.int.spec.ts
)

t0=$SECONDS
cleanup() {
  local rc=$?
  if [[ -n ${DOCKER_HOST:-} ]]; then
    timeout 120 docker-compose -p "$WHARF_COMPOSE_PROJECT" --profile one down -v --remove-orphans >/dev/null 2>&1 || true
    # testcontainers labels what it starts; Ryuk (which would remove them) cannot run here
    ids=$(timeout 30 podman ps -aq --filter label=org.testcontainers=true 2>/dev/null)
    [[ -n $ids ]] && timeout 60 podman rm -f $ids >/dev/null 2>&1
  fi
  bash tools/containers/engine.sh down
  log "container part: $((SECONDS - t0)) s"
  exit $rc
}
export WHARF_COMPOSE_PROJECT=${WHARF_COMPOSE_PROJECT:-wharf-ci}
trap cleanup EXIT
trap 'exit 130' INT TERM

timeout 900 bash tools/containers/engine.sh up || fail "container engine (podman) could not be started — see the lines above"
eval "$(bash tools/containers/engine.sh env)"
source tools/containers/ci.env
# a stack left by an interrupted run holds the ports below; then a taken host port would make `up` fail half-way: name it now
timeout 180 docker-compose -p "$WHARF_COMPOSE_PROJECT" -f docker-compose.yml --profile one down -v --remove-orphans >/dev/null 2>&1
for var in $(compgen -v WHARF_PORT_); do
  port=${!var}
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "host port $port ($var) is taken; set $var to a free port"; fi
done

t_images=$SECONDS
bash tools/containers/images.sh all || fail "image build — see the lines above"
log "images ready in $((SECONDS - t_images)) s"

status=0
t_compose=$SECONDS
log "docker compose up, proved (deploy/test)"
npx vitest run --config tools/containers/vitest.config.ts --reporter=default --reporter=json \
  --outputFile.json=tmp/vitest-compose.json deploy/test "$@" || status=1
log "compose part: $((SECONDS - t_compose)) s"

t_suites=$SECONDS
log "suites again with their brokers in containers (testcontainers)"
WHARF_TEST_BROKERS=containers npx vitest run --config tools/containers/vitest.config.ts --reporter=default --reporter=json \
  --outputFile.json=tmp/vitest-containers.json "${CONTAINER_SUITES[@]}" "$@" || status=1
log "container-mode suites: $((SECONDS - t_suites)) s"
exit $status
