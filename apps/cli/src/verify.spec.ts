import { describe, expect, it } from 'vitest';
import { verify, type Delivery, type VerifyRules } from './verify';

const KINESIS: VerifyRules = { oneCarrierPerTruck: true, exclusiveGroups: false, duplicatesFail: false };
const SQS_FIFO: VerifyRules = { oneCarrierPerTruck: false, exclusiveGroups: true, duplicatesFail: true };
const trucks = ['truck-000', 'truck-001'];
const d = (truck: string, seq: number, carrier = 'a', receivedAt = seq * 10, releasedAt?: number): Delivery => ({ truck, seq, carrier, subscriber: '', receivedAt, releasedAt });
const inOrder = (carrier = 'a') => [0, 1, 2].flatMap((s) => trucks.map((t) => d(t, s, carrier)));

describe('the demo verifier', () => {
  it('passes every position once, in order, one carrier per truck', () => {
    const v = verify(inOrder(), trucks, 3, [''], KINESIS);
    expect(v.ok).toBe(true);
    expect(v.subscribers[0]).toMatchObject({ expected: 6, received: 6, lost: 0, duplicated: 0, orderViolations: 0, groupsComplete: 2 });
    expect(v.carriers).toEqual([{ subscriber: '', carrier: 'a', trucks: 2, records: 6 }]);
  });

  it('fails a position that arrives after a later one of its truck', () => {
    const v = verify([d('truck-000', 2), ...inOrder()], trucks, 3, [''], KINESIS);
    expect(v.ok).toBe(false);
    expect(v.subscribers[0]).toMatchObject({ orderViolations: 2, duplicated: 1 });
    expect(v.examples[0]).toMatch(/truck-000 seq 0: out of order, arrived after seq 2/);
  });

  it('fails a lost position and names it', () => {
    const v = verify(inOrder().filter((x) => !(x.truck === 'truck-001' && x.seq === 1)), trucks, 3, [''], KINESIS);
    expect(v.ok).toBe(false);
    expect(v.subscribers[0].lost).toBe(1);
    expect(v.examples).toContain('truck-001 seq 1: lost (never arrived)');
  });

  it('counts Kinesis duplicates without failing; FIFO duplicates fail', () => {
    const twice = [...inOrder(), d('truck-000', 2)];
    expect(verify(twice, trucks, 3, [''], KINESIS)).toMatchObject({ ok: true, subscribers: [{ duplicated: 1 }] });
    expect(verify(twice, trucks, 3, [''], SQS_FIFO)).toMatchObject({ ok: false, subscribers: [{ duplicated: 1 }] });
  });

  it('fails a truck that came through two shards', () => {
    const split = inOrder().map((x) => (x.truck === 'truck-001' && x.seq === 2 ? { ...x, carrier: 'b' } : x));
    expect(verify(split, trucks, 3, [''], KINESIS)).toMatchObject({ ok: false, subscribers: [{ splitTrucks: 1 }] });
  });

  it('FIFO: a group may move to another consumer after a release, never while held', () => {
    const handover = [d('truck-000', 0, 'c0', 0, 5), d('truck-000', 1, 'c1', 6, 8)];
    expect(verify(handover, ['truck-000'], 2, [''], SQS_FIFO).ok).toBe(true);
    const overlap = [d('truck-000', 0, 'c0', 0, 5), d('truck-000', 1, 'c1', 4, 8)];
    const v = verify(overlap, ['truck-000'], 2, [''], SQS_FIFO);
    expect(v).toMatchObject({ ok: false, subscribers: [{ overlaps: 1 }] });
    expect(v.examples[0]).toMatch(/c1 got seq 1 while c0 still held seq 0/);
  });

  it('checks every subscriber on its own (fan-out)', () => {
    const s1 = inOrder().map((x) => ({ ...x, subscriber: 's1' }));
    const s2 = inOrder().filter((x) => x.seq < 2).map((x) => ({ ...x, subscriber: 's2' }));
    const v = verify([...s1, ...s2], trucks, 3, ['s1', 's2'], SQS_FIFO);
    expect(v.ok).toBe(false);
    expect(v.subscribers.map((s) => [s.subscriber, s.lost])).toEqual([['s1', 0], ['s2', 2]]);
  });
});
