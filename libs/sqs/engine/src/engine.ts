import { randomUUID } from 'node:crypto';
import type {
  AddPermissionRequest,
  CancelMessageMoveTaskRequest,
  CancelMessageMoveTaskResult,
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  ChangeMessageVisibilityRequest,
  CreateQueueRequest,
  CreateQueueResult,
  DeleteMessageBatchRequest,
  DeleteMessageBatchResult,
  DeleteMessageRequest,
  DeleteQueueRequest,
  GetQueueAttributesRequest,
  GetQueueAttributesResult,
  GetQueueUrlRequest,
  GetQueueUrlResult,
  ListDeadLetterSourceQueuesRequest,
  ListDeadLetterSourceQueuesResult,
  ListMessageMoveTasksRequest,
  ListMessageMoveTasksResult,
  ListQueueTagsRequest,
  ListQueueTagsResult,
  ListQueuesRequest,
  ListQueuesResult,
  PurgeQueueRequest,
  ReceiveMessageRequest,
  ReceiveMessageResult,
  RemovePermissionRequest,
  SendMessageBatchRequest,
  SendMessageBatchResult,
  SendMessageRequest,
  SendMessageResult,
  SetQueueAttributesRequest,
  StartMessageMoveTaskRequest,
  StartMessageMoveTaskResult,
  TagQueueRequest,
  UntagQueueRequest,
} from '@aws-sdk/client-sqs';
import { type Clock, systemClock } from './clock';
import { Errors, SqsError, isSqsError } from './errors';
import { Limits } from './limits';
import { Messages } from './messages';
import { MoveTasks } from './move-tasks';
import {
  type CallContext,
  type QueueRef,
  isFifoName,
  parseQueueArn,
  parseQueueUrl,
  queueArn,
  queueKey,
  queueUrl,
  validateQueueName,
} from './names';
import {
  ALL_QUEUE_ATTRIBUTES,
  defaultAttributes,
  parseRedriveAllowPolicy,
  parseRedrivePolicy,
  validateQueueAttributes,
} from './queue-attributes';
import type { QueueRecord, SqsStore } from './store';

export interface EngineOptions {
  clock?: Clock;
  /** How long a queue's attributes may be served from memory (AWS: changes take up to 60 s). */
  metaCacheMs?: number;
  deleteRecreateMs?: number;
  purgeWindowMs?: number;
  inflightLimitStandard?: number;
  inflightLimitFifo?: number;
}

/**
 * SQS semantics, one method per operation, typed with the SDK's own shapes. State lives in the store;
 * this class validates, computes MD5s and attributes, and runs long polls.
 */
export class SqsEngine {
  readonly clock: Clock;
  readonly options: Required<EngineOptions>;
  private readonly cache = new Map<string, { rec: QueueRecord; at: number }>();
  private readonly messages: Messages;
  readonly moveTasks: MoveTasks;

  constructor(
    readonly store: SqsStore,
    options: EngineOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.options = {
      clock: this.clock,
      metaCacheMs: options.metaCacheMs ?? 1_000,
      deleteRecreateMs: options.deleteRecreateMs ?? Limits.deleteRecreateMs,
      purgeWindowMs: options.purgeWindowMs ?? Limits.purgeWindowMs,
      inflightLimitStandard: options.inflightLimitStandard ?? Limits.inflightStandard,
      inflightLimitFifo: options.inflightLimitFifo ?? Limits.inflightFifo,
    };
    this.messages = new Messages(this);
    this.moveTasks = new MoveTasks(this);
  }

  // ---- queue lookup -------------------------------------------------------------------------------

  /** The queue named by a QueueUrl, from a short cache; throws QueueDoesNotExist. */
  async queue(url: string | undefined, ctx: CallContext): Promise<QueueRecord> {
    return this.queueByRef(parseQueueUrl(url, ctx));
  }

  async queueByRef(ref: QueueRef, fresh = false): Promise<QueueRecord> {
    const rec = await this.findQueue(ref, fresh);
    if (!rec) throw Errors.queueDoesNotExist();
    return rec;
  }

