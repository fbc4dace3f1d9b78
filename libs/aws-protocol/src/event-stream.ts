import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { encodeCbor } from './cbor/codec';
import { writeStruct, writeValue } from './document/write';
import { CBOR_WRITE, JSON_RPC_WRITE } from './json/options';
import type { ServiceModel } from './model/service-model';
import type { Shape, StructShape } from './model/shapes';
import { kinesisModel } from './model/services';

/*
 * application/vnd.amazon.eventstream frames, with the codec the SDK itself decodes with (same CRCs,
 * same header encoding). Payloads are serialised per the event's member schema, so blobs become base64
 * and timestamps epoch seconds in JSON exactly as in a normal response.
 */

export interface EventStreamOptions {
  /** Defaults to the Kinesis model. */
  model?: ServiceModel;
  /** Operation whose output holds the event stream; defaults to SubscribeToShard. */
  operation?: string;
  /** `cbor` for Java/KCL clients that negotiated application/x-amz-cbor-1.1; JSON otherwise. */
  protocol?: 'awsJson1_1' | 'awsJson1_0' | 'cbor';
}

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
type Headers = Parameters<EventStreamCodec['encode']>[0]['headers'];

const str = (value: string) => ({ type: 'string' as const, value });

function payloadType(options?: EventStreamOptions): string {
  return options?.protocol === 'cbor' ? 'application/x-amz-cbor-1.1' : 'application/json';
}

function serialize(shape: Shape | undefined, payload: unknown, options?: EventStreamOptions): Uint8Array {
  const cbor = options?.protocol === 'cbor';
  const doc =
    shape?.kind === 'struct'
      ? writeStruct(shape, payload, cbor ? CBOR_WRITE : JSON_RPC_WRITE)
      : shape
        ? writeValue(shape, payload, cbor ? CBOR_WRITE : JSON_RPC_WRITE, '')
        : (payload ?? {});
  return cbor ? encodeCbor(doc) : fromUtf8(JSON.stringify(doc));
}

/** The event-stream union of the operation's output (Kinesis: SubscribeToShardEventStream). */
function eventUnion(options?: EventStreamOptions): StructShape | undefined {
  const model = options?.model ?? kinesisModel();
  const op = model.operations.get(options?.operation ?? 'SubscribeToShard');
  if (!op?.eventStreamMember || op.output.kind !== 'struct') return undefined;
  const union = op.output.byName.get(op.eventStreamMember)?.shape;
  return union?.kind === 'struct' ? union : undefined;
}

/** An `event` frame; e.g. encodeEvent('SubscribeToShardEvent', { Records, ContinuationSequenceNumber, MillisBehindLatest }). */
export function encodeEvent(eventType: string, payload: unknown, options?: EventStreamOptions): Uint8Array {
  const shape = eventUnion(options)?.byName.get(eventType)?.shape;
  const headers: Headers = {
    ':message-type': str('event'),
    ':event-type': str(eventType),
    ':content-type': str(payloadType(options)),
  };
  return codec.encode({ headers, body: serialize(shape, payload, options) });
}

/** The first frame: the SDK's send() resolves only once it has read it. Payload: output members besides the stream (none for Kinesis). */
export function encodeInitialResponse(payload: Record<string, unknown> = {}, options?: EventStreamOptions): Uint8Array {
  const headers: Headers = {
    ':message-type': str('event'),
    ':event-type': str('initial-response'),
    ':content-type': str(payloadType(options)),
  };
  return codec.encode({ headers, body: serialize(undefined, payload, options) });
}

/**
 * A modelled exception inside the stream (ResourceNotFoundException, ResourceInUseException, …): the SDK
 * throws the modelled class from the iterator.
 */
export function encodeExceptionEvent(code: string, message: string, options?: EventStreamOptions): Uint8Array {
  const headers: Headers = {
    ':message-type': str('exception'),
    ':exception-type': str(code),
    ':content-type': str(payloadType(options)),
  };
  return codec.encode({ headers, body: serialize(undefined, { message }, options) });
}

/** An unmodelled stream error: the SDK throws a plain Error named `code`. */
export function encodeErrorEvent(code: string, message: string): Uint8Array {
  const headers: Headers = {
    ':message-type': str('error'),
    ':error-code': str(code),
    ':error-message': str(message),
  };
  return codec.encode({ headers, body: new Uint8Array(0) });
}
