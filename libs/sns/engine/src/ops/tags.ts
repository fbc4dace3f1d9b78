import type { Caller } from '@wharf/engine-kit';
import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  TagResourceRequest,
  TagResourceResponse,
  UntagResourceRequest,
  UntagResourceResponse,
} from '@aws-sdk/client-sns';
import type { SnsContext } from '../context';
import { tagLimitExceeded } from '../errors';
import { requireResource } from '../resources';
import { MAX_TAGS, validateTags } from '../tag-rules';

export async function TagResource(ctx: SnsContext, input: TagResourceRequest, caller: Caller): Promise<TagResourceResponse> {
  const topic = await requireResource(ctx, input.ResourceArn, caller);
  const tags = { ...topic.tags, ...validateTags(input.Tags ?? []) };
  if (Object.keys(tags).length > MAX_TAGS) throw tagLimitExceeded();
  topic.tags = tags;
  await ctx.store.saveTopic(topic);
  return {};
}

export async function UntagResource(ctx: SnsContext, input: UntagResourceRequest, caller: Caller): Promise<UntagResourceResponse> {
  const topic = await requireResource(ctx, input.ResourceArn, caller);
  for (const key of input.TagKeys ?? []) delete topic.tags[key];
  await ctx.store.saveTopic(topic);
  return {};
}

export async function ListTagsForResource(ctx: SnsContext, input: ListTagsForResourceRequest, caller: Caller): Promise<ListTagsForResourceResponse> {
  const topic = await requireResource(ctx, input.ResourceArn, caller);
  return { Tags: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) };
}
