import { encodeCbor } from './cbor/codec';
import { CONTENT_TYPE } from './content-types';
import { writeStruct } from './document/write';
import { EVENT_STREAM_CONTENT_TYPE, encodeInitialResponse } from './event-stream';
import { encodeJsonBody } from './json/encode';
import { CBOR_WRITE, JSON_RPC_WRITE } from './json/options';
import type { ServiceModel } from './model/service-model';
import { encodeQueryXml } from './query/encode-xml';
import { encodeRestJson } from './rest-json/encode';
import type { HttpResponseLike, RequestContext } from './types';

/**
 * Encodes an SDK-shaped output in the protocol the request came in. For an event-stream operation
 * (SubscribeToShard) the body is the initial-response frame; the caller keeps the response open and
 * writes encodeEvent frames after it.
 */
export function encodeResponse(model: ServiceModel, operation: string, output: unknown, context: RequestContext): HttpResponseLike {
  const op = model.operations.get(operation);
  if (!op) throw new Error(`aws-protocol: ${model.service} has no operation ${operation}`);
  const headers: Record<string, string> = { 'x-amzn-RequestId': context.requestId };
  const protocol = context.protocol;

  if (op.eventStreamMember && protocol !== 'awsQuery' && protocol !== 'restJson1') {
    headers['content-type'] = EVENT_STREAM_CONTENT_TYPE;
    const frame = encodeInitialResponse({}, { model, operation, protocol });
    return { status: 200, headers, body: Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength) };
  }
  switch (protocol) {
    case 'awsJson1_0':
    case 'awsJson1_1':
      headers['content-type'] = CONTENT_TYPE[protocol];
      return { status: 200, headers, body: encodeJsonBody(op.output, output, JSON_RPC_WRITE) };
    case 'cbor':
      headers['content-type'] = CONTENT_TYPE.cbor;
      return {
        status: 200,
        headers,
        body: encodeCbor(op.output.kind === 'struct' ? writeStruct(op.output, output, CBOR_WRITE) : {}),
      };
    case 'awsQuery':
      headers['content-type'] = CONTENT_TYPE.awsQuery;
      return { status: 200, headers, body: encodeQueryXml(op.name, op.output, output, context.requestId, model.xmlNamespace) };
    case 'restJson1': {
      const res = encodeRestJson(op, output);
      return { status: res.status, headers: { ...res.headers, ...headers }, body: res.body };
    }
  }
}
