import {
  AwsError,
  decodeRequest,
  detectProtocol,
  encodeError,
  encodeResponse,
  newRequestId,
  type DecodedRequest,
  type DecodeError,
  type HttpRequestLike,
  type HttpResponseLike,
  type RequestContext,
  type ServiceModel,
} from '@wharf/aws-protocol';
import type { Caller, OperationTable } from '@wharf/engine-kit';
import type { Logger } from 'pino';
import { requestDuration, requestErrors } from './metrics';
import { authStyleOf, type RequestAuthenticator } from './request-auth';

type BoundOperation = (input: never, caller: Caller) => Promise<unknown>;

/** What the transport knows of a request beyond its bytes. */
export interface RequestOrigin {
  /** Aborted when the caller hangs up or the service shuts down (see `requestSignal`). */
  signal?: AbortSignal;
  /** `scheme://host` the request came to (base of queue URLs and links). */
  origin?: string;
  /** The request as it arrived, when the controller completed it (SQS's queue URL from the path): the signature covers this one. */
  received?: HttpRequestLike;
}

export interface AwsApiHandlerOptions {
  region: string;
  accountId: string;
  logger: Logger;
  /** Access keys → accounts, and SigV4 verification when it is on. */
  auth?: RequestAuthenticator;
  /**
   * Operations AWS also serves as unsigned GET links (SNS's SubscribeURL and UnsubscribeURL): such a GET
   * without any signature passes; the operation sees no access key and applies the link's own rules.
   */
  linkOperations?: ReadonlySet<string>;
}

/**
 * decode → the engine's operation → encode, with AWS-shaped errors for everything that goes wrong. The
 * operations come from the engine's table (`OperationTable`), each called with the engine's dependencies.
 */
export class AwsApiHandler {
  private readonly methods = new Map<string, BoundOperation>();
  private readonly authStyle: ReturnType<typeof authStyleOf>;

  constructor(
    private readonly model: ServiceModel,
    operations: OperationTable<never>,
    deps: unknown,
    private readonly options: AwsApiHandlerOptions,
  ) {
    this.authStyle = authStyleOf(model);
    for (const operation of model.operations.keys()) {
      const run = operations[operation];
      if (typeof run === 'function') this.methods.set(operation, (input, caller) => run(deps as never, input, caller));
    }
  }

  /** Operations of the model the table lacks (AwsApiModule refuses to start with any). */
  unimplemented(): string[] {
    return [...this.model.operations.keys()].filter((op) => !this.methods.has(op));
  }

  /**
   * Decodes a request and, with SigV4 on, verifies its signature (scope: the service's signing name). Throws
   * AwsError with `.context` (DecodeError). Controllers that answer outside `handle` (an event stream) use it.
   */
  async decode(request: HttpRequestLike, received: HttpRequestLike = request): Promise<DecodedRequest> {
    const auth = this.options.auth;
    const decoded = decodeRequest(this.model, request, { region: this.options.region, accountId: this.options.accountId, accountOf: auth?.accountOf });
    if (auth?.enabled && !this.isUnsignedLink(received, decoded.operation)) {
      try {
        await auth.verify(received, this.model.signingName, this.authStyle);
      } catch (error) {
        (error as DecodeError).context = decoded.context;
        throw error;
      }
    }
    return decoded;
  }

  private isUnsignedLink(request: HttpRequestLike, operation: string): boolean {
    if (request.method !== 'GET' || !this.options.linkOperations?.has(operation) || request.headers.authorization !== undefined) return false;
    return !/(^|[?&])X-Amz-(Signature|Credential|Algorithm)=/.test(request.path);
  }

  async handle(request: HttpRequestLike, from: RequestOrigin = {}): Promise<HttpResponseLike> {
    const started = process.hrtime.bigint();
    let context: RequestContext | undefined;
    let operation = 'unknown';
    let response: HttpResponseLike;
    try {
      const decoded = await this.decode(request, from.received);
      context = from.signal || from.origin ? { ...decoded.context, signal: from.signal, origin: from.origin } : decoded.context;
      operation = decoded.operation;
      const method = this.methods.get(operation);
      if (!method) {
        throw new AwsError('UnsupportedOperation', `Wharf does not implement ${this.model.service} ${operation}.`, { status: 400 });
      }
      const output = await method(decoded.input as never, context);
      response = encodeResponse(this.model, operation, output ?? {}, context);
    } catch (error) {
      // A decode failure carries the context it settled on, so the answer keeps its request id and protocol.
      context ??= (error as DecodeError).context ?? {
        requestId: newRequestId(),
        region: this.options.region,
        accountId: this.options.accountId,
        // Too broken to tell: answer in the service's own first protocol.
        protocol: detectProtocol(request) ?? this.model.protocols[0],
      };
      if (!(error instanceof AwsError)) this.options.logger.error({ err: error, operation }, 'unexpected failure');
      response = encodeError(this.model, error, context);
      requestErrors.inc({ service: this.model.service, operation, code: error instanceof AwsError ? error.code : 'InternalFailure' });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    requestDuration.observe({ service: this.model.service, operation, status: String(response.status) }, seconds);
    return response;
  }
}
