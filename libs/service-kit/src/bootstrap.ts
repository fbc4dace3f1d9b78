import 'reflect-metadata';
import http from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { WireProtocol } from '@wharf/aws-protocol';
import type { FastifyServerFactory, FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { commonConfig, envBool, type CommonConfig, type ListenerTimeouts } from './config';
import type { DualProtocolServer, Http2TimeoutAnswer } from './dual-listener';
import { createLogger, PinoNestLogger } from './logger';
import { AwsExceptionFilter } from './aws-exception.filter';
import { answerNodeRefusalsAsAws, awsClientErrorHandler, awsFrameworkErrors, http2TimeoutAnswer } from './client-errors';
import { directApiPath, inProcessApi, type DirectApiOptions } from './direct-api';
import { registerInProcessService } from './local-services';
import { abortOnShutdownSignals, type RawRequestHandler } from './http';
import { stopKafkajsIdleTimers } from './kafkajs-idle-timers';

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
  /** Leave request bodies unread (the edge streams them to a service). */
  streamBodies?: boolean;
  /**
   * Peers whose `x-forwarded-*` headers Fastify believes (`req.protocol`, `req.ip`), in proxy-addr's terms
   * (`'loopback'`, addresses, CIDRs). Default none: a client must not choose what the service thinks it used.
   */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /**
   * Requests to answer on Node's own request and response before Fastify and Nest see them (the edge's proxy
   * path): given the app once it is made, returns a handler that answers true when it took the request.
   */
  beforeFastify?: (app: NestFastifyApplication) => RawRequestHandler;
  /** Answer the AWS API's plain requests before Fastify and Nest (direct-api.ts); not with `beforeFastify`. */
  directApi?: DirectApiOptions;
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
 * Starts one Wharf service: Nest on Fastify, every body read raw (the AWS codecs decode it) unless
 * `streamBodies` leaves it unread for a proxy, AWS-shaped answers for oversized or unreadable requests,
 * graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrapService(options: ServiceOptions): Promise<RunningService> {
  stopKafkajsIdleTimers(); // before any module makes a Kafka client (kinesis's log, the broker checks)
  const config = options.config ?? commonConfig();
  const logger = options.logger ?? createLogger(options.name, config.logLevel);
  // Set once the app is made (the server, and this handler, exist before it).
  const before: { take?: RawRequestHandler } = {};
  const factory: FastifyServerFactory | undefined = options.beforeFastify || options.directApi
    ? (handler, serverOptions) => {
        const take = (req: http.IncomingMessage, res: http.ServerResponse) => {
          if (!before.take?.(req, res)) handler(req, res);
        };
        return options.serverFactory ? options.serverFactory(take, serverOptions) : http.createServer(take);
      }
    : options.serverFactory;
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    logger: false,
    clientErrorHandler: awsClientErrorHandler(config, options.fallbackProtocol),
    frameworkErrors: awsFrameworkErrors(config, options.fallbackProtocol),
    ...(factory ? { serverFactory: factory } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module as never, adapter, {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  before.take = options.directApi
    ? directApiPath(app, { config, logger, fallbackProtocol: options.fallbackProtocol, trustProxy: options.trustProxy }, options.directApi)
    : options.beforeFastify?.(app);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  if (options.streamBodies) fastify.addContentTypeParser('*', (_req, _payload, done) => done(null));
  else fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  applyListenerTimeouts(fastify.server, config.timeouts, http2TimeoutAnswer(config, options.fallbackProtocol));
  answerNodeRefusalsAsAws(fastify, config, options.fallbackProtocol);
  app.useGlobalFilters(new AwsExceptionFilter(config, logger, options.fallbackProtocol));
  // Ours first: open long waits end before Nest closes the listener and waits for requests in flight.
  abortOnShutdownSignals();
  app.enableShutdownHooks();
  await app.listen(options.port, config.host);
  // Registered once listening: the app is initialised (its onModuleInit hooks ran) before the edge calls it.
  const unregister =
    options.directApi && envBool('WHARF_ONE_PROCESS', false)
      ? registerInProcessService(options.name, inProcessApi(app, { config, logger, fallbackProtocol: options.fallbackProtocol }, options.directApi))
      : undefined;
  const url = `http://${config.host}:${options.port}`;
  logger.info({ url }, `${options.name} listening`);
  return {
    app,
    logger,
    url,
    close: () => {
      unregister?.();
      return app.close();
    },
  };
}

/**
 * Fastify's own server has no request timeout (a chunked body announcing 2^60 bytes held the connection for
 * minutes) and a server from a factory gets none of Fastify's settings: the same limits on every listener.
 * Node checks them on an interval; a 1 s check keeps a short timeout from overrunning by up to 30 s.
 */
function applyListenerTimeouts(server: http.Server, t: ListenerTimeouts, answer: Http2TimeoutAnswer): void {
  server.requestTimeout = t.requestMs;
  server.headersTimeout = t.headersMs;
  server.keepAliveTimeout = t.idleMs;
  (server as http.Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1_000, t.requestMs || 1_000);
  (server as Partial<DualProtocolServer>).setHttp2Timeouts?.({ requestMs: t.requestMs, sessionIdleMs: t.idleMs, answer });
}
