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

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
COMPOSE_FILE=$(realpath -m "${DEPLOY_CHECK_COMPOSE_FILE:-$ROOT/docker-compose.yml}")
K8S_DIR=$(realpath -m "${DEPLOY_CHECK_K8S_DIR:-$ROOT/k8s}")
DOCKERFILE=$(realpath -m "${DEPLOY_CHECK_DOCKERFILE:-$ROOT/Dockerfile}")
ONLY=",${DEPLOY_CHECK_ONLY:-compose,k8s,dockerfile},"
RENDERER=${DEPLOY_CHECK_RENDERER:-auto}
RABBITMQ_CONF=$(realpath -m "${DEPLOY_CHECK_RABBITMQ_CONF:-$ROOT/deploy/rabbitmq/wharf.conf}")
RABBITMQ_PLUGINS=$(realpath -m "${DEPLOY_CHECK_RABBITMQ_PLUGINS:-$ROOT/deploy/rabbitmq/enabled_plugins}")

mkdir -p "$ROOT/tmp"
# inside the repo so that the helper and the generated TypeScript resolve the repo's node_modules
WORK=$(mktemp -d "$ROOT/tmp/deploy-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

failures=0
ran=0
say() { printf '%s\n' "$*"; }
fail() { say "FAIL [$1] $2"; failures=$((failures + 1)); }
want() { [[ $ONLY == *",$1,"* ]]; }

for dep in yaml kubernetes-models dockerfile-utils typescript fast-xml-parser; do
  if [ ! -d "$ROOT/node_modules/$dep" ]; then
    say "deploy-check: npm package '$dep' is missing: run npm ci (it is a devDependency of the root package)" >&2
    exit 2
  fi
done

# ---------------------------------------------------------------------------------------------------------
# The Node side: compose/k8s/dockerfile checks and the fallback kustomize renderer.
cat > "$WORK/check.mjs" <<'NODE'
import { readFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join, resolve, relative, isAbsolute } from 'node:path';
import { createRequire } from 'node:module';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';

const require = createRequire(import.meta.url);
const [, , mode, ...args] = process.argv;
const errors = [];
const notes = [];
const err = (msg) => errors.push(msg);
const note = (msg) => notes.push(msg);
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const finish = () => {
  for (const n of notes) console.log(`  note: ${n}`);
  for (const e of errors) console.log(`  error: ${e}`);
  process.exit(errors.length ? 1 : 0);
};
// YAML 1.2 core schema plus what kustomize (go-yaml v3) and docker-compose (PyYAML) also read: merge keys (<<)
// and a leading-zero integer as octal (defaultMode: 0755 is 493). Write yes/no/on/off quoted: PyYAML reads
// them as booleans.
const LEGACY_OCTAL = { default: true, tag: 'tag:yaml.org,2002:int', test: /^0[0-7]+$/, resolve: (s) => parseInt(s, 8) };
const YAML_OPTIONS = { merge: true, customTags: (tags) => [LEGACY_OCTAL, ...tags] };
const loadYaml = (file) => {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), YAML_OPTIONS);
  const out = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
    const v = d.toJS({ maxAliasCount: 1000 });
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
};

const WHARF_APPS = { edge: 4566, sqs: 9324, sns: 9911, kinesis: 4567, mq: 8180 };
const BROKERS = ['redis', 'kafka', 'rabbitmq', 'activemq-a', 'activemq-b'];
const RABBIT_PLUGINS = ['rabbitmq_management', 'rabbitmq_mqtt', 'rabbitmq_stomp', 'rabbitmq_web_stomp'];

