import { encodeCbor, kinesisModel, mqModel, snsModel, sqsModel, type Member, type OperationModel, type ServiceModel, type Shape, type WireProtocol } from '@wharf/aws-protocol';
import type { Random } from './fuzz-random';

/**
 * Malformed and out-of-range requests for the four services, derived from the AWS models the services load
 * (libs/aws-protocol's service models): every operation, every member, encoded in each protocol the service
 * speaks, then broken at one place — a member's value, the body's syntax, the content type, the target or
 * action, the path or method. HTTP-level breakage (framing, headers) is in fuzz-http.ts.
 */

export type ServiceName = 'sqs' | 'sns' | 'kinesis' | 'mq';

export interface FuzzRequest {
  service: ServiceName;
  /** What was broken, for the summary (e.g. `member:number`, `body:json`). */
  kind: string;
  method: string;
  path: string;
  /** A list, so a header may be repeated. */
  headers: [string, string][];
  body: Buffer;
  /** The protocol the error must come back in; undefined when the request does not say (any AWS shape). */
  protocol?: WireProtocol;
}

/** Resources that exist, so a request whose one broken member is not the identity gets past the lookup. */
export interface Fixtures {
  queueUrl: string;
  fifoQueueUrl: string;
  topicArn: string;
  streamName: string;
  streamArn: string;
  brokerId: string;
  brokerArn: string;
}

export const MODELS: Record<ServiceName, ServiceModel> = { sqs: sqsModel(), sns: snsModel(), kinesis: kinesisModel(), mq: mqModel() };

/** A number literal written as is into JSON (values JSON.stringify cannot write: 2^63, NaN, 1e400). */
class Literal {
  constructor(readonly text: string) {}
}

const BAD_NUMBERS: unknown[] = [
  2 ** 31, -(2 ** 31) - 1, -1, -(2 ** 53), 1.5, -0.5, 1e-7, 1e308, 2 ** 53 + 2, 0,
  new Literal('9223372036854775808'), new Literal('-9223372036854775809'), new Literal('1e400'), new Literal('123456789012345678901234567890'),
  new Literal('-0'), new Literal('1E2'), 'NaN', 'Infinity', '-Infinity', '12', '0x10', '1e3', '', ' 7', 'abc', true, [], {}, [1],
];
const LONG_LENGTHS = [257, 1025, 4097, 70_000, 300_000];
const WRONG_TYPES: unknown[] = [123, -1.5, true, false, {}, [], ['x'], { a: 1 }, 'str', ''];
const BAD_STRINGS = ['BAD ENUM ☃', '\u0000', '\ud800', ' ', '../../etc/passwd', '%00', '<x>&amp;', '"\'', '\u202e', 'a'.repeat(10) + '\n' + 'b'];

// ---- filling valid-looking input from the model ---------------------------------------------------------

const IDENTITY: Record<string, (f: Fixtures, r: Random) => unknown> = {
  QueueUrl: (f, r) => (r.chance(0.3) ? f.fifoQueueUrl : f.queueUrl),
  TopicArn: (f) => f.topicArn,
  TargetArn: (f) => f.topicArn,
  StreamName: (f) => f.streamName,
  StreamARN: (f) => f.streamArn,
  ShardId: () => 'shardId-000000000000',
  BrokerId: (f) => f.brokerId,
  ResourceArn: (f) => f.brokerArn,
};

function fill(shape: Shape, name: string, f: Fixtures, r: Random, service: ServiceName, depth: number): unknown {
  const id = IDENTITY[name];
  if (id && !(service === 'sns' && name === 'ResourceArn')) return id(f, r);
  switch (shape.kind) {
    case 'string':
      return name.endsWith('Name') ? `fz${r.int(1e6)}` : 'fuzz';
    case 'number':
      return 1;
    case 'boolean':
      return r.chance(0.5);
    case 'blob':
      return 'ZnV6eg==';
    case 'timestamp':
      return 1_700_000_000;
    case 'list':
      return depth > 3 ? [] : [fill(shape.member.shape, 'member', f, r, service, depth + 1)];
    case 'map':
      return depth > 3 ? {} : { k: fill(shape.value.shape, 'value', f, r, service, depth + 1) };
    case 'struct': {
      const out: Record<string, unknown> = {};
      if (depth > 3) return out;
      for (const m of shape.members) if (m.required || IDENTITY[m.name]) out[m.name] = fill(m.shape, m.name, f, r, service, depth + 1);
      return out;
    }
    default:
      return undefined;
  }
}

