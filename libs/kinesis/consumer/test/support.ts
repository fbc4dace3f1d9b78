/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  KinesisClient,
  PutRecordsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { deleteRedisKeys, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { findOverlaps, type LeaseLogEntry } from '../src';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The BUILT Wharf Kinesis app on its own Redis and topic prefixes, plus a lease prefix for the workers. */
export async function startKinesis(env: Record<string, string> = {}) {
  const id = uniqueId('kc');
  const app: AppProcess = await startApp('kinesis', {
    portEnv: 'KINESIS_PORT',
    env: { KINESIS_REDIS_PREFIX: `wharf:test:${id}`, KINESIS_TOPIC_PREFIX: `wharf.test.${id}`, KINESIS_RESHARD_GRACE_MS: '500', ...env },
  });
  const client = new KinesisClient({ endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 10 });
  return {
    app,
    client,
    leasePrefix: `wharf:test:${id}:leases`,
    async stop(streams: string[]) {
      for (const s of streams) await client.send(new DeleteStreamCommand({ StreamName: s, EnforceConsumerDeletion: true })).catch(() => undefined);
      client.destroy();
      await app.stop();
      await deleteRedisKeys([`wharf:test:${id}`]);
    },
  };
}

export async function createStream(client: KinesisClient, name: string, shards: number): Promise<Shard[]> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  return waitActive(client, name);
}

export async function waitActive(client: KinesisClient, name: string): Promise<Shard[]> {
  for (;;) {
    const d = (await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription!;
    if (d.StreamStatus === 'ACTIVE') return d.Shards!;
    await sleep(100);
  }
}

/**
 * Trucks report positions: round n sends position n of each truck of a group in one PutRecords, a group's
 * rounds one after the other (a throttled record is sent again before the next round), so each truck's
 * positions are in send order; the groups drive side by side. `between` runs after each round of group 0.
 */
export async function driveTrucks(client: KinesisClient, stream: string, trucks: number, positions: number, opts: { pauseMs?: number; groups?: number; between?: (round: number) => Promise<void> } = {}): Promise<void> {
  const groups = opts.groups ?? 4;
  await Promise.all(Array.from({ length: groups }, async (_, g) => {
    const mine = Array.from({ length: trucks }, (_, i) => i).filter((i) => i % groups === g);
    for (let n = 0; n < positions; n++) {
      let pending = mine.map((i) => ({ PartitionKey: `truck-${i}`, Data: Buffer.from(JSON.stringify({ truck: `truck-${i}`, n, lat: 52 + i / 1000, lon: 4 + n / 1000 })) }));
      while (pending.length) {
        const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: pending }));
        pending = pending.filter((_, i) => out.Records![i].ErrorCode);
        if (pending.length) await sleep(200);
      }
      if (g === 0) await opts.between?.(n);
      if (opts.pauseMs) await sleep(opts.pauseMs);
    }
  }));
}

export interface Worker {
  id: string;
  child: ChildProcess;
  output(): string;
  kill(): void;
  stop(): Promise<void>;
}

const WORKER = join(__dirname, 'worker.cjs');

/** A consumer worker as a real Node process (test/worker.cjs over the built library). */
export async function startWorker(id: string, env: Record<string, string>): Promise<Worker> {
  let out = '';
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, WORKER_ID: id, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  while (!out.includes('ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker ${id} did not start:\n${out}`);
    await sleep(50);
  }
  return {
    id,
    child,
    output: () => out,
    kill: () => child.kill('SIGKILL'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface LogRecord { kind: 'rec'; worker: string; shard: string; seq: string; key: string; n: number }
/** 'cp-begin' before a checkpoint is sent, 'cp' once it is stored. */
export interface LogCheckpoint { kind: 'cp' | 'cp-begin'; worker: string; shard: string; seq: string }
type Line = LogRecord | LogCheckpoint | ({ kind: 'lease' } & LeaseLogEntry);

export function newLogFile(): string {
  const file = join(tmpdir(), `${uniqueId('kcl-log')}.jsonl`);
  writeFileSync(file, '');
  return file;
}

export function readLog(file: string) {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  return {
    lines,
    records: lines.filter((l): l is LogRecord => l.kind === 'rec'),
    leases: lines.filter((l): l is { kind: 'lease' } & LeaseLogEntry => l.kind === 'lease'),
  };
}

/** Waits until every (truck, position) was processed at least once. */
export async function waitAllProcessed(file: string, total: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = new Set(readLog(file).records.map((r) => `${r.key}/${r.n}`));
    if (seen.size >= total) return;
    if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${total} records processed`);
    await sleep(250);
  }
}

/**
 * The acceptance checks every scenario shares: each truck's positions first arrive in send order (a redelivery
 * may repeat a stretch, never skip or reorder), nothing lost, and no shard ever owned by two workers at once.
 */
export function checkRoutes(file: string, trucks: number, positions: number) {
  const log = readLog(file);
  const firstSeen = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const r of log.records) {
    if (seen.has(`${r.key}/${r.n}`)) continue;
    seen.add(`${r.key}/${r.n}`);
    firstSeen.set(r.key, [...(firstSeen.get(r.key) ?? []), r.n]);
  }
  const expected = Array.from({ length: positions }, (_, n) => n);
  const badTrucks = Array.from({ length: trucks }, (_, i) => `truck-${i}`).filter((k) => JSON.stringify(firstSeen.get(k)) !== JSON.stringify(expected));
  return { log, badTrucks, overlaps: findOverlaps(log.leases), duplicates: log.records.length - seen.size };
}
