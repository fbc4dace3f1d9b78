import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durableWrite, LuaScriptSet, ReplicaWaitError, type RedisClient } from '@wharf/redis-lua';
import { listenerPort } from '@wharf/testing';
import { createRedisClient } from './redis-client';

// WAIT behind acknowledged writes, on a private master + replica pair started here (a replica the test may
// stop without touching anyone's Redis). A stopped replica (SIGSTOP) cannot acknowledge: the write fails
// with ReplicaWaitError — which the services answer as a retryable 500 — instead of being acknowledged on the
// master alone; once the replica runs again the same write is acknowledged and is on the replica.

const dir = mkdtempSync(join(tmpdir(), 'wharf-replica-wait-'));
const processes: ChildProcess[] = [];
let masterPort = 0;
let replicaPort = 0;
let client: RedisClient;
let replica: RedisClient;

function startRedis(port: number, ...extra: string[]): ChildProcess {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: 'ignore' });
  processes.push(p);
  return p;
}

async function until(what: string, ok: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let replicaProcess: ChildProcess;

beforeAll(async () => {
  masterPort = await listenerPort();
  replicaPort = await listenerPort();
  startRedis(masterPort);
  replicaProcess = startRedis(replicaPort, '--replicaof', '127.0.0.1', String(masterPort));
  client = createRedisClient(`redis://127.0.0.1:${masterPort}`, { redis: { maxRetriesPerRequest: 1 }, replicaWait: { replicas: 1, timeoutMs: 300 } });
  replica = createRedisClient(`redis://127.0.0.1:${replicaPort}`, { replicaWait: { replicas: 0, timeoutMs: 0 } });
  await until('replica in sync', async () => /master_link_status:up/.test(await replica.info('replication')));
});

afterAll(async () => {
  client?.disconnect();
  replica?.disconnect();
  for (const p of processes) {
    if (p.exitCode === null) {
      p.kill('SIGCONT');
      p.kill('SIGKILL');
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const scriptDir = mkdtempSync(join(tmpdir(), 'wharf-replica-wait-lua-'));
writeFileSync(join(scriptDir, 'put.lua'), "-- KEYS[1] a key. ARGV[1] a value. Returns 1.\nredis.call('SET', KEYS[1], ARGV[1])\nreturn 1\n");
const scripts = new LuaScriptSet({ dir: scriptDir, prefix: 'wharf_test_', scripts: { put: 1 } });

describe('WAIT behind acknowledged writes (a master with one replica)', () => {
  it('a running replica: scripts and plain writes are acknowledged and are on the replica when they answer', async () => {
    const run = scripts.define(client);
    expect(await run('put', ['k:script'], ['v1'])).toBe(1);
    expect(await replica.get('k:script')).toBe('v1');
    await durableWrite(client, 'k:plain', (p) => p.set('k:plain', 'v1'));
    expect(await replica.get('k:plain')).toBe('v1');
  });

  it('a stopped replica: the write is not acknowledged (ReplicaWaitError), then acknowledged once it runs again', async () => {
    const run = scripts.define(client);
    replicaProcess.kill('SIGSTOP');
    try {
      const started = Date.now();
      const err = await run('put', ['k:paused'], ['v2']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReplicaWaitError);
      expect(err).toMatchObject({ acknowledged: 0, required: 1, code: 'WHARF_REDIS_NOT_REPLICATED' });
      await expect(durableWrite(client, 'k:paused2', (p) => p.set('k:paused2', 'v2'))).rejects.toBeInstanceOf(ReplicaWaitError);
      console.log(`WAIT 1 300 with the replica stopped answered after ${Date.now() - started} ms (two writes)`);
    } finally {
      replicaProcess.kill('SIGCONT');
    }
    // the client retries, as an SDK does after a 500: now acknowledged, and on the replica
    expect(await run('put', ['k:paused'], ['v3'])).toBe(1);
    expect(await replica.get('k:paused')).toBe('v3');
  });

  it('concurrent writes share one WAIT (group commit), and with the replica stopped none of them is acknowledged', async () => {
    const run = scripts.define(client);
    await run('put', ['k:warm'], ['v']); // the script is known to the master from here on
    const waits = async () => Number(/cmdstat_wait:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0);
    const before = await waits();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => run('put', [`k:c${i}`], [`v${i}`])));
    expect(answers).toEqual(Array(50).fill(1));
    const used = (await waits()) - before;
    console.log(`50 concurrent acknowledged writes used ${used} WAIT(s)`);
    expect(used).toBeLessThanOrEqual(2);
    expect(await replica.get('k:c49')).toBe('v49');

    replicaProcess.kill('SIGSTOP');
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => run('put', [`k:d${i}`], [`v${i}`])));
      expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ReplicaWaitError)).toHaveLength(50);
    } finally {
      replicaProcess.kill('SIGCONT');
    }
  });

  it('replicas: 0 (standalone default) sends no WAIT: a stopped replica changes nothing', async () => {
    const noWait = createRedisClient(`redis://127.0.0.1:${masterPort}`, { replicaWait: { replicas: 0, timeoutMs: 0 } });
    const run = scripts.define(noWait);
    replicaProcess.kill('SIGSTOP');
    try {
      expect(await run('put', ['k:nowait'], ['v'])).toBe(1);
      expect(await durableWrite(noWait, 'k:nowait2', (p) => p.set('k:nowait2', 'v'))).toEqual(['OK']);
    } finally {
      replicaProcess.kill('SIGCONT');
      noWait.disconnect();
    }
  });
});
