import { describe, expect, it } from 'vitest';
import { Fleet, parsePosition } from './fleet';

const at = (truck: string, seq: number, run?: string) => ({ truck, seq, lat: 52 + seq / 100, lon: 4, t: 0, carrier: 'shardId-000000000000', run });

describe('Fleet (the trucks view)', () => {
  it('draws the trail in received order and marks the first position that goes back', () => {
    const f = new Fleet();
    for (const seq of [0, 1, 2]) f.add(at('truck-001', seq));
    expect(f.trucks.get('truck-001')?.outOfOrder).toBeUndefined();
    f.add(at('truck-001', 1));
    f.add(at('truck-001', 3));
    expect(f.trucks.get('truck-001')?.outOfOrder).toEqual({ after: 2, got: 1 });
    expect(f.violations).toBe(1);
    expect(f.trucks.get('truck-001')?.trail.map(([, lat]) => lat)).toEqual([52, 52.01, 52.02, 52.01, 52.03]);
  });

  it('a repeated seq is out of order too (a duplicate arriving later)', () => {
    const f = new Fleet();
    f.add(at('truck-002', 0));
    f.add(at('truck-002', 0));
    expect(f.violations).toBe(1);
  });

  it('a new demo run starts the truck again at seq 0 without a violation', () => {
    const f = new Fleet();
    for (const seq of [0, 1, 2]) f.add(at('truck-003', seq, 'aaaa0001'));
    for (const seq of [0, 1]) f.add(at('truck-003', seq, 'bbbb0002'));
    expect(f.violations).toBe(0);
    expect(f.trucks.get('truck-003')?.trail).toHaveLength(2);
  });

  it('reads the CLI contract, and ignores what is not a position', () => {
    const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    expect(parsePosition(enc({ truck: 'truck-007', seq: 12, consumer: 'c3', lat: 52.1, lon: 4.3, t: 5, run: 'ab12cd34' }), 'shard')).toEqual({
      truck: 'truck-007', seq: 12, lat: 52.1, lon: 4.3, t: 5, carrier: 'c3', run: 'ab12cd34',
    });
    expect(parsePosition(enc({ truck: 'truck-007', seq: 1, lat: 1, lon: 2 }), 'shardId-000000000001')?.carrier).toBe('shardId-000000000001');
    expect(parsePosition(new TextEncoder().encode('not json'), 's')).toBeUndefined();
    expect(parsePosition(enc({ truck: 7 }), 's')).toBeUndefined();
  });
});
