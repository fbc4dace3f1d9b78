import type { WireProtocol } from './types';

export interface AwsErrorOptions {
  /** HTTP status; when absent it comes from the error schema in the model, else 400 (sender) / 500. */
  status?: number;
  /** Sender (client) fault; default true, or the schema's fault when the model knows the code. */
  sender?: boolean;
  /** Query / x-amzn-query-error code; defaults to the schema's awsQueryError code, else `code`. */
  queryCode?: string;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  /** Extra error members written beside `message` (modelled error fields). */
  extra?: Record<string, unknown>;
}

/**
 * An error the client should see as an AWS error. `code` is the error shape name
 * (QueueDoesNotExist, ResourceNotFoundException) or a query code (AWS.SimpleQueueService.NonExistentQueue):
 * encodeError maps either to the modelled shape.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly sender?: boolean;
  readonly queryCode?: string;
  readonly headers?: Record<string, string>;
  readonly extra?: Record<string, unknown>;

  constructor(code: string, message: string, options: AwsErrorOptions = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = options.status;
    this.sender = options.sender;
    this.queryCode = options.queryCode;
    this.headers = options.headers;
    this.extra = options.extra;
  }
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}

/** Malformed body or wrong member type, in the words each protocol family uses. */
export function malformedInput(protocol: WireProtocol, message: string, queryCode = 'InvalidParameterValue'): AwsError {
  if (protocol === 'awsQuery') return new AwsError(queryCode, message, { status: 400 });
  if (protocol === 'restJson1') return new AwsError('BadRequestException', message, { status: 400 });
  return new AwsError('SerializationException', message, { status: 400 });
}

/** The operation (target, Action or route) is unknown. */
export function unknownOperation(protocol: WireProtocol, name: string): AwsError {
  if (protocol === 'awsQuery') {
    return new AwsError('InvalidAction', `The action ${name} is not valid for this web service.`, { status: 400 });
  }
  if (protocol === 'restJson1') {
    return new AwsError('UnknownOperationException', `No operation matches ${name}.`, { status: 404 });
  }
  return new AwsError('UnknownOperationException', `Operation ${name} is not supported.`, { status: 400 });
}
