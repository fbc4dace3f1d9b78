import { decodeCbor, type WireProtocol } from '@wharf/aws-protocol';
import { MODELS, type ServiceName } from './fuzz-cases';
import type { Outcome } from './fuzz-http';

/**
 * Codes AWS answers for any service beside the modelled ones: the common errors of the Query APIs
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html, same list for
 * SNS) and of the JSON/REST ones (SerializationException, UnknownOperationException, …), and the edge's own.
 */
const COMMON_CODES = new Set([
  'AccessDenied', 'AccessDeniedException', 'IncompleteSignature', 'IncompleteSignatureException', 'InvalidAction', 'InvalidClientTokenId',
  'InvalidParameterCombination', 'InvalidParameterValue', 'InvalidParameter', 'InvalidQueryParameter', 'MalformedQueryString', 'MissingAction',
  'MissingAuthenticationToken', 'MissingAuthenticationTokenException', 'MissingParameter', 'NotAuthorized', 'OptInRequired', 'RequestExpired',
  'ThrottlingException', 'Throttling', 'ValidationError', 'ValidationException', 'SerializationException', 'UnknownOperationException',
  'UnrecognizedClientException', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'InvalidHostHeader', 'RequestEntityTooLarge',
  'RequestTimeout', 'RequestTimeoutException', 'UnsupportedMediaType', 'UnsupportedMediaTypeException', 'MethodNotAllowed', 'NotFound', 'NotFoundException',
  'BadRequestException', 'InvalidRequest', 'InvalidRequestException', 'InvalidHttpRequest', 'UnsupportedProtocol', 'MalformedHttpRequest',
  'ExpectationFailed', 'RequestHeaderSectionTooLarge', 'UnknownOperation', 'InvalidURI', 'BadRequest', 'NoSuchVersion',
  // Wharf's own, for an operation it does not serve (Kinesis CreateChannel: delivery to S3)
  'UnsupportedOperation',
]);
/** Refused by the HTTP layer before the request was read: its protocol is unknown, the service's own is used. */
const HTTP_LEVEL = new Set(['MalformedHttpRequest', 'RequestHeaderSectionTooLarge', 'RequestTimeout']);

export interface Verdict {
  ok: boolean;
  /** Why not, for the report (one short line). */
  problem?: string;
  /** The protocol the error came back in, and its code. */
  protocol?: WireProtocol;
  code?: string;
}

const PROTOCOL_BY_TYPE: [string, WireProtocol][] = [
  ['application/x-amz-json-1.0', 'awsJson1_0'],
  ['application/x-amz-json-1.1', 'awsJson1_1'],
  ['application/x-amz-cbor-1.1', 'cbor'],
  ['text/xml', 'awsQuery'],
  ['application/json', 'restJson1'],
];

/** The AWS error a 4xx carries: its protocol (from the content type) and code, or why it is not one. */
export function readAwsError(o: Outcome): { protocol?: WireProtocol; code?: string; problem?: string } {
  const ct = (o.headers['content-type'] ?? '').toLowerCase();
  const protocol = PROTOCOL_BY_TYPE.find(([t]) => ct.startsWith(t))?.[1];
  if (!protocol) return { problem: `content-type "${ct}" is no AWS protocol's` };
  try {
    switch (protocol) {
      case 'awsQuery': {
        const text = o.body.toString('utf8');
        const m = /^(?:<\?xml[^>]*>\s*)?<ErrorResponse[^>]*>\s*<Error>\s*<Type>(Sender|Receiver)<\/Type>\s*<Code>([^<]+)<\/Code>/.exec(text);
        return m ? { protocol, code: m[2] } : { protocol, problem: `no <ErrorResponse><Error><Type/><Code/> in ${text.slice(0, 120)}` };
      }
      case 'cbor': {
        const doc = decodeCbor(o.body) as Record<string, unknown>;
        return typeof doc?.__type === 'string' ? { protocol, code: doc.__type } : { protocol, problem: 'CBOR error without __type' };
      }
      case 'restJson1': {
        const type = o.headers['x-amzn-errortype'];
        const doc = o.body.length ? (JSON.parse(o.body.toString('utf8')) as Record<string, unknown>) : {};
        const code = type ?? (typeof doc.__type === 'string' ? doc.__type : typeof doc.code === 'string' ? doc.code : undefined);
        return code ? { protocol, code: code.split(':')[0] } : { protocol, problem: `REST JSON error without x-amzn-ErrorType: ${o.body.toString('utf8').slice(0, 120)}` };
      }
      default: {
        const doc = JSON.parse(o.body.toString('utf8')) as Record<string, unknown>;
        return typeof doc.__type === 'string' ? { protocol, code: doc.__type } : { protocol, problem: `JSON error without __type: ${o.body.toString('utf8').slice(0, 120)}` };
      }
    }
  } catch (err) {
    return { protocol, problem: `unreadable ${protocol} error body (${(err as Error).message}): ${o.body.toString('latin1').slice(0, 80)}` };
  }
}

/**
 * A response to a client mistake: not 5xx; a 4xx is an AWS error in the protocol the request spoke (when it
 * said one), whose code is the service's modelled error (with its modelled status) or a common one.
 */
export function checkClientError(service: ServiceName, expected: WireProtocol | undefined, o: Outcome, method = 'POST'): Verdict {
  if (o.held) return { ok: false, problem: 'held: no response and no close' };
  if (o.closedWithoutResponse) return { ok: true };
  if (o.status >= 500) {
    const e = readAwsError(o);
    return { ok: false, problem: `${o.status} for a client error`, protocol: e.protocol, code: e.code };
  }
  if (o.status < 400) return { ok: true };
  if (method === 'HEAD') return { ok: true }; // a HEAD answer has no body to carry the error
  const e = readAwsError(o);
  if (!e.code) return { ok: false, problem: `${o.status} is no AWS error: ${e.problem}`, protocol: e.protocol };
  // JSON 1.0 (SQS) __type is namespaced (com.amazonaws.sqs#QueueDoesNotExist); Query codes may be dotted
  const code = e.code.includes('#') ? (e.code.split('#').pop() as string) : e.code;
  if (expected && e.protocol !== expected && !HTTP_LEVEL.has(code)) return { ok: false, problem: `answered in ${e.protocol}, the request spoke ${expected}`, protocol: e.protocol, code };
  const modelled = MODELS[service].errors.get(code) ?? MODELS[service].errorsByQueryCode.get(code);
  if (modelled) {
    if (modelled.status !== o.status) return { ok: false, problem: `${code} with status ${o.status}, modelled ${modelled.status}`, protocol: e.protocol, code };
    return { ok: true, protocol: e.protocol, code };
  }
  if (!COMMON_CODES.has(code)) return { ok: false, problem: `code ${code} is neither modelled for ${service} nor a common AWS error`, protocol: e.protocol, code };
  return { ok: true, protocol: e.protocol, code };
}
