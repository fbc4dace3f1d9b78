// Kinesis rows through @aws-sdk/client-kinesis: PutRecords of 500 × 1 KiB into 5 shards, 8 calls in flight,
// over the SDK's default HTTP/2 handler and over HTTP/1.1 keep-alive; then a GetRecords drain (Limit 10000,
// the 5 shards in parallel, HTTP/1.1) of the HTTP/1.1 stream. Both streams are read back and every record
// must come back exactly once. The raw client ceilings: the same records produced (idempotent, acks=all, 500 a
// call, 8 in flight) into a 5-partition topic by kafkajs (then consumed from the beginning: the read ceiling,
// Wharf reads with kafkajs) and by @platformatic/kafka (the client Wharf writes with).
import { randomBytes } from 'node:crypto';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Kafka, logLevel } from 'kafkajs';
import { Producer, ProduceAcks } from '@platformatic/kafka';
import { createRequire } from 'node:module';
import { check, measured, pool } from './measure.mjs';
import { KAFKA_BROKERS, sleep } from './servers.mjs';

// The raw kafkajs ceiling runs kafkajs as Wharf does: without its idle 1 ms timer on every broker connection
// (service-kit's patch; unpatched, this process printed kafkajs's TimeoutNegativeWarning in every run).
createRequire(import.meta.url)('@wharf/service-kit/dist/kafkajs-idle-timers.js').stopKafkajsIdleTimers();

const SHARDS = 5;
const BATCH = 500;
const IN_FLIGHT = 8;
const KEYS = 100;
const filler = randomBytes(1024);
/** A 1 KiB record whose first 4 bytes say which record it is. */
function record(n) {
  const b = Buffer.from(filler);
  b.writeUInt32BE(n, 0);
  return b;
}

/** A Kinesis client of `endpoint`: the SDK's default HTTP/2 handler, or HTTP/1.1 keep-alive when `http1`. */
export function client(endpoint, http1) {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 10,
    ...(http1 ? { requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } }) } : {}),
  });
}

/** Creates a stream of `shards` shards and waits until it is ACTIVE; returns its shard ids. */
export async function createStream(k, name, shards = SHARDS) {
  await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const d = (await k.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription;
    if (d.StreamStatus === 'ACTIVE') return d.Shards.map((s) => s.ShardId);
    await sleep(100);
  }
}

export async function put(k, name, records) {
  await pool(Math.ceil(records / BATCH), IN_FLIGHT, async (b) => {
    let entries = [];
    for (let n = b * BATCH; n < Math.min(records, (b + 1) * BATCH); n++) entries.push({ Data: record(n), PartitionKey: `key-${n % KEYS}` });
    for (let attempt = 0; entries.length; attempt++) {
      check(attempt < 50, 'PutRecords kept failing entries');
      const r = await k.send(new PutRecordsCommand({ StreamName: name, Records: entries }));
      entries = entries.filter((_, i) => r.Records[i].ErrorCode);
      if (entries.length) await sleep(50);
    }
  });
  return { messages: records };
}

