import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rawExchange } from '@wharf/testing';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { answerNodeRefusalsAsAws, awsClientErrorHandler, awsFrameworkErrors } from './client-errors';
import type { CommonConfig } from './config';

const config = { region: 'us-east-1', accountId: '000000000000' } as CommonConfig;

describe('refusals before a handler, as AWS errors', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  });

  const listen = async (s: http.Server) => {
    server = s;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };

  it('a request Node cannot parse: 400 in the service protocol, closed (Fastify answered its own JSON)', async () => {
    const s = http.createServer((_req, res) => res.end('ok'));
    s.on('clientError', awsClientErrorHandler(config, 'awsQuery'));
    const { response, closed } = await rawExchange(await listen(s), 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 5_000);
    expect(closed).toBe(true);
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(response).toMatch(/<Type>Sender<\/Type>\s*<Code>MalformedHttpRequest<\/Code>/);
  });

  it('headers over the limit: 431; a request not in within the timeout: 408 RequestTimeout', async () => {
    const s = http.createServer({ requestTimeout: 300 }, (req, res) => req.resume().on('end', () => res.end('ok')));
    (s as http.Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 100;
    s.on('clientError', awsClientErrorHandler(config, 'awsJson1_1'));
    const url = await listen(s);
    const big = await rawExchange(url, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 5_000);
    expect(big.response).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.response.slice(big.response.indexOf('\r\n\r\n') + 4))).toMatchObject({ __type: 'RequestHeaderSectionTooLarge' });
    const slow = await rawExchange(url, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{', 10_000);
    expect(slow.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow.response).toMatch(/content-type: application\/x-amz-json-1\.1/i);
    expect(JSON.parse(slow.response.slice(slow.response.indexOf('\r\n\r\n') + 4))).toMatchObject({ __type: 'RequestTimeout' });
  });

  it('a URL Fastify cannot decode: 400 InvalidURI in the protocol the request speaks', async () => {
    const app = Fastify({ frameworkErrors: awsFrameworkErrors(config, 'restJson1') });
    app.get('/*', async () => 'ok');
    const query = await app.inject({ method: 'GET', url: '/%zz?Action=ListTopics&Version=2010-03-31' });
    expect(query.statusCode).toBe(400);
    expect(query.body).toMatch(/<Code>InvalidURI<\/Code>/);
    const rest = await app.inject({ method: 'GET', url: '/v1/brokers/%zz' });
    expect(rest.statusCode).toBe(400);
    expect(rest.headers['x-amzn-errortype']).toBe('InvalidURI');
    await app.close();
  });

  it('no Host on HTTP/1.1, an unknown Expect: AWS errors (Node answered both itself with no body)', async () => {
    const app = Fastify();
    answerNodeRefusalsAsAws(app, config, 'awsJson1_0');
    app.get('/', async () => 'ok');
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const query = 'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\nConnection: close\r\n\r\nAction=ListTopics';
      const noHost = await rawExchange(url, `POST / HTTP/1.1\r\n${query}`, 5_000);
      expect(noHost.response).toMatch(/^HTTP\/1\.1 400 /);
      expect(noHost.response).toMatch(/<Code>InvalidHostHeader<\/Code>/);
      const expectation = await rawExchange(url, `POST / HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\n${query}`, 5_000);
      expect(expectation.response).toMatch(/^HTTP\/1\.1 417 /);
      expect(expectation.response).toMatch(/<Code>ExpectationFailed<\/Code>/);
      expect(expectation.response).toMatch(/\r\ncontent-length: \d+\r\n/i);
      const ok = await rawExchange(url, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 5_000);
      expect(ok.response).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await app.close();
    }
  });
});
