import {
  AwsError,
  decodeRequest,
  detectProtocol,
  encodeError,
  encodeResponse,
  newRequestId,
  verifySigV4,
  type DecodeError,
  type HttpRequestLike,
  type HttpResponseLike,
  type RequestContext,
  type ServiceModel,
} from '@wharf/aws-protocol';
import type { Logger } from 'pino';
import { requestDuration, requestErrors } from './metrics';

/**
 * A service's provider: one async method per AWS operation, named exactly as the operation
 * (`SendMessage`), typed by the app with the SDK's own input/output types.
 */
export type AwsOperationMethod = (input: never, context: RequestContext) => Promise<unknown>;

export interface AwsApiHandlerOptions {
  region: string;
  accountId: string;
  logger: Logger;
  /** When set, every request's SigV4 signature is checked against these secrets. */
  credentials?: (accessKeyId: string) => Promise<string | undefined>;
}

/** decode → provider method → encode, with AWS-shaped errors for everything that goes wrong. */
export class AwsApiHandler {
  private readonly methods = new Map<string, AwsOperationMethod>();

  constructor(
    private readonly model: ServiceModel,
    provider: object,
    private readonly options: AwsApiHandlerOptions,
  ) {
    for (const operation of model.operations.keys()) {
      const method = (provider as Record<string, unknown>)[operation];
      if (typeof method === 'function') this.methods.set(operation, method.bind(provider) as AwsOperationMethod);
    }
  }

  /** Operations of the model this provider does not implement (reported at start-up, answered with an error). */
  unimplemented(): string[] {
    return [...this.model.operations.keys()].filter((op) => !this.methods.has(op));
  }

  /** `signal`: aborted when the caller hangs up or the service shuts down (see `requestSignal`). */
  async handle(request: HttpRequestLike, signal?: AbortSignal): Promise<HttpResponseLike> {
    const started = process.hrtime.bigint();
    let context: RequestContext | undefined;
    let operation = 'unknown';
    let response: HttpResponseLike;
    try {
      const decoded = decodeRequest(this.model, request, { region: this.options.region, accountId: this.options.accountId });
      context = signal ? { ...decoded.context, signal } : decoded.context;
      operation = decoded.operation;
      if (this.options.credentials) await verifySigV4(request, this.options.credentials);
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
