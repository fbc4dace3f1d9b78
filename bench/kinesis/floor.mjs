// Kinesis PutRecords over HTTP/1.1 (the bench's row: 500 × 1 KiB, 100 keys, 5 shards, 8 calls in flight)
// against its floor, bench/kinesis/floor-server.mjs: a bare node:http server doing only what any Kinesis on
// Kafka must do a call (read and JSON.parse the body, base64-decode each Data, MD5 each PartitionKey onto one of
// 5 hash ranges, produce with @platformatic/kafka, idempotent, acks=all, as Wharf; answer) and no stream
// metadata, validation, limits or framework. Interleaved rounds; prints each side's rate and CPU-ms per 1,000
// records (own, Kafka's, the client's) and Wharf ÷ floor. Wharf's records are read back exactly once; the
// floor's are counted in its topic. What it answers: how close Wharf's own CPU a record comes to the least a
// server of this design needs, i.e. what is left to win in Wharf itself. `npm run bench` measures the same floor
// beside Wharf's put row; this runs the two alone, with more rounds.
//   node bench/kinesis/floor.mjs [--rounds 3] [--records 50000]      (after npm run build and npm run brokers:up)
import { opt } from '../lib/args.mjs';
import { measured, median } from '../lib/measure.mjs';
import { client, createStream, drain, floorPutRows, put } from '../lib/kinesis-rows.mjs';
import { brokerPids, root, startKinesisFloor, startWharf } from '../lib/servers.mjs';

const rounds = Number(opt('rounds', 3));
const records = Number(opt('records', 50_000));
const floor = await startKinesisFloor();
const wharf = await startWharf('floor-now', root);
const { kafka: kafkaPid, redis: redisPid } = brokerPids();
const sides = {
  floor: { runs: [], once: async (n) => (await floorPutRows({ floor, pids: { own: [floor.pids.floor], brokers: [kafkaPid] }, records: n })).putH1 },
  wharf: {
    runs: [],
    once: async (n) => {
      const k = client(wharf.urls.kinesis, true);
      const name = `bench-floor-wharf-${Date.now().toString(36)}`;
      const shards = await createStream(k, name);
      const r = await measured({ own: [wharf.pids.kinesis], brokers: [kafkaPid, redisPid] }, () => put(k, name, n));
      await drain(k, name, shards, n); // exactly once, not timed
      k.destroy();
      return r;
    },
  },
};
try {
  console.log(`warm-up (${records / 10} records each, not in the figures)…`);
  await sides.floor.once(records / 10);
  await sides.wharf.once(records / 10);
  for (let round = 1; round <= rounds; round++) {
    for (const key of round % 2 ? ['floor', 'wharf'] : ['wharf', 'floor']) {
      const r = await sides[key].once(records);
      sides[key].runs.push(r);
      console.log(`  round ${round} ${key.padEnd(5)} ${Math.round(r.rate).toLocaleString('en-US')} rec/s; CPU-ms/1k own ${r.ownCpu.toFixed(1)}, with Kafka${key === 'wharf' ? ' and Redis' : ''} ${r.serverCpu.toFixed(1)}, client ${r.clientCpu.toFixed(1)}`);
    }
  }
  const m = (key, f) => median(sides[key].runs.map((r) => r[f]));
  console.log(`\nmedians of ${rounds} rounds, ${records.toLocaleString('en-US')} records each`);
  console.log('| side | rec/s | own CPU-ms/1k | incl. brokers | client CPU-ms/1k |\n|---|---:|---:|---:|---:|');
  for (const key of ['floor', 'wharf']) console.log(`| ${key} | ${Math.round(m(key, 'rate')).toLocaleString('en-US')} | ${m(key, 'ownCpu').toFixed(1)} | ${m(key, 'serverCpu').toFixed(1)} | ${m(key, 'clientCpu').toFixed(1)} |`);
  const byRound = sides.wharf.runs.map((r, i) => r.ownCpu / sides.floor.runs[i].ownCpu);
  console.log(`\nWharf ÷ floor: rate ${(m('wharf', 'rate') / m('floor', 'rate')).toFixed(2)}×, own CPU a record ${(m('wharf', 'ownCpu') / m('floor', 'ownCpu')).toFixed(2)}× (by round ${byRound.map((x) => x.toFixed(2)).join(', ')})`);
} finally {
  await floor.stop();
  await wharf.stop();
}
process.exit(0);
