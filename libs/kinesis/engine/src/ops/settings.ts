import type {
  DeleteResourcePolicyInput,
  DescribeAccountSettingsOutput,
  DisableEnhancedMonitoringInput,
  EnableEnhancedMonitoringInput,
  EnhancedMonitoringOutput,
  GetResourcePolicyInput,
  GetResourcePolicyOutput,
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  PutResourcePolicyInput,
  StartStreamEncryptionInput,
  StopStreamEncryptionInput,
  TagResourceInput,
  UntagResourceInput,
  UpdateAccountSettingsInput,
  UpdateAccountSettingsOutput,
  UpdateMaxRecordSizeInput,
  UpdateStreamModeInput,
  UpdateStreamRecordDistributionStrategyInput,
  UpdateStreamWarmThroughputInput,
  UpdateStreamWarmThroughputOutput,
} from '@aws-sdk/client-kinesis';
import type { Caller } from '@wharf/engine-kit';
import type { KinesisContext } from '../context';
import { KinesisErrors } from '../errors';
import { parseKinesisArn, type StreamMeta } from '../model';
import type { AccountSettings, StreamKey } from '../ports';
import { Constraints } from '../validation';
import { checkTags, MAX_TAGS_PER_STREAM } from './streams';

const METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
] as const;

function requireActive(m: StreamMeta): void {
  if (m.status !== 'ACTIVE') throw KinesisErrors.notActive(m.name, m.account, m.status);
}

export async function UpdateStreamMode(ctx: KinesisContext, input: UpdateStreamModeInput, caller: Caller) {
  const c = new Constraints().required('streamARN', input.StreamARN).required('streamModeDetails', input.StreamModeDetails);
  c.required('streamModeDetails.streamMode', input.StreamModeDetails?.StreamMode);
  c.oneOf('streamModeDetails.streamMode', input.StreamModeDetails?.StreamMode, ['PROVISIONED', 'ON_DEMAND']);
  const key = ctx.streamKey(input, caller, c);
  const mode = input.StreamModeDetails?.StreamMode as 'PROVISIONED' | 'ON_DEMAND';
  await ctx.update(key, (m) => {
    requireActive(m);
    if (m.mode === mode) throw KinesisErrors.resourceInUse(`Stream ${m.name} under account ${m.account} is already in ${mode} mode.`);
    m.mode = mode;
    if (mode === 'ON_DEMAND' && input.WarmThroughputMiBps !== undefined) m.warmThroughputMiBps = input.WarmThroughputMiBps;
    if (mode === 'PROVISIONED') {
      delete m.warmThroughputMiBps;
      delete m.recordDistributionStrategy;
    }
  });
  return {};
}

export async function StartStreamEncryption(ctx: KinesisContext, input: StartStreamEncryptionInput, caller: Caller) {
  const c = new Constraints().required('encryptionType', input.EncryptionType).oneOf('encryptionType', input.EncryptionType, ['NONE', 'KMS']);
  c.required('keyId', input.KeyId).length('keyId', input.KeyId, 1, 2048);
  const key = ctx.streamKey(input, caller, c);
  if (input.EncryptionType !== 'KMS') throw KinesisErrors.invalidArgument('Only KMS encryption is supported.');
  await ctx.update(key, (m) => {
    requireActive(m);
    m.encryptionType = 'KMS';
    m.keyId = input.KeyId;
  });
  return {};
}

export async function StopStreamEncryption(ctx: KinesisContext, input: StopStreamEncryptionInput, caller: Caller) {
  const c = new Constraints().required('encryptionType', input.EncryptionType).oneOf('encryptionType', input.EncryptionType, ['NONE', 'KMS']);
  c.required('keyId', input.KeyId).length('keyId', input.KeyId, 1, 2048);
  const key = ctx.streamKey(input, caller, c);
  await ctx.update(key, (m) => {
    requireActive(m);
    m.encryptionType = 'NONE';
    delete m.keyId;
  });
  return {};
}

async function monitoring(ctx: KinesisContext, input: EnableEnhancedMonitoringInput, caller: Caller, enable: boolean): Promise<EnhancedMonitoringOutput> {
  const c = new Constraints().required('shardLevelMetrics', input.ShardLevelMetrics).length('shardLevelMetrics', input.ShardLevelMetrics, 1, 7);
  (input.ShardLevelMetrics ?? []).forEach((name, i) => c.oneOf(`shardLevelMetrics.${i + 1}.member`, name, [...METRICS, 'ALL']));
  const key = ctx.streamKey(input, caller, c);
  const asked = new Set<string>((input.ShardLevelMetrics ?? []).flatMap((n) => (n === 'ALL' ? [...METRICS] : [n])));
  const { result: before, meta } = await ctx.update(key, (m) => {
    requireActive(m);
    const current = [...m.enhancedMetrics];
    const next = new Set(m.enhancedMetrics);
    for (const n of asked) if (enable) next.add(n); else next.delete(n);
    m.enhancedMetrics = METRICS.filter((n) => next.has(n));
    return current;
  });
  return { StreamName: meta.name, StreamARN: meta.arn, CurrentShardLevelMetrics: before as never[], DesiredShardLevelMetrics: [...meta.enhancedMetrics] as never[] };
}

