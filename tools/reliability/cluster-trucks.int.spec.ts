// Issue 14, first acceptance point: the trucks scenarios — Kinesis on 5 shards, SQS FIFO with 100 message
// groups, SNS FIFO → SQS FIFO — pass with two replicas of each service behind one edge, every replica sharing
// the brokers. Each scenario is the BUILT `wharf demo trucks --via …` (apps/cli), a plain SDK user of the edge,
// whose verifier (apps/cli/src/verify.ts) fails the run on any position lost, duplicated where the transport
// allows none, out of order within its truck (key / group), or a group held by two consumers at once.
// Brokers: the cluster profile of tools/brokers (Redis Cluster 3+3, Kafka ×3 with RF 3, RabbitMQ ×3; started if
// down, idempotent), or with WHARF_CLUSTER_TRUCKS_BROKERS=shared the single shared brokers.
import { clusterBrokers, runWharfCli, startReplicatedWharf, type CliRun, type ReplicatedWharf } from '@wharf/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { edgeRequestCounts, summary } from './cluster-support';

const MINUTES = 60_000;
const TRUCKS = '100';
// a loaded machine can stall a consumer for seconds: the CLI gives up only after a minute without progress
const SLACK = ['--idle-timeout', '60'];
// each scenario runs twice (the second time with a replica killed), reusing its stream, queues and topic (SQS
// refuses a queue name for 60 s after its deletion); the second run deletes them (Kafka topics and RabbitMQ
// queues outlive the stack's Redis keys)
const CLEANUP = ['--cleanup'];

const BROKERS = process.env.WHARF_CLUSTER_TRUCKS_BROKERS === 'shared' ? 'shared' : 'cluster';

/** The services' broker settings: the cluster profile's (brought up first, idempotent), or none (the shared brokers' defaults). */
async function brokerEnv(): Promise<Record<string, string>> {
  return BROKERS === 'shared' ? {} : (await clusterBrokers()).env;
}

