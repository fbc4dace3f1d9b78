import type {
  AddTagsToStreamInput,
  CreateStreamInput,
  DecreaseStreamRetentionPeriodInput,
  DeleteStreamInput,
  DescribeLimitsOutput,
  DescribeStreamInput,
  DescribeStreamOutput,
  DescribeStreamSummaryInput,
  DescribeStreamSummaryOutput,
  IncreaseStreamRetentionPeriodInput,
  ListStreamsInput,
  ListStreamsOutput,
  ListTagsForStreamInput,
  ListTagsForStreamOutput,
  RemoveTagsFromStreamInput,
} from '@aws-sdk/client-kinesis';
import type { Caller } from '@wharf/engine-kit';
import type { KinesisContext } from '../context';
import { KinesisErrors } from '../errors';
import { evenHashRanges } from '../hash-keys';
import { isOpen, parseShardId, streamArn, type StreamMeta, type StreamMode } from '../model';
import type { StreamKey } from '../ports';
import { decodePageToken, encodePageToken, enhancedMonitoring, summary, toShard, visibleShards } from '../shapes';
import { Constraints } from '../validation';

export const MIN_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 8760;
export const MAX_TAGS_PER_STREAM = 50;
const PAGE_TOKEN_LIFETIME_MS = 300_000;

export function retentionMs(hours: number): number {
  return hours * 3_600_000;
}

/** Open shards and on-demand streams of an account and region (DescribeLimits, the shard limit). */
export async function accountUsage(ctx: KinesisContext, account: string, region: string) {
  const names = await ctx.store.list(account, region);
  const metas = await ctx.store.getMany(account, region, names);
  return {
    openShards: metas.reduce((n, m) => n + m.shards.filter(isOpen).length, 0),
    onDemandStreams: metas.filter((m) => m.mode === 'ON_DEMAND').length,
  };
}

export function shardLimitError(ctx: KinesisContext, key: StreamKey, current: number, adding: number): Error {
  return KinesisErrors.limitExceeded(
    `This request would exceed the shard limit for the account ${key.account} in ${key.region}. ` +
      `Current shard count for the account: ${current}. Limit: ${ctx.config.shardLimit}. ` +
      `Number of additional shards that would have resulted from this request: ${adding}.`,
  );
}

export function checkTags(c: Constraints, path: string, tags: Record<string, string> | undefined): void {
  if (!tags) return;
  c.length(path, tags, 1, 200);
  for (const [k, v] of Object.entries(tags)) {
    c.length(`${path}.${k}.key`, k, 1, 128);
    c.length(`${path}.${k}.value`, v, 0, 256);
  }
}

export async function CreateStream(ctx: KinesisContext, input: CreateStreamInput, caller: Caller): Promise<Record<string, never>> {
  const c = new Constraints();
  c.required('streamName', input.StreamName);
  const mode: StreamMode = input.StreamModeDetails?.StreamMode ?? 'PROVISIONED';
  c.oneOf('streamModeDetails.streamMode', input.StreamModeDetails?.StreamMode, ['PROVISIONED', 'ON_DEMAND']);
  c.range('shardCount', input.ShardCount, 1);
  if (mode === 'PROVISIONED') c.required('shardCount', input.ShardCount);
  c.range('maxRecordSizeInKiB', input.MaxRecordSizeInKiB, 1024, 10240);
  c.oneOf('recordDistributionStrategy', input.RecordDistributionStrategy, ['AUTO', 'USER_PARTITION_KEY']);
  checkTags(c, 'tags', input.Tags);
  const key = ctx.streamKey({ StreamName: input.StreamName }, caller, c);
  if (input.Tags && Object.keys(input.Tags).length > MAX_TAGS_PER_STREAM) {
    throw KinesisErrors.invalidArgument(`A stream cannot have more than ${MAX_TAGS_PER_STREAM} tags.`);
  }
  if (input.RecordDistributionStrategy === 'AUTO' && mode !== 'ON_DEMAND') {
    throw KinesisErrors.validation('RecordDistributionStrategy is only supported for streams in ON_DEMAND mode.');
  }
  const shardCount = mode === 'ON_DEMAND' ? ctx.config.onDemandInitialShards : (input.ShardCount as number);
  const usage = await accountUsage(ctx, key.account, key.region);
  if (usage.openShards + shardCount > ctx.config.shardLimit) throw shardLimitError(ctx, key, usage.openShards, shardCount);
  if (mode === 'ON_DEMAND' && usage.onDemandStreams >= ctx.config.onDemandStreamLimit) {
    throw KinesisErrors.limitExceeded(
      `This request would exceed the on-demand stream limit for the account ${key.account} in ${key.region}. Limit: ${ctx.config.onDemandStreamLimit}.`,
    );
  }
  const now = ctx.clock.now();
  const meta: StreamMeta = {
    name: key.name,
    account: key.account,
    region: key.region,
    arn: streamArn(key.region, key.account, key.name),
    topic: `${ctx.config.topicPrefix}.${key.account}.${key.region}.${key.name}.${now.toString(36)}`,
    createdAt: now,
    status: 'CREATING',
    mode,
    retentionHours: MIN_RETENTION_HOURS,
    shards: evenHashRanges(shardCount).map((r, index) => ({
      index,
      startingHashKey: String(r.start),
      endingHashKey: String(r.end),
      createdAt: now,
    })),
    consumers: [],
    tags: { ...(input.Tags ?? {}) },
    encryptionType: 'NONE',
    enhancedMetrics: [],
    maxRecordSizeKiB: input.MaxRecordSizeInKiB ?? 1024,
    ...(input.WarmThroughputMiBps !== undefined ? { warmThroughputMiBps: input.WarmThroughputMiBps } : {}),
    ...(input.RecordDistributionStrategy ? { recordDistributionStrategy: input.RecordDistributionStrategy } : {}),
    scalingHistory: [],
    // Starts at the creation time, so a re-created stream never repeats a version an older incarnation had.
    version: now,
  };
  if (!(await ctx.store.create(meta))) throw KinesisErrors.streamExists(key.name, key.account);
  try {
    await ctx.log.createTopic(meta.topic, shardCount, retentionMs(meta.retentionHours));
  } catch (error) {
    await ctx.store.remove(key);
    throw error;
  }
  await ctx.update(key, (m) => {
    if (m.status === 'CREATING') m.status = 'ACTIVE';
  });
  return {};
}