/** Reads every shard from TRIM_HORIZON until `records` distinct records came back; counts repeats. */
export async function drain(k, name, shards, records) {
  const seen = new Uint8Array(records);
  let unique = 0;
  let repeats = 0;
  const deadline = Date.now() + 600_000;
  await Promise.all(
    shards.map(async (ShardId) => {
      let it = (await k.send(new GetShardIteratorCommand({ StreamName: name, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (it && unique < records && Date.now() < deadline) {
        const r = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10000 }));
        for (const rec of r.Records) {
          const n = Buffer.from(rec.Data.buffer, rec.Data.byteOffset, 4).readUInt32BE(0);
          if (seen[n]++ === 0) unique++;
          else repeats++;
        }
        it = r.NextShardIterator;
        if (!r.Records.length) {
          if (r.MillisBehindLatest === 0 && unique >= records) break;
          await sleep(20);
        }
      }
    }),
  );
  check(unique === records, `${records - unique} of ${records} records never read back`);
  check(repeats === 0, `${repeats} records read back twice`);
  return { messages: records };
}

/**
 * The put rows on the floor server (startKinesisFloor): over HTTP/1.1 and, given `putH2Records`, over the SDK's
 * default HTTP/2; every record put must be in its topic.
 */
export async function floorPutRows({ floor, pids, records, putH2Records }) {
  const out = {};
  const rows = [['putH1', floor.urls.kinesis, true, records]];
  if (putH2Records) rows.unshift(['putH2', floor.urls.kinesisH2, false, putH2Records]);
  for (const [row, url, http1, n] of rows) {
    const k = client(url, http1);
    const before = await floor.stored();
    out[row] = await measured(pids, () => put(k, 'floor', n));
    const stored = (await floor.stored()) - before;
    k.destroy();
    check(stored === n, `floor: ${stored} of ${n} records in its topic`);
  }
  return out;
}

/** The three Kinesis rows on one server; `http2` false for servers without h2c (kinesalite). */
export async function kinesisRows({ endpoint, pids, putRecords, drainRecords, tag, http2 = true }) {
  const h1 = client(endpoint, true);
  const h2 = http2 ? client(endpoint, false) : undefined;
  const out = {};
  const names = [];
  if (h2) {
    const name = `bench-${tag}-h2-${Date.now().toString(36)}`;
    names.push(name);
    const shards = await createStream(h1, name);
    out.putH2 = await measured(pids, () => put(h2, name, putRecords));
    await drain(h1, name, shards, putRecords); // read back, not timed
  }
  const name = `bench-${tag}-h1-${Date.now().toString(36)}`;
  names.push(name);
  const shards = await createStream(h1, name);
  out.putH1 = await measured(pids, () => put(h1, name, drainRecords));
  out.get = await measured(pids, () => drain(h1, name, shards, drainRecords));
  for (const n of names) await h1.send(new DeleteStreamCommand({ StreamName: n, EnforceConsumerDeletion: true })).catch(() => undefined);
  h1.destroy();
  h2?.destroy();
  return out;
}

/** A fresh 5-partition topic for a raw-client ceiling, with kafkajs's admin to inspect and drop it. */
async function rawTopic(kind, tag) {
  const kafka = new Kafka({ clientId: 'wharf-bench', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const topic = `wharf.bench.${kind}.${tag}.${Date.now().toString(36)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: SHARDS, replicationFactor: 1 }], waitForLeaders: true });
  const drop = async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  };
  return { kafka, admin, topic, drop };
}

/** Raw kafkajs on the same broker: the ceiling of the Kafka client Wharf reads with. */
export async function rawKafkaRows({ pids, records, tag }) {
  const { kafka, topic, drop } = await rawTopic('raw', tag);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const put = await measured(pids, async () => {
    await pool(Math.ceil(records / BATCH), IN_FLIGHT, async (b) => {
      const messages = [];
      for (let n = b * BATCH; n < Math.min(records, (b + 1) * BATCH); n++) messages.push({ key: `key-${n % KEYS}`, value: record(n) });
      await producer.send({ topic, acks: -1, messages });
    });
    return { messages: records };
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}.g`, maxBytes: 64 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Uint8Array(records);
  let unique = 0;
  let joined = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = performance.now()));
  const get = await measured(pids, async () => {
    let done;
    const finished = new Promise((r) => (done = r));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) if (seen[m.value.readUInt32BE(0)]++ === 0) unique++;
        if (unique >= records) done();
      },
    });
    const timeout = setTimeout(done, 600_000);
    await finished;
    clearTimeout(timeout);
    return { messages: records, ms: performance.now() - joined };
  });
  await consumer.disconnect();
  await drop();
  check(unique === records, `raw kafkajs: ${records - unique} records not read back`);
  return { putH2: put, putH1: put, get };
}

/** Raw @platformatic/kafka on the same broker, produce only: the ceiling of Wharf's writes. */
export async function rawPlatformaticRows({ pids, records, tag }) {
  const { admin, topic, drop } = await rawTopic('rawp', tag);
  const producer = new Producer({ clientId: 'wharf-bench', bootstrapBrokers: KAFKA_BROKERS, idempotent: true, acks: ProduceAcks.ALL });
  const put = await measured(pids, async () => {
    await pool(Math.ceil(records / BATCH), IN_FLIGHT, async (b) => {
      const messages = [];
      for (let n = b * BATCH; n < Math.min(records, (b + 1) * BATCH); n++) messages.push({ topic, partition: (n % KEYS) % SHARDS, key: Buffer.from(`key-${n % KEYS}`), value: record(n) });
      await producer.send({ messages });
    });
    return { messages: records };
  });
  await producer.close();
  const stored = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await drop();
  check(stored === records, `raw @platformatic/kafka: ${stored} of ${records} records stored`);
  return { putH2: put, putH1: put };
}
