import { isIPv6 } from 'node:net';
import type { Readable } from 'node:stream';
import { All, Controller, Inject, Req, Res } from '@nestjs/common';
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
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * Every path but /health and /metrics: pick the service (routing.ts), then stream the request to it and its
 * response back. Whatever goes wrong is answered as an AWS error in the caller's protocol.
 */
@Controller()
export class EdgeController {
  constructor(
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
    @Inject(SERVICE_CATALOG) private readonly catalog: ServiceCatalog,
    @Inject(SERVICE_MODELS) private readonly models: ReadonlyMap<ServiceName, ServiceModel>,
    @Inject(EDGE_LOGGER) private readonly logger: Logger,
    private readonly proxy: UpstreamProxy,
  ) {}

  @All('*')
  async handle(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const raw = request.raw;
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
      return this.fail(reply, info, undefined, undefined, new BodyTooLarge(this.config.bodyLimitBytes), 'too-large');
    }

    // Query bodies are read whole (they are small and carry the Action that routing needs); others stream.
    const hasForm = contentType.startsWith('application/x-www-form-urlencoded');
    let buffered: Buffer | undefined;
    if (hasForm) {
      try {
        buffered = await readBody(raw, this.config.bodyLimitBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) return this.fail(reply, info, undefined, 'awsQuery', err, 'too-large');
        return void raw.destroy();
      }
    }
    const decision = routeRequest(
      { method: info.method, path: info.url, headers, hasForm, form: buffered ? parseForm(buffered.toString('utf8')) : undefined },
      this.catalog,
    );
    if (decision.kind === 'error') return this.fail(reply, info, undefined, decision.protocol, decision.error, 'rejected');

    const { service } = decision;
    const protocol = decision.protocol ?? NATIVE_PROTOCOL[service];
    const host = first(headers.host) ?? first(headers[':authority']);
    if (host !== undefined && !isHostHeader(host)) {
      // A client's mistake (undici would trip an assertion on it and the caller got a retryable 503).
      const error = new AwsError('InvalidHostHeader', `The Host header "${host}" is not a valid host[:port].`, { status: 400 });
      return this.fail(reply, info, service, protocol, error, 'rejected');
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
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort(new ClientGone());
    });
    const started = process.hrtime.bigint();
    try {
      const upstream = await this.proxy.forward(service, info, body, abort.signal, { replayable });
      upstreamWait.observe({ service }, Number(process.hrtime.bigint() - started) / 1e9);
      edgeRequests.inc({ service, outcome: 'proxied', status: String(upstream.status) });
      this.logger.debug({ target: service, method: info.method, url: info.url, status: upstream.status, h: info.httpVersionMajor }, 'proxied');
      reply.status(upstream.status).headers(upstream.headers);
      if (info.method === 'HEAD' || upstream.status === 204 || upstream.status === 304) {
        upstream.body.resume();
        return void reply.send();
      }
      // Fastify pipes the stream: each upstream chunk goes out as it comes (an event stream stays live),
      // and a client that leaves destroys it, which aborts the upstream request.
      return void reply.send(upstream.body);
    } catch (err) {
      if (err instanceof ClientGone || abort.signal.aborted) return;
      if (err instanceof BodyTooLarge) return this.fail(reply, info, service, protocol, err, 'too-large');
      if (err instanceof UpstreamUnavailable) {
        this.logger.warn({ target: service, upstream: this.proxy.upstreamUrl(service), reason: err.reason }, 'service unavailable');
        return this.fail(reply, info, service, protocol, err, 'unavailable');
      }
      this.logger.error({ err, target: service }, 'proxy failure');
      return this.fail(reply, info, service, protocol, err, 'failed');
    }
  }

  /** Answers an AWS error in the caller's protocol (the service's model when known, for its error conventions). */
  private fail(
    reply: FastifyReply,
    info: ClientRequestInfo,
    service: ServiceName | undefined,
    protocol: WireProtocol | undefined,
    error: unknown,
    outcome: string,
  ): void {
    if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return;
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
    const req = reply.request.raw;
    if (response.status === 413) {
      // Not worth reading an oversized body to keep the connection: HTTP/1.1 closes it after the answer.
      if (req.httpVersionMajor !== 2) reply.header('connection', 'close');
    } else {
      // The request body may still be arriving: read it off so a keep-alive connection stays usable.
      req.unpipe();
      req.resume();
    }
    void reply.status(response.status).headers(response.headers).send(response.body);
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
