import { DeleteStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, type GetRecordsOutput } from '@aws-sdk/client-kinesis';
import { clientConfig, sleep } from '../aws';
import { decodePosition, encodePosition, positionOf } from '../fleet';
import type { DemoContext, DemoRun } from './run';
import { ensureStream, putAll } from './streams';
import type { Tracker } from './tracker';

export const TRUCKS_STREAM = 'wharf-demo-trucks';

const errName = (err: unknown) => (err as { name?: string }).name ?? '';

/**
 * Trucks on Kinesis (DESIGN scenario 1): partition key = truck id into a stream of `--shards` shards; one
 * GetRecords consumer per open shard from TRIM_HORIZON (positions of other runs are skipped by run id).
 */
export async function kinesisDemo(ctx: DemoContext): Promise<DemoRun> {
  const { o, trucks } = ctx;
  const client = new KinesisClient(clientConfig(o.target));
  const reader = new KinesisClient(clientConfig(o.target));
  try {
    const { shards, created } = await ensureStream(client, TRUCKS_STREAM, o.shards);
    const notes = [`stream ${TRUCKS_STREAM}: ${created ? 'created' : 'reused'}, ${shards.length} open shards, one consumer each (GetRecords from TRIM_HORIZON)`];
    if (!created && shards.length !== o.shards) notes.push(`the stream already had ${shards.length} open shards; --shards ${o.shards} not applied`);
    const tracker = ctx.tracker(['']);
    const consumers = shards.map((s) => consumeShard(reader, s.ShardId as string, o.runId, tracker));
    const bar = ctx.produced();
    const started = Date.now();
    let throttledRetries = 0;
    for (let seq = 0; seq < o.positions; seq++) {
      const now = Date.now();
      const round = trucks.map((truck, i) => ({ PartitionKey: truck, Data: Buffer.from(encodePosition(positionOf(i, seq, o.runId, now))) }));
      for (let i = 0; i < round.length; i += 500) throttledRetries += await putAll(client, TRUCKS_STREAM, round.slice(i, i + 500), (n) => bar.add(n));
      if (o.intervalMs) await sleep(o.intervalMs);
    }
    const produced = { count: trucks.length * o.positions, ms: Date.now() - started };
    bar.done();
    tracker.producerDone();
    await Promise.all(consumers);
    if (throttledRetries) notes.push(`producer retried ${throttledRetries} throttled PutRecords (only the refused records, one per truck a call: order kept)`);
    if (o.cleanup) {
      await client.send(new DeleteStreamCommand({ StreamName: TRUCKS_STREAM }));
      notes.push(`stream ${TRUCKS_STREAM} deleted (--cleanup)`);
    }
    return { rules: { oneCarrierPerTruck: true, exclusiveGroups: false, duplicatesFail: false }, carrierLabel: 'shard', subscribers: [''], tracker, produced, notes };
  } finally {
    client.destroy();
    reader.destroy();
  }
}

async function consumeShard(client: KinesisClient, shardId: string, runId: string, tracker: Tracker): Promise<void> {
  const iterator = async (after?: string) =>
    (await client.send(new GetShardIteratorCommand({ StreamName: TRUCKS_STREAM, ShardId: shardId, ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }) }))).ShardIterator;
  let it = await iterator();
  let last: string | undefined;
  while (it && !tracker.finished) {
    let page: GetRecordsOutput;
    try {
      page = await client.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10_000 }));
    } catch (err) {
      if (errName(err) === 'ProvisionedThroughputExceededException') await sleep(1_000);
      else if (errName(err) === 'ExpiredIteratorException') it = await iterator(last);
      else throw err;
      continue;
    }
    const receivedAt = Date.now();
    for (const r of page.Records ?? []) {
      last = r.SequenceNumber;
      const p = decodePosition(r.Data);
      if (p?.run === runId) tracker.saw({ truck: p.truck, seq: p.seq, carrier: shardId, subscriber: '', receivedAt });
    }
    it = page.NextShardIterator;
    // 5 GetRecords a second per shard is Kinesis's limit: stay under it when caught up
    if (!page.Records?.length || page.MillisBehindLatest === 0) await sleep(250);
  }
}
