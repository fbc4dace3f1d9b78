import type { Message, MessageAttributeValue, ReceiveMessageRequest, ReceiveMessageResult } from '@aws-sdk/client-sqs';
import type { Caller, Clock } from '@wharf/engine-kit';
import type { SqsContext } from '../context';
import { Errors } from '../errors';
import { Limits } from '../limits';
import { md5OfAttributes } from '../md5';
import { intParam, validateTokenId } from '../message-validation';
import { type QueueRef, parseQueueArn, parseQueueUrl, queueArn } from '../names';
import { decodePayload, unpackAttributes } from '../payload';
import type { StoredMessage, Subscription } from '../ports';
import { parseRedrivePolicy } from '../queue-attributes';
import { encodeReceiptHandle } from '../receipt';

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

/**
 * Receives up to MaxNumberOfMessages. Long polling: when nothing is receivable, subscribe to the queue's
 * notifications (send, visibility → 0, FIFO group unlock, deletion), look again, then wait for one, for the
 * earliest delayed / in-flight deadline, or for WaitTimeSeconds, on the context's clock. No sleep loop.
 */
export async function ReceiveMessage(ctx: SqsContext, input: ReceiveMessageRequest, caller: Caller): Promise<ReceiveMessageResult> {
  const signal = caller.signal;
  const ref = parseQueueUrl(input.QueueUrl, caller);
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
  const q = await ctx.queue(ref);
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
    // a dead-letter queue that does not exist takes nothing (the messages stay here, as on AWS); the store
    // cannot look at it inside the receive (on a cluster it may live on another node)
    if (dlq && !(await ctx.findQueue(dlq))) dlq = undefined;
  }
  const options = {
    max,
    visibilityMs,
    inflightLimit: q.fifo ? ctx.inflightLimitFifo : ctx.inflightLimitStandard,
    attemptId: q.fifo ? (attemptId ?? undefined) : undefined,
    attemptTtlMs: Limits.receiveAttemptMs,
    maxReceiveCount,
    dlq,
    sourceArn: queueArn(caller.region, ref),
  };
  const deadline = ctx.clock.now() + waitMs;
  let sub: Subscription | undefined;
  try {
    for (;;) {
      sub?.reset();
      const res = await ctx.store.receive(ref, options, ctx.clock.now());
      if (res.kind === 'nonexistent') {
        ctx.forget(ref);
        throw Errors.queueDoesNotExist();
      }
      if (res.kind === 'overlimit') throw Errors.overLimit();
      const now = ctx.clock.now();
      if (res.messages.length > 0 || now >= deadline || signal?.aborted) {
        return render(res.messages, ref, systemNames, input.MessageAttributeNames ?? []);
      }
      if (!sub) {
        // Subscribe, then look again: a send between the empty answer and the subscription is not lost.
        sub = await ctx.store.subscribe(ref);
        continue;
      }
      const until = Math.min(deadline, res.nextAt !== undefined ? Math.max(res.nextAt, now + 1) : deadline);
      await waitFor(ctx.clock, sub, until - now, signal);
      // The caller hung up or the service is stopping: answer empty rather than take messages nobody reads.
      if (signal?.aborted) return render([], ref, systemNames, input.MessageAttributeNames ?? []);
    }
  } finally {
    sub?.close();
  }
}

/** Resolves at the subscription's next notification, after `ms`, or when the caller goes away. */
function waitFor(clock: Clock, sub: { next(): Promise<void> }, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      timer.cancel();
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    const timer = clock.setTimeout(finish, ms);
    signal?.addEventListener('abort', finish);
    sub.next().then(finish, finish);
  });
}

function render(
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
