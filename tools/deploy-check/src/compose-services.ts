import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type ComposeService, RABBIT_PLUGINS, WHARF_APPS, commandOf, envOf, mounts } from './compose-model';
import { endpointsOf } from './endpoints';
import { type Dict, type Findings, isObj } from './findings';

/** Redis with AOF on a volume, Kafka in KRaft mode, RabbitMQ with its plugins and a config it can read. */
export function checkBrokerServices(f: Findings, services: Dict<ComposeService>, projectDir: string): void {
  const redis = services.redis;
  if (redis) {
    if (!/--appendonly\s+yes/.test(commandOf(redis))) f.err('redis: command must turn AOF on (--appendonly yes)');
    if (!mounts(redis).some((m) => m.type === 'volume' && m.target === '/data')) f.err('redis: /data must be a named volume (the AOF lives there)');
    if (!String(redis.image ?? '').startsWith('redis:7')) f.err(`redis: image should be Redis 7 (is ${redis.image})`);
  }
  const kafka = services.kafka;
  if (kafka) {
    const env = envOf(kafka);
    if (!String(kafka.image ?? '').startsWith('apache/kafka:')) f.err(`kafka: use the official apache/kafka image (is ${kafka.image})`);
    const roles = String(env.KAFKA_PROCESS_ROLES ?? '').split(',').map((r) => r.trim());
    if (!roles.includes('broker') || !roles.includes('controller')) f.err('kafka: KAFKA_PROCESS_ROLES must be broker,controller (single KRaft node)');
    for (const k of ['KAFKA_NODE_ID', 'KAFKA_CONTROLLER_QUORUM_VOTERS', 'KAFKA_LISTENERS', 'KAFKA_ADVERTISED_LISTENERS', 'KAFKA_CONTROLLER_LISTENER_NAMES', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'])
      if (env[k] === undefined) f.err(`kafka: ${k} is not set`);
    const id = String(env.CLUSTER_ID ?? '');
    if (!/^[A-Za-z0-9_-]{22}$/.test(id) || Buffer.from(id, 'base64url').length !== 16) f.err(`kafka: CLUSTER_ID "${id}" is not a base64url UUID (22 characters, 16 bytes)`);
    if (!String(env.KAFKA_LISTENERS ?? '').includes('CONTROLLER://')) f.err('kafka: KAFKA_LISTENERS has no CONTROLLER listener');
  }
  if (services.rabbitmq) checkRabbitMq(f, services.rabbitmq, projectDir);
}

function checkRabbitMq(f: Findings, rabbit: ComposeService, projectDir: string): void {
  const pl = mounts(rabbit).find((m) => m.target === '/etc/rabbitmq/enabled_plugins');
  if (!pl) f.err('rabbitmq: mount deploy/rabbitmq/enabled_plugins at /etc/rabbitmq/enabled_plugins');
  else if (pl.type === 'bind' && pl.source && existsSync(resolve(projectDir, pl.source))) {
    const text = readFileSync(resolve(projectDir, pl.source), 'utf8');
    if (!/^\s*\[[\s\S]*\]\.\s*$/.test(text)) f.err(`rabbitmq: ${pl.source} is not an Erlang list term ("[a,b].")`);
    for (const p of RABBIT_PLUGINS) if (!new RegExp(`\\b${p}\\b`).test(text)) f.err(`rabbitmq: plugin ${p} is not enabled in ${pl.source}`);
  }
  const conf = mounts(rabbit).find((m) => /^\/etc\/rabbitmq\/(rabbitmq\.conf|conf\.d\/.+\.conf)$/.test(m.target));
  if (!conf) f.err('rabbitmq: mount a config file (rabbitmq.conf or conf.d/*.conf)');
  else if (conf.type === 'bind' && conf.source && existsSync(resolve(projectDir, conf.source))) {
    const lines = readFileSync(resolve(projectDir, conf.source), 'utf8').split('\n');
    lines.forEach((l, i) => {
      if (l.trim() && !l.trim().startsWith('#') && !/^\s*[a-z_][\w.-]*\s*=\s*\S/.test(l)) f.err(`rabbitmq: ${conf.source}:${i + 1} is not "key = value"`);
    });
    if (!lines.some((l) => /^\s*loopback_users\.guest\s*=\s*false/.test(l)))
      f.note('rabbitmq: guest may only log in from localhost (no loopback_users.guest = false); the services must use another user');
  }
  if (!/^rabbitmq:3\.13-management/.test(String(rabbit.image ?? ''))) f.err(`rabbitmq: image should be rabbitmq:3.13-management (is ${rabbit.image})`);
}

/** Wharf's apps built from the Dockerfile with APP, each port published once, every URL naming a service. */
export function checkWharfServices(f: Findings, services: Dict<ComposeService>, names: string[], projectDir: string): void {
  for (const [app, port] of Object.entries(WHARF_APPS)) {
    const s = services[app];
    if (!s) continue;
    const build = isObj(s.build) ? s.build : s.build ? { context: s.build } : undefined;
    if (!build) {
      f.err(`service "${app}" has no build section`);
      continue;
    }
    const ctx = resolve(projectDir, build.context ?? '.');
    const df = resolve(ctx, build.dockerfile ?? 'Dockerfile');
    if (!existsSync(df)) f.err(`service "${app}": Dockerfile ${relative(projectDir, df)} does not exist`);
    const argApp = Array.isArray(build.args) ? build.args.find((x) => String(x).startsWith('APP='))?.slice(4) : build.args?.APP;
    if (argApp !== app) f.err(`service "${app}": build.args.APP must be "${app}" (is ${argApp})`);
    else if (!existsSync(join(ctx, 'apps', app, 'package.json'))) f.note(`service "${app}": apps/${app} does not exist yet; its image cannot be built until it lands`);
    const ports = (s.ports ?? []).map(String);
    if (!ports.some((p) => p.endsWith(`:${port}`) || p === String(port))) f.err(`service "${app}" does not publish its port ${port}`);
    const env = s.environment ?? {};
    if (Array.isArray(env)) f.err(`service "${app}": use the map form of environment`);
    else if (env.WHARF_HOST !== '0.0.0.0') f.err(`service "${app}": WHARF_HOST must be 0.0.0.0 in a container`);
  }
  if (services.edge) {
    const ports = (services.edge.ports ?? []).map(String);
    if (!ports.some((p) => /^(\d+\.\d+\.\d+\.\d+:)?4566:4566$/.test(p))) f.err('edge must be published on host port 4566');
  }

  // host ports published once
  const seen = new Map<string, string>();
  for (const [name, s] of Object.entries(services)) {
    for (const p of s.ports ?? []) {
      const str = isObj(p) ? `${p.published}:${p.target}` : String(p);
      const parts = str.split(':');
      const host = parts.length >= 2 ? parts[parts.length - 2] : undefined;
      if (!host) continue;
      if (seen.has(host)) f.err(`host port ${host} is published by both "${seen.get(host)}" and "${name}"`);
      seen.set(host, name);
    }
  }
  // every host in a service URL/host:port variable (each of a list) is a compose service or a network alias
  const aliases = Object.values(services).flatMap((s) => Object.values(s.networks ?? {}).flatMap((n) => (isObj(n) && Array.isArray(n.aliases) ? n.aliases.map(String) : [])));
  for (const [name, s] of Object.entries(services)) {
    for (const [k, v] of Object.entries(envOf(s))) {
      if (!/^(WHARF_|SQS_)/.test(k) || typeof v !== 'string' || k === 'SQS_PUBLIC_URL') continue;
      for (const { host } of endpointsOf(v))
        if (!names.includes(host) && !aliases.includes(host)) f.err(`service "${name}": ${k}=${v} names host "${host}", which is not a compose service`);
    }
  }
}
