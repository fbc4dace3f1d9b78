/** Wire protocols Wharf speaks. `cbor` = application/x-amz-cbor-1.1 (Kinesis Java SDK): JSON 1.1 targets, CBOR body. */
export type WireProtocol = 'awsJson1_0' | 'awsJson1_1' | 'awsQuery' | 'restJson1' | 'cbor';

export interface HttpRequestLike {
  method: string;
  /** Path plus query string, as received on the wire (still percent-encoded). */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpResponseLike {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface RequestContext {
  requestId: string;
  region: string;
  accountId: string;
  accessKeyId?: string;
  protocol: WireProtocol;
  /** Aborted when the caller hangs up or the service shuts down: long waits (long polls) stop early. */
  signal?: AbortSignal;
  /** `scheme://host` the request came to, when the transport knows it (base of queue URLs and links). */
  origin?: string;
}

export interface DecodedRequest<I = Record<string, unknown>> {
  operation: string;
  input: I;
  context: RequestContext;
  /** Request path without the query string, percent-decoded. Query clients may POST to a queue URL path. */
  path: string;
}
