import { describe, expect, it } from 'vitest';
import { AwsError } from '@wharf/aws-protocol';
import { attributesSize, normalizeMessageAttributes, toSdkAttributes } from './message-attributes';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof AwsError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'ok';
}

describe('message attributes', () => {
  it('accepts String, String.Array, Number, Binary and custom suffixes; binary travels as base64', () => {
    const out = normalizeMessageAttributes({
      s: { DataType: 'String', StringValue: 'x' },
      a: { DataType: 'String.Array', StringValue: '["a",1]' },
      n: { DataType: 'Number', StringValue: '-1.5e3' },
      b: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
      c: { DataType: 'String.custom', StringValue: 'y' },
    });
    expect(out?.b).toEqual({ DataType: 'Binary', BinaryValue: 'AQI=' });
    expect(Buffer.from(toSdkAttributes(out).b.BinaryValue as Uint8Array)).toEqual(Buffer.from([1, 2]));
    expect(attributesSize({ s: { DataType: 'String', StringValue: 'xy' } })).toBe(1 + 6 + 2);
  });

  it('rejects bad names, types and values with ParameterValueInvalid', () => {
    expect(code(() => normalizeMessageAttributes({ 'AWS.x': { DataType: 'String', StringValue: 'v' } }))).toMatch(/^ParameterValueInvalid: The message attribute name 'AWS.x' is invalid/);
    expect(code(() => normalizeMessageAttributes({ 'a..b': { DataType: 'String', StringValue: 'v' } }))).toMatch(/is invalid/);
    expect(code(() => normalizeMessageAttributes({ a: { DataType: 'Date', StringValue: 'v' } }))).toMatch(/supported type prefixes is Binary, Number, and String/);
    expect(code(() => normalizeMessageAttributes({ a: { DataType: 'String', StringValue: '' } }))).toMatch(/non-empty message attribute value/);
    expect(code(() => normalizeMessageAttributes({ a: { DataType: 'Number', StringValue: 'abc' } }))).toMatch(/Could not cast message attribute 'a' value to number/);
    expect(code(() => normalizeMessageAttributes({ a: { DataType: 'String.Array', StringValue: '{"x":1}' } }))).toMatch(/JSON array/);
    expect(code(() => normalizeMessageAttributes({ a: { DataType: 'Binary' } }))).toMatch(/Binary/);
  });
});
