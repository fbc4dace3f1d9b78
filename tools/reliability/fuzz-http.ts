import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { FuzzRequest, ServiceName } from './fuzz-cases';
import type { Random } from './fuzz-random';

/** What came back: a response (status, headers, body), or how the connection ended without one. */
export interface Outcome {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  elapsedMs: number;
  /** The server closed or reset the connection/stream without a response. */
  closedWithoutResponse?: boolean;
  /** No response and no close within the wait: the request was held. */
  held?: boolean;
}

const lower = (h: http.IncomingHttpHeaders | http2.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v ?? '')]));

/** The first way an exchange ends (response, reset, wait over) resolves it, with the time it took. */
function settle(resolve: (o: Outcome) => void, onSettled: () => void): (o: Omit<Outcome, 'elapsedMs'>) => void {
  const started = Date.now();
  let done = false;
  return (o) => {
    if (done) return;
    done = true;
    onSettled();
    resolve({ ...o, elapsedMs: Date.now() - started });
  };
}

/** HTTP/1.1 with node:http on keep-alive connections; headers sent exactly as listed (repeats kept). */
export function sendH1(agent: http.Agent, url: string, req: FuzzRequest, waitMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const finish = settle(resolve, () => clearTimeout(timer));
    // a header listed twice goes as two lines (an array value); an explicit length keeps Node from chunking
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of req.headers) {
      const had = headers[k];
      headers[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
    }
    const bodyless = req.method === 'GET' || req.method === 'HEAD';
    headers['content-length'] = String(bodyless ? 0 : req.body.length);
    const r = http.request(`${url}${req.path}`, { method: req.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode ?? 0, headers: lower(res.headers), body: Buffer.concat(chunks) }));
      res.on('error', () => finish({ status: res.statusCode ?? 0, headers: lower(res.headers), body: Buffer.concat(chunks) }));
    });
    const timer = setTimeout(() => {
      finish({ status: 0, headers: {}, body: Buffer.alloc(0), held: true });
      r.destroy();
    }, waitMs);
    r.on('error', () => finish({ status: 0, headers: {}, body: Buffer.alloc(0), closedWithoutResponse: true }));
    r.end(bodyless ? undefined : req.body);
  });
}

/** One h2c (prior knowledge) stream on a shared session; a header the h2 client refuses is dropped. */
export function sendH2(session: http2.ClientHttp2Session, req: FuzzRequest, waitMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const finish = settle(resolve, () => clearTimeout(timer));
    const headers: http2.OutgoingHttpHeaders = { ':method': req.method, ':path': req.path || '/' };
    for (const [k, v] of req.headers) if (!(k in headers)) headers[k] = v; // h2 allows no repeated content-type
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream: false });
    } catch {
      delete headers['x-amz-target'];
      stream = session.request({ ':method': 'POST', ':path': '/' });
    }
    let head: http2.IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      finish({ status: 0, headers: {}, body: Buffer.alloc(0), held: true });
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }, waitMs);
    stream.on('response', (h) => (head = h));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('close', () =>
      finish(head ? { status: Number(head[':status']), headers: lower(head), body: Buffer.concat(chunks) } : { status: 0, headers: {}, body: Buffer.alloc(0), closedWithoutResponse: true }),
    );
    stream.on('error', () => undefined);
    stream.end(req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body);
  });
}

export interface RawCase {
  service: ServiceName;
  kind: string;
  /** Written at once, or in pieces with a pause between (slowloris). */
  bytes: Buffer | { pieces: Buffer[]; everyMs: number };
  /** The request never completes: the server must answer or close within this (ms), not hold it. */
  mustEndWithinMs?: number;
}

/** Raw bytes on a fresh TCP connection: the first response's status (if any) and whether the server closed it. */
export function sendRaw(url: string, c: RawCase, waitMs: number): Promise<Outcome & { response: string }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let drip: NodeJS.Timeout | undefined;
    const done = (closed: boolean) => {
      clearTimeout(timer);
      clearInterval(drip);
      socket.destroy();
      const response = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(response);
      const split = response.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      for (const line of response.slice(0, split < 0 ? response.length : split).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      // the first response only (a pipelined or relayed one may follow it)
      const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
      const rest = split < 0 ? '' : response.slice(split + 4);
      resolve({
        status: m ? Number(m[1]) : 0,
        headers,
        body: Buffer.from(length !== undefined ? rest.slice(0, length) : /chunked/i.test(headers['transfer-encoding'] ?? '') ? dechunk(rest) : rest, 'latin1'),
        elapsedMs: Date.now() - started,
        closedWithoutResponse: !m && closed,
        held: !m && !closed,
        response,
      });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('close', () => done(true));
    socket.on('error', () => undefined);
    if (Buffer.isBuffer(c.bytes)) socket.write(c.bytes);
    else {
      const pieces = [...c.bytes.pieces];
      socket.write(pieces.shift() ?? Buffer.alloc(0));
      drip = setInterval(() => {
        const next = pieces.shift();
        if (next && !socket.destroyed) socket.write(next);
      }, c.bytes.everyMs);
    }
  });
}

