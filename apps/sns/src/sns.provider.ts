import { Injectable } from '@nestjs/common';
import type {
  AddPermissionInput,
  ConfirmSubscriptionInput,
  ConfirmSubscriptionResponse,
  CreateTopicInput,
  CreateTopicResponse,
  DeleteTopicInput,
  GetDataProtectionPolicyInput,
  GetDataProtectionPolicyResponse,
  GetSubscriptionAttributesInput,
  GetSubscriptionAttributesResponse,
  GetTopicAttributesInput,
  GetTopicAttributesResponse,
  ListSubscriptionsByTopicInput,
  ListSubscriptionsByTopicResponse,
  ListSubscriptionsInput,
  ListSubscriptionsResponse,
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  ListTopicsInput,
  ListTopicsResponse,
  PublishBatchInput,
  PublishBatchResponse,
  PublishInput,
  PublishResponse,
  PutDataProtectionPolicyInput,
  RemovePermissionInput,
  SetSubscriptionAttributesInput,
  SetTopicAttributesInput,
  SubscribeInput,
  SubscribeResponse,
  TagResourceRequest,
  TagResourceResponse,
  UnsubscribeInput,
  UntagResourceRequest,
  UntagResourceResponse,
} from '@aws-sdk/client-sns';
import type { RequestContext } from '@wharf/aws-protocol';
import { SnsEngine, unsupportedFeature, type CallContext } from '@wharf/sns-engine';

/** Signed API calls are authenticated; the bare GETs of SubscribeURL / UnsubscribeURL are not. */
export function callContext(context: RequestContext): CallContext {
  return { accountId: context.accountId, region: context.region, authenticated: context.accessKeyId !== undefined };
}

/**
 * The SNS API: one method per operation of the model, named as the operation and typed with the SDK's
 * shapes; each hands over to the engine. Mobile push and SMS answer InvalidParameter naming what Wharf supports.
 */
@Injectable()
export class SnsProvider {
  constructor(private readonly engine: SnsEngine) {}

  async AddPermission(input: AddPermissionInput): Promise<Record<string, never>> {
    await this.engine.addPermission(input);
    return {};
  }
  async CheckIfPhoneNumberIsOptedOut(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async ConfirmSubscription(input: ConfirmSubscriptionInput, context: RequestContext): Promise<ConfirmSubscriptionResponse> {
    return this.engine.confirmSubscription(input, callContext(context));
  }
  async CreatePlatformApplication(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async CreatePlatformEndpoint(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async CreateSMSSandboxPhoneNumber(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async CreateTopic(input: CreateTopicInput, context: RequestContext): Promise<CreateTopicResponse> {
    return this.engine.createTopic(input, callContext(context));
  }
  async DeleteEndpoint(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async DeletePlatformApplication(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async DeleteSMSSandboxPhoneNumber(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async DeleteTopic(input: DeleteTopicInput): Promise<Record<string, never>> {
    await this.engine.deleteTopic(input);
    return {};
  }
  async GetDataProtectionPolicy(input: GetDataProtectionPolicyInput): Promise<GetDataProtectionPolicyResponse> {
    return this.engine.getDataProtectionPolicy(input);
  }
  async GetEndpointAttributes(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async GetPlatformApplicationAttributes(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async GetSMSAttributes(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async GetSMSSandboxAccountStatus(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async GetSubscriptionAttributes(input: GetSubscriptionAttributesInput): Promise<GetSubscriptionAttributesResponse> {
    return this.engine.getSubscriptionAttributes(input);
  }
  async GetTopicAttributes(input: GetTopicAttributesInput): Promise<GetTopicAttributesResponse> {
    return this.engine.getTopicAttributes(input);
  }
  async ListEndpointsByPlatformApplication(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async ListOriginationNumbers(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async ListPhoneNumbersOptedOut(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async ListPlatformApplications(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async ListSMSSandboxPhoneNumbers(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async ListSubscriptions(input: ListSubscriptionsInput, context: RequestContext): Promise<ListSubscriptionsResponse> {
    return this.engine.listSubscriptions(input, callContext(context));
  }
  async ListSubscriptionsByTopic(input: ListSubscriptionsByTopicInput): Promise<ListSubscriptionsByTopicResponse> {
    return this.engine.listSubscriptionsByTopic(input);
  }
  async ListTagsForResource(input: ListTagsForResourceRequest): Promise<ListTagsForResourceResponse> {
    return this.engine.listTagsForResource(input);
  }
  async ListTopics(input: ListTopicsInput, context: RequestContext): Promise<ListTopicsResponse> {
    return this.engine.listTopics(input, callContext(context));
  }
  async OptInPhoneNumber(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async Publish(input: PublishInput): Promise<PublishResponse> {
    return this.engine.publish(input);
  }
  async PublishBatch(input: PublishBatchInput): Promise<PublishBatchResponse> {
    return this.engine.publishBatch(input);
  }
  async PutDataProtectionPolicy(input: PutDataProtectionPolicyInput): Promise<Record<string, never>> {
    await this.engine.putDataProtectionPolicy(input);
    return {};
  }
  async RemovePermission(input: RemovePermissionInput): Promise<Record<string, never>> {
    await this.engine.removePermission(input);
    return {};
  }
  async SetEndpointAttributes(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async SetPlatformApplicationAttributes(): Promise<never> {
    throw unsupportedFeature('mobile push (platform applications and endpoints)');
  }
  async SetSMSAttributes(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
  async SetSubscriptionAttributes(input: SetSubscriptionAttributesInput): Promise<Record<string, never>> {
    await this.engine.setSubscriptionAttributes(input);
    return {};
  }
  async SetTopicAttributes(input: SetTopicAttributesInput): Promise<Record<string, never>> {
    await this.engine.setTopicAttributes(input);
    return {};
  }
  async Subscribe(input: SubscribeInput, context: RequestContext): Promise<SubscribeResponse> {
    return this.engine.subscribe(input, callContext(context));
  }
  async TagResource(input: TagResourceRequest): Promise<TagResourceResponse> {
    await this.engine.tagResource(input);
    return {};
  }
  async Unsubscribe(input: UnsubscribeInput, context: RequestContext): Promise<Record<string, never>> {
    await this.engine.unsubscribe(input, callContext(context));
    return {};
  }
  async UntagResource(input: UntagResourceRequest): Promise<UntagResourceResponse> {
    await this.engine.untagResource(input);
    return {};
  }
  async VerifySMSSandboxPhoneNumber(): Promise<never> {
    throw unsupportedFeature('SMS');
  }
}
