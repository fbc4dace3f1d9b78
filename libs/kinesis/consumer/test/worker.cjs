// One consumer worker as a real process (so kill -9 is real). Appends what it does to LOG_FILE as JSON lines,
// one write per batch so lines from several workers never interleave and file order is real order:
//   {kind:'lease', t, worker, shard, type, until}  lease events (the lease-log checker's input)
//   {kind:'rec', worker, shard, seq, key, n}       each processed record
//   {kind:'cp-begin', worker, shard, seq}          before a checkpoint is sent (kill -9 may land after Redis
//                                                  stored it and before the worker heard back)
//   {kind:'cp', worker, shard, seq}                after a checkpoint was stored
// Env: KINESIS_URL, STREAM, REDIS_URL, LEASE_PREFIX, WORKER_ID, MODE (polling|fan-out), LEASE_MS,
// MAX_RECORDS, PROCESS_DELAY_MS.
const { appendFileSync } = require('node:fs');
const { KinesisClient } = require('@aws-sdk/client-kinesis');
const Redis = require('ioredis');
const { KinesisConsumer, RedisLeaseStore } = require('../dist');

const env = process.env;
const worker = env.WORKER_ID;
const write = (lines) => appendFileSync(env.LOG_FILE, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
const delay = Number(env.PROCESS_DELAY_MS ?? 0);
const client = new KinesisClient({ endpoint: env.KINESIS_URL, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 10 });
const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6380');

const consumer = new KinesisConsumer({
  client,
  streamName: env.STREAM,
  workerId: worker,
  leaseStore: new RedisLeaseStore(redis, env.LEASE_PREFIX),
  mode: env.MODE ?? 'polling',
  consumerName: 'trucks-dashboard',
  leaseDurationMs: Number(env.LEASE_MS ?? 3000),
  takeIntervalMs: 300,
  shardSyncIntervalMs: 2000,
  checkpointing: 'manual',
  polling: { maxRecords: Number(env.MAX_RECORDS ?? 10000), idleDelayMs: 200 },
  processRecords: async (batch) => {
    write(batch.records.map((r) => {
      const { truck, n } = JSON.parse(Buffer.from(r.Data).toString());
      return { kind: 'rec', worker, shard: batch.shardId, seq: r.SequenceNumber, key: truck, n };
    }));
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const seq = batch.records[batch.records.length - 1].SequenceNumber;
    write([{ kind: 'cp-begin', worker, shard: batch.shardId, seq }]);
    await batch.checkpoint();
    write([{ kind: 'cp', worker, shard: batch.shardId, seq }]);
  },
});
const lease = (type) => (e) => write([{ kind: 'lease', t: e.at, worker, shard: e.shardId, type, until: e.until, reason: e.reason }]);
consumer.on('leaseTaken', lease('acquired')).on('leaseRenewed', lease('renewed')).on('leaseReleased', lease('released')).on('leaseLost', lease('released'));
consumer.on('error', (err) => {
  process.stderr.write(`${worker} ${err.shardId ?? ''} ${err.name}: ${err.message}\n`);
  appendFileSync(`${env.LOG_FILE}.errors`, `${Date.now()} ${worker} ${err.shardId ?? ''} ${err.name}: ${err.message}\n`);
});

process.on('SIGTERM', async () => {
  await consumer.stop();
  redis.disconnect();
  client.destroy();
  process.exit(0);
});
consumer.start().then(() => process.stdout.write('ready\n'), (err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
