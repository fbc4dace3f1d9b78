/* eslint-disable @typescript-eslint/no-non-null-assertion -- SDK output members are all optional */
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { addExtension, Decoder, Encoder } from 'cbor-x';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKinesis, waitActive, type KinesisUnderTest } from './support';

/** What the Java SDK / KCL decode a CBOR tag-1 timestamp into: epoch MILLISECONDS (not RFC 8949 seconds). */
class JavaMillis {
  constructor(readonly ms: number) {}
}
addExtension({
  Class: JavaMillis,
  tag: 1,
  encode: (v: JavaMillis, encode: (x: unknown) => Uint8Array) => encode(v.ms),
  decode: (v: unknown) => new JavaMillis(Number(v)),
});
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/**
 * CBOR the way the Java SDK sends it (application/x-amz-cbor-1.1 over HTTP/1.1, Data as byte strings,
 * timestamps as tag 1 + integer ms), built with cbor-x; results compared with the JSON SDK's.
 */
describe('CBOR (Java SDK wire format) against JSON results', () => {
  let k: KinesisUnderTest;
  beforeAll(async () => {
    k = await startKinesis();
  });
  afterAll(async () => k?.stop());

  async function cbor(op: string, body: object): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
    const res = await fetch(k.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-cbor-1.1',
        'x-amz-target': `Kinesis_20131202.${op}`,
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
        'x-amz-date': '20250101T000000Z',
      },
      body: encoder.encode(body),
    });
    const raw = Buffer.from(await res.arrayBuffer());
    return { status: res.status, type: res.headers.get('content-type'), body: raw.length ? (decoder.decode(raw) as Record<string, unknown>) : {} };
  }

  it('PutRecords / GetShardIterator (AT_TIMESTAMP as tag 1 ms) / GetRecords match the JSON answers', async () => {
    const created = await cbor('CreateStream', { StreamName: 'cbor', ShardCount: 1 });
    expect(created.status).toBe(200);
    const json = k.client();
    await waitActive(json, 'cbor');
    const before = Date.now() - 1;
    const payloads = Array.from({ length: 20 }, (_, i) => Buffer.from([0, 255, i, 10, 13]));
    const put = await cbor('PutRecords', { StreamName: 'cbor', Records: payloads.map((d, i) => ({ Data: d, PartitionKey: `p${i}` })) });
    expect(put.status).toBe(200);
    expect(put.type).toMatch(/^application\/x-amz-cbor-1\.1/);
    expect(put.body.FailedRecordCount).toBe(0);
    const putRecords = put.body.Records as Array<{ SequenceNumber: string; ShardId: string }>;

    const it1 = await cbor('GetShardIterator', { StreamName: 'cbor', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new JavaMillis(before) });
    expect(it1.status).toBe(200);
    const got = await cbor('GetRecords', { ShardIterator: it1.body.ShardIterator, Limit: 100 });
    expect(got.status).toBe(200);
    const records = got.body.Records as Array<{ SequenceNumber: string; Data: Uint8Array; PartitionKey: string; ApproximateArrivalTimestamp: JavaMillis }>;
    expect(records.map((r) => r.SequenceNumber)).toEqual(putRecords.map((r) => r.SequenceNumber));
    expect(records.map((r) => Buffer.from(r.Data))).toEqual(payloads);
    for (const r of records) {
      expect(r.ApproximateArrivalTimestamp).toBeInstanceOf(JavaMillis);
      expect(Number.isInteger(r.ApproximateArrivalTimestamp.ms)).toBe(true);
    }

    const jsonIt = await json.send(new GetShardIteratorCommand({ StreamName: 'cbor', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(before) }));
    const viaJson = await json.send(new GetRecordsCommand({ ShardIterator: jsonIt.ShardIterator, Limit: 100 }));
    expect(viaJson.Records!.map((r) => [r.SequenceNumber, Buffer.from(r.Data!), r.PartitionKey, r.ApproximateArrivalTimestamp!.getTime()])).toEqual(
      records.map((r) => [r.SequenceNumber, Buffer.from(r.Data), r.PartitionKey, r.ApproximateArrivalTimestamp.ms]),
    );
    expect(got.body.MillisBehindLatest).toBe(viaJson.MillisBehindLatest);
  });

  it('answers errors as a CBOR map {__type, message}', async () => {
    const missing = await cbor('DescribeStream', { StreamName: 'no-such-stream' });
    expect(missing.status).toBe(400);
    expect(missing.type).toMatch(/^application\/x-amz-cbor-1\.1/);
    expect(missing.body).toEqual({ __type: 'ResourceNotFoundException', message: 'Stream no-such-stream under account 000000000000 not found.' });
    const bad = await cbor('GetRecords', { ShardIterator: 'x'.repeat(60) });
    expect(bad.body.__type).toBe('InvalidArgumentException');
  });
});
