import { encodeCbor } from './cbor/codec';
import { CONTENT_TYPE } from './content-types';
import { writeValue } from './document/write';
import { AwsError } from './errors';
import { CBOR_WRITE, JSON_RPC_WRITE, REST_JSON_WRITE } from './json/options';
import { findError, type ServiceModel } from './model/service-model';
import type { StructShape } from './model/shapes';
import { encodeQueryErrorXml } from './query/encode-xml';
import type { HttpResponseLike, RequestContext, WireProtocol } from './types';

const INTERNAL_MESSAGE = 'We encountered an internal error. Please try again.';

/** The error as the protocol writes it, with status and query code resolved against the model. */
export interface ResolvedError {
  /** Shape name (JSON __type, x-amzn-ErrorType), e.g. QueueDoesNotExist. */
  name: string;
  /** Query code (Query <Code>, x-amzn-query-error), e.g. AWS.SimpleQueueService.NonExistentQueue. */
  queryCode: string;
  message: string;
  status: number;
  sender: boolean;
  shape?: StructShape;
  headers: Record<string, string>;
  extra: Record<string, unknown>;
}

export function resolveError(model: ServiceModel | undefined, error: unknown, protocol: WireProtocol): ResolvedError {
  const e = error instanceof AwsError ? error : internalError(model, protocol);
  const modelled = findError(model, e.code);
  const status = e.status ?? modelled?.status ?? (e.sender === false ? 500 : 400);
  return {
    name: modelled?.name ?? e.code,
    queryCode: e.queryCode ?? modelled?.queryCode ?? e.code,
    message: e.message,
    status,
    sender: e.sender ?? modelled?.sender ?? status < 500,
    shape: modelled?.shape,
    headers: e.headers ?? {},
    extra: e.extra ?? {},
  };
}

/** A non-AwsError never leaks: it becomes the protocol's generic 500. */
function internalError(model: ServiceModel | undefined, protocol: WireProtocol): AwsError {
  const code =
    protocol === 'awsQuery'
      ? 'InternalError'
      : protocol === 'restJson1' && model?.errors.has('InternalServerErrorException')
        ? 'InternalServerErrorException'
        : 'InternalFailure';
  return new AwsError(code, INTERNAL_MESSAGE, { status: 500, sender: false });
}

/**
 * Encodes any thrown value as the protocol's error response. Works without a model (unknown target,
 * service down): then status and code come from the AwsError alone.
 */
export function encodeError(model: ServiceModel | undefined, error: unknown, context: RequestContext): HttpResponseLike {
  const protocol = context.protocol;
  const r = resolveError(model, error, protocol);
  const headers: Record<string, string> = { ...r.headers, 'x-amzn-RequestId': context.requestId, 'content-type': CONTENT_TYPE[protocol] };
  switch (protocol) {
    case 'awsQuery':
      return {
        status: r.status,
        headers,
        body: encodeQueryErrorXml(r.sender ? 'Sender' : 'Receiver', r.queryCode, r.message, context.requestId, model?.xmlNamespace, r.shape, r.extra),
      };
    case 'restJson1':
      headers['x-amzn-ErrorType'] = r.name;
      return { status: r.status, headers, body: JSON.stringify(errorBody(r, true, false)) };
    case 'cbor':
      return { status: r.status, headers, body: encodeCbor({ __type: r.name, ...errorBody(r, false, true) }) };
    default: {
      // SQS (awsQueryCompatible): namespaced __type plus the query code header the SDK maps back.
      const compatNamespace = model?.awsQueryCompatible ? model.namespace : undefined;
      if (compatNamespace) headers['x-amzn-query-error'] = `${r.queryCode};${r.sender ? 'Sender' : 'Receiver'}`;
      const type = compatNamespace ? `${compatNamespace}#${r.name}` : r.name;
      return { status: r.status, headers, body: JSON.stringify({ __type: type, ...errorBody(r, false, false) }) };
    }
  }
}

/** `message` plus modelled extra members (restJson1 keys by jsonName); `code` keys are never written: the SDK would take them as the error code. */
function errorBody(r: ResolvedError, jsonName: boolean, cbor: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { message: r.message };
  const opts = cbor ? CBOR_WRITE : jsonName ? REST_JSON_WRITE : JSON_RPC_WRITE;
  for (const [k, v] of Object.entries(r.extra)) {
    if (v === null || v === undefined || /^(message|code|__type)$/i.test(k)) continue;
    const m = r.shape?.byName.get(k) ?? r.shape?.members.find((x) => x.jsonName === k);
    body[m ? (jsonName ? (m.jsonName ?? m.name) : m.name) : k] = m ? writeValue(m.shape, v, opts, k) : v;
  }
  return body;
}
