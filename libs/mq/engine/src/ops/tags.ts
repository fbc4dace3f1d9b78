import type { CreateTagsRequest, DeleteTagsRequest, ListTagsRequest, ListTagsResponse } from '@aws-sdk/client-mq';
import type { Caller } from '@wharf/engine-kit';
import { ownedBy, type MqContext } from '../context';
import { badRequest, notFound } from '../errors';
import { parseMqArn } from '../ids';
import { checkTags, required } from '../validation';

function resource(ctx: MqContext, arn: string | undefined, caller: Caller): { tags: Record<string, string>; save(): Promise<void> } {
  const value = required(arn, 'resource-arn');
  const parsed = parseMqArn(value);
  if (!parsed) throw badRequest('resource-arn', `${value} is not an Amazon MQ broker or configuration ARN.`);
  if (parsed.kind === 'broker') {
    const b = ctx.brokers.get(parsed.id);
    if (!b || b.brokerArn !== value || !ownedBy(value, caller)) throw notFound('resource-arn', `Can't find requested resource [${value}].`);
    return { tags: b.tags, save: () => ctx.saveBroker(b) };
  }
  const c = ctx.configurations.get(parsed.id);
  if (!c || c.arn !== value || !ownedBy(value, caller)) throw notFound('resource-arn', `Can't find requested resource [${value}].`);
  return { tags: c.tags, save: () => ctx.saveConfiguration(c) };
}

export async function CreateTags(ctx: MqContext, input: CreateTagsRequest, caller: Caller): Promise<void> {
  const r = resource(ctx, input.ResourceArn, caller);
  const add = checkTags(input.Tags);
  checkTags({ ...r.tags, ...add });
  Object.assign(r.tags, add);
  await r.save();
}

export async function DeleteTags(ctx: MqContext, input: DeleteTagsRequest, caller: Caller): Promise<void> {
  const r = resource(ctx, input.ResourceArn, caller);
  const keys = required(input.TagKeys, 'tagKeys');
  for (const k of keys) delete r.tags[k];
  await r.save();
}

export async function ListTags(ctx: MqContext, input: ListTagsRequest, caller: Caller): Promise<ListTagsResponse> {
  return { Tags: { ...resource(ctx, input.ResourceArn, caller).tags } };
}
