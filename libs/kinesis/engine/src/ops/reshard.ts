import { randomUUID } from 'node:crypto';
import type { MergeShardsInput, SplitShardInput, UpdateShardCountInput, UpdateShardCountOutput } from '@aws-sdk/client-kinesis';
import type { Caller } from '@wharf/engine-kit';
import type { KinesisContext } from '../context';
import { KinesisErrors } from '../errors';
import { parseHashKey } from '../hash-keys';
import { isOpen, parseShardId, shardId, type ReshardPlan, type StreamMeta } from '../model';
import type { StreamKey } from '../ports';
import { adjacent, planMerge, planSplit, planUniformScaling } from '../resharding';
import { Constraints } from '../validation';
import { accountUsage, shardLimitError } from './streams';

const SCALINGS_PER_DAY = 10;
const DAY_MS = 86_400_000;

function requireProvisionedActive(m: StreamMeta, op: string): void {
  if (m.status !== 'ACTIVE') throw KinesisErrors.notActive(m.name, m.account, m.status);
  if (m.mode !== 'PROVISIONED' && op !== 'autoscale') {
    throw KinesisErrors.validation(`${op} is not supported for stream ${m.name} under account ${m.account}: it is in ON_DEMAND mode, and only PROVISIONED streams can be resharded.`);
  }
}

function openShard(m: StreamMeta, id: string) {
  const index = parseShardId(id);
  const shard = index === undefined ? undefined : m.shards[index];
  if (!shard) throw KinesisErrors.shardNotFound(id, m.name, m.account);
  if (!isOpen(shard)) {
    throw KinesisErrors.resourceInUse(`Shard ${shardId(shard.index)} in stream ${m.name} under account ${m.account} has already been merged or split, and thus is not eligible for merging or splitting.`);
  }
  return shard;
}

/** First phase, in the caller's request: validate, mark UPDATING with the plan, then finish in the background. */
async function startReshard(ctx: KinesisContext, key: StreamKey, kind: 'split' | 'merge' | 'scale', plan: (m: StreamMeta) => ReshardPlan, op: string) {
  const { result } = await ctx.update(key, (m) => {
    requireProvisionedActive(m, op);
    const p = plan(m);
    m.status = 'UPDATING';
    m.pending = { kind, startedAt: ctx.clock.now(), closing: [], plan: p };
    return p;
  });
  void runReshard(ctx, key).catch((err) => ctx.logger.error({ err, stream: key.name }, 'reshard failed; the background tick will resume it'));
  return result;
}

/**
 * The rest of a reshard, idempotent so any process can resume it:
 * 1. grow the topic by the children's partitions, then in one atomic change open the children and close the
 *    parents (puts routed with the old layout are turned back by the routing-version check);
 * 2. after the grace period (puts admitted just before the switch have landed) fix each parent's end at its
 *    high watermark and make the stream ACTIVE again.
 */
export async function runReshard(ctx: KinesisContext, key: StreamKey): Promise<void> {
  let meta = await ctx.load(key);
  if (!meta?.pending) return;
  const plan = meta.pending.plan;
  if (plan) {
    await ctx.log.ensurePartitions(meta.topic, Math.max(...plan.create.map((s) => s.index)) + 1);
    ({ meta } = await ctx.update(key, (m) => {
      const p = m.pending?.plan;
      if (!m.pending || !p) return;
      const now = ctx.clock.now();
      for (const i of p.close) m.shards[i].closedAt ??= now;
      for (const s of p.create) {
        if (m.shards[s.index]) continue;
        m.shards[s.index] = {
          index: s.index,
          startingHashKey: s.startingHashKey,
          endingHashKey: s.endingHashKey,
          ...(s.parent !== undefined ? { parent: s.parent } : {}),
          ...(s.adjacentParent !== undefined ? { adjacentParent: s.adjacentParent } : {}),
          createdAt: now,
          ...(s.closedImmediately ? { closedAt: now, endOffset: 0 } : {}),
        };
      }
      m.pending.closing = [...p.close];
      m.pending.startedAt = now;
      delete m.pending.plan;
    }));
  }
  if (!meta.pending) return;
  const wait = meta.pending.startedAt + ctx.config.reshardGraceMs - ctx.clock.now();
  if (wait > 0) await ctx.clock.sleep(wait);
  const ends = new Map<number, number>();
  for (const i of meta.pending.closing) ends.set(i, (await ctx.log.watermarks(meta.topic, i)).high);
  await ctx.update(key, (m) => {
    if (!m.pending || m.pending.plan) return;
    for (const [i, end] of ends) m.shards[i].endOffset ??= end;
    delete m.pending;
    if (m.status === 'UPDATING') m.status = 'ACTIVE';
  });
}

