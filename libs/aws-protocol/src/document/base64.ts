/**
 * Strict base64 without a regex pass: Node's decoder silently skips characters outside the alphabet
 * (and stops at a stray '='), so a decoded length short of what the text length promises means junk.
 * base64url's '-' and '_' are accepted, as Node does.
 */
export function decodeBase64(s: string): Uint8Array | undefined {
  const len = s.length;
  if (len % 4 === 1) return undefined;
  let pad = 0;
  if (len > 0 && s.charCodeAt(len - 1) === 61) pad++;
  if (len > 1 && s.charCodeAt(len - 2) === 61) pad++;
  const buf = Buffer.from(s, 'base64');
  if (buf.length !== Math.floor((len * 3) / 4) - pad) return undefined;
  // A plain Uint8Array view: the SDK's own types, and deep-equal friendly.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
