import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { Pool } from 'undici';
import type { EdgeConfig } from './edge.config';
import type { ServiceName } from './routing';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) and HTTP/2 connection-specific ones: never forwarded either way.
 * Node's HTTP/2 layer refuses to send them, and undici refuses most of them on a request.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'http2-settings',
  'expect',
]);

/** The upstream could not be reached or did not answer in time: the caller gets a retryable 503. */
export class UpstreamUnavailable extends Error {
  constructor(
    readonly service: ServiceName,
    readonly reason: string,
  ) {
    super(`${service} is unavailable: ${reason}`);
  }
}

/** The request body grew past the limit while it was streamed. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes.`);
  }
}

/** Counts bytes through and fails once they pass the limit (bodies whose length is not announced). */
export class BodyLimiter extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) return done(new BodyTooLarge(this.limit));
    done(null, chunk);
  }
}

export interface ClientRequestInfo {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  httpVersionMajor: number;
  remoteAddress: string | undefined;
  /** The listener's own port (for x-forwarded-port). */
  localPort: number | undefined;
  /** The client came over TLS (x-forwarded-proto: https). */
  encrypted?: boolean;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Readable;
}

/** Headers for the upstream: end-to-end ones as sent (Host kept for SigV4 and queue URLs), plus x-forwarded-* and Via. */
function upstreamHeaders(req: ClientRequestInfo): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const dropped = new Set(HOP_BY_HOP);
  // Connection: foo → foo is hop-by-hop too.
  for (const token of String(req.headers.connection ?? '').split(',')) if (token.trim()) dropped.add(token.trim().toLowerCase());
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':') || dropped.has(name)) continue;
    out[name] = value;
  }
  // HTTP/2 carries the authority as :authority; the signature (SigV4 signs "host") and queue URLs need it as Host.
  const host = (req.headers.host as string | undefined) ?? (req.headers[':authority'] as string | undefined);
  if (host) out.host = host;
  const prior = req.headers['x-forwarded-for'];
  const forwardedFor = [prior, req.remoteAddress].flat().filter(Boolean).join(', ');
  if (forwardedFor) out['x-forwarded-for'] = forwardedFor;
  out['x-forwarded-proto'] = (req.headers['x-forwarded-proto'] as string | undefined) ?? (req.encrypted ? 'https' : 'http');
  if (host) out['x-forwarded-host'] = (req.headers['x-forwarded-host'] as string | undefined) ?? host;
  if (req.localPort) out['x-forwarded-port'] = (req.headers['x-forwarded-port'] as string | undefined) ?? String(req.localPort);
  // RFC 9110 §7.6.3: the protocol the client spoke to the edge ("2" for h2c, "1.1").
  out.via = [req.headers.via, `${req.httpVersionMajor === 2 ? '2' : '1.1'} wharf-edge`].flat().filter(Boolean).join(', ');
  return out;
}

/** Response headers for the client: hop-by-hop ones dropped (HTTP/2 forbids them, and they describe the upstream hop). */
function clientHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const dropped = new Set(HOP_BY_HOP);
  for (const token of String(headers.connection ?? '').split(',')) if (token.trim()) dropped.add(token.trim().toLowerCase());
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !dropped.has(name)) out[name] = value;
  return out;
}

const UNAVAILABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset before the response',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EPIPE: 'connection closed while sending',
  UND_ERR_CONNECT_TIMEOUT: 'no connection within the connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no response within the response timeout',
  UND_ERR_SOCKET: 'connection lost before the response',
  UND_ERR_CLOSED: 'connection closed',
};

/** One keep-alive pool per service; requests and responses stream through without buffering. */
export class UpstreamProxy {
  private readonly pools = new Map<ServiceName, Pool>();

  constructor(private readonly config: EdgeConfig) {
    for (const [service, url] of Object.entries(config.upstreams) as [ServiceName, string][]) {
      this.pools.set(
        service,
        new Pool(new URL(url).origin, {
          connect: { timeout: config.connectTimeoutMs },
          headersTimeout: config.responseTimeoutMs,
          bodyTimeout: 0, // event streams and long polls: no limit once the headers came
          keepAliveTimeout: config.upstreamKeepAliveMs,
          pipelining: 1,
        }),
      );
    }
  }

  /**
   * Sends the request to the service and resolves with its response head and a body stream. Rejects with
   * UpstreamUnavailable (refused, timed out, reset before the head), BodyTooLarge, or the abort reason.
   */
  async forward(
    service: ServiceName,
    req: ClientRequestInfo,
    body: Buffer | Readable | undefined,
    signal: AbortSignal,
  ): Promise<UpstreamResponse> {
    const pool = this.pool(service);
    const headers = upstreamHeaders(req);
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    try {
      const res = await pool.request({
        method: req.method as 'GET',
        path: req.url,
        headers,
        body: body ?? null,
        signal,
      });
      return { status: res.statusCode, headers: clientHeaders(res.headers), body: res.body };
    } catch (err) {
      throw classify(service, err, signal);
    }
  }

  /** GET <service>/health (through the same pool) within `timeoutMs`. */
  async health(service: ServiceName, timeoutMs: number): Promise<{ status: number; body: unknown }> {
    const pool = this.pool(service);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await pool.request({ method: 'GET', path: '/health', signal, headersTimeout: timeoutMs });
      const text = await res.body.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.statusCode, body };
    } catch (err) {
      throw classify(service, err, signal);
    }
  }

  private pool(service: ServiceName): Pool {
    const pool = this.pools.get(service);
    if (!pool) throw new UpstreamUnavailable(service, 'no upstream configured');
    return pool;
  }

  upstreamUrl(service: ServiceName): string {
    return this.config.upstreams[service];
  }

  /** Waits up to `graceMs` for requests in flight, then cuts the rest. */
  async close(graceMs = 5_000): Promise<void> {
    await Promise.all(
      [...this.pools.values()].map(async (pool) => {
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          pool.close().then(() => true, () => true),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs))),
        ]);
        clearTimeout(timer);
        if (!finished) await pool.destroy().catch(() => undefined);
      }),
    );
  }
}

function classify(service: ServiceName, err: unknown, signal: AbortSignal): unknown {
  if (err instanceof BodyTooLarge) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof BodyTooLarge) return cause;
  if (signal.aborted && signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError') {
    return new UpstreamUnavailable(service, 'no answer within the health timeout');
  }
  if (signal.aborted) return signal.reason ?? err;
  const code = (err as NodeJS.ErrnoException).code ?? (cause as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : UNAVAILABLE_CODES[code];
  if (known) return new UpstreamUnavailable(service, known);
  return new UpstreamUnavailable(service, err instanceof Error ? err.message : String(err));
}
