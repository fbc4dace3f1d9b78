import http from 'node:http';
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { FastifyServerFactory } from 'fastify';

/**
 * HTTP/1.1 and cleartext HTTP/2 with prior knowledge on one port.
 *
 * The Kinesis SDK for Node sends every call as h2c with prior knowledge; the AWS CLI and most other clients
 * send HTTP/1.1. `http2.createServer` alone refuses HTTP/1.1 on cleartext (`allowHTTP1` needs TLS/ALPN), so
 * the listener is a plain `http.Server` whose `connection` handling peeks at the first bytes:
 *
 * - the HTTP/2 client preface (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`) → the bytes are put back with
 *   `socket.unshift` and the raw socket is given to an `http2` server. Node ≥ 14.18 feeds bytes already
 *   buffered on the socket into the new session (`Http2Session` reads `socket.readableLength` on the next
 *   tick), then the session reads the native handle directly: no JS relay, no extra copy.
 * - anything else → the bytes are put back and the socket goes to Node's own HTTP/1.1 connection handler,
 *   which then also consumes the native handle directly.
 *
 * The peek reads in paused mode (`'readable'` + `read()`), never flowing mode: a chunk unshifted onto a
 * flowing socket with no `'data'` listener is emitted to nobody and lost — the likely cause of the
 * "unshift never reaches an HTTP/2 session" seen earlier. h2 sockets are switched to `allowHalfOpen =
 * false` (the HTTP/1.1 server accepts them half-open; an HTTP/2 session would never notice the client's FIN).
 *
 * Cost (`node bench/edge/dual-listener.mjs`, server CPU per request vs a plain server, 2 shared cores):
 * keep-alive HTTP/1.1 and h2c streams ≈ none (ratios 1.00–1.06 / 1.04–1.11, within run-to-run noise);
 * a new HTTP/1.1 connection per request +7–19 % (a few µs per connection for the peek). Per connection,
 * never per request: after the hand-over both protocols read the native handle directly.
 *
 * With `tls` set the same port also serves HTTPS: a first byte of 0x16 (a TLS handshake record; no HTTP method
 * or preface starts with it) hands the socket to a `tls.Server` offering ALPN h2 and http/1.1, and the
 * decrypted socket then goes to the same HTTP/2 server or HTTP/1.1 handler as a cleartext one (by ALPN, or
 * without ALPN by the same first-bytes peek) — one set of timeouts, connection tracking and close() for
 * both. The cleartext path only gains one byte comparison.
 *
 * Both request kinds reach the same handler: `IncomingMessage`/`ServerResponse` for HTTP/1.1 and the
 * `Http2ServerRequest`/`Http2ServerResponse` compatibility objects for h2 (Fastify tells them apart by
 * `httpVersionMajor` and never sets `Connection` on an h2 response).
 */

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** The content type of a TLS handshake record: the first byte of every ClientHello. */
const TLS_HANDSHAKE = 0x16;

