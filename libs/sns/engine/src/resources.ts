import type { SnsContext } from './context';
import { invalidParameter, resourceNotFound, subscriptionNotFound, topicNotFound } from './errors';
import { parseSubscriptionArn, parseTopicArn, requireTopicArn } from './names';
import type { SubscriptionRecord, TopicRecord } from './records';

// The topic or subscription an operation names, with AWS's error for each way it can be missing.

/** A malformed ARN is InvalidParameter naming `parameter`; an unknown topic is NotFound. */
export async function requireTopic(ctx: SnsContext, arn: string | undefined, parameter = 'TopicArn'): Promise<TopicRecord> {
  requireTopicArn(arn, parameter);
  const topic = await ctx.store.getTopic(arn as string);
  if (!topic) throw topicNotFound();
  return topic;
}

/** The topic of a ResourceArn (tags, data protection): unknown is ResourceNotFound. */
export async function requireResource(ctx: SnsContext, arn: string | undefined): Promise<TopicRecord> {
  if (!parseTopicArn(arn)) throw invalidParameter('Invalid parameter: ResourceArn');
  const topic = await ctx.store.getTopic(arn as string);
  if (!topic) throw resourceNotFound();
  return topic;
}

export async function requireSubscription(ctx: SnsContext, arn: string | undefined): Promise<SubscriptionRecord> {
  if (!parseSubscriptionArn(arn)) throw invalidParameter('Invalid parameter: SubscriptionArn');
  const sub = await ctx.store.getSubscription(arn as string);
  if (!sub) throw subscriptionNotFound();
  return sub;
}
