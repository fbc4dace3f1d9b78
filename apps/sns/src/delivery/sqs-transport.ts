import {
  GetQueueUrlCommand,
  SendMessageBatchCommand,
  SQSClient,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { parseSqsQueueArn, type AttemptResult, type SqsDelivery, type WireAttribute } from '@wharf/sns-engine';

export interface SqsTransportOptions {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Concurrent SendMessageBatch calls per queue; entries arriving meanwhile are batched (≤10). */
  concurrency: number;
}

const MAX_BATCH_BYTES = 900 * 1024;
const NON_EXISTENT = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'QueueDoesNotExistException']);
const RETRYABLE_CLIENT = new Set(['RequestThrottled', 'ThrottlingException', 'Throttling', 'OverLimit', 'KmsThrottled']);

interface Pending {
  entry: SendMessageBatchRequestEntry;
  bytes: number;
  resolve: (r: AttemptResult) => void;
}

function errorName(error: unknown): string {
  const e = error as { name?: string; Code?: string; code?: string };
  return e?.Code ?? e?.name ?? e?.code ?? 'Error';
}

function toSqsAttributes(attributes: Record<string, WireAttribute> | undefined): Record<string, MessageAttributeValue> | undefined {
  if (!attributes) return undefined;
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = a.BinaryValue !== undefined
      ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') }
      : { DataType: a.DataType, StringValue: a.StringValue };
  }
  return out;
}

/** Per queue: send at once while a slot is free, batch what arrives while every slot is busy. */
class QueueBatcher {
  private pending: Pending[] = [];
  private inFlight = 0;
  private nextId = 0;

  constructor(
    private readonly send: (entries: SendMessageBatchRequestEntry[]) => Promise<Map<string, AttemptResult>>,
    private readonly concurrency: number,
  ) {}

  add(entry: Omit<SendMessageBatchRequestEntry, 'Id'>, bytes: number): Promise<AttemptResult> {
    return new Promise((resolve) => {
      this.pending.push({ entry: { ...entry, Id: `m${this.nextId++ % 1_000_000}` }, bytes, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.pending.length > 0 && this.inFlight < this.concurrency) {
      const batch: Pending[] = [];
      let bytes = 0;
      while (this.pending.length > 0 && batch.length < 10 && (batch.length === 0 || bytes + this.pending[0].bytes <= MAX_BATCH_BYTES)) {
        const next = this.pending.shift() as Pending;
        bytes += next.bytes;
        batch.push(next);
      }
      this.inFlight++;
      void this.send(batch.map((p) => p.entry))
        .then((results) => {
          for (const p of batch) p.resolve(results.get(p.entry.Id as string) ?? { ok: false, retryable: true, error: 'no result for entry' });
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}

/** Delivers to SQS queues through the SQS service's own API (never into its store). */
export class SqsTransport {
  private readonly clients = new Map<string, SQSClient>();
  private readonly urls = new Map<string, Promise<string>>();
  private readonly batchers = new Map<string, QueueBatcher>();

  constructor(private readonly options: SqsTransportOptions) {}

  private client(region: string): SQSClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new SQSClient({ endpoint: this.options.endpoint, region, credentials: this.options.credentials, maxAttempts: 2 });
      this.clients.set(region, client);
    }
    return client;
  }

  private queueUrl(queueArn: string): Promise<string> {
    let url = this.urls.get(queueArn);
    if (!url) {
      const q = parseSqsQueueArn(queueArn);
      if (!q) return Promise.reject(Object.assign(new Error(`not an SQS queue ARN: ${queueArn}`), { name: 'QueueDoesNotExist' }));
      url = this.client(q.region)
        .send(new GetQueueUrlCommand({ QueueName: q.name, QueueOwnerAWSAccountId: q.accountId }))
        .then((r) => r.QueueUrl as string);
      url.catch(() => this.urls.delete(queueArn));
      this.urls.set(queueArn, url);
    }
    return url;
  }

  private batcher(queueArn: string): QueueBatcher {
    let batcher = this.batchers.get(queueArn);
    if (!batcher) {
      const region = parseSqsQueueArn(queueArn)?.region ?? 'us-east-1';
      batcher = new QueueBatcher(async (entries) => this.sendBatch(queueArn, region, entries), this.options.concurrency);
      this.batchers.set(queueArn, batcher);
    }
    return batcher;
  }

  private async sendBatch(queueArn: string, region: string, entries: SendMessageBatchRequestEntry[]): Promise<Map<string, AttemptResult>> {
    const results = new Map<string, AttemptResult>();
    const all = (r: AttemptResult) => {
      for (const e of entries) results.set(e.Id as string, r);
      return results;
    };
    let url: string;
    try {
      url = await this.queueUrl(queueArn);
    } catch (error) {
      const name = errorName(error);
      return all({ ok: false, retryable: !NON_EXISTENT.has(name), error: `${name}: ${(error as Error).message}` });
    }
    try {
      const out = await this.client(region).send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
      for (const s of out.Successful ?? []) results.set(s.Id as string, { ok: true });
      for (const f of out.Failed ?? []) {
        results.set(f.Id as string, { ok: false, retryable: !f.SenderFault || RETRYABLE_CLIENT.has(f.Code ?? ''), error: `${f.Code}: ${f.Message}` });
      }
      return results;
    } catch (error) {
      const name = errorName(error);
      if (NON_EXISTENT.has(name)) {
        this.urls.delete(queueArn);
        return all({ ok: false, retryable: false, error: `${name}: the queue does not exist` });
      }
      const fault = (error as { $fault?: string }).$fault;
      const retryable = fault !== 'client' || RETRYABLE_CLIENT.has(name);
      return all({ ok: false, retryable, error: `${name}: ${(error as Error).message}` });
    }
  }

  send(delivery: SqsDelivery): Promise<AttemptResult> {
    const attributes = toSqsAttributes(delivery.attributes);
    const bytes = Buffer.byteLength(delivery.body) + (attributes ? JSON.stringify(delivery.attributes).length : 0);
    return this.batcher(delivery.queueArn).add(
      {
        MessageBody: delivery.body,
        ...(attributes ? { MessageAttributes: attributes } : {}),
        ...(delivery.messageGroupId !== undefined ? { MessageGroupId: delivery.messageGroupId } : {}),
        ...(delivery.messageDeduplicationId !== undefined ? { MessageDeduplicationId: delivery.messageDeduplicationId } : {}),
      },
      bytes,
    );
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
  }
}