export async function DeleteStream(ctx: KinesisContext, input: DeleteStreamInput, caller: Caller): Promise<Record<string, never>> {
  const key = ctx.streamKey(input, caller);
  const { meta } = await ctx.update(key, (m) => {
    if (m.consumers.length > 0 && !input.EnforceConsumerDeletion) {
      throw KinesisErrors.resourceInUse(
        `Stream ${m.name} under account ${m.account} has registered consumers; deregister them or set EnforceConsumerDeletion.`,
      );
    }
    m.status = 'DELETING';
  });
  await ctx.log.deleteTopic(meta.topic);
  await ctx.store.remove(key);
  ctx.forget(key);
  return {};
}

export async function DescribeStream(ctx: KinesisContext, input: DescribeStreamInput, caller: Caller): Promise<DescribeStreamOutput> {
  const c = new Constraints().range('limit', input.Limit, 1, 10000).length('exclusiveStartShardId', input.ExclusiveStartShardId, 1, 128);
  const key = ctx.streamKey(input, caller, c);
  const meta = await ctx.require(key);
  const limit = input.Limit ?? 100;
  const after = input.ExclusiveStartShardId !== undefined ? parseShardId(input.ExclusiveStartShardId) ?? -1 : -1;
  const shards = visibleShards(meta, ctx.clock.now()).filter((s) => s.index > after);
  return {
    StreamDescription: {
      StreamName: meta.name,
      StreamARN: meta.arn,
      StreamStatus: meta.status,
      StreamModeDetails: { StreamMode: meta.mode },
      Shards: shards.slice(0, limit).map((s) => toShard(meta, s)),
      HasMoreShards: shards.length > limit,
      RetentionPeriodHours: meta.retentionHours,
      StreamCreationTimestamp: new Date(meta.createdAt),
      EnhancedMonitoring: enhancedMonitoring(meta),
      EncryptionType: meta.encryptionType,
      ...(meta.keyId ? { KeyId: meta.keyId } : {}),
    },
  };
}

export async function DescribeStreamSummary(ctx: KinesisContext, input: DescribeStreamSummaryInput, caller: Caller): Promise<DescribeStreamSummaryOutput> {
  const meta = await ctx.require(ctx.streamKey(input, caller));
  return { StreamDescriptionSummary: summary(meta) };
}

export async function ListStreams(ctx: KinesisContext, input: ListStreamsInput, caller: Caller): Promise<ListStreamsOutput> {
  const c = new Constraints().range('limit', input.Limit, 1, 10000).streamName('exclusiveStartStreamName', input.ExclusiveStartStreamName);
  c.length('nextToken', input.NextToken, 1, 1048576);
  c.throwIfAny();
  const scope = `streams/${caller.accountId}/${caller.region}`;
  let after = input.ExclusiveStartStreamName;
  if (input.NextToken !== undefined) {
    const token = decodePageToken(input.NextToken);
    if (!token || token.scope !== scope) throw KinesisErrors.invalidNextToken();
    if (ctx.clock.now() - token.issuedAt > PAGE_TOKEN_LIFETIME_MS) throw KinesisErrors.expiredNextToken();
    after = token.after;
  }
  const limit = input.Limit ?? 100;
  const names = (await ctx.store.list(caller.accountId, caller.region)).filter((n) => after === undefined || n > after);
  const page = names.slice(0, limit);
  const metas = await ctx.store.getMany(caller.accountId, caller.region, page);
  const more = names.length > limit;
  return {
    StreamNames: page,
    HasMoreStreams: more,
    StreamSummaries: metas.map((m) => ({
      StreamName: m.name,
      StreamARN: m.arn,
      StreamStatus: m.status,
      StreamModeDetails: { StreamMode: m.mode },
      StreamCreationTimestamp: new Date(m.createdAt),
    })),
    ...(more ? { NextToken: encodePageToken({ scope, after: page[page.length - 1], issuedAt: ctx.clock.now() }) } : {}),
  };
}

