import type http from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { detectProtocol, encodeError, newRequestId, type HttpRequestLike, type HttpResponseLike, type WireProtocol } from '@wharf/aws-protocol';
import type { FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { AWS_API_HANDLER } from './aws-api.module';
import type { AwsApiHandler } from './aws-api-handler';
import { unknownFailure } from './aws-exception.filter';
import type { CommonConfig } from './config';
import { rawRequestSignal, type RawRequestHandler } from './http';
import type { InProcessService } from './local-services';

export interface DirectApiOptions {
  /** Plain API requests the controller must answer all the same (Kinesis: SubscribeToShard's event stream). */
  leave?: (req: http.IncomingMessage) => boolean;
}

/**
 * The AWS API's plain requests answered on Node's own request and response, before Fastify and Nest: POST /
 * over HTTP/1.x or HTTP/2 (Node's compatibility objects, where a service listens for h2c) with a Host or
 * :authority and a Content-Length within the body limit, which is what every SDK sends. They go straight to the
 * AwsApiHandler, as the controller would pass them (with the request's origin and a signal that aborts when the
 * caller hangs up); measured on SQS receive + delete, 20% less of the service's CPU a call. Everything else —
 * other paths, chunked or oversized bodies, no Content-Length, a missing Host — is left to Fastify and the
 * controller, which answer it as before (their limits, refusals and AWS-shaped errors).
 */
export function directApiPath(
  app: NestFastifyApplication,
  settings: { config: CommonConfig; logger: Logger; fallbackProtocol: WireProtocol; trustProxy?: FastifyServerOptions['trustProxy'] },
  options: DirectApiOptions = {},
): RawRequestHandler {
  const { config } = settings;
  const answer = apiAnswerer(app.get<AwsApiHandler>(AWS_API_HANDLER), settings);
  const trusted = trustFunction(settings.trustProxy);
  return (req, res) => {
    const major = req.httpVersionMajor;
    if (req.method !== 'POST' || req.url !== '/' || (major !== 1 && major !== 2)) return false;
    // HTTP/2 names the host :authority (Node's compatibility request keeps the pseudo-headers among the headers)
    const host = req.headers.host ?? (major === 2 ? authority(req) : undefined);
    const length = req.headers['content-length'];
    if (!host || length === undefined || req.headers['transfer-encoding'] !== undefined || !/^\d+$/.test(length)) return false;
    if (Number(length) > config.bodyLimitBytes || options.leave?.(req)) return false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A caller that leaves mid-body gets no answer: 'end' never comes, the socket is gone.
    req.on('error', () => undefined);
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      answer(req.headers, body, `${requestProtocol(req, trusted)}://${host}`, res);
    });
    return true;
  };
}

/** Hands one plain API request to the AwsApiHandler and writes its answer on Node's own response. */
function apiAnswerer(
  handler: AwsApiHandler,
  settings: { config: CommonConfig; logger: Logger; fallbackProtocol: WireProtocol },
): (headers: http.IncomingHttpHeaders, body: Buffer, origin: string, res: http.ServerResponse) => void {
  const { config, logger, fallbackProtocol } = settings;
  return (headers, body, origin, res) => {
    const request: HttpRequestLike = { method: 'POST', path: '/', headers, body };
    handler
      .handle(request, { signal: rawRequestSignal(res), origin, received: request })
      .catch((error: unknown) => {
        // handle() answers every failure itself; this is a bug in it, answered as the exception filter would.
        logger.error({ err: error }, 'request failed');
        const context = { requestId: newRequestId(), region: config.region, accountId: config.accountId, protocol: detectProtocol(request) ?? fallbackProtocol };
        return encodeError(undefined, unknownFailure(), context);
      })
      .then((response) => send(res, response));
  };
}

/**
 * The same path for the edge when it runs in this process (`WHARF_ONE_PROCESS`, local-services.ts): a plain
 * API request whose body the edge already holds, answered without a loopback hop. `origin` is the scheme and
 * host the edge would have forwarded (x-forwarded-proto, Host). `takes` turns down anything else (another
 * path, a body over the service's limit, an event stream): the edge proxies those. `call` is the way in for
 * another service of the process (SNS delivering to SQS).
 */
export function inProcessApi(
  app: NestFastifyApplication,
  settings: { config: CommonConfig; logger: Logger; fallbackProtocol: WireProtocol },
  options: DirectApiOptions = {},
): InProcessService {
  const handler = app.get<AwsApiHandler>(AWS_API_HANDLER);
  const answer = apiAnswerer(handler, settings);
  return {
    call: (request, origin) => handler.handle(request, { origin, received: request }),
    takes: (req, bodyBytes) =>
      req.method === 'POST' && req.url === '/' && bodyBytes <= settings.config.bodyLimitBytes && !options.leave?.(req),
    answer(req, body, origin, res) {
      // HTTP/2 names the host :authority; the signature and the codecs read it as Host, as the proxy sends it.
      const host = req.headers.host ?? authority(req);
      answer(req.headers.host === undefined && host !== undefined ? { ...req.headers, host } : req.headers, body, origin, res);
    },
  };
}

function authority(req: http.IncomingMessage): string | undefined {
  const value = (req.headers as Record<string, string | string[] | undefined>)[':authority'];
  return typeof value === 'string' ? value : undefined;
}

function send(res: http.ServerResponse, response: HttpResponseLike): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

type TrustFunction = ((address: string, hop: number) => boolean) | undefined;

/** Fastify's reading of `trustProxy` (request.js getTrustProxyFn), for the same answer to "which scheme". */
function trustFunction(trustProxy: FastifyServerOptions['trustProxy']): TrustFunction {
  if (trustProxy === undefined || trustProxy === false) return undefined;
  if (typeof trustProxy === 'function') return trustProxy;
  if (trustProxy === true) return () => true;
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  if (typeof trustProxy === 'string') return proxyAddr.compile(trustProxy.split(',').map((s) => s.trim()));
  return proxyAddr.compile(trustProxy);
}

/** The nearest proxy's entry of an `x-forwarded-proto` list (`https, http` → `http`). */
export function lastForwardedProto(forwarded: string): string {
  return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim();
}

/** As Fastify's request.protocol: a trusted peer's last x-forwarded-proto, else the socket's own scheme. */
function requestProtocol(req: http.IncomingMessage, trusted: TrustFunction): string {
  const forwarded = req.headers['x-forwarded-proto'];
  const address = req.socket.remoteAddress;
  if (trusted && typeof forwarded === 'string' && forwarded && address !== undefined && trusted(address, 0)) return lastForwardedProto(forwarded);
  return (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
}
