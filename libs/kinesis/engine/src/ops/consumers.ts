import { randomUUID } from 'node:crypto';
import type {
  Consumer,
  DeregisterStreamConsumerInput,
  DescribeStreamConsumerInput,
  DescribeStreamConsumerOutput,
  ListStreamConsumersInput,
  ListStreamConsumersOutput,
  RegisterStreamConsumerInput,
  RegisterStreamConsumerOutput,
  SubscribeToShardEvent,
  SubscribeToShardInput,
} from '@aws-sdk/client-kinesis';
import type { Caller } from '@wharf/engine-kit';
import { MiB } from '../config';
import type { KinesisContext } from '../context';
import { KinesisErrors } from '../errors';
import { consumerArn, parseKinesisArn, shardId, type ConsumerMeta, type StreamMeta } from '../model';
import type { StreamKey } from '../ports';
import { findShard, millisBehind, readShard, resolveStart, toSdkRecord } from '../shard-reads';
import { childShards, decodePageToken, encodePageToken, sequenceNumber } from '../shapes';
import { Constraints } from '../validation';
import { checkTags } from './streams';

export const MAX_CONSUMERS_PER_STREAM = 20;
const CONSUMER_ARN_PATTERN = '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+';

function toConsumer(c: ConsumerMeta): Consumer {
  return { ConsumerName: c.name, ConsumerARN: c.arn, ConsumerStatus: c.status, ConsumerCreationTimestamp: new Date(c.createdAt * 1000) };
}

/** The consumer a call names: ConsumerARN, or StreamARN + ConsumerName. */
async function findConsumer(ctx: KinesisContext, input: { StreamARN?: string; ConsumerName?: string; ConsumerARN?: string }, caller: Caller) {
  const c = new Constraints().streamArn('streamARN', input.StreamARN);
  c.length('consumerName', input.ConsumerName, 1, 128).pattern('consumerName', input.ConsumerName, '[a-zA-Z0-9_.-]+');
  c.length('consumerARN', input.ConsumerARN, 1, 2048).pattern('consumerARN', input.ConsumerARN, CONSUMER_ARN_PATTERN.slice(1) + '.*');
  c.throwIfAny();
  let key: StreamKey;
  let match: (x: ConsumerMeta) => boolean;
  if (input.ConsumerARN !== undefined) {
    const arn = parseKinesisArn(input.ConsumerARN);
    if (!arn?.consumer) throw KinesisErrors.invalidArgument(`ConsumerARN ${input.ConsumerARN} is invalid.`);
    if (arn.account !== caller.accountId) throw KinesisErrors.accessDenied(caller, input.ConsumerARN);
    key = { account: arn.account, region: arn.region, name: arn.stream };
    match = (x) => x.arn === input.ConsumerARN;
  } else {
    if (input.StreamARN === undefined || input.ConsumerName === undefined) {
      throw KinesisErrors.invalidArgument('Either ConsumerARN, or StreamARN and ConsumerName, must be provided.');
    }
    const arn = parseKinesisArn(input.StreamARN);
    if (!arn) throw KinesisErrors.invalidArgument(`StreamARN ${input.StreamARN} is invalid.`);
    if (arn.account !== caller.accountId) throw KinesisErrors.accessDenied(caller, input.StreamARN);
    key = { account: arn.account, region: arn.region, name: arn.stream };
    match = (x) => x.name === input.ConsumerName;
  }
  const meta = await ctx.load(key);
  const consumer = meta?.consumers.find(match);
  if (!meta || !consumer) throw KinesisErrors.consumerNotFound(input.ConsumerARN ?? `${input.ConsumerName} under stream ${input.StreamARN}`);
  return { key, meta, consumer, match };
}

