import type {
  ListQueueTagsRequest,
  ListQueueTagsResult,
  TagQueueRequest,
  UntagQueueRequest,
} from '@aws-sdk/client-sqs';
import type { Caller } from '@wharf/engine-kit';
import type { SqsContext } from '../context';
import { Errors } from '../errors';
import { Limits } from '../limits';
import { parseQueueUrl } from '../names';
import { validateTags } from '../tags';

export async function TagQueue(ctx: SqsContext, input: TagQueueRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  if (!input.Tags || Object.keys(input.Tags).length === 0) throw Errors.missingParameter('Tags');
  const tags = validateTags(input.Tags);
  const existing = await ctx.store.getTags(ref);
  if (!existing) throw Errors.queueDoesNotExist();
  if (Object.keys({ ...existing, ...tags }).length > Limits.maxTags) {
    throw Errors.invalidParameterValue(`Too many tags added for queue ${ref.name}.`);
  }
  await ctx.store.setTags(ref, tags, []);
  return {};
}

export async function UntagQueue(ctx: SqsContext, input: UntagQueueRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  if (!input.TagKeys || input.TagKeys.length === 0) throw Errors.missingParameter('TagKeys');
  if (!(await ctx.store.setTags(ref, {}, input.TagKeys))) throw Errors.queueDoesNotExist();
  return {};
}

export async function ListQueueTags(ctx: SqsContext, input: ListQueueTagsRequest, caller: Caller): Promise<ListQueueTagsResult> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const tags = await ctx.store.getTags(ref);
  if (!tags) throw Errors.queueDoesNotExist();
  return Object.keys(tags).length ? { Tags: tags } : {};
}
