// cbor-x ships types only for its ESM entry; its CJS build is what Node loads here.
const { addExtension, Decoder, Encoder } = require('cbor-x') as typeof import('cbor-x', { with: { 'resolution-mode': 'import' } });

/*
 * Kinesis CBOR (Java SDK / KCL) writes timestamps as tag 1 holding integer epoch MILLISECONDS, against
 * RFC 8949. cbor-x's built-in tag 1 reads seconds, so we register our own: Dates are written as tag 1 +
 * uint64 ms (BigInt forces an integer; cbor-x would write a float64 above 2^32) and read back from ms.
 * cbor-x extensions are process-global; nothing else in Wharf uses cbor-x's Date handling.
 */
addExtension({
  Class: Date,
  tag: 1,
  encode(date: Date, encode: (v: bigint | number) => Uint8Array) {
    return encode(BigInt(date.getTime()));
  },
  decode(value: bigint | number) {
    return new Date(Number(value));
  },
});

// Plain maps and byte strings, as Jackson's CBOR codec expects: no record/structure extensions, no
// tag 64 on Uint8Array.
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false, variableMapSize: true });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

export function encodeCbor(value: unknown): Buffer {
  // Copy out: cbor-x reuses its internal buffer between calls.
  return Buffer.from(encoder.encode(value));
}

/** Throws cbor-x's plain Error on malformed input; callers wrap it. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}