export function EnableEnhancedMonitoring(ctx: KinesisContext, input: EnableEnhancedMonitoringInput, caller: Caller) {
  return monitoring(ctx, input, caller, true);
}

export function DisableEnhancedMonitoring(ctx: KinesisContext, input: DisableEnhancedMonitoringInput, caller: Caller) {
  return monitoring(ctx, input, caller, false);
}

export async function UpdateMaxRecordSize(ctx: KinesisContext, input: UpdateMaxRecordSizeInput, caller: Caller) {
  const c = new Constraints().required('maxRecordSizeInKiB', input.MaxRecordSizeInKiB).range('maxRecordSizeInKiB', input.MaxRecordSizeInKiB, 1024, 10240);
  const key = ctx.streamKey(input, caller, c);
  await ctx.update(key, (m) => {
    requireActive(m);
    m.maxRecordSizeKiB = input.MaxRecordSizeInKiB as number;
  });
  return {};
}

export async function UpdateStreamWarmThroughput(ctx: KinesisContext, input: UpdateStreamWarmThroughputInput, caller: Caller): Promise<UpdateStreamWarmThroughputOutput> {
  const c = new Constraints().required('warmThroughputMiBps', input.WarmThroughputMiBps).range('warmThroughputMiBps', input.WarmThroughputMiBps, 0);
  const key = ctx.streamKey(input, caller, c);
  const { meta } = await ctx.update(key, (m) => {
    requireActive(m);
    if (m.mode !== 'ON_DEMAND') throw KinesisErrors.validation('Warm throughput is only supported for streams in ON_DEMAND mode.');
    m.warmThroughputMiBps = input.WarmThroughputMiBps;
  });
  return {
    StreamARN: meta.arn,
    StreamName: meta.name,
    WarmThroughput: { TargetMiBps: meta.warmThroughputMiBps, CurrentMiBps: meta.warmThroughputMiBps },
  };
}

export async function UpdateStreamRecordDistributionStrategy(ctx: KinesisContext, input: UpdateStreamRecordDistributionStrategyInput, caller: Caller) {
  const c = new Constraints().required('streamARN', input.StreamARN).required('recordDistributionStrategy', input.RecordDistributionStrategy);
  c.oneOf('recordDistributionStrategy', input.RecordDistributionStrategy, ['AUTO', 'USER_PARTITION_KEY']);
  const key = ctx.streamKey(input, caller, c);
  await ctx.update(key, (m) => {
    requireActive(m);
    if (m.mode !== 'ON_DEMAND') throw KinesisErrors.validation('RecordDistributionStrategy is only supported for streams in ON_DEMAND mode.');
    m.recordDistributionStrategy = input.RecordDistributionStrategy;
  });
  return {};
}

// --- resources named by ARN: a stream or one of its consumers -----------------------------------------------

function resourceKey(arn: string | undefined, caller: Caller): { key: StreamKey; arn: string; consumer?: string } {
  const c = new Constraints().required('resourceARN', arn).length('resourceARN', arn, 1, 2048).pattern('resourceARN', arn, 'arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+');
  c.throwIfAny();
  const parsed = parseKinesisArn(arn as string);
  if (!parsed) throw KinesisErrors.invalidArgument(`Invalid ResourceARN ${arn}.`);
  if (parsed.account !== caller.accountId) throw KinesisErrors.accessDenied(caller, arn as string);
  return { key: { account: parsed.account, region: parsed.region, name: parsed.stream }, arn: arn as string, consumer: parsed.consumer };
}

function resourceTags(m: StreamMeta, arn: string, consumer: string | undefined): Record<string, string> {
  if (consumer === undefined) return m.tags;
  const found = m.consumers.find((x) => x.arn === arn);
  if (!found) throw KinesisErrors.consumerNotFound(arn);
  return (found.tags ??= {});
}

export async function TagResource(ctx: KinesisContext, input: TagResourceInput, caller: Caller) {
  const r = resourceKey(input.ResourceARN, caller);
  const c = new Constraints().required('tags', input.Tags);
  checkTags(c, 'tags', input.Tags);
  c.throwIfAny();
  await ctx.update(r.key, (m) => {
    const tags = resourceTags(m, r.arn, r.consumer);
    const merged = { ...tags, ...input.Tags };
    if (Object.keys(merged).length > MAX_TAGS_PER_STREAM) {
      throw KinesisErrors.limitExceeded(`A resource cannot have more than ${MAX_TAGS_PER_STREAM} tags.`);
    }
    for (const k of Object.keys(tags)) delete tags[k];
    Object.assign(tags, merged);
  });
  return {};
}

