import type {
  CreateTopicInput,
  CreateTopicResponse,
  DeleteTopicInput,
  GetTopicAttributesInput,
  GetTopicAttributesResponse,
  ListTopicsInput,
  ListTopicsResponse,
  SetTopicAttributesInput,
  Tag,
} from '@aws-sdk/client-sns';
import { invalidParameter, topicNotFound } from '../errors';
import type { TopicRecord } from '../model';
import { decodeNextToken, encodeNextToken, isValidTopicName, requireTopicArn, topicArn } from '../names';
import { topicAttributesView, validateTopicAttribute } from '../topic-attributes';
import { validateTags } from './tags';
import { PAGE_SIZE, type CallContext, type EngineDeps } from './context';

const FIFO_NAME_ERROR =
  'Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.';

export async function requireTopic(deps: EngineDeps, arn: string | undefined, parameter = 'TopicArn'): Promise<TopicRecord> {
  requireTopicArn(arn, parameter);
  const topic = await deps.store.getTopic(arn as string);
  if (!topic) throw topicNotFound();
  return topic;
}

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export async function createTopic(deps: EngineDeps, input: CreateTopicInput, ctx: CallContext): Promise<CreateTopicResponse> {
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
  const arn = topicArn(ctx, name);
  const topic: TopicRecord = {
    arn,
    name,
    accountId: ctx.accountId,
    region: ctx.region,
    fifo,
    attributes,
    tags,
    ...(input.DataProtectionPolicy ? { dataProtectionPolicy: input.DataProtectionPolicy } : {}),
    createdAt: deps.clock.now(),
  };
  await deps.bus.ensureTopic(topic);
  const { created, topic: stored } = await deps.store.createTopic(topic);
  if (!created) {
    // CreateTopic is idempotent for the same attributes; a different set is an error.
    if (stored.fifo !== fifo || Object.entries(attributes).some(([k, v]) => stored.attributes[k] !== v)) {
      throw invalidParameter('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    }
    if (input.Tags && input.Tags.length > 0 && !sameEntries(tags, stored.tags)) {
      throw invalidParameter('Invalid parameter: Tags Reason: Topic already exists with different tags');
    }
  } else {
    await deps.store.publishEvent({ kind: 'topic', action: 'created', arn });
  }
  return { TopicArn: arn };
}

export async function deleteTopic(deps: EngineDeps, input: DeleteTopicInput): Promise<void> {
  requireTopicArn(input.TopicArn);
  const topic = await deps.store.getTopic(input.TopicArn as string);
  if (!topic) return; // AWS: deleting a topic that does not exist succeeds
  for (;;) {
    const subs = await deps.store.listSubscriptionsByTopic(topic.arn, undefined, PAGE_SIZE);
    if (subs.length === 0) break;
    for (const sub of subs) {
      await deps.bus.deleteSubscription(sub);
      await deps.store.deleteSubscription(sub);
      await deps.store.publishEvent({ kind: 'subscription', action: 'deleted', arn: sub.arn });
    }
  }
  await deps.bus.deleteTopic(topic);
  await deps.store.deleteTopic(topic.arn);
  await deps.store.publishEvent({ kind: 'topic', action: 'deleted', arn: topic.arn });
}

export async function listTopics(deps: EngineDeps, input: ListTopicsInput, ctx: CallContext): Promise<ListTopicsResponse> {
  const after = decodeNextToken(input.NextToken);
  const arns = await deps.store.listTopicArns(ctx, after, PAGE_SIZE + 1);
  const page = arns.slice(0, PAGE_SIZE);
  return {
    Topics: page.map((TopicArn) => ({ TopicArn })),
    ...(arns.length > PAGE_SIZE ? { NextToken: encodeNextToken(page[page.length - 1]) } : {}),
  };
}

export async function getTopicAttributes(deps: EngineDeps, input: GetTopicAttributesInput): Promise<GetTopicAttributesResponse> {
  const topic = await requireTopic(deps, input.TopicArn);
  const counts = await deps.store.countSubscriptions(topic.arn);
  const attributes = topicAttributesView(topic, counts);
  if (topic.dataProtectionPolicy) attributes.DataProtectionPolicy = topic.dataProtectionPolicy;
  return { Attributes: attributes };
}

export async function setTopicAttributes(deps: EngineDeps, input: SetTopicAttributesInput): Promise<void> {
  const topic = await requireTopic(deps, input.TopicArn);
  const name = input.AttributeName ?? '';
  if (name === 'FifoTopic') throw invalidParameter('Invalid parameter: AttributeName');
  const value = validateTopicAttribute(name, input.AttributeValue ?? '', topic.fifo, 'Invalid parameter: ');
  if (value === '' && name !== 'DisplayName') delete topic.attributes[name];
  else topic.attributes[name] = value;
  await deps.store.saveTopic(topic);
  await deps.store.publishEvent({ kind: 'topic', action: 'updated', arn: topic.arn });
}

export function tagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
