// Two replicas of the BUILT sqs app (one Redis prefix: they share their queues) behind the BUILT edge, under a
// steady SDK load; one replica is killed with -9, then restarted (issue 14). The load must go on through the
// other replica, the clients may see retryable errors only (5xx, or a lost connection), for a time this test
// prints; every acknowledged message is received; the restarted replica takes requests again.
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { deleteRedisKeys, startEdgeFor, startReplicas, uniqueId, type AppProcess, type Replicas } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials } from './support';

const REDIS_URL = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ReplicaView { url: string; state: string; requests: number }
async function replicaViews(edge: AppProcess, service = 'sqs'): Promise<ReplicaView[]> {
  const res = await fetch(`${edge.url}/_wharf/edge/replicas`);
  return ((await res.json()) as { services: Record<string, { replicas: ReplicaView[] }> }).services[service]?.replicas ?? [];
}

/** What a client saw: each failed call with its time, and whether the SDKs would retry it. */
interface Failure { at: number; op: string; retryable: boolean; what: string }
function describeFailure(op: string, err: unknown): Failure {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  // 5xx and broken connections are what the SDKs' standard retry strategy retries; a 4xx would be the service's answer.
  const retryable = status === undefined ? true : status >= 500 || e.$retryable !== undefined;
  return { at: Date.now(), op, retryable, what: `${status ?? 'no status'} ${e.name ?? e.code ?? ''}: ${(e.message ?? '').slice(0, 120)}` };
}

