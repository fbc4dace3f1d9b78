import http2 from 'node:http2';
import net from 'node:net';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AppProcess } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, deadPort, h1request, h2request, RoutingStandIn, startEdge } from './support';

const LIMIT = 64 * 1024;

interface SdkError {
  name: string;
  message: string;
  $fault?: string;
  $metadata: { httpStatusCode?: number; attempts?: number; totalRetryDelay?: number };
}
async function sdkError(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the SDK call to fail');
}

/** Changes the request the SDK built, before it is signed (build step), so the SDK sends what it never would. */
function rewriteRequest(client: { middlewareStack: { add: (...a: never[]) => void } }, change: (request: { headers: Record<string, string>; body: unknown }) => void): void {
  const middleware = (next: (args: { request: unknown }) => unknown) => (args: { request: unknown }) => {
    change(args.request as { headers: Record<string, string>; body: unknown });
    return next(args);
  };
  (client.middlewareStack.add as (m: unknown, o: unknown) => void)(middleware, { step: 'build', name: 'wharfTestRewrite' });
}

/**
 * What the caller sees when a request cannot be served: unknown operations, services that are down or hang,
 * malformed, oversized and header-less requests — always an AWS error in the caller's protocol that the
 * SDK understands, and the edge keeps serving afterwards.
 */
