import Redis from 'ioredis';

/**
 * Deletes every key under the given prefixes: what a test run wrote. SCAN, not KEYS, so other test
 * files sharing the Redis are not blocked while it walks the keyspace.
 */
export async function deleteRedisKeys(
  prefixes: string | readonly string[],
  url = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380',
): Promise<void> {
  const redis = new Redis(url);
  try {
    for (const prefix of typeof prefixes === 'string' ? [prefixes] : prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
