import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  KinesisClient,
  KinesisServiceException,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { decodeRequest } from '../decode-request';
import { encodeError } from '../encode-error';
import { encodeResponse } from '../encode-response';
import { AwsError } from '../errors';
import { kinesisModel } from '../model/services';
import { CaptureHandler, clientConfig } from '../testing/sdk-harness';
import { describeStreamOutput, getRecordsOutput, listShardsInput, putRecordsInput } from '../testing/kinesis-fixtures';

const model = kinesisModel();

function setup(answer: { output?: unknown; error?: unknown; noModel?: boolean }) {
  const handler = new CaptureHandler();
  const client = new KinesisClient(clientConfig(handler));
  const seen: { requestId?: string } = {};
  handler.respond = (req) => {
    const d = decodeRequest(model, req);
    seen.requestId = d.context.requestId;
    if (answer.error !== undefined) return encodeError(answer.noModel ? undefined : model, answer.error, d.context);
    return encodeResponse(model, d.operation, answer.output ?? {}, d.context);
  };
  return { handler, client, seen };
}

describe('Kinesis over AWS JSON 1.1: SDK → decodeRequest', () => {
  it('PutRecords: blobs (base64) in a list of structures', async () => {
    const { handler, client } = setup({ output: { FailedRecordCount: 0, Records: [] } });
    await client.send(new PutRecordsCommand(putRecordsInput));
    const req = handler.last();
    expect(req.headers['content-type']).toBe('application/x-amz-json-1.1');
    const d = decodeRequest(model, req);
    expect(d.operation).toBe('PutRecords');
    expect(d.context.protocol).toBe('awsJson1_1');
    expect(d.input).toEqual(putRecordsInput);
  });

  it('PutRecord, ListShards (timestamp as epoch seconds, nested ShardFilter), CreateStream (map, nested struct)', async () => {
    const cases = [
      [new PutRecordCommand({ StreamName: 's', Data: new Uint8Array([1, 2, 3]), PartitionKey: 'truck-1', ExplicitHashKey: '170141183460469231731687303715884105728', SequenceNumberForOrdering: '1' }), { ShardId: 'shardId-000000000000', SequenceNumber: '1' }],
      [new ListShardsCommand(listShardsInput), {}],
      [new CreateStreamCommand({ StreamName: 's', ShardCount: 5, StreamModeDetails: { StreamMode: 'PROVISIONED' }, Tags: { env: 'test' } }), {}],
    ] as const;
    for (const [command, output] of cases) {
      const { handler, client } = setup({ output });
      await client.send(command as never);
      expect(decodeRequest(model, handler.last()).input).toEqual(command.input);
    }
  });
});

describe('Kinesis over AWS JSON 1.1: encodeResponse → SDK', () => {
  it('GetRecords: Data back as Uint8Array, ApproximateArrivalTimestamp as Date (ms kept)', async () => {
    const { client, seen } = setup({ output: getRecordsOutput });
    const out = await client.send(new GetRecordsCommand({ ShardIterator: 'it' }));
    const { $metadata, ...rest } = out;
    expect(rest).toEqual(getRecordsOutput);
    expect($metadata.requestId).toBe(seen.requestId);
  });

  it('DescribeStream: nested structures, lists, timestamps', async () => {
    const { client } = setup({ output: describeStreamOutput });
    const { $metadata: _m, ...rest } = await client.send(new DescribeStreamCommand({ StreamName: 'trucks' }));
    expect(rest).toEqual(describeStreamOutput);
  });
});

describe('Kinesis over AWS JSON 1.1: encodeError → SDK', () => {
  it('ResourceNotFoundException → modelled class, 400', async () => {
    const { client, seen } = setup({ error: new AwsError('ResourceNotFoundException', 'Stream foo under account 000000000000 not found.') });
    const err = await client.send(new DescribeStreamCommand({ StreamName: 'foo' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    const e = err as ResourceNotFoundException;
    expect(e.name).toBe('ResourceNotFoundException');
    expect(e.message).toBe('Stream foo under account 000000000000 not found.');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.$metadata.requestId).toBe(seen.requestId);
  });

  it('ProvisionedThroughputExceededException (retryable in the SDK) keeps its class', async () => {
    const { client } = setup({ error: new AwsError('ProvisionedThroughputExceededException', 'Rate exceeded for shard shardId-000000000000') });
    const err = await client.send(new PutRecordCommand({ StreamName: 's', Data: new Uint8Array([1]), PartitionKey: 'k' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('unmodelled code → KinesisServiceException with that name; model-less error parsed too', async () => {
    const a = setup({ error: new AwsError('AccessDeniedException', 'denied', { status: 400 }) });
    const err = (await a.client.send(new DescribeStreamCommand({ StreamName: 'x' })).catch((e: unknown) => e)) as KinesisServiceException;
    expect(err).toBeInstanceOf(KinesisServiceException);
    expect(err.name).toBe('AccessDeniedException');

    const b = setup({ noModel: true, error: new AwsError('ResourceNotFoundException', 'gone', { status: 400 }) });
    const err2 = await b.client.send(new DescribeStreamCommand({ StreamName: 'x' })).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ResourceNotFoundException);
  });

  it('non-AwsError → InternalFailure 500', async () => {
    const { client } = setup({ error: new TypeError('boom') });
    const err = (await client.send(new DescribeStreamCommand({ StreamName: 'x' })).catch((e: unknown) => e)) as KinesisServiceException;
    expect(err.name).toBe('InternalFailure');
    expect(err.$metadata.httpStatusCode).toBe(500);
  });
});
