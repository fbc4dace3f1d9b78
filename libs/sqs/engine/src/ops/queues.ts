import type {
  CreateQueueRequest,
  CreateQueueResult,
  DeleteQueueRequest,
  GetQueueAttributesRequest,
  GetQueueAttributesResult,
  GetQueueUrlRequest,
  GetQueueUrlResult,
  ListQueuesRequest,
  ListQueuesResult,
  PurgeQueueRequest,
  SetQueueAttributesRequest,
} from '@aws-sdk/client-sqs';
import type { Caller } from '@wharf/engine-kit';
import type { SqsContext } from '../context';
import { Errors } from '../errors';
import { Limits } from '../limits';
import { type QueueRef, isFifoName, parseQueueArn, parseQueueUrl, queueArn, validateQueueName } from '../names';
import { decodeToken, encodeToken } from '../page-token';
import {
  ALL_QUEUE_ATTRIBUTES,
  defaultAttributes,
  parseRedriveAllowPolicy,
  parseRedrivePolicy,
  validateQueueAttributes,
} from '../queue-attributes';
import { validateTags } from '../tags';

// Queue lifecycle and attributes. Attributes are read through the context's short cache, except where an
// answer must see the latest change (GetQueueAttributes, SetQueueAttributes, redrive targets).

export async function CreateQueue(ctx: SqsContext, input: CreateQueueRequest, caller: Caller): Promise<CreateQueueResult> {
  const name = input.QueueName;
  if (name === undefined || name === null || name === '') throw Errors.missingParameter('QueueName');
  const given = input.Attributes ?? {};
  const fifo = String(given.FifoQueue ?? '').toLowerCase() === 'true';
  validateQueueName(name, fifo);
  if (!fifo && isFifoName(name)) validateQueueName(name, false);
  const attrs = validateQueueAttributes(given, fifo, true);
  const ref: QueueRef = { account: caller.accountId, name };
  await checkRedrive(ctx, attrs, ref, fifo, caller);
  const tags = validateTags(input.tags ?? {});
  const all = { ...defaultAttributes(fifo), ...attrs };
  for (const k of ['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId']) if (all[k] === '') delete all[k];
  const res = await ctx.store.createQueue(ref, all, attrs, tags, ctx.clock.now(), ctx.deleteRecreateMs);
  if (res.kind === 'mismatch') throw Errors.queueNameExists(res.attribute);
  if (res.kind === 'deletedRecently') throw Errors.queueDeletedRecently();
  ctx.forget(ref);
  return { QueueUrl: ctx.urlOf(caller, ref) };
}

export async function GetQueueUrl(ctx: SqsContext, input: GetQueueUrlRequest, caller: Caller): Promise<GetQueueUrlResult> {
  if (!input.QueueName) throw Errors.missingParameter('QueueName');
  const ref = { account: input.QueueOwnerAWSAccountId || caller.accountId, name: input.QueueName };
  if (!/^[A-Za-z0-9_.-]{1,80}$/.test(ref.name)) throw Errors.queueDoesNotExist();
  // Another account's queue is one the caller cannot see (no cross-account queue policies in Wharf).
  if (ref.account !== caller.accountId) throw Errors.queueDoesNotExist();
  await ctx.queue(ref, true);
  return { QueueUrl: ctx.urlOf(caller, ref) };
}

export async function ListQueues(ctx: SqsContext, input: ListQueuesRequest, caller: Caller): Promise<ListQueuesResult> {
  const max = input.MaxResults;
  if (max !== undefined && max !== null && (!Number.isInteger(max) || max < 1 || max > Limits.listQueuesMax)) {
    throw Errors.invalidValue('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.');
  }
  const after = input.NextToken ? decodeToken(input.NextToken) : undefined;
  const limit = max ?? Limits.listQueuesMax;
  const names = await ctx.store.listQueues(caller.accountId, input.QueueNamePrefix ?? '', after, limit + 1);
  const page = names.slice(0, limit);
  const more = max !== undefined && max !== null && names.length > limit;
  return {
    QueueUrls: page.map((name) => ctx.urlOf(caller, { account: caller.accountId, name })),
    ...(more ? { NextToken: encodeToken(page[page.length - 1]) } : {}),
  };
}

export async function DeleteQueue(ctx: SqsContext, input: DeleteQueueRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const ok = await ctx.store.deleteQueue(ref, ctx.clock.now(), ctx.deleteRecreateMs);
  ctx.forget(ref);
  if (!ok) throw Errors.queueDoesNotExist();
  return {};
}

