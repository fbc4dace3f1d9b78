import { parseSqsQueueArn, type AttemptResult, type SqsDelivery } from '@wharf/sns-engine';
import { metricsRegistry } from '@wharf/service-kit';
import { Histogram } from 'prom-client';
import { SqsApi, SqsApiError, type SqsBatchEntry } from './sqs-api';

export const sqsBatchSize = new Histogram({
  name: 'wharf_sns_sqs_batch_entries',
  help: 'Entries per SendMessageBatch call SNS makes to SQS',
  buckets: [1, 2, 3, 5, 8, 10],
  registers: [metricsRegistry],
});

export interface SqsTransportOptions {
  endpoint: string;
  /** The key to sign with for a queue of an account (each account reaches only its own queues). */
  credentialsFor: (accountId: string) => { accessKeyId: string; secretAccessKey: string };
  /** Concurrent SendMessageBatch calls per queue; entries arriving meanwhile are batched (≤10). */
  concurrency: number;
}

const MAX_BATCH_BYTES = 900 * 1024;
const NON_EXISTENT = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
const RETRYABLE_CLIENT = new Set(['RequestThrottled', 'ThrottlingException', 'Throttling', 'OverLimit', 'KmsThrottled']);

interface Pending {
  entry: SqsBatchEntry;
  bytes: number;
  resolve: (r: AttemptResult) => void;
}

/** Per queue: send at once while a slot is free, batch what arrives while every slot is busy. */
class QueueBatcher {
  private pending: Pending[] = [];
  private inFlight = 0;
  private nextId = 0;

  constructor(
    private readonly send: (entries: SqsBatchEntry[]) => Promise<Map<string, AttemptResult>>,
    private readonly concurrency: number,
  ) {}

  add(entry: Omit<SqsBatchEntry, 'Id'>, bytes: number): Promise<AttemptResult> {
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
          for (const p of batch) p.resolve(results.get(p.entry.Id) ?? { ok: false, retryable: true, error: 'no result for entry' });
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}

/** Delivers to SQS queues through the SQS service's own API (AWS JSON 1.0, SigV4), never into its store. */
export class SqsTransport {
  /** One client per signing key. */
  private readonly apis = new Map<string, SqsApi>();
  private readonly urls = new Map<string, Promise<string>>();
  private readonly batchers = new Map<string, QueueBatcher>();

  constructor(private readonly options: SqsTransportOptions) {}

  /** The client that signs as the queue's account. */
  private api(queueArn: string): SqsApi {
    const credentials = this.options.credentialsFor(parseSqsQueueArn(queueArn)?.accountId ?? '');
    let api = this.apis.get(credentials.accessKeyId);
    if (!api) {
      api = new SqsApi({ endpoint: this.options.endpoint, credentials });
      this.apis.set(credentials.accessKeyId, api);
    }
    return api;
  }

  private queueUrl(queueArn: string, region: string): Promise<string> {
    let url = this.urls.get(queueArn);
    if (!url) {
      const q = parseSqsQueueArn(queueArn);
      if (!q) return Promise.reject(new SqsApiError('QueueDoesNotExist', `not an SQS queue ARN: ${queueArn}`, 400, true));
      url = this.api(queueArn).getQueueUrl(region, q.name, q.accountId);
      url.catch(() => this.urls.delete(queueArn));
      this.urls.set(queueArn, url);
    }
    return url;
  }

  private batcher(queueArn: string): QueueBatcher {
    let batcher = this.batchers.get(queueArn);
    if (!batcher) {
      const region = parseSqsQueueArn(queueArn)?.region ?? 'us-east-1';
      batcher = new QueueBatcher((entries) => this.sendBatch(queueArn, region, entries), this.options.concurrency);
      this.batchers.set(queueArn, batcher);
    }
    return batcher;
  }

  private static failure(error: unknown): Extract<AttemptResult, { ok: false }> {
    if (error instanceof SqsApiError) {
      if (NON_EXISTENT.has(error.code)) return { ok: false, retryable: false, error: `${error.code}: the queue does not exist` };
      return { ok: false, retryable: !error.sender || RETRYABLE_CLIENT.has(error.code), error: `${error.code}: ${error.message}` };
    }
    return { ok: false, retryable: true, error: `${(error as Error).name}: ${(error as Error).message}` };
  }

  private async sendBatch(queueArn: string, region: string, entries: SqsBatchEntry[]): Promise<Map<string, AttemptResult>> {
    const results = new Map<string, AttemptResult>();
    sqsBatchSize.observe(entries.length);
    try {
      const url = await this.queueUrl(queueArn, region);
      const out = await this.api(queueArn).sendMessageBatch(region, url, entries);
      for (const s of out.Successful ?? []) results.set(s.Id, { ok: true });
      for (const f of out.Failed ?? []) {
        results.set(f.Id, { ok: false, retryable: !f.SenderFault || RETRYABLE_CLIENT.has(f.Code ?? ''), error: `${f.Code}: ${f.Message}` });
      }
    } catch (error) {
      if (error instanceof SqsApiError && NON_EXISTENT.has(error.code)) this.urls.delete(queueArn);
      const failure = SqsTransport.failure(error);
      for (const e of entries) results.set(e.Id, failure);
    }
    return results;
  }

  send(delivery: SqsDelivery): Promise<AttemptResult> {
    const bytes = Buffer.byteLength(delivery.body) + (delivery.attributes ? JSON.stringify(delivery.attributes).length : 0);
    return this.batcher(delivery.queueArn).add(
      {
        MessageBody: delivery.body,
        // Wire attributes are already SQS JSON shaped: DataType, StringValue or base64 BinaryValue.
        ...(delivery.attributes ? { MessageAttributes: delivery.attributes } : {}),
        ...(delivery.messageGroupId !== undefined ? { MessageGroupId: delivery.messageGroupId } : {}),
        ...(delivery.messageDeduplicationId !== undefined ? { MessageDeduplicationId: delivery.messageDeduplicationId } : {}),
      },
      bytes,
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.apis.values()].map((api) => api.close()));
  }
}
