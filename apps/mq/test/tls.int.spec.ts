import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBrokerCommand, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { Client as StompClient, type IMessage } from '@stomp/stompjs';
import { ensureLocalCa } from '@wharf/service-kit';
import amqp from 'amqplib';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PASSWORD, endpoint, startMq, waitForState, type MqHarness } from './harness';
import { amqpConnect, amqpReceive, amqpSend } from './amqp10';
import { StompTcp } from './stomp-tcp';

/** The local CA every Wharf service uses (created by whichever process came first, then kept). */
const ca = ensureLocalCa().ca;

/** STOMP over wss with @stomp/stompjs + ws, trusting only the local CA: one message round-trips. */
async function wssRoundTrip(url: string, login: string, virtualHost?: string): Promise<string> {
  const client = new StompClient({
    webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp'], { ca }),
    connectHeaders: { login, passcode: PASSWORD, ...(virtualHost ? { host: virtualHost } : {}) },
    reconnectDelay: 0,
  });
  const connected = new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (f) => reject(new Error(f.headers.message));
    client.onWebSocketError = (e: { message?: string }) => reject(new Error(`wss error: ${e.message ?? 'unknown'}`));
  });
  client.activate();
  try {
    await connected;
    const got = new Promise<IMessage>((resolve) => client.subscribe('/queue/wss', resolve));
    client.publish({ destination: '/queue/wss', body: 'over wss' });
    return (await got).body;
  } finally {
    await client.deactivate();
  }
}

async function mqttRoundTrip(url: string, username: string): Promise<string> {
  const m = await mqtt.connectAsync(url, { username, password: PASSWORD, ca, reconnectPeriod: 0 });
  try {
    await m.subscribeAsync('tls/t', { qos: 1 });
    const got = new Promise<string>((resolve) => m.on('message', (_t, p) => resolve(p.toString())));
    await m.publishAsync('tls/t', 'mqtts', { qos: 1 });
    return await got;
  } finally {
    await m.endAsync();
  }
}

async function stompRoundTrip(u: URL, login: string, virtualHost?: string): Promise<string> {
  const client = await StompTcp.open(u.hostname, Number(u.port), login, PASSWORD, 5_000, { ca }, virtualHost);
  const got = new Promise<string>((resolve) => (client.onMessage = (f) => resolve(f.body)));
  client.subscribe('/queue/tls', 'tls');
  await client.send('/queue/tls', 'secret', { persistent: 'true' });
  const body = await got;
  await client.close();
  return body;
}

