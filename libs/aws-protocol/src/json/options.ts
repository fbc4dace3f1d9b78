import { malformedInput } from '../errors';
import type { ReadOptions } from '../document/read';
import type { WriteOptions } from '../document/write';
import type { WireProtocol } from '../types';

const failFor = (protocol: WireProtocol) => (message: string) => malformedInput(protocol, message);

/** awsJson 1.0/1.1: member names as-is, blobs base64, timestamps epoch seconds. */
export const JSON_RPC_READ: Record<'awsJson1_0' | 'awsJson1_1', ReadOptions> = {
  awsJson1_0: { jsonName: false, cbor: false, fail: failFor('awsJson1_0') },
  awsJson1_1: { jsonName: false, cbor: false, fail: failFor('awsJson1_1') },
};
export const JSON_RPC_WRITE: WriteOptions = { jsonName: false, cbor: false, defaultTimestamp: 7 };

/** restJson1: jsonName keys. */
export const REST_JSON_READ: ReadOptions = { jsonName: true, cbor: false, fail: failFor('restJson1') };
export const REST_JSON_WRITE: WriteOptions = { jsonName: true, cbor: false, defaultTimestamp: 7 };

/** CBOR 1.1: JSON 1.1 member names, byte strings, tag-1 dates. */
export const CBOR_READ: ReadOptions = { jsonName: false, cbor: true, fail: failFor('cbor') };
export const CBOR_WRITE: WriteOptions = { jsonName: false, cbor: true, defaultTimestamp: 7 };
