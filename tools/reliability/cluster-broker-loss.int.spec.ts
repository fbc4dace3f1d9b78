// Issue 14, second acceptance point, the broker half: under each trucks scenario one node of the cluster
// profile is killed -9 mid-run — the Redis master holding the scenario's SQS FIFO queue (its replica is
// promoted), a Kafka broker leading partitions of the scenario's stream, a RabbitMQ node under SNS — with two
// replicas of sqs, sns and kinesis behind one edge. The client is the BUILT `wharf demo trucks` (apps/cli): SDK
// clients with their standard retries (maxAttempts 5, apps/cli/src/aws.ts), whose verifier
// (apps/cli/src/verify.ts) fails the run on any acknowledged position lost, duplicated where the transport
// allows none (FIFO), out of order per truck, or a group held by two consumers at once. The test reports what
// clients saw: the edge's 5xx answers per service (retryable: the SDK retried them) and the window they fell in;
// for Kinesis, whose PutRecords fails per record inside a 200, the retried calls the CLI reports.
// The killed node is restarted after the scenario, and every case leaves the profile healthy (afterEach), since
// other suites share it (vitest project 'node-loss' runs this file alone, after the others).
import { Kafka, logLevel } from 'kafkajs';
import { clusterBrokers, redisCli, runWharfCli, startReplicatedWharf, type CliRun, type ClusterBrokers, type KilledNode, type ReplicatedWharf } from '@wharf/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { edgeRequestCounts, serverErrors, summary } from './cluster-support';

