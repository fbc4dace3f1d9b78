import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64';

describe('strict base64', () => {
  it('round-trips every length', () => {
    for (let n = 0; n < 20; n++) {
      const bytes = new Uint8Array(Array.from({ length: n }, (_, i) => (i * 37) & 255));
      expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    }
    expect(decodeBase64('AAEC/v8')).toEqual(new Uint8Array([0, 1, 2, 254, 255])); // unpadded
  });

  it.each(['A', 'AB$D', 'AAAA AAAA', 'AA==AAAA', '====', 'AAA=A', 'Zm9v\nYmFy', '%%%'])('rejects %j', (s) => {
    expect(decodeBase64(s)).toBeUndefined();
  });
});