describe('edge errors', () => {
  let edge: AppProcess;
  let hanging: RoutingStandIn;
  let mq: RoutingStandIn;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    // kinesis: a ROUTING STAND-IN that accepts and never answers (a hung service); mq: one that answers.
    hanging = await new RoutingStandIn('kinesis-hanging').start();
    hanging.handler = () => undefined;
    mq = await new RoutingStandIn('mq').start();
    edge = await startEdge({
      WHARF_SQS_URL: `http://127.0.0.1:${await deadPort()}`,
      WHARF_SNS_URL: `http://127.0.0.1:${await deadPort()}`,
      WHARF_KINESIS_URL: hanging.url,
      WHARF_MQ_URL: mq.url,
      WHARF_EDGE_BODY_LIMIT: String(LIMIT),
      WHARF_EDGE_RESPONSE_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await edge?.stop();
    await hanging?.stop();
    await mq?.stop();
  });

  const kinesis = (maxAttempts = 1) => {
    const c = new KinesisClient({ endpoint: edge.url, region: 'us-east-1', credentials, maxAttempts });
    clients.push(c);
    return c;
  };

  describe('unknown operations → 400 in the protocol, as the SDK names it', () => {
    it('JSON 1.1 over HTTP/2: the Kinesis SDK throws UnknownOperationException (not a parse error), without retrying', async () => {
      const client = kinesis(3);
      rewriteRequest(client, (r) => (r.headers['x-amz-target'] = 'Kinesis_20131202.LaunchRocket'));
      const err = await sdkError(client.send(new ListStreamsCommand({})));
      expect(err.name).toBe('UnknownOperationException');
      expect(err.$fault).toBe('client');
      expect(err.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
      expect(err.message).toContain('Kinesis_20131202.LaunchRocket');
    });

    it('JSON 1.0: the SQS SDK throws UnknownOperationException for a target of another service', async () => {
      const client = new SQSClient({ endpoint: edge.url, region: 'us-east-1', credentials, maxAttempts: 1 });
      clients.push(client);
      rewriteRequest(client, (r) => (r.headers['x-amz-target'] = 'DynamoDB_20120810.ListTables'));
      const err = await sdkError(client.send(new ListQueuesCommand({})));
      expect(err.name).toBe('UnknownOperationException');
      expect(err.$metadata.httpStatusCode).toBe(400);
    });

    it('Query: the SNS SDK throws InvalidAction for an action SNS does not have', async () => {
      const client = new SNSClient({ endpoint: edge.url, region: 'us-east-1', credentials, maxAttempts: 1 });
      clients.push(client);
      rewriteRequest(client, (r) => {
        r.body = String(r.body).replace('Action=Publish', 'Action=PublishEverywhere');
        r.headers['content-length'] = String(Buffer.byteLength(String(r.body)));
      });
      const err = await sdkError(client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'x' })));
      expect(err, err.message).toMatchObject({ name: 'InvalidAction', $metadata: { httpStatusCode: 400 } });
    });

    it('REST: an unknown path answers 404 with x-amzn-ErrorType', async () => {
      const res = await fetch(`${edge.url}/no/such/api`);
      expect(res.status).toBe(404);
      expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await res.json()).toMatchObject({ message: expect.stringContaining('/no/such/api') });
    });
  });

  describe('a service that is down or hangs → 503 ServiceUnavailable, retried by the SDK', () => {
    it('SQS (JSON 1.0, service down): ServiceUnavailable after the SDK retried', async () => {
      const client = new SQSClient({ endpoint: edge.url, region: 'us-east-1', credentials }); // default: 3 attempts
      clients.push(client);
      const started = Date.now();
      const err = await sdkError(client.send(new ListQueuesCommand({})));
      expect(err.name).toBe('ServiceUnavailable');
      expect(err.$fault).toBe('server');
      expect(err.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 3 });
      expect(err.$metadata.totalRetryDelay).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(10_000); // refused at once: no hang
    });

    it('SNS (Query, service down): ServiceUnavailable in XML, retried', async () => {
      const client = new SNSClient({ endpoint: edge.url, region: 'us-east-1', credentials });
      clients.push(client);
      const err = await sdkError(client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'x' })));
      expect(err.name).toBe('ServiceUnavailable');
      expect(err.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 3 });
    });

    it('Kinesis over HTTP/2 (service hangs): 503 after the response timeout, retried', async () => {
      const started = Date.now();
      const err = await sdkError(kinesis(2).send(new ListStreamsCommand({})));
      expect(err.name).toBe('ServiceUnavailable');
      expect(err.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 2 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // two attempts × the 1 s response timeout
      expect(Date.now() - started).toBeLessThan(8000);
      expect(hanging.received.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('bad input at the edge → AWS-shaped 4xx; the process stays up', () => {
    it('a JSON content type without X-Amz-Target, and a request without any naming header', async () => {
      const res = await fetch(`${edge.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-amz-json-1\.1/);
      expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException', message: expect.stringContaining('X-Amz-Target') });

      // No target, no signature, no form (fetch sends text/plain): nothing names the operation.
      const bare = await fetch(`${edge.url}/`, { method: 'POST', body: 'hello' });
      expect(bare.status).toBe(400);
      expect(await bare.json()).toMatchObject({ __type: 'UnknownOperationException' });
    });

    it('a form with a broken percent-escape, and a form without Action', async () => {
      const broken = await fetch(`${edge.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Send%ZZ' });
      expect(broken.status).toBe(400);
      expect(await broken.text()).toMatch(/<ErrorResponse.*<Code>MalformedQueryString<\/Code>/s);
      const noAction = await fetch(`${edge.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'QueueName=q' });
      expect(noAction.status).toBe(400);
      expect(await noAction.text()).toContain('<Code>MissingAction</Code>');
    });

    it('bodies over WHARF_EDGE_BODY_LIMIT: announced, chunked, over HTTP/2, and as a form', async () => {
      const big = Buffer.alloc(LIMIT + 1, 0x61);
      const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' };

      const announced = await h1request(`${edge.url}/`, { method: 'POST', headers: { ...json, 'content-length': String(big.length) } }, big);
      expect(announced.status).toBe(413);
      expect(JSON.parse(announced.body.toString())).toMatchObject({ __type: 'RequestEntityTooLarge' });

      // No length announced: counted while streaming to the service, cut at the limit.
      const chunked = await h1request(`${edge.url}/`, { method: 'POST', headers: { ...json, 'transfer-encoding': 'chunked' } }, (req) => {
        req.write(big.subarray(0, LIMIT / 2));
        setTimeout(() => req.end(big.subarray(LIMIT / 2)), 50);
      });
      expect(chunked.status).toBe(413);
      expect(JSON.parse(chunked.body.toString())).toMatchObject({ __type: 'RequestEntityTooLarge' });

      const session = http2.connect(edge.url);
      try {
        const viaH2 = await h2request(session, { ':method': 'POST', ':path': '/', ...json }, big);
        expect(viaH2.status).toBe(413);
        expect(JSON.parse(viaH2.body.toString())).toMatchObject({ __type: 'RequestEntityTooLarge' });
      } finally {
        session.close();
      }

      const form = await fetch(`${edge.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Action=SendMessage&MessageBody=${'x'.repeat(LIMIT)}`,
      });
      expect(form.status).toBe(413);
      expect(await form.text()).toContain('<Code>RequestEntityTooLarge</Code>');
    });

    const exchange = (bytes: number[]) =>
      new Promise<string>((resolve) => {
        const s = net.connect(edge.port, '127.0.0.1', () => s.write(Buffer.from(bytes)));
        let data = '';
        s.on('data', (c) => (data += c.toString('latin1')));
        s.on('close', () => resolve(data));
        s.on('error', () => resolve(data));
      });

    it('garbage on the socket gets a 400, and the edge still routes afterwards', async () => {
      const reply = await exchange([0x00, 0xff, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]);
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
      // the same port serves TLS (a first byte 0x16): a handshake record of an unknown type ends the connection with an alert
      const alert = await exchange([0x16, 0x03, 0x01, 0x00, 0x04, 0xff, 0x00, 0x00, 0x00]);
      expect(alert).not.toMatch(/^HTTP/);

      expect(edge.child.exitCode).toBeNull();
      expect((await fetch(`${edge.url}/health`)).status).toBe(200);
      const routed = await fetch(`${edge.url}/v1/brokers`);
      expect(routed.status).toBe(200);
      expect(mq.last()).toMatchObject({ url: '/v1/brokers' });
    });
  });

  it('/health says 200 with the down services named, /health/ready says 503', async () => {
    const res = await fetch(`${edge.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; services: { status: string; down: string[]; checks: Record<string, { status: string }> } };
    expect(body.status).toBe('ok');
    expect(body.services.status).toBe('degraded');
    expect(body.services.down).toEqual(expect.arrayContaining(['sqs', 'sns', 'kinesis']));
    expect(body.services.checks.sqs?.status).toBe('down');
    expect((await fetch(`${edge.url}/health/ready`)).status).toBe(503);
  });
});