export async function RegisterStreamConsumer(ctx: KinesisContext, input: RegisterStreamConsumerInput, caller: Caller): Promise<RegisterStreamConsumerOutput> {
  const c = new Constraints().required('streamARN', input.StreamARN).required('consumerName', input.ConsumerName);
  c.length('consumerName', input.ConsumerName, 1, 128).pattern('consumerName', input.ConsumerName, '[a-zA-Z0-9_.-]+');
  checkTags(c, 'tags', input.Tags);
  const key = ctx.streamKey({ StreamARN: input.StreamARN }, caller, c);
  const createdAt = Math.floor(ctx.clock.now() / 1000);
  const { result } = await ctx.update(key, (m) => {
    if (m.status !== 'ACTIVE' && m.status !== 'UPDATING') throw KinesisErrors.notActive(m.name, m.account, m.status);
    if (m.consumers.some((x) => x.name === input.ConsumerName)) {
      throw KinesisErrors.resourceInUse(`Consumer ${input.ConsumerName} under stream ${m.name} already exists for account ${m.account}.`);
    }
    if (m.consumers.length >= MAX_CONSUMERS_PER_STREAM) {
      throw KinesisErrors.limitExceeded(`Stream ${m.name} under account ${m.account} already has ${MAX_CONSUMERS_PER_STREAM} registered consumers.`);
    }
    // Ready at once (nothing to provision); the answer says CREATING as AWS's does, DescribeStreamConsumer says ACTIVE.
    const consumer: ConsumerMeta = {
      name: input.ConsumerName as string,
      arn: consumerArn(m.arn, input.ConsumerName as string, createdAt),
      status: 'ACTIVE',
      createdAt,
      ...(input.Tags ? { tags: { ...input.Tags } } : {}),
    };
    m.consumers.push(consumer);
    return consumer;
  });
  return { Consumer: { ...toConsumer(result), ConsumerStatus: 'CREATING' } };
}

export async function DeregisterStreamConsumer(ctx: KinesisContext, input: DeregisterStreamConsumerInput, caller: Caller) {
  const found = await findConsumer(ctx, input, caller);
  await ctx.update(found.key, (m) => {
    const before = m.consumers.length;
    m.consumers = m.consumers.filter((x) => !found.match(x));
    if (m.consumers.length === before) throw KinesisErrors.consumerNotFound(found.consumer.arn);
    if (m.policies) delete m.policies[found.consumer.arn];
  });
  return {};
}

export async function DescribeStreamConsumer(ctx: KinesisContext, input: DescribeStreamConsumerInput, caller: Caller): Promise<DescribeStreamConsumerOutput> {
  const { meta, consumer } = await findConsumer(ctx, input, caller);
  return { ConsumerDescription: { ...toConsumer(consumer), StreamARN: meta.arn } };
}