// ---------------------------------------------------------------- ActiveMQ broker.xml (shared by compose/k8s)
function checkBrokerXml(xml, where, sharedMounts, notShared = 'the KahaDB directory is not on a volume both brokers mount') {
  const { XMLValidator, XMLParser } = require('fast-xml-parser');
  const v = XMLValidator.validate(xml);
  if (v !== true) return err(`${where}: not well-formed XML: ${v.err.msg} (line ${v.err.line})`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  const broker = doc?.beans?.broker;
  if (!broker) return err(`${where}: no <beans><broker> element`);
  const kaha = broker.persistenceAdapter?.kahaDB;
  if (!kaha) return err(`${where}: no <persistenceAdapter><kahaDB>`);
  if (!kaha.locker?.['shared-file-locker']) err(`${where}: kahaDB has no <locker><shared-file-locker/> (the pair needs the shared lock)`);
  const dir = kaha.directory ?? '';
  const under = (path, mount) => path === mount || path.startsWith(`${mount.replace(/\/$/, '')}/`);
  const kahaMount = sharedMounts.find((m) => under(dir, m));
  if (!kahaMount) err(`${notShared} (kahaDB directory "${dir}"; shared: ${sharedMounts.join(', ') || 'none'})`);
  if (broker.dataDirectory && kahaMount && under(broker.dataDirectory, kahaMount))
    err(`${where}: broker dataDirectory must be local to each broker, not on the shared volume`);
  const connectors = [].concat(broker.transportConnectors?.transportConnector ?? []);
  const schemes = connectors.map((c) => String(c.uri).split(':')[0]);
  for (const s of ['tcp', 'stomp', 'amqp', 'mqtt', 'ws']) if (!schemes.includes(s)) err(`${where}: no ${s}:// transport connector`);
  for (const c of connectors) if (!/^[a-z+]+:\/\/0\.0\.0\.0:\d+/.test(String(c.uri))) err(`${where}: connector ${c.name} must bind 0.0.0.0 in a container (${c.uri})`);
}

// ---------------------------------------------------------------- compose
function checkCompose(file, projectDir) {
  const [doc] = loadYaml(file);
  if (!isObj(doc?.services)) return err('no services');
  const services = doc.services;
  const volumes = isObj(doc.volumes) ? doc.volumes : {};
  const names = Object.keys(services);
  for (const n of [...BROKERS, ...Object.keys(WHARF_APPS)]) if (!services[n]) err(`service "${n}" is missing`);

  // one-shot init services (waited for with service_completed_successfully) need no healthcheck
  const oneShot = new Set();
  for (const s of Object.values(services))
    if (isObj(s.depends_on)) for (const [dep, cond] of Object.entries(s.depends_on)) if (cond?.condition === 'service_completed_successfully') oneShot.add(dep);
  for (const name of oneShot) {
    const s = services[name];
    if (!s) continue;
    if (String(s.restart ?? 'no') !== 'no') err(`service "${name}" is waited for to complete, so it must be one-shot (restart: "no")`);
    if ((s.ports ?? []).length) err(`one-shot service "${name}" publishes ports`);
  }
  const healthy = new Set();
  for (const [name, s] of Object.entries(services)) {
    if (oneShot.has(name)) continue;
    const hc = s.healthcheck;
    const test = hc?.test;
    const empty = test === undefined || (Array.isArray(test) ? test.length === 0 || test[0] === 'NONE' : String(test).trim() === '');
    if (!isObj(hc) || hc.disable === true || empty) err(`service "${name}" has no healthcheck`);
    else healthy.add(name);
  }
  for (const [name, s] of Object.entries(services)) {
    if (s.depends_on === undefined) continue;
    if (Array.isArray(s.depends_on)) {
      err(`service "${name}": depends_on is a list; use the map form with condition: service_healthy`);
      continue;
    }
    for (const [dep, cond] of Object.entries(s.depends_on)) {
      if (!services[dep]) err(`service "${name}" depends on unknown service "${dep}"`);
      if (cond?.condition === 'service_completed_successfully' && oneShot.has(dep)) continue;
      if (cond?.condition !== 'service_healthy') err(`service "${name}": depends_on ${dep} must use condition: service_healthy (has ${cond?.condition ?? 'none'})`);
      else if (services[dep] && !healthy.has(dep)) err(`service "${name}" waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
    }
  }

  const mounts = (s) =>
    (s.volumes ?? []).map((v) => {
      if (isObj(v)) return { source: v.source, target: v.target, type: v.type ?? (v.source && /^[./~]/.test(v.source) ? 'bind' : 'volume') };
      const [source, target] = String(v).split(':');
      return target === undefined ? { source: undefined, target: source, type: 'volume' } : { source, target, type: /^[./~]/.test(source) ? 'bind' : 'volume' };
    });
  for (const [name, s] of Object.entries(services)) {
    for (const m of mounts(s)) {
      if (m.type === 'bind') {
        const p = isAbsolute(m.source) ? m.source : resolve(projectDir, m.source);
        if (!existsSync(p)) err(`service "${name}": bind mount source ${m.source} does not exist`);
      } else if (m.type === 'volume' && m.source && !(m.source in volumes)) err(`service "${name}": volume "${m.source}" is not declared under top-level volumes`);
    }
  }

  // the ActiveMQ pair on ONE named volume
  const a = services['activemq-a'];
  const b = services['activemq-b'];
  if (a && b) {
    const named = (s) => mounts(s).filter((m) => m.type === 'volume' && m.source);
    const shared = named(a).filter((ma) => named(b).some((mb) => mb.source === ma.source && mb.target === ma.target));
    for (const extra of [...named(a), ...named(b)]) if (!shared.some((m) => m.source === extra.source)) err(`ActiveMQ pair: volume "${extra.source}" is not shared by both brokers at the same path`);
    const xmlOf = (s) => mounts(s).find((m) => m.type === 'bind' && /\.xml$/.test(m.source ?? ''));
    const xa = xmlOf(a);
    const xb = xmlOf(b);
    if (!xa || !xb) err('activemq-a and activemq-b must each mount a broker XML from deploy/activemq/');
    else {
      if (resolve(projectDir, xa.source) !== resolve(projectDir, xb.source)) err('activemq-a and activemq-b load different broker XML files');
      const cmd = [].concat(a.command ?? []).join(' ');
      if (!cmd.includes(`xbean:file:${xa.target}`)) err(`activemq-a does not start with its mounted config (command should name xbean:file:${xa.target})`);
      const p = resolve(projectDir, xa.source);
      if (existsSync(p)) checkBrokerXml(readFileSync(p, 'utf8'), xa.source, shared.map((m) => m.target), 'activemq-a and activemq-b must share the named volume that holds the KahaDB');
    }
  }

  // mq's static ActiveMQ slots (WHARF_MQ_ACTIVEMQ_STATIC=@file): a mounted file naming compose services
  const mqEnv = isObj(services.mq?.environment) ? services.mq.environment : {};
  if (mqEnv.WHARF_MQ_ACTIVEMQ_STRATEGY === 'static') {
    const ref = String(mqEnv.WHARF_MQ_ACTIVEMQ_STATIC ?? '');
    const m = ref.startsWith('@') ? mounts(services.mq).find((x) => x.target === ref.slice(1) && x.type === 'bind') : undefined;
    if (!m) err('mq: WHARF_MQ_ACTIVEMQ_STATIC must be @<path of a file mounted into mq>');
    else if (existsSync(resolve(projectDir, m.source))) {
      try {
        const slots = JSON.parse(readFileSync(resolve(projectDir, m.source), 'utf8')).slots ?? [];
        if (!slots.length) err(`mq: ${m.source} lists no slots`);
        for (const slot of slots)
          for (const inst of slot.instances ?? []) {
            if (!names.includes(inst.host)) err(`mq: ${m.source} names host "${inst.host}", which is not a compose service`);
            for (const pn of ['openwire', 'amqp', 'stomp', 'mqtt', 'ws']) if (!Number.isInteger(inst[pn])) err(`mq: ${m.source}: ${inst.host} has no ${pn} port`);
          }
      } catch (e) {
        err(`mq: ${m.source} is not JSON: ${e.message}`);
      }
    }
  }

  // Redis with AOF on a volume
  const redis = services.redis;
  if (redis) {
    const cmd = [].concat(redis.command ?? []).join(' ');
    if (!/--appendonly\s+yes/.test(cmd)) err('redis: command must turn AOF on (--appendonly yes)');
    if (!mounts(redis).some((m) => m.type === 'volume' && m.target === '/data')) err('redis: /data must be a named volume (the AOF lives there)');
    if (!String(redis.image ?? '').startsWith('redis:7')) err(`redis: image should be Redis 7 (is ${redis.image})`);
  }
  // Kafka in KRaft mode
  const kafka = services.kafka;
  if (kafka) {
    const env = kafka.environment ?? {};
    if (!String(kafka.image ?? '').startsWith('apache/kafka:')) err(`kafka: use the official apache/kafka image (is ${kafka.image})`);
    const roles = String(env.KAFKA_PROCESS_ROLES ?? '').split(',').map((r) => r.trim());
    if (!roles.includes('broker') || !roles.includes('controller')) err('kafka: KAFKA_PROCESS_ROLES must be broker,controller (single KRaft node)');
    for (const k of ['KAFKA_NODE_ID', 'KAFKA_CONTROLLER_QUORUM_VOTERS', 'KAFKA_LISTENERS', 'KAFKA_ADVERTISED_LISTENERS', 'KAFKA_CONTROLLER_LISTENER_NAMES', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'])
      if (env[k] === undefined) err(`kafka: ${k} is not set`);
    const id = String(env.CLUSTER_ID ?? '');
    if (!/^[A-Za-z0-9_-]{22}$/.test(id) || Buffer.from(id, 'base64url').length !== 16) err(`kafka: CLUSTER_ID "${id}" is not a base64url UUID (22 characters, 16 bytes)`);
    if (!String(env.KAFKA_LISTENERS ?? '').includes('CONTROLLER://')) err('kafka: KAFKA_LISTENERS has no CONTROLLER listener');
  }
  // RabbitMQ with its plugins
  const rabbit = services.rabbitmq;
  if (rabbit) {
    const pl = mounts(rabbit).find((m) => m.target === '/etc/rabbitmq/enabled_plugins');
    if (!pl) err('rabbitmq: mount deploy/rabbitmq/enabled_plugins at /etc/rabbitmq/enabled_plugins');
    else if (pl.type === 'bind' && existsSync(resolve(projectDir, pl.source))) {
      const text = readFileSync(resolve(projectDir, pl.source), 'utf8');
      if (!/^\s*\[[\s\S]*\]\.\s*$/.test(text)) err(`rabbitmq: ${pl.source} is not an Erlang list term ("[a,b].")`);
      for (const p of RABBIT_PLUGINS) if (!new RegExp(`\\b${p}\\b`).test(text)) err(`rabbitmq: plugin ${p} is not enabled in ${pl.source}`);
    }
    const conf = mounts(rabbit).find((m) => /^\/etc\/rabbitmq\/(rabbitmq\.conf|conf\.d\/.+\.conf)$/.test(m.target));
    if (!conf) err('rabbitmq: mount a config file (rabbitmq.conf or conf.d/*.conf)');
    else if (conf.type === 'bind' && existsSync(resolve(projectDir, conf.source))) {
      const lines = readFileSync(resolve(projectDir, conf.source), 'utf8').split('\n');
      lines.forEach((l, i) => {
        if (l.trim() && !l.trim().startsWith('#') && !/^\s*[a-z_][\w.-]*\s*=\s*\S/.test(l)) err(`rabbitmq: ${conf.source}:${i + 1} is not "key = value"`);
      });
      if (!lines.some((l) => /^\s*loopback_users\.guest\s*=\s*false/.test(l))) note('rabbitmq: guest may only log in from localhost (no loopback_users.guest = false); the services must use another user');
    }
    if (!/^rabbitmq:3\.13-management/.test(String(rabbit.image ?? ''))) err(`rabbitmq: image should be rabbitmq:3.13-management (is ${rabbit.image})`);
  }

  // Wharf services: built from the Dockerfile with APP
  for (const [app, port] of Object.entries(WHARF_APPS)) {
    const s = services[app];
    if (!s) continue;
    const build = isObj(s.build) ? s.build : s.build ? { context: s.build } : undefined;
    if (!build) {
      err(`service "${app}" has no build section`);
      continue;
    }
    const ctx = resolve(projectDir, build.context ?? '.');
    const df = resolve(ctx, build.dockerfile ?? 'Dockerfile');
    if (!existsSync(df)) err(`service "${app}": Dockerfile ${relative(projectDir, df)} does not exist`);
    const argApp = Array.isArray(build.args) ? build.args.find((x) => String(x).startsWith('APP='))?.slice(4) : build.args?.APP;
    if (argApp !== app) err(`service "${app}": build.args.APP must be "${app}" (is ${argApp})`);
    else if (!existsSync(join(ctx, 'apps', app, 'package.json'))) note(`service "${app}": apps/${app} does not exist yet; its image cannot be built until it lands`);
    const ports = (s.ports ?? []).map(String);
    if (!ports.some((p) => p.endsWith(`:${port}`) || p === String(port))) err(`service "${app}" does not publish its port ${port}`);
    const env = s.environment ?? {};
    if (Array.isArray(env)) err(`service "${app}": use the map form of environment`);
    else if (env.WHARF_HOST !== '0.0.0.0') err(`service "${app}": WHARF_HOST must be 0.0.0.0 in a container`);
  }
  if (services.edge) {
    const ports = (services.edge.ports ?? []).map(String);
    if (!ports.some((p) => /^(\d+\.\d+\.\d+\.\d+:)?4566:4566$/.test(p))) err('edge must be published on host port 4566');
  }

  // host ports published once
  const seen = new Map();
  for (const [name, s] of Object.entries(services)) {
    for (const p of s.ports ?? []) {
      const str = isObj(p) ? `${p.published}:${p.target}` : String(p);
      const parts = str.split(':');
      const host = parts.length >= 2 ? parts[parts.length - 2] : undefined;
      if (!host) continue;
      if (seen.has(host)) err(`host port ${host} is published by both "${seen.get(host)}" and "${name}"`);
      seen.set(host, name);
    }
  }
  // every host in a service URL/host:port variable is a compose service
  for (const [name, s] of Object.entries(services)) {
    const env = isObj(s.environment) ? s.environment : {};
    for (const [k, v] of Object.entries(env)) {
      if (!/^(WHARF_|SQS_)/.test(k) || typeof v !== 'string') continue;
      const m = /^(?:[a-z]+:\/\/)?(?:[^@/]*@)?([A-Za-z0-9.-]+):\d+/.exec(v);
      if (!m || k === 'SQS_PUBLIC_URL') continue;
      if (!names.includes(m[1])) err(`service "${name}": ${k}=${v} names host "${m[1]}", which is not a compose service`);
    }
  }
}

// ---------------------------------------------------------------- kustomize fallback renderer
// Supports what k8s/kustomization.yaml uses: resources (files or folders with a kustomization.yaml) and labels
// (pairs; includeSelectors / includeTemplates). Anything else is refused rather than silently ignored.
const KUSTOMIZE_ORDER = ['Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service', 'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
function renderKustomization(dir) {
  const kfile = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find(existsSync);
  if (!kfile) throw new Error(`${dir}: no kustomization.yaml`);
  const k = parseYaml(readFileSync(kfile, 'utf8'));
  for (const key of Object.keys(k)) if (!['apiVersion', 'kind', 'resources', 'labels'].includes(key)) throw new Error(`${kfile}: field "${key}" is not supported by the fallback renderer (install kubectl or kustomize)`);
  let objects = [];
  for (const r of k.resources ?? []) {
    const p = resolve(dir, r);
    if (!existsSync(p)) throw new Error(`${kfile}: resource ${r} does not exist`);
    objects.push(...(statSync(p).isDirectory() ? renderKustomization(p) : loadYaml(p)));
  }
  for (const l of k.labels ?? []) {
    for (const o of objects) {
      o.metadata = o.metadata ?? {};
      o.metadata.labels = { ...(o.metadata.labels ?? {}), ...l.pairs };
      const tmpl = o.spec?.template ?? o.spec?.jobTemplate?.spec?.template;
      if ((l.includeSelectors || l.includeTemplates) && tmpl) tmpl.metadata = { ...(tmpl.metadata ?? {}), labels: { ...(tmpl.metadata?.labels ?? {}), ...l.pairs } };
      if (l.includeSelectors) {
        if (o.spec?.selector?.matchLabels) Object.assign(o.spec.selector.matchLabels, l.pairs);
        else if (o.kind === 'Service' && o.spec) o.spec.selector = { ...(o.spec.selector ?? {}), ...l.pairs };
      }
    }
  }
  const rank = (o) => {
    const i = KUSTOMIZE_ORDER.indexOf(o.kind);
    return i < 0 ? KUSTOMIZE_ORDER.length : i;
  };
  objects = objects.map((o, i) => [o, i]).sort((x, y) => rank(x[0]) - rank(y[0]) || String(x[0].metadata?.name).localeCompare(String(y[0].metadata?.name)) || x[1] - y[1]).map((x) => x[0]);
  return objects;
}

// ---------------------------------------------------------------- k8s
async function checkK8s(renderedFile, k8sDir, composeFile, outTs) {
  const objects = loadYaml(renderedFile);
  if (objects.length === 0) return err('kustomize rendered nothing');
  const key = (o) => `${o.kind}/${o.metadata?.name}`;
  const byKey = new Map();
  const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const tsLines = [];
  let n = 0;
  for (const o of objects) {
    if (!o.apiVersion || !o.kind || !o.metadata?.name) {
      err(`an object has no apiVersion/kind/metadata.name: ${JSON.stringify(o).slice(0, 120)}`);
      continue;
    }
    if (byKey.has(key(o))) err(`${key(o)} is defined twice`);
    byKey.set(key(o), o);
    if (!dns1123.test(o.metadata.name) || o.metadata.name.length > 253) err(`${key(o)}: name is not a DNS-1123 subdomain`);
    if (o.kind === 'Service' && (o.metadata.name.length > 63 || o.metadata.name.includes('.'))) err(`${key(o)}: a Service name must be a DNS-1123 label`);
    // the JSON schema (types, formats, required fields) from kubernetes-models
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [undefined, o.apiVersion];
    const modPath = `kubernetes-models/${group ? `${group}/` : ''}${version}/${o.kind}`;
    let Model;
    try {
      Model = (await import(modPath))[o.kind];
    } catch {
      err(`${key(o)}: ${o.apiVersion} ${o.kind} is not a known Kubernetes kind (kubernetes-models has no ${modPath})`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      err(`${key(o)}: schema: ${String(e.message ?? e).split('\n').join('; ')}`);
    }
    // unknown fields: the same object as a TypeScript literal of the package's interface (excess property check)
    tsLines.push(`import type { I${o.kind} as T${n} } from '${modPath}';`);
    tsLines.push(`// ${key(o)}\nexport const o${n}: T${n} = ${JSON.stringify(o, null, 2)};`);
    n++;
  }
  if (outTs) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(outTs, `${tsLines.join('\n')}\n`);
  }

  const all = [...byKey.values()];
  const of = (kind) => all.filter((o) => o.kind === kind);
  const workloads = [...of('Deployment'), ...of('StatefulSet')];
  const podSpec = (w) => w.spec?.template?.spec ?? {};
  const podLabels = (w) => w.spec?.template?.metadata?.labels ?? {};
  const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
  const containers = (w) => [...(podSpec(w).initContainers ?? []), ...(podSpec(w).containers ?? [])];
  const cmData = (name) => byKey.get(`ConfigMap/${name}`)?.data;

  for (const w of workloads) {
    const id = key(w);
    const sel = w.spec?.selector?.matchLabels;
    if (!sel || Object.keys(sel).length === 0) err(`${id}: spec.selector.matchLabels is empty`);
    else if (!matches(sel, podLabels(w))) err(`${id}: selector ${JSON.stringify(sel)} does not match the pod template labels`);
    const volNames = new Set([...(podSpec(w).volumes ?? []).map((v) => v.name), ...(w.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name)]);
    for (const v of podSpec(w).volumes ?? []) {
      for (const src of [v.configMap, v.secret].filter(Boolean))
        if (src.defaultMode !== undefined && !(Number.isInteger(src.defaultMode) && src.defaultMode >= 0 && src.defaultMode <= 0o777)) err(`${id}: volume ${v.name} defaultMode ${src.defaultMode} is not a file mode (0..0777; write 0755 as 493)`);
      if (v.configMap) {
        const data = cmData(v.configMap.name);
        if (!data && !v.configMap.optional) err(`${id}: volume ${v.name} uses ConfigMap ${v.configMap.name}, which is not defined`);
      }
      if (v.persistentVolumeClaim && !byKey.has(`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`)) err(`${id}: volume ${v.name} uses PVC ${v.persistentVolumeClaim.claimName}, which is not defined`);
    }
    for (const c of containers(w)) {
      const cid = `${id} container ${c.name}`;
      const portNames = (c.ports ?? []).map((p) => p.name).filter(Boolean);
      if (new Set(portNames).size !== portNames.length) err(`${cid}: port names repeat`);
      for (const p of portNames) if (p.length > 15 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p) || !/[a-z]/.test(p)) err(`${cid}: port name "${p}" is not an IANA_SVC_NAME`);
      for (const m of c.volumeMounts ?? []) {
        if (!volNames.has(m.name)) err(`${cid}: volumeMount ${m.name} has no volume`);
        const vol = (podSpec(w).volumes ?? []).find((v) => v.name === m.name);
        if (vol?.configMap && m.subPath && cmData(vol.configMap.name) && !(m.subPath in cmData(vol.configMap.name))) err(`${cid}: subPath ${m.subPath} is not a key of ConfigMap ${vol.configMap.name}`);
      }
      for (const e of c.envFrom ?? []) if (e.configMapRef && !cmData(e.configMapRef.name) && !e.configMapRef.optional) err(`${cid}: envFrom ConfigMap ${e.configMapRef.name} is not defined`);
      for (const probeName of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const probe = c[probeName];
        if (!probe) continue;
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
        if (typeof port === 'string' && !portNames.includes(port)) err(`${cid}: ${probeName} uses port "${port}", which the container does not name`);
      }
      if ((podSpec(w).containers ?? []).includes(c)) {
        if (!c.readinessProbe) err(`${cid}: no readinessProbe`);
        if (!c.livenessProbe) err(`${cid}: no livenessProbe`);
        for (const kind of ['requests', 'limits']) for (const r of ['cpu', 'memory']) if (c.resources?.[kind]?.[r] === undefined) err(`${cid}: no resources.${kind}.${r}`);
      }
    }
    if (w.kind === 'StatefulSet') {
      const svc = byKey.get(`Service/${w.spec?.serviceName}`);
      if (!svc) err(`${id}: serviceName ${w.spec?.serviceName} is not a Service here`);
      else if (svc.spec?.clusterIP !== 'None') err(`${id}: its serviceName ${svc.metadata.name} must be headless (clusterIP: None)`);
    }
  }
  for (const s of of('Service')) {
    const sel = s.spec?.selector;
    if (!sel) continue;
    const targets = workloads.filter((w) => matches(sel, podLabels(w)));
    if (targets.length === 0) {
      err(`${key(s)}: selector ${JSON.stringify(sel)} matches no pod template`);
      continue;
    }
    for (const p of s.spec?.ports ?? []) {
      if (typeof p.targetPort === 'string' && !targets.some((w) => containers(w).some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort))))
        err(`${key(s)}: targetPort "${p.targetPort}" is not a named port of the pods it selects`);
    }
  }

  // Wharf's shape
  for (const [app, port] of Object.entries(WHARF_APPS)) {
    const d = byKey.get(`Deployment/${app}`);
    if (!d) {
      err(`Deployment/${app} is missing`);
      continue;
    }
    if (!byKey.has(`Service/${app}`)) err(`Service/${app} is missing`);
    const c = podSpec(d).containers?.[0] ?? {};
    if (c.readinessProbe?.httpGet?.path !== '/health') err(`Deployment/${app}: readinessProbe must GET /health`);
    if (c.livenessProbe?.httpGet?.path !== '/health') err(`Deployment/${app}: livenessProbe must GET /health`);
    if (!(c.ports ?? []).some((p) => p.containerPort === port)) err(`Deployment/${app}: container port ${port} is not declared`);
    if (!(c.envFrom ?? []).some((e) => e.configMapRef?.name === 'wharf-env')) err(`Deployment/${app}: envFrom ConfigMap wharf-env is missing`);
    if (byKey.get(`Service/${app}`) && !(byKey.get(`Service/${app}`).spec?.ports ?? []).some((p) => p.port === port)) err(`Service/${app} does not expose port ${port}`);
  }
  for (const b of ['redis', 'kafka', 'rabbitmq']) if (!byKey.has(`StatefulSet/${b}`)) err(`StatefulSet/${b} is missing`);
  const redis = byKey.get('StatefulSet/redis');
  if (redis) {
    const c = podSpec(redis).containers?.[0] ?? {};
    if (!/--appendonly\s+yes/.test([...(c.command ?? []), ...(c.args ?? [])].join(' '))) err('StatefulSet/redis: AOF is not on (--appendonly yes)');
    if (!(c.volumeMounts ?? []).some((m) => m.mountPath === '/data' && (redis.spec.volumeClaimTemplates ?? []).some((t) => t.metadata?.name === m.name))) err('StatefulSet/redis: /data is not on a PVC');
  }
  const kafka = byKey.get('StatefulSet/kafka');
  if (kafka) {
    const env = Object.fromEntries((podSpec(kafka).containers?.[0]?.env ?? []).map((e) => [e.name, e.value]));
    if (!/broker/.test(env.KAFKA_PROCESS_ROLES ?? '') || !/controller/.test(env.KAFKA_PROCESS_ROLES ?? '')) err('StatefulSet/kafka: KAFKA_PROCESS_ROLES must be broker,controller');
    if (podSpec(kafka).enableServiceLinks !== false) err('StatefulSet/kafka: set enableServiceLinks: false (injected KAFKA_* variables break the apache/kafka image)');
  }

  // the ActiveMQ pair: two pods, one ReadWriteMany claim
  const amqWorkloads = workloads.filter((w) => containers(w).some((c) => /activemq/.test(String(c.image))));
  const pods = amqWorkloads.reduce((sum, w) => sum + (w.spec?.replicas ?? 1), 0);
  if (pods !== 2) err(`the ActiveMQ pair must be 2 pods (StatefulSet replicas: 2 or two Deployments); found ${pods}`);
  const claimSets = amqWorkloads.map((w) => (podSpec(w).volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim.claimName).sort().join(','));
  for (const w of amqWorkloads) {
    if ((w.spec?.volumeClaimTemplates ?? []).length) err(`${key(w)}: volumeClaimTemplates would give each broker its own volume; use one shared claim`);
    if (w.kind === 'StatefulSet' && w.spec?.podManagementPolicy !== 'Parallel') err(`${key(w)}: podManagementPolicy must be Parallel (the standby never becomes Ready)`);
  }
  if (new Set(claimSets).size > 1) err(`the ActiveMQ brokers mount different PVCs (${claimSets.join(' / ')})`);
  const claims = amqWorkloads.length ? (podSpec(amqWorkloads[0]).volumes ?? []).filter((v) => v.persistentVolumeClaim) : [];
  if (amqWorkloads.length && claims.length === 0) err('the ActiveMQ brokers mount no shared PVC');
  for (const v of claims) {
    const pvc = byKey.get(`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`);
    if (pvc && !(pvc.spec?.accessModes ?? []).includes('ReadWriteMany')) err(`PersistentVolumeClaim/${pvc.metadata.name}: accessModes must include ReadWriteMany (both brokers${pvc.metadata.name === 'activemq-shared' ? '' : ' and mq'} mount it)`);
  }
  if (amqWorkloads.length) {
    const w = amqWorkloads[0];
    const c = containers(w).find((x) => /activemq/.test(String(x.image)));
    const pvcMounts = (c.volumeMounts ?? []).filter((m) => claims.some((v) => v.name === m.name)).map((m) => m.mountPath);
    const cfgVol = (podSpec(w).volumes ?? []).find((v) => v.configMap);
    const xml = cfgVol ? Object.entries(cmData(cfgVol.configMap.name) ?? {}).find(([k2]) => k2.endsWith('.xml'))?.[1] : undefined;
    if (!xml) err('the ActiveMQ pods get no broker XML from a ConfigMap');
    else checkBrokerXml(xml, 'ActiveMQ ConfigMap broker XML', pvcMounts, 'the KahaDB directory of the ActiveMQ broker XML is not on a PVC both pods mount');
  }

  // ConfigMaps that carry deploy/ files verbatim
  const repo = process.cwd(); // the repo root (the script runs there)
  const copies = { 'rabbitmq-config': { enabled_plugins: 'deploy/rabbitmq/enabled_plugins', 'wharf.conf': 'deploy/rabbitmq/wharf.conf' }, 'activemq-config': { 'broker.xml': 'deploy/activemq/broker.xml', 'healthcheck.sh': 'deploy/activemq/healthcheck.sh', 'login.config': 'deploy/activemq/login.config' } };
  for (const [cm, files] of Object.entries(copies)) {
    const data = cmData(cm);
    if (!data) {
      err(`ConfigMap/${cm} is missing`);
      continue;
    }
    for (const [k2, f] of Object.entries(files)) {
      const p = join(repo, f);
      if (!existsSync(p)) err(`${f} is missing`);
      else if (data[k2] !== readFileSync(p, 'utf8')) err(`ConfigMap/${cm} key ${k2} differs from ${f} (copy the file into k8s/ again)`);
    }
  }

  // the common env: same variable names as docker-compose.yml gives the services
  const wenv = cmData('wharf-env');
  if (!wenv) err('ConfigMap/wharf-env is missing');
  else if (composeFile && existsSync(composeFile)) {
    const [compose] = loadYaml(composeFile);
    const names = new Set();
    for (const app of Object.keys(WHARF_APPS)) {
      const env = compose?.services?.[app]?.environment;
      if (isObj(env)) for (const k2 of Object.keys(env)) names.add(k2);
    }
    for (const k2 of names) if (!(k2 in wenv)) err(`ConfigMap/wharf-env lacks ${k2}, which docker-compose.yml gives the services`);
    for (const k2 of Object.keys(wenv)) if (!names.has(k2)) err(`ConfigMap/wharf-env has ${k2}, which no service gets in docker-compose.yml`);
  }
  note(`${objects.length} objects: ${[...new Set(all.map((o) => o.kind))].map((k2) => `${of(k2).length} ${k2}`).join(', ')}`);
}