describe('ACTIVEMQ broker, default endpoints: TLS with the local CA, every endpoint really connects', () => {
  let h: MqHarness;
  let d: DescribeBrokerResponse;

  beforeAll(async () => {
    h = await startMq({ WHARF_RABBITMQ_MANAGEMENT_URL: '' });
    const { BrokerId } = await h.client.send(
      new CreateBrokerCommand({
        BrokerName: `tls-${h.id}`, EngineType: 'ACTIVEMQ', EngineVersion: '5.19', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.t3.micro',
        PubliclyAccessible: false, Users: [{ Username: 'app', Password: PASSWORD }],
      }),
    );
    d = await waitForState(h.client, BrokerId as string, 'RUNNING', 90_000);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lists ssl, amqp+ssl, stomp+ssl, mqtt+ssl and wss endpoints, as Amazon MQ does', () => {
    expect(d.BrokerInstances?.[0].Endpoints?.map((e) => e.split('://')[0])).toEqual(['ssl', 'amqp+ssl', 'stomp+ssl', 'mqtt+ssl', 'wss']);
    expect(readFileSync(join(h.dataDir, d.BrokerId as string, 'instance-1', 'broker.xml'), 'utf8')).toContain(`keyStore="${ensureLocalCa().keyStorePath}"`);
  });

  it('OpenWire over TLS: the broker greets with its WireFormatInfo after a handshake that trusts only the local CA', async () => {
    const u = endpoint(d, 'ssl');
    const greeting = await new Promise<Buffer>((resolve, reject) => {
      const s = tlsConnect({ host: u.hostname, port: Number(u.port), ca, servername: 'localhost' });
      s.once('data', (b: Buffer) => {
        resolve(b);
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(greeting.includes(Buffer.from('ActiveMQ'))).toBe(true);
  });

  it('STOMP, MQTT and AMQP 1.0 over TLS and STOMP over wss round-trip; cleartext on a TLS port fails', async () => {
    const s = endpoint(d, 'stomp+ssl');
    expect(await stompRoundTrip(s, 'app')).toBe('secret');
    await expect(StompTcp.open(s.hostname, Number(s.port), 'app', PASSWORD, 2_000)).rejects.toThrow();

    expect(await mqttRoundTrip(endpoint(d, 'mqtt+ssl').toString().replace('mqtt+ssl:', 'mqtts:'), 'app')).toBe('mqtts');

    const a = endpoint(d, 'amqp+ssl');
    const conn = await amqpConnect(a.hostname, Number(a.port), 'app', PASSWORD, { ca });
    await amqpSend(conn, 'queue://tls-amqp', ['amqps']);
    expect(await amqpReceive(conn, 'queue://tls-amqp', 1).messages).toEqual(['amqps']);
    conn.close();

    expect(await wssRoundTrip(endpoint(d, 'wss').toString(), 'app')).toBe('over wss');
  });
});

describe('RABBITMQ broker, default endpoints: amqps and TLS for MQTT, STOMP, wss and the console (TLS terminated in mq)', () => {
  let h: MqHarness;
  let d: DescribeBrokerResponse;
  let vhost: string;
  const user = `tls${Date.now().toString(36)}`;

  beforeAll(async () => {
    h = await startMq({ WHARF_MQ_ACTIVEMQ_STRATEGY: 'off' });
    const { BrokerId } = await h.client.send(
      new CreateBrokerCommand({
        BrokerName: `rabbit-tls-${h.id}`, EngineType: 'RABBITMQ', EngineVersion: '3.13', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.m5.large',
        PubliclyAccessible: false, Users: [{ Username: user, Password: PASSWORD }],
      }),
    );
    d = await waitForState(h.client, BrokerId as string, 'RUNNING', 30_000);
    vhost = decodeURIComponent(endpoint(d, 'amqps').pathname.slice(1));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lists amqps first (as Amazon MQ does), then the other protocols over TLS; the console is https', () => {
    const eps = d.BrokerInstances?.[0].Endpoints ?? [];
    expect(eps.map((e) => e.split('://')[0])).toEqual(['amqps', 'mqtt+ssl', 'stomp+ssl', 'wss']);
    expect(eps[0]).toMatch(new RegExp(`^amqps://127\\.0\\.0\\.1:\\d+/${d.BrokerId}$`));
    expect(d.BrokerInstances?.[0].ConsoleURL).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('AMQP 0-9-1 over TLS (amqplib amqps://, trusting only the local CA): a persistent message round-trips', async () => {
    const u = endpoint(d, 'amqps');
    u.username = encodeURIComponent(user);
    u.password = encodeURIComponent(PASSWORD);
    const conn = await amqp.connect(u.toString(), { ca: [ca], servername: 'localhost' });
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue('tls-orders', { durable: true });
      ch.sendToQueue('tls-orders', Buffer.from('order over amqps'), { persistent: true });
      const got = await new Promise<string>((resolve) => void ch.consume('tls-orders', (m) => m && (ch.ack(m), resolve(m.content.toString()))));
      expect(got).toBe('order over amqps');
    } finally {
      await conn.close();
    }
    // without the CA the handshake is refused: the endpoint really is TLS with the local CA's certificate
    await expect(amqp.connect(u.toString())).rejects.toThrow(/self-signed|unable to get local issuer|certificate/i);
  });

  it('MQTT, STOMP and STOMP over wss round-trip over TLS; the console answers over https', async () => {
    expect(await mqttRoundTrip(endpoint(d, 'mqtt+ssl').toString().replace('mqtt+ssl:', 'mqtts:'), `${vhost}:${user}`)).toBe('mqtts');
    expect(await stompRoundTrip(endpoint(d, 'stomp+ssl'), user, vhost)).toBe('secret');
    expect(await wssRoundTrip(endpoint(d, 'wss').toString(), user, vhost)).toBe('over wss');
    const consoleUrl = d.BrokerInstances?.[0].ConsoleURL as string;
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL('/api/whoami', consoleUrl);
      const s = tlsConnect({ host: u.hostname, port: Number(u.port), ca, servername: 'localhost' }, () => {
        s.write(`GET ${u.pathname} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}\r\nConnection: close\r\n\r\n`);
      });
      let head = '';
      s.on('data', (b: Buffer) => (head += b.toString()));
      s.on('end', () => resolve(Number(head.split(' ')[1])));
      s.on('error', reject);
    });
    expect(status).toBe(200);
  });
});
