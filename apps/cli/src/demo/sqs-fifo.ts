import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteQueueCommand, SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { clientConfig, persist, sleep } from '../aws';
import { encodePosition, positionOf, type Position } from '../fleet';
import { ensureFifoQueue, pollFifo } from './fifo-poller';
import type { DemoContext, DemoRun } from './run';
import { ensureStream, putAll } from './streams';

export const TRUCKS_QUEUE = 'wharf-demo-trucks.fifo';
export const OBSERVATIONS_STREAM = 'wharf-demo-observations';

/**
 * Trucks on SQS FIFO (DESIGN scenario 2): MessageGroupId = truck id; `--consumers` pollers; each puts an
 * observation per message on a Kinesis stream so the console can colour trucks by consumer.
 */
export async function sqsFifoDemo(ctx: DemoContext): Promise<DemoRun> {
  const { o } = ctx;
  const sqs = new SQSClient(clientConfig(o.target));
  const kinesis = new KinesisClient(clientConfig(o.target));
  try {
    const queueUrl = await ensureFifoQueue(sqs, TRUCKS_QUEUE);
    const observations = await ensureStream(kinesis, OBSERVATIONS_STREAM, o.shards);
    const notes = [
      `queue ${TRUCKS_QUEUE} (MessageGroupId = truck, one deduplication id per position), ${o.consumers} consumers`,
      `observations on stream ${OBSERVATIONS_STREAM} (${observations.created ? 'created' : 'reused'}, ${observations.shards.length} shards)`,
    ];
    const tracker = ctx.tracker(['']);
    const observe = async (positions: Position[], consumer: string) => {
      if (!positions.length) return;
      // one record per truck per call keeps each truck's observations in order (positions of a group come in order)
      const byTruck = new Map<string, Position[]>();
      for (const p of positions) byTruck.set(p.truck, [...(byTruck.get(p.truck) ?? []), p]);
      while (byTruck.size) {
        const round = [...byTruck.entries()].map(([truck, list]) => {
          const p = list.shift() as Position;
          if (!list.length) byTruck.delete(truck);
          return { PartitionKey: truck, Data: Buffer.from(JSON.stringify({ truck, seq: p.seq, consumer, lat: p.lat, lon: p.lon, t: p.t, run: p.run })) };
        });
        await putAll(kinesis, OBSERVATIONS_STREAM, round);
      }
    };
    const consumers = Array.from({ length: o.consumers }, (_, c) =>
      pollFifo({ client: sqs, queueUrl, consumer: `c${c}`, subscriber: '', runId: o.runId, tracker, process: observe, onWarning: (l) => ctx.progress.log(l) }),
    );
    const produced = await produceFifo(ctx, async (entries) => {
      const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      return (res.Failed ?? []).map((f) => ({ id: f.Id as string, error: `${f.Code}: ${f.Message}`, senderFault: f.SenderFault === true }));
    });
    tracker.producerDone();
    await Promise.all(consumers);
    if (o.cleanup) {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
      notes.push(`queue ${TRUCKS_QUEUE} deleted (--cleanup); stream ${OBSERVATIONS_STREAM} kept for the console`);
    }
    return { rules: { oneCarrierPerTruck: false, exclusiveGroups: true, duplicatesFail: true }, carrierLabel: 'consumer', subscribers: [''], tracker, produced, notes };
  } finally {
    sqs.destroy();
    kinesis.destroy();
  }
}

export type BatchSend = (entries: (SendMessageBatchRequestEntry & { MessageGroupId: string })[]) => Promise<{ id: string; error: string; senderFault: boolean }[]>;

/**
 * Produces round after round (one position of every truck), in batches of 10 different trucks; refused
 * entries are sent again (same deduplication id, so never twice) before the next round, which keeps each
 * truck's positions in order. Shared by sqs-fifo and sns-fifo.
 */
export async function produceFifo(ctx: DemoContext, send: BatchSend): Promise<{ count: number; ms: number }> {
  const { o, trucks } = ctx;
  const bar = ctx.produced();
  const started = Date.now();
  for (let seq = 0; seq < o.positions; seq++) {
    const now = Date.now();
    const round = trucks.map((truck, i) => ({ Id: String(i), MessageBody: encodePosition(positionOf(i, seq, o.runId, now)), MessageGroupId: truck, MessageDeduplicationId: `${o.runId}-${truck}-${seq}` }));
    for (let i = 0; i < round.length; i += 10) {
      let pending = round.slice(i, i + 10);
      for (let attempt = 0; pending.length; attempt++) {
        const failed = await persist('send', () => send(pending), (l) => ctx.progress.log(l)); // same dedup ids: never twice
        bar.add(pending.length - failed.length);
        const fatal = failed.find((f) => f.senderFault);
        if (fatal) throw new Error(`send refused: ${fatal.error}`);
        if (attempt > 20 && failed.length) throw new Error(`send kept failing: ${failed[0].error}`);
        pending = pending.filter((e) => failed.some((f) => f.id === e.Id));
        if (pending.length) await sleep(100 * (attempt + 1));
      }
    }
    if (o.intervalMs) await sleep(o.intervalMs);
  }
  bar.done();
  return { count: trucks.length * o.positions, ms: Date.now() - started };
}
