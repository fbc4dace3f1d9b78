import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { encodeError, AwsError, detectProtocol, newRequestId, type WireProtocol } from '@wharf/aws-protocol';
import type { FastifyServerFactory } from 'fastify';
import type { Logger } from 'pino';
import { commonConfig, type CommonConfig } from './config';
import { createLogger, PinoNestLogger } from './logger';
import { toHttpRequestLike, sendHttpResponse } from './http';

export interface ServiceOptions {
  /** Service name for logs, metrics and health (`sqs`, `edge`, …). */
  name: string;
  /** The root Nest module of the app. */
  module: unknown;
  port: number;
  /** Protocol to answer in when a request fails before it reaches a handler and its protocol is unclear. */
  fallbackProtocol: WireProtocol;
  /** e.g. the HTTP/1.1 + h2c listener for services the Kinesis SDK talks to. */
  serverFactory?: FastifyServerFactory;
  config?: CommonConfig;
  logger?: Logger;
}

export interface RunningService {
  app: NestFastifyApplication;
  logger: Logger;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts one Wharf service: Nest on Fastify, every body read raw (the AWS codecs decode it),
 * AWS-shaped answers for oversized or unreadable requests, graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrapService(options: ServiceOptions): Promise<RunningService> {
  const config = options.config ?? commonConfig();
  const logger = options.logger ?? createLogger(options.name, config.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    logger: false,
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module as never, adapter, {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  fastify.setErrorHandler((error, request, reply) => {
    // Fastify's own failures (body too large, aborted upload) answered in the caller's protocol.
    const failure = error as Error & { statusCode?: number };
    const status = typeof failure.statusCode === 'number' ? failure.statusCode : 500;
    const awsError =
      status === 413
        ? new AwsError('RequestEntityTooLarge', `Request body exceeds the limit of ${config.bodyLimitBytes} bytes.`, { status: 413 })
        : status < 500
          ? new AwsError('BadRequest', failure.message, { status })
          : new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', { status: 500, sender: false });
    if (status >= 500) logger.error({ err: error }, 'request failed');
    const httpRequest = toHttpRequestLike(request);
    const protocol = detectProtocol(httpRequest) ?? options.fallbackProtocol;
    const response = encodeError(undefined, awsError, { requestId: newRequestId(), region: config.region, accountId: config.accountId, protocol });
    void sendHttpResponse(reply, response);
  });
  app.enableShutdownHooks();
  await app.listen(options.port, config.host);
  const url = `http://${config.host}:${options.port}`;
  logger.info({ url }, `${options.name} listening`);
  return { app, logger, url, close: () => app.close() };
}
