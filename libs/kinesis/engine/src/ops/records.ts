import type {
  GetRecordsInput,
  GetRecordsOutput,
  GetShardIteratorInput,
  GetShardIteratorOutput,
  PutRecordInput,
  PutRecordOutput,
  PutRecordsInput,
  PutRecordsOutput,
  PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { AwsError } from '@wharf/aws-protocol';
import type { Caller } from '@wharf/engine-kit';
import { MiB } from '../config';
import type { KinesisContext } from '../context';
import { KinesisErrors } from '../errors';
import { parseHashKey, partitionKeyHash } from '../hash-keys';
import { parseShardId, shardId, type StreamMeta } from '../model';
import type { AppendEntry, PutAdmissionEntry, StreamKey } from '../ports';
import { decodeSequenceNumber, streamEpochOf } from '../sequence-numbers';
import { ITERATOR_LIFETIME_MS } from '../shard-iterators';
import { childShards, sequenceNumber } from '../shapes';
import { findShard, millisBehind, readShard, resolveStart, toSdkRecord } from '../shard-reads';
import { Constraints } from '../validation';

const MAX_PUT_RECORDS_BYTES = 10 * MiB;
/** The model's bounds on one entry: Data's length, and the partition key's in characters. */
const MAX_ENTRY_DATA_BYTES = 10 * MiB;
const PARTITION_KEY_LENGTH = { min: 1, max: 256 } as const;
const MAX_GET_RECORDS_BYTES = 10 * MiB;
const ITERATOR_TYPES = ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const;

// ---------------------------------------------------------------------------------------------------------
// Writing

/** An entry of a put, and what admission reads (its `shard`, set by each routing, and its `bytes`). */
interface PutEntry extends PutAdmissionEntry {
  partitionKey: string;
  data: Uint8Array;
  explicitHashKey: bigint | undefined;
}

type PutOutcome = { shard: number; offset: number } | { errorCode: string; errorMessage: string };

type EntryInput = { Data?: Uint8Array; PartitionKey?: string; ExplicitHashKey?: string };

/** How a message names an entry's members: PutRecord's own (`data`), or PutRecords' `records.3.member.data` (index 2). */
const memberPath = (index: number | undefined) => (index === undefined ? '' : `records.${index + 1}.member.`);

/**
 * An entry's model constraints. The usual entry — Data within 10 MiB, a key of 1–256 characters, no
 * ExplicitHashKey — passes every check, so its member names are built only for one that breaks one.
 */
function checkEntry(c: Constraints, index: number | undefined, entry: EntryInput): void {
  const { Data: data, PartitionKey: key, ExplicitHashKey: hashKey } = entry;
  const { min, max } = PARTITION_KEY_LENGTH;
  const plain = data != null && data.length <= MAX_ENTRY_DATA_BYTES && (key == null || (key.length >= min && key.length <= max)) && hashKey == null;
  if (plain) return;
  const at = memberPath(index);
  c.required(`${at}data`, data).length(`${at}data`, data, 0, MAX_ENTRY_DATA_BYTES);
  c.length(`${at}partitionKey`, key, min, max);
  c.pattern(`${at}explicitHashKey`, hashKey, '0|([1-9]\\d{0,38})');
}

function toPutEntry(meta: StreamMeta, c: Constraints, index: number | undefined, entry: EntryInput): PutEntry {
  const auto = meta.recordDistributionStrategy === 'AUTO';
  if (!auto && entry.PartitionKey == null) c.required(`${memberPath(index)}partitionKey`, entry.PartitionKey);
  const data = entry.Data as Uint8Array;
  const partitionKey = entry.PartitionKey ?? '';
  const bytes = (data ? data.length : 0) + Buffer.byteLength(partitionKey, 'utf8');
  const limit = meta.maxRecordSizeKiB * 1024;
  if (data && bytes > limit) c.fail(`${memberPath(index)}data`, data, `Member must have length less than or equal to ${limit}`);
  let explicitHashKey: bigint | undefined;
  if (entry.ExplicitHashKey !== undefined && /^(0|[1-9]\d{0,38})$/.test(entry.ExplicitHashKey)) {
    explicitHashKey = parseHashKey(entry.ExplicitHashKey);
    if (explicitHashKey === undefined) {
      throw KinesisErrors.invalidArgument(
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${entry.ExplicitHashKey}`,
      );
    }
  }
  return { partitionKey, data, explicitHashKey, bytes, shard: -1 };
}

function writable(meta: StreamMeta | undefined, key: StreamKey): StreamMeta {
  if (!meta || (meta.status !== 'ACTIVE' && meta.status !== 'UPDATING')) throw KinesisErrors.streamNotFound(key.name, key.account);
  return meta;
}

/**
 * Routes, admits (routing version + per-shard limits, shared by all processes) and appends. A stale routing
 * version means a reshard moved writes since this process cached the stream: reload and route again.
 */
async function put(ctx: KinesisContext, key: StreamKey, meta: StreamMeta, entries: PutEntry[]): Promise<{ outcomes: PutOutcome[]; meta: StreamMeta }> {
  for (let attempt = 0; ; attempt++) {
    const router = ctx.router(meta);
    const auto = meta.recordDistributionStrategy === 'AUTO';
    for (const e of entries) {
      e.shard = auto && e.explicitHashKey === undefined ? router.nextShard() : router.shardForHashKey(e.explicitHashKey ?? partitionKeyHash(e.partitionKey));
    }
    const now = ctx.clock.now();
    const enforce = ctx.config.enforceLimits && meta.mode === 'PROVISIONED';
    const admission = await ctx.gate.admitPut(key, meta.version, entries, now, enforce ? ctx.config.limits : undefined);
    if (admission.kind === 'missing') {
      ctx.forget(key);
      throw KinesisErrors.streamNotFound(key.name, key.account);
    }
    if (admission.kind === 'stale') {
      if (attempt >= 5) throw KinesisErrors.internalFailure('The stream kept changing while routing the records.');
      meta = writable(await ctx.load(key), key);
      continue;
    }
    const accepted = admission.accepted;
    const toAppend: AppendEntry[] = [];
    entries.forEach((e, i) => accepted[i] && toAppend.push({ partition: e.shard, partitionKey: e.partitionKey, data: e.data, timestamp: now }));
    const offsets = toAppend.length > 0 ? await ctx.log.append(meta.topic, toAppend) : [];
    let next = 0;
    const outcomes: PutOutcome[] = entries.map((e, i) => {
      if (!accepted[i]) {
        return {
          errorCode: 'ProvisionedThroughputExceededException',
          errorMessage: `Rate exceeded for shard ${shardId(e.shard)} in stream ${meta.name} under account ${meta.account}.`,
        };
      }
      return { shard: e.shard, offset: offsets[next++] };
    });
    // An append that took longer than half the reshard grace period may have landed after a parent's end was
    // fixed (past its EndingSequenceNumber, where no reader looks): those records are put again, to the children.
    if (ctx.clock.now() - now > ctx.config.reshardGraceMs / 2) return { outcomes: await reputStragglers(ctx, key, entries, outcomes), meta };
    return { outcomes, meta };
  }
}

async function reputStragglers(ctx: KinesisContext, key: StreamKey, entries: PutEntry[], outcomes: PutOutcome[]): Promise<PutOutcome[]> {
  let meta = await ctx.load(key);
  if (!meta) return outcomes;
  const landed = outcomes.flatMap((o, i) => ('shard' in o ? [{ i, shard: o.shard, offset: o.offset }] : []));
  // A closed shard's end is fixed a grace period after it closed: wait for it, then compare.
  const unsettled = (m: StreamMeta) => landed.some((l) => m.shards[l.shard]?.closedAt !== undefined && m.shards[l.shard].endOffset === undefined);
  for (let i = 0; i < 50 && unsettled(meta); i++) {
    await ctx.clock.sleep(Math.max(10, ctx.config.reshardGraceMs / 10));
    meta = (await ctx.load(key)) ?? meta;
  }
  const shards = meta.shards;
  const lost = landed.filter((l) => (shards[l.shard]?.endOffset ?? Infinity) <= l.offset).map((l) => l.i);
  if (lost.length === 0) return outcomes;
  ctx.logger.warn({ stream: key.name, records: lost.length }, 'records landed past a closed shard’s end; putting them again');
  const { outcomes: again } = await put(ctx, key, writable(meta, key), lost.map((i) => entries[i]));
  const out = [...outcomes];
  lost.forEach((i, j) => (out[i] = again[j]));
  return out;
}

export async function PutRecord(ctx: KinesisContext, input: PutRecordInput, caller: Caller): Promise<PutRecordOutput> {
  const c = new Constraints();
  checkEntry(c, undefined, input);
  c.pattern('sequenceNumberForOrdering', input.SequenceNumberForOrdering, '0|([1-9]\\d{0,128})');
  const key = ctx.streamKey(input, caller, c);
  const meta = writable(await ctx.load(key, Number.MAX_SAFE_INTEGER), key);
  const entry = toPutEntry(meta, c, undefined, input);
  c.throwIfAny();
  if (input.SequenceNumberForOrdering !== undefined) {
    // Numbers grow with the offset in a shard and from parent to child, so any later put to the key already
    // gets a larger one; only check that the number is one of this stream's.
    const position = decodeSequenceNumber(input.SequenceNumberForOrdering);
    if (!position || position.streamEpoch !== streamEpochOf(meta.createdAt)) {
      throw KinesisErrors.invalidArgument(
        `ExclusiveMinimumSequenceNumber ${input.SequenceNumberForOrdering} used in PutRecord on stream ${meta.name} under account ${meta.account} is invalid.`,
      );
    }
  }
  if (input.DryRun) throw KinesisErrors.dryRun();
  const done = await put(ctx, key, meta, [entry]);
  const [outcome] = done.outcomes;
  if ('errorCode' in outcome) throw KinesisErrors.throughputExceeded(outcome.errorMessage);
  return {
    ShardId: shardId(outcome.shard),
    SequenceNumber: sequenceNumber(done.meta, outcome.shard, outcome.offset),
    EncryptionType: done.meta.encryptionType,
  };
}

export async function PutRecords(ctx: KinesisContext, input: PutRecordsInput, caller: Caller): Promise<PutRecordsOutput> {
  const c = new Constraints().required('records', input.Records).length('records', input.Records, 1, 500);
  const records = input.Records ?? [];
  if (records.length <= 500) records.forEach((r, i) => checkEntry(c, i, r));
  const key = ctx.streamKey(input, caller, c);
  const meta = writable(await ctx.load(key, Number.MAX_SAFE_INTEGER), key);
  const entries = records.map((r, i) => toPutEntry(meta, c, i, r));
  c.throwIfAny();
  const total = entries.reduce((n, e) => n + e.bytes, 0);
  if (total > MAX_PUT_RECORDS_BYTES) throw KinesisErrors.invalidArgument(`Records size exceeds ${MAX_PUT_RECORDS_BYTES / MiB} MB limit`);
  if (input.DryRun) throw KinesisErrors.dryRun();
  let outcomes: PutOutcome[];
  let used = meta;
  try {
    ({ outcomes, meta: used } = await put(ctx, key, meta, entries));
  } catch (error) {
    if (error instanceof AwsError) throw error;
    ctx.logger.error({ err: error, stream: key.name }, 'PutRecords append failed');
    outcomes = entries.map(() => ({ errorCode: 'InternalFailure', errorMessage: 'Internal service failure.' }));
  }
  let failed = 0;
  const results: PutRecordsResultEntry[] = outcomes.map((o) => {
    if ('errorCode' in o) {
      failed++;
      return { ErrorCode: o.errorCode, ErrorMessage: o.errorMessage };
    }
    return { ShardId: shardId(o.shard), SequenceNumber: sequenceNumber(used, o.shard, o.offset) };
  });
  return { FailedRecordCount: failed, Records: results, EncryptionType: used.encryptionType };
}

// ---------------------------------------------------------------------------------------------------------
// Reading (pull)

export async function GetShardIterator(ctx: KinesisContext, input: GetShardIteratorInput, caller: Caller): Promise<GetShardIteratorOutput> {
  const c = new Constraints().required('shardId', input.ShardId).length('shardId', input.ShardId, 1, 128).pattern('shardId', input.ShardId, '[a-zA-Z0-9_.-]+');
  c.required('shardIteratorType', input.ShardIteratorType).oneOf('shardIteratorType', input.ShardIteratorType, ITERATOR_TYPES);
  c.pattern('startingSequenceNumber', input.StartingSequenceNumber, '0|([1-9]\\d{0,128})');
  const key = ctx.streamKey(input, caller, c);
  let meta = await ctx.require(key, ctx.config.metadataCacheMs);
  // A shard this process has not seen yet (just created by a reshard elsewhere): look again in the store.
  if (!meta.shards[parseShardId(input.ShardId as string) ?? -1]) meta = await ctx.require(key);
  const shard = findShard(ctx, meta, input.ShardId as string);
  const offset = await resolveStart(
    ctx,
    meta,
    shard,
    { type: input.ShardIteratorType, sequenceNumber: input.StartingSequenceNumber, timestamp: input.Timestamp },
    'GetShardIterator',
  );
  if (input.DryRun) throw KinesisErrors.dryRun();
  return { ShardIterator: issueIterator(ctx, meta, shard.index, offset) };
}

export function issueIterator(ctx: KinesisContext, meta: StreamMeta, shard: number, offset: number): string {
  return ctx.iterators.encode({
    account: meta.account,
    region: meta.region,
    stream: meta.name,
    streamEpoch: streamEpochOf(meta.createdAt),
    shardIndex: shard,
    offset,
    issuedAt: ctx.clock.now(),
  });
}

/** The iterator names the stream (and its account), not the caller. */
export async function GetRecords(ctx: KinesisContext, input: GetRecordsInput, caller: Caller): Promise<GetRecordsOutput> {
  const c = new Constraints().required('shardIterator', input.ShardIterator).length('shardIterator', input.ShardIterator, 1, 512);
  c.range('limit', input.Limit, 1, 10000);
  c.streamArn('streamARN', input.StreamARN);
  c.throwIfAny();
  const decoded = ctx.iterators.decode(input.ShardIterator as string);
  if (!decoded.ok) throw KinesisErrors.invalidIterator();
  const it = decoded.position;
  if (it.account !== caller.accountId) throw KinesisErrors.accessDenied(caller, `arn:aws:kinesis:${it.region}:${it.account}:stream/${it.stream}`);
  const now = ctx.clock.now();
  if (now - it.issuedAt > ITERATOR_LIFETIME_MS) throw KinesisErrors.expiredIterator(it.issuedAt, now);
  const key: StreamKey = { account: it.account, region: it.region, name: it.stream };
  let meta = await ctx.load(key, ctx.config.metadataCacheMs);
  if (!meta || streamEpochOf(meta.createdAt) !== it.streamEpoch || !meta.shards[it.shardIndex]) meta = await ctx.load(key);
  if (!meta || streamEpochOf(meta.createdAt) !== it.streamEpoch || !meta.shards[it.shardIndex]) {
    throw KinesisErrors.shardDoesNotExist(it.shardIndex, it.stream, it.account);
  }
  if (input.DryRun) throw KinesisErrors.dryRun();
  const enforce = ctx.config.enforceLimits && meta.mode === 'PROVISIONED';
  if (enforce && !(await ctx.gate.admitGet(key, it.shardIndex, now, ctx.config.limits))) {
    throw KinesisErrors.throughputExceeded(`Rate exceeded for Shard - ${shardId(it.shardIndex)} in stream ${meta.name} under account ${meta.account}.`);
  }
  const read = await readShard(ctx, key, meta, it.shardIndex, it.offset, {
    maxRecords: input.Limit ?? 10000,
    maxBytes: MAX_GET_RECORDS_BYTES,
    maxWaitMs: 0,
  });
  const bytes = read.records.reduce((n, r) => n + r.data.length + r.partitionKey.length, 0);
  if (enforce && bytes > 0) await ctx.gate.recordGetBytes(key, it.shardIndex, bytes, now);
  return {
    Records: read.records.map((r) => toSdkRecord(read.meta, it.shardIndex, r)),
    MillisBehindLatest: millisBehind(ctx, read),
    ...(read.finished
      ? { ChildShards: childShards(read.meta, it.shardIndex) }
      : { NextShardIterator: issueIterator(ctx, read.meta, it.shardIndex, read.next) }),
  };
}
