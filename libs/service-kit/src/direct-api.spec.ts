import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HttpRequestLike, HttpResponseLike } from '@wharf/aws-protocol';
import { rawExchange } from '@wharf/testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestOrigin } from './aws-api-handler';
import type { CommonConfig } from './config';
import { directApiPath, type DirectApiOptions } from './direct-api';

const config = { region: 'us-east-1', accountId: '000000000000', bodyLimitBytes: 1000 } as CommonConfig;

/** What the handler was given, and how it answers (by default an echo of the origin and body). */
interface Seen {
  request: HttpRequestLike;
  from: RequestOrigin;
}

describe('the direct API path (plain POST / before Fastify and Nest)', () => {
  let server: http.Server | http2.Http2Server | undefined;
  const closeServer = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    if ('closeAllConnections' in s) s.closeAllConnections(); // an HTTP/2 test closes its own session
    await new Promise((r) => s.close(r));
  };
  afterEach(closeServer);

  /**
   * A server whose direct path calls `answer`; what it leaves gets 299 "controller" (the stand-in for Fastify).
   * `http2`: an h2c server, whose compatibility request and response the path takes as Node's HTTP/1 ones.
   */
  async function serve(answer: (seen: Seen) => Promise<HttpResponseLike>, opts: { trustProxy?: 'loopback'; direct?: DirectApiOptions; http2?: boolean } = {}) {
    const seen: Seen[] = [];
    const handler = {
      handle: (request: HttpRequestLike, from: RequestOrigin) => {
        seen.push({ request, from });
        return answer({ request, from });
      },
    };
    const app = { get: () => handler } as unknown as NestFastifyApplication;
    const take = directApiPath(app, { config, logger: pino({ level: 'silent' }), fallbackProtocol: 'awsJson1_0', trustProxy: opts.trustProxy }, opts.direct);
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!take(req, res)) req.resume().on('end', () => res.writeHead(299).end('controller'));
    };
    const s = opts.http2 ? http2.createServer(listener as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void) : http.createServer(listener);
    server = s;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
  }

  const echo = async ({ request, from }: Seen): Promise<HttpResponseLike> => ({
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'r1' },
    body: JSON.stringify({ origin: from.origin, body: request.body.toString(), aborted: from.signal?.aborted }),
  });

  it('answers a plain POST / from the handler, with the origin, a signal and a Content-Length', async () => {
    const { url, seen } = await serve(echo);
    const res = await fetch(url, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{"a":"é"}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(await res.clone().text())));
    expect(res.headers.get('x-amzn-requestid')).toBe('r1');
    expect(await res.json()).toEqual({ origin: url, body: '{"a":"é"}', aborted: false });
    expect(seen[0].request).toMatchObject({ method: 'POST', path: '/' });
    expect(seen[0].from.received).toBe(seen[0].request);
  });

  it('leaves every other request to the controller: other paths and methods, chunked or oversized bodies, no Host, HTTP/1.0, leave()', async () => {
    const { url, seen } = await serve(echo, { direct: { leave: (req) => req.headers['x-amz-target'] === 'Kinesis_20131202.SubscribeToShard' } });
    const status = async (path: string, init: RequestInit) => (await fetch(url + path, init)).status;
    expect(await status('/queue', { method: 'POST', body: '{}' })).toBe(299);
    expect(await status('/?Action=ListQueues', { method: 'POST', body: '{}' })).toBe(299);
    expect(await status('/', { method: 'GET' })).toBe(299);
    expect(await status('/', { method: 'POST', body: 'x'.repeat(1001) })).toBe(299);
    expect(await status('/', { method: 'POST', body: 'x'.repeat(1000) })).toBe(200);
    expect(await status('/', { method: 'POST', headers: { 'x-amz-target': 'Kinesis_20131202.SubscribeToShard' }, body: '{}' })).toBe(299);
    const chunked = await rawExchange(url, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n', 5_000);
    expect(chunked.response).toMatch(/^HTTP\/1\.1 299 /);
    const noHost = await rawExchange(url, 'POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}', 5_000);
    expect(noHost.response).toMatch(/^HTTP\/1\.1 299 /);
    expect(seen).toHaveLength(1);
  });

  it('answers HTTP/2 (h2c) POST / too, with :authority for the host; leaves an HTTP/2 body without Content-Length', async () => {
    const { url, seen } = await serve(echo, { http2: true });
    const session = http2.connect(url);
    const call = (headers: http2.OutgoingHttpHeaders, body: string) =>
      new Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/', ...headers });
        let got: http2.IncomingHttpHeaders = {};
        let text = '';
        stream.on('response', (h) => (got = h));
        stream.setEncoding('utf8').on('data', (c: string) => (text += c));
        stream.on('end', () => resolve({ status: Number(got[':status']), headers: got, body: text }));
        stream.on('error', reject);
        stream.end(body);
      });
    try {
      const direct = await call({ 'content-length': String(Buffer.byteLength('{"a":"é"}')), 'x-amz-target': 'Kinesis_20131202.ListStreams' }, '{"a":"é"}');
      expect(direct.status).toBe(200);
      expect(direct.headers['content-length']).toBe(String(Buffer.byteLength(direct.body)));
      expect(JSON.parse(direct.body)).toEqual({ origin: url, body: '{"a":"é"}', aborted: false });
      expect(seen[0].request.headers[':authority']).toBe(url.slice('http://'.length));
      expect((await call({}, '{}')).status).toBe(299); // no Content-Length: Fastify's to limit as it streams
      expect((await call({ 'content-length': '1001' }, 'x'.repeat(1001))).status).toBe(299);
      expect(seen).toHaveLength(1);
    } finally {
      session.close();
    }
  });

  it("takes the scheme from a trusted peer's x-forwarded-proto only when trustProxy says so, as Fastify does", async () => {
    const trusting = await serve(echo, { trustProxy: 'loopback' });
    const viaEdge = await fetch(trusting.url, { method: 'POST', headers: { 'x-forwarded-proto': 'http, https' }, body: '{}' });
    expect((await viaEdge.json()).origin).toBe(trusting.url.replace('http:', 'https:'));
    await closeServer();
    const plain = await serve(echo);
    const told = await fetch(plain.url, { method: 'POST', headers: { 'x-forwarded-proto': 'https' }, body: '{}' });
    expect((await told.json()).origin).toBe(plain.url);
  });

  it('a handler that throws is answered 500 InternalFailure in the request protocol; a caller that hangs up aborts the signal', async () => {
    const failing = await serve(async () => {
      throw new Error('bug');
    });
    const res = await fetch(failing.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}' });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ __type: expect.stringContaining('InternalFailure') });
    await closeServer();

    let aborted: Promise<boolean> | undefined;
    const waiting = await serve(({ from }) => {
      aborted = new Promise((resolve) => from.signal?.addEventListener('abort', () => resolve(true)));
      return new Promise(() => undefined);
    });
    const caller = new AbortController();
    const call = fetch(waiting.url, { method: 'POST', body: '{}', signal: caller.signal }).catch(() => 'hung up');
    while (!aborted) await new Promise((r) => setTimeout(r, 10));
    caller.abort();
    expect(await call).toBe('hung up');
    expect(await aborted).toBe(true);
  });
});
