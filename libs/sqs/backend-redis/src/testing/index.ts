// Test support of @wharf/sqs-backend-redis: imported as '@wharf/sqs-backend-redis/testing' from spec files only.
import { randomUUID } from 'node:crypto';
import type { Caller } from '@wharf/engine-kit';
import { ManualClock } from '@wharf/engine-kit/testing';
import { createRedisClient } from '@wharf/service-kit';
import { SqsContext, type SqsOptions, sqsOperations } from '@wharf/sqs-engine';
import { deleteRedisKeys } from '@wharf/testing';
import { RedisStore, type RedisStoreOptions } from '../redis-store';

/** The Redis the suites run on: standalone, or a Redis Cluster (`redis-cluster://…`, with WAIT for a replica). */
export const REDIS_URL = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';

/** A store on REDIS_URL through service-kit's factory, as the sqs app makes it. */
export function testStore(keyPrefix: string, options: Omit<RedisStoreOptions, 'client' | 'keyPrefix'> = {}): RedisStore {
  return new RedisStore({ ...options, client: createRedisClient(REDIS_URL, { redis: { enableAutoPipelining: true } }), keyPrefix });
}

type Operations = typeof sqsOperations;
/** The operation table with context and caller filled in: `sqs.SendMessage(input)`. */
export type BoundOperations = {
  [K in keyof Operations]: (input: Parameters<Operations[K]>[1]) => ReturnType<Operations[K]>;
};

/**
 * The engine on the real Redis with a manual clock and a key prefix of its own, called as account
 * 000000000000 from http://localhost:9324; `cleanup()` removes its keys.
 */
export function engineHarness(options: SqsOptions = {}) {
  const prefix = `wharf:test:${randomUUID().slice(0, 8)}:`;
  const store = testStore(prefix);
  const clock = options.clock ?? new ManualClock(1_700_000_000_000);
  const ctx = new SqsContext(store, { metaCacheMs: 0, ...options, clock });
  const caller: Caller = { accountId: '000000000000', region: 'us-east-1', requestId: 'test', origin: 'http://localhost:9324' };
  const sqs = Object.fromEntries(
    Object.entries(sqsOperations).map(([name, op]) => [name, (input: never) => op(ctx, input, caller)]),
  ) as BoundOperations;
  return {
    prefix,
    store,
    clock,
    ctx,
    caller,
    sqs,
    async cleanup() {
      await deleteRedisKeys(prefix, REDIS_URL);
      await store.close();
    },
  };
}
