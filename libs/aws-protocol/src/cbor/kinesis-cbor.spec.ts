import {
  DescribeStreamCommand,
  errorTypeRegistries,
  GetRecordsCommand,
  KinesisClient,
  type KinesisClientConfig,
  KinesisServiceException,
  ListStreamsCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { cbor, tag } from '@smithy/core/cbor';
import { describe, expect, it } from 'vitest';
import { decodeRequest } from '../decode-request';
import { encodeError } from '../encode-error';
import { encodeResponse } from '../encode-response';
import { AwsError } from '../errors';
import { kinesisModel } from '../model/services';
import type { HttpRequestLike, RequestContext } from '../types';
import { CaptureHandler, clientConfig } from '../testing/sdk-harness';
import { getRecordsOutput, listShardsInput, putRecordsInput } from '../testing/kinesis-fixtures';
import { decodeCbor, encodeCbor } from './codec';

const model = kinesisModel();

/** What the Java SDK / KCL sends: JSON 1.1 target, CBOR body. */
const javaRequest = (op: string, body: Uint8Array): HttpRequestLike => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': `Kinesis_20131202.${op}`, host: 'localhost:4567' },
  body: Buffer.from(body),
});

const ctx: RequestContext = { requestId: 'req-1', region: 'us-east-1', accountId: '000000000000', protocol: 'cbor' };

describe('Kinesis CBOR 1.1: requests as the Java SDK builds them → decodeRequest', () => {
  it('byte strings for Data, tag 1 + integer epoch milliseconds for timestamps (bytes from the SDK’s own CBOR encoder)', () => {
    const d = decodeRequest(
      model,
      javaRequest(
        'ListShards',
        cbor.serialize({
          StreamName: 'trucks',
          MaxResults: 100,
          StreamCreationTimestamp: tag({ tag: 1, value: 1700000000123 }),
          ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: tag({ tag: 1, value: 1700000000456 }) },
        }),
      ),
    );
    expect(d.context.protocol).toBe('cbor');
    expect(d.operation).toBe('ListShards');
    expect(d.input).toEqual(listShardsInput);

    const put = decodeRequest(model, javaRequest('PutRecords', cbor.serialize(putRecordsInput)));
    expect(put.input).toEqual(putRecordsInput);
  });

  it('integer members: a CBOR integer (incl. a 64-bit one) is read; NaN, Infinity, a float or a beyond-long bigint is a SerializationException', () => {
    const create = (ShardCount: unknown) => decodeRequest(model, javaRequest('CreateStream', cbor.serialize({ StreamName: 's', ShardCount })));
    expect(create(4).input).toEqual({ StreamName: 's', ShardCount: 4 });
    expect(create(2n ** 40n).input).toEqual({ StreamName: 's', ShardCount: 2 ** 40 });
    for (const bad of [NaN, Infinity, -Infinity, 1.5, 2n ** 64n - 1n, 'NaN']) {
      let err: unknown;
      try {
        create(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AwsError);
      expect([String(bad), (err as AwsError).code, (err as AwsError).status]).toEqual([String(bad), 'SerializationException', 400]);
    }
  });

  it('a uint64 millisecond timestamp (what cbor-x’s built-in tag 1 chokes on) and cbor-x encoded bodies', () => {
    const body = encodeCbor({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(1700000000789) });
    // c1 = tag 1, 1b = uint64 follows.
    expect(body.includes(Buffer.from([0xc1, 0x1b]))).toBe(true);
    expect(decodeRequest(model, javaRequest('GetShardIterator', body)).input).toEqual({
      StreamName: 's',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new Date(1700000000789),
    });
  });

  it('the SDK’s rpcv2Cbor serializer (PutRecords captured from a real KinesisClient) decodes the same', async () => {
    const handler = new CaptureHandler();
    const client = rpcv2Client(handler);
    handler.respond = () => ({ status: 200, headers: { 'smithy-protocol': 'rpc-v2-cbor' }, body: Buffer.from(cbor.serialize({ FailedRecordCount: 0, Records: [] })) });
    await client.send(new PutRecordsCommand(putRecordsInput));
    const captured = handler.last();
    expect(decodeRequest(model, javaRequest('PutRecords', captured.body)).input).toEqual(putRecordsInput);
  });
});

/**
 * The JS SDK has no Kinesis CBOR 1.1 client; its rpcv2Cbor protocol parses the same CBOR maps and
 * {__type, message} errors, so it is the oracle for responses (timestamps aside: rpcv2 reads tag 1 as
 * seconds, Kinesis CBOR means milliseconds — checked on raw bytes instead).
 */