/** Every (path, member) of a shape down to depth 3, lists and maps entered at their first element. */
function memberPaths(shape: Shape, prefix: (string | number)[] = [], depth = 0): { path: (string | number)[]; member: Member }[] {
  if (depth > 3 || shape.kind !== 'struct') return [];
  const out: { path: (string | number)[]; member: Member }[] = [];
  for (const m of shape.members) {
    const path = [...prefix, m.name];
    out.push({ path, member: m });
    const inner = m.shape.kind === 'list' ? { s: m.shape.member.shape, seg: 0 as string | number } : m.shape.kind === 'map' ? { s: m.shape.value.shape, seg: 'k' } : { s: m.shape, seg: undefined };
    out.push(...memberPaths(inner.s, inner.seg === undefined ? path : [...path, inner.seg], depth + 1));
  }
  return out;
}

function setPath(doc: Record<string, unknown>, path: (string | number)[], value: unknown, model: Shape, f: Fixtures, r: Random, service: ServiceName): void {
  let cur: Record<string | number, unknown> = doc;
  let shape = model;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] as string | number;
    const m = shape.kind === 'struct' ? shape.byName.get(String(seg)) : undefined;
    const next = m?.shape ?? (shape.kind === 'list' ? shape.member.shape : shape.kind === 'map' ? shape.value.shape : shape);
    if (cur[seg] === undefined || typeof cur[seg] !== 'object' || cur[seg] === null) cur[seg] = fill(next, String(seg), f, r, service, 2) ?? {};
    const child = cur[seg] as Record<string | number, unknown>;
    if (Array.isArray(child) && child.length === 0) child.push(fill(next.kind === 'list' ? next.member.shape : next, 'member', f, r, service, 3) ?? {});
    cur = child;
    shape = next;
  }
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

/** One operation's input with exactly one member broken. */
function brokenInput(op: OperationModel, service: ServiceName, f: Fixtures, r: Random): { doc: Record<string, unknown>; kind: string } {
  const doc = (fill(op.input, op.name, f, r, service, 0) ?? {}) as Record<string, unknown>;
  const paths = memberPaths(op.input);
  const numbers = paths.filter((p) => p.member.shape.kind === 'number');
  const strings = paths.filter((p) => p.member.shape.kind === 'string');
  const required = paths.filter((p) => p.path.length === 1 && p.member.required);
  const choice = r.int(10);
  if (choice < 4 && numbers.length) {
    setPath(doc, r.pick(numbers).path, r.pick(BAD_NUMBERS), op.input, f, r, service);
    return { doc, kind: 'member:number' };
  }
  if (choice < 6 && strings.length) {
    const target = r.pick(strings);
    const value = r.chance(0.5) ? 'x'.repeat(r.pick(LONG_LENGTHS)) : r.pick(BAD_STRINGS);
    setPath(doc, target.path, value, op.input, f, r, service);
    return { doc, kind: r.chance(0.5) ? 'member:string' : 'member:enum' };
  }
  if (choice < 7 && required.length) {
    setPath(doc, r.pick(required).path, undefined, op.input, f, r, service);
    return { doc, kind: 'member:missing' };
  }
  if (paths.length) {
    setPath(doc, r.pick(paths).path, r.pick(WRONG_TYPES), op.input, f, r, service);
    return { doc, kind: 'member:type' };
  }
  return { doc, kind: 'member:none' };
}

// ---- encoders ---------------------------------------------------------------------------------------------

export function jsonText(v: unknown): string {
  if (v instanceof Literal) return v.text;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function cborValue(v: unknown): unknown {
  if (v instanceof Literal) return /^-?\d+$/.test(v.text) ? BigInt(v.text) : Number(v.text);
  if (typeof v === 'string' && v === 'NaN') return NaN;
  if (Array.isArray(v)) return v.map(cborValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cborValue(x)]));
  return v;
}

