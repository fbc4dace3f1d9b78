import type { Caller } from '@wharf/engine-kit';
import type { KinesisContext } from './context';
import { KinesisErrors } from './errors';
import { isOpen, shardId } from './model';

export interface ShardRates {
  shardId: string;
  recordsPerSecond: number;
  bytesPerSecond: number;
}

/** Seconds the console's rates average over (the write counters are kept 30 s). */
export const METRICS_WINDOW_SECONDS = 5;

/**
 * Per-shard incoming records/s and bytes/s of a stream's open shards, from the write counters admission
 * keeps per shard and second (the same ones ON_DEMAND scaling reads): the console's rates cost no extra
 * work on PutRecord(s).
 */
export async function streamMetrics(ctx: KinesisContext, name: string, caller: Pick<Caller, 'accountId' | 'region'>): Promise<{ windowSeconds: number; shards: ShardRates[] }> {
  const key = { account: caller.accountId, region: caller.region, name };
  const meta = await ctx.load(key);
  if (!meta) throw KinesisErrors.streamNotFound(name, caller.accountId);
  const open = meta.shards.filter(isOpen);
  const seconds = METRICS_WINDOW_SECONDS;
  const totals = await ctx.gate.writeTotals(key, open.map((s) => s.index), ctx.clock.now(), seconds);
  return {
    windowSeconds: seconds,
    shards: open.map((s, i) => ({ shardId: shardId(s.index), recordsPerSecond: totals[i].records / seconds, bytesPerSecond: totals[i].bytes / seconds })),
  };
}
