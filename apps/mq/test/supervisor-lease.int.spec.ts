// The supervisor lease of mq replicas on a real Redis (issue 14): one holder at a time, a takeover only after
// the lease lapsed, and the fence — a holder that was paused past its lease can neither renew it back nor
// write a transition over what its successor wrote.
import { silentLogger } from '@wharf/engine-kit';
import { SupervisionLostError, type BrokerRecord } from '@wharf/mq-engine';
import { RedisMqStore } from '@wharf/mq-store-redis';
import { deleteRedisKeys, testRedisClient, uniqueId } from '@wharf/testing';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { FencedMqStore } from '../src/fenced-store';
import { SupervisorLease } from '../src/supervisor-lease';

const prefix = `wharf:mq:test:${uniqueId('lease')}:`;
const LEASE_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const connections: Array<ReturnType<typeof testRedisClient>> = [];

function replica() {
  const redis = testRedisClient();
  const plain = testRedisClient();
  connections.push(redis, plain);
  const lease = new SupervisorLease({ redis, prefix, leaseMs: LEASE_MS, logger: silentLogger });
  const store = new FencedMqStore(new RedisMqStore(plain as Redis, prefix), new RedisMqStore(redis as Redis, prefix), lease);
  return { lease, store };
}

const record = (state: BrokerRecord['state']) => ({ brokerId: 'b-1', state }) as BrokerRecord;

describe('mq supervisor lease (Redis)', () => {
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await deleteRedisKeys(prefix);
  });

  it('one holder; the other takes over only after it stops renewing; the old holder is fenced out', async () => {
    const a = replica();
    const b = replica();
    await a.lease.renewOrAcquire();
    await b.lease.renewOrAcquire();
    expect([a.lease.isSupervisor(), b.lease.isSupervisor()]).toEqual([true, false]);
    const tokenA = a.lease.token as string;
    await a.store.saveBroker(record('RUNNING'), { asSupervisor: true });

    // A keeps renewing: B never gets it
    for (let i = 0; i < 4; i++) {
      await sleep(LEASE_MS / 3);
      await a.lease.renewOrAcquire();
      await b.lease.renewOrAcquire();
      expect(b.lease.isSupervisor()).toBe(false);
    }

    // A is "paused" past its lease: it stops acting by its own clock, B takes over with a newer token
    await sleep(LEASE_MS + 100);
    expect(a.lease.isSupervisor()).toBe(false);
    await b.lease.renewOrAcquire();
    expect(b.lease.isSupervisor()).toBe(true);
    const generation = (token?: string) => Number(token?.split(':')[0]);
    expect(generation(b.lease.token)).toBeGreaterThan(generation(tokenA));
    await b.store.saveBroker(record('REBOOT_IN_PROGRESS'), { asSupervisor: true });

    // A's transition write is refused and changes nothing; its renewal finds the lease lost
    await expect(a.store.saveBroker(record('RUNNING'), { asSupervisor: true })).rejects.toBeInstanceOf(SupervisionLostError);
    await a.lease.renewOrAcquire();
    expect(a.lease.isSupervisor()).toBe(false);
    const stored = await b.store.loadBrokers();
    expect(stored.map((r) => r.state)).toEqual(['REBOOT_IN_PROGRESS']);
    // API writes (not transitions) are not fenced: any replica answers those
    await a.store.saveBroker(record('RUNNING'));
    expect((await a.store.loadBrokers()).map((r) => r.state)).toEqual(['RUNNING']);

    // a graceful stop frees the lease at once
    await b.lease.release();
    await a.lease.renewOrAcquire();
    expect(a.lease.isSupervisor()).toBe(true);
  });

  it('a lease taken during a write stops the writer: the write is reported lost, not done', async () => {
    const a = replica();
    await sleep(LEASE_MS + 100); // the previous test's holder lapsed
    await a.lease.renewOrAcquire();
    expect(a.lease.isSupervisor()).toBe(true);
    const intruder = testRedisClient();
    connections.push(intruder);
    let wrote = false;
    await expect(a.lease.fenced(async () => {
      await intruder.set(a.lease.key, '999:someone-else', 'PX', 5_000); // taken from under A mid-write
      wrote = true;
    })).rejects.toBeInstanceOf(SupervisionLostError);
    expect(wrote).toBe(true);
    // and the next write does not even start
    await expect(a.lease.fenced(async () => { throw new Error('must not run'); })).rejects.toBeInstanceOf(SupervisionLostError);
    await a.lease.renewOrAcquire();
    expect(a.lease.isSupervisor()).toBe(false);
    await intruder.del(a.lease.key);
  });
});
