import { rawExchange } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsApp, cleanupPrefix, startSqs } from './sqs-clients';

const REQUEST_TIMEOUT_MS = 2_000;

// The request timeout bounds receiving a request, never its answer: a long poll longer than the timeout
// still answers, a request body that never ends is cut.
describe('SQS listener timeouts', () => {
  let app: SqsApp;
  beforeAll(async () => {
    app = await startSqs({ WHARF_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  });
  afterAll(async () => {
    await app?.kill();
    if (app) await cleanupPrefix(app.prefix);
  });

  it('a chunk announcing 2^60 bytes is cut (408, closed) within the request timeout', async () => {
    const req = `POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nTransfer-Encoding: chunked\r\n\r\n${(2n ** 60n).toString(16)}\r\n{`;
    const { closed, elapsedMs, response } = await rawExchange(app.url, req, REQUEST_TIMEOUT_MS + 5_000);
    expect(closed).toBe(true);
    expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a long poll twice as long as the request timeout answers 200 when its wait is over', async () => {
    const call = async (target: string, body: object) => {
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${target}` }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const { QueueUrl } = (await call('CreateQueue', { QueueName: 'timeouts-long-poll' })).body;
    const started = Date.now();
    const poll = await call('ReceiveMessage', { QueueUrl, WaitTimeSeconds: (2 * REQUEST_TIMEOUT_MS) / 1000 });
    expect(poll.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * REQUEST_TIMEOUT_MS - 200);
  });
});
