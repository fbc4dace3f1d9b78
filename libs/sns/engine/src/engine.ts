import type * as Sns from '@aws-sdk/client-sns';
import type { CallContext, EngineDeps } from './operations/context';
import * as permissions from './operations/permissions';
import * as publishing from './operations/publish';
import * as subscriptions from './operations/subscriptions';
import * as tags from './operations/tags';
import * as topics from './operations/topics';

/** The SNS operations over injected store, bus, FIFO state and clock. */
export class SnsEngine {
  constructor(readonly deps: EngineDeps) {}

  createTopic(input: Sns.CreateTopicInput, ctx: CallContext) {
    return topics.createTopic(this.deps, input, ctx);
  }
  deleteTopic(input: Sns.DeleteTopicInput) {
    return topics.deleteTopic(this.deps, input);
  }
  listTopics(input: Sns.ListTopicsInput, ctx: CallContext) {
    return topics.listTopics(this.deps, input, ctx);
  }
  getTopicAttributes(input: Sns.GetTopicAttributesInput) {
    return topics.getTopicAttributes(this.deps, input);
  }
  setTopicAttributes(input: Sns.SetTopicAttributesInput) {
    return topics.setTopicAttributes(this.deps, input);
  }
  subscribe(input: Sns.SubscribeInput, ctx: CallContext) {
    return subscriptions.subscribe(this.deps, input, ctx);
  }
  confirmSubscription(input: Sns.ConfirmSubscriptionInput, ctx: CallContext) {
    return subscriptions.confirmSubscription(this.deps, input, ctx);
  }
  unsubscribe(input: Sns.UnsubscribeInput, ctx: CallContext) {
    return subscriptions.unsubscribe(this.deps, input, ctx);
  }
  listSubscriptions(input: Sns.ListSubscriptionsInput, ctx: CallContext) {
    return subscriptions.listSubscriptions(this.deps, input, ctx);
  }
  listSubscriptionsByTopic(input: Sns.ListSubscriptionsByTopicInput) {
    return subscriptions.listSubscriptionsByTopic(this.deps, input);
  }
  getSubscriptionAttributes(input: Sns.GetSubscriptionAttributesInput) {
    return subscriptions.getSubscriptionAttributes(this.deps, input);
  }
  setSubscriptionAttributes(input: Sns.SetSubscriptionAttributesInput) {
    return subscriptions.setSubscriptionAttributes(this.deps, input);
  }
  publish(input: Sns.PublishInput) {
    return publishing.publish(this.deps, input);
  }
  publishBatch(input: Sns.PublishBatchInput) {
    return publishing.publishBatch(this.deps, input);
  }
  tagResource(input: Sns.TagResourceRequest) {
    return tags.tagResource(this.deps, input);
  }
  untagResource(input: Sns.UntagResourceRequest) {
    return tags.untagResource(this.deps, input);
  }
  listTagsForResource(input: Sns.ListTagsForResourceRequest) {
    return tags.listTagsForResource(this.deps, input);
  }
  addPermission(input: Sns.AddPermissionInput) {
    return permissions.addPermission(this.deps, input);
  }
  removePermission(input: Sns.RemovePermissionInput) {
    return permissions.removePermission(this.deps, input);
  }
  getDataProtectionPolicy(input: Sns.GetDataProtectionPolicyInput) {
    return permissions.getDataProtectionPolicy(this.deps, input);
  }
  putDataProtectionPolicy(input: Sns.PutDataProtectionPolicyInput) {
    return permissions.putDataProtectionPolicy(this.deps, input);
  }
}
