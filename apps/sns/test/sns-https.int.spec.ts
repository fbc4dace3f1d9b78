/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSubscriber, startStack, unique, until, verifyAsSubscriber, type Stack } from './harness';

// An HTTPS subscriber with its own certificate (the sns processes trust it through NODE_EXTRA_CA_CERTS),
// and the expiry of subscriptions nobody confirms (3 days at AWS; SNS_PENDING_EXPIRY_MS here).

let stack: Stack;
let dir: string;
let server: Server;
const posts: { type: string; body: Record<string, string> }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sns-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', async () => {
      const body = JSON.parse(data) as Record<string, string>;
      posts.push({ type: String(req.headers['x-amz-sns-message-type']), body });
      if (body.Type === 'SubscriptionConfirmation') await fetch(body.SubscribeURL);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stack = await startStack({ NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), SNS_PENDING_EXPIRY_MS: '4000', SNS_RESYNC_MS: '300' });
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('HTTPS subscribers and unconfirmed subscriptions', () => {
  it('an https endpoint is confirmed and receives signed notifications over TLS', async () => {
    const arn = (await stack.snsClient.send(new CreateTopicCommand({ Name: unique('tls') }))).TopicArn!;
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await stack.snsClient.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'https', Endpoint: url }));
    await until(async () => {
      const list = await stack.snsClient.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
      return list.Subscriptions?.[0]?.SubscriptionArn !== 'PendingConfirmation';
    }, 15_000, 'confirmation over TLS');
    const { MessageId } = await stack.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'over tls' }));
    const n = await until(() => posts.find((p) => p.type === 'Notification'), 15_000, 'notification over TLS');
    expect(n.body).toMatchObject({ MessageId, Message: 'over tls' });
    expect(await verifyAsSubscriber(n.body)).toBe(true);
  });

  it('a subscription nobody confirms is deleted after the expiry', async () => {
    const arn = (await stack.snsClient.send(new CreateTopicCommand({ Name: unique('pending') }))).TopicArn!;
    const silent = await httpSubscriber();
    await stack.snsClient.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'http', Endpoint: silent.url }));
    await until(() => silent.requests.length > 0, 10_000, 'confirmation request');
    const listed = async () => (await stack.snsClient.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions ?? [];
    expect(await listed()).toHaveLength(1);
    await until(async () => (await listed()).length === 0, 20_000, 'expiry');
    await silent.close();
  });
});
