import type { Caller } from '@wharf/engine-kit';
import { isAuthenticated, type SnsContext } from './context';
import { authorizationError, invalidParameter, resourceNotFound, subscriptionNotFound, topicNotFound } from './errors';
import { parseSubscriptionArn, parseTopicArn, requireTopicArn } from './names';
import type { SubscriptionRecord, TopicRecord } from './records';

// The topic or subscription an operation names, with AWS's error for each way it can be missing.

/**
 * A signed call may only name its own account's topics (Wharf honours no cross-account topic policy): AWS
 * answers AuthorizationError before it looks, so the answer does not tell whether the topic exists. Unsigned
 * SubscribeURL / UnsubscribeURL links carry their own authority (token, subscription ARN) and pass.
 */
export function requireOwnAccount(caller: Caller | undefined, arn: string): void {
  if (!caller || !isAuthenticated(caller)) return;
  const account = arn.split(':')[4];
  if (account !== caller.accountId) {
    throw authorizationError(`User: arn:aws:iam::${caller.accountId}:root is not authorized to access resource: ${arn} because no resource-based policy allows it`);
  }
}

/** A malformed ARN is InvalidParameter naming `parameter`; an unknown topic is NotFound. */
export async function requireTopic(ctx: SnsContext, arn: string | undefined, caller: Caller | undefined, parameter = 'TopicArn'): Promise<TopicRecord> {
  requireTopicArn(arn, parameter);
  requireOwnAccount(caller, arn as string);
  const topic = await ctx.store.getTopic(arn as string);
  if (!topic) throw topicNotFound();
  return topic;
}

/** The topic of a ResourceArn (tags, data protection): unknown is ResourceNotFound. */
export async function requireResource(ctx: SnsContext, arn: string | undefined, caller: Caller): Promise<TopicRecord> {
  if (!parseTopicArn(arn)) throw invalidParameter('Invalid parameter: ResourceArn');
  requireOwnAccount(caller, arn as string);
  const topic = await ctx.store.getTopic(arn as string);
  if (!topic) throw resourceNotFound();
  return topic;
}

export async function requireSubscription(ctx: SnsContext, arn: string | undefined, caller: Caller): Promise<SubscriptionRecord> {
  if (!parseSubscriptionArn(arn)) throw invalidParameter('Invalid parameter: SubscriptionArn');
  requireOwnAccount(caller, arn as string);
  const sub = await ctx.store.getSubscription(arn as string);
  if (!sub) throw subscriptionNotFound();
  return sub;
}
