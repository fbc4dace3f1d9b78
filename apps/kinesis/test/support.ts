/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import { createHash } from 'node:crypto';
import {
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListStreamsCommand,
  type _Record,
  type ChildShard,
  type KinesisClientConfig,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { afterAll, beforeAll } from 'vitest';

export interface KinesisUnderTest {
  app: AppProcess;
  url: string;
  id: string;
  /** A client with the SDK's defaults (HTTP/2 for every call) against this process. */
  client(config?: Partial<KinesisClientConfig>): KinesisClient;
  stop(): Promise<void>;
}

/**
 * Starts the BUILT kinesis app on its own Redis prefix and topic prefix (test files run in parallel); pass the
 * `id` of a running one to start another process serving the same streams.
 */
export async function startKinesis(env: Record<string, string> = {}, shareWith?: string): Promise<KinesisUnderTest> {
  const id = shareWith ?? uniqueId('k');
  const app = await startApp('kinesis', {
    portEnv: 'KINESIS_PORT',
    env: { KINESIS_REDIS_PREFIX: `wharf:test:${id}`, KINESIS_TOPIC_PREFIX: `wharf.test.${id}`, KINESIS_RESHARD_GRACE_MS: '500', ...env },
  });
  const clients: KinesisClient[] = [];
  const client = (config: Partial<KinesisClientConfig> = {}) => {
    const c = new KinesisClient({ endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, ...config });
    clients.push(c);
    return c;
  };
  return {
    app,
    url: app.url,
    id,
    client,
    stop: async () => {
      const admin = client();
      try {
        const names = (await admin.send(new ListStreamsCommand({}))).StreamNames ?? [];
        for (const name of names) await admin.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
      } finally {
        for (const c of clients) c.destroy();
        await app.stop();
      }
    },
  };
}

/**
 * Two processes serving the same streams (what two replicas behind the edge are), started before the file's
 * tests and stopped after them; `get()` hands them to the tests.
 */
export function twoKinesisProcesses(): () => { a: KinesisUnderTest; b: KinesisUnderTest } {
  let a: KinesisUnderTest | undefined;
  let b: KinesisUnderTest | undefined;
  beforeAll(async () => {
    a = await startKinesis();
    b = await startKinesis({}, a.id);
  });
  afterAll(async () => {
    await b?.app.stop();
    await a?.stop();
  });
  return () => ({ a: a!, b: b! });
}

/** MD5 of the UTF-8 key as an unsigned 128-bit integer, computed here independently of the engine. */
export function md5HashKey(key: string): bigint {
  return BigInt('0x' + createHash('md5').update(Buffer.from(key, 'utf8')).digest('hex'));
}

export function shardFor(shards: Shard[], key: string): string {
  const h = md5HashKey(key);
  const open = shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
  const hit = open.find((s) => h >= BigInt(s.HashKeyRange!.StartingHashKey!) && h <= BigInt(s.HashKeyRange!.EndingHashKey!));
  if (!hit) throw new Error(`no shard holds ${key}`);
  return hit.ShardId!;
}

export async function waitActive(client: KinesisClient, name: string, timeoutMs = 30_000): Promise<Shard[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = (await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription!;
    if (d.StreamStatus === 'ACTIVE') return d.Shards!;
    if (Date.now() > deadline) throw new Error(`${name} still ${d.StreamStatus}`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads one shard from an iterator type until `done()` says so (or the shard ends); returns records and ChildShards. */
export async function readShard(
  client: KinesisClient,
  stream: string,
  shardId: string,
  options: { type?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER'; timestamp?: Date; sequenceNumber?: string; done?: (records: _Record[]) => boolean; timeoutMs?: number; limit?: number; pauseMs?: number } = {},
): Promise<{ records: _Record[]; childShards?: ChildShard[] }> {
  let iterator = (
    await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shardId,
        ShardIteratorType: options.type ?? 'TRIM_HORIZON',
        Timestamp: options.timestamp,
        StartingSequenceNumber: options.sequenceNumber,
      }),
    )
  ).ShardIterator;
  const records: _Record[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (iterator) {
    const r = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: options.limit ?? 10_000 }));
    records.push(...(r.Records ?? []));
    if (!r.NextShardIterator) return { records, childShards: r.ChildShards };
    iterator = r.NextShardIterator;
    if (options.done ? options.done(records) : (r.Records ?? []).length === 0 && r.MillisBehindLatest === 0) break;
    if (Date.now() > deadline) throw new Error(`timed out reading ${shardId}: ${records.length} records`);
    await sleep(options.pauseMs ?? 200); // a shard takes 5 GetRecords calls per second
  }
  return { records };
}

export const text = (r: _Record) => Buffer.from(r.Data!).toString('utf8');
