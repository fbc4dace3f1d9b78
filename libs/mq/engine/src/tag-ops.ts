import type { CreateTagsRequest, DeleteTagsRequest, ListTagsRequest, ListTagsResponse } from '@aws-sdk/client-mq';
import type { MqEngine } from './engine';
import { badRequest, notFound } from './errors';
import { parseMqArn } from './ids';
import { checkTags, required } from './validation';

function resource(engine: MqEngine, arn: string | undefined): { tags: Record<string, string>; save(): Promise<void> } {
  const value = required(arn, 'resource-arn');
  const parsed = parseMqArn(value);
  if (!parsed) throw badRequest('resource-arn', `${value} is not an Amazon MQ broker or configuration ARN.`);
  if (parsed.kind === 'broker') {
    const b = engine.brokers.get(parsed.id);
    if (!b || b.brokerArn !== value) throw notFound('resource-arn', `Can't find requested resource [${value}].`);
    return { tags: b.tags, save: () => engine.saveBroker(b) };
  }
  const c = engine.configurations.get(parsed.id);
  if (!c || c.arn !== value) throw notFound('resource-arn', `Can't find requested resource [${value}].`);
  return { tags: c.tags, save: () => engine.saveConfiguration(c) };
}

export async function createTags(engine: MqEngine, input: CreateTagsRequest): Promise<void> {
  const r = resource(engine, input.ResourceArn);
  const add = checkTags(input.Tags);
  checkTags({ ...r.tags, ...add });
  Object.assign(r.tags, add);
  await r.save();
}

export async function deleteTags(engine: MqEngine, input: DeleteTagsRequest): Promise<void> {
  const r = resource(engine, input.ResourceArn);
  const keys = required(input.TagKeys, 'tagKeys');
  for (const k of keys) delete r.tags[k];
  await r.save();
}

export async function listTags(engine: MqEngine, input: ListTagsRequest): Promise<ListTagsResponse> {
  return { Tags: { ...resource(engine, input.ResourceArn).tags } };
}
