import type { Caller } from '@wharf/engine-kit';
import type {
  AddPermissionInput,
  GetDataProtectionPolicyInput,
  GetDataProtectionPolicyResponse,
  PutDataProtectionPolicyInput,
  RemovePermissionInput,
} from '@aws-sdk/client-sns';
import type { SnsContext } from '../context';
import { invalidParameter } from '../errors';
import { requireResource, requireTopic } from '../resources';
import { defaultTopicPolicy } from '../topic-attributes';

// Permissions are stored in the topic's Policy (as AWS does); Wharf does not enforce IAM.

interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Record<string, unknown>[];
}

const SNS_ACTIONS = new Set([
  'GetTopicAttributes', 'SetTopicAttributes', 'AddPermission', 'RemovePermission', 'DeleteTopic', 'Subscribe',
  'ListSubscriptionsByTopic', 'Publish', 'Receive', '*',
]);

function policyOf(text: string | undefined, topicArn: string, accountId: string): PolicyDocument {
  const doc = JSON.parse(text ?? defaultTopicPolicy(topicArn, accountId)) as PolicyDocument;
  if (!Array.isArray(doc.Statement)) doc.Statement = doc.Statement ? [doc.Statement as unknown as Record<string, unknown>] : [];
  return doc;
}

export async function AddPermission(ctx: SnsContext, input: AddPermissionInput, caller: Caller): Promise<Record<string, never>> {
  const topic = await requireTopic(ctx, input.TopicArn, caller);
  const label = input.Label ?? '';
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(label)) throw invalidParameter('Invalid parameter: Label');
  const accounts = input.AWSAccountId ?? [];
  const actions = input.ActionName ?? [];
  if (accounts.length === 0) throw invalidParameter('Invalid parameter: AWSAccountId');
  if (actions.length === 0 || actions.some((a) => !SNS_ACTIONS.has(a))) {
    throw invalidParameter('Invalid parameter: Policy statement action out of service scope!');
  }
  const doc = policyOf(topic.attributes.Policy, topic.arn, topic.accountId);
  if (doc.Statement.some((s) => s.Sid === label)) throw invalidParameter('Invalid parameter: Statement already exists');
  doc.Statement.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: accounts.map((a) => `arn:aws:iam::${a}:root`) },
    Action: actions.map((a) => `SNS:${a}`),
    Resource: topic.arn,
  });
  topic.attributes.Policy = JSON.stringify(doc);
  await ctx.store.saveTopic(topic);
  return {};
}

export async function RemovePermission(ctx: SnsContext, input: RemovePermissionInput, caller: Caller): Promise<Record<string, never>> {
  const topic = await requireTopic(ctx, input.TopicArn, caller);
  const doc = policyOf(topic.attributes.Policy, topic.arn, topic.accountId);
  const kept = doc.Statement.filter((s) => s.Sid !== input.Label);
  if (kept.length === doc.Statement.length) return {};
  doc.Statement = kept;
  topic.attributes.Policy = JSON.stringify(doc);
  await ctx.store.saveTopic(topic);
  return {};
}

export async function GetDataProtectionPolicy(ctx: SnsContext, input: GetDataProtectionPolicyInput, caller: Caller): Promise<GetDataProtectionPolicyResponse> {
  const topic = await requireResource(ctx, input.ResourceArn, caller);
  return topic.dataProtectionPolicy ? { DataProtectionPolicy: topic.dataProtectionPolicy } : {};
}

export async function PutDataProtectionPolicy(ctx: SnsContext, input: PutDataProtectionPolicyInput, caller: Caller): Promise<Record<string, never>> {
  const topic = await requireResource(ctx, input.ResourceArn, caller);
  try {
    JSON.parse(input.DataProtectionPolicy ?? '');
  } catch {
    throw invalidParameter('Invalid parameter: DataProtectionPolicy');
  }
  topic.dataProtectionPolicy = input.DataProtectionPolicy;
  await ctx.store.saveTopic(topic);
  return {};
}
