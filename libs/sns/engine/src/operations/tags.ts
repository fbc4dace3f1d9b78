import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  Tag,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-sns';
import { AwsError } from '@wharf/aws-protocol';
import { invalidParameter, resourceNotFound } from '../errors';
import type { TopicRecord } from '../model';
import { parseTopicArn } from '../names';
import type { EngineDeps } from './context';

const MAX_TAGS = 50;

export function validateTags(tags: Tag[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const key = tag.Key ?? '';
    const value = tag.Value ?? '';
    if (key.length < 1 || key.length > 128) throw invalidParameter('Invalid parameter: Tags Reason: Tag keys must be between 1 and 128 characters');
    if (value.length > 256) throw invalidParameter('Invalid parameter: Tags Reason: Tag values must be at most 256 characters');
    if (/^aws:/i.test(key)) throw invalidParameter('Invalid parameter: Tags Reason: Tag keys must not start with aws:');
    out[key] = value;
  }
  if (Object.keys(out).length > MAX_TAGS) throw tagLimit();
  return out;
}

const tagLimit = () => new AwsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');

async function resource(deps: EngineDeps, arn: string | undefined): Promise<TopicRecord> {
  if (!parseTopicArn(arn)) throw invalidParameter('Invalid parameter: ResourceArn');
  const topic = await deps.store.getTopic(arn as string);
  if (!topic) throw resourceNotFound();
  return topic;
}

export async function tagResource(deps: EngineDeps, input: TagResourceRequest): Promise<void> {
  const topic = await resource(deps, input.ResourceArn);
  const tags = { ...topic.tags, ...validateTags(input.Tags ?? []) };
  if (Object.keys(tags).length > MAX_TAGS) throw tagLimit();
  topic.tags = tags;
  await deps.store.saveTopic(topic);
}

export async function untagResource(deps: EngineDeps, input: UntagResourceRequest): Promise<void> {
  const topic = await resource(deps, input.ResourceArn);
  for (const key of input.TagKeys ?? []) delete topic.tags[key];
  await deps.store.saveTopic(topic);
}

export async function listTagsForResource(deps: EngineDeps, input: ListTagsForResourceRequest): Promise<ListTagsForResourceResponse> {
  const topic = await resource(deps, input.ResourceArn);
  return { Tags: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) };
}
