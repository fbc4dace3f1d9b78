import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IEnvVar, IService } from 'kubernetes-models/v1';
import { WHARF_APPS } from './compose-model';
import { endpointKeys } from './endpoints';
import type { Dict, Findings } from './findings';
import { type Manifests, type Workload, key, podSpec } from './manifests';

const podLabels = (w: Workload): Dict<string> => w.spec?.template?.metadata?.labels ?? {};
const matches = (selector: Dict<string> | undefined, labels: Dict<string>) => !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
const envOf = (w: Workload): Dict<string | undefined> => Object.fromEntries((podSpec(w).containers?.[0]?.env ?? []).map((e: IEnvVar) => [e.name, e.value]));
const argsOf = (w: Workload): string => [...(podSpec(w).containers?.[0]?.command ?? []), ...(podSpec(w).containers?.[0]?.args ?? [])].join(' ');
/** `<sts>-<i>.<service>:<port>` for each pod of a StatefulSet: the names its headless Service gives them. */
const podHosts = (s: IStatefulSet, port: number) => Array.from({ length: s.spec?.replicas ?? 1 }, (_, i) => `${s.metadata?.name}-${i}.${s.spec?.serviceName}:${port}`).sort();

/**
 * k8s/overlays/cluster has the topology it promises: a 6-pod Redis Cluster formed by a Job running
 * `redis-cli --cluster create ... --cluster-replicas 1` over every pod, 3 KRaft Kafka pods that are each other's
 * voters (replication factor 3, min ISR 2), 3 RabbitMQ pods listing each other, Deployments of 2+ for every
 * app, pods spread by preferred anti-affinity on the hostname, PodDisruptionBudgets that select pods, keep a
 * majority of each broker and still allow a drain, and the services' settings naming exactly those pods.
 */
export function checkClusterShape(f: Findings, m: Manifests): void {
  const redis = m.get<IStatefulSet>('StatefulSet', 'redis');
  const kafka = m.get<IStatefulSet>('StatefulSet', 'kafka');
  const rabbit = m.get<IStatefulSet>('StatefulSet', 'rabbitmq');
  for (const s of [redis, kafka, rabbit])
    if (s && m.get<IService>('Service', s.spec?.serviceName)?.spec?.publishNotReadyAddresses !== true)
      f.err(`Service/${s.spec?.serviceName}: publishNotReadyAddresses must be true (${s.metadata?.name} pods find each other by name while starting)`);
  if (redis) checkRedis(f, m, redis);
  if (kafka) checkKafka(f, kafka);
  if (rabbit) checkRabbit(f, m, rabbit);
  for (const app of Object.keys(WHARF_APPS)) {
    const d = m.get<IDeployment>('Deployment', app);
    if (d && (d.spec?.replicas ?? 1) < 2) f.err(`Deployment/${app}: replicas ${d.spec?.replicas ?? 1}; at least 2 wanted`);
  }
  checkSpread(f, m);
  checkBudgets(f, m, [redis, kafka, rabbit].filter((s): s is IStatefulSet => !!s));
  const env = m.cmData('wharf-env') ?? {};
  const want: Dict<string[]> = {
    WHARF_REDIS_URL: redis ? podHosts(redis, 6379) : [],
    WHARF_KAFKA_BROKERS: kafka ? podHosts(kafka, 9092) : [],
    WHARF_AMQP_URL: rabbit ? podHosts(rabbit, 5672) : [],
  };
  for (const [k, hosts] of Object.entries(want))
    if (endpointKeys(env[k]).join(',') !== hosts.join(',')) f.err(`ConfigMap/wharf-env: ${k} names ${endpointKeys(env[k]).join(', ') || 'nothing'}, not the pods ${hosts.join(', ')}`);
  if (!/^rediss?-cluster:\/\//.test(env.WHARF_REDIS_URL ?? '')) f.err('ConfigMap/wharf-env: WHARF_REDIS_URL must be a redis-cluster:// URL');
  if (kafka && (Number(env.WHARF_KAFKA_REPLICATION_FACTOR) !== kafka.spec?.replicas || Number(env.WHARF_KAFKA_MIN_INSYNC_REPLICAS) !== (kafka.spec?.replicas ?? 1) - 1))
    f.err(`ConfigMap/wharf-env: WHARF_KAFKA_REPLICATION_FACTOR must be ${kafka.spec?.replicas} and WHARF_KAFKA_MIN_INSYNC_REPLICAS ${(kafka.spec?.replicas ?? 1) - 1}`);
  for (const [app, port] of Object.entries(WHARF_APPS)) {
    const k = `WHARF_${app.toUpperCase()}_URL`;
    if (app !== 'edge' && endpointKeys(env[k]).join(',') !== `${app}:${port}`) f.err(`ConfigMap/wharf-env: ${k} must be the Service http://${app}:${port} (it balances over the ready replicas)`);
  }
}

function checkRedis(f: Findings, m: Manifests, redis: IStatefulSet): void {
  const args = argsOf(redis);
  if ((redis.spec?.replicas ?? 1) !== 6) f.err(`StatefulSet/redis: replicas ${redis.spec?.replicas}; 6 wanted (3 masters, 3 replicas)`);
  if (!/--cluster-enabled\s+yes/.test(args)) f.err('StatefulSet/redis: --cluster-enabled yes is missing');
  if (!/--appendfsync\s+always/.test(args)) f.err('StatefulSet/redis: --appendfsync always is missing');
  const jobs = m.of<IJob>('Job').filter((j) => /--cluster\s+create/.test((j.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]).join(' ')));
  if (jobs.length !== 1) return f.err(`${jobs.length} Jobs run redis-cli --cluster create; 1 wanted`);
  const script = (jobs[0].spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]).join(' ');
  if (!/--cluster-replicas\s+1\b/.test(script)) f.err(`${key(jobs[0])}: --cluster-replicas 1 is missing (a replica for each master)`);
  // the pods by name, or by a loop over their ordinals
  const loop = /for\s+i\s+in\s+([\d\s]+);/.exec(script)?.[1]?.trim().split(/\s+/).map(Number);
  for (let i = 0; i < (redis.spec?.replicas ?? 1); i++) {
    const named = script.includes(`redis-${i}.${redis.spec?.serviceName}`) || (loop?.includes(i) && script.includes(`redis-$i.${redis.spec?.serviceName}`));
    if (!named) f.err(`${key(jobs[0])} does not include pod redis-${i}.${redis.spec?.serviceName} in the cluster`);
  }
}

