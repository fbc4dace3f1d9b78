import { AwsError, detectProtocol, parseAuthorization, unknownOperation, type WireProtocol } from '@wharf/aws-protocol';

/** The services behind the edge. */
export type ServiceName = 'sqs' | 'sns' | 'kinesis' | 'mq';

/** What the router needs to know of each service's API (from its model: see `catalogFromModels`). */
export interface ServiceCatalog {
  /** X-Amz-Target prefix → service (`AmazonSQS` → sqs, `Kinesis_20131202` → kinesis). */
  targetPrefixes: ReadonlyMap<string, ServiceName>;
  /** Query API version → service (`2012-11-05` → sqs, `2010-03-31` → sns). */
  queryVersions: ReadonlyMap<string, ServiceName>;
  /** Operation names per service. */
  operations: ReadonlyMap<ServiceName, ReadonlySet<string>>;
}

/** The part of a request routing looks at. Header names in lower case. */
export interface RoutingRequest {
  method: string;
  /** Path and query string as received. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /**
   * The form of a `application/x-www-form-urlencoded` body, when there is one (the caller reads such bodies
   * whole: they are small, and only they carry `Action=`). `undefined` = a form body that does not parse.
   */
  form?: ReadonlyMap<string, string[]> | undefined;
  /** True when the request has a form body (so `form === undefined` means "unparseable"). */
  hasForm?: boolean;
}

export type RouteDecision =
  | { kind: 'service'; service: ServiceName; protocol: WireProtocol | undefined; operation?: string }
  | { kind: 'error'; error: AwsError; protocol: WireProtocol };

const SIGNING_NAMES: Record<string, ServiceName> = { sqs: 'sqs', sns: 'sns', kinesis: 'kinesis', mq: 'mq' };
/** The protocol a service answers in when the request does not say. */
export const NATIVE_PROTOCOL: Record<ServiceName, WireProtocol> = { sqs: 'awsJson1_0', sns: 'awsQuery', kinesis: 'awsJson1_1', mq: 'restJson1' };

/** `/<12-digit account>/<queue name>`: a queue URL (older Query clients POST to it). */
const QUEUE_PATH = /^\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?\/?$/;
/** SNS SigningCertURL, as AWS names it (`/SimpleNotificationService-<hash>.pem`). */
const SNS_CERT_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/;
/** Wharf's own extra endpoints of a service: `/_wharf/<service>/…` (e.g. SNS's held-message report). */
const WHARF_PATH = /^\/_wharf\/(sqs|sns|kinesis|mq)(\/|$)/;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Parses `a=1&b=2` strictly: `+` is a space; a broken `%` escape makes the whole form unparseable (undefined). */
export function parseForm(text: string): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

