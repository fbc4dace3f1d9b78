import { encodeBase64 } from '../document/base64';
import { toBytes, toDate } from '../document/write';
import type { Member, Shape, StructShape } from '../model/shapes';
import { escapeXml } from '../xml/escape';

const XML_DECL = '<?xml version="1.0"?>';

/**
 * `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>`:
 * the SDK's AwsQueryProtocol requires the <OpResult> wrapper for a structure output and omits it for unit.
 */
export function encodeQueryXml(opName: string, output: Shape, value: unknown, requestId: string, xmlns?: string): string {
  const ns = xmlns ? ` xmlns="${escapeXml(xmlns)}"` : '';
  let xml = `${XML_DECL}<${opName}Response${ns}>`;
  if (output.kind === 'struct') xml += `<${opName}Result>${writeMembers(output, value)}</${opName}Result>`;
  return `${xml}<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${opName}Response>`;
}

export function encodeQueryErrorXml(
  type: 'Sender' | 'Receiver',
  code: string,
  message: string,
  requestId: string,
  xmlns?: string,
  shape?: StructShape,
  extra?: Record<string, unknown>,
): string {
  const ns = xmlns ? ` xmlns="${escapeXml(xmlns)}"` : '';
  let fields = '';
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === null || v === undefined || k === 'message' || k === 'Message') continue;
    const m = shape?.byName.get(k);
    fields += m ? writeMember(m, m.xmlName ?? m.name, v) : element(k, String(v));
  }
  return (
    `${XML_DECL}<ErrorResponse${ns}><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message>${fields}<Detail/></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}

export function writeMembers(shape: StructShape, value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const src = value as Record<string, unknown>;
  let xml = '';
  for (const m of shape.members) {
    const v = src[m.name];
    if (v === null || v === undefined) continue;
    // The SDK's XML reader looks a member up by the member's own xmlName, else its name.
    xml += writeMember(m, m.xmlName ?? m.name, v);
  }
  return xml;
}

function writeMember(m: Member, name: string, v: unknown): string {
  const shape = m.shape;
  switch (shape.kind) {
    case 'list': {
      const items = Array.isArray(v) ? v : [...(v as Iterable<unknown>)];
      let inner = '';
      for (const item of items) {
        if (item === null || item === undefined) continue;
        // Flattened: each item is an element named like the member (<Message>…</Message><Message>…).
        inner += writeMember(shape.member, m.flattened ? name : shape.member.queryName, item);
      }
      return m.flattened ? inner : `<${name}>${inner}</${name}>`;
    }
    case 'map': {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      const k = shape.key.queryName;
      const val = shape.value.queryName;
      let inner = '';
      for (const [key, item] of entries) {
        if (item === null || item === undefined) continue;
        const entry = `${element(k, String(key))}${writeMember(shape.value, val, item)}`;
        inner += m.flattened ? `<${name}>${entry}</${name}>` : `<entry>${entry}</entry>`;
      }
      return m.flattened ? inner : `<${name}>${inner}</${name}>`;
    }
    case 'struct':
      if (shape.union) {
        const src = v as Record<string, unknown>;
        const one = shape.members.find((x) => src[x.name] !== undefined && src[x.name] !== null);
        return `<${name}>${one ? writeMember(one, one.xmlName ?? one.name, src[one.name]) : ''}</${name}>`;
      }
      return `<${name}>${writeMembers(shape, v)}</${name}>`;
    case 'unit':
      return '';
    default:
      return element(name, scalarText(shape, v, name));
  }
}

function scalarText(shape: Shape, v: unknown, path: string): string {
  switch (shape.kind) {
    case 'blob':
      return encodeBase64(toBytes(v));
    case 'timestamp': {
      const d = toDate(v, path);
      // Query's default timestamp format is date-time.
      return shape.format === 7 ? String(d.getTime() / 1000) : shape.format === 6 ? d.toUTCString() : d.toISOString();
    }
    case 'boolean':
      return v === true || v === 'true' ? 'true' : 'false';
    case 'document':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return String(v);
  }
}

const element = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`;
