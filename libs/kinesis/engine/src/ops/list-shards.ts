import type { ListShardsInput, ListShardsOutput } from '@aws-sdk/client-kinesis';
import type { Caller } from '@wharf/engine-kit';
import type { KinesisContext } from '../context';
import { KinesisErrors } from '../errors';
import { isOpen, parseShardId, type ShardMeta, type StreamMeta } from '../model';
import type { StreamKey } from '../ports';
import { decodePageToken, encodePageToken, toShard, visibleShards } from '../shapes';
import { Constraints } from '../validation';

const FILTERS = ['AFTER_SHARD_ID', 'AT_TRIM_HORIZON', 'FROM_TRIM_HORIZON', 'AT_LATEST', 'AT_TIMESTAMP', 'FROM_TIMESTAMP'] as const;
const TOKEN_LIFETIME_MS = 300_000;

interface FilterState {
  type?: string;
  shardId?: string;
  timestamp?: number;
}

interface TokenState {
  key: StreamKey;
  filter: FilterState;
}

/** Which shards a ShardFilter keeps. Trim horizon = now − retention. */
function keep(meta: StreamMeta, filter: FilterState, now: number): (s: ShardMeta) => boolean {
  const horizon = now - meta.retentionHours * 3_600_000;
  const openAt = (t: number) => (s: ShardMeta) => s.createdAt <= t && (s.closedAt === undefined || s.closedAt > t);
  const openFrom = (t: number) => (s: ShardMeta) => s.closedAt === undefined || s.closedAt > t;
  switch (filter.type) {
    case 'AFTER_SHARD_ID': {
      const after = parseShardId(filter.shardId ?? '') ?? -1;
      return (s) => s.index > after;
    }
    case 'AT_TRIM_HORIZON':
      return openAt(Math.max(horizon, meta.createdAt));
    case 'FROM_TRIM_HORIZON':
      return openFrom(horizon);
    case 'AT_LATEST':
      return isOpen;
    case 'AT_TIMESTAMP':
      return openAt(Math.max(filter.timestamp ?? now, meta.createdAt));
    case 'FROM_TIMESTAMP':
      return openFrom(filter.timestamp ?? now);
    default:
      return () => true;
  }
}

export async function ListShards(ctx: KinesisContext, input: ListShardsInput, caller: Caller): Promise<ListShardsOutput> {
  const c = new Constraints().range('maxResults', input.MaxResults, 1, 10000).length('nextToken', input.NextToken, 1, 1048576);
  c.length('exclusiveStartShardId', input.ExclusiveStartShardId, 1, 128).pattern('exclusiveStartShardId', input.ExclusiveStartShardId, '[a-zA-Z0-9_.-]+');
  c.oneOf('shardFilter.type', input.ShardFilter?.Type, FILTERS);
  if (input.ShardFilter) c.required('shardFilter.type', input.ShardFilter.Type);
  let key: StreamKey;
  let filter: FilterState;
  let after = -1;
  if (input.NextToken !== undefined) {
    c.throwIfAny();
    if (input.StreamName !== undefined || input.StreamARN !== undefined) {
      throw KinesisErrors.invalidArgument('NextToken and StreamName cannot be provided together.');
    }
    if (input.ExclusiveStartShardId !== undefined) throw KinesisErrors.invalidArgument('NextToken and ExclusiveStartShardId cannot be provided together.');
    const token = decodePageToken(input.NextToken);
    if (!token || token.scope !== 'shards') throw KinesisErrors.invalidNextToken();
    if (ctx.clock.now() - token.issuedAt > TOKEN_LIFETIME_MS) throw KinesisErrors.expiredNextToken();
    ({ key, filter } = token.extra as TokenState);
    after = Number(token.after);
  } else {
    key = ctx.streamKey(input, caller, c);
    const f = input.ShardFilter;
    if (f?.Type === 'AFTER_SHARD_ID' && f.ShardId === undefined) throw KinesisErrors.invalidArgument('ShardFilter of type AFTER_SHARD_ID requires a ShardId.');
    if ((f?.Type === 'AT_TIMESTAMP' || f?.Type === 'FROM_TIMESTAMP') && f.Timestamp === undefined) {
      throw KinesisErrors.invalidArgument(`ShardFilter of type ${f.Type} requires a Timestamp.`);
    }
    filter = f ? { type: f.Type, shardId: f.ShardId, timestamp: f.Timestamp?.getTime() } : {};
    if (input.ExclusiveStartShardId !== undefined) after = parseShardId(input.ExclusiveStartShardId) ?? -1;
  }
  const meta = await ctx.require(key);
  if (input.StreamCreationTimestamp && Math.floor(input.StreamCreationTimestamp.getTime() / 1000) !== Math.floor(meta.createdAt / 1000)) {
    throw KinesisErrors.streamNotFound(meta.name, meta.account);
  }
  const now = ctx.clock.now();
  const shards = visibleShards(meta, now).filter(keep(meta, filter, now)).filter((s) => s.index > after);
  const limit = input.MaxResults ?? 1000;
  const page = shards.slice(0, limit);
  const more = shards.length > limit;
  return {
    Shards: page.map((s) => toShard(meta, s)),
    ...(more
      ? { NextToken: encodePageToken({ scope: 'shards', after: String(page[page.length - 1].index), issuedAt: now, extra: { key, filter } satisfies TokenState }) }
      : {}),
  };
}
