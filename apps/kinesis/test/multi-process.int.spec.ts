/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordCommand, PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { beforeAll, describe, expect, it } from 'vitest';
import { readShard, sleep, text, twoKinesisProcesses, waitActive, type KinesisUnderTest } from './support';

/** Two kinesis processes on the same Redis metadata and Kafka topics: one service, any process answers. */
describe('two kinesis processes serving the same streams', () => {
  const both = twoKinesisProcesses();
  let a: KinesisUnderTest;
  let b: KinesisUnderTest;
  beforeAll(() => ({ a, b } = both()));

  it('a split made through B re-routes the puts A keeps making; lineage readers see every key in order', async () => {
    const ca = a.client({ maxAttempts: 10 });
    const cb = b.client({ maxAttempts: 10 });
    await ca.send(new CreateStreamCommand({ StreamName: 'shared', ShardCount: 1 }));
    await waitActive(cb, 'shared');
    let stop = false;
    const sent = new Map<string, number>();
    const producers = Array.from({ length: 10 }, async (_, i) => {
      const key = `k${i}`;
      const client = i % 2 ? ca : cb; // both processes take writes
      let n = 0;
      while (!stop) {
        await client.send(new PutRecordCommand({ StreamName: 'shared', PartitionKey: key, Data: Buffer.from(JSON.stringify({ key, n })) }));
        sent.set(key, ++n);
        await sleep(3);
      }
    });
    await sleep(500);
    await cb.send(new SplitShardCommand({ StreamName: 'shared', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: String(1n << 127n) }));
    await waitActive(ca, 'shared');
    await sleep(500);
    stop = true;
    await Promise.all(producers);

    const perKey = new Map<string, number[]>();
    const take = (records: { Data?: Uint8Array }[]) => {
      for (const r of records) {
        const { key, n } = JSON.parse(text(r as never)) as { key: string; n: number };
        perKey.set(key, [...(perKey.get(key) ?? []), n]);
      }
    };
    // Parent through A to its end (ChildShards), then the children through B.
    let it = (await ca.send(new GetShardIteratorCommand({ StreamName: 'shared', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    let children: string[] = [];
    while (it) {
      const r = await ca.send(new GetRecordsCommand({ ShardIterator: it }));
      take(r.Records ?? []);
      it = r.NextShardIterator;
      if (!it) children = r.ChildShards!.map((c) => c.ShardId!);
    }
    expect(children).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    for (const child of children) take((await readShard(cb, 'shared', child)).records);
    for (const [key, count] of sent) expect(perKey.get(key), key).toEqual(Array.from({ length: count }, (_, i) => i));
    const open = (await cb.send(new ListShardsCommand({ StreamName: 'shared', ShardFilter: { Type: 'AT_LATEST' } }))).Shards!;
    expect(open).toHaveLength(2);
  });

  it('shard limits are shared: 1000 records/s across both processes', async () => {
    const ca = a.client();
    const cb = b.client();
    await ca.send(new CreateStreamCommand({ StreamName: 'limited', ShardCount: 1 }));
    await waitActive(ca, 'limited');
    await sleep(1000 - (Date.now() % 1000) + 50);
    const batch = (c: typeof ca, tag: string) =>
      c.send(new PutRecordsCommand({ StreamName: 'limited', Records: Array.from({ length: 400 }, (_, i) => ({ PartitionKey: `${tag}${i}`, Data: Buffer.from('x') })) }));
    const t0 = Date.now();
    const results = await Promise.all([batch(ca, 'a'), batch(cb, 'b'), batch(ca, 'c'), batch(cb, 'd')]);
    const t1 = Date.now();
    const accepted = results.reduce((n, r) => n + r.Records!.filter((e) => !e.ErrorCode).length, 0);
    // 1600 records at one shard through two processes: within one second exactly 1000 get through.
    if (Math.floor(t0 / 1000) === Math.floor(t1 / 1000)) expect(accepted).toBe(1000);
    else expect(accepted).toBeGreaterThanOrEqual(1000);
    expect(results.reduce((n, r) => n + r.FailedRecordCount!, 0)).toBe(1600 - accepted);
  });
});
