import { describe, expect, it } from 'vitest';
import { balance, observe, readyLeases, type Observations } from './balancer';
import { SHARD_END, type Lease } from './lease';

const D = 3000;
const lease = (shardId: string, owner?: string, extra: Partial<Lease> = {}): Lease => ({ shardId, owner, counter: 1, parents: [], ...extra });
const ids = (ls: Lease[]) => ls.map((l) => l.shardId).sort();

function decide(me: string, leases: Lease[], opts: { held?: string[]; now?: number; observations?: Observations; shards?: string[] } = {}) {
  const observations = opts.observations ?? new Map();
  observe(observations, leases, 0);
  return balance({
    me,
    leases,
    held: new Set(opts.held ?? leases.filter((l) => l.owner === me).map((l) => l.shardId)),
    observations,
    now: opts.now ?? 0,
    leaseDurationMs: D,
    streamShards: new Set(opts.shards ?? leases.map((l) => l.shardId)),
  });
}

describe('balance', () => {
  it('a lone worker takes every free lease', () => {
    const d = decide('a', ['s0', 's1', 's2'].map((s) => lease(s)));
    expect(d.target).toBe(3);
    expect(ids(d.take)).toEqual(['s0', 's1', 's2']);
  });

  it('takes only its fair share of free leases', () => {
    const leases = [lease('s0', 'b'), lease('s1', 'b'), lease('s2'), lease('s3'), lease('s4')];
    const d = decide('a', leases);
    expect(d.target).toBe(3); // 5 leases, 2 workers
    expect(d.take).toHaveLength(3);
    expect(d.take.every((l) => !l.owner)).toBe(true);
  });

  it('a lease is taken over only once its counter stood still for the lease duration', () => {
    const leases = [lease('s0', 'b'), lease('s1', 'b')];
    const observations: Observations = new Map();
    expect(decide('a', leases, { observations, now: D - 1 }).take).toEqual([]);
    // b stopped renewing: 2 leases, and b is no longer a live worker, so a's share is both.
    expect(ids(decide('a', leases, { observations, now: D }).take)).toEqual(['s0', 's1']);
    // A renewal (new counter) restarts the wait.
    const renewed = [lease('s0', 'b', { counter: 2 }), lease('s1', 'b')];
    observe(observations, renewed, D + 10);
    expect(ids(balance({ me: 'a', leases: renewed, held: new Set(), observations, now: D + 20, leaseDurationMs: D }).take)).toEqual(['s1']);
  });

  it('asks the most loaded worker for one lease when none is free', () => {
    const leases = [lease('s0', 'b'), lease('s1', 'b'), lease('s2', 'b'), lease('s3', 'c'), lease('s4', 'c')];
    const d = decide('a', leases); // target ceil(5/3) = 2; b holds 3
    expect(d.take).toEqual([]);
    expect(d.request?.owner).toBe('b');
  });

  it('steals at the share only when 2+ below it, so 2-2-1 is stable and a newcomer gets one', () => {
    const stable = [lease('s0', 'a'), lease('s1', 'b'), lease('s2', 'b'), lease('s3', 'c'), lease('s4', 'c')];
    expect(decide('a', stable).request).toBeUndefined();
    const joined = decide('d', stable); // 4 workers: target 2, d holds 0
    expect(joined.request && ['b', 'c']).toContain(joined.request?.owner);
  });

  it('does not ask for a lease that already has a pending request', () => {
    const leases = [lease('s0', 'b', { requestedBy: 'x' }), lease('s1', 'b'), lease('s2', 'b')];
    expect(decide('a', leases).request?.shardId).toBe('s1');
  });

  it('asks for one lease at a time: the next request waits until the pending one is answered', () => {
    const leases = [lease('s0', 'b', { requestedBy: 'a' }), lease('s1', 'b'), lease('s2', 'b'), lease('s3', 'b')];
    expect(decide('a', leases).request).toBeUndefined();
  });

  it('takes first what was handed to it, even above its share', () => {
    const leases = [lease('s0', 'a'), lease('s1'), lease('s2', 'b')];
    const d = decide('a', leases, { held: [] });
    expect(d.take[0].shardId).toBe('s0');
    const full = [lease('s0', 'a'), lease('s1', 'a'), lease('s2', 'b')];
    expect(ids(decide('a', full, { held: ['s1'] }).take)).toEqual(['s0']);
  });
});

describe('readyLeases (children after parents)', () => {
  it('a child waits until every parent is at SHARD_END; finished leases are never ready', () => {
    const leases = [
      lease('p0', undefined, { checkpoint: SHARD_END }),
      lease('p1', undefined, { checkpoint: '49000' }),
      lease('c0', undefined, { parents: ['p0'] }),
      lease('c1', undefined, { parents: ['p0', 'p1'] }),
    ];
    expect(ids(readyLeases(leases, new Set(['p0', 'p1', 'c0', 'c1'])))).toEqual(['c0', 'p1']);
  });

  it('a parent without a lease counts as finished only once the stream no longer lists it', () => {
    const leases = [lease('c0', undefined, { parents: ['gone'] })];
    expect(readyLeases(leases)).toEqual([]);
    expect(readyLeases(leases, new Set(['gone', 'c0']))).toEqual([]);
    expect(ids(readyLeases(leases, new Set(['c0'])))).toEqual(['c0']);
  });
});
