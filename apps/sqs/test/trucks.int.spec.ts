/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import {
  CreateQueueCommand,
  SendMessageCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsApp, cleanupPrefix, sleep, sqsClient, startSqs } from './sqs-clients';

// DESIGN.md scenario 2: trucks on SQS FIFO. 100 trucks (groups) × 50 positions sent in batches;
// 20 consumers, half of them on a second sqs process sharing the same Redis. Checked afterwards:
// every truck's positions came out in send order, none lost, none duplicated, and no group was ever
// held by two consumers at once.
//
// The overlap check is sound without trusting the server: a consumer's client-side hold interval
// [receive answer arrived, delete request sent] lies inside the server-side one [handed out, deleted],
// so if two consumers' client-side intervals for one group overlap, the server really handed the group
// to both at once. Consumers hold each batch a few ms so such an overlap would show.

const TRUCKS = 100;
const POSITIONS = 50;
const CONSUMERS = 20;

let a: SqsApp;
let b: SqsApp;
beforeAll(async () => {
  a = await startSqs();
  b = await startSqs({}, a.prefix);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  if (a) await cleanupPrefix(a.prefix);
});

interface Hold {
  consumer: number;
  truck: string;
  positions: number[];
  sequence: bigint[];
  got: number;
  releasing: number;
}

/** Pairs of holds of one truck by different consumers whose client-side intervals overlap. */
function countOverlaps(hs: Pick<Hold, 'consumer' | 'got' | 'releasing'>[]): number {
  let n = 0;
  for (let i = 0; i < hs.length; i++) {
    for (let j = i + 1; j < hs.length; j++) {
      const [x, y] = [hs[i], hs[j]];
      if (x.consumer !== y.consumer && x.got < y.releasing && y.got < x.releasing) n++;
    }
  }
  return n;
}

it('the overlap checker catches two consumers holding one truck at once', () => {
  expect(countOverlaps([{ consumer: 1, got: 0, releasing: 10 }, { consumer: 2, got: 10, releasing: 20 }])).toBe(0);
  expect(countOverlaps([{ consumer: 1, got: 0, releasing: 10 }, { consumer: 2, got: 9, releasing: 20 }])).toBe(1);
  expect(countOverlaps([{ consumer: 1, got: 0, releasing: 10 }, { consumer: 1, got: 5, releasing: 20 }])).toBe(0);
});

describe.each(['json', 'query'] as const)('trucks on SQS FIFO over %s', (protocol) => {
  it('keeps every truck in order across 20 consumers on two processes, one consumer per truck at a time', async () => {
    const producer = sqsClient(a.url, protocol);
    const { QueueUrl } = await producer.send(
      new CreateQueueCommand({ QueueName: `trucks-${protocol}.fifo`, Attributes: { FifoQueue: 'true', VisibilityTimeout: '60' } }),
    );
    const url = QueueUrl!;

    // Producers: each truck sends its 50 positions in order, 10 per batch; 20 trucks at a time.
    const trucks = Array.from({ length: TRUCKS }, (_, i) => `truck-${String(i).padStart(3, '0')}`);
    const sendTruck = async (truck: string) => {
      for (let p = 0; p < POSITIONS; p += 10) {
        const res = await producer.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: Array.from({ length: 10 }, (_, k) => ({
              Id: `p${p + k}`,
              MessageBody: JSON.stringify({ truck, position: p + k, lat: 48 + (p + k) / 1000, lon: 2 + (p + k) / 1000 }),
              MessageGroupId: truck,
              MessageDeduplicationId: `${truck}-${p + k}`,
            })),
          }),
        );
        expect(res.Failed ?? []).toEqual([]);
      }
    };
    const queue = [...trucks];
    const producing = Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let t = queue.shift(); t; t = queue.shift()) await sendTruck(t);
      }),
    );

    // Consumers: 10 on process A, 10 on process B.
    const holds: Hold[] = [];
    let received = 0;
    let done = false;
    const consume = async (id: number) => {
      const client = sqsClient((id % 2 === 0 ? a : b).url, protocol);
      while (!done) {
        const r = await client.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
        );
        const got = Date.now();
        const msgs = r.Messages ?? [];
        if (msgs.length === 0) continue;
        const byTruck = new Map<string, Hold>();
        for (const m of msgs) {
          const body = JSON.parse(m.Body!) as { truck: string; position: number };
          expect(m.Attributes!.MessageGroupId).toBe(body.truck);
          const h = byTruck.get(body.truck) ?? { consumer: id, truck: body.truck, positions: [], sequence: [], got, releasing: 0 };
          h.positions.push(body.position);
          h.sequence.push(BigInt(m.Attributes!.SequenceNumber!));
          byTruck.set(body.truck, h);
        }
        await sleep(2 + Math.random() * 6);
        const releasing = Date.now();
        for (const h of byTruck.values()) {
          h.releasing = releasing;
          holds.push(h);
        }
        const del = await client.send(
          new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }),
        );
        expect(del.Failed ?? []).toEqual([]);
        received += msgs.length;
      }
    };
    const consumers = Array.from({ length: CONSUMERS }, (_, i) => consume(i));
    await producing;
    for (let i = 0; i < 600 && received < TRUCKS * POSITIONS; i++) await sleep(100);
    done = true;
    await Promise.all(consumers);

    // None lost, none duplicated, each truck in send order.
    expect(received).toBe(TRUCKS * POSITIONS);
    const perTruck = new Map<string, Hold[]>();
    for (const h of holds) perTruck.set(h.truck, [...(perTruck.get(h.truck) ?? []), h]);
    expect(perTruck.size).toBe(TRUCKS);
    let overlaps = 0;
    let consumersUsed = 0;
    for (const [truck, hs] of perTruck) {
      hs.sort((x, y) => x.got - y.got);
      const positions = hs.flatMap((h) => h.positions);
      expect(positions, truck).toEqual(Array.from({ length: POSITIONS }, (_, i) => i));
      const seq = hs.flatMap((h) => h.sequence);
      for (let i = 1; i < seq.length; i++) expect(seq[i] > seq[i - 1], `${truck} sequence`).toBe(true);
      overlaps += countOverlaps(hs);
      consumersUsed = Math.max(consumersUsed, new Set(hs.map((h) => h.consumer)).size);
    }
    expect(overlaps).toBe(0);
    // The work really was spread: trucks moved between consumers and both processes served.
    expect(consumersUsed).toBeGreaterThan(1);
    expect(new Set(holds.map((h) => h.consumer % 2)).size).toBe(2);
    const left = await producer.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(left.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });
});

describe.each(['json', 'query'] as const)('two sqs processes over %s', (protocol) => {
  it('a long poll on one process wakes within 100 ms of a send on the other', async () => {
    const onA = sqsClient(a.url, protocol);
    const onB = sqsClient(b.url, protocol);
    const { QueueUrl } = await onA.send(new CreateQueueCommand({ QueueName: `cross-poll-${protocol}` }));
    let answeredAt = 0;
    const polling = onB.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 })).then((r) => { answeredAt = Date.now(); return r; });
    await sleep(500);
    await onA.send(new SendMessageCommand({ QueueUrl, MessageBody: 'across' }));
    // From the send's acknowledgement to the poll's answer (negative: the poll answered first).
    const acknowledgedAt = Date.now();
    const r = await polling;
    expect(r.Messages![0].Body).toBe('across');
    expect(answeredAt - acknowledgedAt).toBeLessThan(100);
  });
});
