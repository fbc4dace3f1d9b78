import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createVerify, X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { type AppProcess, deleteRedisKeys, startApp, uniqueId } from '@wharf/testing';

export const REDIS_URL = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Stack {
  sqs: AppProcess;
  sns: AppProcess;
  snsClient: SNSClient;
  sqsClient: SQSClient;
  snsPrefix: string;
  sqsPrefix: string;
  startSns(env?: Record<string, string>, port?: number): Promise<AppProcess>;
  stop(): Promise<void>;
}

/** The built sqs app and the built sns app delivering to it, each with its own Redis key prefix. */
export async function startStack(snsEnv: Record<string, string> = {}): Promise<Stack> {
  const id = uniqueId('sns');
  const sqsPrefix = `wharf:it:${id}:sqs:`;
  const snsPrefix = `wharf:it:${id}:sns:`;
  const sqs = await startApp('sqs', { portEnv: 'SQS_PORT', env: { SQS_REDIS_PREFIX: sqsPrefix } });
  const processes: AppProcess[] = [sqs];
  const startSns = async (env: Record<string, string> = {}, port?: number) => {
    const app = await startApp('sns', {
      portEnv: 'SNS_PORT',
      port,
      // The HTTP endpoints of these tests listen on loopback, which SNS delivers to only when configured.
      env: { SNS_REDIS_PREFIX: snsPrefix, WHARF_SQS_URL: sqs.url, SNS_RETRY_SECOND_MS: '10', SNS_HTTP_ALLOWED_CIDRS: '127.0.0.0/8,::1/128', ...snsEnv, ...env },
    });
    processes.push(app);
    return app;
  };
  const sns = await startSns();
  return {
    sqs,
    sns,
    snsClient: snsClient(sns.url),
    sqsClient: new SQSClient({ endpoint: sqs.url, region: 'us-east-1', credentials, maxAttempts: 1 }),
    snsPrefix,
    sqsPrefix,
    startSns,
    stop: async () => {
      for (const p of processes) await p.kill();
      await deleteRedisKeys([snsPrefix, sqsPrefix], REDIS_URL);
    },
  };
}

export function snsClient(endpoint: string): SNSClient {
  return new SNSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
}

/** Receives (and deletes) until `count` messages arrived or `timeoutMs` passed; then waits `settleMs` for extras. */
export async function receive(sqs: SQSClient, url: string, count: number, timeoutMs = 15_000, settleMs = 0): Promise<Message[]> {
  const out: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  const take = async (wait: number) => {
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageAttributeNames: ['All'], AttributeNames: ['All'] }),
    );
    const msgs = r.Messages ?? [];
    if (msgs.length) {
      out.push(...msgs);
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    }
    return msgs.length;
  };
  while (out.length < count && Date.now() < deadline) await take(1);
  if (settleMs > 0) {
    const settleEnd = Date.now() + settleMs;
    while (Date.now() < settleEnd) if ((await take(0)) === 0) await sleep(100);
  }
  return out;
}

const certificates = new Map<string, string>();

/**
 * What an SNS subscriber does: fetch the certificate at SigningCertURL, check it, and verify Signature
 * over the canonical string with RSA-SHA1 (v1) or RSA-SHA256 (v2). Written here from AWS's documentation,
 * independent of the engine's own code.
 */
export async function verifyAsSubscriber(envelope: Record<string, string>): Promise<boolean> {
  const url = envelope.SigningCertURL;
  if (!url || !url.endsWith('.pem')) return false;
  let pem = certificates.get(url);
  if (!pem) {
    const res = await fetch(url);
    if (res.status !== 200) return false;
    pem = await res.text();
    certificates.set(url, pem);
  }
  const cert = new X509Certificate(pem);
  if (Date.parse(cert.validTo) < Date.now() || !cert.verify(cert.publicKey)) return false;
  const keys =
    envelope.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const text = keys.filter((k) => envelope[k] !== undefined).map((k) => `${k}\n${envelope[k]}\n`).join('');
  const verifier = createVerify(envelope.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1');
  verifier.update(text, 'utf8');
  return verifier.verify(cert.publicKey, envelope.Signature, 'base64');
}

export interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
  json?: Record<string, string>;
}

export interface HttpSubscriber {
  url: string;
  requests: Received[];
  /** Decides the status of each POST (default 200). */
  respond: (req: Received, index: number) => number | Promise<number>;
  close(): Promise<void>;
}

/** A real HTTP endpoint on 127.0.0.1 recording every POST. */
export async function httpSubscriber(path = '/hook'): Promise<HttpSubscriber> {
  const sub: HttpSubscriber = { url: '', requests: [], respond: () => 200, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, string> | undefined;
      try {
        json = JSON.parse(body) as Record<string, string>;
      } catch {
        json = undefined;
      }
      const entry: Received = { at: Date.now(), headers: req.headers, body, json };
      const index = sub.requests.push(entry) - 1;
      const status = await sub.respond(entry, index);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  sub.close = () => new Promise((r) => server.close(() => r()));
  return sub;
}

export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const unique = uniqueId;