export async function ListStreamConsumers(ctx: KinesisContext, input: ListStreamConsumersInput, caller: Caller): Promise<ListStreamConsumersOutput> {
  const c = new Constraints().required('streamARN', input.StreamARN).range('maxResults', input.MaxResults, 1, 10000);
  c.length('nextToken', input.NextToken, 1, 1048576);
  const key = ctx.streamKey({ StreamARN: input.StreamARN }, caller, c);
  const meta = await ctx.require(key);
  let after = '';
  if (input.NextToken !== undefined) {
    const token = decodePageToken(input.NextToken);
    if (!token || token.scope !== `consumers/${meta.arn}`) throw KinesisErrors.invalidNextToken();
    if (ctx.clock.now() - token.issuedAt > 300_000) throw KinesisErrors.expiredNextToken();
    after = token.after;
  }
  const limit = input.MaxResults ?? 100;
  const all = [...meta.consumers].sort((a, b) => (a.name < b.name ? -1 : 1)).filter((x) => x.name > after);
  const page = all.slice(0, limit);
  return {
    Consumers: page.map(toConsumer),
    ...(all.length > limit ? { NextToken: encodePageToken({ scope: `consumers/${meta.arn}`, after: page[page.length - 1].name, issuedAt: ctx.clock.now() }) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// SubscribeToShard

export interface Subscription {
  /** Events until the subscription's lifetime ends, a newer subscription takes over, or the shard's end. */
  events: AsyncGenerator<SubscribeToShardEvent>;
  /** Stops early (client went away). */
  cancel(): void;
}

/**
 * Checks everything a SubscribeToShard call can fail on up front (so the error is an ordinary response),
 * claims consumer × shard, then streams events: records as they arrive (≤ 2 MiB/s), an empty event at least
 * every heartbeat, ChildShards in the last event of a closed shard.
 */
export async function SubscribeToShard(ctx: KinesisContext, input: SubscribeToShardInput, caller: Caller): Promise<Subscription> {
  const c = new Constraints().required('consumerARN', input.ConsumerARN).required('shardId', input.ShardId).required('startingPosition', input.StartingPosition);
  c.length('shardId', input.ShardId, 1, 128).pattern('shardId', input.ShardId, '[a-zA-Z0-9_.-]+');
  c.required('startingPosition.type', input.StartingPosition?.Type);
  c.oneOf('startingPosition.type', input.StartingPosition?.Type, ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']);
  c.pattern('startingPosition.sequenceNumber', input.StartingPosition?.SequenceNumber, '0|([1-9]\\d{0,128})');
  c.throwIfAny();
  const { key, meta, consumer } = await findConsumer(ctx, { ConsumerARN: input.ConsumerARN }, caller);
  if (consumer.status !== 'ACTIVE') throw KinesisErrors.resourceInUse(`Consumer ${consumer.arn} is not ACTIVE.`);
  const shard = findShard(ctx, meta, input.ShardId as string);
  const start = input.StartingPosition as NonNullable<SubscribeToShardInput['StartingPosition']>;
  const offset = await resolveStart(ctx, meta, shard, { type: start.Type, sequenceNumber: start.SequenceNumber, timestamp: start.Timestamp }, 'SubscribeToShard');
  if (input.DryRun) throw KinesisErrors.dryRun();
  const token = randomUUID();
  if (!(await ctx.gate.claimSubscription(consumer.arn, shard.index, token, ctx.config.subscriptionTakeoverMs))) {
    throw KinesisErrors.resourceInUse(
      `Another active subscription exists for consumer ${consumer.arn} on shard ${shardId(shard.index)}; a new one may start ${ctx.config.subscriptionTakeoverMs / 1000} s after it.`,
    );
  }
  let cancelled = false;
  let wake: (() => void) | undefined;
  const position = ctx.subscriptions.open(consumer.arn, shard.index, offset, ctx.clock.now());
  const stream = streamEvents(ctx, key, meta, shard.index, offset, consumer.arn, token, () => cancelled, (fn) => (wake = fn), position.sent);
  async function* events(): AsyncGenerator<SubscribeToShardEvent> {
    try {
      yield* stream;
    } finally {
      position.end();
    }
  }
  return {
    events: events(),
    cancel: () => {
      cancelled = true;
      position.end();
      wake?.();
    },
  };
}

async function* streamEvents(
  ctx: KinesisContext,
  key: StreamKey,
  meta: StreamMeta,
  shardIndex: number,
  startOffset: number,
  consumerArnValue: string,
  token: string,
  cancelled: () => boolean,
  onWake: (fn: () => void) => void,
  /** Told the next offset after each event sent (the console's consumer lag). */
  sent: (nextOffset: number) => void,
): AsyncGenerator<SubscribeToShardEvent> {
  const started = ctx.clock.now();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = ctx.clock.setTimeout(resolve, ms);
      onWake(() => {
        timer.cancel();
        resolve();
      });
    });
  let offset = startOffset;
  let lastEmit = 0;
  let windowStart = ctx.clock.now();
  let windowBytes = 0;
  const perSecond = 2 * MiB;
  let lastOwnerCheck = ctx.clock.now();
  while (!cancelled() && ctx.clock.now() - started < ctx.config.subscriptionLifetimeMs) {
    if (ctx.clock.now() - lastOwnerCheck >= 1000) {
      lastOwnerCheck = ctx.clock.now();
      if ((await ctx.gate.subscriptionOwner(consumerArnValue, shardIndex)) !== token) return; // taken over
    }
    // 2 MiB/s per consumer per shard.
    if (ctx.clock.now() - windowStart >= 1000) {
      windowStart = ctx.clock.now();
      windowBytes = 0;
    }
    const budget = perSecond - windowBytes;
    if (budget <= 0) {
      await sleep(Math.max(1, 1000 - (ctx.clock.now() - windowStart)));
      continue;
    }
    const read = await readShard(ctx, key, meta, shardIndex, offset, {
      maxRecords: 10000,
      maxBytes: Math.max(budget, 64 * 1024),
      maxWaitMs: Math.min(250, ctx.config.subscriptionHeartbeatMs),
    });
    meta = read.meta;
    offset = read.next;
    windowBytes += read.records.reduce((n, r) => n + r.data.length, 0);
    const due = ctx.clock.now() - lastEmit >= ctx.config.subscriptionHeartbeatMs;
    if (read.records.length > 0 || read.finished || due) {
      lastEmit = ctx.clock.now();
      const last = read.records.length > 0 ? read.records[read.records.length - 1].offset : offset - 1;
      sent(offset);
      yield {
        Records: read.records.map((r) => toSdkRecord(meta, shardIndex, r)),
        ContinuationSequenceNumber: sequenceNumber(meta, shardIndex, last),
        MillisBehindLatest: millisBehind(ctx, read),
        ...(read.finished ? { ChildShards: childShards(meta, shardIndex) } : {}),
      };
      if (read.finished) return;
    }
    if (read.records.length === 0 && !cancelled()) await sleep(50);
  }
}
