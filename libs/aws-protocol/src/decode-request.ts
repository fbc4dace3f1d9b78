import { decodeCbor } from './cbor/codec';
import { detectProtocol } from './detect';
import { readStruct } from './document/read';
import { AwsError, malformedInput, unknownOperation } from './errors';
import { header, safeDecodePath, splitPathAndQuery } from './http/request';
import { decodeJsonBody } from './json/decode';
import { CBOR_READ, JSON_RPC_READ } from './json/options';
import type { OperationModel, ServiceModel } from './model/service-model';
import { parseForm } from './query/form';
import { readQueryStruct } from './query/decode';
import { newRequestId } from './request-id';
import { decodeRestJson } from './rest-json/decode';
import { signingScope } from './sigv4-parse';
import type { DecodedRequest, HttpRequestLike, RequestContext, WireProtocol } from './types';

export interface RequestDefaults {
  region?: string;
  accountId?: string;
  /** The account an access key belongs to (Wharf's credential list); undefined for keys it does not list. */
  accountOf?: (accessKeyId: string) => string | undefined;
}

/** Thrown errors from decodeRequest carry the context, so the caller can encode them in the right protocol. */
export type DecodeError = AwsError & { context?: RequestContext };

/**
 * Context for a request without decoding it (request id, region/access key from the SigV4 scope, protocol).
 * The account is the access key's own (`defaults.accountOf`); else a 12-digit access key id is taken as the
 * account id, as LocalStack does; else the default account.
 */
export function requestContext(req: HttpRequestLike, model?: ServiceModel, defaults: RequestDefaults = {}): RequestContext {
  return contextFor(req, model, defaults, detectProtocol(req));
}

function contextFor(req: HttpRequestLike, model: ServiceModel | undefined, defaults: RequestDefaults, detected: WireProtocol | undefined): RequestContext {
  const auth = signingScope(req);
  const accessKeyId = auth?.accessKeyId;
  return {
    requestId: newRequestId(),
    region: auth?.region ?? defaults.region ?? 'us-east-1',
    accountId:
      (accessKeyId !== undefined ? defaults.accountOf?.(accessKeyId) : undefined) ??
      (accessKeyId && /^\d{12}$/.test(accessKeyId) ? accessKeyId : (defaults.accountId ?? '000000000000')),
    accessKeyId,
    protocol: settleProtocol(model, detected),
  };
}

/** The protocol to answer in: what the request speaks if the service accepts it, else the service default. */
function settleProtocol(model: ServiceModel | undefined, detected: WireProtocol | undefined): WireProtocol {
  if (!model) return detected ?? 'awsJson1_1';
  const supported = model.protocols;
  if (supported.includes('restJson1')) return 'restJson1';
  if (detected && supported.includes(detected)) return detected;
  // JSON without a version in the content-type: the service's JSON flavour.
  if (detected === 'awsJson1_1' && supported.includes('awsJson1_0')) return 'awsJson1_0';
  if (detected === 'awsJson1_0' && supported.includes('awsJson1_1')) return 'awsJson1_1';
  if (!detected && supported.includes('awsQuery')) return 'awsQuery';
  return supported[0];
}

/**
 * Decodes an HTTP request into the operation name and the SDK-shaped input. Throws AwsError (with
 * `.context`) for anything the client got wrong: unknown operation, malformed body, wrong member types.
 */
export function decodeRequest(model: ServiceModel, req: HttpRequestLike, defaults?: RequestDefaults): DecodedRequest {
  const detected = detectProtocol(req);
  const context = contextFor(req, model, defaults ?? {}, detected);
  const [rawPath, qs] = splitPathAndQuery(req.path);
  try {
    if (detected && detected !== context.protocol && !(detected.startsWith('awsJson') && context.protocol.startsWith('awsJson'))) {
      throw unknownOperation(context.protocol, `${detected} request`);
    }
    const { operation, input } = decodeBody(model, req, context.protocol, rawPath, qs);
    return { operation, input, context, path: safeDecodePath(rawPath) };
  } catch (e) {
    const error = e instanceof AwsError ? e : malformedInput(context.protocol, 'The request could not be parsed.');
    (error as DecodeError).context = context;
    throw error;
  }
}

function decodeBody(
  model: ServiceModel,
  req: HttpRequestLike,
  protocol: WireProtocol,
  rawPath: string,
  qs: string,
): { operation: string; input: Record<string, unknown> } {
  switch (protocol) {
    case 'awsJson1_0':
    case 'awsJson1_1': {
      const op = targetOperation(model, req, protocol);
      return { operation: op.name, input: decodeJsonBody(op.input, req.body, JSON_RPC_READ[protocol]) };
    }
    case 'cbor': {
      const op = targetOperation(model, req, protocol);
      if (op.input.kind !== 'struct' || req.body.length === 0) return { operation: op.name, input: {} };
      let doc: unknown;
      try {
        doc = decodeCbor(req.body);
      } catch (e) {
        throw malformedInput('cbor', `Malformed CBOR: ${(e as Error).message}`);
      }
      return { operation: op.name, input: readStruct(op.input, doc, CBOR_READ) };
    }
    case 'awsQuery': {
      const form = parseForm(qs, req.method === 'GET' ? '' : req.body.toString('utf8'));
      if (!form) throw new AwsError('MalformedQueryString', 'The query string is malformed.', { status: 400 });
      const action = form.c?.get('Action')?.v;
      if (!action) throw new AwsError('MissingAction', 'No action was supplied with this request.', { status: 400 });
      const op = model.operations.get(action);
      if (!op) throw unknownOperation('awsQuery', action);
      const fail = (m: string) => malformedInput('awsQuery', m, model.invalidParameterCode);
      return { operation: op.name, input: op.input.kind === 'struct' ? readQueryStruct(op.input, form, fail) : {} };
    }
    case 'restJson1': {
      const { op, input } = decodeRestJson(model, req, rawPath, qs);
      return { operation: op.name, input };
    }
  }
}

/** X-Amz-Target = `<targetPrefix>.<Operation>`. */
function targetOperation(model: ServiceModel, req: HttpRequestLike, protocol: WireProtocol): OperationModel {
  const target = header(req, 'x-amz-target') ?? '';
  const dot = target.lastIndexOf('.');
  const prefix = target.slice(0, dot);
  const op = dot > 0 && prefix === model.targetPrefix ? model.operations.get(target.slice(dot + 1)) : undefined;
  if (!op) throw unknownOperation(protocol, target || '(no X-Amz-Target)');
  return op;
}

/** Names of required members missing from an input (services validate; decoding does not, see Query queue-URL POSTs). */
export function missingRequired(model: ServiceModel, operation: string, input: Record<string, unknown>): string[] {
  const shape = model.operations.get(operation)?.input;
  if (shape?.kind !== 'struct') return [];
  return shape.members.filter((m) => m.required && (input[m.name] === undefined || input[m.name] === null)).map((m) => m.name);
}
