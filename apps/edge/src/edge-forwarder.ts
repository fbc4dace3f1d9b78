import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv6 } from 'node:net';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import {
  AwsError,
  detectProtocol,
  encodeError,
  newRequestId,
  parseAuthorization,
  type HttpResponseLike,
  type ServiceModel,
  type WireProtocol,
} from '@wharf/aws-protocol';
import { inProcessService, lastForwardedProto, missingHostError, type InProcessService } from '@wharf/service-kit';
import type { Logger } from 'pino';
import { EDGE_CONFIG, type EdgeConfig } from './edge.config';
import { edgeRequests, upstreamWait } from './edge.metrics';
import { UpstreamProxy, UpstreamUnavailable, type ClientRequestInfo } from './proxy';
import { BodyLimiter, BodyTooLarge } from './request-body';
import { NATIVE_PROTOCOL, isReplaySafe, parseForm, routeRequest, type ServiceCatalog, type ServiceName } from './routing';

export const EDGE_LOGGER = Symbol('EDGE_LOGGER');
export const SERVICE_CATALOG = Symbol('SERVICE_CATALOG');
export const SERVICE_MODELS = Symbol('SERVICE_MODELS');

const EMPTY = Buffer.alloc(0);
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);
/** Bodies of reads up to this size are read whole before forwarding, so that a failed replica's can be resent. */
const REPLAYABLE_BODY_BYTES = 64 * 1024;

/** The client went away; nothing to answer. */
class ClientGone extends Error {}

/** h2c and h2 requests come as Node's HTTP/2 compatibility objects, which answer to the same calls used here. */
export type ClientRequest = IncomingMessage;
export type ClientResponse = ServerResponse;

/**
 * Every request for a service: pick the service (routing.ts), then stream the request to it and its response
 * back. Whatever goes wrong is answered as an AWS error in the caller's protocol.
 *
 * It works on Node's own request and response, not Fastify's: main.ts hands it every request whose path is
 * none of the edge's own (`isEdgeOwnPath`) before Fastify and Nest see it, which took a sixth of the edge's
 * CPU a request; EdgeController hands it what still reaches Fastify's catch-all route.
 */
@Injectable()
export class EdgeForwarder {
  constructor(
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
    @Inject(SERVICE_CATALOG) private readonly catalog: ServiceCatalog,
    @Inject(SERVICE_MODELS) private readonly models: ReadonlyMap<ServiceName, ServiceModel>,
    @Inject(EDGE_LOGGER) private readonly logger: Logger,
    private readonly proxy: UpstreamProxy,
  ) {}

  async handle(raw: ClientRequest, res: ClientResponse): Promise<void> {
    const info: ClientRequestInfo = {
      method: raw.method ?? 'GET',
      url: raw.url ?? '/',
      headers: raw.headers,
      httpVersionMajor: raw.httpVersionMajor,
      remoteAddress: raw.socket?.remoteAddress,
      localPort: raw.socket?.localPort,
      encrypted: (raw.socket as { encrypted?: boolean } | undefined)?.encrypted === true,
    };
    const headers = info.headers;
    const contentType = String(headers['content-type'] ?? '').toLowerCase();
    const declaredLength = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);

    if (declaredLength !== undefined && declaredLength > this.config.bodyLimitBytes) {
      return this.fail(res, info, undefined, undefined, new BodyTooLarge(this.config.bodyLimitBytes), 'too-large');
    }
    const noHost = missingHostError(raw); // Fastify's hook answers it on every service; this path skips Fastify
    if (noHost) {
      res.setHeader('connection', 'close');
      return this.fail(res, info, undefined, undefined, noHost, 'rejected');
    }

    // Query bodies are read whole (they are small and carry the Action that routing needs); others stream.
    const hasForm = contentType.startsWith('application/x-www-form-urlencoded');
    let buffered: Buffer | undefined;
    if (hasForm) {
      try {
        buffered = await readBody(raw, this.config.bodyLimitBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) return this.fail(res, info, undefined, 'awsQuery', err, 'too-large');
        return void raw.destroy();
      }
    }
    const decision = routeRequest(
      { method: info.method, path: info.url, headers, hasForm, form: buffered ? parseForm(buffered.toString('utf8')) : undefined },
      this.catalog,
    );
    if (decision.kind === 'error') return this.fail(res, info, undefined, decision.protocol, decision.error, 'rejected');

