import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import { ReplicaBalancer, type Replica, type ReplicaState } from './balancer';
import type { EdgeConfig } from './edge.config';
import { replicaRequests, upstreamRetries } from './edge.metrics';
import { AttemptBody, BodyTooLarge } from './request-body';
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
  const named = connectionTokens(req.headers.connection);
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value === undefined || name.charCodeAt(0) === 58 /* ':' */ || HOP_BY_HOP.has(name) || named?.has(name)) continue;
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
  const named = connectionTokens(headers.connection);
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named?.has(name)) out[name] = value;
  }
  return out;
}

/** `Connection: foo` makes `foo` hop-by-hop too; undefined when it names nothing beyond keep-alive/close. */
function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const tokens = String(value)
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t && t !== 'keep-alive' && t !== 'close');
  return tokens.length ? new Set(tokens) : undefined;
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
/** Failures while connecting: the request was never written, any replica may take it. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** The connection broke after it was made: the replica may have read (and acted on) the request. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export interface ForwardOptions {
  /**
   * The request may be sent again even after a replica got it (reads: Describe*, List*, Get*, GET): a
   * connection lost before the response then goes to another replica. Others are retried only while not a
   * byte of their body was sent.
   */
  replayable?: boolean;
}

interface ServiceUpstream {
  balancer: ReplicaBalancer;
  pools: Map<Replica, Pool>;
}

/**
 * One keep-alive pool per replica of each service; requests and responses stream through without buffering.
 * The balancer picks the replica; a replica that refuses (or resets before a byte of the body left) is marked
 * down and the request goes to the next one.
 */
export class UpstreamProxy {
  private readonly services = new Map<ServiceName, ServiceUpstream>();

  constructor(
    private readonly config: EdgeConfig,
    private readonly onReplicaChange?: (service: ServiceName, replica: Replica, from: ReplicaState, by: 'request' | 'check') => void,
  ) {
    for (const [service, urls] of Object.entries(config.upstreams) as [ServiceName, string[]][]) {
      const balancer = new ReplicaBalancer(service, urls, { onChange: (r, from, by) => this.onReplicaChange?.(service, r, from, by) });
      const pools = new Map(balancer.replicas.map((r) => [r, this.newPool(r.url)]));
      this.services.set(service, { balancer, pools });
    }
  }

  private newPool(url: string): Pool {
    return new Pool(new URL(url).origin, {
      connect: { timeout: this.config.connectTimeoutMs },
      headersTimeout: this.config.responseTimeoutMs,
      bodyTimeout: 0, // event streams and long polls: no limit once the headers came
      keepAliveTimeout: this.config.upstreamKeepAliveMs,
      pipelining: 1,
    });
  }