// ---------------------------------------------------------------- Dockerfile
function checkDockerfile(file, ctx) {
  const text = readFileSync(file, 'utf8');
  const { validate } = require('dockerfile-utils');
  for (const d of validate(text)) err(`lint line ${d.range.start.line + 1}: ${d.message}`);
  const { DockerfileParser } = require('dockerfile-ast');
  const df = DockerfileParser.parse(text);
  const globalArgs = {};
  const stages = [];
  for (const i of df.getInstructions()) {
    const kw = i.getKeyword();
    if (kw === 'FROM') stages.push({ from: i, items: [] });
    else if (stages.length === 0) {
      if (kw === 'ARG') globalArgs[i.getProperty()?.getName()] = i.getProperty()?.getValue() ?? undefined;
    } else stages.at(-1).items.push(i);
  }
  if (stages.length < 2) return err('not a multi-stage build (want a build stage and a runtime stage)');
  const args = (i) => i.getArguments().map((a) => a.getValue());
  const flags = (i) => (i.getFlags ? i.getFlags().map((f) => [f.getName(), f.getValue()]) : []);
  const runs = (s) => s.items.filter((i) => i.getKeyword() === 'RUN').map((i) => args(i).join(' '));
  const final = stages.at(-1);
  const all = stages.flatMap((s) => runs(s));
  if (!all.some((r) => /\bnpm ci\b/.test(r))) err('no stage runs npm ci');
  if (!all.some((r) => /\bnpm run build\b/.test(r))) err('no stage runs npm run build');
  if (!all.some((r) => /--omit=dev|--omit dev|--production\b/.test(r))) err('production dependencies only: no npm ci/prune --omit=dev');
  if (runs(final).some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r))) err('the runtime stage installs dev dependencies');
  const expand = (s) => s.replace(/\$\{?(\w+)\}?/g, (_, n) => globalArgs[n] ?? `$${n}`);
  const base = expand(args(final.from)[0] ?? '');
  if (!/^node:20(\.[\d.]+)?-bookworm-slim$/.test(base)) err(`runtime image is ${base}, want node:20-bookworm-slim`);
  if (!final.items.some((i) => i.getKeyword() === 'ARG' && i.getProperty()?.getName() === 'APP')) err('the runtime stage does not declare ARG APP');
  const users = final.items.filter((i) => i.getKeyword() === 'USER');
  const user = users.length ? args(users.at(-1)).join(' ') : 'root';
  if (/^(root|0)(:|$)/.test(user)) err(`the runtime stage runs as ${user}; add a non-root USER`);
  const hc = final.items.filter((i) => i.getKeyword() === 'HEALTHCHECK').at(-1);
  if (!hc || args(hc)[0]?.toUpperCase() === 'NONE') err('the runtime stage has no HEALTHCHECK');
  else if (!/\bnode\b/.test(args(hc).join(' '))) err('HEALTHCHECK must use node (the slim image has no curl or wget)');
  const cmd = final.items.filter((i) => i.getKeyword() === 'CMD').at(-1);
  if (!cmd) err('the runtime stage has no CMD');
  else if (!/node\b.*apps\/\$\{?APP\}?\/dist\/main\.js/.test(args(cmd).join(' '))) err(`CMD must run node apps/\${APP}/dist/main.js (is: ${args(cmd).join(' ')})`);
  const stageNames = stages.map((s) => s.from.getBuildStage()).filter(Boolean);
  // .dockerignore and every COPY/ADD source from the context
  const ignoreFile = existsSync(`${file}.dockerignore`) ? `${file}.dockerignore` : join(ctx, '.dockerignore');
  if (!existsSync(ignoreFile)) return err('.dockerignore is missing');
  const patterns = readFileSync(ignoreFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const toRe = (p) => new RegExp(`^${p.replace(/^\/+/, '').replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '(.*/)?')}(/.*)?$`);
  const ignored = (path) => {
    let out = false;
    for (const p of patterns) {
      const neg = p.startsWith('!');
      if (toRe(neg ? p.slice(1) : p).test(path)) out = !neg;
    }
    return out;
  };
  const mustExclude = { node_modules: ['node_modules', 'libs/x/node_modules'], dist: ['apps/x/dist'], 'tools/brokers/**/lib': ['tools/brokers/kafka/lib'], '.run': ['.run', 'tools/brokers/.run'], tmp: ['tmp'], '.git': ['.git'] };
  for (const [want, probes] of Object.entries(mustExclude)) for (const probe of probes) if (!ignored(probe)) err(`.dockerignore does not exclude ${want} (${probe})`);
  // what `docker build .` would send: the context minus .dockerignore, which should stay small
  const limit = Number(process.env.DEPLOY_CHECK_CONTEXT_LIMIT_MB || 50) * 1024 * 1024;
  const canPrune = !patterns.some((p) => p.startsWith('!'));
  const sizes = new Map();
  let total = 0;
  let files = 0;
  const walk = (rel) => {
    for (const e of readdirSync(join(ctx, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!(canPrune && ignored(r))) walk(r);
      } else if (!ignored(r) && (e.isFile() || e.isSymbolicLink())) {
        const size = e.isFile() ? statSync(join(ctx, r)).size : 0;
        total += size;
        files++;
        const top = r.split('/').slice(0, 3).join('/');
        sizes.set(top, (sizes.get(top) ?? 0) + size);
      }
    }
  };
  walk('');
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  note(`build context: ${files} files, ${mb(total)}`);
  if (total > limit) err(`build context is ${mb(total)} (limit ${mb(limit)}); biggest: ${[...sizes].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k2, v]) => `${k2} ${mb(v)}`).join(', ')}; extend .dockerignore`);
  for (const s of stages)
    for (const i of s.items.filter((x) => ['COPY', 'ADD'].includes(x.getKeyword()))) {
      const from = flags(i).find(([n]) => n === 'from');
      if (from) {
        if (!stageNames.includes(from[1]) && !/[:/]/.test(from[1])) err(`COPY --from=${from[1]}: no such stage`);
        continue;
      }
      const srcs = args(i).slice(0, -1);
      for (const src of srcs) {
        if (src === '.' || /[*?$]/.test(src)) continue;
        const rel = src.replace(/^\.?\/+/, '');
        if (!existsSync(join(ctx, rel))) err(`COPY ${src}: not in the build context`);
        else if (ignored(rel)) err(`COPY ${src}: excluded by .dockerignore`);
      }
    }
}

