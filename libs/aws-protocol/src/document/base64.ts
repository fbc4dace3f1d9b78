const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (Buffer.from alone silently skips junk): returns undefined for anything malformed. */
export function decodeBase64(s: string): Uint8Array | undefined {
  if (s.length % 4 === 1 || !BASE64.test(s)) return undefined;
  const buf = Buffer.from(s, 'base64');
  // A plain Uint8Array view: the SDK's own types, and deep-equal friendly.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
