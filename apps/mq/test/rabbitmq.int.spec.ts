import {
  CreateBrokerCommand,
  CreateUserCommand,
  DeleteBrokerCommand,
  DeleteUserCommand,
  DescribeBrokerCommand,
  ListUsersCommand,
  RebootBrokerCommand,
  UpdateUserCommand,
  type DescribeBrokerResponse,
} from '@aws-sdk/client-mq';
import { Client as StompClient, type IMessage } from '@stomp/stompjs';
import amqp from 'amqplib';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PASSWORD, endpoint, startMq, waitForGone, waitForState, type MqHarness } from './harness';

/** amqp://user:pass@host:port/vhost from the broker's AMQP endpoint. */
function amqpUrl(d: DescribeBrokerResponse, user: string, password: string): string {
  const u = endpoint(d, 'amqp');
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

function nextMessage(ch: amqp.Channel, queue: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing on ${queue} within ${timeoutMs} ms`)), timeoutMs);
    void ch.consume(queue, (m) => {
      if (!m) return;
      clearTimeout(timer);
      ch.ack(m);
      ch.cancel(m.fields.consumerTag).catch(() => undefined);
      resolve(m.content.toString());
    });
  });
}

describe('RABBITMQ broker through @aws-sdk/client-mq, used by real clients', () => {
  let h: MqHarness;
  let brokerId: string;
  let d: DescribeBrokerResponse;
  let vhost: string;
  const user = `app${Date.now().toString(36)}`;

  beforeAll(async () => {
    // the cleartext listing (WHARF_MQ_ENDPOINTS=plain); the default, TLS, is tls.int.spec.ts
    h = await startMq({ WHARF_MQ_ACTIVEMQ_STRATEGY: 'off', WHARF_MQ_ENDPOINTS: 'plain' });
    const created = await h.client.send(
      new CreateBrokerCommand({
        BrokerName: `rabbit-${h.id}`,
        EngineType: 'RABBITMQ',
        DeploymentMode: 'SINGLE_INSTANCE',
        HostInstanceType: 'mq.m5.large',
        PubliclyAccessible: false,
        Users: [{ Username: user, Password: PASSWORD }],
      }),
    );
    brokerId = created.BrokerId as string;
    expect(created.BrokerArn).toBe(`arn:aws:mq:us-east-1:000000000000:broker:rabbit-${h.id}:${brokerId}`);
    d = await waitForState(h.client, brokerId, 'RUNNING', 30_000);
    vhost = decodeURIComponent(endpoint(d, 'amqp').pathname.slice(1));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('describes the broker with real endpoints for AMQP, MQTT, STOMP and Web-STOMP', () => {
    expect(d).toMatchObject({ BrokerName: `rabbit-${h.id}`, EngineType: 'RABBITMQ', DeploymentMode: 'SINGLE_INSTANCE', StorageType: 'EBS', BrokerState: 'RUNNING' });
    expect(d.EngineVersion).toBe('4.2'); // Amazon MQ's default (recommended) version; the node's own is in /health
    expect(d.Created).toBeInstanceOf(Date);
    expect(d.BrokerInstances).toHaveLength(1);
    const eps = d.BrokerInstances?.[0].Endpoints ?? [];
    expect(eps).toEqual(expect.arrayContaining([`amqp://127.0.0.1:5672/${brokerId}`, 'mqtt://127.0.0.1:1884', 'stomp://127.0.0.1:61633', 'ws://127.0.0.1:15674/ws']));
    expect(d.BrokerInstances?.[0].ConsoleURL).toBe('http://127.0.0.1:15672');
    expect(d.Users).toEqual([{ Username: user }]);
  });

  it('AMQP 0-9-1: a queue round-trip (point to point) with the created user', async () => {
    const conn = await amqp.connect(amqpUrl(d, user, PASSWORD));
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue('orders', { durable: true });
      ch.sendToQueue('orders', Buffer.from('order-1'), { persistent: true });
      expect(await nextMessage(ch, 'orders')).toBe('order-1');
    } finally {
      await conn.close();
    }
  });

  it('AMQP 0-9-1: fanout and topic exchanges (pub/sub)', async () => {
    const conn = await amqp.connect(amqpUrl(d, user, PASSWORD));
    try {
      const ch = await conn.createChannel();
      await ch.assertExchange('news', 'fanout', { durable: false });
      const a = await ch.assertQueue('', { exclusive: true });
      const b = await ch.assertQueue('', { exclusive: true });
      await ch.bindQueue(a.queue, 'news', '');
      await ch.bindQueue(b.queue, 'news', '');
      ch.publish('news', '', Buffer.from('hello all'));
      expect(await nextMessage(ch, a.queue)).toBe('hello all');
      expect(await nextMessage(ch, b.queue)).toBe('hello all');

      await ch.assertExchange('trucks', 'topic', { durable: false });
      const eu = await ch.assertQueue('', { exclusive: true });
      await ch.bindQueue(eu.queue, 'trucks', 'gps.eu.*');
      ch.publish('trucks', 'gps.us.7', Buffer.from('not for eu'));
      ch.publish('trucks', 'gps.eu.7', Buffer.from('truck 7 in eu'));
      expect(await nextMessage(ch, eu.queue)).toBe('truck 7 in eu');
      expect((await ch.checkQueue(eu.queue)).messageCount).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('MQTT: publish/subscribe (vhost in the username, as RabbitMQ takes it)', async () => {
    const url = endpoint(d, 'mqtt').toString();
    const sub = await mqtt.connectAsync(url, { username: `${vhost}:${user}`, password: PASSWORD, reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(url, { username: `${vhost}:${user}`, password: PASSWORD, reconnectPeriod: 0 });
    try {
      await sub.subscribeAsync('trucks/+/gps', { qos: 1 });
      const got = new Promise<[string, string]>((resolve) => sub.on('message', (topic, payload) => resolve([topic, payload.toString()])));
      await pub.publishAsync('trucks/42/gps', '52.1,4.3', { qos: 1 });
      expect(await got).toEqual(['trucks/42/gps', '52.1,4.3']);
    } finally {
      await Promise.all([sub.endAsync(), pub.endAsync()]);
    }
  });

  it('STOMP over WebSocket (@stomp/stompjs + ws): a queue round-trip', async () => {
    const url = endpoint(d, 'ws').toString();
    const client = new StompClient({
      webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp']),
      connectHeaders: { login: user, passcode: PASSWORD, host: vhost },
      reconnectDelay: 0,
    });
    const connected = new Promise<void>((resolve, reject) => {
      client.onConnect = () => resolve();
      client.onStompError = (f) => reject(new Error(f.headers.message));
      client.onWebSocketError = () => reject(new Error('websocket error'));
    });
    client.activate();
    try {
      await connected;
      const got = new Promise<IMessage>((resolve) => client.subscribe('/queue/stomp-q', resolve));
      client.publish({ destination: '/queue/stomp-q', body: 'over stomp', headers: { persistent: 'true' } });
      expect((await got).body).toBe('over stomp');
    } finally {
      await client.deactivate();
    }
  });

  it('refuses a wrong password (AMQP and MQTT) and another broker’s vhost', async () => {
    await expect(amqp.connect(amqpUrl(d, user, 'Wrong-password-123'))).rejects.toThrow(/ACCESS_REFUSED|403/);
    await expect(
      mqtt.connectAsync(endpoint(d, 'mqtt').toString(), { username: `${vhost}:${user}`, password: 'Wrong-password-123', reconnectPeriod: 0 }),
    ).rejects.toThrow();
    const other = await h.client.send(
      new CreateBrokerCommand({
        BrokerName: `other-${h.id}`, EngineType: 'RABBITMQ', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.t3.micro',
        PubliclyAccessible: false, Users: [{ Username: `${user}x`, Password: PASSWORD }],
      }),
    );
    const od = await waitForState(h.client, other.BrokerId as string, 'RUNNING', 30_000);
    // our user against the other broker's vhost: refused
    await expect(amqp.connect(amqpUrl(od, user, PASSWORD))).rejects.toThrow(/NOT_ALLOWED|ConnectionOpenOk|access/i);
    // the same username on a second broker: RabbitMQ users are node-wide, so Wharf refuses it clearly
    await expect(
      h.client.send(new CreateBrokerCommand({
        BrokerName: `dup-${h.id}`, EngineType: 'RABBITMQ', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.t3.micro',
        PubliclyAccessible: false, Users: [{ Username: user, Password: PASSWORD }],
      })),
    ).rejects.toMatchObject({ name: 'ConflictException', ErrorAttribute: 'username' });
    await h.client.send(new DeleteBrokerCommand({ BrokerId: other.BrokerId }));
    await waitForGone(h.client, other.BrokerId as string);
  });

  it('users: the Amazon MQ user APIs are refused for RabbitMQ (BadRequestException) as on AWS; the first user still connects', async () => {
    const second = `${user}w`;
    for (const cmd of [
      new CreateUserCommand({ BrokerId: brokerId, Username: second, Password: PASSWORD }),
      new UpdateUserCommand({ BrokerId: brokerId, Username: user, Password: 'Changed-pass-456' }),
      new DeleteUserCommand({ BrokerId: brokerId, Username: user }),
      new ListUsersCommand({ BrokerId: brokerId }),
    ]) {
      await expect(h.client.send(cmd as never)).rejects.toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    }
    await expect(amqp.connect(amqpUrl(d, second, PASSWORD))).rejects.toThrow(/ACCESS_REFUSED|403/);
    await (await amqp.connect(amqpUrl(d, user, PASSWORD))).close();
  });

  it('RebootBroker: REBOOT_IN_PROGRESS → RUNNING, clients disconnected, persistent messages kept', async () => {
    const conn = await amqp.connect(amqpUrl(d, user, PASSWORD));
    const closed = new Promise<void>((resolve) => conn.on('close', () => resolve()));
    conn.on('error', () => undefined);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('durable-q', { durable: true });
    for (let i = 0; i < 20; i++) ch.sendToQueue('durable-q', Buffer.from(`m${i}`), { persistent: true });
    await ch.waitForConfirms();
    await h.client.send(new RebootBrokerCommand({ BrokerId: brokerId }));
    const during = await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    expect(['REBOOT_IN_PROGRESS', 'RUNNING']).toContain(during.BrokerState);
    await waitForState(h.client, brokerId, 'RUNNING', 30_000);
    await closed; // the reboot closed our connection
    const again = await amqp.connect(amqpUrl(d, user, PASSWORD));
    try {
      const ch2 = await again.createChannel();
      expect((await ch2.checkQueue('durable-q')).messageCount).toBe(20);
    } finally {
      await again.close();
    }
  });

  it('DeleteBroker removes the vhost (its data) and the user', async () => {
    await h.client.send(new DeleteBrokerCommand({ BrokerId: brokerId }));
    await waitForGone(h.client, brokerId);
    const mgmt = (path: string) => fetch(`http://127.0.0.1:15672/api${path}`, { headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` } });
    expect((await mgmt(`/vhosts/${encodeURIComponent(vhost)}`)).status).toBe(404);
    expect((await mgmt(`/users/${user}`)).status).toBe(404);
    await expect(amqp.connect(amqpUrl(d, user, PASSWORD))).rejects.toThrow();
  });
});
