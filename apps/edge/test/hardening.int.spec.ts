import http2 from 'node:http2';
import { rawExchange, type AppProcess } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, startStandIns } from './support';

const REQUEST_TIMEOUT_MS = 2_000;
const HUGE_CHUNK = `${(2n ** 60n).toString(16)}\r\n`;

/** Client mistakes the edge must answer as such (4xx, not a retryable 5xx) and requests it must not hold forever. */
describe('edge: malformed Host, requests that never end', () => {
  let edge: AppProcess;
  let standIns: Awaited<ReturnType<typeof startStandIns>>;
  beforeAll(async () => {
    standIns = await startStandIns();
    edge = await startEdge({ ...standIns.env, WHARF_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  });
  afterAll(async () => {
    await edge?.stop();
    await standIns?.stop();
  });

  it.each([
    ['JSON 1.1', 'Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Kinesis_20131202.ListStreams', '{}', /"__type":"InvalidHostHeader"/],
    ['Query', 'Content-Type: application/x-www-form-urlencoded', 'Action=ListTopics', /<Type>Sender<\/Type>\s*<Code>InvalidHostHeader<\/Code>/],
  ])('a malformed Host header ("[::1") is a 400 in the caller’s protocol (%s)', async (_protocol, headers, body, code) => {
    for (const host of ['[::1', '[zz::1]:80', 'a b', 'example.com:99999']) {
      const req = `POST / HTTP/1.1\r\nHost: ${host}\r\n${headers}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
      const { response } = await rawExchange(edge.url, req, 5_000);
      expect([host, response.split('\r\n')[0]]).toEqual([host, 'HTTP/1.1 400 Bad Request']);
      expect(response).toMatch(code);
    }
    const ok = await rawExchange(edge.url, `POST / HTTP/1.1\r\nHost: [::1]:4566\r\n${headers}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, 5_000);
    expect(ok.response.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });

  it('HTTP/1.1: a chunk announcing 2^60 bytes is cut (408, closed) within the request timeout', async () => {
    const req = `POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\nTransfer-Encoding: chunked\r\n\r\n${HUGE_CHUNK}{"a":`;
    const { closed, elapsedMs, response } = await rawExchange(edge.url, req, REQUEST_TIMEOUT_MS + 5_000);
    expect(closed).toBe(true);
    expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('HTTP/1.1: headers that never end are cut within the timeout', async () => {
    const { closed, elapsedMs } = await rawExchange(edge.url, 'POST / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', REQUEST_TIMEOUT_MS + 5_000);
    expect(closed).toBe(true);
    expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
  });

  it('h2c: a stream whose body never ends is answered 408 and reset within the request timeout; the session serves on', async () => {
    const session = http2.connect(edge.url);
    try {
      const started = Date.now();
      const stream = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' });
      stream.write('{"StreamName":');
      const status = await new Promise<number>((resolve) => {
        let s = 0;
        stream.on('response', (h) => (s = Number(h[':status'])));
        stream.on('error', () => undefined);
        stream.on('close', () => resolve(s));
        stream.resume();
      });
      expect(status).toBe(408);
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
      const next = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' });
      next.end('{}');
      const nextStatus = await new Promise<number>((resolve, reject) => {
        next.on('response', (h) => resolve(Number(h[':status'])));
        next.on('error', reject);
      });
      expect(nextStatus).toBe(200);
    } finally {
      session.close();
    }
  });
});
