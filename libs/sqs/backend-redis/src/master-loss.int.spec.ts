/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplicaWaitError } from '@wharf/redis-lua';
import { createRedisClient } from '@wharf/service-kit';
import { repoRoot } from '@wharf/testing';
import { RedisStore } from './redis-store';

// kill -9 of the master serving a queue, on a private Redis Cluster (3 masters, 3 replicas; tools/brokers'
// cluster profile on ports of its own, Redis only): every send acknowledged before or during the outage is
// in the queue afterwards (WAIT made each reach the replica that takes over); the sends in between fail
// (retryable) rather than being acknowledged. The outage lasts until the killed node is back as the new
// master's replica: with one replica per master, a promoted master has none to WAIT for until then.

const run = promisify(execFile);
const runDir = mkdtempSync(join(tmpdir(), 'wharf-master-loss-'));
const env = { ...process.env, CI: 'true', WHARF_BROKERS_RUN_DIR: runDir, WHARF_REDIS_CLUSTER_PORT: '7401' };
const brokers = (...args: string[]) => run('bash', [join(repoRoot, 'tools/brokers/brokers.sh'), ...args], { env, timeout: 300_000 });
let url = '';
const stores: RedisStore[] = [];

beforeAll(async () => {
  await brokers('up', '--profile', 'cluster', 'redis');
  url = /WHARF_REDIS_URL=(\S+)/.exec((await brokers('env', '--profile', 'cluster')).stdout)![1];
}, 300_000);

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await brokers('down', '--profile', 'cluster', 'redis').catch(() => undefined);
  rmSync(runDir, { recursive: true, force: true });
}, 120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SQS on a Redis Cluster when the master of a queue is killed', () => {
  it('loses no acknowledged send; refuses (retryably) until the killed node is back as a replica', async () => {
    const s = new RedisStore({ client: createRedisClient(url, { redis: { enableAutoPipelining: true }, replicaWait: { replicas: 1, timeoutMs: 500 } }), keyPrefix: 'wharf:test:master-loss:' });
    stores.push(s);
    const q = { account: '000000000000', name: 'orders' };
    await s.createQueue(q, {}, {}, {}, Date.now(), 0);
    const acked = new Set<string>();
    for (let i = 0; i < 200; i++) {
      await s.send(q, [{ id: `before-${i}`, payload: `p${i}`, delayMs: 0 }], Date.now());
      acked.add(`before-${i}`);
    }

    const cluster = s.redis as Cluster;
    const slot = Number(await cluster.cluster('KEYSLOT', `${s.base(q)}m`));
    const ranges = (await cluster.cluster('SLOTS')) as [number, number, [string, number]][];
    const masterPort = ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
    process.kill(Number(readFileSync(join(runDir, 'redis-cluster', String(masterPort), 'redis.pid'), 'utf8').trim()), 'SIGKILL');
    const killedAt = Date.now();

    let refused = 0;
    let waitRefusals = 0;
    let restart: Promise<unknown> | undefined;
    let firstRefusal = 0;
    let backAt = 0;
    for (let i = 0; Date.now() - killedAt < 90_000; i++) {
      try {
        await s.send(q, [{ id: `during-${i}`, payload: `d${i}`, delayMs: 0 }], Date.now());
        acked.add(`during-${i}`);
        if (refused > 0) {
          backAt = Date.now();
          break;
        }
      } catch (err) {
        refused++;
        firstRefusal ||= Date.now();
        if (err instanceof ReplicaWaitError) waitRefusals++;
        // the replica took over (it answers, but has no replica of its own): bring the killed node back
        if (err instanceof ReplicaWaitError || Date.now() - killedAt > 20_000) restart ??= brokers('up', '--profile', 'cluster', 'redis');
        await sleep(100);
      }
    }
    await restart;
    console.log(
      `master ${masterPort} killed: first refusal after ${firstRefusal - killedAt} ms, writes acknowledged again after ${backAt - killedAt} ms; ` +
        `${refused} sends refused (${waitRefusals} of them for want of a replica), ${acked.size - 200} acknowledged during the outage`,
    );
    expect(refused).toBeGreaterThan(0);
    expect(backAt).toBeGreaterThan(0);

    // The read-back is a client too: the service answers a failed script with a retryable 500 and the SDK
    // retries, so a refusal while the restarted node still syncs (seen once in a loaded CI run) is retried
    // here for a bounded time, printed. A receive refused after its script ran (WAIT short of a replica) has
    // put its messages in flight unseen: the store takes the clock as an argument, so another pass at a time
    // past their visibility timeout reads them too.
    const present = new Set<string>();
    const readErrors: string[] = [];
    const readFrom = Date.now();
    const readAll = async (now: number) => {
      let failed = false;
      for (;;) {
        let r: Awaited<ReturnType<RedisStore['receive']>>;
        try {
          r = await s.receive(q, { max: 10, visibilityMs: 600_000, inflightLimit: 120_000, attemptTtlMs: 1_000 }, now);
        } catch (err) {
          failed = true;
          readErrors.push(`${Date.now() - readFrom} ms: ${(err as Error).message}`);
          if (Date.now() - readFrom > 60_000) throw err;
          await sleep(250);
          continue;
        }
        if (r.kind !== 'ok' || r.messages.length === 0) return failed;
        for (const m of r.messages) present.add(m.id);
      }
    };
    let readAt = Date.now();
    while (await readAll(readAt)) readAt += 700_000;
    if (readErrors.length) console.log(`read-back retried ${readErrors.length} refused receives:\n  ${readErrors.join('\n  ')}`);
    expect([...acked].filter((id) => !present.has(id))).toEqual([]);
  }, 240_000);
});
