import http from 'node:http';
import http2 from 'node:http2';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { CreateBrokerCommand, DeleteBrokerCommand, ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { CreateTopicCommand, DeleteTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { deleteRedisKeys, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyCase, headerCase, memberCase, pathCase, type Fixtures, type FuzzRequest, type ServiceName } from './fuzz-cases';
import { checkClientError } from './fuzz-check';
import { h2NeverEnding, rawCases, sendH1, sendH2, sendRaw, type Outcome, type RawCase } from './fuzz-http';
import { Random } from './fuzz-random';

/**
 * The seeded fuzzer of issue 11: WHARF_FUZZ_REQUESTS (default 20,000) malformed and out-of-range requests
 * to the four BUILT services and the edge in front of them, over HTTP/1.1 and h2c (where the listener
 * speaks it: the edge and Kinesis), plus raw-socket framing breakage and slowloris connections. The same
 * WHARF_FUZZ_SEED gives the same requests (it is printed; set it to replay a run).
 * Checks: no process exits, /health 200 throughout, no 5xx for a client mistake, every 4xx an AWS error in
 * the request's protocol with a modelled or common code, nothing held past the listener timeouts.
 */
const SEED = Number(process.env.WHARF_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const TOTAL = Number(process.env.WHARF_FUZZ_REQUESTS ?? 20_000);
/** The planned requests stop being sent after this many seconds (a loaded machine may not reach TOTAL). */
const BUDGET_S = Number(process.env.WHARF_FUZZ_BUDGET_S ?? 150);
const CONCURRENCY = 48;
const TIMEOUTS = { headersMs: 1_000, requestMs: 2_000, idleMs: 3_000 };
/** How late a loaded machine may close a timed-out connection (Node checks the timeouts every second). */
const SLACK_MS = 6_000;
/** A response to a complete request may be slow under load, never this slow. */
const HARD_CAP_MS = 30_000;
const SERVICES: ServiceName[] = ['sqs', 'sns', 'kinesis', 'mq'];
const H2C: ReadonlySet<string> = new Set(['edge', 'kinesis']);

interface Sent {
  service: ServiceName;
  via: string;
  transport: 'h1' | 'h2' | 'raw';
  kind: string;
  outcome: Outcome;
  problem?: string;
  code?: string;
  request?: FuzzRequest | RawCase;
}

describe('reliability: seeded fuzzer over every service port and the edge', () => {
  const id = uniqueId('fz');
  const prefixes = { sqs: `wharf:it:${id}:sqs:`, sns: `wharf:it:${id}:sns:`, kinesis: `wharf:it:${id}:kinesis`, mq: `wharf:it:${id}:mq:` };
  const dataDir = join('tmp', 'mq-test', id);
  const apps = new Map<string, AppProcess>();
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  let fixtures: Fixtures;
  let kinesis: KinesisClient;
  let sns: SNSClient;
  let mq: MqClient;

  beforeAll(async () => {
    const env = {
      WHARF_HEADERS_TIMEOUT_MS: String(TIMEOUTS.headersMs),
      WHARF_REQUEST_TIMEOUT_MS: String(TIMEOUTS.requestMs),
      WHARF_IDLE_TIMEOUT_MS: String(TIMEOUTS.idleMs),
      WHARF_BODY_LIMIT_BYTES: String(1024 * 1024),
    };
    const sqsApp = await startApp('sqs', { portEnv: 'SQS_PORT', env: { ...env, SQS_REDIS_PREFIX: prefixes.sqs }, timeoutMs: 180_000 });
    const [snsApp, kinesisApp, mqApp] = await Promise.all([
      startApp('sns', { portEnv: 'SNS_PORT', env: { ...env, SNS_REDIS_PREFIX: prefixes.sns, WHARF_SQS_URL: sqsApp.url }, timeoutMs: 180_000 }),
      startApp('kinesis', { portEnv: 'KINESIS_PORT', env: { ...env, KINESIS_REDIS_PREFIX: prefixes.kinesis, KINESIS_TOPIC_PREFIX: `wharf.${id}`, KINESIS_SHARD_LIMIT: '20' }, timeoutMs: 180_000 }),
      startApp('mq', { portEnv: 'MQ_PORT', env: { ...env, WHARF_MQ_REDIS_PREFIX: prefixes.mq, WHARF_MQ_DATA_DIR: dataDir, WHARF_MQ_ACTIVEMQ_STRATEGY: 'off' }, timeoutMs: 180_000 }),
    ]);
    const edge = await startApp('edge', {
      portEnv: 'EDGE_PORT',
      // the edge's idle upstream connections must close before the services' idle timeout closes them under it
      env: { ...env, WHARF_EDGE_BODY_LIMIT: String(1024 * 1024), WHARF_EDGE_UPSTREAM_KEEPALIVE_MS: String(TIMEOUTS.idleMs / 3), WHARF_SQS_URL: sqsApp.url, WHARF_SNS_URL: snsApp.url, WHARF_KINESIS_URL: kinesisApp.url, WHARF_MQ_URL: mqApp.url },
      timeoutMs: 180_000,
    });
    for (const [name, app] of [['sqs', sqsApp], ['sns', snsApp], ['kinesis', kinesisApp], ['mq', mqApp], ['edge', edge]] as const) apps.set(name, app);

    const config = { region: 'us-east-1', credentials };
    const sqs = new SQSClient({ ...config, endpoint: sqsApp.url });
    sns = new SNSClient({ ...config, endpoint: snsApp.url });
    kinesis = new KinesisClient({ ...config, endpoint: kinesisApp.url });
    mq = new MqClient({ ...config, endpoint: mqApp.url });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `fz-${id}` }))).QueueUrl as string;
    const fifoQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `fz-${id}.fifo`, Attributes: { FifoQueue: 'true' } }))).QueueUrl as string;
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: `fz-${id}` }))).TopicArn as string;
    const streamName = `fz-${id}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const broker = await mq.send(
      new CreateBrokerCommand({
        BrokerName: `fz-${id}`, EngineType: 'RABBITMQ', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.m5.large',
        PubliclyAccessible: false, AutoMinorVersionUpgrade: true, Users: [{ Username: `fz${id}`, Password: 'Wharf-fuzz-pass-123' }],
      }),
    );
    fixtures = {
      queueUrl, fifoQueueUrl, topicArn, streamName,
      streamArn: summary.StreamDescriptionSummary?.StreamARN as string,
      brokerId: broker.BrokerId as string, brokerArn: broker.BrokerArn as string,
    };
    sqs.destroy();
  }, 400_000);

  afterAll(async () => {
    // what the fuzzer happened to create as well as the fixtures; each service lists only its own prefix
    try {
      for (const name of (await kinesis.send(new ListStreamsCommand({}))).StreamNames ?? []) await kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true })).catch(() => undefined);
      for (const t of (await sns.send(new ListTopicsCommand({}))).Topics ?? []) await sns.send(new DeleteTopicCommand({ TopicArn: t.TopicArn })).catch(() => undefined);
      for (const b of (await mq.send(new ListBrokersCommand({}))).BrokerSummaries ?? []) await mq.send(new DeleteBrokerCommand({ BrokerId: b.BrokerId })).catch(() => undefined);
    } catch {
      /* a service that is down has been reported by the test */
    }
    await new Promise((r) => setTimeout(r, 1_000)); // the broker's vhost goes in the background
    await Promise.all([...apps.values()].map((a) => a.stop()));
    for (const c of [kinesis, sns, mq]) c?.destroy();
    await deleteRedisKeys(Object.values(prefixes));
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it(`${TOTAL} malformed requests: no crash, no 5xx, AWS errors, nothing held, /health 200 throughout`, async () => {
    console.log(`fuzz seed ${SEED} (replay: WHARF_FUZZ_SEED=${SEED}), ${TOTAL} requests`);
    const random = new Random(SEED);
    const started = Date.now();

    // /health of every process, twice a second, for the whole run
    const healthFailures: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await Promise.all(
          [...apps].map(async ([name, app]) => {
            const status = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, (e: Error) => e.name);
            if (status !== 200) healthFailures.push(`${name} ${status} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
          }),
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    })();

    // the plan, all drawn from the seed before anything is sent
    const raw: { via: string; c: RawCase }[] = [];
    for (const via of ['edge', ...SERVICES]) for (const service of via === 'edge' ? SERVICES : [via as ServiceName]) for (const c of rawCases(service, random, TIMEOUTS, SLACK_MS)) raw.push({ via, c });
    const plan: { via: string; transport: 'h1' | 'h2'; req: FuzzRequest }[] = [];
    for (let i = 0; i < TOTAL - raw.length; i++) {
      const service = random.pick(SERVICES);
      const via = random.chance(0.5) ? 'edge' : service;
      const transport = H2C.has(via) && random.chance(0.5) ? 'h2' : 'h1';
      const n = random.int(20);
      const req = n < 10 ? memberCase(service, fixtures, random) : n < 14 ? bodyCase(service, random) : n < 17 ? headerCase(service, fixtures, random) : pathCase(service, random);
      plan.push({ via, transport, req });
    }

    const agents = new Map([...apps.keys()].map((k) => [k, new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })]));
    const sessions = new Map<string, http2.ClientHttp2Session>();
    const session = (via: string) => {
      let s = sessions.get(via);
      if (!s || s.closed || s.destroyed) {
        s = http2.connect(apps.get(via)?.url as string);
        s.on('error', () => undefined);
        sessions.set(via, s);
      }
      return s;
    };
    const results: Sent[] = [];
    const record = (s: Sent) => results.push(s);

    const sendPlanned = async ({ via, transport, req }: (typeof plan)[number]) => {
      const url = apps.get(via)?.url as string;
      const outcome = transport === 'h2' ? await sendH2(session(via), req, HARD_CAP_MS) : await sendH1(agents.get(via) as http.Agent, url, req, HARD_CAP_MS);
      const v = checkClientError(req.service, req.protocol, outcome, req.method);
      record({ service: req.service, via, transport, kind: req.kind, outcome, problem: v.problem, code: v.code, request: v.ok ? undefined : req });
    };
    const sendRawCase = async ({ via, c }: (typeof raw)[number]) => {
      const limit = c.mustEndWithinMs ?? HARD_CAP_MS;
      const outcome = await sendRaw(apps.get(via)?.url as string, c, limit + 2_000);
      let problem: string | undefined;
      let code: string | undefined;
      if (c.mustEndWithinMs !== undefined && (outcome.held || outcome.elapsedMs > c.mustEndWithinMs)) {
        problem = `held ${outcome.elapsedMs} ms (limit ${c.mustEndWithinMs} ms)`;
      } else if (c.kind !== 'h2-preface' || !H2C.has(via)) {
        const v = checkClientError(c.service, undefined, { ...outcome, held: outcome.held && c.mustEndWithinMs === undefined });
        problem = v.ok ? undefined : v.problem;
        code = v.code;
      }
      record({ service: c.service, via, transport: 'raw', kind: c.kind, outcome, problem, code, request: problem ? c : undefined });
    };

    // h2c streams whose body never ends: answered 408 (or reset) within the request timeout
    const h2Slow = [...H2C].map(async (via) => {
      const outcome = await h2NeverEnding(session(via), via === 'kinesis' ? 'kinesis' : 'sqs', TIMEOUTS.requestMs + SLACK_MS + 2_000);
      const problem = outcome.held || outcome.elapsedMs > TIMEOUTS.requestMs + SLACK_MS ? `h2c stream held ${outcome.elapsedMs} ms` : outcome.status >= 500 ? `${outcome.status}` : undefined;
      record({ service: via === 'kinesis' ? 'kinesis' : 'sqs', via, transport: 'h2', kind: 'slow:h2-body', outcome, problem });
    });

    const cpuBefore = cpuSeconds(apps);
    const deadline = Date.now() + BUDGET_S * 1000;
    await Promise.all([pool(raw, 8, sendRawCase), pool(plan, CONCURRENCY, sendPlanned, deadline), ...h2Slow]);
    const cpu = cpuSeconds(apps);
    polling = false;
    await poller;
    for (const s of sessions.values()) s.close();
    for (const a of agents.values()) a.destroy();

    const exited = [...apps].filter(([, a]) => a.child.exitCode !== null || a.child.signalCode !== null).map(([n, a]) => `${n}: ${a.output().slice(-2000)}`);
    printSummary(results, (Date.now() - started) / 1000);
    const cpuMs = [...cpu].map(([n, s]) => `${n} ${(((s - (cpuBefore.get(n) ?? 0)) * 1000) / results.length).toFixed(2)}`).join(', ');
    console.log(`server CPU ms per request: ${cpuMs}; ${results.length} of ${TOTAL} requests sent within the ${BUDGET_S} s budget`);
    const failures = results.filter((r) => r.problem);
    for (const f of failures.slice(0, 40)) console.log(`FAIL ${f.service} via ${f.via} ${f.transport} ${f.kind}: ${f.problem}\n  request: ${describeRequest(f.request)}\n  response: ${f.outcome.status} ${f.outcome.body.toString('latin1').slice(0, 200)}`);
    expect(exited).toEqual([]);
    expect(healthFailures).toEqual([]);
    // a machine too loaded to send them all within the budget still sends a tenth (the count is printed)
    expect(results.length).toBeGreaterThanOrEqual(Math.min(TOTAL, 2_000));
    expect(failures.map((f) => `${f.service} via ${f.via} ${f.transport} ${f.kind}: ${f.problem}`)).toEqual([]);
  }, 600_000);
});

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>, deadline = Infinity): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length && Date.now() < deadline) await fn(items[next++] as T);
  }));
}

