import type {
  ConfirmSubscriptionInput,
  ConfirmSubscriptionResponse,
  GetSubscriptionAttributesInput,
  GetSubscriptionAttributesResponse,
  ListSubscriptionsByTopicInput,
  ListSubscriptionsByTopicResponse,
  ListSubscriptionsInput,
  ListSubscriptionsResponse,
  SetSubscriptionAttributesInput,
  SubscribeInput,
  SubscribeResponse,
  Subscription,
  UnsubscribeInput,
} from '@aws-sdk/client-sns';
import type { Caller } from '@wharf/engine-kit';
import { isAuthenticated, PAGE_SIZE, TOKEN_TTL_MS, type SnsContext } from '../context';
import { validateEndpoint } from '../endpoints';
import { authorizationError, filterPolicyLimitExceeded, invalidParameter, subscriptionNotFound } from '../errors';
import { decodeNextToken, encodeNextToken, requireTopicArn } from '../names';
import type { SubscriptionRecord, TopicRecord } from '../records';
import { requireSubscription, requireTopic } from '../resources';
import { isoTimestamp, type StoredMessage } from '../stored-message';
import { subscriptionAttributesView, validateSubscriptionAttribute } from '../subscription-attributes';

const MAX_FILTER_POLICIES_PER_TOPIC = 200;
const SUBSCRIBE_PREFIX = 'Invalid parameter: Attributes Reason: ';

/** Validates Subscribe's Attributes in dependency order (FilterPolicyScope before FilterPolicy). */
function validateAttributes(input: Record<string, string>, protocol: SubscriptionRecord['protocol'], topic: TopicRecord, prefix: string) {
  const out: Record<string, string> = {};
  const order = Object.keys(input).sort((a, b) => (a === 'FilterPolicyScope' ? -1 : b === 'FilterPolicyScope' ? 1 : 0));
  for (const name of order) {
    const value = validateSubscriptionAttribute(name, input[name], { protocol, topic, attributes: { ...input, ...out } }, prefix);
    if (value !== '') out[name] = value;
  }
  return out;
}

async function countFilterPolicies(ctx: SnsContext, topicArn: string): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await ctx.store.listSubscriptionsByTopic(topicArn, after, PAGE_SIZE);
    count += page.filter((s) => s.attributes.FilterPolicy).length;
    if (page.length < PAGE_SIZE) return count;
    after = page[page.length - 1].arn;
  }
}

async function checkFilterPolicyLimit(ctx: SnsContext, topicArn: string): Promise<void> {
  if ((await countFilterPolicies(ctx, topicArn)) >= MAX_FILTER_POLICIES_PER_TOPIC) {
    throw filterPolicyLimitExceeded();
  }
}

/** The message that asks an endpoint to confirm (queued like any delivery, so it survives restarts). */
function confirmationMessage(ctx: SnsContext, sub: SubscriptionRecord, token: string): StoredMessage {
  return {
    v: 1,
    kind: 'confirmation',
    messageId: ctx.newId(),
    topicArn: sub.topicArn,
    timestamp: isoTimestamp(ctx.clock.now()),
    message: '',
    subscriptionArn: sub.arn,
    token,
  };
}

export async function Subscribe(ctx: SnsContext, input: SubscribeInput, caller: Caller): Promise<SubscribeResponse> {
  const topic = await requireTopic(ctx, input.TopicArn, caller);
  const endpoint = await validateEndpoint(input.Protocol, input.Endpoint, topic, ctx.endpoints);
  const attributes = validateAttributes(input.Attributes ?? {}, endpoint.protocol, topic, SUBSCRIBE_PREFIX);
  const pending = endpoint.protocol !== 'sqs' || endpoint.crossAccount;
  const id = ctx.newId();
  const candidate: SubscriptionRecord = {
    arn: `${topic.arn}:${id}`,
    id,
    topicArn: topic.arn,
    protocol: endpoint.protocol,
    endpoint: endpoint.endpoint,
    owner: caller.accountId,
    pendingConfirmation: pending,
    confirmationWasAuthenticated: !pending,
    attributes,
    fifo: topic.fifo,
    createdAt: ctx.clock.now(),
  };
  if (attributes.FilterPolicy) await checkFilterPolicyLimit(ctx, topic.arn);
  const { created, subscription } = await ctx.store.createSubscription(candidate);
  if (!created) {
    const same =
      Object.keys(attributes).length === 0 ||
      Object.entries(attributes).every(([k, v]) => subscription.attributes[k] === v);
    if (!same) throw invalidParameter(`${SUBSCRIBE_PREFIX}Subscription already exists with different attributes`);
    return { SubscriptionArn: subscription.pendingConfirmation && !input.ReturnSubscriptionArn ? 'pending confirmation' : subscription.arn };
  }
  try {
    if (pending) {
      const token = ctx.newToken();
      subscription.token = token;
      await ctx.store.saveToken(token, subscription.arn, TOKEN_TTL_MS);
      await ctx.store.saveSubscription(subscription);
      await ctx.bus.ensureSubscription(subscription, false);
      await ctx.bus.sendToSubscription(subscription, confirmationMessage(ctx, subscription, token));
    } else {
      await ctx.bus.ensureSubscription(subscription, true);
    }
  } catch (error) {
    await ctx.store.deleteSubscription(subscription);
    throw error;
  }
  await ctx.store.publishEvent({ kind: 'subscription', action: 'created', arn: subscription.arn });
  return { SubscriptionArn: pending && !input.ReturnSubscriptionArn ? 'pending confirmation' : subscription.arn };
}