export async function SplitShard(ctx: KinesisContext, input: SplitShardInput, caller: Caller) {
  const c = new Constraints().required('shardToSplit', input.ShardToSplit).required('newStartingHashKey', input.NewStartingHashKey);
  c.length('shardToSplit', input.ShardToSplit, 1, 128).pattern('shardToSplit', input.ShardToSplit, '[a-zA-Z0-9_.-]+');
  c.pattern('newStartingHashKey', input.NewStartingHashKey, '0|([1-9]\\d{0,38})');
  const key = ctx.streamKey(input, caller, c);
  const usage = await accountUsage(ctx, key.account, key.region);
  if (usage.openShards + 1 > ctx.config.shardLimit) throw shardLimitError(ctx, key, usage.openShards, 1);
  await startReshard(
    ctx,
    key,
    'split',
    (m) => {
      const shard = openShard(m, input.ShardToSplit as string);
      const at = parseHashKey(input.NewStartingHashKey as string);
      const start = BigInt(shard.startingHashKey);
      const end = BigInt(shard.endingHashKey);
      if (at === undefined || at <= start + 1n || at >= end) {
        throw KinesisErrors.invalidArgument(
          `NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shardId(shard.index)} in stream ${m.name} under account ${m.account} ` +
            `is not both greater than one plus the shard's StartingHashKey ${shard.startingHashKey} and less than the shard's EndingHashKey ${shard.endingHashKey}.`,
        );
      }
      return planSplit(m, shard.index, at);
    },
    'SplitShard',
  );
  return {};
}

export async function MergeShards(ctx: KinesisContext, input: MergeShardsInput, caller: Caller) {
  const c = new Constraints().required('shardToMerge', input.ShardToMerge).required('adjacentShardToMerge', input.AdjacentShardToMerge);
  for (const [path, v] of [['shardToMerge', input.ShardToMerge], ['adjacentShardToMerge', input.AdjacentShardToMerge]] as const) {
    c.length(path, v, 1, 128).pattern(path, v, '[a-zA-Z0-9_.-]+');
  }
  const key = ctx.streamKey(input, caller, c);
  await startReshard(
    ctx,
    key,
    'merge',
    (m) => {
      const a = openShard(m, input.ShardToMerge as string);
      const b = openShard(m, input.AdjacentShardToMerge as string);
      const range = (s: typeof a) => ({ start: BigInt(s.startingHashKey), end: BigInt(s.endingHashKey) });
      if (a.index === b.index || !adjacent(range(a), range(b))) {
        throw KinesisErrors.invalidArgument(
          `Shards ${shardId(a.index)} and ${shardId(b.index)} in stream ${m.name} under account ${m.account} are not an adjacent pair of shards eligible for merging`,
        );
      }
      return planMerge(m, a.index, b.index);
    },
    'MergeShards',
  );
  return {};
}