  /**
   * Sends the request to a replica of the service and resolves with its response head and a body stream.
   * Rejects with UpstreamUnavailable (every replica refused, or one failed after it got the request, or timed
   * out), BodyTooLarge, or the abort reason.
   */
  async forward(
    service: ServiceName,
    req: ClientRequestInfo,
    body: Buffer | Readable | undefined,
    signal: AbortSignal,
    options: ForwardOptions = {},
  ): Promise<UpstreamResponse> {
    const { balancer, pools } = this.upstream(service);
    const headers = upstreamHeaders(req);
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    // The client's stream may fail (over the limit) while no attempt reads it: keep that for the next attempt.
    if (body && !Buffer.isBuffer(body)) body.once('error', () => undefined);
    const tried = new Set<Replica>();
    let failure: UpstreamUnavailable | undefined;
    for (let replica = balancer.pick(tried); replica; replica = balancer.pick(tried)) {
      tried.add(replica);
      const attemptBody = body && !Buffer.isBuffer(body) ? new AttemptBody(body) : body;
      balancer.begin(replica);
      replicaRequests.inc({ service, replica: replica.url });
      try {
        const res = await (pools.get(replica) as Pool).request({ method: req.method as 'GET', path: req.url, headers, body: attemptBody ?? null, signal });
        const done = replica;
        res.body.once('close', () => balancer.finished(done));
        return { status: res.statusCode, headers: clientHeaders(res.headers), body: res.body };
      } catch (err) {
        balancer.finished(replica);
        const classified = classify(service, err, signal);
        if (!(classified instanceof UpstreamUnavailable)) throw classified;
        failure = classified;
        const code = errorCode(err);
        const refused = code !== undefined && CONNECT_FAILURES.has(code);
        const lost = code !== undefined && CONNECTION_LOST.has(code);
        if (!refused && !lost) throw failure; // a timeout: the replica has the request and is slow
        balancer.requestFailed(replica, failure.reason);
        const bodyUnsent = attemptBody instanceof AttemptBody ? !attemptBody.touched : false;
        const bodySpent = attemptBody instanceof AttemptBody && attemptBody.touched;
        if (bodySpent || !(refused || bodyUnsent || options.replayable)) throw failure;
        upstreamRetries.inc({ service, reason: refused ? 'refused' : bodyUnsent ? 'lost-before-body' : 'lost-read' });
      }
    }
    throw failure ?? new UpstreamUnavailable(service, 'no replica configured');
  }

  /** GET /health of one replica (through its pool) within `timeoutMs`. */
  async health(service: ServiceName, replica: Replica, timeoutMs: number): Promise<{ status: number; body: unknown }> {
    const pool = this.upstream(service).pools.get(replica);
    if (!pool) throw new UpstreamUnavailable(service, `no replica ${replica.url}`);
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

  /**
   * One active check of every replica of the service, told to its balancer: up on 200; down at once when
   * refused, after repeated failures otherwise (non-200, timeout).
   */
  async checkReplicas(service: ServiceName, timeoutMs: number): Promise<void> {
    const { balancer } = this.upstream(service);
    await Promise.all(
      balancer.replicas.map(async (replica) => {
        try {
          const { status } = await this.health(service, replica, timeoutMs);
          balancer.checked(replica, status === 200, status === 200 ? undefined : `/health answered ${status}`);
        } catch (err) {
          const reason = err instanceof UpstreamUnavailable ? err.reason : String(err);
          balancer.checked(replica, false, `/health: ${reason}`, reason === UNAVAILABLE_CODES.ECONNREFUSED);
        }
      }),
    );
  }

  balancer(service: ServiceName): ReplicaBalancer {
    return this.upstream(service).balancer;
  }

  serviceNames(): ServiceName[] {
    return [...this.services.keys()];
  }

  private upstream(service: ServiceName): ServiceUpstream {
    const upstream = this.services.get(service);
    if (!upstream) throw new UpstreamUnavailable(service, 'no upstream configured');
    return upstream;
  }

  upstreamUrl(service: ServiceName): string {
    return this.config.upstreams[service].join(',');
  }

  /** Waits up to `graceMs` for requests in flight, then cuts the rest. */
  async close(graceMs = 5_000): Promise<void> {
    await Promise.all(
      [...this.services.values()].flatMap(({ pools }) => [...pools.values()]).map(async (pool) => {
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

function errorCode(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown }).cause;
  return (err as NodeJS.ErrnoException).code ?? (cause as NodeJS.ErrnoException | undefined)?.code;
}

function classify(service: ServiceName, err: unknown, signal: AbortSignal): unknown {
  if (err instanceof BodyTooLarge) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof BodyTooLarge) return cause;
  if (signal.aborted && signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError') {
    return new UpstreamUnavailable(service, 'no answer within the health timeout');
  }
  if (signal.aborted) return signal.reason ?? err;
  const code = errorCode(err);
  const known = code === undefined ? undefined : UNAVAILABLE_CODES[code];
  if (known) return new UpstreamUnavailable(service, known);
  return new UpstreamUnavailable(service, err instanceof Error ? err.message : String(err));
}
