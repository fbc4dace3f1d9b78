import { describe, expect, it } from 'vitest';
import { ShardIteratorCodec, type IteratorPosition } from './shard-iterators';

describe('shard iterators', () => {
  const codec = new ShardIteratorCodec('secret');
  const position: IteratorPosition = {
    account: '000000000000',
    region: 'eu-west-1',
    stream: 'trucks.gps-v1_' + 'x'.repeat(114),
    streamEpoch: 1_700_000_000,
    shardIndex: 4,
    offset: 123_456_789_012,
    issuedAt: 1_700_000_123_456,
  };

  it('round-trip every field and stay within the 512-character limit', () => {
    const it1 = codec.encode(position);
    expect(it1.length).toBeLessThanOrEqual(512);
    expect(codec.decode(it1)).toEqual({ ok: true, position });
  });

  it('reject tampering, garbage and another deployment’s secret', () => {
    const it1 = codec.encode(position);
    const raw = Buffer.from(it1, 'base64');
    raw[10] ^= 1;
    expect(codec.decode(raw.toString('base64')).ok).toBe(false);
    expect(codec.decode('not-an-iterator').ok).toBe(false);
    expect(codec.decode('A'.repeat(100)).ok).toBe(false);
    expect(new ShardIteratorCodec('other').decode(it1).ok).toBe(false);
  });
});
