import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ComposeService, WHARF_APPS, appOf, commandOf, envOf, inProfile, mounts } from './compose-model';
import { endpointKeys } from './endpoints';
import { type Dict, type Findings, isObj } from './findings';

/** The profile that runs Wharf on clustered brokers with replicated services (issue 14). */
export const CLUSTER = 'cluster';

/**
 * docker-compose.yml's cluster profile has the topology it promises: a Redis Cluster of 6 nodes formed by a
 * one-shot `redis-cli --cluster create ... --cluster-replicas 1`, 3 KRaft Kafka nodes that are each other's
 * voters with replication factor 3 and min ISR 2, 3 RabbitMQ nodes that list each other, two replicas of
 * every Wharf app, and every replica's settings naming exactly those nodes (the edge: exactly the replicas).
 */
export function checkClusterProfile(f: Findings, services: Dict<ComposeService>, projectDir: string): void {
  const cluster = Object.entries(services).filter(([, s]) => inProfile(s, CLUSTER));
  if (!cluster.length) return f.err(`no service is in the "${CLUSTER}" profile`);
  for (const [name, s] of Object.entries(services)) {
    const deps = isObj(s.depends_on) ? Object.keys(s.depends_on) : [];
    for (const d of deps)
      if (services[d] && (services[d].profiles ?? []).length && !(s.profiles ?? []).some((p) => inProfile(services[d], p)))
        f.err(`service "${name}" depends on "${d}", which only starts in profile(s) ${services[d].profiles?.join(', ')}`);
  }
  const redis = cluster.filter(([, s]) => /--cluster-enabled\s+yes/.test(commandOf(s))).map(([n]) => n);
  const kafka = cluster.filter(([, s]) => /^apache\/kafka:/.test(String(s.image ?? ''))).map(([n]) => n);
  const rabbit = cluster.filter(([, s]) => /^rabbitmq:/.test(String(s.image ?? ''))).map(([n]) => n);
  checkRedisCluster(f, services, redis);
  checkKafkaCluster(f, services, kafka);
  checkRabbitCluster(f, services, rabbit, projectDir);
  const nodes = {
    WHARF_REDIS_URL: redis.map((n) => `${n}:6379`).sort(),
    WHARF_KAFKA_BROKERS: kafka.map((n) => `${n}:9092`).sort(),
    WHARF_AMQP_URL: rabbit.map((n) => `${services[n].hostname ?? n}:5672`).sort(),
  };
  const replicas = (app: string) => cluster.filter(([, s]) => appOf(s) === app).map(([n]) => n);
  for (const [app, port] of Object.entries(WHARF_APPS)) {
    const names = replicas(app);
    if (names.length < 2) f.err(`cluster profile: ${names.length} replica(s) of ${app}; at least 2 wanted (services built with APP=${app})`);
    for (const n of names) {
      const env = envOf(services[n]);
      for (const [k, want] of Object.entries(nodes))
        if (env[k] !== undefined && endpointKeys(env[k]).join(',') !== want.join(','))
          f.err(`cluster profile: ${n}: ${k} names ${endpointKeys(env[k]).join(', ') || 'nothing'}, not the cluster's nodes ${want.join(', ')}`);
      if (env.WHARF_REDIS_URL !== undefined && !/^rediss?-cluster:\/\//.test(String(env.WHARF_REDIS_URL))) f.err(`cluster profile: ${n}: WHARF_REDIS_URL must be a redis-cluster:// URL`);
      const rf = Number(env.WHARF_KAFKA_REPLICATION_FACTOR ?? 1);
      if (app === 'kinesis' && (rf !== kafka.length || Number(env.WHARF_KAFKA_MIN_INSYNC_REPLICAS ?? 1) !== rf - 1))
        f.err(`cluster profile: ${n}: WHARF_KAFKA_REPLICATION_FACTOR must be ${kafka.length} and WHARF_KAFKA_MIN_INSYNC_REPLICAS ${kafka.length - 1}`);
    }
    // the edges balance over every replica of each app, and over nothing else
    for (const edge of replicas('edge')) {
      if (app === 'edge') continue;
      const k = `WHARF_${app.toUpperCase()}_URL`;
      const want = names.map((n) => `${n}:${port}`).sort();
      const got = endpointKeys(envOf(services[edge])[k]);
      if (got.join(',') !== want.join(',')) f.err(`cluster profile: ${edge}: ${k} names ${got.join(', ') || 'nothing'}, not the ${app} replicas ${want.join(', ')}`);
    }
  }
}

function checkRedisCluster(f: Findings, services: Dict<ComposeService>, nodes: string[]): void {
  if (nodes.length !== 6) f.err(`cluster profile: ${nodes.length} Redis Cluster nodes (--cluster-enabled yes); 6 wanted (3 masters, 3 replicas)`);
  const volumes = new Set<string>();
  for (const n of nodes) {
    const cmd = commandOf(services[n]);
    if (!/--appendonly\s+yes/.test(cmd) || !/--appendfsync\s+always/.test(cmd)) f.err(`cluster profile: ${n}: AOF with appendfsync always is not on`);
    const data = mounts(services[n]).find((m) => m.target === '/data' && m.type === 'volume');
    if (!data?.source) f.err(`cluster profile: ${n}: /data is not a named volume`);
    else if (volumes.has(data.source)) f.err(`cluster profile: ${n}: shares volume ${data.source} with another node`);
    else volumes.add(data.source);
    const announced = /--cluster-announce-hostname\s+(\S+)/.exec(cmd)?.[1];
    if (announced && announced !== n) f.err(`cluster profile: ${n} announces hostname ${announced}`);
  }
  const init = Object.entries(services).filter(([, s]) => inProfile(s, CLUSTER) && /--cluster\s+create/.test(commandOf(s)));
  if (init.length !== 1) return f.err(`cluster profile: ${init.length} one-shot services run redis-cli --cluster create; 1 wanted`);
  const [name, s] = init[0];
  const cmd = commandOf(s);
  if (!/--cluster-replicas\s+1\b/.test(cmd)) f.err(`cluster profile: ${name}: --cluster-replicas 1 is missing (a replica for each master)`);
  if (String(s.restart ?? 'no') !== 'no') f.err(`cluster profile: ${name} must be one-shot (restart: "no")`);
  const deps = isObj(s.depends_on) ? s.depends_on : {};
  for (const n of nodes) {
    if (!new RegExp(`\\b${n}\\b`).test(cmd)) f.err(`cluster profile: ${name} does not name node ${n}`);
    if (deps[n]?.condition !== 'service_healthy') f.err(`cluster profile: ${name} does not wait for ${n} to be healthy`);
  }
  for (const [other, o] of Object.entries(services))
    if (isObj(o.depends_on) && o.depends_on[name] && o.depends_on[name]?.condition !== 'service_completed_successfully')
      f.err(`service "${other}": depends_on ${name} must use condition: service_completed_successfully`);
}

function checkKafkaCluster(f: Findings, services: Dict<ComposeService>, nodes: string[]): void {
  if (nodes.length !== 3) f.err(`cluster profile: ${nodes.length} Kafka nodes; 3 wanted`);
  const envs = nodes.map((n) => [n, envOf(services[n])] as const);
  const ids = envs.map(([, e]) => String(e.KAFKA_NODE_ID));
  if (new Set(ids).size !== ids.length) f.err(`cluster profile: Kafka node ids repeat (${ids.join(', ')})`);
  if (new Set(envs.map(([, e]) => e.CLUSTER_ID)).size > 1) f.err('cluster profile: the Kafka nodes have different CLUSTER_IDs');
  const want = envs.map(([n, e]) => `${e.KAFKA_NODE_ID}@${n}:9093`).sort().join(',');
  for (const [n, e] of envs) {
    const voters = String(e.KAFKA_CONTROLLER_QUORUM_VOTERS ?? '').split(',').map((v) => v.trim()).sort().join(',');
    if (voters !== want) f.err(`cluster profile: ${n}: KAFKA_CONTROLLER_QUORUM_VOTERS is ${voters}, not every node as a voter (${want})`);
    if (!String(e.KAFKA_PROCESS_ROLES ?? '').includes('controller')) f.err(`cluster profile: ${n} is not a controller (KAFKA_PROCESS_ROLES)`);
    if (!String(e.KAFKA_ADVERTISED_LISTENERS ?? '').includes(`//${n}:`)) f.err(`cluster profile: ${n}: KAFKA_ADVERTISED_LISTENERS does not name ${n}`);
    if (Number(e.KAFKA_DEFAULT_REPLICATION_FACTOR) !== 3) f.err(`cluster profile: ${n}: KAFKA_DEFAULT_REPLICATION_FACTOR must be 3`);
    if (Number(e.KAFKA_MIN_INSYNC_REPLICAS) !== 2) f.err(`cluster profile: ${n}: KAFKA_MIN_INSYNC_REPLICAS must be 2`);
    if (Number(e.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR) !== 3) f.err(`cluster profile: ${n}: KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR must be 3`);
  }
}

function checkRabbitCluster(f: Findings, services: Dict<ComposeService>, nodes: string[], projectDir: string): void {
  if (nodes.length !== 3) f.err(`cluster profile: ${nodes.length} RabbitMQ nodes; 3 wanted`);
  const hosts = nodes.map((n) => services[n].hostname ?? '');
  if (hosts.some((h) => !h) || new Set(hosts).size !== hosts.length) f.err('cluster profile: each RabbitMQ node needs its own hostname (its node name)');
  if (new Set(nodes.map((n) => String(envOf(services[n]).RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS ?? ''))).size !== 1 || !/-setcookie\s+\S/.test(String(envOf(services[nodes[0]] ?? {}).RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS)))
    f.err('cluster profile: the RabbitMQ nodes must share one Erlang cookie (-setcookie)');
  // started together, blank nodes could each form a cluster of their own: all but the first wait for a peer
  const waiting = nodes.filter((n) => nodes.some((o) => o !== n && isObj(services[n].depends_on) && services[n].depends_on[o]?.condition === 'service_healthy'));
  if (nodes.length && waiting.length !== nodes.length - 1) f.err(`cluster profile: ${waiting.length} of ${nodes.length} RabbitMQ nodes wait for a healthy peer; all but the first should (one cluster forms, the others join it)`);
  for (const n of nodes) {
    const confs = mounts(services[n]).filter((m) => m.type === 'bind' && m.source && /\.conf$/.test(m.source) && existsSync(resolve(projectDir, m.source)));
    const text = confs.map((m) => readFileSync(resolve(projectDir, m.source ?? ''), 'utf8')).join('\n');
    const peers = [...text.matchAll(/^\s*cluster_formation\.classic_config\.nodes\.\d+\s*=\s*rabbit@(\S+)/gm)].map((m) => m[1]).sort();
    if (peers.join(',') !== [...hosts].sort().join(',')) f.err(`cluster profile: ${n}: its config lists peers ${peers.join(', ') || 'none'}, not the nodes ${hosts.join(', ')}`);
  }
}