function queryPairs(v: unknown, prefix: string, shape: Shape | undefined, out: [string, string][]): void {
  if (v instanceof Literal) out.push([prefix, v.text]);
  else if (Array.isArray(v)) v.forEach((x, i) => queryPairs(x, `${prefix}.member.${i + 1}`, shape?.kind === 'list' ? shape.member.shape : undefined, out));
  else if (v && typeof v === 'object') {
    if (shape?.kind === 'map')
      Object.entries(v).forEach(([k, x], i) => {
        out.push([`${prefix}.entry.${i + 1}.key`, k]);
        queryPairs(x, `${prefix}.entry.${i + 1}.value`, shape.value.shape, out);
      });
    else
      for (const [k, x] of Object.entries(v)) {
        const m = shape?.kind === 'struct' ? shape.byName.get(k) : undefined;
        queryPairs(x, prefix ? `${prefix}.${m?.queryName ?? k}` : (m?.queryName ?? k), m?.shape, out);
      }
  } else out.push([prefix, String(v)]);
}

/** Percent-encoding; a lone surrogate (which encodeURIComponent refuses) goes as its CESU-8 bytes, invalid UTF-8. */
const LONE_SURROGATE = /([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;
const pct = (s: string) =>
  s.split(LONE_SURROGATE).map((part, i) => (i % 2 ? `%ED%${(0xa0 + ((part.charCodeAt(0) >> 6) & 0x1f)).toString(16).toUpperCase()}%80` : encodeURIComponent(part))).join('');
const form = (pairs: [string, string][]) => pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');

function restRequest(op: OperationModel, doc: Record<string, unknown>): { method: string; path: string; headers: [string, string][]; body: Buffer } {
  const http = op.http ?? { method: 'POST', uri: '/' };
  let path = http.uri;
  const query: [string, string][] = [];
  const headers: [string, string][] = [['content-type', 'application/json']];
  const body: Record<string, unknown> = {};
  const input = op.input.kind === 'struct' ? op.input.members : [];
  for (const m of input) {
    const v = doc[m.name];
    const text = v instanceof Literal ? v.text : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (m.httpLabel) path = path.replace(`{${m.name}}`, v === undefined ? '' : pct(text));
    else if (v === undefined) continue;
    else if (m.httpQuery) query.push([m.httpQuery, text]);
    else if (m.httpHeader) headers.push([m.httpHeader, text.replace(/[^\x20-\x7e]/g, '?')]);
    else body[m.jsonName ?? m.name] = v;
  }
  const qs = query.length ? `?${form(query)}` : '';
  return { method: http.method, path: path + qs, headers, body: Buffer.from(Object.keys(body).length || http.method !== 'GET' ? jsonText(body) : '') };
}

// ---- the request generators -------------------------------------------------------------------------------

const target = (service: ServiceName, op: string) => `${MODELS[service].targetPrefix}.${op}`;
const JSON_CT: Partial<Record<ServiceName, string>> = { sqs: 'application/x-amz-json-1.0', kinesis: 'application/x-amz-json-1.1' };
const QUERY_CT = 'application/x-www-form-urlencoded; charset=utf-8';

/** A request whose one member is out of range, of the wrong type, too long, not in the enum or missing. */
export function memberCase(service: ServiceName, f: Fixtures, r: Random): FuzzRequest {
  const model = MODELS[service];
  const op = r.pick([...model.operations.values()]);
  const { doc, kind } = brokenInput(op, service, f, r);
  if (service === 'mq') return { service, kind, ...restRequest(op, doc), protocol: 'restJson1' };
  const protocol = r.pick(model.protocols);
  if (protocol === 'awsQuery') {
    const pairs: [string, string][] = [['Action', op.name], ['Version', model.version]];
    queryPairs(doc, '', op.input, pairs);
    return { service, kind, method: 'POST', path: '/', headers: [['content-type', QUERY_CT]], body: Buffer.from(form(pairs)), protocol };
  }
  const headers: [string, string][] = [['x-amz-target', target(service, op.name)]];
  if (protocol === 'cbor') {
    let body: Buffer;
    try {
      body = Buffer.from(encodeCbor(cborValue(doc)));
    } catch {
      body = Buffer.from(encodeCbor({}));
    }
    return { service, kind, method: 'POST', path: '/', headers: [...headers, ['content-type', 'application/x-amz-cbor-1.1']], body, protocol };
  }
  return { service, kind, method: 'POST', path: '/', headers: [...headers, ['content-type', JSON_CT[service] ?? 'application/x-amz-json-1.1']], body: Buffer.from(jsonText(doc)), protocol };
}

const BROKEN_JSON = ['', ' ', '{', '}', '[', '{"a":', '{"a":1,}', "{'a':1}", 'null', '[]', '"str"', '123', 'true', '{"a":NaN}', '{"a":Infinity}', '{"a":01}',
  '{"a":"\\ud800"}', '{"a":"\\u00"}', '\ufeff{}', '{}garbage', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"a":1,"a":2}',
  '[' .repeat(5000) + ']'.repeat(5000), '{"a":'.repeat(3000) + '1' + '}'.repeat(3000), '{"a":"' + 'x'.repeat(100_000), '\u0000', '{"a":1e999999}'];
const BROKEN_CBOR: Buffer[] = [
  Buffer.from([0xff]), Buffer.from([0xa1]), Buffer.from([0xa1, 0x61]), Buffer.from([0x5b, 0x10, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0x7b, 0x10, 0, 0, 0, 0, 0, 0, 0]),
  Buffer.from([0x9b, 0x10, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0xbb, 0x10, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0xbf, 0x61, 0x61]), Buffer.from([0x9f, 0x01]),
  Buffer.from([0xc1, 0x61, 0x78]), Buffer.from([0xd8, 0x1e, 0x82, 0x01, 0x00]), Buffer.from([0x1c]), Buffer.alloc(4000, 0x81), Buffer.from([0xf9, 0x7e, 0x00]),
  Buffer.from([0xa1, 0x69, ...Buffer.from('__proto__'), 0xa1, 0x61, 0x78, 0x01]), Buffer.from([0xd9, 0xd9, 0xf7, 0xa0]), Buffer.from([0x62, 0xc3, 0x28]), Buffer.from([0xfb]),
];
const BROKEN_FORMS = ['', '&&&', '=', '=x', 'Action', 'Action=', 'Action=%', 'Action=%zz', 'Action=%E0%A4%A', 'Action=%00', 'Action=constructor', 'Action=__proto__',
  'Action=toString', 'Action=hasOwnProperty', 'Action=ListQueues&Action=ListTopics', 'Version=2012-11-05', 'Action=ListQueues&Version=1999-01-01', 'a=b=c',
  'Action=SendMessage&QueueUrl=%zz&MessageBody=x', 'Action=CreateQueue&QueueName=q&Attribute.0.Name=X', 'Action=CreateQueue&QueueName=q&Attribute.-1.Name=VisibilityTimeout&Attribute.-1.Value=1',
  'Action=CreateQueue&QueueName=q&Attribute.99999999999999999999.Name=VisibilityTimeout', 'Action=CreateTopic&Name=t&Attributes.entry.1.key=&Attributes.entry.1.value=',
  'Action=Publish&Message=x&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=Number&MessageAttributes.entry.1.Value.StringValue=abc',
  'Action=SendMessage&MessageBody=x&MessageAttribute.1.Name=n&MessageAttribute.1.Value.DataType=Number&MessageAttribute.1.Value.StringValue=1e999',
  Array.from({ length: 3000 }, (_, i) => `p${i}=${i}`).join('&'), `${'k'.repeat(20_000)}=v`, 'Action=ListQueues&MaxResults=NaN', 'Action=ListTopics&NextToken=%FF%FE',
  'Action=ReceiveMessage&MaxNumberOfMessages=1e2', 'Action=ReceiveMessage&WaitTimeSeconds=-0', 'Action=ReceiveMessage&VisibilityTimeout=99999999999999999999'];
const BAD_TARGETS = ['', '.', 'X', '.ListQueues', 'ListQueues', '.__proto__', '.constructor', '.toString', '.hasOwnProperty', '.valueOf', '.listqueues',
  '.ListQueues.Extra', '. ListQueues', '.ListQueues ', '.' + 'A'.repeat(5000), '.Ünïcode', '.ListStreams%00'];
const WRONG_CONTENT_TYPES = ['text/plain', 'application/json', 'application/xml', 'text/xml', 'multipart/form-data; boundary=x', 'application/x-amz-json-9.9',
  'application/x-amz-cbor-1.1', 'application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/x-www-form-urlencoded', '', ';;;', 'application/x-amz-json-1.0; charset=ebcdic'];
const XML_BODIES = ['<?xml version="1.0"?><Action>ListQueues</Action>', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', '<a>' + '<b>'.repeat(5000), '<<<'];

/** A body that is not the protocol's syntax (JSON, CBOR, form, or XML where none is spoken), or the wrong content type. */
export function bodyCase(service: ServiceName, r: Random): FuzzRequest {
  const model = MODELS[service];
  const op = r.pick([...model.operations.values()]).name;
  const pick = r.int(5);
  if (service === 'mq') {
    const route = r.pick([...model.operations.values()]).http ?? { method: 'POST', uri: '/v1/brokers' };
    const path = route.uri.replace(/\{[^}]+\}/g, () => `fz${r.int(1000)}`);
    const body = pick < 3 ? Buffer.from(r.pick(BROKEN_JSON)) : pick < 4 ? Buffer.from(r.pick(XML_BODIES)) : r.bytes(r.int(200));
    const ct = r.chance(0.7) ? 'application/json' : r.pick(WRONG_CONTENT_TYPES);
    return { service, kind: 'body:rest-json', method: route.method === 'GET' ? 'POST' : route.method, path, headers: ct ? [['content-type', ct]] : [], body, protocol: ct === 'application/json' ? 'restJson1' : undefined };
  }
  if (pick === 0 || (service === 'sns' && pick < 3)) {
    const protocol = model.protocols.includes('awsQuery') ? 'awsQuery' : undefined; // Kinesis answers a form in its own
    return { service, kind: 'body:form', method: 'POST', path: '/', headers: [['content-type', QUERY_CT]], body: Buffer.from(r.pick(BROKEN_FORMS).replace('Version=2012-11-05', `Version=${model.version}`) + (r.chance(0.5) ? `&Version=${model.version}` : '')), protocol };
  }
  if (pick === 1 && service === 'kinesis') {
    return { service, kind: 'body:cbor', method: 'POST', path: '/', headers: [['x-amz-target', target(service, op)], ['content-type', 'application/x-amz-cbor-1.1']], body: r.pick(BROKEN_CBOR), protocol: 'cbor' };
  }
  if (pick === 2 && service !== 'sns') {
    return { service, kind: 'body:json', method: 'POST', path: '/', headers: [['x-amz-target', target(service, op)], ['content-type', JSON_CT[service] as string]], body: Buffer.from(r.pick(BROKEN_JSON)), protocol: service === 'sqs' ? 'awsJson1_0' : 'awsJson1_1' };
  }
  if (pick === 3 && service !== 'sns') {
    const t = `${model.targetPrefix}${r.pick(BAD_TARGETS)}`;
    return { service, kind: 'target', method: 'POST', path: '/', headers: [['x-amz-target', t], ['content-type', JSON_CT[service] as string]], body: Buffer.from('{}'), protocol: service === 'sqs' ? 'awsJson1_0' : 'awsJson1_1' };
  }
  const ct = r.pick(WRONG_CONTENT_TYPES);
  const headers: [string, string][] = ct ? [['content-type', ct]] : [];
  if (service !== 'sns' && r.chance(0.5)) headers.push(['x-amz-target', target(service, op)]);
  const body = r.pick([Buffer.from('{}'), Buffer.from(`Action=${op}&Version=${model.version}`), Buffer.from(r.pick(XML_BODIES)), encodeCbor({})]);
  return { service, kind: 'content-type', method: 'POST', path: '/', headers, body };
}

const METHODS = ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'FOO', 'POST'];
const BAD_SEGMENTS = ['', '%zz', '%', '..', '..%2F..%2Fetc', '%00', 'a'.repeat(4000), '%F0%28%8C%BC', ' ', '?', '#', '__proto__', 'constructor', '%2e%2e'];
const BAD_QUERIES = ['maxResults=abc', 'maxResults=-1', 'maxResults=0', 'maxResults=1e3', 'maxResults=101', 'maxResults=99999999999999999999', 'maxResults=NaN',
  'maxResults=1.5', 'maxResults=', 'maxResults=5&maxResults=6', 'nextToken=%', 'nextToken=%zz', 'engineType=BOGUS', 'x=' + 'y'.repeat(5000)];

