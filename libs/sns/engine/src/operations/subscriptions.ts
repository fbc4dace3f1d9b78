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
import { AwsError } from '@wharf/aws-protocol';
import { isoTimestamp } from '../clock';
import { validateEndpoint } from '../endpoints';
import { invalidParameter, subscriptionNotFound } from '../errors';
import type { SubscriptionRecord, TopicRecord } from '../model';
import { decodeNextToken, encodeNextToken, parseSubscriptionArn, requireTopicArn } from '../names';
import type { StoredMessage } from '../stored-message';
import { subscriptionAttributesView, validateSubscriptionAttribute } from '../subscription-attributes';
import { PAGE_SIZE, TOKEN_TTL_MS, type CallContext, type EngineDeps } from './context';
import { requireTopic } from './topics';

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

async function countFilterPolicies(deps: EngineDeps, topicArn: string): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await deps.store.listSubscriptionsByTopic(topicArn, after, PAGE_SIZE);
    count += page.filter((s) => s.attributes.FilterPolicy).length;
    if (page.length < PAGE_SIZE) return count;
    after = page[page.length - 1].arn;
  }
}

async function checkFilterPolicyLimit(deps: EngineDeps, topicArn: string): Promise<void> {
  if ((await countFilterPolicies(deps, topicArn)) >= MAX_FILTER_POLICIES_PER_TOPIC) {
    throw new AwsError('FilterPolicyLimitExceeded', 'Filter policy limit exceeded');
  }
}

/** The message that asks an endpoint to confirm (queued like any delivery, so it survives restarts). */
function confirmationMessage(deps: EngineDeps, sub: SubscriptionRecord, token: string): StoredMessage {
  return {
    v: 1,
    kind: 'confirmation',
    messageId: deps.newId(),
    topicArn: sub.topicArn,
    timestamp: isoTimestamp(deps.clock.now()),
    message: '',
    subscriptionArn: sub.arn,
    token,
  };
}

export async function subscribe(deps: EngineDeps, input: SubscribeInput, ctx: CallContext): Promise<SubscribeResponse> {
  const topic = await requireTopic(deps, input.TopicArn);
  const endpoint = await validateEndpoint(input.Protocol, input.Endpoint, topic, deps.endpoints);
  const attributes = validateAttributes(input.Attributes ?? {}, endpoint.protocol, topic, SUBSCRIBE_PREFIX);
  const pending = endpoint.protocol !== 'sqs' || endpoint.crossAccount;
  const id = deps.newId();
  const candidate: SubscriptionRecord = {
    arn: `${topic.arn}:${id}`,
    id,
    topicArn: topic.arn,
    protocol: endpoint.protocol,
    endpoint: endpoint.endpoint,
    owner: ctx.accountId,
    pendingConfirmation: pending,
    confirmationWasAuthenticated: !pending,
    attributes,
    fifo: topic.fifo,
    createdAt: deps.clock.now(),
  };
  if (attributes.FilterPolicy) await checkFilterPolicyLimit(deps, topic.arn);
  const { created, subscription } = await deps.store.createSubscription(candidate);
  if (!created) {
    const same =
      Object.keys(attributes).length === 0 ||
      Object.entries(attributes).every(([k, v]) => subscription.attributes[k] === v);
    if (!same) throw invalidParameter(`${SUBSCRIBE_PREFIX}Subscription already exists with different attributes`);
    return { SubscriptionArn: subscription.pendingConfirmation && !input.ReturnSubscriptionArn ? 'pending confirmation' : subscription.arn };
  }
  try {
    if (pending) {
      const token = deps.newToken();
      subscription.token = token;
      await deps.store.saveToken(token, subscription.arn, TOKEN_TTL_MS);
      await deps.store.saveSubscription(subscription);
      await deps.bus.ensureSubscription(subscription, false);
      await deps.bus.sendToSubscription(subscription, confirmationMessage(deps, subscription, token));
    } else {
      await deps.bus.ensureSubscription(subscription, true);
    }
  } catch (error) {
    await deps.store.deleteSubscription(subscription);
    throw error;
  }
  await deps.store.publishEvent({ kind: 'subscription', action: 'created', arn: subscription.arn });
  return { SubscriptionArn: pending && !input.ReturnSubscriptionArn ? 'pending confirmation' : subscription.arn };
}

