import type {
  AddPermissionInput,
  GetDataProtectionPolicyInput,
  GetDataProtectionPolicyResponse,
  PutDataProtectionPolicyInput,
  RemovePermissionInput,
} from '@aws-sdk/client-sns';
import { invalidParameter, resourceNotFound } from '../errors';
import { parseTopicArn } from '../names';
import { defaultTopicPolicy } from '../topic-attributes';
import type { EngineDeps } from './context';
import { requireTopic } from './topics';

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

export async function addPermission(deps: EngineDeps, input: AddPermissionInput): Promise<void> {
  const topic = await requireTopic(deps, input.TopicArn);
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
  await deps.store.saveTopic(topic);
}

export async function removePermission(deps: EngineDeps, input: RemovePermissionInput): Promise<void> {
  const topic = await requireTopic(deps, input.TopicArn);
  const doc = policyOf(topic.attributes.Policy, topic.arn, topic.accountId);
  const kept = doc.Statement.filter((s) => s.Sid !== input.Label);
  if (kept.length === doc.Statement.length) return;
  doc.Statement = kept;
  topic.attributes.Policy = JSON.stringify(doc);
  await deps.store.saveTopic(topic);
}

export async function getDataProtectionPolicy(deps: EngineDeps, input: GetDataProtectionPolicyInput): Promise<GetDataProtectionPolicyResponse> {
  if (!parseTopicArn(input.ResourceArn)) throw invalidParameter('Invalid parameter: ResourceArn');
  const topic = await deps.store.getTopic(input.ResourceArn as string);
  if (!topic) throw resourceNotFound();
  return topic.dataProtectionPolicy ? { DataProtectionPolicy: topic.dataProtectionPolicy } : {};
}

export async function putDataProtectionPolicy(deps: EngineDeps, input: PutDataProtectionPolicyInput): Promise<void> {
  if (!parseTopicArn(input.ResourceArn)) throw invalidParameter('Invalid parameter: ResourceArn');
  const topic = await deps.store.getTopic(input.ResourceArn as string);
  if (!topic) throw resourceNotFound();
  try {
    JSON.parse(input.DataProtectionPolicy ?? '');
  } catch {
    throw invalidParameter('Invalid parameter: DataProtectionPolicy');
  }
  topic.dataProtectionPolicy = input.DataProtectionPolicy;
  await deps.store.saveTopic(topic);
}
