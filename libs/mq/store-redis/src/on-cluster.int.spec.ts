import { redisClusterUrl } from '@wharf/testing';

// redis-store.int.spec.ts a second time, on a Redis Cluster (3 masters, 3 replicas; writes wait for a replica).
process.env.WHARF_REDIS_URL = redisClusterUrl();
await import('./redis-store.int.spec');
