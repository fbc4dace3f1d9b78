// Kinesis PutRecords over HTTP/1.1 (the bench's row: 500 × 1 KiB, 100 keys, 5 shards, 8 calls in flight)
// against its floor: a bare node:http server doing only what any Kinesis on Kafka must do a call — read the
// body, JSON.parse it, base64-decode each Data, MD5 each PartitionKey onto one of 5 hash ranges, produce to that
// partition with @platformatic/kafka (idempotent, acks=all, as Wharf), answer a SequenceNumber and ShardId a
// record — and no stream metadata, validation, limits or framework. Interleaved rounds; prints each side's rate
// and CPU-ms per 1,000 records (own, Kafka's, the client's) and Wharf ÷ floor. Wharf's records are read back
// exactly once; the floor's are counted in its topic. What it answers: how close Wharf's own CPU a record comes
// to the least a server of this design needs, i.e. what is left to win in Wharf itself.
//   node bench/kinesis/floor.mjs [--rounds 3] [--records 50000]      (after npm run build and npm run brokers:up)
import http from 'node:http';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Producer, ProduceAcks } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { check, measured, median } from '../lib/measure.mjs';
import { client, createStream, drain, put } from '../lib/kinesis-rows.mjs';
import { KAFKA_BROKERS, brokerPids, root, startWharf } from '../lib/servers.mjs';

const SHARDS = 5;

if (process.argv[2] === 'floor-server') {
  const topic = process.argv[3];
  const producer = new Producer({ clientId: 'wharf-floor', bootstrapBrokers: KAFKA_BROKERS, idempotent: true, acks: ProduceAcks.ALL });
  const range = (1n << 128n) / BigInt(SHARDS);
  const shardOf = (key) => Math.min(SHARDS - 1, Number(BigInt(`0x${createHash('md5').update(key).digest('hex')}`) / range));
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const { Records } = JSON.parse(Buffer.concat(chunks).toString());
      const shards = Records.map((r) => shardOf(r.PartitionKey));
      await producer.send({ messages: Records.map((r, i) => ({ topic, partition: shards[i], key: Buffer.from(r.PartitionKey), value: Buffer.from(r.Data, 'base64') })) });
      const body = JSON.stringify({ FailedRecordCount: 0, Records: shards.map((s, i) => ({ SequenceNumber: `4963${s}${String(i).padStart(52, '0')}`, ShardId: `shardId-00000000000${s}` })) });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'floor', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
} else {
  const opt = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
  const rounds = opt('rounds', 3);
  const records = opt('records', 50_000);
  const kafka = new Kafka({ clientId: 'wharf-floor', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `wharf.bench.floor.${Date.now().toString(36)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: SHARDS, replicationFactor: 1 }], waitForLeaders: true });
  const floor = fork(fileURLToPath(import.meta.url), ['floor-server', topic]);
  const floorUrl = `http://127.0.0.1:${await new Promise((r) => floor.once('message', r))}`;
  const wharf = await startWharf('floor-now', root);
  const { kafka: kafkaPid, redis: redisPid } = brokerPids();
  const sides = {
    floor: { pids: { own: [floor.pid], brokers: [kafkaPid] }, k: client(floorUrl, true), runs: [] },
    wharf: { pids: { own: [wharf.pids.kinesis], brokers: [kafkaPid, redisPid] }, k: client(wharf.urls.kinesis, true), runs: [] },
  };
  let floorStored = 0;
  try {
    const once = async (key, n, keep) => {
      const side = sides[key];
      const name = `bench-floor-${key}-${Date.now().toString(36)}`;
      const shards = key === 'wharf' ? await createStream(side.k, name) : [];
      const r = await measured(side.pids, () => put(side.k, name, n));
      if (key === 'wharf') await drain(side.k, name, shards, n); // exactly once, not timed
      else floorStored += n;
      if (keep) side.runs.push(r);
      return r;
    };
    console.log(`warm-up (${records / 10} records each, not in the figures)…`);
    await once('floor', records / 10, false);
    await once('wharf', records / 10, false);
    for (let round = 1; round <= rounds; round++) {
      for (const key of round % 2 ? ['floor', 'wharf'] : ['wharf', 'floor']) {
        const r = await once(key, records, true);
        console.log(`  round ${round} ${key.padEnd(5)} ${Math.round(r.rate).toLocaleString('en-US')} rec/s; CPU-ms/1k own ${r.ownCpu.toFixed(1)}, with Kafka${key === 'wharf' ? ' and Redis' : ''} ${r.serverCpu.toFixed(1)}, client ${r.clientCpu.toFixed(1)}`);
      }
    }
    const stored = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    check(stored === floorStored, `floor: ${stored} of ${floorStored} records in its topic`);
    const m = (key, f) => median(sides[key].runs.map((r) => r[f]));
    console.log(`\nmedians of ${rounds} rounds, ${records.toLocaleString('en-US')} records each`);
    console.log('| side | rec/s | own CPU-ms/1k | incl. brokers | client CPU-ms/1k |\n|---|---:|---:|---:|---:|');
    for (const key of ['floor', 'wharf']) console.log(`| ${key} | ${Math.round(m(key, 'rate')).toLocaleString('en-US')} | ${m(key, 'ownCpu').toFixed(1)} | ${m(key, 'serverCpu').toFixed(1)} | ${m(key, 'clientCpu').toFixed(1)} |`);
    const byRound = sides.wharf.runs.map((r, i) => r.ownCpu / sides.floor.runs[i].ownCpu);
    console.log(`\nWharf ÷ floor: rate ${(m('wharf', 'rate') / m('floor', 'rate')).toFixed(2)}×, own CPU a record ${(m('wharf', 'ownCpu') / m('floor', 'ownCpu')).toFixed(2)}× (by round ${byRound.map((x) => x.toFixed(2)).join(', ')})`);
  } finally {
    floor.kill();
    await wharf.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  process.exit(0);
}