/** CPU seconds (user + system) each process has used so far. */
function cpuSeconds(apps: Map<string, AppProcess>): Map<string, number> {
  return new Map([...apps].map(([name, app]) => {
    const fields = readFileSync(`/proc/${app.child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return [name, (Number(fields[11]) + Number(fields[12])) / 100];
  }));
}

function describeRequest(r: FuzzRequest | RawCase | undefined): string {
  if (!r) return '-';
  if ('bytes' in r) return JSON.stringify((Buffer.isBuffer(r.bytes) ? r.bytes : Buffer.concat(r.bytes.pieces)).toString('latin1').slice(0, 300));
  return `${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 300)} ${JSON.stringify(r.body.toString('latin1').slice(0, 300))}`;
}

/** Requests by service, path (direct or through the edge), transport and status class; then by kind and code. */
function printSummary(results: Sent[], seconds: number): void {
  const rows = new Map<string, Map<string, number>>();
  const statuses = new Set<string>();
  for (const r of results) {
    const key = `${r.service.padEnd(8)} ${(r.via === 'edge' ? 'edge' : 'direct').padEnd(7)} ${r.transport}`;
    const status = r.outcome.held ? 'held' : r.outcome.closedWithoutResponse ? 'closed' : String(r.outcome.status);
    statuses.add(status);
    const row = rows.get(key) ?? rows.set(key, new Map()).get(key) as Map<string, number>;
    row.set(status, (row.get(status) ?? 0) + 1);
  }
  const cols = [...statuses].sort();
  const lines = [`fuzz: ${results.length} requests in ${seconds.toFixed(0)} s, ${results.filter((r) => r.problem).length} failed`, `${'service  path    proto'.padEnd(22)}${cols.map((c) => c.padStart(7)).join('')}   total`];
  for (const [key, row] of [...rows].sort()) lines.push(`${key.padEnd(22)}${cols.map((c) => String(row.get(c) ?? '').padStart(7)).join('')}${String([...row.values()].reduce((a, b) => a + b, 0)).padStart(8)}`);
  const kinds = new Map<string, number>();
  const codes = new Map<string, number>();
  for (const r of results) {
    kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
    if (r.code) codes.set(`${r.service}:${r.code}`, (codes.get(`${r.service}:${r.code}`) ?? 0) + 1);
  }
  lines.push(`by kind: ${[...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  lines.push(`error codes: ${[...codes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(lines.join('\n'));
}