/** The body of a chunked response (what arrived of it). */
function dechunk(raw: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    const size = eol < 0 ? NaN : parseInt(raw.slice(at, eol), 16);
    if (!(size > 0)) return out;
    out += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** An h2c stream whose body never ends (the session's other streams must keep working). */
export async function h2NeverEnding(session: http2.ClientHttp2Session, service: ServiceName, waitMs: number): Promise<Outcome> {
  const started = Date.now();
  const stream = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': service === 'kinesis' ? 'Kinesis_20131202.PutRecord' : 'AmazonSQS.SendMessage' });
  stream.write('{"StreamName":');
  return new Promise((resolve) => {
    let status = 0;
    const timer = setTimeout(() => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      resolve({ status, headers: {}, body: Buffer.alloc(0), elapsedMs: Date.now() - started, held: true });
    }, waitMs);
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      clearTimeout(timer);
      resolve({ status, headers: {}, body: Buffer.alloc(0), elapsedMs: Date.now() - started, closedWithoutResponse: status === 0 });
    });
    stream.resume();
  });
}

const BASE: Record<ServiceName, { head: string; body: string }> = {
  sqs: { head: 'POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.ListQueues', body: '{}' },
  sns: { head: 'POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded', body: 'Action=ListTopics&Version=2010-03-31' },
  kinesis: { head: 'POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Kinesis_20131202.ListStreams', body: '{}' },
  mq: { head: 'POST /v1/configurations HTTP/1.1\r\nContent-Type: application/json', body: '{"Name":' },
};

/**
 * Framing and header breakage only raw bytes can carry. `timeouts`: the listeners' header/request/idle
 * timeouts; `slackMs`: how late a loaded machine may be (Node checks the timeouts on a 1 s interval).
 */
