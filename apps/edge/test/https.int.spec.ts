import { execFile } from 'node:child_process';
import http2 from 'node:http2';
import https from 'node:https';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ensureLocalCa, type LocalCa } from '@wharf/service-kit';
import { uniqueId, type AppProcess } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, h1request, slowChunks, startEdge, startEdgeOnStandIns, startSqsAndKinesis, stopAll, subscribeAndPut, type StandIns } from './support';

const run = promisify(execFile);

/** Opens a TLS connection to the edge offering `alpn`; resolves with what was negotiated. */
function handshake(port: number, options: tls.ConnectionOptions): Promise<{ alpn: string | false; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
      resolve({ alpn: socket.alpnProtocol ?? false, authorized: socket.authorized });
      socket.end();
    });
    socket.on('error', reject);
  });
}

function h2get(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body: string): Promise<{ status: number; chunks: { at: number; text: string }[] }> {
  return new Promise((resolve, reject) => {
    const chunks: { at: number; text: string }[] = [];
    let status = 0;
    const stream = session.request(headers);
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('data', (c: Buffer) => chunks.push({ at: Date.now(), text: c.toString() }));
    stream.on('end', () => resolve({ status, chunks }));
    stream.on('error', reject);
    stream.end(body);
  });
}

/**
 * HTTPS on the edge's own port, beside cleartext: the local CA's certificate, ALPN h2 and http/1.1, what the
 * edge tells the service (x-forwarded-proto), streaming over TLS. Upstreams are ROUTING STAND-INS here.
 */