function rpcv2Client(handler: CaptureHandler) {
  return new KinesisClient({
    ...clientConfig(handler),
    protocol: AwsSmithyRpcV2CborProtocol,
    protocolSettings: { defaultNamespace: 'com.amazonaws.kinesis', errorTypeRegistries },
  } as KinesisClientConfig);
}

function serve(handler: CaptureHandler, operation: string, answer: { output?: unknown; error?: unknown; noModel?: boolean }) {
  handler.respond = () => {
    const res = answer.error !== undefined ? encodeError(answer.noModel ? undefined : model, answer.error, ctx) : encodeResponse(model, operation, answer.output, ctx);
    return { ...res, headers: { ...res.headers, 'smithy-protocol': 'rpc-v2-cbor' } };
  };
}

describe('Kinesis CBOR 1.1: encodeResponse', () => {
  it('content-type, byte strings, and tag 1 holding integer milliseconds', () => {
    const res = encodeResponse(model, 'GetRecords', getRecordsOutput, ctx);
    expect(res.headers['content-type']).toBe('application/x-amz-cbor-1.1');
    expect(res.headers['x-amzn-RequestId']).toBe('req-1');
    const raw = cbor.deserialize(res.body as Buffer) as { Records: { ApproximateArrivalTimestamp: { tag: number; value: unknown }; Data: Uint8Array }[] };
    expect(raw.Records[0].ApproximateArrivalTimestamp).toMatchObject({ tag: 1, value: 1700000000123 });
    expect(Number.isInteger(raw.Records[0].ApproximateArrivalTimestamp.value)).toBe(true);
    expect([...raw.Records[0].Data]).toEqual([1, 2, 3, 250]);
    // And our own decoder reads it back whole.
    expect(decodeCbor(res.body as Buffer)).toMatchObject({ Records: [{ ApproximateArrivalTimestamp: new Date(1700000000123) }] });
  });

  it('parsed by the SDK: PutRecords-style lists, numbers, Data as Uint8Array', async () => {
    const handler = new CaptureHandler();
    const client = rpcv2Client(handler);
    const { ApproximateArrivalTimestamp: _t, ...record } = getRecordsOutput.Records[0];
    const output = { ...getRecordsOutput, Records: [record] };
    serve(handler, 'GetRecords', { output });
    const { $metadata, ...rest } = await client.send(new GetRecordsCommand({ ShardIterator: 'it' }));
    // The rpcv2 deserializer hands blobs out as Uint8ArrayBlobAdapter; compare the bytes.
    const records = (rest.Records ?? []).map((r) => ({ ...r, Data: new Uint8Array(r.Data ?? []) }));
    expect({ ...rest, Records: records }).toEqual(output);
    expect($metadata.requestId).toBe('req-1');

    serve(handler, 'ListStreams', { output: { StreamNames: ['a', 'b'], HasMoreStreams: false } });
    expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual(['a', 'b']);
  });
});

describe('Kinesis CBOR 1.1: encodeError → SDK', () => {
  it('ResourceNotFoundException as a CBOR {__type, message} map → modelled class, 400', async () => {
    const handler = new CaptureHandler();
    const client = rpcv2Client(handler);
    serve(handler, 'DescribeStream', { error: new AwsError('ResourceNotFoundException', 'Stream foo under account 000000000000 not found.') });
    const err = await client.send(new DescribeStreamCommand({ StreamName: 'foo' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    const e = err as ResourceNotFoundException;
    expect(e.name).toBe('ResourceNotFoundException');
    expect(e.message).toBe('Stream foo under account 000000000000 not found.');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.$metadata.requestId).toBe('req-1');
  });

  it('model-less, unmodelled and internal errors', async () => {
    const handler = new CaptureHandler();
    const client = rpcv2Client(handler);
    serve(handler, 'DescribeStream', { noModel: true, error: new AwsError('ResourceNotFoundException', 'gone', { status: 400 }) });
    expect(await client.send(new DescribeStreamCommand({ StreamName: 'x' })).catch((e: unknown) => e)).toBeInstanceOf(ResourceNotFoundException);

    serve(handler, 'DescribeStream', { error: new AwsError('AccessDeniedException', 'no', { status: 400 }) });
    const e2 = (await client.send(new DescribeStreamCommand({ StreamName: 'x' })).catch((e: unknown) => e)) as KinesisServiceException;
    expect(e2).toBeInstanceOf(KinesisServiceException);
    expect(e2.name).toBe('AccessDeniedException');

    serve(handler, 'DescribeStream', { error: new Error('kafka down') });
    const e3 = (await client.send(new DescribeStreamCommand({ StreamName: 'x' })).catch((e: unknown) => e)) as KinesisServiceException;
    expect(e3.name).toBe('InternalFailure');
    expect(e3.$metadata.httpStatusCode).toBe(500);
    expect(e3.message).not.toContain('kafka');
  });
});