// The token is the authority: the endpoint's owner confirms a topic of another account (cross-account SQS).
export async function ConfirmSubscription(ctx: SnsContext, input: ConfirmSubscriptionInput, caller: Caller): Promise<ConfirmSubscriptionResponse> {
  const topic = await requireTopic(ctx, input.TopicArn, undefined);
  const arn = input.Token ? await ctx.store.getToken(input.Token) : undefined;
  if (!arn) throw invalidParameter('Invalid parameter: Token');
  const sub = await ctx.store.getSubscription(arn);
  if (!sub) throw invalidParameter('Invalid parameter: Token');
  if (sub.topicArn !== topic.arn) throw invalidParameter('Invalid parameter: Topic');
  if (sub.pendingConfirmation) {
    sub.pendingConfirmation = false;
    sub.confirmationWasAuthenticated = isAuthenticated(caller);
    if (input.AuthenticateOnUnsubscribe?.toLowerCase() === 'true') sub.attributes.AuthenticateOnUnsubscribe = 'true';
    delete sub.token;
    await ctx.bus.bindSubscription(sub);
    await ctx.store.saveSubscription(sub);
    await ctx.store.publishEvent({ kind: 'subscription', action: 'updated', arn: sub.arn });
  }
  return { SubscriptionArn: sub.arn };
}

export async function Unsubscribe(ctx: SnsContext, input: UnsubscribeInput, caller: Caller): Promise<Record<string, never>> {
  const sub = await requireSubscription(ctx, input.SubscriptionArn, caller);
  if (!isAuthenticated(caller) && sub.attributes.AuthenticateOnUnsubscribe === 'true') {
    throw authorizationError('This subscription requires an authenticated Unsubscribe call.');
  }
  await ctx.bus.deleteSubscription(sub);
  await ctx.store.deleteSubscription(sub);
  await ctx.store.publishEvent({ kind: 'subscription', action: 'deleted', arn: sub.arn });
  if (sub.protocol !== 'sqs' && !sub.pendingConfirmation) ctx.onUnsubscribed?.(sub, await ctx.store.getTopic(sub.topicArn));
  return {};
}

function listed(sub: SubscriptionRecord): Subscription {
  return {
    SubscriptionArn: sub.pendingConfirmation ? 'PendingConfirmation' : sub.arn,
    Owner: sub.owner,
    Protocol: sub.protocol,
    Endpoint: sub.endpoint,
    TopicArn: sub.topicArn,
  };
}

export async function ListSubscriptions(ctx: SnsContext, input: ListSubscriptionsInput, caller: Caller): Promise<ListSubscriptionsResponse> {
  const after = decodeNextToken(input.NextToken);
  const subs = await ctx.store.listSubscriptions(caller, after, PAGE_SIZE + 1);
  const page = subs.slice(0, PAGE_SIZE);
  return {
    Subscriptions: page.map(listed),
    ...(subs.length > PAGE_SIZE ? { NextToken: encodeNextToken(page[page.length - 1].arn) } : {}),
  };
}

export async function ListSubscriptionsByTopic(ctx: SnsContext, input: ListSubscriptionsByTopicInput, caller: Caller): Promise<ListSubscriptionsByTopicResponse> {
  requireTopicArn(input.TopicArn);
  const topic = await requireTopic(ctx, input.TopicArn, caller);
  const after = decodeNextToken(input.NextToken);
  const subs = await ctx.store.listSubscriptionsByTopic(topic.arn, after, PAGE_SIZE + 1);
  const page = subs.slice(0, PAGE_SIZE);
  return {
    Subscriptions: page.map(listed),
    ...(subs.length > PAGE_SIZE ? { NextToken: encodeNextToken(page[page.length - 1].arn) } : {}),
  };
}

export async function GetSubscriptionAttributes(ctx: SnsContext, input: GetSubscriptionAttributesInput, caller: Caller): Promise<GetSubscriptionAttributesResponse> {
  const sub = await requireSubscription(ctx, input.SubscriptionArn, caller);
  const topic = await ctx.store.getTopic(sub.topicArn);
  const attributes = subscriptionAttributesView(sub, topic);
  delete attributes.AuthenticateOnUnsubscribe;
  return { Attributes: attributes };
}

export async function SetSubscriptionAttributes(ctx: SnsContext, input: SetSubscriptionAttributesInput, caller: Caller): Promise<Record<string, never>> {
  const sub = await requireSubscription(ctx, input.SubscriptionArn, caller);
  const topic = await ctx.store.getTopic(sub.topicArn);
  if (!topic) throw subscriptionNotFound();
  const name = input.AttributeName ?? '';
  const value = validateSubscriptionAttribute(
    name,
    input.AttributeValue ?? '',
    { protocol: sub.protocol, topic, attributes: sub.attributes },
    'Invalid parameter: ',
  );
  if (name === 'FilterPolicy' && value && !sub.attributes.FilterPolicy) await checkFilterPolicyLimit(ctx, topic.arn);
  if (value === '') delete sub.attributes[name];
  else sub.attributes[name] = value;
  await ctx.store.saveSubscription(sub);
  await ctx.store.publishEvent({ kind: 'subscription', action: 'updated', arn: sub.arn });
  return {};
}
