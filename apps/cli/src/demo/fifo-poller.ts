import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { describeError, persist } from '../aws';
import { decodePosition, type Position } from '../fleet';
import type { Tracker } from './tracker';

/** How long a received batch stays invisible to other consumers (and its message group locked). */
export const VISIBILITY_TIMEOUT_S = 30;

/** Creates a FIFO queue, or finds it when one of that name exists (with other attributes). */
export async function ensureFifoQueue(client: SQSClient, name: string): Promise<string> {
  try {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true', VisibilityTimeout: String(VISIBILITY_TIMEOUT_S) } }));
    return QueueUrl as string;
  } catch (err) {
    if ((err as { name?: string }).name !== 'QueueNameExists' && (err as { name?: string }).name !== 'QueueAlreadyExists') throw err;
    return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
  }
}

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  consumer: string;
  subscriber: string;
  runId: string;
  tracker: Tracker;
  /** The work done with a batch before it is deleted (e.g. publishing observations); a throw releases the batch. */
  process?(positions: Position[], consumer: string): Promise<void>;
  onWarning(line: string): void;
}

/**
 * One FIFO consumer: receive up to 10, process, delete. Each delivery records when it was in hand and when
 * its delete was asked for, so the verifier can prove no group was handed to two consumers at once. A batch
 * that fails to process is made visible again at once (not after the visibility timeout).
 */
export async function pollFifo(p: PollerOptions): Promise<void> {
  const { client, queueUrl } = p;
  while (!p.tracker.finished) {
    const { Messages = [] } = await persist(`${p.consumer}: receive`, () =>
      client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: VISIBILITY_TIMEOUT_S })),
      p.onWarning,
    );
    if (!Messages.length) continue;
    const receivedAt = Date.now();
    const ours: { m: Message; pos: Position }[] = [];
    for (const m of Messages) {
      const pos = decodePosition(m.Body);
      if (pos?.run === p.runId) ours.push({ m, pos });
    }
    try {
      await p.process?.(ours.map((o) => o.pos), p.consumer);
    } catch (err) {
      p.onWarning(`${p.consumer}: processing failed (${describeError(err)}); batch released for redelivery`);
      await persist(`${p.consumer}: release`, () =>
        client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })) })),
        p.onWarning,
      );
      continue;
    }
    // recorded once processed, before the delete: while this consumer holds the group no other can record it
    const releasedAt = Date.now();
    for (const { pos } of ours) p.tracker.saw({ truck: pos.truck, seq: pos.seq, carrier: p.consumer, subscriber: p.subscriber, receivedAt, releasedAt });
    // messages of other runs (left over in a reused queue) are deleted too, unrecorded
    const res = await persist(`${p.consumer}: delete`, () =>
      client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) })),
      p.onWarning,
    );
    for (const f of res.Failed ?? []) p.onWarning(`${p.consumer}: delete failed: ${f.Code}: ${f.Message}`);
  }
}
