import type {
  CreateTopicInput,
  CreateTopicResponse,
  DeleteTopicInput,
  GetTopicAttributesInput,
  GetTopicAttributesResponse,
  ListTopicsInput,
  ListTopicsResponse,
  SetTopicAttributesInput,
} from '@aws-sdk/client-sns';
import type { Caller } from '@wharf/engine-kit';
import { PAGE_SIZE, type SnsContext } from '../context';
import { invalidParameter } from '../errors';
import { decodeNextToken, encodeNextToken, isValidTopicName, requireTopicArn, topicArn } from '../names';
import type { TopicRecord } from '../records';
import { requireOwnAccount, requireTopic } from '../resources';
import { validateTags } from '../tag-rules';
import { topicAttributesView, validateTopicAttribute } from '../topic-attributes';

const FIFO_NAME_ERROR =
  'Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.';

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export async function CreateTopic(ctx: SnsContext, input: CreateTopicInput, caller: Caller): Promise<CreateTopicResponse> {
  const name = input.Name ?? '';
  const requested = { ...(input.Attributes ?? {}) };
  let fifo = false;
  if ('FifoTopic' in requested) {
    const v = requested.FifoTopic.toLowerCase();
    if (v !== 'true' && v !== 'false') throw invalidParameter('Invalid parameter: Attributes Reason: FifoTopic: must be true or false');
    fifo = v === 'true';
    delete requested.FifoTopic;
  }
  if (fifo && !isValidTopicName(name, true)) throw invalidParameter(FIFO_NAME_ERROR);
  if (!fifo && !isValidTopicName(name, false)) {
    throw invalidParameter(name.endsWith('.fifo') && isValidTopicName(name, true) ? FIFO_NAME_ERROR : 'Invalid parameter: Topic Name');
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(requested)) {
    attributes[key] = validateTopicAttribute(key, value, fifo, 'Invalid parameter: Attributes Reason: ');
  }
  const tags = validateTags(input.Tags ?? []);
  const arn = topicArn(caller, name);
  const topic: TopicRecord = {
    arn,
    name,
    accountId: caller.accountId,
    region: caller.region,
    fifo,
    attributes,
    tags,
    ...(input.DataProtectionPolicy ? { dataProtectionPolicy: input.DataProtectionPolicy } : {}),
    createdAt: ctx.clock.now(),
  };
  await ctx.bus.ensureTopic(topic);
  const { created, topic: stored } = await ctx.store.createTopic(topic);
  if (!created) {
    // CreateTopic is idempotent for the same attributes; a different set is an error.
    if (stored.fifo !== fifo || Object.entries(attributes).some(([k, v]) => stored.attributes[k] !== v)) {
      throw invalidParameter('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    }
    if (input.Tags && input.Tags.length > 0 && !sameEntries(tags, stored.tags)) {
      throw invalidParameter('Invalid parameter: Tags Reason: Topic already exists with different tags');
    }
  } else {
    await ctx.store.publishEvent({ kind: 'topic', action: 'created', arn });
  }
  return { TopicArn: arn };
}

export async function DeleteTopic(ctx: SnsContext, input: DeleteTopicInput, caller: Caller): Promise<Record<string, never>> {
  requireTopicArn(input.TopicArn);
  requireOwnAccount(caller, input.TopicArn as string);
  const topic = await ctx.store.getTopic(input.TopicArn as string);
  if (!topic) return {}; // AWS: deleting a topic that does not exist succeeds
  for (;;) {
    const subs = await ctx.store.listSubscriptionsByTopic(topic.arn, undefined, PAGE_SIZE);
    if (subs.length === 0) break;
    for (const sub of subs) {
      await ctx.bus.deleteSubscription(sub);
      await ctx.store.deleteSubscription(sub);
      await ctx.store.publishEvent({ kind: 'subscription', action: 'deleted', arn: sub.arn });
    }
  }
  await ctx.bus.deleteTopic(topic);
  await ctx.store.deleteTopic(topic.arn);
  await ctx.store.publishEvent({ kind: 'topic', action: 'deleted', arn: topic.arn });
  return {};
}

export async function ListTopics(ctx: SnsContext, input: ListTopicsInput, caller: Caller): Promise<ListTopicsResponse> {
  const after = decodeNextToken(input.NextToken);
  const arns = await ctx.store.listTopicArns(caller, after, PAGE_SIZE + 1);
  const page = arns.slice(0, PAGE_SIZE);
  return {
    Topics: page.map((TopicArn) => ({ TopicArn })),
    ...(arns.length > PAGE_SIZE ? { NextToken: encodeNextToken(page[page.length - 1]) } : {}),
  };
}

export async function GetTopicAttributes(ctx: SnsContext, input: GetTopicAttributesInput, caller: Caller): Promise<GetTopicAttributesResponse> {
  const topic = await requireTopic(ctx, input.TopicArn, caller);
  const counts = await ctx.store.countSubscriptions(topic.arn);
  const attributes = topicAttributesView(topic, counts);
  if (topic.dataProtectionPolicy) attributes.DataProtectionPolicy = topic.dataProtectionPolicy;
  return { Attributes: attributes };
}

export async function SetTopicAttributes(ctx: SnsContext, input: SetTopicAttributesInput, caller: Caller): Promise<Record<string, never>> {
  const topic = await requireTopic(ctx, input.TopicArn, caller);
  const name = input.AttributeName ?? '';
  if (name === 'FifoTopic') throw invalidParameter('Invalid parameter: AttributeName');
  const value = validateTopicAttribute(name, input.AttributeValue ?? '', topic.fifo, 'Invalid parameter: ');
  if (value === '' && name !== 'DisplayName') delete topic.attributes[name];
  else topic.attributes[name] = value;
  await ctx.store.saveTopic(topic);
  await ctx.store.publishEvent({ kind: 'topic', action: 'updated', arn: topic.arn });
  return {};
}