describe('two sqs replicas behind the edge: one killed -9 under load, then restarted', () => {
  const id = uniqueId('edgefo');
  const prefix = `wharf:it:${id}:sqs:`;
  let sqs: Replicas;
  let edge: AppProcess;
  const clients: SQSClient[] = [];

  beforeAll(async () => {
    sqs = await startReplicas('sqs', { count: 2, env: { SQS_REDIS_PREFIX: prefix, WHARF_REDIS_URL: REDIS_URL } });
    edge = await startEdgeFor({ sqs });
  }, 240_000);
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await Promise.allSettled([edge?.stop(), sqs?.stop()]);
    await deleteRedisKeys(prefix, REDIS_URL);
  }, 60_000);

  it('the load goes on, clients see retryable errors only for a bounded time, nothing acknowledged is lost, the replica comes back', async () => {
    // maxAttempts 1: the test sees every error the edge answered (an SDK with retries would hide them)
    const client = () => {
      const c = new SQSClient({ endpoint: edge.url, region: 'us-east-1', credentials, maxAttempts: 1 });
      clients.push(c);
      return c;
    };
    const admin = client();
    const { QueueUrl } = await admin.send(new CreateQueueCommand({ QueueName: id, Attributes: { VisibilityTimeout: '3' } }));
    const acknowledged = new Set<string>();
    const received = new Set<string>();
    const failures: Failure[] = [];
    let sends = 0;
    let receives = 0;
    let running = true;

    const sender = async (n: number) => {
      const c = client();
      for (let i = 0; running; i++) {
        const body = `s${n}-${i}`;
        try {
          await c.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
          acknowledged.add(body);
        } catch (err) {
          failures.push(describeFailure('SendMessage', err));
        }
        sends++;
        await sleep(20);
      }
    };
    const receiver = async () => {
      const c = client();
      while (running || received.size < acknowledged.size) {
        try {
          const { Messages = [] } = await c.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
          receives++;
          for (const m of Messages) received.add(m.Body ?? '');
          if (Messages.length) {
            await c.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, k) => ({ Id: String(k), ReceiptHandle: m.ReceiptHandle })) }));
          }
        } catch (err) {
          failures.push(describeFailure('ReceiveMessage/DeleteMessageBatch', err));
          await sleep(50);
        }
        if (!running && Date.now() > drainDeadline) break;
      }
    };
    let drainDeadline = Infinity;

    const load = [sender(0), sender(1), sender(2), receiver(), receiver()];
    await sleep(3_000);
    const sendsBeforeKill = sends;
    const killedAt = Date.now();
    await sqs.kill(0);
    await sleep(6_000);
    const sendsWhileDown = sends - sendsBeforeKill;
    const views = await replicaViews(edge);
    expect(views[0]).toMatchObject({ url: sqs.urls[0], state: 'down' });
    expect(views[1]).toMatchObject({ url: sqs.urls[1], state: 'up' });

    const restartedAt = Date.now();
    await sqs.restart(0);
    let backAt = 0;
    for (const end = Date.now() + 30_000; !backAt && Date.now() < end; await sleep(50)) {
      if ((await replicaViews(edge))[0]?.state === 'up') backAt = Date.now();
    }
    expect(backAt).toBeGreaterThan(0);
    const requestsAtReturn = (await replicaViews(edge))[0]?.requests ?? 0;
    await sleep(3_000);
    const requestsAfter = (await replicaViews(edge))[0]?.requests ?? 0;

    running = false;
    drainDeadline = Date.now() + 30_000;
    await Promise.all(load);

    const lost = [...acknowledged].filter((b) => !received.has(b));
    // when the edge took the dead replica out (its warn log: by a request that failed, or by a check)
    const outOfRotation = edge
      .output()
      .split('\n')
      .filter((l) => l.includes('"replica out of rotation"'))
      .map((l) => JSON.parse(l) as { time: number; by: string })
      .find((l) => l.time >= killedAt);
    const windowMs = failures.length ? Math.max(...failures.map((f) => f.at)) - Math.min(...failures.map((f) => f.at)) : 0;
    const firstAfterKill = failures.length ? Math.min(...failures.map((f) => f.at)) - killedAt : null;
    console.log(
      [
        `\nsqs x2 behind the edge, replica 0 killed -9 under load:`,
        `  sends ${sends} (acknowledged ${acknowledged.size}; ${sendsWhileDown} in the 6 s with one replica), receives ${receives}, received ${received.size}, lost ${lost.length}`,
        `  client errors: ${failures.length} (non-retryable ${failures.filter((f) => !f.retryable).length}); first ${firstAfterKill ?? '—'} ms after the kill, window ${windowMs} ms`,
        ...failures.slice(0, 10).map((f) => `    +${f.at - killedAt} ms ${f.op}: ${f.what}`),
        `  the edge took it out of rotation ${outOfRotation ? `${outOfRotation.time - killedAt} ms after the kill (by ${outOfRotation.by})` : 'never'}`,
        `  restarted replica back in rotation ${backAt - restartedAt} ms after its restart began; ${requestsAfter - requestsAtReturn} requests to it in the next 3 s`,
      ].join('\n'),
    );
    expect(failures.filter((f) => !f.retryable)).toEqual([]);
    expect(sendsWhileDown).toBeGreaterThan(20); // the load went on through the other replica
    expect(lost).toEqual([]);
    expect(requestsAfter).toBeGreaterThan(requestsAtReturn);
  }, 180_000);
});