    const { service } = decision;
    const protocol = decision.protocol ?? NATIVE_PROTOCOL[service];
    const host = first(headers.host) ?? first(headers[':authority']);
    if (host !== undefined && !isHostHeader(host)) {
      // A client's mistake (undici would trip an assertion on it and the caller got a retryable 503).
      const error = new AwsError('InvalidHostHeader', `The Host header "${host}" is not a valid host[:port].`, { status: 400 });
      return this.fail(res, info, service, protocol, error, 'rejected');
    }
    const local = inProcessService(service);
    if (local && declaredLength !== undefined && headers['transfer-encoding'] === undefined && local.takes(raw, declaredLength)) {
      return this.answerInProcess(local, raw, res, info, service, protocol, host, buffered);
    }
    let body: Buffer | Readable | undefined = buffered;
    const replayable = isReplaySafe(info.method, decision.operation);
    if (!hasForm && hasBody(info, declaredLength)) {
      if (replayable && declaredLength !== undefined && declaredLength <= REPLAYABLE_BODY_BYTES) {
        // A small read (GetRecords, Describe…): kept whole, so it can go to another replica if one fails.
        try {
          body = await readBody(raw, this.config.bodyLimitBytes);
        } catch {
          return void raw.destroy();
        }
      } else {
        // Piped (not handed over): if the upstream fails, the client's request stays usable for our answer.
        body = raw.pipe(new BodyLimiter(this.config.bodyLimitBytes));
      }
    }

    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort(new ClientGone());
    });
    const started = process.hrtime.bigint();
    try {
      const upstream = await this.proxy.forward(service, info, body, abort.signal, { replayable });
      upstreamWait.observe({ service }, Number(process.hrtime.bigint() - started) / 1e9);
      edgeRequests.inc({ service, outcome: 'proxied', status: String(upstream.status) });
      this.logger.debug({ target: service, method: info.method, url: info.url, status: upstream.status, h: info.httpVersionMajor }, 'proxied');
      res.writeHead(upstream.status, upstream.headers);
      if (info.method === 'HEAD' || upstream.status === 204 || upstream.status === 304) {
        upstream.body.resume();
        return void res.end();
      }
      // Each upstream chunk goes out as it comes (an event stream stays live); a client that leaves destroys
      // the body, which ends the upstream request. Not stream.pipeline: its finish makes a DOMException (a stack
      // trace) every request.
      const answer = upstream.body;
      answer.once('error', (err) => res.destroy(err));
      res.once('close', () => {
        if (!answer.readableEnded) answer.destroy();
      });
      answer.pipe(res);
    } catch (err) {
      if (err instanceof ClientGone || abort.signal.aborted) return;
      if (err instanceof BodyTooLarge) return this.fail(res, info, service, protocol, err, 'too-large');
      if (err instanceof UpstreamUnavailable) {
        this.logger.warn({ target: service, upstream: this.proxy.upstreamUrl(service), reason: err.reason }, 'service unavailable');
        return this.fail(res, info, service, protocol, err, 'unavailable');
      }
      this.logger.error({ err, target: service }, 'proxy failure');
      return this.fail(res, info, service, protocol, err, 'failed');
    }
  }

  /**
   * Wharf runs as one process and the service is in it: its API call is answered there, with the scheme and
   * host the proxy would have forwarded (x-forwarded-proto as the client sent it, else the socket's; Host).
   */
  private async answerInProcess(
    local: InProcessService,
    raw: ClientRequest,
    res: ClientResponse,
    info: ClientRequestInfo,
    service: ServiceName,
    protocol: WireProtocol,
    host: string | undefined,
    buffered: Buffer | undefined,
  ): Promise<void> {
    let body = buffered;
    if (!body) {
      try {
        body = await readBody(raw, this.config.bodyLimitBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) return this.fail(res, info, service, protocol, err, 'too-large');
        return void raw.destroy();
      }
    }
    const forwardedProto = first(info.headers['x-forwarded-proto']);
    const scheme = forwardedProto ? lastForwardedProto(forwardedProto) : info.encrypted ? 'https' : 'http';
    res.once('finish', () => edgeRequests.inc({ service, outcome: 'in-process', status: String(res.statusCode) }));
    local.answer(raw, body, `${scheme}://${host ?? ''}`, res);
  }

  /** Answers an AWS error in the caller's protocol (the service's model when known, for its error conventions). */
  private fail(
    res: ClientResponse,
    info: ClientRequestInfo,
    service: ServiceName | undefined,
    protocol: WireProtocol | undefined,
    error: unknown,
    outcome: string,
  ): void {
    if (res.headersSent || res.destroyed) return;
    const awsError = toAwsError(error, service);
    const scope = parseAuthorization(first(info.headers.authorization));
    const wire = protocol ?? detectProtocol({ method: info.method, path: info.url, headers: info.headers, body: EMPTY }) ?? 'awsJson1_1';
    const response: HttpResponseLike = encodeError(service ? this.models.get(service) : undefined, awsError, {
      requestId: newRequestId(),
      region: scope?.region ?? this.config.region,
      accountId: this.config.accountId,
      protocol: wire,
    });
    edgeRequests.inc({ service: service ?? 'none', outcome, status: String(response.status) });
    const req = res.req;
    if (response.status === 413) {
      // Not worth reading an oversized body to keep the connection: HTTP/1.1 closes it after the answer.
      if (req.httpVersionMajor !== 2) res.setHeader('connection', 'close');
    } else {
      // The request body may still be arriving: read it off so a keep-alive connection stays usable.
      req.unpipe();
      req.resume();
    }
    const body = Buffer.from(response.body);
    res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
    res.end(body);
  }
}

