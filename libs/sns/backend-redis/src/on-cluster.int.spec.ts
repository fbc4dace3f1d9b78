import { redisClusterUrl } from '@wharf/testing';

// The SNS Redis stores' suite a second time, on a Redis Cluster (3 masters, 3 replicas): records, indexes
// and FIFO state on whichever nodes their keys hash to, every write waiting for a replica.
process.env.WHARF_REDIS_URL = redisClusterUrl();
await import('./redis-store.int.spec');