const MINUTES = 60_000;
const TRUCKS = '100';
// a stalled consumer (a promotion, a leader election) must not end the run: give up after a minute with nothing new
const SLACK = ['--idle-timeout', '60'];
const SQS_FIFO_QUEUE = 'wharf-demo-trucks.fifo';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('trucks scenarios on two replicas per service while a broker node of the cluster profile is killed -9', () => {
  let cluster: ClusterBrokers;
  let wharf: ReplicatedWharf;
  let killed: KilledNode | undefined;
  let last: CliRun | undefined;
  const figures: string[][] = [];

  beforeAll(async () => {
    cluster = await clusterBrokers();
    wharf = await startReplicatedWharf({ count: 2, services: ['sqs', 'sns', 'kinesis'], idPrefix: 'cbloss', env: cluster.env });
  }, 20 * MINUTES);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      if (last) console.error(`--- wharf (exit ${last.code}) stdout:\n${last.stdout}\n--- stderr:\n${last.stderr.slice(-3000)}`);
      for (const [name, set] of Object.entries(wharf?.replicas ?? {})) {
        set.processes.forEach((_, i) => console.error(`--- ${name}[${i}]:\n${set.output(i).slice(-2000)}`));
      }
    }
    // whatever happened, the shared profile is whole again before the next case
    if (killed) await killed.restart();
    killed = undefined;
    if (cluster && !(await cluster.healthy())) await cluster.up();
  }, 10 * MINUTES);

  afterAll(async () => {
    const header = ['scenario', 'node killed -9', 'kill at', 'run', 'exit', 'acknowledged', 'delivered', 'lost', 'dup', 'order viol.', '5xx seen (retried)', '5xx window after kill', 'PutRecords retried (CLI)', 'node back (healthy)'];
    const widths = header.map((h, i) => Math.max(h.length, ...figures.map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
    console.log(`\nbroker node loss under the trucks scenarios (2 replicas of sqs, sns, kinesis, cluster profile):\n${[line(header), ...figures.map(line)].join('\n')}\n`);
    await wharf?.stop();
    if (killed) await killed.restart().catch(() => undefined);
    if (cluster && !(await cluster.healthy())) await cluster.up();
  }, 10 * MINUTES);

  /**
   * Runs `wharf demo trucks --via <via>`, calls `kill` `afterMs` into it, samples the edge's 5xx count for
   * `service` every 200 ms until the run ends, then restarts the node and waits for the cluster healthy; with
   * `restartInRun` the restart starts as soon as `kill` resolves (for Redis: once the replica is promoted).
   */
  async function scenarioWithBrokerKill(via: string, args: string[], service: string, afterMs: number, kill: () => Promise<KilledNode>, restartInRun = false) {
    const base = serverErrors(await edgeRequestCounts(wharf.edge.url), service);
    const started = Date.now();
    let done = false;
    const running = runWharfCli(['demo', 'trucks', '--via', via, '--trucks', TRUCKS, ...args, ...SLACK, '--cleanup'], wharf.edge.url, 8 * MINUTES).finally(() => (done = true));
    const errorTimes: number[] = [];
    const sampler = (async () => {
      let seen = base;
      while (!done) {
        await sleep(200);
        const n = serverErrors(await edgeRequestCounts(wharf.edge.url).catch(() => new Map<string, number>()), service);
        if (n > seen) errorTimes.push(Date.now());
        seen = Math.max(seen, n);
      }
    })();
    await sleep(afterMs);
    const killedAt = Date.now();
    killed = await kill();
    const node = killed;
    const restarted = restartInRun ? node.restart().then(() => Date.now()) : undefined;
    last = await running;
    const endedAt = Date.now();
    await sampler;
    const errors = serverErrors(await edgeRequestCounts(wharf.edge.url), service) - base;
    const backAt = restarted ? await restarted : await node.restart().then(() => Date.now());
    const healthy = await cluster.healthy();
    const restartS = `${((backAt - killedAt) / 1000).toFixed(1)} s after the kill${restartInRun ? ' (restarted in the run)' : ''}`;
    const name = killed.name;
    killed = undefined;
    const window = errorTimes.length ? `${((errorTimes[0] as number) - killedAt) / 1000}..${((errorTimes.at(-1) as number) - killedAt) / 1000} s` : 'none';
    let rows: Record<string, string>[] = [];
    try {
      rows = summary(last.stdout);
    } catch { /* the CLI ended without its table: the figures stay empty, the case's checks fail */ }
    const sum = (col: string) => String(rows.reduce((s, r) => s + Number(r[col] ?? 0), 0));
    figures.push([
      `--via ${via} ${args.join(' ')}`, name, `${((killedAt - started) / 1000).toFixed(1)} s`, `${((endedAt - started) / 1000).toFixed(1)} s`, String(last.code),
      sum('expected'), sum('received'), sum('lost'), sum('duplicated'), sum('order violations'), `${service} ${errors}`, window, /producer retried (\d+)/.exec(last.stdout)?.[1] ?? (via === 'kinesis' ? '0' : '-'), `${restartS}${healthy ? '' : ' (NOT healthy)'}`,
    ]);
    return { run: last, killedAt, endedAt, healthy };
  }

  /** The Redis master holding the scenario's FIFO queue: its keys share the slot of the hash tag `{<account>/<name>}` (libs/sqs/backend-redis/lua/lib.lua). */
  async function killMasterOfQueue(name: string): Promise<KilledNode> {
    const prefix = `wharf:it:${wharf.id}:sqs:`;
    // the queue's meta key, wherever it is (the account comes from the caller's credentials)
    for (const p of cluster.redisPorts) {
      const keys = (await redisCli(p, ['--scan', '--pattern', `${prefix}{*/${name}}:meta`]).catch(() => '')).trim().split('\n').filter(Boolean);
      if (!keys.length) continue;
      const tag = /\{([^}]*)\}/.exec(keys[0] as string)?.[1] as string;
      const slot = Number((await redisCli(p, ['cluster', 'keyslot', `{${tag}}`])).trim());
      const master = await cluster.redisMasterOfSlot(slot);
      const node = await cluster.killRedisMaster(master);
      const heir = await node.promoted(30_000);
      return { ...node, name: `redis master :${master} (slot ${slot} of {${tag}}; :${heir} promoted)` };
    }
    throw new Error(`queue ${name} not found in the Redis Cluster under ${prefix}`);
  }

  /** The Kafka broker leading partition 0 of the scenario's stream (topics of this stack start with its prefix). */
  async function killKafkaLeaderOfStream(): Promise<KilledNode> {
    const admin = new Kafka({ clientId: 'cluster-broker-loss', brokers: cluster.env.WHARF_KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`wharf.it.${wharf.id}`));
      if (!topics.length) throw new Error(`no Kafka topic of stack ${wharf.id}`);
      const meta = await admin.fetchTopicMetadata({ topics });
      const leaders = meta.topics.flatMap((t) => t.partitions.map((p) => p.leader));
      const leader = leaders[0] as number;
      const node = await cluster.killKafkaBroker(leader);
      return { ...node, name: `kafka node ${leader} (leader of ${leaders.filter((l) => l === leader).length}/${leaders.length} partitions)` };
    } finally {
      await admin.disconnect();
    }
  }

  it('--via sqs-fifo, the Redis master of the queue killed: every acknowledged message once, in order per group', async () => {
    const { run, killedAt, endedAt, healthy } = await scenarioWithBrokerKill('sqs-fifo', ['--positions', '20', '--consumers', '4'], 'sqs', 3_000, () => killMasterOfQueue(SQS_FIFO_QUEUE), true);
    expect(run.code).toBe(0);
    expect(endedAt).toBeGreaterThan(killedAt); // the node died while the scenario ran
    expect(summary(run.stdout)).toEqual([
      { expected: '2000', received: '2000', 'groups in order': '100/100', 'records/group': '20', 'order violations': '0', lost: '0', duplicated: '0', 'group held by 2 at once': '0' },
    ]);
    expect(healthy).toBe(true);
  }, 10 * MINUTES);

  it('--via kinesis, the Kafka leader of the stream killed: every acknowledged record, in order per truck (duplicates counted)', async () => {
    const { run, killedAt, endedAt, healthy } = await scenarioWithBrokerKill('kinesis', ['--positions', '100', '--shards', '5'], 'kinesis', 2_000, killKafkaLeaderOfStream);
    expect(run.code).toBe(0);
    expect(endedAt).toBeGreaterThan(killedAt);
    // Kinesis is at least once: a PutRecords retried after its answer was lost stores its records again (AWS
    // allows it); the table counts them ('groups in order' counts only trucks with no duplicate), the verifier
    // checks order on first arrivals
    expect(summary(run.stdout)).toMatchObject([{ expected: '10000', 'order violations': '0', lost: '0', 'trucks on >1 shard': '0' }]);
    expect(healthy).toBe(true);
  }, 10 * MINUTES);

  it('--via sns-fifo, a RabbitMQ node killed: each subscriber gets every acknowledged position once, in order', async () => {
    // node 1 is the first of WHARF_AMQP_URL: the node the sns replicas connect to first
    const { run, killedAt, endedAt, healthy } = await scenarioWithBrokerKill('sns-fifo', ['--positions', '10', '--subscribers', '2'], 'sns', 3_000, () => cluster.killRabbitMqNode(1));
    expect(run.code).toBe(0);
    expect(endedAt).toBeGreaterThan(killedAt);
    const row = { expected: '1000', received: '1000', 'groups in order': '100/100', 'records/group': '10', 'order violations': '0', lost: '0', duplicated: '0', 'group held by 2 at once': '0' };
    expect(summary(run.stdout)).toEqual([{ subscriber: 's1', ...row }, { subscriber: 's2', ...row }]);
    expect(healthy).toBe(true);
  }, 10 * MINUTES);
});