// ---------------------------------------------------------------- main
try {
  if (mode === 'compose') checkCompose(args[0], args[1]);
  else if (mode === 'render') process.stdout.write(renderKustomization(args[0]).map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
  else if (mode === 'k8s') await checkK8s(args[0], args[1], args[2], args[3]);
  else if (mode === 'dockerfile') checkDockerfile(args[0], args[1]);
  else throw new Error(`unknown mode ${mode}`);
} catch (e) {
  err(e instanceof Error ? e.message : String(e));
}
if (mode !== 'render') finish();
else if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}
NODE

# ---------------------------------------------------------------------------------------------------------
compose_cmd() {
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
    return 0
  fi
  if ! command -v docker-compose >/dev/null 2>&1; then
    if [ -z "${DEPLOY_CHECK_NO_INSTALL:-}" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "  installing Debian's docker-compose (apt-get install -y docker-compose)"
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose; } >"$WORK/apt.log" 2>&1 </dev/null ||
        { sed 's/^/    /' "$WORK/apt.log" | tail -20; return 1; }
    else
      return 1
    fi
  fi
  COMPOSE=(docker-compose)
}

cat > "$WORK/rabbitmq-conf.escript" <<'ERLANG'
%% deploy-check: RabbitMQ's cuttlefish schemas applied to a .conf file, and enabled_plugins against the plugins
%% that exist. Args: PluginsDir ConfFile EnabledPluginsFile
main([PluginsDir, ConfFile, PluginsFile]) ->
    logger:set_primary_config(level, none), % cuttlefish also logs each error; the errorlist below says it once
    [code:add_patha(E) || E <- filelib:wildcard(PluginsDir ++ "/*/ebin")],
    Schemas = filelib:wildcard(PluginsDir ++ "/*/priv/schema/*.schema")
        ++ filelib:wildcard(PluginsDir ++ "/cuttlefish-*/priv/*.schema"),
    Conf = cuttlefish_conf:files([ConfFile]),
    ConfOk = case Conf of
        {errorlist, E1} -> [io:format("  error: ~s: ~s~n", [ConfFile, cuttlefish_error:xlate(X)]) || X <- E1], false;
        _ ->
            case cuttlefish_generator:map(cuttlefish_schema:files(Schemas), Conf) of
                {error, _Phase, {errorlist, Errs}} ->
                    [io:format("  error: ~s: ~s~n", [ConfFile, cuttlefish_error:xlate(X)]) || X <- Errs], false;
                L when is_list(L) -> true
            end
    end,
    Known = [list_to_atom(re:replace(filename:basename(D), "-[0-9][0-9.]*$", "", [{return, list}]))
             || D <- filelib:wildcard(PluginsDir ++ "/*")],
    PluginsOk = case file:consult(PluginsFile) of
        {ok, [Plugins]} when is_list(Plugins) ->
            Missing = [P || P <- Plugins, not lists:member(P, Known)],
            [io:format("  error: ~s: no such plugin ~p~n", [PluginsFile, P]) || P <- Missing],
            Missing =:= [];
        Other -> io:format("  error: ~s is not one Erlang list term: ~p~n", [PluginsFile, Other]), false
    end,
    halt(case ConfOk andalso PluginsOk of true -> 0; false -> 1 end).
