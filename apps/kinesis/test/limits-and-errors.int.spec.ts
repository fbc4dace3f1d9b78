/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import {
  CreateChannelCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { ShardIteratorCodec, streamEpochOf } from '@wharf/kinesis-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShard, sleep, startKinesis, text, waitActive, type KinesisUnderTest } from './support';

const SECRET = 'limits-test-secret';

describe('PROVISIONED limits and bad input (SDK, real Kafka)', () => {
  let k: KinesisUnderTest;
  let client: KinesisClient;
  beforeAll(async () => {
    k = await startKinesis({ KINESIS_ITERATOR_SECRET: SECRET });
    client = k.client({ maxAttempts: 1 });
    await client.send(new CreateStreamCommand({ StreamName: 'one-shard', ShardCount: 1 }));
    await client.send(new CreateStreamCommand({ StreamName: 'errors', ShardCount: 1 }));
    await waitActive(client, 'one-shard');
    await waitActive(client, 'errors');
  });
  afterAll(async () => k?.stop());

  it('a burst over 1000 records/s at one shard gets ProvisionedThroughputExceeded entries; resent, all land once', async () => {
    const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `p${i}`, Data: Buffer.from(`batch-${b}-${i}`) })));
    const results = await Promise.all(batches.map((Records) => client.send(new PutRecordsCommand({ StreamName: 'one-shard', Records }))));
    const failed = results.reduce((n, r) => n + r.FailedRecordCount!, 0);
    expect(failed).toBeGreaterThanOrEqual(1000);
    for (const r of results) {
      for (const e of r.Records!) {
        if (e.ErrorCode) {
          expect(e.ErrorCode).toBe('ProvisionedThroughputExceededException');
          expect(e.ErrorMessage).toMatch(/^Rate exceeded for shard shardId-000000000000 in stream one-shard under account 000000000000\.$/);
          expect(e.SequenceNumber).toBeUndefined();
        } else expect(e.SequenceNumber).toMatch(/^\d{56}$/);
      }
    }
    // The producer's usual loop: resend the failed entries (in order) until none fail.
    let pending = batches.flatMap((records, b) => records.filter((_, i) => results[b].Records![i].ErrorCode));
    for (let round = 0; pending.length > 0 && round < 30; round++) {
      await sleep(250);
      const out: typeof pending = [];
      for (let i = 0; i < pending.length; i += 500) {
        const chunk = pending.slice(i, i + 500);
        const r = await client.send(new PutRecordsCommand({ StreamName: 'one-shard', Records: chunk }));
        out.push(...chunk.filter((_, j) => r.Records![j].ErrorCode));
      }
      pending = out;
    }
    expect(pending).toEqual([]);
    const { records } = await readShard(client, 'one-shard', 'shardId-000000000000', { done: (rs) => rs.length >= 3000, timeoutMs: 60_000 });
    expect(records).toHaveLength(3000);
    expect(new Set(records.map(text)).size).toBe(3000);
  });

  it('PutRecord calls throttled past 1000 records/s are retried by the SDK until every one lands', async () => {
    const retrying = k.client({ maxAttempts: 20 });
    await sleep(1000 - (Date.now() % 1000) + 300); // well into a fresh second, so retries reach the next one
    const throttledBefore = await metric('ProvisionedThroughputExceededException');
    // 1000 records in this second use up the shard's budget…
    const fill = await Promise.all(
      [0, 1].map((b) => client.send(new PutRecordsCommand({ StreamName: 'one-shard', Records: Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `f${b}-${i}`, Data: Buffer.from('fill') })) }))),
    );
    expect(fill.reduce((n, r) => n + r.FailedRecordCount!, 0)).toBe(0);
    // …so these are refused with ProvisionedThroughputExceededException, which the SDK retries with backoff
    // (40 at once: the SDK's retry quota, 500 tokens at 5 a retry, runs dry with many more).
    const puts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => retrying.send(new PutRecordCommand({ StreamName: 'one-shard', PartitionKey: `q${i}`, Data: Buffer.from(`single-${i}`) }))),
    );
    expect(new Set(puts.map((p) => p.SequenceNumber)).size).toBe(40);
    const retries = puts.reduce((n, p) => n + (p.$metadata.attempts ?? 1) - 1, 0);
    expect(retries).toBeGreaterThan(0);
    expect((await metric('ProvisionedThroughputExceededException')) - throttledBefore).toBeGreaterThanOrEqual(retries);
  });

  it('more than 5 GetRecords calls per second on a shard are throttled', async () => {
    const it1 = (await client.send(new GetShardIteratorCommand({ StreamName: 'errors', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }))).ShardIterator!;
    // The limit counts calls per wall-clock second: a burst that straddles two seconds (one of ~10 at 90 ms on a
    // loaded CI machine) spreads its 8 calls over both and none is refused. Start just after a second begins.
    await sleep(1000 - (Date.now() % 1000) + 50);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => client.send(new GetRecordsCommand({ ShardIterator: it1 }))));
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(3);
    for (const r of rejected) expect(r.reason).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('an integer member given "NaN", "Infinity" or a fraction (raw JSON 1.1) is a 400 SerializationException, not a 500', async () => {
    const post = async (op: string, body: string) => {
      const res = await fetch(k.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${op}` }, body });
      return { status: res.status, type: ((await res.json()) as { __type?: string }).__type };
    };
    for (const value of ['"NaN"', '"Infinity"', '1.5']) {
      const calls: [string, string][] = [
        ['CreateStream', `{"StreamName":"nan-stream","ShardCount":${value}}`],
        ['UpdateShardCount', `{"StreamName":"errors","TargetShardCount":${value},"ScalingType":"UNIFORM_SCALING"}`],
        ['IncreaseStreamRetentionPeriod', `{"StreamName":"errors","RetentionPeriodHours":${value}}`],
        ['DecreaseStreamRetentionPeriod', `{"StreamName":"errors","RetentionPeriodHours":${value}}`],
      ];
      for (const [op, body] of calls) expect([op, value, await post(op, body)]).toEqual([op, value, { status: 400, type: 'SerializationException' }]);
    }
    expect((await client.send(new DescribeStreamCommand({ StreamName: 'errors' }))).StreamDescription!.RetentionPeriodHours).toBe(24);
  });

  it('answers bad input with AWS’s errors and keeps serving', async () => {
    const err = (p: Promise<unknown>) => p.then(() => ({ name: 'no error', message: '' }), (e: Error) => ({ name: e.name, message: e.message }));
    expect(await err(client.send(new PutRecordCommand({ StreamName: 'nope', PartitionKey: 'a', Data: Buffer.from('x') })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Stream nope under account 000000000000 not found.',
    });
    expect(await err(client.send(new PutRecordCommand({ StreamName: 'errors', PartitionKey: '', Data: Buffer.from('x') })))).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    const longKey = await err(client.send(new PutRecordCommand({ StreamName: 'errors', PartitionKey: 'k'.repeat(257), Data: Buffer.from('x') })));
    expect(longKey.name).toBe('ValidationException');
    expect(longKey.message).toMatch(/at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256$/);
    const big = await err(client.send(new PutRecordCommand({ StreamName: 'errors', PartitionKey: 'a', Data: Buffer.alloc(1024 * 1024) })));
    expect(big).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048576 cap=1048576]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    });
    const bigInBatch = await err(client.send(new PutRecordsCommand({ StreamName: 'errors', Records: [{ PartitionKey: 'a', Data: Buffer.from('ok') }, { PartitionKey: 'b', Data: Buffer.alloc(1024 * 1024 + 1) }] })));
    expect(bigInBatch.message).toMatch(/at 'records\.2\.member\.data' failed to satisfy constraint: Member must have length less than or equal to 1048576$/);
    const tooMany = await err(client.send(new PutRecordsCommand({ StreamName: 'errors', Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'a', Data: Buffer.from('x') })) })));
    expect(tooMany.name).toBe('ValidationException');
    expect(tooMany.message).toMatch(/at 'records' failed to satisfy constraint: Member must have length less than or equal to 500$/);
    expect(await err(client.send(new GetRecordsCommand({ ShardIterator: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })))).toEqual({
      name: 'InvalidArgumentException',
      message: 'Invalid ShardIterator.',
    });
    const created = (await client.send(new DescribeStreamCommand({ StreamName: 'errors' }))).StreamDescription!.StreamCreationTimestamp!;
    const issuedAt = Date.now() - 5 * 60 * 1000 - 1000;
    const expired = new ShardIteratorCodec(SECRET).encode({
      account: '000000000000', region: 'us-east-1', stream: 'errors', streamEpoch: streamEpochOf(created.getTime()), shardIndex: 0, offset: 0, issuedAt,
    });
    const exp = await err(client.send(new GetRecordsCommand({ ShardIterator: expired })));
    expect(exp.name).toBe('ExpiredIteratorException');
    expect(exp.message).toMatch(/^Iterator expired\. The iterator was created at time \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} while right now it is .* which is further in the future than the tolerated delay of 300000 milliseconds\.$/);
    expect(await err(client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'errors', RetentionPeriodHours: 8761 })))).toEqual({
      name: 'InvalidArgumentException',
      message: 'Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.',
    });
    expect(await err(client.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'errors', RetentionPeriodHours: 23 })))).toEqual({
      name: 'InvalidArgumentException',
      message: 'Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.',
    });
    const channel = await err(client.send(new CreateChannelCommand({ ChannelName: 'c', ServiceExecutionRoleARN: 'arn:aws:iam::000000000000:role/r', StreamConfigurationList: [] })));
    expect(channel.name).toBe('UnsupportedOperation');

    // Still up and serving.
    expect(k.app.child.exitCode).toBeNull();
    expect((await fetch(`${k.url}/health`)).status).toBe(200);
    await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'errors', RetentionPeriodHours: 48 }));
    const ok = await client.send(new PutRecordCommand({ StreamName: 'errors', PartitionKey: 'a', Data: Buffer.from('still here') }));
    expect(ok.ShardId).toBe('shardId-000000000000');
  });

  async function metric(code: string): Promise<number> {
    const body = await (await fetch(`${k.url}/metrics`)).text();
    return body
      .split('\n')
      .filter((l) => l.startsWith('wharf_request_errors_total{') && l.includes(`code="${code}"`))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  }
});
