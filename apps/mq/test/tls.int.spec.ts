import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBrokerCommand, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { Client as StompClient, type IMessage } from '@stomp/stompjs';
import { repoRoot, uniqueId } from '@wharf/testing';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PASSWORD, endpoint, startMq, waitForState, type MqHarness } from './harness';
import { amqpConnect, amqpReceive, amqpSend } from './amqp10';
import { StompTcp } from './stomp-tcp';

/** A throw-away key pair for CN=localhost / IP 127.0.0.1, as a JKS keystore (brokers) and a PEM certificate (clients). */
function makeKeystore(dir: string): { keyStore: string; ca: string } {
  mkdirSync(dir, { recursive: true });
  const keyStore = join(dir, 'broker.jks');
  const run = (args: string[]) => execFileSync('keytool', args, { stdio: 'pipe' });
  run(['-genkeypair', '-alias', 'broker', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '2', '-storetype', 'JKS', '-keystore', keyStore,
    '-storepass', 'wharf-ks-pass', '-keypass', 'wharf-ks-pass', '-dname', 'CN=localhost', '-ext', 'SAN=dns:localhost,ip:127.0.0.1']);
  const ca = run(['-exportcert', '-rfc', '-alias', 'broker', '-keystore', keyStore, '-storepass', 'wharf-ks-pass']).toString();
  return { keyStore, ca };
}

describe('ACTIVEMQ broker with TLS configured: every endpoint is TLS and really connects', () => {
  let h: MqHarness;
  let d: DescribeBrokerResponse;
  let ca: string;
  const dir = join(repoRoot, 'tmp', 'mq-test', uniqueId('tls'));

  beforeAll(async () => {
    const ks = makeKeystore(dir);
    ca = ks.ca;
    h = await startMq({ WHARF_RABBITMQ_MANAGEMENT_URL: '', WHARF_MQ_ACTIVEMQ_KEYSTORE: ks.keyStore, WHARF_MQ_ACTIVEMQ_KEYSTORE_PASSWORD: 'wharf-ks-pass' });
    const { BrokerId } = await h.client.send(
      new CreateBrokerCommand({
        BrokerName: `tls-${h.id}`, EngineType: 'ACTIVEMQ', EngineVersion: '6.1.8', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.t3.micro',
        PubliclyAccessible: false, Users: [{ Username: 'app', Password: PASSWORD }],
      }),
    );
    d = await waitForState(h.client, BrokerId as string, 'RUNNING', 90_000);
  });

  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists ssl, amqp+ssl, stomp+ssl, mqtt+ssl and wss endpoints, as Amazon MQ does', () => {
    expect(d.BrokerInstances?.[0].Endpoints?.map((e) => e.split('://')[0])).toEqual(['ssl', 'amqp+ssl', 'stomp+ssl', 'mqtt+ssl', 'wss']);
  });

  it('STOMP over TLS, MQTT over TLS, AMQP 1.0 over TLS and STOMP over wss round-trip; plain TCP is not served', async () => {
    const s = endpoint(d, 'stomp+ssl');
    const client = await StompTcp.open(s.hostname, Number(s.port), 'app', PASSWORD, 5_000, { ca });
    const got = new Promise<string>((resolve) => (client.onMessage = (f) => resolve(f.body)));
    client.subscribe('/queue/tls', 'tls');
    await client.send('/queue/tls', 'secret', { persistent: 'true' });
    expect(await got).toBe('secret');
    await client.close();
    await expect(StompTcp.open(s.hostname, Number(s.port), 'app', PASSWORD, 2_000)).rejects.toThrow();

    const m = endpoint(d, 'mqtt+ssl');
    const mq = await mqtt.connectAsync(`mqtts://${m.hostname}:${m.port}`, { username: 'app', password: PASSWORD, ca, servername: 'localhost', reconnectPeriod: 0 });
    await mq.subscribeAsync('tls/t', { qos: 1 });
    const mgot = new Promise<string>((resolve) => mq.on('message', (_t, p) => resolve(p.toString())));
    await mq.publishAsync('tls/t', 'mqtts', { qos: 1 });
    expect(await mgot).toBe('mqtts');
    await mq.endAsync();

    const a = endpoint(d, 'amqp+ssl');
    const conn = await amqpConnect(a.hostname, Number(a.port), 'app', PASSWORD, { ca });
    await amqpSend(conn, 'queue://tls-amqp', ['amqps']);
    expect(await amqpReceive(conn, 'queue://tls-amqp', 1).messages).toEqual(['amqps']);
    conn.close();

    const url = endpoint(d, 'wss').toString();
    const ws = new StompClient({
      webSocketFactory: () => new WebSocket(url, ['v12.stomp'], { ca, servername: 'localhost' }),
      connectHeaders: { login: 'app', passcode: PASSWORD },
      reconnectDelay: 0,
    });
    const connected = new Promise<void>((resolve, reject) => {
      ws.onConnect = () => resolve();
      ws.onWebSocketError = () => reject(new Error('wss error'));
    });
    ws.activate();
    await connected;
    const wgot = new Promise<IMessage>((resolve) => ws.subscribe('/queue/wss', resolve));
    ws.publish({ destination: '/queue/wss', body: 'over wss' });
    expect((await wgot).body).toBe('over wss');
    await ws.deactivate();
    expect(readFileSync(join(h.dataDir, d.BrokerId as string, 'instance-1', 'broker.xml'), 'utf8')).toContain('<sslContext keyStore=');
  });
});