function toAwsError(error: unknown, service: ServiceName | undefined): AwsError {
  if (error instanceof AwsError) return error;
  if (error instanceof BodyTooLarge) return new AwsError('RequestEntityTooLarge', error.message, { status: 413 });
  if (error instanceof UpstreamUnavailable) {
    return new AwsError('ServiceUnavailable', `Service ${error.service} is unavailable (${error.reason}). Please try again.`, {
      status: 503,
      sender: false,
    });
  }
  return new AwsError('ServiceUnavailable', `Service ${service ?? 'unknown'} failed to answer. Please try again.`, { status: 503, sender: false });
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** RFC 3986 authority without userinfo: a reg-name or IPv4, or an IPv6 literal in brackets; an optional port. */
export function isHostHeader(host: string): boolean {
  const m = /^(?:\[([^\]]*)\]|([A-Za-z0-9\-._~!$&'()*+,;=%]*))(?::(\d{0,5}))?$/.exec(host);
  if (!m) return false;
  if (m[1] !== undefined && !isIPv6(m[1])) return false;
  return m[3] === undefined || m[3] === '' || Number(m[3]) <= 65535;
}

/** Whether the client sends a body to forward (HTTP/2 may announce none and still send one). */
function hasBody(info: ClientRequestInfo, declaredLength: number | undefined): boolean {
  if (declaredLength !== undefined) return declaredLength > 0;
  if (info.headers['transfer-encoding'] !== undefined) return true;
  return info.httpVersionMajor === 2 && !BODYLESS_METHODS.has(info.method);
}

/** Reads a whole body, failing with BodyTooLarge past `limit`. */
function readBody(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('client aborted'));
    const cleanup = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('aborted', onAborted);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('aborted', onAborted);
  });
}

/**
 * The edge's own routes (health, metrics, console, replicas report), served by Nest; every other path goes to
 * the forwarder without Fastify (Fastify's catch-all still forwards whatever else reaches it).
 */
export function isEdgeOwnPath(url: string | undefined): boolean {
  return url !== undefined && /^\/(health|metrics|_wharf\/(console|edge))(?=[/?]|$)/.test(url);
}
