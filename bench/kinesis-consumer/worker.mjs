// One bench worker process: consumes with @wharf/kinesis-consumer (built), prints JSON lines on stdout:
// {ev:'loaded'} (waits for SIGUSR2 to start), {ev:'ready'}, {ev:'count', n} (records processed so far, every 100 ms) and lease events {ev, shard, t}.
// Env: KINESIS_URL, STREAM, LEASE_PREFIX, LEASE_MS, WORKER_ID.
import { createRequire } from 'node:module';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import Redis from 'ioredis';

const require = createRequire(import.meta.url);
const { KinesisConsumer, RedisLeaseStore } = require('../../libs/kinesis/consumer/dist/index.js');
const env = process.env;
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const client = new KinesisClient({ endpoint: env.KINESIS_URL, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 10 });
const redis = new Redis(env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380');
let n = 0;
const consumer = new KinesisConsumer({
  client,
  streamName: env.STREAM,
  workerId: env.WORKER_ID,
  leaseStore: new RedisLeaseStore(redis, env.LEASE_PREFIX),
  leaseDurationMs: Number(env.LEASE_MS ?? 3000),
  takeIntervalMs: 300,
  processRecords: (batch) => {
    n += batch.records.length;
  },
});
for (const ev of ['leaseTaken', 'leaseLost', 'leaseReleased']) consumer.on(ev, (e) => say({ ev, shard: e.shardId, t: e.at }));
consumer.on('error', (err) => process.stderr.write(`${env.WORKER_ID} ${err.shardId ?? ''} ${err.name}: ${err.message}\n`));
setInterval(() => say({ ev: 'count', n }), 100).unref();
process.on('SIGTERM', async () => {
  await consumer.stop();
  say({ ev: 'count', n });
  redis.disconnect();
  client.destroy();
  process.exit(0);
});
// The bench times from a common start signal, so Node's own start-up (~1-3 s per process here) is not counted.
say({ ev: 'loaded' });
process.once('SIGUSR2', () => consumer.start().then(() => say({ ev: 'ready' })));
setInterval(() => {}, 1 << 30); // stay alive until the signal