describe('two kinesis replicas behind the edge: one killed -9 under reads and writes (HTTP/2 SDK clients)', () => {
  const id = uniqueId('edgefok');
  let kinesis: Replicas;
  let edge: AppProcess;
  const clients: KinesisClient[] = [];

  beforeAll(async () => {
    kinesis = await startReplicas('kinesis', {
      count: 2,
      env: { KINESIS_REDIS_PREFIX: `wharf:it:${id}:kinesis`, KINESIS_TOPIC_PREFIX: `wharf.it.${id}`, KINESIS_ENFORCE_LIMITS: 'false', WHARF_REDIS_URL: REDIS_URL },
    });
    edge = await startEdgeFor({ kinesis });
  }, 240_000);
  afterAll(async () => {
    const admin = new KinesisClient({ endpoint: edge?.url, region: 'us-east-1', credentials });
    await admin.send(new DeleteStreamCommand({ StreamName: id, EnforceConsumerDeletion: true })).catch(() => undefined);
    admin.destroy();
    for (const c of clients) c.destroy();
    await Promise.allSettled([edge?.stop(), kinesis?.stop()]);
    await deleteRedisKeys(`wharf:it:${id}:kinesis`, REDIS_URL);
  }, 60_000);

  it('reads see no error (those in flight on the dead replica are resent), writes retryable errors at most, nothing acknowledged is lost', async () => {
    const client = () => {
      const c = new KinesisClient({ endpoint: edge.url, region: 'us-east-1', credentials, maxAttempts: 1 });
      clients.push(c);
      return c;
    };
    const admin = client();
    await admin.send(new CreateStreamCommand({ StreamName: id, ShardCount: 2 }));
    await waitUntilStreamExists({ client: admin, maxWaitTime: 60 }, { StreamName: id });
    const failures: Failure[] = [];
    const acknowledged = new Set<string>();
    let reads = 0;
    let running = true;
    const writer = async (n: number) => {
      const c = client();
      for (let i = 0; running; i++) {
        try {
          await c.send(new PutRecordCommand({ StreamName: id, PartitionKey: `k${i % 7}`, Data: Buffer.from(`w${n}-${i}`) }));
          acknowledged.add(`w${n}-${i}`);
        } catch (err) {
          failures.push(describeFailure('PutRecord', err));
        }
        await sleep(20);
      }
    };
    const reader = async () => {
      const c = client();
      while (running) {
        try {
          await c.send(new ListShardsCommand({ StreamName: id }));
          reads++;
        } catch (err) {
          failures.push(describeFailure('ListShards', err));
        }
      }
    };
    const retriesBefore = await retries(edge);
    const load = [writer(0), writer(1), reader(), reader()];
    await sleep(3_000);
    const killedAt = Date.now();
    await kinesis.kill(0);
    await sleep(5_000);
    expect((await replicaViews(edge, 'kinesis'))[0]?.state).toBe('down');
    running = false;
    await Promise.all(load);
    const retriesAfter = await retries(edge);
    const retried = Object.entries(retriesAfter).map(([reason, n]) => `${reason} ${n - (retriesBefore[reason] ?? 0)}`).join(', ') || 'none';

    // every acknowledged record is in the stream (read back through the edge from the surviving replica)
    const stored = new Set<string>();
    for (const shard of (await admin.send(new ListShardsCommand({ StreamName: id }))).Shards ?? []) {
      let { ShardIterator } = await admin.send(new GetShardIteratorCommand({ StreamName: id, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      for (let empty = 0; ShardIterator && empty < 2; ) {
        const page = await admin.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
        for (const r of page.Records ?? []) stored.add(Buffer.from(r.Data as Uint8Array).toString());
        if (!page.Records?.length) empty++;
        ShardIterator = page.NextShardIterator;
      }
    }
    const lost = [...acknowledged].filter((r) => !stored.has(r));
    const readErrors = failures.filter((f) => f.op === 'ListShards');
    console.log(
      [
        `\nkinesis x2 behind the edge, replica 0 killed -9 under load (${reads} ListShards, ${acknowledged.size} PutRecord acknowledged):`,
        `  client errors: reads ${readErrors.length}, writes ${failures.length - readErrors.length} (non-retryable ${failures.filter((f) => !f.retryable).length}); lost ${lost.length}`,
        `  requests the edge sent again to the other replica: ${retried}`,
        ...failures.slice(0, 10).map((f) => `    +${f.at - killedAt} ms ${f.op}: ${f.what}`),
      ].join('\n'),
    );
    expect(failures.filter((f) => !f.retryable)).toEqual([]);
    expect(readErrors).toEqual([]);
    expect(lost).toEqual([]);
  }, 180_000);
});

/** Requests the edge sent again to another replica, by reason (refused, lost-before-body, lost-read), from /metrics. */
async function retries(edge: AppProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${edge.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^wharf_edge_upstream_retries_total\{[^}]*reason="([^"]+)"[^}]*\} (\d+)/gm)) out[m[1] as string] = (out[m[1] as string] ?? 0) + Number(m[2]);
  return out;
}
