import type { Caller } from '@wharf/engine-kit';
import type {
  BatchResultErrorEntry,
  PublishBatchInput,
  PublishBatchRequestEntry,
  PublishBatchResponse,
  PublishBatchResultEntry,
  PublishInput,
  PublishResponse,
} from '@aws-sdk/client-sns';
import type { SnsContext } from '../context';
import {
  batchEntryIdsNotDistinct,
  batchRequestTooLong,
  emptyBatchRequest,
  invalidBatchEntryId,
  invalidParameter,
  storageFailure,
  tooManyEntriesInBatchRequest,
  unsupportedFeature,
} from '../errors';
import { DEDUP_RESERVATION_MS, DEDUP_WINDOW_MS, contentDeduplicationId, dedupKey, formatSequenceNumber } from '../fifo';
import { attributesSize, normalizeMessageAttributes } from '../message-attributes';
import { isValidFifoId, parseTopicArn } from '../names';
import type { DedupRecord } from '../ports';
import type { TopicRecord } from '../records';
import { requireTopic } from '../resources';
import { isoTimestamp, type StoredMessage } from '../stored-message';
import { DEFAULT_MAXIMUM_MESSAGE_SIZE, topicMaximumMessageSize } from '../topic-attributes';

const MAX_BATCH_ENTRIES = 10;
/** Protocol keys of a MessageStructure=json message that Wharf delivers to. */
const STRUCTURE_KEYS = ['sqs', 'http', 'https'];

type MessageFields = Pick<
  PublishInput,
  'Message' | 'Subject' | 'MessageStructure' | 'MessageAttributes' | 'MessageGroupId' | 'MessageDeduplicationId'
>;

