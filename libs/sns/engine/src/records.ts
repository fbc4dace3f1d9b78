// The records SNS keeps of topics and subscriptions (stored by the SnsStore port, shared by every sns process).

export interface TopicRecord {
  arn: string;
  name: string;
  accountId: string;
  region: string;
  fifo: boolean;
  /** User-set attributes (DisplayName, Policy, DeliveryPolicy, SignatureVersion, ContentBasedDeduplication, …). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  dataProtectionPolicy?: string;
  createdAt: number;
}

export type SubscriptionProtocol = 'sqs' | 'http' | 'https';

export interface SubscriptionRecord {
  arn: string;
  /** The uuid at the end of the ARN; names the broker queue. */
  id: string;
  topicArn: string;
  protocol: SubscriptionProtocol;
  endpoint: string;
  owner: string;
  /** True until an HTTP(S) endpoint confirms; SQS subscriptions in the account start confirmed. */
  pendingConfirmation: boolean;
  confirmationWasAuthenticated: boolean;
  /** Confirmation token while pending. */
  token?: string;
  /** DeliveryPolicy, FilterPolicy, FilterPolicyScope, RawMessageDelivery, RedrivePolicy, SubscriptionRoleArn, ReplayPolicy. */
  attributes: Record<string, string>;
  /** The topic is FIFO (delivery keeps per-group order). */
  fifo: boolean;
  createdAt: number;
}
