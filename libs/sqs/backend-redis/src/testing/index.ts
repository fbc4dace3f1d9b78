import { randomUUID } from 'node:crypto';
import { type CallContext, type EngineOptions, FakeClock, SqsEngine } from '@wharf/sqs-engine';
import { deleteRedisKeys } from '@wharf/testing';
import { RedisStore } from './redis-store';

export const REDIS_URL = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An engine on the real Redis with a fake clock and a key prefix of its own; `cleanup()` removes its keys. */
export function engineHarness(options: EngineOptions = {}) {
  const prefix = `wharf:test:${randomUUID().slice(0, 8)}:`;
  const store = new RedisStore({ url: REDIS_URL, keyPrefix: prefix });
  const clock = (options.clock as FakeClock) ?? new FakeClock();
  const engine = new SqsEngine(store, { metaCacheMs: 0, ...options, clock });
  const ctx: CallContext = { accountId: '000000000000', region: 'us-east-1', baseUrl: 'http://localhost:9324' };
  return {
    prefix,
    store,
    clock,
    engine,
    ctx,
    async cleanup() {
      await deleteRedisKeys(prefix, REDIS_URL);
      await store.close();
    },
  };
}