describe(`trucks scenarios through one edge, two replicas of each service (${BROKERS} brokers)`, () => {
  let wharf: ReplicatedWharf;
  let last: CliRun | undefined;
  const timings: string[] = [];

  beforeAll(async () => {
    const env = await brokerEnv();
    wharf = await startReplicatedWharf({ count: 2, services: ['sqs', 'sns', 'kinesis'], idPrefix: 'ctrucks', env });
  }, 20 * MINUTES);
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    if (last) console.error(`--- wharf (exit ${last.code}) stdout:\n${last.stdout}\n--- stderr:\n${last.stderr.slice(-3000)}`);
    for (const [name, set] of Object.entries(wharf?.replicas ?? {})) {
      set.processes.forEach((_, i) => console.error(`--- ${name}[${i}]:\n${set.output(i).slice(-2000)}`));
    }
  });
  afterAll(async () => {
    console.log(`\ntrucks on 2 replicas of sqs, sns, kinesis behind one edge, ${BROKERS} brokers:\n${timings.join('\n')}\n`);
    await wharf?.stop();
  }, 3 * MINUTES);

  /** Runs one scenario; resolves with the CLI's run and the requests each replica took meanwhile. */
  async function scenario(via: string, args: string[]): Promise<{ run: CliRun; spread: string }> {
    const before = await requestsPerReplica();
    const started = Date.now();
    last = await runWharfCli(['demo', 'trucks', '--via', via, '--trucks', TRUCKS, ...args, ...SLACK], wharf.edge.url, 8 * MINUTES);
    const after = await requestsPerReplica();
    const spread = Object.keys(after).map((k) => `${k} ${(after[k] ?? 0) - (before[k] ?? 0)}`).join(', ');
    timings.push(`  --via ${via} ${args.join(' ')}: exit ${last.code} in ${((Date.now() - started) / 1000).toFixed(1)} s; requests per replica: ${spread}`);
    return { run: last, spread };
  }

  /** `sqs[0]` → requests the edge sent it so far (GET /_wharf/edge/replicas). */
  async function requestsPerReplica(): Promise<Record<string, number>> {
    const res = await fetch(`${wharf.edge.url}/_wharf/edge/replicas`);
    const body = (await res.json()) as { services: Record<string, { replicas: { requests: number }[] }> };
    const out: Record<string, number> = {};
    for (const s of ['sqs', 'sns', 'kinesis']) body.services[s]?.replicas.forEach((r, i) => (out[`${s}[${i}]`] = r.requests));
    return out;
  }

  /** Both replicas of `service` took part (the edge balanced the scenario's calls). */
  function bothServed(spread: string, service: string): void {
    for (const i of [0, 1]) expect(Number(new RegExp(`${service}\\[${i}\\] (\\d+)`).exec(spread)?.[1] ?? 0)).toBeGreaterThan(0);
  }

  it.runIf(BROKERS === 'cluster')('every process runs on the clusters: 3 Redis masters, 3 Kafka brokers, RabbitMQ from the profile', async () => {
    // the edge got the same broker settings as every replica; its /health describes what it reached
    const health = (await (await fetch(`${wharf.edge.url}/health`)).json()) as {
      brokers: { checks: Record<string, { status: string; detail?: { masters?: number; brokers?: number; url?: string } }> };
      services: { checks: Record<string, { status: string }> };
    };
    expect(health.brokers.checks.redis).toMatchObject({ status: 'up', detail: { masters: 3 } });
    expect(health.brokers.checks.kafka).toMatchObject({ status: 'up', detail: { brokers: 3 } });
    expect(health.brokers.checks.rabbitmq?.detail?.url).toMatch(/:570[123]/);
    for (const s of ['sqs', 'sns', 'kinesis']) expect(health.services.checks[s]?.status).toBe('up');
  });

  it('--via kinesis: 100 trucks × 20 positions on 5 shards, each truck on one shard, in order, none lost', async () => {
    const { run, spread } = await scenario('kinesis', ['--positions', '20', '--shards', '5']);
    expect(run.code).toBe(0);
    expect(summary(run.stdout)).toEqual([
      { expected: '2000', received: '2000', 'groups in order': '100/100', 'records/group': '20', 'order violations': '0', lost: '0', duplicated: '0', 'trucks on >1 shard': '0' },
    ]);
    expect(run.stdout.match(/^shardId-\d+ /gm)).toHaveLength(5);
    bothServed(spread, 'kinesis');
  }, 10 * MINUTES);

  it('--via sqs-fifo: 100 groups × 10 positions, 4 consumers: every message once, in order per group, no group held twice', async () => {
    const { run, spread } = await scenario('sqs-fifo', ['--positions', '10', '--consumers', '4']);
    expect(run.code).toBe(0);
    expect(summary(run.stdout)).toEqual([
      { expected: '1000', received: '1000', 'groups in order': '100/100', 'records/group': '10', 'order violations': '0', lost: '0', duplicated: '0', 'group held by 2 at once': '0' },
    ]);
    bothServed(spread, 'sqs');
  }, 10 * MINUTES);

  it('--via sns-fifo: 100 groups × 5 positions to 2 SQS FIFO subscribers, each gets every position once, in order', async () => {
    const { run, spread } = await scenario('sns-fifo', ['--positions', '5', '--subscribers', '2']);
    expect(run.code).toBe(0);
    const row = { expected: '500', received: '500', 'groups in order': '100/100', 'records/group': '5', 'order violations': '0', lost: '0', duplicated: '0', 'group held by 2 at once': '0' };
    expect(summary(run.stdout)).toEqual([{ subscriber: 's1', ...row }, { subscriber: 's2', ...row }]);
    bothServed(spread, 'sns');
  }, 10 * MINUTES);

  /** 503s the edge answered for `service` so far (its own count, /metrics): what clients saw and retried. */
  async function unavailable(service: string): Promise<number> {
    return (await edgeRequestCounts(wharf.edge.url)).get(`${service} unavailable 503`) ?? 0;
  }

  /** The edge's JSON log lines written since `from` (its output offset). */
  function edgeLog(from: number): { msg?: string; target?: string; time: number; by?: string }[] {
    return wharf.edge
      .output()
      .slice(from)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as { msg?: string; target?: string; time: number; by?: string }];
        } catch {
          return [];
        }
      });
  }

  /**
   * One scenario while replica 0 of `service` is killed with -9 `afterMs` into it, restarted 3 s later: the CLI
   * (SDK clients with their standard retries) must still pass its verification.
   */
  async function scenarioWithKill(via: string, args: string[], service: 'sqs' | 'sns' | 'kinesis', afterMs: number) {
    const set = wharf.replicas[service];
    if (!set) throw new Error(`no ${service} replicas`);
    const before = await unavailable(service);
    const logFrom = wharf.edge.output().length;
    const started = Date.now();
    const running = runWharfCli(['demo', 'trucks', '--via', via, '--trucks', TRUCKS, ...args, ...SLACK, ...CLEANUP], wharf.edge.url, 8 * MINUTES);
    await new Promise((r) => setTimeout(r, afterMs));
    const killedAt = Date.now();
    await set.kill(0);
    await new Promise((r) => setTimeout(r, 3_000));
    await set.restart(0);
    let backMs: number | undefined;
    for (const end = Date.now() + 60_000; backMs === undefined && Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      const res = await fetch(`${wharf.edge.url}/_wharf/edge/replicas`);
      const views = ((await res.json()) as { services: Record<string, { replicas: { state: string }[] }> }).services[service]?.replicas ?? [];
      if (views[0]?.state === 'up') backMs = Date.now() - killedAt;
    }
    last = await running;
    const errors = (await unavailable(service)) - before;
    // the edge's own log (warn level): each 503 it answered and when it took the replica out, with times
    const log = edgeLog(logFrom).filter((l) => l.target === service);
    const answered = log.filter((l) => l.msg === 'service unavailable').map((l) => l.time);
    const out = log.find((l) => l.msg === 'replica out of rotation');
    const window = answered.length ? `${Math.min(...answered) - killedAt}..${Math.max(...answered) - killedAt} ms after the kill` : 'none';
    timings.push(
      `  --via ${via} ${args.join(' ')}, ${service}[0] killed -9 at ${killedAt - started} ms, restarted 3 s later: exit ${last.code} in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `edge answered ${errors} retryable 503s for ${service} (${window}); replica out of rotation ${out ? `${out.time - killedAt} ms after the kill (by ${out.by})` : 'never'}, back ${backMs ?? 'never'} ms after the kill`,
    );
    return { run: last, backMs };
  }

  it('--via kinesis with a kinesis replica killed -9 and restarted mid-run: still every record, in order per truck', async () => {
    const { run, backMs } = await scenarioWithKill('kinesis', ['--positions', '60', '--shards', '5'], 'kinesis', 2_000);
    expect(run.code).toBe(0);
    const [row] = summary(run.stdout);
    // Kinesis is at least once: a PutRecords the SDK retried after its answer was lost with the replica stores
    // its records again (a whole round, one position of every truck); their first arrivals are what is checked
    timings.push(`    kinesis duplicates after the kill: ${row?.duplicated ?? '?'} (allowed: at least once)`);
    expect(row).toMatchObject({ expected: '6000', 'order violations': '0', lost: '0', 'trucks on >1 shard': '0' });
    expect(backMs).toBeDefined();
  }, 10 * MINUTES);

  it('--via sqs-fifo with an sqs replica killed -9 and restarted mid-run: every message once, in order per group', async () => {
    const { run, backMs } = await scenarioWithKill('sqs-fifo', ['--positions', '20', '--consumers', '4'], 'sqs', 4_000);
    expect(run.code).toBe(0);
    expect(summary(run.stdout)).toEqual([
      { expected: '2000', received: '2000', 'groups in order': '100/100', 'records/group': '20', 'order violations': '0', lost: '0', duplicated: '0', 'group held by 2 at once': '0' },
    ]);
    expect(backMs).toBeDefined();
  }, 10 * MINUTES);

  it('--via sns-fifo with an sns replica killed -9 and restarted mid-run: each subscriber gets every position once, in order', async () => {
    const { run, backMs } = await scenarioWithKill('sns-fifo', ['--positions', '5', '--subscribers', '2'], 'sns', 4_000);
    expect(run.code).toBe(0);
    const row = { expected: '500', received: '500', 'groups in order': '100/100', 'records/group': '5', 'order violations': '0', lost: '0', duplicated: '0', 'group held by 2 at once': '0' };
    expect(summary(run.stdout)).toEqual([{ subscriber: 's1', ...row }, { subscriber: 's2', ...row }]);
    expect(backMs).toBeDefined();
  }, 10 * MINUTES);
});