  async findQueue(ref: QueueRef, fresh = false): Promise<QueueRecord | undefined> {
    const key = queueKey(ref);
    const hit = this.cache.get(key);
    const now = this.clock.now();
    if (!fresh && hit && now - hit.at < this.options.metaCacheMs) return hit.rec;
    const rec = await this.store.getQueue(ref);
    if (rec) this.cache.set(key, { rec, at: now });
    else this.cache.delete(key);
    if (this.cache.size > 10_000) this.cache.clear();
    return rec;
  }

  forget(ref: QueueRef): void {
    this.cache.delete(queueKey(ref));
  }

  // ---- queues -------------------------------------------------------------------------------------

  async CreateQueue(input: CreateQueueRequest, ctx: CallContext): Promise<CreateQueueResult> {
    const name = input.QueueName;
    if (name === undefined || name === null || name === '') throw Errors.missingParameter('QueueName');
    const given = input.Attributes ?? {};
    const fifo = String(given.FifoQueue ?? '').toLowerCase() === 'true';
    validateQueueName(name, fifo);
    if (!fifo && isFifoName(name)) validateQueueName(name, false);
    const attrs = validateQueueAttributes(given, fifo, true);
    const ref: QueueRef = { account: ctx.accountId, name };
    await this.checkRedrive(attrs, ref, fifo, ctx);
    const tags = validateTags(input.tags ?? {});
    const all = { ...defaultAttributes(fifo), ...attrs };
    for (const k of ['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId']) if (all[k] === '') delete all[k];
    const res = await this.store.createQueue(ref, all, attrs, tags, this.clock.now(), this.options.deleteRecreateMs);
    if (res.kind === 'mismatch') throw Errors.queueNameExists(res.attribute);
    if (res.kind === 'deletedRecently') throw Errors.queueDeletedRecently();
    this.forget(ref);
    return { QueueUrl: queueUrl(ctx, ref) };
  }

  async GetQueueUrl(input: GetQueueUrlRequest, ctx: CallContext): Promise<GetQueueUrlResult> {
    if (!input.QueueName) throw Errors.missingParameter('QueueName');
    const ref = { account: input.QueueOwnerAWSAccountId || ctx.accountId, name: input.QueueName };
    if (!/^[A-Za-z0-9_.-]{1,80}$/.test(ref.name)) throw Errors.queueDoesNotExist();
    await this.queueByRef(ref, true);
    return { QueueUrl: queueUrl(ctx, ref) };
  }

  async ListQueues(input: ListQueuesRequest, ctx: CallContext): Promise<ListQueuesResult> {
    const max = input.MaxResults;
    if (max !== undefined && max !== null && (!Number.isInteger(max) || max < 1 || max > Limits.listQueuesMax)) {
      throw Errors.invalidValue('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.');
    }
    const after = input.NextToken ? decodeToken(input.NextToken) : undefined;
    const limit = max ?? Limits.listQueuesMax;
    const names = await this.store.listQueues(ctx.accountId, input.QueueNamePrefix ?? '', after, limit + 1);
    const page = names.slice(0, limit);
    const more = max !== undefined && max !== null && names.length > limit;
    return {
      QueueUrls: page.map((name) => queueUrl(ctx, { account: ctx.accountId, name })),
      ...(more ? { NextToken: encodeToken(page[page.length - 1]) } : {}),
    };
  }

  async DeleteQueue(input: DeleteQueueRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const ok = await this.store.deleteQueue(ref, this.clock.now(), this.options.deleteRecreateMs);
    this.forget(ref);
    if (!ok) throw Errors.queueDoesNotExist();
    return {};
  }

  async GetQueueAttributes(input: GetQueueAttributesRequest, ctx: CallContext): Promise<GetQueueAttributesResult> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const requested = new Set<string>();
    for (const n of input.AttributeNames ?? []) {
      if (n === 'All') ALL_QUEUE_ATTRIBUTES.forEach((a) => requested.add(a));
      else if ((ALL_QUEUE_ATTRIBUTES as readonly string[]).includes(n)) requested.add(n);
      else throw Errors.invalidAttributeName(n);
    }
    const rec = await this.queueByRef(ref, true);
    const out: Record<string, string> = {};
    const needCounts = [...requested].some((n) => n.startsWith('ApproximateNumberOfMessages'));
    const counts = needCounts ? await this.store.counts(ref, this.clock.now()) : undefined;
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
          out[name] = queueArn(ctx.region, ref);
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