function checkKafka(f: Findings, kafka: IStatefulSet): void {
  const n = kafka.spec?.replicas ?? 1;
  const env = envOf(kafka);
  if (n !== 3) f.err(`StatefulSet/kafka: replicas ${n}; 3 wanted`);
  if (kafka.spec?.podManagementPolicy !== 'Parallel') f.err('StatefulSet/kafka: podManagementPolicy must be Parallel (one pod alone has no controller quorum, so it never gets ready for the next to start)');
  const voters = (env.KAFKA_CONTROLLER_QUORUM_VOTERS ?? '').split(',').map((v) => v.trim()).sort().join(',');
  const want = Array.from({ length: n }, (_, i) => `${i}@kafka-${i}.${kafka.spec?.serviceName}:9093`).sort().join(',');
  if (voters !== want) f.err(`StatefulSet/kafka: KAFKA_CONTROLLER_QUORUM_VOTERS is ${voters}, not every pod as a voter (${want})`);
  const id = (podSpec(kafka).containers?.[0]?.env ?? []).find((e) => e.name === 'KAFKA_NODE_ID');
  if (id?.valueFrom?.fieldRef?.fieldPath !== "metadata.labels['apps.kubernetes.io/pod-index']") f.err('StatefulSet/kafka: KAFKA_NODE_ID must be the pod index (the voters are 0@kafka-0, 1@kafka-1, ...)');
  if (Number(env.KAFKA_DEFAULT_REPLICATION_FACTOR) !== n || Number(env.KAFKA_MIN_INSYNC_REPLICAS) !== n - 1)
    f.err(`StatefulSet/kafka: KAFKA_DEFAULT_REPLICATION_FACTOR must be ${n} and KAFKA_MIN_INSYNC_REPLICAS ${n - 1}`);
  if (!(env.KAFKA_ADVERTISED_LISTENERS ?? '').includes(`$(POD_NAME).${kafka.spec?.serviceName}:`)) f.err('StatefulSet/kafka: KAFKA_ADVERTISED_LISTENERS must name each pod ($(POD_NAME).<service>)');
}

