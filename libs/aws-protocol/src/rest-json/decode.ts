import { malformedInput, unknownOperation } from '../errors';
import { decodeBase64 } from '../document/base64';
import { readStruct, readTimestamp, readValue, setKey, toInteger } from '../document/read';
import { header, parseQueryString } from '../http/request';
import { parseJson } from '../json/decode';
import { REST_JSON_READ } from '../json/options';
import type { OperationModel, ServiceModel } from '../model/service-model';
import type { Member, Shape } from '../model/shapes';
import type { HttpRequestLike } from '../types';

const fail = REST_JSON_READ.fail;

/** Routes by method + URI pattern, then fills labels, query, headers and the JSON body (jsonName keys). */
export function decodeRestJson(
  model: ServiceModel,
  req: HttpRequestLike,
  path: string,
  queryString: string,
): { op: OperationModel; input: Record<string, unknown> } {
  const query = parseQueryString(queryString);
  if (!query) throw malformedInput('restJson1', 'Malformed query string.');
  const match = model.router?.match(req.method, path, query);
  if (!match) throw unknownOperation('restJson1', `${req.method} ${path}`);
  const { op } = match;
  const input: Record<string, unknown> = {};
  const b = op.rest?.input;
  if (op.input.kind !== 'struct' || !b) return { op, input };

  for (const m of b.labels) {
    const raw = match.labels[m.name];
    if (raw !== undefined) input[m.name] = fromString(m.shape, raw, m.name);
  }
  const bound = new Set<string>();
  for (const m of b.query) {
    const name = m.httpQuery ?? m.name;
    const values = query.get(name);
    bound.add(name);
    if (!values) continue;
    input[m.name] =
      m.shape.kind === 'list'
        ? values.map((v) => fromString(m.shape.kind === 'list' ? m.shape.member.shape : m.shape, v, m.name))
        : fromString(m.shape, values[0], m.name);
  }
  if (b.queryParams && b.queryParams.shape.kind === 'map') {
    const valueShape = b.queryParams.shape.value.shape;
    const params: Record<string, unknown> = {};
    for (const [k, values] of query) {
      if (bound.has(k)) continue;
      setKey(params, k, valueShape.kind === 'list' ? values : values[0]);
    }
    if (Object.keys(params).length) input[b.queryParams.name] = params;
  }
  for (const m of b.headers) {
    const raw = header(req, m.httpHeader ?? m.name.toLowerCase());
    if (raw === undefined) continue;
    input[m.name] =
      m.shape.kind === 'list'
        ? raw.split(',').map((s) => fromString(m.shape.kind === 'list' ? m.shape.member.shape : m.shape, s.trim(), m.name))
        : fromString(m.shape, raw, m.name);
  }
  for (const m of b.prefixHeaders) {
    const prefix = m.httpPrefixHeaders ?? '';
    const map: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k.startsWith(prefix) && v !== undefined) setKey(map, k.slice(prefix.length), Array.isArray(v) ? v.join(', ') : v);
    }
    if (Object.keys(map).length) input[m.name] = map;
  }
  if (b.payload) {
    const v = readPayload(b.payload, req.body);
    if (v !== undefined) input[b.payload.name] = v;
  } else if (b.body.length) {
    const doc = parseJson(req.body, REST_JSON_READ);
    if (doc !== undefined) Object.assign(input, readStruct(op.input, doc, REST_JSON_READ, '', b.body));
  }
  return { op, input };
}

function readPayload(m: Member, body: Buffer): unknown {
  if (m.shape.kind === 'blob') return body.length ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : undefined;
  if (m.shape.kind === 'string') return body.length ? body.toString('utf8') : undefined;
  const doc = parseJson(body, REST_JSON_READ);
  return doc === undefined ? undefined : readValue(m.shape, doc, REST_JSON_READ, m.name);
}

/** Label, query and header values; timestamps in any of date-time, http-date or epoch seconds. */
function fromString(shape: Shape, s: string, name: string): unknown {
  switch (shape.kind) {
    case 'string':
      return s;
    case 'number': {
      const n = toInteger(s);
      if (n === undefined) throw fail(`${name} must be a number.`);
      return n;
    }
    case 'boolean':
      if (s === 'true' || s === 'false') return s === 'true';
      throw fail(`${name} must be true or false.`);
    case 'timestamp': {
      const d = readTimestamp(s);
      if (!d) throw fail(`${name} must be a timestamp.`);
      return d;
    }
    case 'blob': {
      const bytes = decodeBase64(s);
      if (!bytes) throw fail(`${name} must be base64.`);
      return bytes;
    }
    case 'bigint':
      if (/^-?\d+$/.test(s)) return BigInt(s);
      throw fail(`${name} must be an integer.`);
    default:
      return s;
  }
}