  async SetQueueAttributes(input: SetQueueAttributesRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    if (!input.Attributes) throw Errors.missingParameter('Attribute.Name');
    const rec = await this.queueByRef(ref, true);
    const attrs = validateQueueAttributes(input.Attributes, rec.fifo, false);
    const scope = attrs.DeduplicationScope ?? rec.attributes.DeduplicationScope;
    if ((attrs.FifoThroughputLimit ?? rec.attributes.FifoThroughputLimit) === 'perMessageGroupId' && scope === 'queue') {
      throw Errors.invalidAttributeValue(
        'FifoThroughputLimit',
        'The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup',
      );
    }
    await this.checkRedrive(attrs, ref, rec.fifo, ctx);
    const remove = Object.keys(attrs).filter((k) => attrs[k] === '' && ['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId'].includes(k));
    for (const k of remove) delete attrs[k];
    const ok = await this.store.setAttributes(ref, attrs, remove, this.clock.now());
    this.forget(ref);
    if (!ok) throw Errors.queueDoesNotExist();
    return {};
  }

  /** A RedrivePolicy must name an existing dead-letter queue of the same type that allows this source. */
  private async checkRedrive(attrs: Record<string, string>, ref: QueueRef, fifo: boolean, ctx: CallContext): Promise<void> {
    const raw = attrs.RedrivePolicy;
    if (!raw) return;
    const policy = parseRedrivePolicy(raw);
    const target = parseQueueArn(policy.deadLetterTargetArn);
    const dlq = target ? await this.findQueue(target, true) : undefined;
    if (!target || !dlq) throw Errors.invalidValue('RedrivePolicy', raw, 'Dead letter target does not exist.');
    if (dlq.fifo !== fifo) {
      throw Errors.invalidValue('RedrivePolicy', raw, 'Dead-letter queue must be same type of queue as the source.');
    }
    const allow = dlq.attributes.RedriveAllowPolicy ? parseRedriveAllowPolicy(dlq.attributes.RedriveAllowPolicy) : undefined;
    const sourceArn = queueArn(ctx.region, ref);
    if (
      allow &&
      (allow.redrivePermission === 'denyAll' ||
        (allow.redrivePermission === 'byQueue' && !(allow.sourceQueueArns ?? []).includes(sourceArn)))
    ) {
      throw Errors.invalidValue('RedrivePolicy', raw, `Queue ${policy.deadLetterTargetArn} does not allow this queue to use it as a dead-letter queue.`);
    }
    attrs.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: policy.maxReceiveCount });
  }

  async PurgeQueue(input: PurgeQueueRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const res = await this.store.purge(ref, this.clock.now(), this.options.purgeWindowMs);
    if (res === 'nonexistent') throw Errors.queueDoesNotExist();
    if (res === 'inProgress') throw Errors.purgeInProgress(queueUrl(ctx, ref));
    return {};
  }

  // ---- tags and permissions ------------------------------------------------------------------------

  async TagQueue(input: TagQueueRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    if (!input.Tags || Object.keys(input.Tags).length === 0) throw Errors.missingParameter('Tags');
    const tags = validateTags(input.Tags);
    const existing = await this.store.getTags(ref);
    if (!existing) throw Errors.queueDoesNotExist();
    if (Object.keys({ ...existing, ...tags }).length > Limits.maxTags) {
      throw Errors.invalidParameterValue(`Too many tags added for queue ${ref.name}.`);
    }
    await this.store.setTags(ref, tags, []);
    return {};
  }

  async UntagQueue(input: UntagQueueRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    if (!input.TagKeys || input.TagKeys.length === 0) throw Errors.missingParameter('TagKeys');
    if (!(await this.store.setTags(ref, {}, input.TagKeys))) throw Errors.queueDoesNotExist();
    return {};
  }

  async ListQueueTags(input: ListQueueTagsRequest, ctx: CallContext): Promise<ListQueueTagsResult> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    const tags = await this.store.getTags(ref);
    if (!tags) throw Errors.queueDoesNotExist();
    return Object.keys(tags).length ? { Tags: tags } : {};
  }

  /** AddPermission writes a statement (Sid = Label) into the queue's Policy, as AWS does. */
  async AddPermission(input: AddPermissionRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    if (!input.Label) throw Errors.missingParameter('Label');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(input.Label)) {
      throw Errors.invalidValue('Label', input.Label, 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    if (!input.AWSAccountIds?.length) throw Errors.missingParameter('AWSAccountId');
    if (!input.Actions?.length) throw Errors.missingParameter('ActionName');
    const rec = await this.queueByRef(ref, true);
    const policy = readPolicy(rec.attributes.Policy, queueArn(ctx.region, ref));
    if (policy.Statement.some((s) => s.Sid === input.Label)) {
      throw Errors.invalidValue('Label', input.Label, 'Already exists.');
    }
    policy.Statement.push({
      Sid: input.Label,
      Effect: 'Allow',
      Principal: { AWS: input.AWSAccountIds.map((a) => `arn:aws:iam::${a}:root`) },
      Action: input.Actions.map((a) => (a === '*' ? 'SQS:*' : `SQS:${a}`)),
      Resource: queueArn(ctx.region, ref),
    });
    await this.store.setAttributes(ref, { Policy: JSON.stringify(policy) }, [], this.clock.now());
    this.forget(ref);
    return {};
  }

  async RemovePermission(input: RemovePermissionRequest, ctx: CallContext): Promise<Record<string, never>> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    if (!input.Label) throw Errors.missingParameter('Label');
    const rec = await this.queueByRef(ref, true);
    const policy = readPolicy(rec.attributes.Policy, queueArn(ctx.region, ref));
    const kept = policy.Statement.filter((s) => s.Sid !== input.Label);
    if (kept.length === policy.Statement.length) throw Errors.invalidValue('Label', input.Label, "can't find label.");
    if (kept.length === 0) await this.store.setAttributes(ref, {}, ['Policy'], this.clock.now());
    else await this.store.setAttributes(ref, { Policy: JSON.stringify({ ...policy, Statement: kept }) }, [], this.clock.now());
    this.forget(ref);
    return {};
  }

  // ---- messages (see messages.ts) -------------------------------------------------------------------

  SendMessage(input: SendMessageRequest, ctx: CallContext): Promise<SendMessageResult> {
    return this.messages.send(input, ctx);
  }
  SendMessageBatch(input: SendMessageBatchRequest, ctx: CallContext): Promise<SendMessageBatchResult> {
    return this.messages.sendBatch(input, ctx);
  }
  ReceiveMessage(input: ReceiveMessageRequest, ctx: CallContext, signal?: AbortSignal): Promise<ReceiveMessageResult> {
    return this.messages.receive(input, ctx, signal);
  }
  DeleteMessage(input: DeleteMessageRequest, ctx: CallContext): Promise<Record<string, never>> {
    return this.messages.delete(input, ctx);
  }
  DeleteMessageBatch(input: DeleteMessageBatchRequest, ctx: CallContext): Promise<DeleteMessageBatchResult> {
    return this.messages.deleteBatch(input, ctx);
  }
  ChangeMessageVisibility(input: ChangeMessageVisibilityRequest, ctx: CallContext): Promise<Record<string, never>> {
    return this.messages.changeVisibility(input, ctx);
  }
  ChangeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchRequest,
    ctx: CallContext,
  ): Promise<ChangeMessageVisibilityBatchResult> {
    return this.messages.changeVisibilityBatch(input, ctx);
  }

  // ---- dead-letter queues -------------------------------------------------------------------------

  async ListDeadLetterSourceQueues(
    input: ListDeadLetterSourceQueuesRequest,
    ctx: CallContext,
  ): Promise<ListDeadLetterSourceQueuesResult> {
    const ref = parseQueueUrl(input.QueueUrl, ctx);
    await this.queueByRef(ref, true);
    const max = input.MaxResults;
    if (max !== undefined && max !== null && (!Number.isInteger(max) || max < 1 || max > 1000)) {
      throw Errors.invalidValue('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.');
    }
    const sources = await this.deadLetterSources(ref);
    const after = input.NextToken ? decodeToken(input.NextToken) : undefined;
    const rest = after === undefined ? sources : sources.filter((n) => n > after);
    const page = max ? rest.slice(0, max) : rest;
    return {
      queueUrls: page.map((name) => queueUrl(ctx, { account: ref.account, name })),
      ...(max && rest.length > max ? { NextToken: encodeToken(page[page.length - 1]) } : {}),
    };
  }

  /** Names of the account's queues whose RedrivePolicy targets `dlq`, sorted. */
  async deadLetterSources(dlq: QueueRef): Promise<string[]> {
    const out: string[] = [];
    let after: string | undefined;
    for (;;) {
      const names = await this.store.listQueues(dlq.account, '', after, 1000);
      for (const name of names) {
        const rec = await this.store.getQueue({ account: dlq.account, name });
        const rp = rec?.attributes.RedrivePolicy;
        if (!rp) continue;
        try {
          const target = parseQueueArn(parseRedrivePolicy(rp).deadLetterTargetArn);
          if (target && target.account === dlq.account && target.name === dlq.name) out.push(name);
        } catch {
          /* a stored policy is valid; ignore otherwise */
        }
      }
      if (names.length < 1000) break;
      after = names[names.length - 1];
    }
    return out.sort();
  }

  StartMessageMoveTask(input: StartMessageMoveTaskRequest, ctx: CallContext): Promise<StartMessageMoveTaskResult> {
    return this.moveTasks.start(input, ctx);
  }
  ListMessageMoveTasks(input: ListMessageMoveTasksRequest, ctx: CallContext): Promise<ListMessageMoveTasksResult> {
    return this.moveTasks.list(input, ctx);
  }
  CancelMessageMoveTask(input: CancelMessageMoveTaskRequest, ctx: CallContext): Promise<CancelMessageMoveTaskResult> {
    return this.moveTasks.cancel(input, ctx);
  }
}