/** Paths and methods: REST JSON (MQ) routes with broken labels, queries and methods; and the JSON/Query services' paths. */
export function pathCase(service: ServiceName, r: Random): FuzzRequest {
  const model = MODELS[service];
  if (service === 'mq') {
    const route = r.pick([...model.operations.values()]).http ?? { method: 'GET', uri: '/v1/brokers' };
    const n = r.int(4);
    let path = route.uri.replace(/\{[^}]+\}/g, () => (n === 0 ? r.pick(BAD_SEGMENTS) : `fz${r.int(100)}`));
    if (n === 1) path += `?${r.pick(BAD_QUERIES)}`;
    if (n === 2) path = r.pick(['/v1', '/v1/', '/v2/brokers', '//v1//brokers', '/v1/brokers/', '/v1/brokers//users', '/V1/BROKERS', '/v1/brokers/x/users/y/z', '/v1/tags/', `/v1/${'x/'.repeat(500)}`]);
    const method = n === 3 ? r.pick(METHODS) : route.method;
    const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : Buffer.from('{}');
    return { service, kind: 'path', method, path, headers: [['content-type', 'application/json']], body, protocol: 'restJson1' };
  }
  const op = r.pick([...model.operations.values()]).name;
  const path = r.pick(['/', '/000000000000/nope', '/x/y/z', '/%zz', `/${'a'.repeat(3000)}`, '/?Action=ListQueues', `/?Action=${op}&Version=${model.version}&%zz=1`, '/..%2f..']);
  const method = r.pick(METHODS);
  if (service === 'sns' || r.chance(0.4)) {
    // Kinesis speaks no Query: its answer may come in its own protocol
    const protocol = model.protocols.includes('awsQuery') ? 'awsQuery' : undefined;
    return { service, kind: 'path', method, path: path.includes('?') ? path : `${path}?Action=${op}&Version=${model.version}`, headers: [], body: Buffer.alloc(0), protocol };
  }
  return { service, kind: 'path', method, path, headers: [['x-amz-target', target(service, op)], ['content-type', JSON_CT[service] as string]], body: Buffer.from('{}'), protocol: service === 'sqs' ? 'awsJson1_0' : 'awsJson1_1' };
}

