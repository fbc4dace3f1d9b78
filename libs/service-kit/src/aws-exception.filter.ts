import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AwsError, detectProtocol, encodeError, newRequestId, type WireProtocol } from '@wharf/aws-protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { CommonConfig } from './config';
import { sendHttpResponse, toHttpRequestLike } from './http';
import type { ProtocolPinned } from './request-auth';

/**
 * Answers failures that happen before a request reaches an AWS handler (body over the limit, aborted
 * upload, unknown route) in the caller's protocol, so an SDK sees an AWS error, never Nest's JSON.
 */
@Catch()
export class AwsExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly config: CommonConfig,
    private readonly logger: Logger,
    private readonly fallbackProtocol: WireProtocol,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const status = statusOf(exception);
    const error =
      exception instanceof AwsError
        ? exception
        : status === 413
          ? new AwsError('RequestEntityTooLarge', `Request body exceeds the limit of ${this.config.bodyLimitBytes} bytes.`, { status: 413 })
          : status === 404
            ? new AwsError('UnknownOperationException', `No operation is served at ${request.method} ${request.url.split('?')[0]}.`, { status: 404 })
            : status < 500
              ? new AwsError('BadRequest', exception instanceof Error ? exception.message : 'Bad request.', { status })
              : unknownFailure();
    if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    const httpRequest = toHttpRequestLike(request);
    const protocol = (exception as ProtocolPinned | undefined)?.protocol ?? detectProtocol(httpRequest) ?? this.fallbackProtocol;
    const context = { requestId: newRequestId(), region: this.config.region, accountId: this.config.accountId, protocol };
    void sendHttpResponse(reply, encodeError(undefined, error, context));
  }
}

/** AWS's answer to a failure the caller did not cause and Wharf did not foresee (a 500, retryable). */
export function unknownFailure(): AwsError {
  return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', { status: 500, sender: false });
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const statusCode = (exception as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : 500;
}