describe('edge HTTPS on the cleartext port (stand-ins)', () => {
  let standIns: StandIns;
  let edge: AppProcess;
  let ca: LocalCa;

  beforeAll(async () => {
    ({ standIns, edge } = await startEdgeOnStandIns({ WHARF_LOG_LEVEL: 'info' }));
    ca = ensureLocalCa(); // the same directory the edge uses: created by whichever came first, then kept
  });
  afterAll(() => stopAll([], edge, standIns));

  it('prints the CA file and how to trust it from Node, Java and Python at start', () => {
    const out = edge.output();
    expect(out).toContain(`NODE_EXTRA_CA_CERTS=${ca.caCertPath}`);
    expect(out).toContain('javax.net.ssl.trustStore');
    expect(out).toContain(`AWS_CA_BUNDLE=${ca.caCertPath}`);
  });

  it('negotiates h2 or http/1.1 by ALPN with a certificate the local CA signed; a client that does not trust it is refused', async () => {
    expect(await handshake(edge.port, { ca: ca.ca, ALPNProtocols: ['h2', 'http/1.1'] })).toEqual({ alpn: 'h2', authorized: true });
    expect(await handshake(edge.port, { ca: ca.ca, ALPNProtocols: ['http/1.1'] })).toEqual({ alpn: 'http/1.1', authorized: true });
    expect(await handshake(edge.port, { ca: ca.ca, servername: undefined })).toMatchObject({ authorized: true }); // by IP SAN 127.0.0.1
    expect(ca.sans).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', 'edge', 'mq']));
    await expect(handshake(edge.port, {})).rejects.toThrow(/self-signed|unable to get local issuer|certificate/i);
    // cleartext HTTP/1.1 on the same port still answers after the refused handshake
    const clear = await h1request(`${edge.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' } }, '{}');
    expect(clear.status).toBe(200);
    expect(standIns.sqs.last().headers['x-forwarded-proto']).toBe('http');
  });

  it('HTTPS HTTP/1.1 and h2 route like cleartext; the service is told x-forwarded-proto https', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request(`https://localhost:${edge.port}/`, { method: 'POST', ca: ca.ca, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(res).toEqual({ status: 200, body: '{"standIn":"sqs"}' });
    expect(standIns.sqs.last().headers).toMatchObject({ 'x-forwarded-proto': 'https', via: '1.1 wharf-edge', host: `localhost:${edge.port}` });

    const session = http2.connect(`https://localhost:${edge.port}`, { ca: ca.ca });
    try {
      const h2 = await h2get(session, { ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' }, '{}');
      expect(h2.status).toBe(200);
      expect(h2.chunks.map((c) => c.text).join('')).toBe('{"standIn":"kinesis"}');
    } finally {
      session.close();
    }
    expect(standIns.kinesis.last().headers).toMatchObject({ 'x-forwarded-proto': 'https', via: '2 wharf-edge' });
  });

  it('a TLS client that offers no ALPN and sends the h2 preface at once (the Java SDK default) is served h2', async () => {
    // node:https offers no ALPN either, and its HTTP/1.1 request is answered in the test above.
    const noAlpn = () => tls.connect({ host: '127.0.0.1', port: edge.port, servername: 'localhost', ca: ca.ca, ALPNProtocols: [] });
    const session = http2.connect(`https://localhost:${edge.port}`, { createConnection: noAlpn });
    session.on('error', () => undefined); // a refused preface fails the request below
    try {
      const h2 = await h2get(session, { ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' }, '{}');
      expect((session.socket as tls.TLSSocket).alpnProtocol).toBe(false);
      expect(h2.status).toBe(200);
      expect(h2.chunks.map((c) => c.text).join('')).toBe('{"standIn":"kinesis"}');
    } finally {
      session.close();
    }
    expect(standIns.kinesis.last().headers).toMatchObject({ 'x-forwarded-proto': 'https', via: '2 wharf-edge' });
  });

  it('relays a slow response over TLS h2 chunk by chunk, as the upstream writes it', async () => {
    const written: number[] = [];
    standIns.kinesis.handler = slowChunks(written);
    const session = http2.connect(`https://localhost:${edge.port}`, { ca: ca.ca });
    try {
      const { chunks } = await h2get(session, { ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.SubscribeToShard' }, '{}');
      expect(chunks.map((c) => c.text).join('')).toBe('chunk-0;chunk-1;chunk-2;chunk-3;');
      expect(chunks.find((c) => c.text.includes('chunk-0'))?.at).toBeLessThan(written[1] ?? 0);
    } finally {
      session.close();
    }
  });
});

/** The real sqs and kinesis behind the edge, over https only, with the official SDK and the AWS CLI. */
describe('edge HTTPS in front of the real services', () => {
  const id = uniqueId('edge-tls');
  let services: Awaited<ReturnType<typeof startSqsAndKinesis>>;
  let edge: AppProcess;
  let ca: LocalCa;
  let endpoint: string;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    services = await startSqsAndKinesis(id);
    edge = await startEdge(services.env);
    ca = ensureLocalCa();
    endpoint = `https://localhost:${edge.port}`;
    // What NODE_EXTRA_CA_CERTS does for a process started with it: the SDK's HTTP/2 handler takes no CA option.
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), ca.ca]);
  });
  afterAll(() => stopAll(clients, edge, services));

  it('SQS (JS SDK v3, HTTP/1.1 over TLS): messages round-trip', async () => {
    const client = new SQSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: ca.ca }) }) });
    clients.push(client);
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `${id}-q` }));
    expect(QueueUrl).toMatch(new RegExp(`^https://localhost:${edge.port}/\\d{12}/${id}-q$`)); // the scheme the client used
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'over https' }));
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual(['over https']);
    await client.send(new DeleteQueueCommand({ QueueUrl }));
  });

  it('SQS queue URLs through the edge follow the scheme the client used (the edge says x-forwarded-proto)', async () => {
    const over = (origin: string) => new SQSClient({ endpoint: origin, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: ca.ca }) }) });
    const [secure, clear] = [over(endpoint), over(`http://localhost:${edge.port}`)];
    clients.push(secure, clear);
    const QueueName = `${id}-scheme`;
    expect((await clear.send(new CreateQueueCommand({ QueueName }))).QueueUrl).toMatch(new RegExp(`^http://localhost:${edge.port}/\\d{12}/${QueueName}$`));
    expect((await secure.send(new CreateQueueCommand({ QueueName }))).QueueUrl).toMatch(new RegExp(`^https://localhost:${edge.port}/\\d{12}/${QueueName}$`));
    await clear.send(new DeleteQueueCommand({ QueueUrl: (await clear.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl }));
  });

  it('Kinesis (JS SDK v3, its default NodeHttp2Handler, h2 by ALPN): SubscribeToShard delivers records put meanwhile', async () => {
    const client = new KinesisClient({ endpoint, region: 'us-east-1', credentials });
    clients.push(client);
    const positions = Array.from({ length: 10 }, (_, i) => `truck-9 position ${i}`);
    expect(await subscribeAndPut(client, `${id}-trucks`, 'tls-dashboard', positions, 'truck-9')).toEqual(positions);
  });

  it('the AWS CLI with --endpoint-url https://… --ca-bundle <ca> (SQS over Query/JSON, Kinesis over JSON)', async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
    const aws = async (...args: string[]) => JSON.parse((await run('aws', [...args, '--endpoint-url', endpoint, '--ca-bundle', ca.caCertPath, '--output', 'json'], { env, timeout: 60_000 })).stdout || '{}') as Record<string, unknown>;
    const { QueueUrl } = (await aws('sqs', 'create-queue', '--queue-name', `${id}-cli`)) as { QueueUrl: string };
    expect(QueueUrl).toContain(`${id}-cli`);
    await aws('sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', 'from the cli');
    const got = (await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--wait-time-seconds', '2')) as { Messages?: { Body: string }[] };
    expect(got.Messages?.map((m) => m.Body)).toEqual(['from the cli']);
    const streams = (await aws('kinesis', 'list-streams')) as { StreamNames: string[] };
    expect(Array.isArray(streams.StreamNames)).toBe(true);
    // without the CA the CLI refuses the certificate (it does verify)
    await expect(run('aws', ['sqs', 'list-queues', '--endpoint-url', endpoint], { env: { ...env, AWS_CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt', AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard' }, timeout: 60_000 })).rejects.toThrow(/SSL|certificate/i);
  });
});
