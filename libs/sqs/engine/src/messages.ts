import { randomUUID } from 'node:crypto';
import type {
  BatchResultErrorEntry,
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  ChangeMessageVisibilityRequest,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  DeleteMessageRequest,
  Message,
  MessageAttributeValue,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  SendMessageBatchRequest,
  SendMessageBatchRequestEntry,
  SendMessageBatchResult,
  SendMessageBatchResultEntry,
  SendMessageRequest,
  SendMessageResult,
} from '@aws-sdk/client-sqs';
import type { SqsEngine } from './engine';
import { Errors, SqsError, isSqsError } from './errors';
import { Limits } from './limits';
import { md5Hex, md5OfAttributes, sha256Hex } from './md5';
import { validateBatchEntries, validateBody, validateMessageAttributes, validateTokenId } from './message-validation';
import { type CallContext, type QueueRef, parseQueueArn, parseQueueUrl, queueArn } from './names';
import { type Payload, decodePayload, encodePayload, packAttributes, unpackAttributes } from './payload';
import { parseRedrivePolicy } from './queue-attributes';
import { decodeReceiptHandle, encodeReceiptHandle } from './receipt';
import type { QueueRecord, SendEntry, StoredMessage } from './store';

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

interface Prepared {
  entry: SendEntry;
  size: number;
  md5Body: string;
  md5Attrs?: string;
  md5Sys?: string;
}

const intParam = (name: string, v: unknown): number | undefined => {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : (v as number);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw Errors.invalidValue(name, v, `${name} must be an integer.`);
  return n;
};

/** Send / receive / delete / change visibility, with their batches, and long polling. */
export class Messages {
  constructor(private readonly engine: SqsEngine) {}

  private get clock() {
    return this.engine.clock;
  }
  private get store() {
    return this.engine.store;
  }

  // ---- send ----------------------------------------------------------------------------------------

