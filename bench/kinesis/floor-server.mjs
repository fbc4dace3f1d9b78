#!/usr/bin/env node
// The floor of a Kinesis put on Kafka: a bare node:http server doing only what any Kinesis on Kafka must do a
// PutRecords call — read the body, JSON.parse it, base64-decode each Data, MD5 each PartitionKey (once a key) onto
// one of 5 hash ranges, produce to that partition of `topic` with @platformatic/kafka (idempotent, acks=all, and its
// buffers joined as Wharf joins them, libs/kinesis/backend-kafka/src/dynamic-buffer-join.ts),
// answer a SequenceNumber and ShardId a record — and no stream metadata, validation, limits or framework. Any
// other call is refused. HTTP/1.1 on <port>, and HTTP/2 with prior knowledge (the JS SDK's default) on <h2c port>.
// Used by bench/kinesis/floor.mjs and, beside Wharf, by the put rows of bench/run.mjs.
//
//   node bench/kinesis/floor-server.mjs <topic> <port> [<h2c port>]     (the topic exists, with 5 partitions)
import { createRequire } from 'node:module';
import { Producer, ProduceAcks } from '@platformatic/kafka';
import { serveWholeBodies } from '../lib/bare-http.mjs';
import { KAFKA_BROKERS } from '../lib/servers.mjs';

const FLOOR_SHARDS = 5;
const [topic, port, h2cPort] = process.argv.slice(2);
// A floor is the least: whatever Wharf does to spend less in the Kafka client, the floor does too.
const require = createRequire(import.meta.url);
await require('../../libs/kinesis/backend-kafka/dist/dynamic-buffer-join.js').joinDynamicBuffersFaster();
const { partitionKeyHash } = require('../../libs/kinesis/engine/dist/hash-keys.js');
const producer = new Producer({ clientId: 'wharf-floor', bootstrapBrokers: KAFKA_BROKERS, idempotent: true, acks: ProduceAcks.ALL });
const range = (1n << 128n) / BigInt(FLOOR_SHARDS);
// Each partition key's shard and UTF-8 bytes are worked out once (as Wharf keeps both for recent keys), its hash
// by Wharf's own (hash-keys.ts, MD5 as Kinesis hashes).
const keys = new Map();
function keyOf(key) {
  let known = keys.get(key);
  if (known === undefined) keys.set(key, (known = { shard: Math.min(FLOOR_SHARDS - 1, Number(partitionKeyHash(key) / range)), bytes: Buffer.from(key) }));
  return known;
}

async function putRecords(req, body, res) {
  if (req.headers['x-amz-target'] !== 'Kinesis_20131202.PutRecords') {
    return void res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'UnsupportedOperation', message: 'PutRecords only' }));
  }
  const { Records } = JSON.parse(body.toString());
  const keyOfRecord = Records.map((r) => keyOf(r.PartitionKey));
  const shardOfRecord = keyOfRecord.map((k) => k.shard);
  await producer.send({ messages: Records.map((r, i) => ({ topic, partition: shardOfRecord[i], key: keyOfRecord[i].bytes, value: Buffer.from(r.Data, 'base64') })) });
  const answer = JSON.stringify({ FailedRecordCount: 0, Records: shardOfRecord.map((s, i) => ({ SequenceNumber: `4963${s}${String(i).padStart(52, '0')}`, ShardId: `shardId-00000000000${s}` })) });
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'floor', 'content-length': Buffer.byteLength(answer) });
  res.end(answer);
}

serveWholeBodies(port, putRecords, h2cPort);