ERLANG

check_rabbitmq_conf() {
  local plugins
  plugins=$(find /usr/lib/rabbitmq/lib -maxdepth 2 -type d -name plugins -path '*rabbitmq_server-*' 2>/dev/null | sort -V | tail -1)
  if [ -z "$plugins" ] || ! command -v escript >/dev/null 2>&1; then
    say "  note: Debian's rabbitmq-server is not installed; deploy/rabbitmq/wharf.conf not checked against RabbitMQ's schemas"
    return 0
  fi
  say "  RabbitMQ config schemas ($(basename "$(dirname "$plugins")")): ${RABBITMQ_CONF#"$ROOT/"}, ${RABBITMQ_PLUGINS#"$ROOT/"}"
  escript "$WORK/rabbitmq-conf.escript" "$plugins" "$RABBITMQ_CONF" "$RABBITMQ_PLUGINS" 2>"$WORK/escript.log" </dev/null || {
    grep -v '^=ERROR REPORT\|^$' "$WORK/escript.log" | sed 's/^/    /' | head -20
    return 1
  }
}

check_compose() {
  say "== compose: $COMPOSE_FILE"
  local ok=0
  if [ ! -f "$COMPOSE_FILE" ]; then
    fail compose "$COMPOSE_FILE does not exist"
    return
  fi
  if compose_cmd; then
    say "  ${COMPOSE[*]} $("${COMPOSE[@]}" version --short 2>/dev/null || true): config -q"
    # project directory = the repo, so that ./Dockerfile and ./deploy/... resolve for a file kept elsewhere
    if ! "${COMPOSE[@]}" -f "$COMPOSE_FILE" --project-directory "$ROOT" config -q </dev/null >"$WORK/compose.log" 2>&1; then
      sed 's/^/    /' "$WORK/compose.log"
      fail compose "docker compose config rejected the file"
      ok=1
    fi
  else
    fail compose "no docker compose v2 plugin and no docker-compose (apt-get install -y docker-compose)"
    ok=1
  fi
  if ! node "$WORK/check.mjs" compose "$COMPOSE_FILE" "$ROOT"; then
    fail compose "structural checks failed"
    ok=1
  fi
  if ! check_rabbitmq_conf; then
    fail compose "RabbitMQ rejects deploy/rabbitmq/wharf.conf or enabled_plugins"
    ok=1
  fi
  [ $ok -eq 0 ] && say "  ok"
  return 0
}