  private prepare(q: QueueRecord, e: SendMessageRequest | SendMessageBatchRequestEntry, ctx: CallContext): Prepared {
    const bodySize = validateBody(e.MessageBody);
    const body = String(e.MessageBody);
    const attrSize = validateMessageAttributes(e.MessageAttributes as never);
    const sysAttrs = e.MessageSystemAttributes as Record<string, MessageAttributeValue> | undefined;
    validateMessageAttributes(sysAttrs as never, true);
    const size = bodySize + attrSize;
    const maxSize = Number(q.attributes.MaximumMessageSize ?? Limits.maxMessageSizeDefault);
    if (size > maxSize) {
      throw Errors.invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`);
    }
    const delay = intParam('DelaySeconds', e.DelaySeconds);
    if (delay !== undefined && (delay < 0 || delay > Limits.delayMax)) {
      throw Errors.invalidValue('DelaySeconds', delay, 'DelaySeconds must be >= 0 and <= 900.');
    }
    let groupId: string | undefined;
    let dedupId: string | undefined;
    if (q.fifo) {
      if (delay !== undefined && delay !== 0) {
        throw Errors.invalidValue('DelaySeconds', delay, 'The request include parameter that is not valid for this queue type.');
      }
      if (e.MessageGroupId === undefined || e.MessageGroupId === null || e.MessageGroupId === '') {
        throw Errors.missingParameter('MessageGroupId');
      }
      validateTokenId('MessageGroupId', e.MessageGroupId);
      groupId = e.MessageGroupId;
      if (e.MessageDeduplicationId !== undefined && e.MessageDeduplicationId !== null) {
        validateTokenId('MessageDeduplicationId', e.MessageDeduplicationId);
        dedupId = e.MessageDeduplicationId;
      } else if (q.attributes.ContentBasedDeduplication === 'true') {
        dedupId = sha256Hex(body);
      } else {
        throw Errors.invalidParameterValue(
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
    } else {
      if (e.MessageDeduplicationId !== undefined && e.MessageDeduplicationId !== null) {
        throw Errors.invalidValue(
          'MessageDeduplicationId',
          e.MessageDeduplicationId,
          'The request includes a parameter that is not valid for this queue type.',
        );
      }
      if (e.MessageGroupId !== undefined && e.MessageGroupId !== null) {
        validateTokenId('MessageGroupId', e.MessageGroupId);
        groupId = e.MessageGroupId;
      }
    }
    const now = this.clock.now();
    const md5Body = md5Hex(body);
    const payload: Payload = {
      body,
      md5Body,
      attrs: packAttributes(e.MessageAttributes),
      sys: packAttributes(sysAttrs),
      sentMs: now,
      senderId: ctx.accountId,
      groupId,
      dedupId,
    };
    return {
      entry: {
        id: randomUUID(),
        payload: encodePayload(payload),
        delayMs: delay === undefined ? -1 : delay * 1000,
        groupId: q.fifo ? groupId : undefined,
        dedupId,
      },
      size,
      md5Body,
      md5Attrs: md5OfAttributes(e.MessageAttributes as never),
      md5Sys: md5OfAttributes(sysAttrs as never),
    };
  }

  async send(input: SendMessageRequest, ctx: CallContext): Promise<SendMessageResult> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const q = await this.engine.queueByRef(ref);
    const p = this.prepare(q, input, ctx);
    const [r] = await this.sendPrepared(ref, [p.entry]);
    return {
      MD5OfMessageBody: p.md5Body,
      ...(p.md5Attrs ? { MD5OfMessageAttributes: p.md5Attrs } : {}),
      ...(p.md5Sys ? { MD5OfMessageSystemAttributes: p.md5Sys } : {}),
      MessageId: r.id,
      ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}),
    };
  }

  private async sendPrepared(ref: QueueRef, entries: SendEntry[]) {
    const res = await this.store.send(ref, entries, this.clock.now());
    if (!res) {
      this.engine.forget(ref);
      throw Errors.queueDoesNotExist();
    }
    return res;
  }

  async sendBatch(input: SendMessageBatchRequest, ctx: CallContext): Promise<SendMessageBatchResult> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const entries = validateBatchEntries(input.Entries, 'SendMessageBatchRequestEntry');
    const q = await this.engine.queueByRef(ref);
    const failed: BatchResultErrorEntry[] = [];
    const ok: { id: string; p: Prepared }[] = [];
    let total = 0;
    for (const e of entries) {
      try {
        const p = this.prepare(q, e, ctx);
        total += p.size;
        ok.push({ id: String(e.Id), p });
      } catch (err) {
        failed.push(batchError(String(e.Id), err));
      }
    }
    if (total > Limits.maxBatchBytes) throw Errors.batchTooLong(Limits.maxBatchBytes, total);
    const successful: SendMessageBatchResultEntry[] = [];
    if (ok.length) {
      const res = await this.sendPrepared(
        ref,
        ok.map((o) => o.p.entry),
      );
      ok.forEach(({ id, p }, i) =>
        successful.push({
          Id: id,
          MessageId: res[i].id,
          MD5OfMessageBody: p.md5Body,
          ...(p.md5Attrs ? { MD5OfMessageAttributes: p.md5Attrs } : {}),
          ...(p.md5Sys ? { MD5OfMessageSystemAttributes: p.md5Sys } : {}),
          ...(res[i].sequenceNumber ? { SequenceNumber: res[i].sequenceNumber } : {}),
        }),
      );
    }
    return { Successful: successful, Failed: failed };
  }

  // ---- receive -------------------------------------------------------------------------------------

  async receive(input: ReceiveMessageRequest, ctx: CallContext, signal?: AbortSignal): Promise<ReceiveMessageResult> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const max = intParam('MaxNumberOfMessages', input.MaxNumberOfMessages) ?? 1;
    if (max < 1 || max > Limits.maxReceiveMessages) {
      throw Errors.invalidValue('MaxNumberOfMessages', max, 'Must be between 1 and 10, if provided.');
    }
    const vis = intParam('VisibilityTimeout', input.VisibilityTimeout);
    if (vis !== undefined && (vis < 0 || vis > Limits.visibilityMax)) {
      throw Errors.invalidValue('VisibilityTimeout', vis, 'Must be between 0 and 43200, if provided.');
    }
    const waitIn = intParam('WaitTimeSeconds', input.WaitTimeSeconds);
    if (waitIn !== undefined && (waitIn < 0 || waitIn > Limits.waitMax)) {
      throw Errors.invalidValue('WaitTimeSeconds', waitIn, 'Must be >= 0 and <= 20, if provided.');
    }
    const attemptId = input.ReceiveRequestAttemptId;
    if (attemptId !== undefined && attemptId !== null) validateTokenId('ReceiveRequestAttemptId', attemptId);
    const systemNames = new Set<string>();
    for (const n of [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])]) {
      if (n === 'All') SYSTEM_ATTRIBUTES.forEach((a) => systemNames.add(a));
      else if ((SYSTEM_ATTRIBUTES as readonly string[]).includes(n)) systemNames.add(n);
      // Queue attribute names in AttributeNames (legacy) are accepted and ignored, as AWS does.
    }
    const q = await this.engine.queueByRef(ref);
    const visibilityMs = (vis ?? Number(q.attributes.VisibilityTimeout ?? Limits.visibilityDefault)) * 1000;
    const waitMs = (waitIn ?? Number(q.attributes.ReceiveMessageWaitTimeSeconds ?? 0)) * 1000;
    let dlq: QueueRef | undefined;
    let maxReceiveCount: number | undefined;
    if (q.attributes.RedrivePolicy) {
      try {
        const rp = parseRedrivePolicy(q.attributes.RedrivePolicy);
        const target = parseQueueArn(rp.deadLetterTargetArn);
        if (target) {
          dlq = { account: target.account, name: target.name };
          maxReceiveCount = rp.maxReceiveCount;
        }
      } catch {
        /* stored policies are valid */
      }
    }
    const options = {
      max,
      visibilityMs,
      inflightLimit: q.fifo ? this.engine.options.inflightLimitFifo : this.engine.options.inflightLimitStandard,
      attemptId: q.fifo ? (attemptId ?? undefined) : undefined,
      attemptTtlMs: Limits.receiveAttemptMs,
      maxReceiveCount,
      dlq,
      sourceArn: queueArn(ctx.region, ref),
    };
    const deadline = this.clock.now() + waitMs;
    let sub: Awaited<ReturnType<typeof this.store.subscribe>> | undefined;
    try {
      for (;;) {
        sub?.reset();
        const res = await this.store.receive(ref, options, this.clock.now());
        if (res.kind === 'nonexistent') {
          this.engine.forget(ref);
          throw Errors.queueDoesNotExist();
        }
        if (res.kind === 'overlimit') throw Errors.overLimit();
        const now = this.clock.now();
        if (res.messages.length > 0 || now >= deadline || signal?.aborted) {
          return this.render(res.messages, ref, systemNames, input.MessageAttributeNames ?? []);
        }
        if (!sub) {
          // Subscribe, then look again: a send between the empty answer and the subscription is not lost.
          sub = await this.store.subscribe(ref);
          continue;
        }
        const until = Math.min(deadline, res.nextAt !== undefined ? Math.max(res.nextAt, now + 1) : deadline);
        await this.waitFor(sub, until - now, signal);
        // The caller hung up or the service is stopping: answer empty rather than take messages nobody reads.
        if (signal?.aborted) return this.render([], ref, systemNames, input.MessageAttributeNames ?? []);
      }
    } finally {
      sub?.close();
    }
  }

  private waitFor(sub: { next(): Promise<void> }, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        cancel();
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const cancel = this.clock.setTimer(finish, ms);
      signal?.addEventListener('abort', finish);
      sub.next().then(finish, finish);
    });
  }

  private render(
    stored: StoredMessage[],
    ref: QueueRef,
    systemNames: Set<string>,
    attributeNames: string[],
  ): ReceiveMessageResult {
    if (stored.length === 0) return {};
    const wantAll = attributeNames.some((n) => n === 'All' || n === '.*');
    const prefixes = attributeNames.filter((n) => n.endsWith('.*') && n !== '.*').map((n) => n.slice(0, -1));
    const exact = new Set(attributeNames);
    const messages: Message[] = stored.map((m) => {
      const p = decodePayload(m.payload);
      const msg: Message = {
        MessageId: m.id,
        ReceiptHandle: encodeReceiptHandle(ref, m.id, m.token),
        MD5OfBody: p.md5Body,
        Body: p.body,
      };
      if (systemNames.size) {
        const all: Record<string, string | undefined> = {
          SenderId: p.senderId,
          SentTimestamp: String(p.sentMs),
          ApproximateReceiveCount: String(m.receiveCount),
          ApproximateFirstReceiveTimestamp: String(m.firstReceiveMs),
          SequenceNumber: m.sequenceNumber,
          MessageDeduplicationId: m.sequenceNumber ? p.dedupId : undefined,
          MessageGroupId: p.groupId,
          AWSTraceHeader: p.sys?.AWSTraceHeader?.StringValue,
          DeadLetterQueueSourceArn: m.deadLetterSourceArn,
        };
        const attrs: Record<string, string> = {};
        for (const n of systemNames) {
          const v = all[n];
          if (v !== undefined) attrs[n] = v;
        }
        msg.Attributes = attrs;
      }
      const userAttrs = unpackAttributes(p.attrs);
      if (userAttrs && attributeNames.length) {
        const chosen: Record<string, MessageAttributeValue> = {};
        for (const [k, v] of Object.entries(userAttrs)) {
          if (wantAll || exact.has(k) || prefixes.some((pre) => k.startsWith(pre))) chosen[k] = v;
        }
        if (Object.keys(chosen).length) {
          msg.MessageAttributes = chosen;
          msg.MD5OfMessageAttributes = md5OfAttributes(chosen as never);
        }
      }
      return msg;
    });
    return { Messages: messages };
  }

  // ---- delete --------------------------------------------------------------------------------------

  async delete(input: DeleteMessageRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const h = decodeReceiptHandle(input.ReceiptHandle, ref);
    const res = await this.store.delete(ref, [h], this.clock.now());
    if (!res) {
      this.engine.forget(ref);
      throw Errors.queueDoesNotExist();
    }
    return {};
  }

  async deleteBatch(input: DeleteMessageBatchRequest, ctx: CallContext): Promise<DeleteMessageBatchResult> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const entries = validateBatchEntries(input.Entries, 'DeleteMessageBatchRequestEntry');
    const failed: BatchResultErrorEntry[] = [];
    const ok: { id: string; h: { id: string; token: string } }[] = [];
    for (const e of entries) {
      try {
        ok.push({ id: String(e.Id), h: decodeReceiptHandle(e.ReceiptHandle, ref) });
      } catch (err) {
        failed.push(batchError(String(e.Id), err));
      }
    }
    if (ok.length) {
      const res = await this.store.delete(
        ref,
        ok.map((o) => o.h),
        this.clock.now(),
      );
      if (!res) throw Errors.queueDoesNotExist();
    } else {
      await this.engine.queueByRef(ref);
    }
    return { Successful: ok.map((o) => ({ Id: o.id })), Failed: failed };
  }

  // ---- visibility ----------------------------------------------------------------------------------

  private visibility(v: unknown): number {
    const n = intParam('VisibilityTimeout', v);
    if (n === undefined) throw Errors.missingParameter('VisibilityTimeout');
    if (n < 0 || n > Limits.visibilityMax) {
      throw Errors.invalidValue('VisibilityTimeout', n, 'Must be between 0 and 43200, if provided.');
    }
    return n;
  }

  private outcomeError(outcome: string, handle: string, vis: number): SqsError | undefined {
    if (outcome === 'invalid') {
      return Errors.invalidValue('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change.');
    }
    if (outcome === 'toolong') {
      return Errors.invalidValue('VisibilityTimeout', vis, 'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]');
    }
    return undefined;
  }

  async changeVisibility(input: ChangeMessageVisibilityRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const h = decodeReceiptHandle(input.ReceiptHandle, ref);
    const vis = this.visibility(input.VisibilityTimeout);
    const res = await this.store.changeVisibility(ref, [{ ...h, visibilityMs: vis * 1000 }], this.clock.now(), Limits.visibilityMax * 1000);
    if (!res) throw Errors.queueDoesNotExist();
    const err = this.outcomeError(res[0], String(input.ReceiptHandle), vis);
    if (err) throw err;
    return {};
  }

  async changeVisibilityBatch(
    input: ChangeMessageVisibilityBatchRequest,
    ctx: CallContext,
  ): Promise<ChangeMessageVisibilityBatchResult> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const entries = validateBatchEntries(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
    const failed: BatchResultErrorEntry[] = [];
    const ok: { id: string; handle: string; vis: number; h: { id: string; token: string } }[] = [];
    for (const e of entries) {
      try {
        const h = decodeReceiptHandle(e.ReceiptHandle, ref);
        ok.push({ id: String(e.Id), handle: String(e.ReceiptHandle), vis: this.visibility(e.VisibilityTimeout ?? 0), h });
      } catch (err) {
        failed.push(batchError(String(e.Id), err));
      }
    }
    const successful: { Id: string }[] = [];
    if (ok.length) {
      const res = await this.store.changeVisibility(
        ref,
        ok.map((o) => ({ ...o.h, visibilityMs: o.vis * 1000 })),
        this.clock.now(),
        Limits.visibilityMax * 1000,
      );
      if (!res) throw Errors.queueDoesNotExist();
      ok.forEach((o, i) => {
        const err = this.outcomeError(res[i], o.handle, o.vis);
        if (err) failed.push(batchError(o.id, err));
        else successful.push({ Id: o.id });
      });
    } else {
      await this.engine.queueByRef(ref);
    }
    return { Successful: successful, Failed: failed };
  }
}

function batchError(id: string, err: unknown): BatchResultErrorEntry {
  if (isSqsError(err)) return { Id: id, SenderFault: err.senderFault, Code: err.code, Message: err.message };
  throw err;
}
