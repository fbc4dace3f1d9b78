import { deleteRedisKeys, rawExchange, startApp, uniqueId, type AppProcess } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What the fuzzer (fuzz.int.spec.ts) found, one case each, against the BUILT sqs service and the edge in
 * front of it: refusals made before any handler runs must still be AWS errors an SDK can read.
 */
describe('fuzzer findings: refusals before a handler are AWS errors', () => {
  const prefix = `wharf:it:${uniqueId('fzr')}:sqs:`;
  const REQUEST_TIMEOUT_MS = 1_500;
  let sqs: AppProcess;
  let edge: AppProcess;
  beforeAll(async () => {
    const env = { WHARF_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), WHARF_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) };
    sqs = await startApp('sqs', { portEnv: 'SQS_PORT', env: { ...env, SQS_REDIS_PREFIX: prefix }, timeoutMs: 120_000 });
    edge = await startApp('edge', { portEnv: 'EDGE_PORT', env: { ...env, WHARF_SQS_URL: sqs.url }, timeoutMs: 120_000 });
  }, 300_000);
  afterAll(async () => {
    await Promise.all([edge?.stop(), sqs?.stop()]);
    await deleteRedisKeys(prefix);
  });

  const exchange = async (url: string, bytes: string) => (await rawExchange(url, bytes, REQUEST_TIMEOUT_MS + 15_000)).response;
  const statusOf = (response: string) => response.split('\r\n')[0];
  /** The first response's body (on the edge a relayed 408 of the service may be followed by the edge's own). */
  const bodyOf = (response: string) => {
    const rest = response.slice(response.indexOf('\r\n\r\n') + 4);
    const length = /\r\ncontent-length: (\d+)\r\n/i.exec(response.slice(0, response.indexOf('\r\n\r\n') + 2))?.[1];
    return length === undefined ? rest : rest.slice(0, Number(length));
  };

  it.each(['sqs', 'edge'])('%s: a request line Node cannot parse is a 400 AWS JSON error, not Fastify’s JSON', async (name) => {
    const response = await exchange(name === 'sqs' ? sqs.url : edge.url, 'FOO / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}');
    expect(statusOf(response)).toBe('HTTP/1.1 400 Bad Request');
    expect(response).toMatch(/\r\ncontent-type: application\/x-amz-json-1\.[01]\r\n/i);
    expect(JSON.parse(bodyOf(response))).toMatchObject({ __type: 'MalformedHttpRequest' });
  });

  it.each(['sqs', 'edge'])('%s: a body that never comes is a 408 AWS error', async (name) => {
    const response = await exchange(name === 'sqs' ? sqs.url : edge.url, 'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 50\r\n\r\n{}');
    expect(statusOf(response)).toBe('HTTP/1.1 408 Request Timeout');
    expect(JSON.parse(bodyOf(response))).toMatchObject({ __type: 'RequestTimeout' });
  });

  it.each(['sqs', 'edge'])('%s: a URL Fastify cannot decode (/%%zz) is a 400 in the protocol the request speaks', async (name) => {
    const query = await exchange(name === 'sqs' ? sqs.url : edge.url, 'GET /%zz?Action=ListQueues&Version=2012-11-05 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(statusOf(query)).toBe('HTTP/1.1 400 Bad Request');
    expect(bodyOf(query)).toMatch(/<ErrorResponse[^>]*>\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>InvalidURI<\/Code>/);
  });
});