export async function confirmSubscription(deps: EngineDeps, input: ConfirmSubscriptionInput, ctx: CallContext): Promise<ConfirmSubscriptionResponse> {
  const topic = await requireTopic(deps, input.TopicArn);
  const arn = input.Token ? await deps.store.getToken(input.Token) : undefined;
  if (!arn) throw invalidParameter('Invalid parameter: Token');
  const sub = await deps.store.getSubscription(arn);
  if (!sub) throw invalidParameter('Invalid parameter: Token');
  if (sub.topicArn !== topic.arn) throw invalidParameter('Invalid parameter: Topic');
  if (sub.pendingConfirmation) {
    sub.pendingConfirmation = false;
    sub.confirmationWasAuthenticated = ctx.authenticated;
    if (input.AuthenticateOnUnsubscribe?.toLowerCase() === 'true') sub.attributes.AuthenticateOnUnsubscribe = 'true';
    delete sub.token;
    await deps.bus.bindSubscription(sub);
    await deps.store.saveSubscription(sub);
    await deps.store.publishEvent({ kind: 'subscription', action: 'updated', arn: sub.arn });
  }
  return { SubscriptionArn: sub.arn };
}

async function requireSubscription(deps: EngineDeps, arn: string | undefined): Promise<SubscriptionRecord> {
  if (!parseSubscriptionArn(arn)) throw invalidParameter('Invalid parameter: SubscriptionArn');
  const sub = await deps.store.getSubscription(arn as string);
  if (!sub) throw subscriptionNotFound();
  return sub;
}

export async function unsubscribe(deps: EngineDeps, input: UnsubscribeInput, ctx: CallContext): Promise<void> {
  const sub = await requireSubscription(deps, input.SubscriptionArn);
  if (!ctx.authenticated && sub.attributes.AuthenticateOnUnsubscribe === 'true') {
    throw new AwsError('AuthorizationError', 'This subscription requires an authenticated Unsubscribe call.');
  }
  await deps.bus.deleteSubscription(sub);
  await deps.store.deleteSubscription(sub);
  await deps.store.publishEvent({ kind: 'subscription', action: 'deleted', arn: sub.arn });
  if (sub.protocol !== 'sqs' && !sub.pendingConfirmation) deps.onUnsubscribed?.(sub, await deps.store.getTopic(sub.topicArn));
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

export async function listSubscriptions(deps: EngineDeps, input: ListSubscriptionsInput, ctx: CallContext): Promise<ListSubscriptionsResponse> {
  const after = decodeNextToken(input.NextToken);
  const subs = await deps.store.listSubscriptions(ctx, after, PAGE_SIZE + 1);
  const page = subs.slice(0, PAGE_SIZE);
  return {
    Subscriptions: page.map(listed),
    ...(subs.length > PAGE_SIZE ? { NextToken: encodeNextToken(page[page.length - 1].arn) } : {}),
  };
}

export async function listSubscriptionsByTopic(deps: EngineDeps, input: ListSubscriptionsByTopicInput): Promise<ListSubscriptionsByTopicResponse> {
  requireTopicArn(input.TopicArn);
  const topic = await requireTopic(deps, input.TopicArn);
  const after = decodeNextToken(input.NextToken);
  const subs = await deps.store.listSubscriptionsByTopic(topic.arn, after, PAGE_SIZE + 1);
  const page = subs.slice(0, PAGE_SIZE);
  return {
    Subscriptions: page.map(listed),
    ...(subs.length > PAGE_SIZE ? { NextToken: encodeNextToken(page[page.length - 1].arn) } : {}),
  };
}

export async function getSubscriptionAttributes(deps: EngineDeps, input: GetSubscriptionAttributesInput): Promise<GetSubscriptionAttributesResponse> {
  const sub = await requireSubscription(deps, input.SubscriptionArn);
  const topic = await deps.store.getTopic(sub.topicArn);
  const attributes = subscriptionAttributesView(sub, topic);
  delete attributes.AuthenticateOnUnsubscribe;
  return { Attributes: attributes };
}

export async function setSubscriptionAttributes(deps: EngineDeps, input: SetSubscriptionAttributesInput): Promise<void> {
  const sub = await requireSubscription(deps, input.SubscriptionArn);
  const topic = await deps.store.getTopic(sub.topicArn);
  if (!topic) throw subscriptionNotFound();
  const name = input.AttributeName ?? '';
  const value = validateSubscriptionAttribute(
    name,
    input.AttributeValue ?? '',
    { protocol: sub.protocol, topic, attributes: sub.attributes },
    'Invalid parameter: ',
  );
  if (name === 'FilterPolicy' && value && !sub.attributes.FilterPolicy) await checkFilterPolicyLimit(deps, topic.arn);
  if (value === '') delete sub.attributes[name];
  else sub.attributes[name] = value;
  await deps.store.saveSubscription(sub);
  await deps.store.publishEvent({ kind: 'subscription', action: 'updated', arn: sub.arn });
}
