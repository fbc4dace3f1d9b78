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
#   k8s         k8s/ (the base in k8s/base): rendered with `kubectl kustomize` (or `kustomize build`, else a
#               small built-in renderer for the subset k8s/ uses: resources, labels, patches by path), then every object is validated against the
#               Kubernetes OpenAPI schema (npm `kubernetes-models`: types, formats, required fields) and
#               type-checked with `tsc` against the same package's interfaces, which rejects unknown fields
#               (a misspelt `readinesProbe` passes the JSON schema but not this). Then cross-object checks:
#               selectors match pod labels, Services reach a named container port, probe ports exist, every
#               container has probes and requests/limits, mounts/ConfigMaps/PVCs/serviceNames resolve, the
#               ActiveMQ pair is 2 pods on ONE ReadWriteMany claim, the ConfigMaps that carry deploy/ files
#               equal them, and wharf-env has the same variable names docker-compose.yml gives the services.
#               Its cluster profile (issue 14) must be the topology it promises: 6 Redis Cluster nodes (AOF,
#               appendfsync always, a volume each) formed by ONE one-shot `redis-cli --cluster create` naming
#               them all with --cluster-replicas 1; 3 KRaft Kafka nodes, each other's voters, replication
#               factor 3, min ISR 2; 3 RabbitMQ nodes with one cookie whose config lists exactly them
#               (deploy/rabbitmq/cluster.conf, also through RabbitMQ's schemas); 2+ replicas of every app;
#               each replica's WHARF_REDIS_URL / WHARF_KAFKA_BROKERS / WHARF_AMQP_URL naming exactly those
#               nodes, and each edge's WHARF_<SVC>_URL exactly that service's replicas. Every WHARF_/SQS_/
#               SNS_/KINESIS_/MQ_ variable given to an app is one its code reads (apps/<app>/src, libs/).
#   k8s-cluster k8s/overlays/cluster: rendered and validated as k8s above (the built-in renderer also applies
#               its strategic-merge patches), then its topology: StatefulSets redis (6, cluster mode, a Job
#               running `redis-cli --cluster create` over every pod with --cluster-replicas 1), kafka (3,
#               Parallel, every pod a voter by its pod index, RF 3, min ISR 2) and rabbitmq (3, long node names, the
#               peers listed, one cookie; its k8s-cluster.conf through RabbitMQ's schemas); Deployments of
#               2+; preferred anti-affinity by hostname on every workload of 2+; PodDisruptionBudgets that
#               select pods, one per workload of 2+, each allowing an eviction, a majority kept for Kafka and
#               RabbitMQ and one Redis pod at a time; wharf-env naming exactly the pods and the Services.
#   dockerfile  Dockerfile: linted by npm `dockerfile-utils` (the VS Code Docker linter; hadolint is not in
#               Debian), then the essentials asserted: multi-stage, npm ci + npm run build, production deps
#               only, ARG APP in the runtime stage, node:20-bookworm-slim, non-root USER, HEALTHCHECK, CMD
#               running apps/${APP}/dist/main.js, every COPY source present and not excluded by .dockerignore,
#               .dockerignore excluding node_modules/dist/broker jars and data, the resulting build context
#               under 50 MB, and `npm ci --dry-run` accepting package-lock.json (the build stage's npm ci).
#
# Environment (for tests and one-off runs):
#   DEPLOY_CHECK_ONLY=compose,k8s,k8s-cluster,dockerfile   which checks to run (default: all)
#   DEPLOY_CHECK_COMPOSE_FILE, DEPLOY_CHECK_K8S_DIR, DEPLOY_CHECK_K8S_CLUSTER_DIR, DEPLOY_CHECK_DOCKERFILE
#                                              files to check instead of the repo's
#                                              (the build context and compose project directory stay the repo)
#   DEPLOY_CHECK_RABBITMQ_CONF, DEPLOY_CHECK_RABBITMQ_CLUSTER_CONF, DEPLOY_CHECK_RABBITMQ_PLUGINS
#                                              RabbitMQ files for the schema check
#   DEPLOY_CHECK_RENDERER=auto|kubectl|kustomize|node   how to render k8s/ and the overlay (default auto)
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
