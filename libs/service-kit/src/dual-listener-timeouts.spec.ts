import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp1AndH2cServer, type DualProtocolServer } from './dual-listener';

/** The h2c request timeout (found by the seeded fuzzer, tools/reliability/fuzz.int.spec.ts). */
describe('h2c request timeout', () => {
  let server: DualProtocolServer | undefined;
  let session: http2.ClientHttp2Session | undefined;
  afterEach(async () => {
    session?.destroy();
    const s = server;
    server = undefined;
    if (s) await new Promise((r) => s.close(r));
  });

  const start = async (handler: Parameters<typeof createHttp1AndH2cServer>[0]) => {
    server = createHttp1AndH2cServer(handler);
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    session.on('error', () => undefined);
    return session;
  };

  const exchange = (s: http2.ClientHttp2Session) =>
    new Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }>((resolve) => {
      const stream = s.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' });
      stream.write('{"a":'); // and never ends
      let head: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => (head = h));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', () => undefined);
      stream.on('close', () => resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(chunks).toString() }));
    });

  it('a stream whose body never ends gets the 408 the answer builder makes (it had no body)', async () => {
    const s = await start(() => undefined);
    server?.setHttp2Timeouts({ requestMs: 200, sessionIdleMs: 10_000, answer: () => ({ status: 408, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"__type":"RequestTimeout"}' }) });
    const r = await exchange(s);
    expect(r.status).toBe(408);
    expect(r.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(JSON.parse(r.body)).toEqual({ __type: 'RequestTimeout' });
  });

  it('an answer already under way when the timeout fires is not cut short (it was cancelled mid-body)', async () => {
    const s = await start((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.write('{"__type":"ValidationException",');
      setTimeout(() => res.end('"message":"done"}'), 600);
    });
    server?.setHttp2Timeouts({ requestMs: 200, sessionIdleMs: 10_000 });
    const r = await exchange(s);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ __type: 'ValidationException', message: 'done' });
  });
});
