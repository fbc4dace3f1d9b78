import {
  KinesisClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type SubscribeToShardEventStream,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { decodeCbor } from './cbor/codec';
import { decodeRequest } from './decode-request';
import { encodeResponse } from './encode-response';
import { encodeErrorEvent, encodeEvent, encodeExceptionEvent, encodeInitialResponse, EVENT_STREAM_CONTENT_TYPE } from './event-stream';
import { kinesisModel } from './model/services';
import { CaptureHandler, clientConfig, streamOf } from './testing/sdk-harness';

const model = kinesisModel();
const CONSUMER = 'arn:aws:kinesis:us-east-1:000000000000:stream/trucks/consumer/app:1700000000';

const event1 = {
  Records: [
    { SequenceNumber: '1', ApproximateArrivalTimestamp: new Date(1700000000123), Data: new Uint8Array([1, 2, 3]), PartitionKey: 'truck-1' },
    { SequenceNumber: '2', ApproximateArrivalTimestamp: new Date(1700000000456), Data: new Uint8Array([]), PartitionKey: 'truck-2', EncryptionType: 'NONE' as const },
  ],
  ContinuationSequenceNumber: '2',
  MillisBehindLatest: 0,
};
const event2 = {
  Records: [],
  ContinuationSequenceNumber: '2',
  MillisBehindLatest: 1500,
  ChildShards: [{ ShardId: 'shardId-000000000001', ParentShards: ['shardId-000000000000'], HashKeyRange: { StartingHashKey: '0', EndingHashKey: '99' } }],
};

/** Runs SubscribeToShard through a real KinesisClient whose response body is `frames`. */
async function subscribe(frames: (req: ReturnType<CaptureHandler['last']>) => Uint8Array[]) {
  const handler = new CaptureHandler();
  const client = new KinesisClient(clientConfig(handler));
  let requestId = '';
  handler.respond = (req) => {
    const d = decodeRequest(model, req);
    requestId = d.context.requestId;
    const head = encodeResponse(model, 'SubscribeToShard', {}, d.context);
    // encodeResponse's body is the initial-response frame; the rest of the stream follows it.
    return { status: head.status, headers: head.headers, stream: streamOf([head.body as Buffer, ...frames(req)]) };
  };
  const out = await client.send(new SubscribeToShardCommand({ ConsumerARN: CONSUMER, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'AT_TIMESTAMP', Timestamp: new Date(1700000000000) } }));
  return { out, handler, requestId: () => requestId };
}

async function collect(stream: AsyncIterable<SubscribeToShardEventStream> | undefined) {
  const events: SubscribeToShardEventStream[] = [];
  for await (const e of stream ?? []) events.push(e);
  return events;
}

describe('Kinesis SubscribeToShard event stream → SDK', () => {
  it('decodes the SubscribeToShard request, then yields events with Data as Uint8Array and Dates', async () => {
    const { out, handler, requestId } = await subscribe(() => [encodeEvent('SubscribeToShardEvent', event1), encodeEvent('SubscribeToShardEvent', event2)]);
    expect(decodeRequest(model, handler.last()).input).toEqual({
      ConsumerARN: CONSUMER,
      ShardId: 'shardId-000000000000',
      StartingPosition: { Type: 'AT_TIMESTAMP', Timestamp: new Date(1700000000000) },
    });
    expect(out.$metadata.requestId).toBe(requestId());
    const events = await collect(out.EventStream);
    expect(events).toEqual([{ SubscribeToShardEvent: event1 }, { SubscribeToShardEvent: event2 }]);
    expect(events[0].SubscribeToShardEvent?.Records?.[0].Data).toBeInstanceOf(Uint8Array);
  });

  it('an exception event throws the modelled exception from the iterator', async () => {
    const { out } = await subscribe(() => [encodeEvent('SubscribeToShardEvent', event1), encodeExceptionEvent('ResourceInUseException', 'Another active subscription exists for this consumer.')]);
    const seen: unknown[] = [];
    const err = await (async () => {
      for await (const e of out.EventStream ?? []) seen.push(e);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(err).toBeInstanceOf(ResourceInUseException);
    expect((err as ResourceInUseException).message).toBe('Another active subscription exists for this consumer.');

    const nf = await subscribe(() => [encodeExceptionEvent('ResourceNotFoundException', 'Consumer gone')]);
    expect(await collect(nf.out.EventStream).catch((e: unknown) => e)).toBeInstanceOf(ResourceNotFoundException);
  });

  it('an error event throws a plain Error named by its code', async () => {
    const { out } = await subscribe(() => [encodeErrorEvent('InternalFailure', 'broker unavailable')]);
    const err = (await collect(out.EventStream).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('InternalFailure');
    expect(err.message).toBe('broker unavailable');
  });
});

describe('event-stream frames', () => {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);

  it('initial-response and event headers; the response advertises the event-stream content type', () => {
    const init = codec.decode(encodeInitialResponse());
    expect(init.headers[':event-type'].value).toBe('initial-response');
    expect(init.headers[':message-type'].value).toBe('event');
    expect(toUtf8(init.body)).toBe('{}');
    const ctx = { requestId: 'r', region: 'us-east-1', accountId: '000000000000', protocol: 'awsJson1_1' as const };
    expect(encodeResponse(model, 'SubscribeToShard', {}, ctx).headers['content-type']).toBe(EVENT_STREAM_CONTENT_TYPE);
    const ev = codec.decode(encodeEvent('SubscribeToShardEvent', event1));
    expect(JSON.parse(toUtf8(ev.body)).Records[0]).toEqual({ SequenceNumber: '1', ApproximateArrivalTimestamp: 1700000000.123, Data: 'AQID', PartitionKey: 'truck-1' });
  });

  it('CBOR payloads for CBOR clients (Data as bytes, tag-1 millisecond timestamps)', () => {
    const ev = codec.decode(encodeEvent('SubscribeToShardEvent', event1, { protocol: 'cbor' }));
    expect(ev.headers[':content-type'].value).toBe('application/x-amz-cbor-1.1');
    const body = decodeCbor(ev.body) as typeof event1;
    expect(body.Records[0].ApproximateArrivalTimestamp).toEqual(new Date(1700000000123));
    expect([...body.Records[0].Data]).toEqual([1, 2, 3]);
  });
});