render_k8s() { # -> $WORK/rendered.yaml
  local how=$RENDERER
  if [ "$how" = auto ]; then
    if command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then how=kubectl
    elif command -v kustomize >/dev/null 2>&1; then how=kustomize
    else how=node
    fi
  fi
  case $how in
    kubectl) say "  kubectl kustomize ($(kubectl version --client 2>/dev/null | grep -i kustomize | tr -d '\n' || true))"
      kubectl kustomize "$K8S_DIR" >"$WORK/rendered.yaml" 2>"$WORK/render.log" ;;
    kustomize) say "  kustomize build ($(kustomize version 2>/dev/null | head -1))"
      kustomize build "$K8S_DIR" >"$WORK/rendered.yaml" 2>"$WORK/render.log" ;;
    node) say "  built-in renderer (tools/deploy-check.sh; used where neither kubectl nor kustomize is installed)"
      node "$WORK/check.mjs" render "$K8S_DIR" >"$WORK/rendered.yaml" 2>"$WORK/render.log" ;;
    *) say "  unknown DEPLOY_CHECK_RENDERER=$how" >"$WORK/render.log"; return 1 ;;
  esac
}

check_k8s() {
  say "== k8s: $K8S_DIR"
  local ok=0
  if ! render_k8s; then
    sed 's/^/    /' "$WORK/render.log"
    fail k8s "kustomize build failed"
    return
  fi
  if ! node "$WORK/check.mjs" k8s "$WORK/rendered.yaml" "$K8S_DIR" "$COMPOSE_FILE" "$WORK/manifests.ts"; then
    fail k8s "schema or structural checks failed"
    ok=1
  fi
  if [ -s "$WORK/manifests.ts" ]; then
    cat >"$WORK/tsconfig.json" <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext",
    "target": "es2022", "skipLibCheck": true, "types": [] }, "files": ["manifests.ts"] }