export async function UntagResource(ctx: KinesisContext, input: UntagResourceInput, caller: Caller) {
  const r = resourceKey(input.ResourceARN, caller);
  const c = new Constraints().required('tagKeys', input.TagKeys).length('tagKeys', input.TagKeys, 1, 50);
  c.throwIfAny();
  await ctx.update(r.key, (m) => {
    const tags = resourceTags(m, r.arn, r.consumer);
    for (const k of input.TagKeys ?? []) delete tags[k];
  });
  return {};
}

export async function ListTagsForResource(ctx: KinesisContext, input: ListTagsForResourceInput, caller: Caller): Promise<ListTagsForResourceOutput> {
  const r = resourceKey(input.ResourceARN, caller);
  const meta = await ctx.require(r.key);
  const tags = resourceTags(structuredClone(meta), r.arn, r.consumer);
  return { Tags: Object.keys(tags).sort().map((k) => ({ Key: k, Value: tags[k] })) };
}

function checkResourceExists(m: StreamMeta, arn: string, consumer: string | undefined): void {
  if (consumer !== undefined && !m.consumers.some((x) => x.arn === arn)) throw KinesisErrors.consumerNotFound(arn);
}

export async function PutResourcePolicy(ctx: KinesisContext, input: PutResourcePolicyInput, caller: Caller) {
  const r = resourceKey(input.ResourceARN, caller);
  const c = new Constraints().required('policy', input.Policy).length('policy', input.Policy, 1, 20480);
  c.throwIfAny();
  try {
    JSON.parse(input.Policy as string);
  } catch {
    throw KinesisErrors.invalidArgument('Policy is not valid JSON.');
  }
  await ctx.update(r.key, (m) => {
    checkResourceExists(m, r.arn, r.consumer);
    (m.policies ??= {})[r.arn] = input.Policy as string;
  });
  return {};
}

export async function GetResourcePolicy(ctx: KinesisContext, input: GetResourcePolicyInput, caller: Caller): Promise<GetResourcePolicyOutput> {
  const r = resourceKey(input.ResourceARN, caller);
  const meta = await ctx.require(r.key);
  checkResourceExists(meta, r.arn, r.consumer);
  return { Policy: meta.policies?.[r.arn] ?? '{}' };
}

export async function DeleteResourcePolicy(ctx: KinesisContext, input: DeleteResourcePolicyInput, caller: Caller) {
  const r = resourceKey(input.ResourceARN, caller);
  await ctx.update(r.key, (m) => {
    checkResourceExists(m, r.arn, r.consumer);
    if (!m.policies?.[r.arn]) throw KinesisErrors.resourceNotFoundPolicy(r.arn);
    delete m.policies[r.arn];
  });
  return {};
}

// --- account settings ---------------------------------------------------------------------------------------

function toOutput(settings: AccountSettings): DescribeAccountSettingsOutput {
  const m = settings.minimumThroughputBillingCommitment;
  if (!m) return { MinimumThroughputBillingCommitment: { Status: 'DISABLED' } };
  return {
    MinimumThroughputBillingCommitment: {
      Status: m.status as 'ENABLED',
      ...(m.startedAt !== undefined ? { StartedAt: new Date(m.startedAt) } : {}),
      ...(m.endedAt !== undefined ? { EndedAt: new Date(m.endedAt) } : {}),
      ...(m.earliestAllowedEndAt !== undefined ? { EarliestAllowedEndAt: new Date(m.earliestAllowedEndAt) } : {}),
    },
  };
}

export async function DescribeAccountSettings(ctx: KinesisContext, _input: object, caller: Caller): Promise<DescribeAccountSettingsOutput> {
  return toOutput(await ctx.store.getAccountSettings(caller.accountId, caller.region));
}

export async function UpdateAccountSettings(ctx: KinesisContext, input: UpdateAccountSettingsInput, caller: Caller): Promise<UpdateAccountSettingsOutput> {
  const status = input.MinimumThroughputBillingCommitment?.Status;
  const c = new Constraints().required('minimumThroughputBillingCommitment.status', status).oneOf('minimumThroughputBillingCommitment.status', status, ['ENABLED', 'DISABLED']);
  c.throwIfAny();
  const now = ctx.clock.now();
  const settings = await ctx.store.getAccountSettings(caller.accountId, caller.region);
  const current = settings.minimumThroughputBillingCommitment;
  if (status === 'ENABLED') {
    if (current?.status !== 'ENABLED') {
      settings.minimumThroughputBillingCommitment = { status: 'ENABLED', startedAt: now, earliestAllowedEndAt: now + 365 * 86_400_000 };
    }
  } else if (current && current.status === 'ENABLED') {
    const end = Math.max(now, current.earliestAllowedEndAt ?? now);
    current.status = end > now ? 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' : 'DISABLED';
    current.endedAt = end;
  }
  await ctx.store.putAccountSettings(caller.accountId, caller.region, settings);
  return toOutput(settings);
}