export function rawCases(service: ServiceName, r: Random, timeouts: { headersMs: number; requestMs: number; idleMs: number }, slackMs: number): RawCase[] {
  const { head, body } = BASE[service];
  const b = (s: string) => Buffer.from(s, 'latin1');
  const req = (extra: string, payload = body, h = head) => b(`${h}\r\nHost: localhost\r\n${extra}${extra ? '\r\n' : ''}Connection: close\r\n\r\n${payload}`);
  const cl = `Content-Length: ${body.length}`;
  const request = timeouts.requestMs + slackMs;
  const cases: RawCase[] = [
    { service, kind: 'host:missing', bytes: b(`${head}\r\n${cl}\r\nConnection: close\r\n\r\n${body}`) },
    ...['[::1', 'a b', 'example.com:99999', '', '[zz::1]:80', 'x'.repeat(300), 'host\u0001'].map((h) => ({ service, kind: 'host:malformed', bytes: b(`${head}\r\nHost: ${h}\r\n${cl}\r\nConnection: close\r\n\r\n${body}`) })),
    { service, kind: 'host:duplicate', bytes: req(`Host: other.example\r\n${cl}`) },
    { service, kind: 'length:short', bytes: req(`Content-Length: ${body.length + 50}`), mustEndWithinMs: request },
    { service, kind: 'length:long', bytes: req(`Content-Length: 1`) },
    ...['abc', '-1', '1.5', '0x10', '99999999999999999999', ' '].map((v) => ({ service, kind: 'length:invalid', bytes: req(`Content-Length: ${v}`) })),
    { service, kind: 'length:duplicate', bytes: req(`${cl}\r\nContent-Length: ${body.length + 1}`) },
    { service, kind: 'length+chunked', bytes: req(`${cl}\r\nTransfer-Encoding: chunked`, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`) },
    { service, kind: 'chunked:bad-size', bytes: req('Transfer-Encoding: chunked', `zz\r\n${body}\r\n0\r\n\r\n`) },
    { service, kind: 'chunked:extension', bytes: req('Transfer-Encoding: chunked', `${body.length.toString(16)};ext="1"\r\n${body}\r\n0\r\n\r\n`) },
    { service, kind: 'chunked:trailer', bytes: req('Transfer-Encoding: chunked', `${body.length.toString(16)}\r\n${body}\r\n0\r\nX-Trailer: 1\r\n\r\n`) },
    { service, kind: 'chunked:no-end', bytes: req('Transfer-Encoding: chunked', `${body.length.toString(16)}\r\n${body}\r\n`), mustEndWithinMs: request },
    { service, kind: 'chunked:2^60', bytes: req('Transfer-Encoding: chunked', `${(2n ** 60n).toString(16)}\r\n{"a":`), mustEndWithinMs: request },
    { service, kind: 'chunked:overflow', bytes: req('Transfer-Encoding: chunked', `${'f'.repeat(40)}\r\nx\r\n0\r\n\r\n`) },
    { service, kind: 'chunked:negative', bytes: req('Transfer-Encoding: chunked', `-5\r\nx\r\n0\r\n\r\n`) },
    { service, kind: 'chunked:no-crlf', bytes: req('Transfer-Encoding: chunked', `2\r\n{}0\r\n\r\n`) },
    ...['gzip, chunked', 'identity', 'chunked, gzip', 'bogus', 'chunked\r\nTransfer-Encoding: chunked'].map((te) => ({ service, kind: 'transfer-encoding', bytes: req(`Transfer-Encoding: ${te}`, `2\r\n{}\r\n0\r\n\r\n`) })),
    { service, kind: 'header:too-large', bytes: req(`X-Big: ${'a'.repeat(20_000)}\r\n${cl}`) },
    { service, kind: 'url:too-long', bytes: b(`${head.replace(/^(\S+) (\S+)/, (_m, verb: string, path: string) => `${verb} ${path}?${'q'.repeat(20_000)}`)}\r\nHost: localhost\r\n${cl}\r\nConnection: close\r\n\r\n${body}`) },
    { service, kind: 'header:no-colon', bytes: req(`NoColonHere\r\n${cl}`) },
    { service, kind: 'header:space-before-colon', bytes: req(`Content-Type : text/plain\r\n${cl}`) },
    { service, kind: 'header:nul', bytes: req(`X-Nul: a\u0000b\r\n${cl}`) },
    { service, kind: 'header:obs-fold', bytes: req(`X-Fold: a\r\n  b\r\n${cl}`) },
    { service, kind: 'header:bare-lf', bytes: b(`${head.replace(/\r\n/g, '\n')}\nHost: localhost\n${cl}\nConnection: close\n\n${body}`) },
    { service, kind: 'expect:100-continue', bytes: req(`Expect: 100-continue\r\n${cl}`) },
    { service, kind: 'expect:bogus', bytes: req(`Expect: bogus\r\n${cl}`) },
    ...['GARBAGE', 'post / HTTP/1.1', 'POST / HTTP/9.9', 'POST  /  HTTP/1.1', 'POST http://evil/ HTTP/1.1', 'POST * HTTP/1.1', 'POST / HTTP/1.0', 'PRI * HTTP/2.0'].map((line) => ({
      service, kind: 'request-line', bytes: b(`${line}\r\nHost: localhost\r\n${cl}\r\nConnection: close\r\n\r\n${body}`),
    })),
    { service, kind: 'pipelined', bytes: Buffer.concat(Array.from({ length: 20 }, (_, i) => b(`${head}\r\nHost: localhost\r\n${cl}${i === 19 ? '\r\nConnection: close' : ''}\r\n\r\n${body}`))) },
    { service, kind: 'random-bytes', bytes: r.bytes(1 + r.int(2000)) },
    // over the body limit the test sets (1 MiB): AWS's 413
    { service, kind: 'body:too-large', bytes: req(`Content-Length: ${1_200_000 + body.length}`, body + ' '.repeat(1_200_000)) },
    // slowloris: headers that never end, sent a byte at a time; a body that never ends; an idle keep-alive connection
    { service, kind: 'slow:headers', bytes: { pieces: [...`${head}\r\nHost: localhost\r\nX-Slow: `].map((ch) => b(ch)), everyMs: 50 }, mustEndWithinMs: timeouts.headersMs + slackMs },
    { service, kind: 'slow:body', bytes: { pieces: [b(`${head}\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n`), ...Array.from({ length: 400 }, () => b('x'))], everyMs: 100 }, mustEndWithinMs: request },
    { service, kind: 'slow:idle', bytes: b(`${head}\r\nHost: localhost\r\n${cl}\r\n\r\n${body}`), mustEndWithinMs: timeouts.idleMs + slackMs },
    // an HTTP/2 session with no stream: refused by an HTTP/1.1-only listener, closed when idle by an h2c one
    { service, kind: 'h2-preface', bytes: Buffer.concat([b('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]), mustEndWithinMs: timeouts.idleMs + slackMs },
  ];
  return cases;
}
