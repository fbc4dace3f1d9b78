import { describe, expect, it } from 'vitest';
import { keySlot } from './key-slot';

// Expected slots as Redis 7.0 answers CLUSTER KEYSLOT for the same keys.
describe('keySlot', () => {
  it('hashes the whole key, or its hash tag', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('wharf:sqs:{000000000000/q}:m')).toBe(keySlot('000000000000/q'));
  });

  it('an empty tag or no closing brace: the whole key', () => {
    expect(keySlot('foo{}{bar}')).toBe(8363);
    expect(keySlot('foo{bar')).toBe(15278);
  });
});
