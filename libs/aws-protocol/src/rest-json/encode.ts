import { encodeBase64 } from '../document/base64';
import { toBytes, toDate, writeStruct, writeValue } from '../document/write';
import { REST_JSON_WRITE } from '../json/options';
import type { OperationModel } from '../model/service-model';
import type { Shape } from '../model/shapes';

export interface RestJsonResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Status from the `http` trait (or an httpResponseCode member), bound headers, JSON body with jsonName keys. */
export function encodeRestJson(op: OperationModel, output: unknown): RestJsonResponse {
  const b = op.rest?.output;
  const src = (typeof output === 'object' && output !== null ? output : {}) as Record<string, unknown>;
  const headers: Record<string, string> = {};
  let status = op.http?.code ?? 200;
  if (!b || op.output.kind !== 'struct') return { status, headers, body: '' };

  if (b.statusCode && typeof src[b.statusCode.name] === 'number') status = src[b.statusCode.name] as number;
  for (const m of b.headers) {
    const v = src[m.name];
    if (v !== null && v !== undefined && m.httpHeader) headers[m.httpHeader] = toHeader(m.shape, v, m.name);
  }
  for (const m of b.prefixHeaders) {
    const map = src[m.name];
    if (map && typeof map === 'object') {
      for (const [k, v] of Object.entries(map)) if (v != null) headers[`${m.httpPrefixHeaders}${k}`] = String(v);
    }
  }
  if (b.payload) {
    const v = src[b.payload.name];
    if (v === null || v === undefined) return { status, headers, body: '' };
    const kind = b.payload.shape.kind;
    if (kind === 'blob') {
      headers['content-type'] = b.payload.mediaType ?? 'application/octet-stream';
      const bytes = toBytes(v);
      return { status, headers, body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
    if (kind === 'string') {
      headers['content-type'] = b.payload.mediaType ?? 'text/plain';
      return { status, headers, body: String(v) };
    }
    headers['content-type'] = 'application/json';
    return { status, headers, body: JSON.stringify(writeValue(b.payload.shape, v, REST_JSON_WRITE, b.payload.name)) };
  }
  if (!b.body.length) return { status, headers, body: '' };
  headers['content-type'] = 'application/json';
  return { status, headers, body: JSON.stringify(writeStruct(op.output, src, REST_JSON_WRITE, b.body)) };
}

function toHeader(shape: Shape, v: unknown, name: string): string {
  switch (shape.kind) {
    case 'timestamp': {
      const d = toDate(v, name);
      return shape.format === 5 ? d.toISOString() : shape.format === 7 ? String(d.getTime() / 1000) : d.toUTCString();
    }
    case 'blob':
      return encodeBase64(toBytes(v));
    case 'list':
      return (v as unknown[]).map((x) => toHeader(shape.member.shape, x, name)).join(', ');
    default:
      return String(v);
  }
}