function checkRabbit(f: Findings, m: Manifests, rabbit: IStatefulSet): void {
  const n = rabbit.spec?.replicas ?? 1;
  const env = envOf(rabbit);
  if (n !== 3) f.err(`StatefulSet/rabbitmq: replicas ${n}; 3 wanted`);
  if (env.RABBITMQ_NODENAME !== `rabbit@$(POD_NAME).${rabbit.spec?.serviceName}` || env.RABBITMQ_USE_LONGNAME !== 'true')
    f.err(`StatefulSet/rabbitmq: RABBITMQ_NODENAME must be rabbit@$(POD_NAME).${rabbit.spec?.serviceName} with RABBITMQ_USE_LONGNAME true`);
  if (!/-setcookie\s+\S/.test(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS ?? '')) f.err('StatefulSet/rabbitmq: the nodes must share one Erlang cookie (-setcookie)');
  const c = podSpec(rabbit).containers?.[0];
  const vol = (podSpec(rabbit).volumes ?? []).find((v) => v.configMap);
  const mount = (c?.volumeMounts ?? []).find((vm) => vm.name === vol?.name && /^\/etc\/rabbitmq\/conf\.d\/.+\.conf$/.test(vm.mountPath) && vm.subPath && /cluster/.test(vm.subPath));
  const text = mount?.subPath ? m.cmData(vol?.configMap?.name)?.[mount.subPath] : undefined;
  if (!text) return f.err('StatefulSet/rabbitmq: no cluster config (a *cluster*.conf key of its ConfigMap in /etc/rabbitmq/conf.d/)');
  const peers = [...text.matchAll(/^\s*cluster_formation\.classic_config\.nodes\.\d+\s*=\s*rabbit@(\S+)/gm)].map((x) => x[1]).sort().join(',');
  const want = Array.from({ length: n }, (_, i) => `rabbitmq-${i}.${rabbit.spec?.serviceName}`).sort().join(',');
  if (peers !== want) f.err(`StatefulSet/rabbitmq: its cluster config lists peers ${peers || 'none'}, not the pods ${want}`);
}

/** Pods of every workload with 2+ replicas prefer different nodes: anti-affinity by hostname on their own labels. */
function checkSpread(f: Findings, m: Manifests): void {
  for (const w of m.workloads) {
    if ((w.spec?.replicas ?? 1) < 2) continue;
    const terms = podSpec(w).affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const own = terms.some((t) => t.podAffinityTerm.topologyKey === 'kubernetes.io/hostname' && matches(t.podAffinityTerm.labelSelector?.matchLabels, podLabels(w)));
    if (!own) f.err(`${key(w)}: no preferred pod anti-affinity by kubernetes.io/hostname that selects its own pods`);
  }
}

/**
 * Every PodDisruptionBudget selects pods; every workload with 2+ replicas has exactly one; each still lets a
 * drain evict a pod; a quorum broker (Kafka, RabbitMQ) keeps a majority, Redis loses one pod at a time.
 */
function checkBudgets(f: Findings, m: Manifests, brokers: IStatefulSet[]): void {
  const pdbs = m.of<IPodDisruptionBudget>('PodDisruptionBudget');
  const covered = new Map<Workload, string[]>();
  for (const p of pdbs) {
    const targets = m.workloads.filter((w) => matches(p.spec?.selector?.matchLabels, podLabels(w)));
    if (!targets.length) f.err(`${key(p)}: selector ${JSON.stringify(p.spec?.selector?.matchLabels ?? {})} matches no pods`);
    for (const w of targets) {
      covered.set(w, [...(covered.get(w) ?? []), key(p)]);
      const r = w.spec?.replicas ?? 1;
      const min = p.spec?.minAvailable;
      const maxU = p.spec?.maxUnavailable;
      if (typeof min === 'string' || typeof maxU === 'string') continue; // percentages: not judged here
      const allowed = min !== undefined ? r - min : (maxU ?? 0);
      if (allowed < 1) f.err(`${key(p)}: ${key(w)} has ${r} replicas, so no pod may ever be evicted (a node drain would hang)`);
      const keeps = r - allowed;
      if (w.metadata?.name === 'redis' && allowed > 1) f.err(`${key(p)}: lets ${allowed} Redis pods go at once (a master and its replica could go together)`);
      else if (brokers.includes(w as IStatefulSet) && keeps <= r / 2) f.err(`${key(p)}: keeps ${keeps} of ${r} ${w.metadata?.name} pods, not a majority`);
      else if (keeps < 1) f.err(`${key(p)}: lets every pod of ${key(w)} go`);
    }
  }
  for (const w of m.workloads) {
    const by = covered.get(w) ?? [];
    if ((w.spec?.replicas ?? 1) >= 2 && by.length !== 1) f.err(`${key(w)}: ${by.length ? `${by.length} PodDisruptionBudgets (${by.join(', ')})` : 'no PodDisruptionBudget'}; one wanted`);
  }
}
