import { randomUUID } from 'node:crypto';
import type {
  BatchResultErrorEntry,
  MessageAttributeValue,
  SendMessageBatchRequest,
  SendMessageBatchRequestEntry,
  SendMessageBatchResult,
  SendMessageBatchResultEntry,
  SendMessageRequest,
  SendMessageResult,
} from '@aws-sdk/client-sqs';
import type { Caller } from '@wharf/engine-kit';
import type { SqsContext } from '../context';
import { Errors, batchFailure } from '../errors';
import { Limits } from '../limits';
import { md5Hex, md5OfAttributes, sha256Hex } from '../md5';
import { intParam, validateBatchEntries, validateBody, validateMessageAttributes, validateTokenId } from '../message-validation';
import { type QueueRef, parseQueueUrl } from '../names';
import { type Payload, encodePayload, packAttributes } from '../payload';
import type { QueueRecord, SendEntry } from '../ports';

interface Prepared {
  entry: SendEntry;
  size: number;
  md5Body: string;
  md5Attrs?: string;
  md5Sys?: string;
}

export async function SendMessage(ctx: SqsContext, input: SendMessageRequest, caller: Caller): Promise<SendMessageResult> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const q = await ctx.queue(ref);
  const p = prepare(ctx, q, input, caller);
  const [r] = await sendPrepared(ctx, ref, [p.entry]);
  return {
    MD5OfMessageBody: p.md5Body,
    ...(p.md5Attrs ? { MD5OfMessageAttributes: p.md5Attrs } : {}),
    ...(p.md5Sys ? { MD5OfMessageSystemAttributes: p.md5Sys } : {}),
    MessageId: r.id,
    ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}),
  };
}

export async function SendMessageBatch(ctx: SqsContext, input: SendMessageBatchRequest, caller: Caller): Promise<SendMessageBatchResult> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const entries = validateBatchEntries(input.Entries, 'SendMessageBatchRequestEntry');
  const q = await ctx.queue(ref);
  const failed: BatchResultErrorEntry[] = [];
  const ok: { id: string; p: Prepared }[] = [];
  let total = 0;
  for (const e of entries) {
    try {
      const p = prepare(ctx, q, e, caller);
      total += p.size;
      ok.push({ id: String(e.Id), p });
    } catch (err) {
      failed.push(batchFailure(String(e.Id), err));
    }
  }
  if (total > Limits.maxBatchBytes) throw Errors.batchTooLong(Limits.maxBatchBytes, total);
  const successful: SendMessageBatchResultEntry[] = [];
  if (ok.length) {
    const res = await sendPrepared(ctx, 
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

/** Validates one message as AWS does and builds what the store keeps (payload with MD5s, sent time). */
function prepare(ctx: SqsContext, q: QueueRecord, e: SendMessageRequest | SendMessageBatchRequestEntry, caller: Caller): Prepared {
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
  const now = ctx.clock.now();
  const md5Body = md5Hex(body);
  const payload: Payload = {
    body,
    md5Body,
    attrs: packAttributes(e.MessageAttributes),
    sys: packAttributes(sysAttrs),
    sentMs: now,
    senderId: caller.accountId,
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

async function sendPrepared(ctx: SqsContext, ref: QueueRef, entries: SendEntry[]) {
  const res = await ctx.store.send(ref, entries, ctx.clock.now());
  if (!res) {
    ctx.forget(ref);
    throw Errors.queueDoesNotExist();
  }
  return res;
}