/** Validates one message for `topic` and builds what is queued. Throws AWS's errors. */
function prepareMessage(ctx: SnsContext, topic: TopicRecord, input: MessageFields): StoredMessage {
  const text = input.Message;
  if (text === undefined || text === '') throw invalidParameter('Invalid parameter: Empty message');
  if (input.Subject !== undefined) {
    // eslint-disable-next-line no-control-regex
    if (input.Subject === '' || input.Subject.length >= 100 || /[\x00-\x1f\x7f]/.test(input.Subject)) {
      throw invalidParameter('Invalid parameter: Subject');
    }
  }
  const attributes = normalizeMessageAttributes(input.MessageAttributes);
  const size = Buffer.byteLength(text, 'utf8') + attributesSize(attributes);
  if (size > topicMaximumMessageSize(topic)) throw invalidParameter('Invalid parameter: Message too long');

  let defaultText = text;
  let messages: Record<string, string> | undefined;
  if (input.MessageStructure !== undefined) {
    if (input.MessageStructure !== 'json') throw invalidParameter('Invalid parameter: MessageStructure');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
    }
    const structure = parsed as Record<string, unknown>;
    if (typeof structure.default !== 'string') throw invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
    defaultText = structure.default;
    for (const key of STRUCTURE_KEYS) {
      if (typeof structure[key] === 'string') (messages ??= {})[key] = structure[key] as string;
    }
  }

  let groupId: string | undefined;
  let dedupId: string | undefined;
  if (topic.fifo) {
    if (!input.MessageGroupId) throw invalidParameter('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    if (!isValidFifoId(input.MessageGroupId)) throw invalidParameter('Invalid parameter: MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
    groupId = input.MessageGroupId;
    if (input.MessageDeduplicationId !== undefined) {
      if (!isValidFifoId(input.MessageDeduplicationId)) {
        throw invalidParameter('Invalid parameter: MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
      }
      dedupId = input.MessageDeduplicationId;
    } else if (topic.attributes.ContentBasedDeduplication === 'true') {
      dedupId = contentDeduplicationId(text);
    } else {
      throw invalidParameter('Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
  } else {
    if (input.MessageDeduplicationId !== undefined) {
      throw invalidParameter('Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
    }
    if (input.MessageGroupId !== undefined) {
      // Standard topics forward MessageGroupId to SQS standard queues (fair queues).
      if (!isValidFifoId(input.MessageGroupId)) throw invalidParameter('Invalid parameter: MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
      groupId = input.MessageGroupId;
    }
  }
  return {
    v: 1,
    kind: 'notification',
    messageId: ctx.newId(),
    topicArn: topic.arn,
    timestamp: isoTimestamp(ctx.clock.now()),
    message: defaultText,
    ...(messages ? { messages } : {}),
    ...(input.Subject !== undefined ? { subject: input.Subject } : {}),
    ...(attributes ? { attributes } : {}),
    ...(groupId !== undefined ? { groupId } : {}),
    ...(dedupId !== undefined ? { dedupId } : {}),
  };
}

/** Bytes of a message as the size limit counts it (PublishBatch's total). */
function entrySize(entry: MessageFields): number {
  let size = Buffer.byteLength(entry.Message ?? '', 'utf8');
  for (const [name, v] of Object.entries(entry.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(v?.DataType ?? '') + Buffer.byteLength(v?.StringValue ?? '') + (v?.BinaryValue?.length ?? 0);
  }
  return size;
}

/**
 * Publishes one prepared message. FIFO topics deduplicate for five minutes: a reservation is taken before the
 * broker publish and committed after its confirm, so two processes never both deliver one dedup id, and a
 * crashed publisher's reservation lapses instead of swallowing the client's retry.
 */
async function publishPrepared(ctx: SnsContext, topic: TopicRecord, message: StoredMessage): Promise<{ messageId: string; sequenceNumber?: string }> {
  if (!topic.fifo) {
    await ctx.bus.publish(topic, message);
    return { messageId: message.messageId };
  }
  const key = dedupKey(topic.arn, message.dedupId as string, message.groupId, topic.attributes.FifoThroughputScope);
  const owner = `${ctx.instanceId}:${message.messageId}`;
  const reservation: DedupRecord = { state: 'pending', messageId: message.messageId, owner };
  for (;;) {
    const existing = await ctx.fifo.reserve(key, reservation, DEDUP_RESERVATION_MS);
    if (!existing) break;
    if (existing.state === 'committed') return { messageId: existing.messageId, sequenceNumber: existing.sequenceNumber };
    await ctx.clock.sleep(20); // another publisher holds it: wait for its commit or for the reservation to lapse
  }
  const sequenceNumber = formatSequenceNumber(await ctx.fifo.nextSequence(topic.arn));
  const stored: StoredMessage = { ...message, sequenceNumber };
  try {
    await ctx.bus.publish(topic, stored);
  } catch (error) {
    await ctx.fifo.release(key, owner).catch(() => undefined);
    throw error;
  }
  await ctx.fifo.commit(key, { state: 'committed', messageId: message.messageId, sequenceNumber, owner }, DEDUP_WINDOW_MS);
  return { messageId: message.messageId, sequenceNumber };
}

export async function Publish(ctx: SnsContext, input: PublishInput, caller: Caller): Promise<PublishResponse> {
  if (input.PhoneNumber !== undefined) throw unsupportedFeature('SMS (Publish with PhoneNumber)');
  let arn = input.TopicArn;
  if (arn === undefined && input.TargetArn !== undefined) {
    if (!parseTopicArn(input.TargetArn)) throw unsupportedFeature('mobile push (Publish to a platform endpoint TargetArn)');
    arn = input.TargetArn;
  }
  if (arn === undefined) throw invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  const topic = await requireTopic(ctx, arn, caller);
  const message = prepareMessage(ctx, topic, input);
  let result;
  try {
    result = await publishPrepared(ctx, topic, message);
  } catch (error) {
    throw storageFailure(error);
  }
  return { MessageId: result.messageId, ...(result.sequenceNumber ? { SequenceNumber: result.sequenceNumber } : {}) };
}

export async function PublishBatch(ctx: SnsContext, input: PublishBatchInput, caller: Caller): Promise<PublishBatchResponse> {
  const topic = await requireTopic(ctx, input.TopicArn, caller);
  const entries: PublishBatchRequestEntry[] = input.PublishBatchRequestEntries ?? [];
  if (entries.length === 0) throw emptyBatchRequest();
  if (entries.length > MAX_BATCH_ENTRIES) throw tooManyEntriesInBatchRequest();
  const ids = new Set<string>();
  for (const entry of entries) {
    if (!entry.Id || !/^[A-Za-z0-9_-]{1,80}$/.test(entry.Id)) {
      throw invalidBatchEntryId();
    }
    if (ids.has(entry.Id)) throw batchEntryIdsNotDistinct();
    ids.add(entry.Id);
  }
  const total = entries.reduce((sum, e) => sum + entrySize(e), 0);
  if (total > Math.max(DEFAULT_MAXIMUM_MESSAGE_SIZE, topicMaximumMessageSize(topic))) {
    throw batchRequestTooLong();
  }
  const successful: PublishBatchResultEntry[] = [];
  const failed: BatchResultErrorEntry[] = [];
  const fail = (id: string, error: unknown) => {
    const e = storageFailure(error);
    failed.push({ Id: id, Code: e.code, Message: e.message, SenderFault: e.status === undefined || e.status < 500 });
  };
  const prepared: { id: string; message: StoredMessage }[] = [];
  for (const entry of entries) {
    try {
      prepared.push({ id: entry.Id as string, message: prepareMessage(ctx, topic, entry) });
    } catch (error) {
      fail(entry.Id as string, error);
    }
  }
  const publishOne = async ({ id, message }: { id: string; message: StoredMessage }) => {
    try {
      const r = await publishPrepared(ctx, topic, message);
      successful.push({ Id: id, MessageId: r.messageId, ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}) });
    } catch (error) {
      fail(id, error);
    }
  };
  if (topic.fifo) {
    for (const p of prepared) await publishOne(p); // entries keep their order within a group
  } else if (prepared.length > 0) {
    // A standard topic's entries go to the broker together (no deduplication or sequence to take per entry).
    try {
      await ctx.bus.publishBatch(topic, prepared.map((p) => p.message));
      for (const { id, message } of prepared) successful.push({ Id: id, MessageId: message.messageId });
    } catch (error) {
      for (const { id } of prepared) fail(id, error);
    }
  }
  const order = new Map(entries.map((e, i) => [e.Id as string, i]));
  successful.sort((a, b) => (order.get(a.Id as string) ?? 0) - (order.get(b.Id as string) ?? 0));
  return { Successful: successful, Failed: failed };
}