function checkRetention(hours: number | undefined): number {
  const c = new Constraints().required('retentionPeriodHours', hours).range('retentionPeriodHours', hours, 1);
  c.throwIfAny();
  const h = hours as number;
  if (h < MIN_RETENTION_HOURS) {
    throw KinesisErrors.invalidArgument(`Minimum allowed retention period is ${MIN_RETENTION_HOURS} hours. Requested retention period (${h} hours) is too short.`);
  }
  if (h > MAX_RETENTION_HOURS) {
    throw KinesisErrors.invalidArgument(`Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. Requested retention period (${h} hours) is too long.`);
  }
  return h;
}

async function changeRetention(ctx: KinesisContext, input: IncreaseStreamRetentionPeriodInput, caller: Caller, increase: boolean) {
  const key = ctx.streamKey(input, caller);
  const hours = checkRetention(input.RetentionPeriodHours);
  const meta = await ctx.require(key);
  const check = (m: StreamMeta) => {
    if (m.status !== 'ACTIVE') throw KinesisErrors.notActive(m.name, m.account, m.status);
    if (increase && hours < m.retentionHours) {
      throw KinesisErrors.invalidArgument(
        `Requested retention period (${hours} hours) for stream ${m.name} can not be shorter than existing retention period (${m.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
      );
    }
    if (!increase && hours > m.retentionHours) {
      throw KinesisErrors.invalidArgument(
        `Requested retention period (${hours} hours) for stream ${m.name} can not be longer than existing retention period (${m.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
      );
    }
  };
  check(meta);
  // Kafka first: a failed config change leaves the metadata as it was.
  await ctx.log.setRetention(meta.topic, retentionMs(hours));
  await ctx.update(key, (m) => {
    check(m);
    m.retentionHours = hours;
  });
  return {};
}

export function IncreaseStreamRetentionPeriod(ctx: KinesisContext, input: IncreaseStreamRetentionPeriodInput, caller: Caller) {
  return changeRetention(ctx, input, caller, true);
}

export function DecreaseStreamRetentionPeriod(ctx: KinesisContext, input: DecreaseStreamRetentionPeriodInput, caller: Caller) {
  return changeRetention(ctx, input, caller, false);
}

export async function AddTagsToStream(ctx: KinesisContext, input: AddTagsToStreamInput, caller: Caller) {
  const c = new Constraints().required('tags', input.Tags);
  checkTags(c, 'tags', input.Tags);
  const key = ctx.streamKey(input, caller, c);
  await ctx.update(key, (m) => {
    const merged = { ...m.tags, ...input.Tags };
    if (Object.keys(merged).length > MAX_TAGS_PER_STREAM) {
      throw KinesisErrors.limitExceeded(
        `Failed to add tags to stream ${m.name} under account ${m.account} because a given stream cannot have more than ${MAX_TAGS_PER_STREAM} tags associated with it.`,
      );
    }
    m.tags = merged;
  });
  return {};
}

export async function RemoveTagsFromStream(ctx: KinesisContext, input: RemoveTagsFromStreamInput, caller: Caller) {
  const c = new Constraints().required('tagKeys', input.TagKeys).length('tagKeys', input.TagKeys, 1, 50);
  (input.TagKeys ?? []).forEach((k, i) => c.length(`tagKeys.${i + 1}.member`, k, 1, 128));
  const key = ctx.streamKey(input, caller, c);
  await ctx.update(key, (m) => {
    for (const k of input.TagKeys ?? []) delete m.tags[k];
  });
  return {};
}

export async function ListTagsForStream(ctx: KinesisContext, input: ListTagsForStreamInput, caller: Caller): Promise<ListTagsForStreamOutput> {
  const c = new Constraints().range('limit', input.Limit, 1, 50).length('exclusiveStartTagKey', input.ExclusiveStartTagKey, 1, 128);
  const meta = await ctx.require(ctx.streamKey(input, caller, c));
  const limit = input.Limit ?? 50;
  const keys = Object.keys(meta.tags)
    .sort()
    .filter((k) => input.ExclusiveStartTagKey === undefined || k > input.ExclusiveStartTagKey);
  return {
    Tags: keys.slice(0, limit).map((k) => ({ Key: k, Value: meta.tags[k] })),
    HasMoreTags: keys.length > limit,
  };
}

export async function DescribeLimits(ctx: KinesisContext, _input: object, caller: Caller): Promise<DescribeLimitsOutput> {
  const usage = await accountUsage(ctx, caller.accountId, caller.region);
  return {
    ShardLimit: ctx.config.shardLimit,
    OpenShardCount: usage.openShards,
    OnDemandStreamCount: usage.onDemandStreams,
    OnDemandStreamCountLimit: ctx.config.onDemandStreamLimit,
  };
}

