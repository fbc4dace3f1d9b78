import type { WireProtocol } from './types';

export const CONTENT_TYPE: Record<WireProtocol, string> = {
  awsJson1_0: 'application/x-amz-json-1.0',
  awsJson1_1: 'application/x-amz-json-1.1',
  cbor: 'application/x-amz-cbor-1.1',
  awsQuery: 'text/xml',
  restJson1: 'application/json',
};