type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface DualListenerOptions {
  /** Options for the HTTP/1.1 server (e.g. `keepAliveTimeout`, `requestTimeout`). */
  http1?: http.ServerOptions;
  /** Settings for the HTTP/2 server (e.g. `settings.initialWindowSize`, `maxSessionMemory`). */
  http2?: http2.ServerOptions;
  /** A connection that sends nothing at all within this time is closed. Default 30 s. */
  firstByteTimeoutMs?: number;
  /** An HTTP/2 session without any frame for this long is closed gracefully. Default 72 s (Fastify's). */
  http2SessionTimeoutMs?: number;
  /**
   * An h2c stream whose request (headers and body) is not all in within this long gets 408 and is reset,
   * like HTTP/1.1's `requestTimeout`; the response is not bounded. Default none.
   */
  http2RequestTimeoutMs?: number;
  /**
   * On `close()`: idle connections close at once, busy ones (a long-lived event stream) get this long to
   * finish before they are destroyed. Default 10 s.
   */
  closeGraceMs?: number;
  /** Key and certificate (PEM): HTTPS with ALPN h2 and http/1.1 on the same port, beside cleartext. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer };
}

/** An `http.Server` that also serves h2c with prior knowledge; closing it closes both kinds of connection. */
export interface DualProtocolServer extends http.Server {
  /** The HTTP/2 server the h2c connections are handed to (for `session`/`stream` events). */
  readonly http2Server: http2.Http2Server;
  /** Sends GOAWAY on every HTTP/2 session: open streams finish, new ones are refused. */
  closeHttp2Sessions(): void;
  /** Live HTTP/2 sessions (for tests and metrics). */
  readonly http2Sessions: ReadonlySet<http2.ServerHttp2Session>;
  /**
   * Sets the h2c request and session idle timeouts (for sessions and streams from now on); `answer` builds
   * the 408 (an AWS error in the request's protocol) from the stream's headers, else it has no body.
   */
  setHttp2Timeouts(timeouts: { requestMs: number; sessionIdleMs: number; answer?: Http2TimeoutAnswer }): void;
}

/** The response to an h2c stream whose request did not arrive whole in time. */
export type Http2TimeoutAnswer = (headers: http2.IncomingHttpHeaders) => { status: number; headers: Record<string, string>; body: string | Uint8Array };

export function createHttp1AndH2cServer(handler: RequestHandler, options: DualListenerOptions = {}): DualProtocolServer {
  const firstByteTimeoutMs = options.firstByteTimeoutMs ?? 30_000;
  let sessionTimeoutMs = options.http2SessionTimeoutMs ?? 72_000;
  let requestTimeoutMs = options.http2RequestTimeoutMs ?? 0;
  let timeoutAnswer: Http2TimeoutAnswer | undefined;
  const closeGraceMs = options.closeGraceMs ?? 10_000;

  const server = http.createServer(options.http1 ?? {}, handler) as DualProtocolServer;
  const h2 = http2.createServer(options.http2 ?? {}, handler as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
  const sessions = new Set<http2.ServerHttp2Session>();

  h2.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.on('error', () => session.destroy());
    if (sessionTimeoutMs > 0) session.setTimeout(sessionTimeoutMs, () => session.close());
  });
  h2.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    if (requestTimeoutMs <= 0 || stream.endAfterHeaders) return;
    const timer = setTimeout(() => {
      // An answer already under way (the handler did not need the rest of the body) is not cut short.
      if (stream.headersSent) return;
      const cancel = () => stream.close(http2.constants.NGHTTP2_CANCEL);
      const answer = timeoutAnswer?.(headers);
      if (!answer) {
        stream.respond({ ':status': 408 }, { endStream: true });
        return cancel();
      }
      const { connection: _connection, ...answerHeaders } = answer.headers;
      stream.respond({ ...answerHeaders, ':status': answer.status });
      stream.end(answer.body, cancel);
    }, requestTimeoutMs);
    timer.unref();
    // The request is in once its body ends; a handler that answers without reading it closes the stream.
    const clear = () => clearTimeout(timer);
    stream.once('end', clear);
    stream.once('close', clear);
  });
  // Without a listener a broken client's stream error would be thrown; the compat layer answers for us.
  h2.on('sessionError', () => undefined);

  const toHttp2 = (socket: Socket) => {
    // The HTTP/1.1 server accepts sockets half-open (its parser handles the client's FIN); an HTTP/2
    // session does not: without this a client that just drops the connection leaves it open forever.
    socket.allowHalfOpen = false;
    h2.emit('connection', socket);
  };

  // Node's own HTTP/1.1 connection handler, taken off the server so every socket passes the peek first.
  const http1ConnectionListeners = server.listeners('connection') as ((socket: Socket) => void)[];
  for (const listener of http1ConnectionListeners) server.removeListener('connection', listener);
  const toHttp1 = (socket: Socket) => {
    for (const listener of http1ConnectionListeners) listener.call(server, socket);
  };
  const https = options.tls ? httpsOnTheSamePort(options.tls, firstByteTimeoutMs, toHttp2, toHttp1) : undefined;
  const toTls = https?.toTls;

  server.on('connection', (socket: Socket) => routeByFirstBytes(socket, firstByteTimeoutMs, { toHttp2, toHttp1, toTls }));

  const closeHttp2Sessions = () => {
    for (const session of sessions) if (!session.closed) session.close();
  };

  // Idle HTTP/1.1 keep-alive sockets close with Node's own closeIdleConnections; an h2 session is idle when
  // it has no open stream, and close() on such a session ends it at once.
  const closeIdleHttp1 = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdleHttp1();
    closeHttp2Sessions();
  };
  const closeAllHttp1 = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeAllHttp1();
    for (const session of sessions) session.destroy();
    for (const raw of https?.handedOver ?? []) raw.destroy();
    https?.handedOver.clear();
  };

  const closeListener = server.close.bind(server);
  server.close = ((callback?: (err?: Error) => void) => {
    closeListener(callback);
    closeHttp2Sessions();
    // A keep-alive HTTP/1.1 connection that was busy when close() came turns idle once its response is
    // done; Node never looks again, so the client would hold it open. Look again until all are gone.
    const sweep = setInterval(() => closeIdleHttp1(), 100);
    sweep.unref();
    // 'close' fires once the last connection is gone; whatever is still busy after the grace is cut.
    const force = setTimeout(() => server.closeAllConnections(), closeGraceMs);
    force.unref();
    server.once('close', () => {
      clearInterval(sweep);
      clearTimeout(force);
    });
    return server;
  }) as typeof server.close;

  Object.defineProperties(server, {
    http2Server: { value: h2 },
    http2Sessions: { value: sessions },
    closeHttp2Sessions: { value: closeHttp2Sessions },
    setHttp2Timeouts: {
      value: (t: { requestMs: number; sessionIdleMs: number; answer?: Http2TimeoutAnswer }) => {
        requestTimeoutMs = t.requestMs;
        sessionTimeoutMs = t.sessionIdleMs;
        timeoutAnswer = t.answer;
      },
    },
  });
  return server;
}