export async function GetQueueAttributes(ctx: SqsContext, input: GetQueueAttributesRequest, caller: Caller): Promise<GetQueueAttributesResult> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const requested = new Set<string>();
  for (const n of input.AttributeNames ?? []) {
    if (n === 'All') ALL_QUEUE_ATTRIBUTES.forEach((a) => requested.add(a));
    else if ((ALL_QUEUE_ATTRIBUTES as readonly string[]).includes(n)) requested.add(n);
    else throw Errors.invalidAttributeName(n);
  }
  const rec = await ctx.queue(ref, true);
  const out: Record<string, string> = {};
  const needCounts = [...requested].some((n) => n.startsWith('ApproximateNumberOfMessages'));
  const counts = needCounts ? await ctx.store.counts(ref, ctx.clock.now()) : undefined;
  for (const name of ALL_QUEUE_ATTRIBUTES) {
    if (!requested.has(name)) continue;
    switch (name) {
      case 'ApproximateNumberOfMessages':
        out[name] = String(counts?.visible ?? 0);
        break;
      case 'ApproximateNumberOfMessagesNotVisible':
        out[name] = String(counts?.notVisible ?? 0);
        break;
      case 'ApproximateNumberOfMessagesDelayed':
        out[name] = String(counts?.delayed ?? 0);
        break;
      case 'CreatedTimestamp':
        out[name] = String(Math.floor(rec.createdMs / 1000));
        break;
      case 'LastModifiedTimestamp':
        out[name] = String(Math.floor(rec.modifiedMs / 1000));
        break;
      case 'QueueArn':
        out[name] = queueArn(caller.region, ref);
        break;
      case 'KmsDataKeyReusePeriodSeconds':
        if (rec.attributes.KmsMasterKeyId) out[name] = rec.attributes[name] ?? '300';
        break;
      default:
        if (rec.attributes[name] !== undefined && rec.attributes[name] !== '') out[name] = rec.attributes[name];
    }
  }
  return { Attributes: out };
}

export async function SetQueueAttributes(ctx: SqsContext, input: SetQueueAttributesRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  if (!input.Attributes) throw Errors.missingParameter('Attribute.Name');
  const rec = await ctx.queue(ref, true);
  const attrs = validateQueueAttributes(input.Attributes, rec.fifo, false);
  const scope = attrs.DeduplicationScope ?? rec.attributes.DeduplicationScope;
  if ((attrs.FifoThroughputLimit ?? rec.attributes.FifoThroughputLimit) === 'perMessageGroupId' && scope === 'queue') {
    throw Errors.invalidAttributeValue(
      'FifoThroughputLimit',
      'The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup',
    );
  }
  await checkRedrive(ctx, attrs, ref, rec.fifo, caller);
  const remove = Object.keys(attrs).filter((k) => attrs[k] === '' && ['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId'].includes(k));
  for (const k of remove) delete attrs[k];
  const ok = await ctx.store.setAttributes(ref, attrs, remove, ctx.clock.now());
  ctx.forget(ref);
  if (!ok) throw Errors.queueDoesNotExist();
  return {};
}

/** A RedrivePolicy must name an existing dead-letter queue of the same type that allows this source. */
async function checkRedrive(ctx: SqsContext, attrs: Record<string, string>, ref: QueueRef, fifo: boolean, caller: Caller): Promise<void> {
  const raw = attrs.RedrivePolicy;
  if (!raw) return;
  const policy = parseRedrivePolicy(raw);
  const target = parseQueueArn(policy.deadLetterTargetArn);
  // A dead-letter queue is in the source's account (AWS); another account's queue is not seen.
  const dlq = target && target.account === caller.accountId ? await ctx.findQueue(target, true) : undefined;
  if (!target || !dlq) throw Errors.invalidValue('RedrivePolicy', raw, 'Dead letter target does not exist.');
  if (dlq.fifo !== fifo) {
    throw Errors.invalidValue('RedrivePolicy', raw, 'Dead-letter queue must be same type of queue as the source.');
  }
  const allow = dlq.attributes.RedriveAllowPolicy ? parseRedriveAllowPolicy(dlq.attributes.RedriveAllowPolicy) : undefined;
  const sourceArn = queueArn(caller.region, ref);
  if (
    allow &&
    (allow.redrivePermission === 'denyAll' ||
      (allow.redrivePermission === 'byQueue' && !(allow.sourceQueueArns ?? []).includes(sourceArn)))
  ) {
    throw Errors.invalidValue('RedrivePolicy', raw, `Queue ${policy.deadLetterTargetArn} does not allow this queue to use it as a dead-letter queue.`);
  }
  attrs.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: policy.maxReceiveCount });
}

export async function PurgeQueue(ctx: SqsContext, input: PurgeQueueRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const res = await ctx.store.purge(ref, ctx.clock.now(), ctx.purgeWindowMs);
  if (res === 'nonexistent') throw Errors.queueDoesNotExist();
  if (res === 'inProgress') throw Errors.purgeInProgress(ctx.urlOf(caller, ref));
  return {};
}
