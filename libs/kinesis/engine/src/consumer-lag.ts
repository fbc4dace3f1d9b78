import type { Caller } from '@wharf/engine-kit';
import type { KinesisContext } from './context';
import { KinesisErrors } from './errors';
import { shardId } from './model';
import { visibleShards } from './shapes';

export type ShardLag =
  | { shardId: string; subscribed: false }
  /** `behindRecords`: records in the shard the subscription has not sent yet (0: caught up). */
  | { shardId: string; subscribed: true; behindRecords: number; sentUpToOffset: number; latestOffset: number; since: number };

export interface ConsumerLag {
  consumerName: string;
  consumerARN: string;
  shards: ShardLag[];
}

/**
 * Per registered consumer and shard: how far its live SubscribeToShard (in this process) is behind the
 * shard's latest record, or `subscribed: false` when none is live here.
 */
export async function streamConsumerLag(ctx: KinesisContext, name: string, caller: Pick<Caller, 'accountId' | 'region'>): Promise<{ consumers: ConsumerLag[] }> {
  const key = { account: caller.accountId, region: caller.region, name };
  const meta = await ctx.load(key);
  if (!meta) throw KinesisErrors.streamNotFound(name, caller.accountId);
  const shards = visibleShards(meta, ctx.clock.now());
  const latest = new Map<number, number>();
  const latestOf = async (index: number) => {
    let high = latest.get(index);
    if (high === undefined) latest.set(index, (high = shards.find((s) => s.index === index)?.endOffset ?? (await ctx.log.watermarks(meta.topic, index)).high));
    return high;
  };
  const consumers: ConsumerLag[] = [];
  for (const consumer of meta.consumers) {
    const lags: ShardLag[] = [];
    for (const shard of shards) {
      const live = ctx.subscriptions.get(consumer.arn, shard.index);
      if (!live) {
        lags.push({ shardId: shardId(shard.index), subscribed: false });
        continue;
      }
      const high = await latestOf(shard.index);
      lags.push({
        shardId: shardId(shard.index),
        subscribed: true,
        behindRecords: Math.max(0, high - live.nextOffset),
        sentUpToOffset: live.nextOffset,
        latestOffset: high,
        since: live.startedAt,
      });
    }
    consumers.push({ consumerName: consumer.name, consumerARN: consumer.arn, shards: lags });
  }
  return { consumers };
}