/**
 * Reads a connection's first bytes in paused mode, puts them back and hands the socket on: a TLS handshake
 * record → `toTls` (when given), the HTTP/2 client preface → `toHttp2`, anything else → `toHttp1`. A socket
 * that sends nothing within `timeoutMs`, or hangs up first, is destroyed.
 */
function routeByFirstBytes(
  socket: Socket,
  timeoutMs: number,
  routes: { toHttp2: (socket: Socket) => void; toHttp1: (socket: Socket) => void; toTls?: (socket: Socket) => void },
): void {
  let seen: Buffer = Buffer.alloc(0);
  const abandon = () => {
    cleanup();
    socket.destroy();
  };
  const cleanup = () => {
    socket.setTimeout(0);
    socket.removeListener('timeout', abandon);
    socket.removeListener('readable', onReadable);
    socket.removeListener('error', abandon);
    socket.removeListener('end', abandon);
  };
  function onReadable() {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    if (n === 0) return;
    if (routes.toTls && seen[0] === TLS_HANDSHAKE) {
      cleanup();
      socket.unshift(seen);
      routes.toTls(socket);
      return;
    }
    const prefaceSoFar = seen.compare(PREFACE, 0, n, 0, n) === 0;
    if (prefaceSoFar && n < PREFACE.length) return; // "PRI * HT" — wait for the rest before deciding
    cleanup();
    socket.unshift(seen);
    if (prefaceSoFar) routes.toHttp2(socket);
    else routes.toHttp1(socket);
  }
  socket.setTimeout(timeoutMs, abandon);
  socket.on('error', abandon);
  socket.on('end', abandon);
  socket.on('readable', onReadable);
}

/**
 * A TLS server that never listens: raw sockets are handed to it, and each decrypted one goes to the HTTP/2
 * server when ALPN chose h2, to the HTTP/1.1 handler when it chose http/1.1. A client that offered no ALPN
 * (the Java SDK's default ASSUME_PROTOCOL sends the h2 preface right after the handshake) is routed by its
 * first decrypted bytes, like a cleartext connection.
 *
 * The TLSSocket takes over the raw socket's handle, so the raw socket never closes by itself and the
 * listener would count it open forever (close() never finishing): it is destroyed with its TLS socket
 * (`_parent` is Node's link from a TLSSocket to the socket it wraps), and `handedOver` keeps the rest —
 * a client that hangs up mid-handshake gives no event to hook — for close() to destroy.
 */
function httpsOnTheSamePort(
  credentials: NonNullable<DualListenerOptions['tls']>,
  handshakeTimeoutMs: number,
  toHttp2: (socket: Socket) => void,
  toHttp1: (socket: Socket) => void,
): { toTls: (raw: Socket) => void; handedOver: Set<Socket> } {
  const handedOver = new Set<Socket>();
  const server = tls.createServer({ ...credentials, ALPNProtocols: ['h2', 'http/1.1'], handshakeTimeout: handshakeTimeoutMs });
  const closeRawWith = (socket: tls.TLSSocket) => {
    const raw = (socket as tls.TLSSocket & { _parent?: Socket })._parent;
    if (raw) socket.once('close', () => {
      handedOver.delete(raw);
      raw.destroy();
    });
  };
  // Node's http2 server sends a TLS socket whose alpnProtocol is false to its HTTP/1.1 fallback (or a 403);
  // the preface has proved it is h2, so say so.
  const h2WithoutAlpn = (socket: Socket) => {
    (socket as tls.TLSSocket).alpnProtocol = 'h2';
    toHttp2(socket);
  };
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    closeRawWith(socket);
    if (socket.alpnProtocol === 'h2') toHttp2(socket);
    else if (socket.alpnProtocol === 'http/1.1') toHttp1(socket);
    else routeByFirstBytes(socket, handshakeTimeoutMs, { toHttp2: h2WithoutAlpn, toHttp1 });
  });
  // A failed handshake (an untrusting client, a port scan) is the client's business: just close.
  server.on('tlsClientError', (_err: Error, socket: tls.TLSSocket) => {
    closeRawWith(socket);
    socket.destroy();
  });
  return {
    handedOver,
    toTls: (raw) => {
      handedOver.add(raw);
      server.emit('connection', raw);
    },
  };
}

/**
 * For `bootstrapService({ serverFactory: http1AndH2cServerFactory() })`: Fastify serves HTTP/1.1 and h2c
 * prior knowledge on the same port through the same routes.
 */
export function http1AndH2cServerFactory(options: DualListenerOptions = {}): FastifyServerFactory {
  return (handler) => createHttp1AndH2cServer(handler as RequestHandler, options);
}
