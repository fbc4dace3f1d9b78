import type { AwsError } from '../errors';
import { decodeBase64 } from '../document/base64';
import { readTimestamp, setKey, toInteger } from '../document/read';
import type { Member, Shape, StructShape } from '../model/shapes';
import { indexed, type FormNode } from './form';

/**
 * Reads Query parameters as the SDK's QueryShapeSerializer writes them: struct members by (merged)
 * xmlName, lists `X.member.N` or flattened `X.N`, maps `X.entry.N.key/value` or flattened `X.N.Name/Value`,
 * an empty `X=` for an empty list.
 */
export function readQueryStruct(shape: StructShape, node: FormNode, fail: (m: string) => AwsError, path = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!node.c) return out;
  for (const m of shape.members) {
    const child = node.c.get(m.queryName);
    if (!child) continue;
    const v = readQueryMember(m, child, fail, path ? `${path}.${m.queryName}` : m.queryName);
    if (v !== undefined) out[m.name] = v;
    if (shape.union) break;
  }
  return out;
}

function readQueryMember(m: Member, node: FormNode, fail: (m: string) => AwsError, path: string): unknown {
  const shape = m.shape;
  if (shape.kind === 'list') {
    if (!node.c) {
      if (node.v === '' || node.v === undefined) return [];
      throw fail(`${path} must be a list (${path}.member.N).`);
    }
    const items = m.flattened ? indexed(node) : indexed(node.c.get(shape.member.queryName));
    return items.map((item, i) => readQueryValue(shape.member, item, fail, `${path}.${i + 1}`));
  }
  if (shape.kind === 'map') {
    if (!node.c) {
      if (node.v === '' || node.v === undefined) return {};
      throw fail(`${path} must be a map.`);
    }
    const entries = m.flattened ? indexed(node) : indexed(node.c.get('entry'));
    const out: Record<string, unknown> = {};
    entries.forEach((entry, i) => {
      const k = entry.c?.get(shape.key.queryName)?.v;
      const v = entry.c?.get(shape.value.queryName);
      if (k === undefined) throw fail(`${path}.${i + 1}.${shape.key.queryName} is missing.`);
      if (v) setKey(out, k, readQueryValue(shape.value, v, fail, `${path}.${i + 1}`));
    });
    return out;
  }
  return readQueryValue(m, node, fail, path);
}

function readQueryValue(m: Member, node: FormNode, fail: (m: string) => AwsError, path: string): unknown {
  const shape: Shape = m.shape;
  if (shape.kind === 'struct') return readQueryStruct(shape, node, fail, path);
  if (shape.kind === 'list' || shape.kind === 'map') return readQueryMember(m, node, fail, path);
  const v = node.v;
  if (v === undefined) throw fail(`${path} must be a single value.`);
  switch (shape.kind) {
    case 'string':
    case 'document':
    case 'bigdecimal':
      return v;
    case 'number': {
      const n = toInteger(v);
      if (n === undefined) throw fail(`Value ${v} for parameter ${path} is invalid. Reason: must be a number.`);
      return n;
    }
    case 'bigint':
      if (!/^-?\d+$/.test(v)) throw fail(`Value ${v} for parameter ${path} is invalid. Reason: must be an integer.`);
      return BigInt(v);
    case 'boolean': {
      const b = v.toLowerCase();
      if (b !== 'true' && b !== 'false') throw fail(`Value ${v} for parameter ${path} is invalid. Reason: must be true or false.`);
      return b === 'true';
    }
    case 'blob': {
      const bytes = decodeBase64(v);
      if (!bytes) throw fail(`Value for parameter ${path} is invalid. Reason: not valid base64.`);
      return bytes;
    }
    case 'timestamp': {
      const d = readTimestamp(v);
      if (!d) throw fail(`Value ${v} for parameter ${path} is invalid. Reason: not a timestamp.`);
      return d;
    }
    default:
      return undefined;
  }
}
