/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { startApp } from '@wharf/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, type SqsApp, cleanupPrefix, sleep, sqsClient, startSqs } from './sqs-clients';

// kill -9 the sqs process in the middle of sends and receives, start it again on the same port:
// every message whose send was acknowledged is still delivered (Redis keeps running; only the
// service dies). Messages received but not deleted when it died come back after their visibility timeout.

const apps: SqsApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.kill();
  // Each test starts its own app with its own key prefix (a restarted one keeps it).
  for (const prefix of new Set(apps.map((a) => a.prefix))) await cleanupPrefix(prefix);
});

describe.each(['json', 'query'] as const)('kill -9 mid-load over %s', (protocol) => {
  it('loses no acknowledged message', async () => {
    const first = await startSqs();
    apps.push(first);
    const client = sqsClient(first.url, protocol);
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `restart-${protocol}`, Attributes: { VisibilityTimeout: '2' } }));
    const url = QueueUrl!;
    const acked = new Set<string>();
    const consumed = new Set<string>();
    let stop = false;
    let n = 0;
    let sendErrors = 0;

    const producer = async (id: number) => {
      while (!stop) {
        const batch = Array.from({ length: 10 }, () => `p${id}-${n++}`);
        try {
          if (id % 2 === 0) {
            const r = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: batch.map((b, i) => ({ Id: `e${i}`, MessageBody: b })) }));
            for (const s of r.Successful ?? []) acked.add(batch[Number(s.Id!.slice(1))]);
          } else {
            await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: batch[0] }));
            acked.add(batch[0]);
          }
        } catch {
          sendErrors++;
          await sleep(20);
        }
      }
    };
    const consumer = async () => {
      while (!stop) {
        try {
          const r = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
          const msgs = r.Messages ?? [];
          if (!msgs.length) continue;
          // Delivered counts once received: a delete whose answer died with the process may still have run.
          for (const m of msgs) consumed.add(m.Body!);
          await client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
        } catch {
          await sleep(20);
        }
      }
    };
    const workers = [...[0, 1, 2, 3].map(producer), consumer(), consumer()];
    await sleep(1_000);
    const before = acked.size;
    await first.kill();
    await sleep(300);
    const second = Object.assign(
      await startApp('sqs', {
        portEnv: 'SQS_PORT',
        port: first.port,
        env: { SQS_REDIS_PREFIX: first.prefix, WHARF_REDIS_URL: REDIS_URL },
      }),
      { prefix: first.prefix },
    );
    apps.push(second);
    await sleep(1_000);
    stop = true;
    await Promise.all(workers);
    expect(before).toBeGreaterThan(50);
    expect(acked.size).toBeGreaterThan(before);
    expect(sendErrors).toBeGreaterThan(0);

    // Drain: everything acknowledged and not yet consumed must still come out.
    const drained = new Set<string>();
    let idle = 0;
    while (idle < 4) {
      const r = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const msgs = r.Messages ?? [];
      if (!msgs.length) {
        idle++;
        continue;
      }
      idle = 0;
      for (const m of msgs) drained.add(m.Body!);
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    }
    const lost = [...acked].filter((b) => !consumed.has(b) && !drained.has(b));
    expect(lost).toEqual([]);
    await second.kill();
  });
});

describe.each(['json', 'query'] as const)('kill -9 mid-load on a FIFO queue over %s', (protocol) => {
  it('loses no acknowledged message and keeps each group in order', async () => {
    const first = await startSqs();
    apps.push(first);
    const client = sqsClient(first.url, protocol);
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: `restart-${protocol}.fifo`, Attributes: { FifoQueue: 'true', VisibilityTimeout: '2' } }),
    );
    const url = QueueUrl!;
    const GROUPS = 8;
    const acked = new Set<string>();
    const firstSeen = new Map<string, number[]>();
    const delivered = new Set<string>();
    let stop = false;

    // One producer per group: positions in order, a batch of 5 at a time.
    const producer = async (g: number) => {
      let pos = 0;
      while (!stop) {
        const batch = Array.from({ length: 5 }, () => pos++);
        try {
          const r = await client.send(
            new SendMessageBatchCommand({
              QueueUrl: url,
              Entries: batch.map((p, i) => ({ Id: `e${i}`, MessageBody: `g${g}:${p}`, MessageGroupId: `g${g}`, MessageDeduplicationId: `g${g}-${p}` })),
            }),
          );
          for (const s of r.Successful ?? []) acked.add(`g${g}:${batch[Number(s.Id!.slice(1))]}`);
        } catch {
          await sleep(20);
        }
      }
    };
    const record = (body: string) => {
      if (delivered.has(body)) return;
      delivered.add(body);
      const [g, p] = body.split(':');
      firstSeen.set(g, [...(firstSeen.get(g) ?? []), Number(p)]);
    };
    const consumer = async () => {
      while (!stop) {
        try {
          const r = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
          const msgs = r.Messages ?? [];
          for (const m of msgs) record(m.Body!);
          if (msgs.length) {
            await client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
          }
        } catch {
          await sleep(20);
        }
      }
    };
    const workers = [...Array.from({ length: GROUPS }, (_, g) => producer(g)), consumer(), consumer(), consumer()];
    await sleep(1_000);
    const before = acked.size;
    await first.kill();
    await sleep(300);
    const second = Object.assign(
      await startApp('sqs', { portEnv: 'SQS_PORT', port: first.port, env: { SQS_REDIS_PREFIX: first.prefix, WHARF_REDIS_URL: REDIS_URL } }),
      { prefix: first.prefix },
    );
    apps.push(second);
    await sleep(1_000);
    stop = true;
    await Promise.all(workers);
    expect(before).toBeGreaterThan(50);
    expect(acked.size).toBeGreaterThan(before);

    let idle = 0;
    while (idle < 4) {
      const r = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const msgs = r.Messages ?? [];
      if (!msgs.length) {
        idle++;
        continue;
      }
      idle = 0;
      for (const m of msgs) record(m.Body!);
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    }
    expect([...acked].filter((b) => !delivered.has(b))).toEqual([]);
    for (const [g, positions] of firstSeen) {
      for (let i = 1; i < positions.length; i++) expect(positions[i], `${g} order`).toBeGreaterThan(positions[i - 1]);
    }
    await second.kill();
  });
});