/** Header oddities a client library still sends well-framed: duplicates, odd Host, Expect, very long values. */
export function headerCase(service: ServiceName, f: Fixtures, r: Random): FuzzRequest {
  const base = memberCase(service, f, r);
  const ct = base.headers.find(([k]) => k === 'content-type')?.[1] ?? 'application/json';
  const n = r.int(6);
  if (n === 0) base.headers.push(['content-type', r.pick(WRONG_CONTENT_TYPES.filter((c) => c && c !== ct))]);
  if (n === 1) base.headers.push(['x-amz-target', `${MODELS[service].targetPrefix ?? 'X'}.${r.pick(['ListQueues', 'ListStreams', 'Nope'])}`]);
  if (n === 2) base.headers.push(['x-amz-date', r.pick(['', 'yesterday', '99999999T999999Z'])], ['authorization', r.pick(['', 'AWS4-HMAC-SHA256', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=, Signature=zz'])]);
  if (n === 3) base.headers.push(['x-fuzz', 'v'.repeat(r.pick([100, 4000, 7000]))]);
  if (n === 4) base.headers.push(['x-amzn-trace-id', r.pick(['Root=', '\t', 'a=b;c'])], ['accept', r.pick(['application/x-amz-cbor-1.1', 'text/html', '*/*;q=NaN'])]);
  if (n === 5) base.headers.push(['content-encoding', r.pick(['gzip', 'br', 'deflate', 'identity', 'bogus'])]);
  // two content types or targets: the request no longer says which protocol it speaks
  return { ...base, kind: `header:${['dup-ct', 'dup-target', 'auth', 'long', 'misc', 'encoding'][n]}`, protocol: n <= 1 ? undefined : base.protocol };
}
