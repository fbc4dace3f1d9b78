// SQS rows through @aws-sdk/client-sqs: standard SendMessageBatch ×10 (16 workers), then Receive ×10 +
// DeleteMessageBatch until every message came back (at least once); FIFO with 100 groups, the same two
// phases, every message back exactly once and in its group's order.
import http from 'node:http';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { check, measured } from './measure.mjs';

const WORKERS = 16;
const GROUPS = 100;

export function sqsClient(endpoint) {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) }),
  });
}

/** Two rows (send, receive+delete) of one queue kind; `pids` are the server's processes and brokers. */
export async function sqsRows({ endpoint, pids, fifo, messages, tag }) {
  const sqs = sqsClient(endpoint);
  const name = `bench-${tag}-${fifo ? 'fifo' : 'std'}-${Date.now().toString(36)}${fifo ? '.fifo' : ''}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '120', ...(fifo ? { FifoQueue: 'true' } : {}) } }));
  const body = (n) => `${n} ${'x'.repeat(100)}`;
  const batches = Math.ceil(messages / 10);
  const total = batches * 10;
  // FIFO: each worker owns the groups g with g % WORKERS == its number and sends their messages in
  // ascending order, so a group's order is the order of its message numbers.
  const plan = Array.from({ length: WORKERS }, () => []);
  for (let n = 0; n < total; n++) plan[fifo ? (n % GROUPS) % WORKERS : Math.floor(n / 10) % WORKERS].push(n);
  const send = await measured(pids, async () => {
    await Promise.all(
      plan.map(async (mine) => {
        for (let i = 0; i < mine.length; i += 10) {
          const entries = mine.slice(i, i + 10).map((n, k) => ({ Id: `m${k}`, MessageBody: body(n), ...(fifo ? { MessageGroupId: `g${n % GROUPS}`, MessageDeduplicationId: `${tag}-${n}` } : {}) }));
          const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
          check(!r.Failed?.length, `SendMessageBatch failed entries ${JSON.stringify(r.Failed?.[0])}`);
        }
      }),
    );
    return { messages: total };
  });
  const seen = new Uint16Array(total);
  const lastInGroup = new Map();
  let unique = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  // Once every message is back, the other workers' long polls of the now empty queue are cancelled: they
  // would each wait out WaitTimeSeconds (1 s, a third of the whole standard row) with nothing to receive, and
  // that idle second measured AWS's long-poll rule, not the server. Deletes in flight are still awaited.
  const allBack = new AbortController();
  const receive = await measured(pids, async () => {
    const deadline = Date.now() + 600_000;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (unique < total && Date.now() < deadline) {
          let r;
          try {
            r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }), { abortSignal: allBack.signal });
          } catch (err) {
            if (allBack.signal.aborted) break;
            throw err;
          }
          const msgs = r.Messages ?? [];
          if (!msgs.length) continue;
          for (const m of msgs) {
            const n = Number(m.Body.slice(0, m.Body.indexOf(' ')));
            if (seen[n]++ > 0) duplicates++;
            else if (++unique === total) allBack.abort();
            if (fifo) {
              const group = n % GROUPS;
              if (lastInGroup.has(group) && lastInGroup.get(group) >= n) outOfOrder++;
              lastInGroup.set(group, n);
            }
          }
          await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
        }
      }),
    );
    return { messages: total };
  });
  await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
  sqs.destroy();
  check(unique === total, `${total - unique} of ${total} messages never received`);
  if (fifo) {
    check(duplicates === 0, `FIFO: ${duplicates} messages received twice`);
    check(outOfOrder === 0, `FIFO: ${outOfOrder} messages out of their group's order`);
  }
  return { send, receive: { ...receive, duplicates } };
}