function validateTags(tags: Record<string, string>): Record<string, string> {
  const keys = Object.keys(tags);
  if (keys.length > Limits.maxTags) throw Errors.invalidParameterValue('Too many tags added for queue.');
  for (const k of keys) {
    const v = tags[k] ?? '';
    if (k.length < 1 || k.length > 128) throw Errors.invalidParameterValue(`Tag key ${k} must be between 1 and 128 characters.`);
    if (v.length > 256) throw Errors.invalidParameterValue(`Tag value for key ${k} must be at most 256 characters.`);
  }
  return Object.fromEntries(keys.map((k) => [k, String(tags[k] ?? '')]));
}

interface PolicyDoc {
  Version: string;
  Id?: string;
  Statement: { Sid?: string; [k: string]: unknown }[];
}

function readPolicy(raw: string | undefined, arn: string): PolicyDoc {
  if (raw) {
    try {
      const p = JSON.parse(raw) as PolicyDoc;
      if (!Array.isArray(p.Statement)) p.Statement = p.Statement ? [p.Statement as never] : [];
      return p;
    } catch {
      /* fall through */
    }
  }
  return { Version: '2012-10-17', Id: `${arn}/SQSDefaultPolicy`, Statement: [] };
}

export const encodeToken = (s: string) => Buffer.from(JSON.stringify({ after: s }), 'utf8').toString('base64');
export function decodeToken(t: string): string {
  try {
    const o = JSON.parse(Buffer.from(t, 'base64').toString('utf8'));
    if (typeof o.after === 'string') return o.after;
  } catch {
    /* below */
  }
  throw Errors.invalidParameterValue('Invalid NextToken value.');
}

export const newMessageId = () => randomUUID();
export { SqsError, isSqsError };
