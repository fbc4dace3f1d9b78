/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import { CreateStreamCommand, PutRecordCommand, type _Record } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShard, shardFor, startKinesis, text, waitActive, type KinesisUnderTest } from './support';

/**
 * DESIGN.md scenario 1 through @aws-sdk/client-kinesis with its default handler (HTTP/2 for every call):
 * 100 trucks × 50 positions, partition key = truck id, into 5 PROVISIONED shards; one consumer per shard.
 */
describe('trucks on Kinesis (SDK over HTTP/2, real Kafka)', () => {
  let k: KinesisUnderTest;
  const stream = 'trucks';
  const TRUCKS = 100;
  const POSITIONS = 50;
  const sent = new Map<string, { shardId: string; seq: string }[]>();
  let shards: Awaited<ReturnType<typeof waitActive>>;
  const byShard = new Map<string, _Record[]>();

  beforeAll(async () => {
    k = await startKinesis();
    const client = k.client({ maxAttempts: 10 });
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 5 }));
    shards = await waitActive(client, stream);
  });
  afterAll(async () => k?.stop());

  it('routes every position by MD5(truck id), and 5 consumers read every route in order, none lost', async () => {
    const producer = k.client({ maxAttempts: 10 });
    const consumer = k.client();
    const expectedPerShard = new Map<string, number>();
    for (let t = 0; t < TRUCKS; t++) {
      const id = `truck-${String(t).padStart(3, '0')}`;
      const shard = shardFor(shards, id);
      expectedPerShard.set(shard, (expectedPerShard.get(shard) ?? 0) + POSITIONS);
    }
    expect([...expectedPerShard.keys()].sort()).toEqual(shards.map((s) => s.ShardId).sort());

    // Consumers start first (TRIM_HORIZON) and read while the trucks drive.
    const consumers = shards.map(async (s) => {
      const { records } = await readShard(consumer, stream, s.ShardId!, {
        done: (rs) => rs.length >= (expectedPerShard.get(s.ShardId!) ?? 0),
        timeoutMs: 90_000,
      });
      byShard.set(s.ShardId!, records);
    });

    // Each truck sends its positions one after another (each acknowledged before the next); trucks run in parallel.
    await Promise.all(
      Array.from({ length: TRUCKS }, async (_, t) => {
        const id = `truck-${String(t).padStart(3, '0')}`;
        const mine: { shardId: string; seq: string }[] = [];
        sent.set(id, mine);
        for (let p = 0; p < POSITIONS; p++) {
          const body = JSON.stringify({ truck: id, n: p, lat: 48 + t / 100, lon: 2 + p / 1000 });
          const r = await producer.send(new PutRecordCommand({ StreamName: stream, PartitionKey: id, Data: Buffer.from(body) }));
          mine.push({ shardId: r.ShardId!, seq: r.SequenceNumber! });
        }
      }),
    );
    await Promise.all(consumers);

    // Every record landed on the shard whose range holds MD5(truck id), computed independently.
    for (const [id, puts] of sent) for (const p of puts) expect(p.shardId).toBe(shardFor(shards, id));

    // Each consumer saw exactly its trucks, each route complete and in send order; sequence numbers grow.
    let total = 0;
    for (const [shardId, records] of byShard) {
      expect(records.length).toBe(expectedPerShard.get(shardId));
      const routes = new Map<string, number[]>();
      let last = -1n;
      for (const r of records) {
        const pos = JSON.parse(text(r)) as { truck: string; n: number };
        expect(r.PartitionKey).toBe(pos.truck);
        expect(shardFor(shards, pos.truck)).toBe(shardId);
        const seq = BigInt(r.SequenceNumber!);
        expect(seq > last).toBe(true);
        last = seq;
        routes.set(pos.truck, [...(routes.get(pos.truck) ?? []), pos.n]);
      }
      for (const [truck, ns] of routes) {
        expect(ns).toEqual(Array.from({ length: POSITIONS }, (_, i) => i));
        expect(sent.get(truck)!.map((p) => p.seq)).toEqual(records.filter((r) => r.PartitionKey === truck).map((r) => r.SequenceNumber));
      }
      total += records.length;
    }
    expect(total).toBe(TRUCKS * POSITIONS);
  });

  it('replays from TRIM_HORIZON and AT_TIMESTAMP; AT/AFTER_SEQUENCE_NUMBER resume exactly', async () => {
    const client = k.client();
    for (const s of shards) {
      const all = byShard.get(s.ShardId!)!;
      const again = await readShard(client, stream, s.ShardId!, { done: (rs) => rs.length >= all.length });
      expect(again.records.map((r) => r.SequenceNumber)).toEqual(all.map((r) => r.SequenceNumber));

      const k1 = Math.floor(all.length / 3);
      const ts = all[k1].ApproximateArrivalTimestamp!;
      const from = all.findIndex((r) => r.ApproximateArrivalTimestamp!.getTime() >= ts.getTime());
      const atTs = await readShard(client, stream, s.ShardId!, { type: 'AT_TIMESTAMP', timestamp: ts, done: (rs) => rs.length >= all.length - from });
      expect(atTs.records.map((r) => r.SequenceNumber)).toEqual(all.slice(from).map((r) => r.SequenceNumber));

      const k2 = Math.floor(all.length / 2);
      const at = await readShard(client, stream, s.ShardId!, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: all[k2].SequenceNumber, done: (rs) => rs.length >= all.length - k2 });
      expect(at.records.map((r) => r.SequenceNumber)).toEqual(all.slice(k2).map((r) => r.SequenceNumber));
      const after = await readShard(client, stream, s.ShardId!, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: all[k2].SequenceNumber, done: (rs) => rs.length >= all.length - k2 - 1 });
      expect(after.records.map((r) => r.SequenceNumber)).toEqual(all.slice(k2 + 1).map((r) => r.SequenceNumber));
      expect(text(after.records[0])).toBe(text(all[k2 + 1]));
    }
  });
});
