/**
 * Who asks, for every operation of every engine: the account and region the request is scoped to (from
 * its signing scope, or the service's defaults), its request id, and a signal that aborts when the caller
 * hangs up or the service shuts down. `@wharf/aws-protocol`'s RequestContext is a Caller.
 */
export interface Caller {
  readonly accountId: string;
  readonly region: string;
  readonly requestId: string;
  readonly signal?: AbortSignal;
  /** `scheme://host[:port]` the request came to: the base of URLs an answer hands out (queue URLs, links). */
  readonly origin?: string;
  /** The access key the request was signed with; absent when unsigned (SNS's SubscribeURL/UnsubscribeURL GETs). */
  readonly accessKeyId?: string;
}
