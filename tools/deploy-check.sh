#!/usr/bin/env bash
# Offline validation of Wharf's deployment files: no Docker engine, no cluster, no network beyond the Debian
# and npm registries (and those only to install a missing docker-compose). Idempotent; CI-safe (no stdin).
#
#   compose     docker-compose.yml: `docker compose config -q` (v2 plugin if present, else Debian's
#               docker-compose 1.29, installed with apt-get when missing) validates it against the Compose
#               schema; then a YAML-level check: every service has a healthcheck, every depends_on waits for
#               service_healthy on an existing service, the ActiveMQ pair shares ONE named volume that holds
#               the KahaDB of deploy/activemq/broker.xml (well-formed, shared-file-locker), Redis has AOF on a
#               volume, Kafka is KRaft with a valid CLUSTER_ID, RabbitMQ gets its plugins, every app is built
#               from ./Dockerfile with APP, bind-mounted files exist, no host port is published twice, and
#               every service host named in a URL is a compose service. Where Debian's rabbitmq-server is
#               installed (it is on this machine kind), deploy/rabbitmq/wharf.conf goes through RabbitMQ's own
#               config schemas (cuttlefish, via escript): unknown keys and bad values fail; and every plugin in
#               deploy/rabbitmq/enabled_plugins must exist. (Those schemas are 3.10's; the image runs 3.13.)
#   k8s         k8s/: rendered with `kubectl kustomize` (or `kustomize build`, else a small built-in renderer
#               for the subset k8s/kustomization.yaml uses), then every object is validated against the
#               Kubernetes OpenAPI schema (npm `kubernetes-models`: types, formats, required fields) and
#               type-checked with `tsc` against the same package's interfaces, which rejects unknown fields
#               (a misspelt `readinesProbe` passes the JSON schema but not this). Then cross-object checks:
#               selectors match pod labels, Services reach a named container port, probe ports exist, every
#               container has probes and requests/limits, mounts/ConfigMaps/PVCs/serviceNames resolve, the
#               ActiveMQ pair is 2 pods on ONE ReadWriteMany claim, the ConfigMaps that carry deploy/ files
#               equal them, and wharf-env has the same variable names docker-compose.yml gives the services.
#   dockerfile  Dockerfile: linted by npm `dockerfile-utils` (the VS Code Docker linter; hadolint is not in
#               Debian), then the essentials asserted: multi-stage, npm ci + npm run build, production deps
#               only, ARG APP in the runtime stage, node:20-bookworm-slim, non-root USER, HEALTHCHECK, CMD
#               running apps/${APP}/dist/main.js, every COPY source present and not excluded by .dockerignore,
#               .dockerignore excluding node_modules/dist/broker jars and data, the resulting build context
#               under 50 MB, and `npm ci --dry-run` accepting package-lock.json (the build stage's npm ci).
#
# Environment (for tests and one-off runs):
#   DEPLOY_CHECK_ONLY=compose,k8s,dockerfile   which checks to run (default: all)
#   DEPLOY_CHECK_COMPOSE_FILE, DEPLOY_CHECK_K8S_DIR, DEPLOY_CHECK_DOCKERFILE   files to check instead of the repo's
#                                              (the build context and compose project directory stay the repo)
#   DEPLOY_CHECK_RABBITMQ_CONF, DEPLOY_CHECK_RABBITMQ_PLUGINS                  RabbitMQ files for the schema check
#   DEPLOY_CHECK_RENDERER=auto|kubectl|kustomize|node                         how to render k8s/ (default auto)
#   DEPLOY_CHECK_NO_INSTALL=1                                                  never apt-get install docker-compose
# Exit status: 0 when every selected check passes, 1 otherwise (each failure is printed as "FAIL [check] ...").
set -euo pipefail
# The program is tools/deploy-check/ (TypeScript, linted and built with the workspace); `render <dir>` prints
# what its built-in kustomize renderer makes of <dir>.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
for dep in yaml kubernetes-models dockerfile-utils typescript fast-xml-parser; do
  if [ ! -d "$ROOT/node_modules/$dep" ]; then
    echo "deploy-check: npm package '$dep' is missing: run npm ci (it is a devDependency of the root package)" >&2
    exit 2
  fi
done
# built with the workspace (npm run build); build it here too when it is missing or older than its sources
BUILT=tools/deploy-check/dist/.tsbuildinfo
if [ ! -f "$BUILT" ] || [ -n "$(find tools/deploy-check/src -name '*.ts' -newer "$BUILT" -print -quit)" ]; then
  node_modules/.bin/tsc -b tools/deploy-check
fi
exec node tools/deploy-check/dist/main.js "$@"
