/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert on SDK shapes whose members are all optional */
import { type Caller, silentLogger } from '@wharf/engine-kit';
import { ManualClock } from '@wharf/engine-kit/testing';
import { describe, expect, it } from 'vitest';
import { defaultEngineConfig } from './config';
import { streamConsumerLag } from './consumer-lag';
import { KinesisContext } from './context';
import { kinesisOperations as K } from './operations';
import { MemoryMetadata, MemoryRecordLog } from './testing';

const caller: Caller = { accountId: '000000000000', region: 'us-east-1', requestId: 'test' };

describe('consumer lag of live SubscribeToShard subscriptions', () => {
  it('shows records not yet sent per shard, caught up once sent, and "not subscribed" without a live subscription', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1, 12, 0, 0));
    const meta = new MemoryMetadata(() => clock.now());
    const ctx = new KinesisContext({ config: defaultEngineConfig({}), clock, store: meta, log: new MemoryRecordLog(), gate: meta, logger: silentLogger });
    await K.CreateStream(ctx, { StreamName: 's', ShardCount: 2 }, caller);
    const arn = (await K.DescribeStreamSummary(ctx, { StreamName: 's' }, caller)).StreamDescriptionSummary!.StreamARN!;
    const consumer = (await K.RegisterStreamConsumer(ctx, { StreamARN: arn, ConsumerName: 'c' }, caller)).Consumer!;
    const put = (n: number) => K.PutRecords(ctx, { StreamName: 's', Records: Array.from({ length: n }, () => ({ PartitionKey: 'k', ExplicitHashKey: '0', Data: Buffer.from('x') })) }, caller);
    const lag = async () => (await streamConsumerLag(ctx, 's', caller)).consumers[0].shards;
    const notSubscribed = [
      { shardId: 'shardId-000000000000', subscribed: false },
      { shardId: 'shardId-000000000001', subscribed: false },
    ];
    expect(await lag()).toEqual(notSubscribed);

    await put(3);
    const sub = await K.SubscribeToShard(ctx, { ConsumerARN: consumer.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }, caller);
    expect((await lag())[0]).toMatchObject({ subscribed: true, behindRecords: 3 }); // nothing sent yet
    expect((await sub.events.next()).value!.Records).toHaveLength(3);
    expect(await lag()).toEqual([expect.objectContaining({ subscribed: true, behindRecords: 0, sentUpToOffset: 3, latestOffset: 3 }), notSubscribed[1]]);

    await put(2); // the subscriber has not asked for the next event: two records behind
    expect((await lag())[0]).toMatchObject({ subscribed: true, behindRecords: 2, latestOffset: 5 });
    expect((await sub.events.next()).value!.Records).toHaveLength(2);
    expect((await lag())[0]).toMatchObject({ behindRecords: 0 });

    sub.cancel();
    expect(await lag()).toEqual(notSubscribed);
  });
});
