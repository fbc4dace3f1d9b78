import { describe, expect, it } from 'vitest';
import { findOverlaps, ownerships, type LeaseLogEntry } from './lease-log';

const e = (t: number, worker: string, type: LeaseLogEntry['type'], until?: number, shard = 's0'): LeaseLogEntry => ({ t, worker, shard, type, until });

describe('lease log checker', () => {
  it('accepts a handover and an expiry takeover', () => {
    const log = [
      e(0, 'a', 'acquired', 3000),
      e(1000, 'a', 'renewed', 4000),
      e(1500, 'a', 'released'),
      e(1500, 'b', 'acquired', 4500), // handed over: starts as a stops
      e(2000, 'b', 'renewed', 5000), // then b dies: its interval ends at 5000
      e(5000, 'c', 'acquired', 8000),
    ];
    expect(findOverlaps(log)).toEqual([]);
    expect(ownerships(log).map((o) => [o.worker, o.from, o.to])).toEqual([
      ['a', 0, 1500],
      ['b', 1500, 5000],
      ['c', 5000, 8000],
    ]);
  });

  it('catches a planted overlap: a taker that did not wait for the holder to expire', () => {
    const log = [e(0, 'a', 'acquired', 3000), e(1000, 'a', 'renewed', 4000), e(3500, 'b', 'acquired', 6500), e(2000, 'a', 'acquired', 5000, 's1')];
    const overlaps = findOverlaps(log);
    expect(overlaps).toHaveLength(1);
    expect(overlaps[0]).toMatchObject({ shard: 's0', a: { worker: 'a', from: 0, to: 4000 }, b: { worker: 'b', from: 3500 } });
  });

  it('catches an overlap hidden behind a later release', () => {
    const log = [e(0, 'a', 'acquired', 10_000), e(5000, 'b', 'acquired', 8000), e(9000, 'a', 'released')];
    expect(findOverlaps(log)).toHaveLength(1);
  });
});