JSON
    if ! "$ROOT/node_modules/.bin/tsc" -p "$WORK/tsconfig.json" >"$WORK/tsc.log" 2>&1; then
      # map "manifests.ts(LINE,COL): error ..." to the object the line belongs to
      awk -v ts="$WORK/manifests.ts" '
        BEGIN { n = 0; while ((getline l < ts) > 0) { n++; if (l ~ /^\/\/ /) cur = substr(l, 4); owner[n] = cur } }
        match($0, /manifests\.ts\(([0-9]+),/) { ln = substr($0, RSTART + 13, RLENGTH - 14); sub(/^.*error TS[0-9]+: /, ""); print "  error: " owner[ln+0] ": unknown or mistyped field: " $0; next }
        { print "    " $0 }' "$WORK/tsc.log"
      fail k8s "objects do not type-check against kubernetes-models (unknown or mistyped fields)"
      ok=1
    fi
  fi
  [ $ok -eq 0 ] && say "  ok"
  return 0
}

check_dockerfile() {
  say "== dockerfile: $DOCKERFILE"
  if [ ! -f "$DOCKERFILE" ]; then
    fail dockerfile "$DOCKERFILE does not exist"
    return
  fi
  if command -v hadolint >/dev/null 2>&1; then
    say "  hadolint"
    hadolint "$DOCKERFILE" || fail dockerfile "hadolint found problems"
  fi
  local ok=0
  say "  dockerfile-utils lint + essentials + build context"
  if ! node "$WORK/check.mjs" dockerfile "$DOCKERFILE" "$ROOT"; then fail dockerfile "lint, essentials or build context failed"; ok=1; fi
  # The build stage starts with npm ci, which refuses a package-lock.json out of step with the package.json
  # files (every workspace's too). --dry-run checks exactly that, touches nothing and needs no network.
  say "  npm ci --dry-run (the build stage's npm ci accepts package-lock.json)"
  if ! npm ci --dry-run --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null >"$WORK/npm-ci.log" 2>&1; then
    grep -E 'Missing:|Invalid:|npm error [a-z`]' "$WORK/npm-ci.log" | sort -u | head -12 | sed 's/^/    /'
    fail dockerfile "npm ci would fail in the image's build stage: package-lock.json is out of step (regenerate it with npm install)"
    ok=1
  fi
  [ $ok -eq 0 ] && say "  ok"
  return 0
}

if want compose; then ran=$((ran + 1)); check_compose; fi
if want k8s; then ran=$((ran + 1)); check_k8s; fi
if want dockerfile; then ran=$((ran + 1)); check_dockerfile; fi

if [ "$failures" -eq 0 ]; then
  say "deploy-check: OK ($ran checks)"
else
  say "deploy-check: FAILED ($failures problems in $ran checks)"
  exit 1
fi