function decode(s: string): string | undefined {
  if (s.includes('+')) s = s.replace(/\+/g, ' ');
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * Picks the service for a request, or the AWS error to answer at the edge, in the caller's protocol:
 *
 * 1. `X-Amz-Target: <prefix>.<Operation>` (JSON 1.0/1.1, CBOR): the prefix names the service; an unknown
 *    prefix or operation → 400 `UnknownOperationException`. A JSON/CBOR content type without the header → 400.
 * 2. `/v1/…` → mq (REST JSON); `/SimpleNotificationService-….pem` and `/_wharf/<svc>/…` → that service.
 * 3. Query (`Action=` in the form body or the query string): `Version` names the API (2012-11-05 sqs,
 *    2010-03-31 sns), else the SigV4 credential scope, else the queue-URL path, else the action name when
 *    only one service has it, else the parameters (`QueueUrl` / `TopicArn`). Unknown action → 400
 *    `InvalidAction`; unparseable form → 400 `MalformedQueryString`.
 * 4. A queue-URL path (`/<12 digits>/<queue>`) → sqs; otherwise the credential scope's service.
 * 5. Nothing matched → `UnknownOperationException`: 400 at `/` (the naming header is missing), 404 elsewhere.
 */
export function routeRequest(req: RoutingRequest, catalog: ServiceCatalog): RouteDecision {
  const detected = detectProtocol({ method: req.method, path: req.path, headers: req.headers, body: EMPTY });
  const contentType = (first(req.headers['content-type']) ?? '').toLowerCase();
  const target = first(req.headers['x-amz-target']);
  const scope = parseAuthorization(first(req.headers['authorization']))?.service;
  const scoped = scope ? SIGNING_NAMES[scope] : undefined;
  const q = req.path.indexOf('?');
  const path = q < 0 ? req.path : req.path.slice(0, q);

  // 1. JSON-RPC style: the target names service and operation.
  if (target !== undefined) {
    const protocol: WireProtocol = detected === 'cbor' || detected === 'awsJson1_0' ? detected : 'awsJson1_1';
    const dot = target.lastIndexOf('.');
    const prefix = dot < 0 ? target : target.slice(0, dot);
    const operation = dot < 0 ? '' : target.slice(dot + 1);
    const service = catalog.targetPrefixes.get(prefix);
    if (!service || !catalog.operations.get(service)?.has(operation)) {
      return { kind: 'error', protocol, error: unknownOperation(protocol, target || '(empty X-Amz-Target)') };
    }
    return { kind: 'service', service, protocol, operation };
  }
  if (contentType.startsWith('application/x-amz-json') || contentType.startsWith('application/x-amz-cbor')) {
    const protocol = detected ?? 'awsJson1_1';
    return {
      kind: 'error',
      protocol,
      error: new AwsError('UnknownOperationException', `Missing the X-Amz-Target header that names the operation of this ${contentType} request.`, { status: 400 }),
    };
  }

  // 2. Paths that name the service.
  if (path.startsWith('/v1/') || path === '/v1') return { kind: 'service', service: 'mq', protocol: 'restJson1' };
  if (SNS_CERT_PATH.test(path)) return { kind: 'service', service: 'sns', protocol: 'awsQuery' };
  const wharf = WHARF_PATH.exec(path);
  if (wharf) return { kind: 'service', service: wharf[1] as ServiceName, protocol: undefined };

  // 3. Query: Action in the form body or in the query string.
  if (req.hasForm && req.form === undefined) {
    return { kind: 'error', protocol: 'awsQuery', error: new AwsError('MalformedQueryString', 'The request body is not a valid form: broken percent-encoding.', { status: 400 }) };
  }
  const query = q < 0 ? new Map<string, string[]>() : parseForm(req.path.slice(q + 1));
  if (query === undefined && !req.hasForm) {
    return { kind: 'error', protocol: 'awsQuery', error: new AwsError('MalformedQueryString', 'The query string has a broken percent-encoding.', { status: 400 }) };
  }
  const param = (name: string) => req.form?.get(name)?.[0] ?? query?.get(name)?.[0];
  const action = param('Action');
  const queuePath = QUEUE_PATH.test(path);
  if (action !== undefined) return routeQuery(action, param, scoped, queuePath, catalog);
  if (req.hasForm) {
    if (queuePath) return { kind: 'service', service: 'sqs', protocol: 'awsQuery' };
    if (scoped === 'sqs' || scoped === 'sns') return { kind: 'service', service: scoped, protocol: 'awsQuery' };
    return { kind: 'error', protocol: 'awsQuery', error: new AwsError('MissingAction', 'The request must contain the parameter Action.', { status: 400 }) };
  }

  // 4. The queue URL itself, or whatever the request was signed for.
  if (queuePath) return { kind: 'service', service: 'sqs', protocol: detected };
  if (scoped) return { kind: 'service', service: scoped, protocol: detected ?? NATIVE_PROTOCOL[scoped] };

  // 5. Nothing to go by. At the root, where the RPC protocols live, the naming header is missing (400);
  // elsewhere it is an unknown REST path (404).
  if (path === '/' && !detected) {
    return {
      kind: 'error',
      protocol: 'awsJson1_1',
      error: new AwsError('UnknownOperationException', 'The request names no operation: send X-Amz-Target, or a form with Action.', { status: 400 }),
    };
  }
  const protocol = detected ?? 'restJson1';
  return { kind: 'error', protocol, error: unknownOperation(protocol, `${req.method} ${path}`) };
}

function routeQuery(
  action: string,
  param: (name: string) => string | undefined,
  scoped: ServiceName | undefined,
  queuePath: boolean,
  catalog: ServiceCatalog,
): RouteDecision {
  const invalid = (): RouteDecision => ({ kind: 'error', protocol: 'awsQuery', error: unknownOperation('awsQuery', action) });
  const has = (service: ServiceName) => catalog.operations.get(service)?.has(action) ?? false;
  const version = param('Version');
  let service: ServiceName | undefined;
  if (version !== undefined) {
    service = catalog.queryVersions.get(version);
    if (!service) {
      return {
        kind: 'error',
        protocol: 'awsQuery',
        error: new AwsError('NoSuchVersion', `The requested version (${version}) of service ${scoped ?? 'unknown'} does not exist.`, { status: 400 }),
      };
    }
  } else if (scoped === 'sqs' || scoped === 'sns') {
    service = scoped;
  } else if (queuePath) {
    service = 'sqs';
  } else {
    const candidates = (['sqs', 'sns'] as const).filter(has);
    if (candidates.length === 1) service = candidates[0];
    else if (candidates.length > 1) service = param('TopicArn') !== undefined ? 'sns' : param('QueueUrl') !== undefined ? 'sqs' : undefined;
    if (!service) return invalid();
  }
  if (!has(service)) return invalid();
  return { kind: 'service', service, protocol: 'awsQuery', operation: action };
}

const EMPTY = Buffer.alloc(0);

/** The catalog from the service models of `@wharf/aws-protocol` (the SDKs' own operation lists). */
export function catalogFromModels(
  models: readonly { service: string; version: string; targetPrefix?: string; protocols: readonly string[]; operations: ReadonlyMap<string, unknown> }[],
): ServiceCatalog {
  const targetPrefixes = new Map<string, ServiceName>();
  const queryVersions = new Map<string, ServiceName>();
  const operations = new Map<ServiceName, ReadonlySet<string>>();
  for (const m of models) {
    const service = m.service as ServiceName;
    operations.set(service, new Set(m.operations.keys()));
    // Only services that speak a JSON-RPC protocol take X-Amz-Target (SNS has a prefix but speaks Query only).
    if (m.targetPrefix && m.protocols.some((p) => p.startsWith('awsJson') || p === 'cbor')) targetPrefixes.set(m.targetPrefix, service);
    if (m.protocols.includes('awsQuery')) queryVersions.set(m.version, service);
  }
  return { targetPrefixes, queryVersions, operations };
}

/** Operations that only read (AWS's naming holds across the four services), and the event-stream read. */
const READ_ONLY_OPERATION = /^(Describe|List|Get)[A-Z]/;
const READ_ONLY_EXTRA = new Set(['SubscribeToShard']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether sending the request again — after a replica may have received it and then lost the connection —
 * changes nothing: a read. ReceiveMessage is no read (it hides what it returns), nor is any write.
 */
export function isReplaySafe(method: string, operation: string | undefined): boolean {
  if (operation !== undefined) return READ_ONLY_OPERATION.test(operation) || READ_ONLY_EXTRA.has(operation);
  return SAFE_METHODS.has(method.toUpperCase());
}