export async function UpdateShardCount(ctx: KinesisContext, input: UpdateShardCountInput, caller: Caller): Promise<UpdateShardCountOutput> {
  const c = new Constraints().required('targetShardCount', input.TargetShardCount).range('targetShardCount', input.TargetShardCount, 1);
  c.required('scalingType', input.ScalingType).oneOf('scalingType', input.ScalingType, ['UNIFORM_SCALING']);
  const key = ctx.streamKey(input, caller, c);
  const target = input.TargetShardCount as number;
  const usage = await accountUsage(ctx, key.account, key.region);
  let current = 0;
  const { meta } = await ctx.update(key, (m) => {
    requireProvisionedActive(m, 'UpdateShardCount');
    current = m.shards.filter(isOpen).length;
    const now = ctx.clock.now();
    m.scalingHistory = m.scalingHistory.filter((t) => t > now - DAY_MS);
    if (m.scalingHistory.length >= SCALINGS_PER_DAY) {
      throw KinesisErrors.limitExceeded(`UpdateShardCount can scale stream ${m.name} at most ${SCALINGS_PER_DAY} times in a rolling 24-hour period.`);
    }
    if (target > current * 2) throw KinesisErrors.limitExceeded(`Cannot scale stream ${m.name} above double its current shard count ${current}: requested ${target}.`);
    if (target * 2 < current) throw KinesisErrors.limitExceeded(`Cannot scale stream ${m.name} below half its current shard count ${current}: requested ${target}.`);
    if (usage.openShards - current + target > ctx.config.shardLimit) throw shardLimitError(ctx, key, usage.openShards, target - current);
    m.scalingHistory.push(now);
  });
  if (target !== current) await startReshard(ctx, key, 'scale', (m) => planUniformScaling(m, target), 'UpdateShardCount');
  return { StreamName: meta.name, StreamARN: meta.arn, CurrentShardCount: current, TargetShardCount: target };
}

// ---------------------------------------------------------------------------------------------------------
// Background: resume stalled reshards (a process died mid-way) and scale ON_DEMAND streams.

const owner = randomUUID();

export async function backgroundTick(ctx: KinesisContext): Promise<void> {
  const now = ctx.clock.now();
  for (const key of await ctx.store.watched()) {
    const meta = await ctx.load(key);
    if (!meta) continue;
    if (meta.pending) {
      if (now - meta.pending.startedAt > ctx.config.reshardGraceMs + 10_000 && (await ctx.gate.tryLease(`reshard:${meta.arn}`, owner, 30_000))) {
        await runReshard(ctx, key);
      }
      continue;
    }
    if (meta.mode === 'ON_DEMAND' && meta.status === 'ACTIVE') await autoscale(ctx, key, meta);
  }
}

/** ON_DEMAND: split (at the middle of its range) the hottest shard whose write rate passed the configured share of a shard's capacity. */
async function autoscale(ctx: KinesisContext, key: StreamKey, meta: StreamMeta): Promise<void> {
  const open = meta.shards.filter(isOpen);
  const seconds = ctx.config.onDemandWindowSeconds;
  const totals = await ctx.gate.writeTotals(key, open.map((s) => s.index), ctx.clock.now(), seconds);
  const { writeBytesPerSecond, writeRecordsPerSecond } = ctx.config.limits;
  const share = ctx.config.onDemandSplitShare;
  let hottest = -1;
  let load = 0;
  totals.forEach((t, i) => {
    const l = Math.max(t.bytes / seconds / writeBytesPerSecond, t.records / seconds / writeRecordsPerSecond);
    if (l > share && l > load) {
      load = l;
      hottest = i;
    }
  });
  if (hottest < 0) return;
  const usage = await accountUsage(ctx, key.account, key.region);
  if (usage.openShards + 1 > ctx.config.shardLimit) return;
  if (!(await ctx.gate.tryLease(`autoscale:${meta.arn}`, owner, seconds * 1000))) return;
  const shard = open[hottest];
  const middle = (BigInt(shard.startingHashKey) + BigInt(shard.endingHashKey) + 1n) / 2n;
  ctx.logger.warn({ stream: meta.name, shard: shardId(shard.index), load }, 'ON_DEMAND stream: splitting a hot shard');
  try {
    await startReshard(ctx, key, 'split', (m) => planSplit(m, shard.index, middle), 'autoscale');
  } catch (err) {
    ctx.logger.warn({ err, stream: meta.name }, 'ON_DEMAND split skipped');
  }
}
