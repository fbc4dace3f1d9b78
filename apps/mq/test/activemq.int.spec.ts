import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBrokerCommand,
  CreateConfigurationCommand,
  CreateUserCommand,
  DeleteBrokerCommand,
  DeleteUserCommand,
  DescribeBrokerCommand,
  DescribeUserCommand,
  RebootBrokerCommand,
  UpdateBrokerCommand,
  UpdateConfigurationCommand,
  UpdateUserCommand,
  type DescribeBrokerResponse,
} from '@aws-sdk/client-mq';
import { Client as StompClient, type IMessage } from '@stomp/stompjs';
import { canBind } from '@wharf/mq-backend-activemq';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { amqpConnect, amqpReceive, amqpSend } from './amqp10';
import { PASSWORD, endpoint, sleep, startMq, waitForGone, waitForState, type MqHarness } from './harness';
import { StompTcp, type StompFrame } from './stomp-tcp';

const host = (u: URL) => u.hostname;
const port = (u: URL) => Number(u.port);

/** app's password: changed by UpdateUser in the reboot test. */
let appPassword = PASSWORD;

async function stomp(d: DescribeBrokerResponse, user = 'app', password = user === 'app' ? appPassword : PASSWORD): Promise<StompTcp> {
  const u = endpoint(d, 'stomp');
  return StompTcp.open(host(u), port(u), user, password);
}

function collect(client: StompTcp, n: number, ack = false, timeoutMs = 10_000): Promise<StompFrame[]> {
  return new Promise((resolve, reject) => {
    const got: StompFrame[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length}/${n}`)), timeoutMs);
    client.onMessage = (f) => {
      if (ack) client.ack(f);
      got.push(f);
      if (got.length === n) {
        clearTimeout(timer);
        resolve(got);
      }
    };
  });
}

function pidOf(h: MqHarness, brokerId: string, instance: number): number {
  return Number(readFileSync(join(h.dataDir, brokerId, `instance-${instance}`, 'broker.pid'), 'utf8').trim());
}

describe('ACTIVEMQ broker (local ActiveMQ Classic process) through @aws-sdk/client-mq', () => {
  let h: MqHarness;
  let brokerId: string;
  let d: DescribeBrokerResponse;

  beforeAll(async () => {
    // the cleartext listing (WHARF_MQ_ENDPOINTS=plain); the default, TLS, is tls.int.spec.ts
    h = await startMq({ WHARF_RABBITMQ_MANAGEMENT_URL: '', WHARF_MQ_ENDPOINTS: 'plain' });
    const created = await h.client.send(
      new CreateBrokerCommand({
        BrokerName: `amq-${h.id}`,
        EngineType: 'ACTIVEMQ',
        EngineVersion: '6.1.8', // the 6.x line these tests were written on (5.19, the default now, has its own tests)
        DeploymentMode: 'SINGLE_INSTANCE',
        HostInstanceType: 'mq.m5.large',
        PubliclyAccessible: false,
        Users: [
          { Username: 'app', Password: PASSWORD, Groups: ['admins'], ConsoleAccess: true },
          { Username: 'reader', Password: PASSWORD },
        ],
      }),
    );
    brokerId = created.BrokerId as string;
    d = await waitForState(h.client, brokerId, 'RUNNING', 90_000);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('describes one instance with real OpenWire, AMQP, STOMP, MQTT and WebSocket endpoints', () => {
    expect(d).toMatchObject({ EngineType: 'ACTIVEMQ', DeploymentMode: 'SINGLE_INSTANCE', StorageType: 'EFS', EngineVersion: '6.1.8' });
    const eps = d.BrokerInstances?.[0].Endpoints ?? [];
    expect(eps.map((e) => e.split('://')[0])).toEqual(['tcp', 'amqp', 'stomp', 'mqtt', 'ws']);
    for (const e of eps) {
      const p = Number(new URL(e).port);
      expect(p).toBeGreaterThanOrEqual(h.portRange[0]);
      expect(p).toBeLessThanOrEqual(h.portRange[1]);
    }
    expect(d.Users?.map((u) => u.Username)).toEqual(['app', 'reader']);
  });

  it('STOMP (raw TCP): a queue round-trip and topic pub/sub to two subscribers', async () => {
    const producer = await stomp(d);
    const consumer = await stomp(d, 'reader');
    const sub2 = await stomp(d);
    try {
      const q = collect(consumer, 1);
      consumer.subscribe('/queue/orders', 'q');
      await producer.send('/queue/orders', 'order-1', { persistent: 'true' });
      expect((await q)[0].body).toBe('order-1');

      const t1 = collect(consumer, 1);
      const t2 = collect(sub2, 1);
      await consumer.subscribeSync('/topic/news', 't1');
      await sub2.subscribeSync('/topic/news', 't2');
      await producer.send('/topic/news', 'headline');
      expect((await t1)[0].body).toBe('headline');
      expect((await t2)[0].body).toBe('headline');
    } finally {
      await Promise.all([producer.close(), consumer.close(), sub2.close()]);
    }
  });

  it('MQTT: publish/subscribe', async () => {
    const url = endpoint(d, 'mqtt').toString();
    const sub = await mqtt.connectAsync(url, { username: 'reader', password: PASSWORD, reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(url, { username: 'app', password: PASSWORD, reconnectPeriod: 0 });
    try {
      await sub.subscribeAsync('trucks/+/gps', { qos: 1 });
      const got = new Promise<[string, string]>((resolve) => sub.on('message', (t, p) => resolve([t, p.toString()])));
      await pub.publishAsync('trucks/7/gps', '52.37,4.89', { qos: 1 });
      expect(await got).toEqual(['trucks/7/gps', '52.37,4.89']);
    } finally {
      await Promise.all([sub.endAsync(), pub.endAsync()]);
    }
  });

  it('AMQP 1.0 (rhea): a queue round-trip and a topic to two receivers', async () => {
    const u = endpoint(d, 'amqp');
    const conn = await amqpConnect(host(u), port(u), 'app', PASSWORD);
    try {
      await amqpSend(conn, 'queue://amqp-orders', ['a1', 'a2', 'a3']);
      expect(await amqpReceive(conn, 'queue://amqp-orders', 3).messages).toEqual(['a1', 'a2', 'a3']);
      const r1 = amqpReceive(conn, 'topic://amqp-news', 1);
      const r2 = amqpReceive(conn, 'topic://amqp-news', 1);
      await Promise.all([r1.ready, r2.ready]);
      await amqpSend(conn, 'topic://amqp-news', ['flash']);
      expect(await r1.messages).toEqual(['flash']);
      expect(await r2.messages).toEqual(['flash']);
    } finally {
      conn.close();
    }
  });

  it('WebSocket: STOMP over ws (@stomp/stompjs) and MQTT over ws', async () => {
    const url = endpoint(d, 'ws').toString();
    const client = new StompClient({
      webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp']),
      connectHeaders: { login: 'app', passcode: PASSWORD },
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
      const got = new Promise<IMessage>((resolve) => client.subscribe('/queue/ws-q', resolve));
      client.publish({ destination: '/queue/ws-q', body: 'over websocket' });
      expect((await got).body).toBe('over websocket');
    } finally {
      await client.deactivate();
    }
    const m = await mqtt.connectAsync(url, { username: 'app', password: PASSWORD, reconnectPeriod: 0, protocolVersion: 4 });
    try {
      await m.subscribeAsync('ws/echo', { qos: 1 });
      const got = new Promise<string>((resolve) => m.on('message', (_t, p) => resolve(p.toString())));
      await m.publishAsync('ws/echo', 'mqtt over ws', { qos: 1 });
      expect(await got).toBe('mqtt over ws');
    } finally {
      await m.endAsync();
    }
  });

  it('one destination, many protocols: MQTT publishes, STOMP and AMQP 1.0 receive on the topic', async () => {
    const s = await stomp(d);
    const u = endpoint(d, 'amqp');
    const conn = await amqpConnect(host(u), port(u), 'app', PASSWORD);
    const m = await mqtt.connectAsync(endpoint(d, 'mqtt').toString(), { username: 'app', password: PASSWORD, reconnectPeriod: 0 });
    try {
      const viaStomp = collect(s, 1);
      await s.subscribeSync('/topic/mixed.topic', 'mixed');
      const viaAmqp = amqpReceive(conn, 'topic://mixed.topic', 1);
      await viaAmqp.ready;
      await m.publishAsync('mixed/topic', 'from mqtt', { qos: 1 });
      expect((await viaStomp)[0].body).toBe('from mqtt');
      expect(await viaAmqp.messages).toEqual(['from mqtt']);
    } finally {
      await Promise.all([s.close(), m.endAsync()]);
      conn.close();
    }
  });

  it('refuses a wrong password on STOMP, MQTT and AMQP 1.0, and an unknown user', async () => {
    await expect(stomp(d, 'app', 'Wrong-password-123')).rejects.toThrow(/invalid/i);
    await expect(stomp(d, 'nobody', PASSWORD)).rejects.toThrow(/invalid/i);
    await expect(mqtt.connectAsync(endpoint(d, 'mqtt').toString(), { username: 'app', password: 'Wrong-password-123', reconnectPeriod: 0 })).rejects.toThrow();
    const u = endpoint(d, 'amqp');
    await expect(amqpConnect(host(u), port(u), 'app', 'Wrong-password-123')).rejects.toThrow(/AMQP connection failed/);
  });

  it('RebootBroker applies pending users, instance type and configuration; persistent messages survive', async () => {
    // 100 persistent messages waiting in a queue
    const p = await stomp(d);
    for (let i = 0; i < 100; i++) await p.send('/queue/keep', `k${i}`, { persistent: 'true' });
    await p.close();
    // pending changes: a new user, a deleted user, a bigger instance, a configuration with a composite queue
    await h.client.send(new CreateUserCommand({ BrokerId: brokerId, Username: 'late', Password: PASSWORD }));
    await h.client.send(new DeleteUserCommand({ BrokerId: brokerId, Username: 'reader' }));
    await h.client.send(new UpdateUserCommand({ BrokerId: brokerId, Username: 'app', Password: 'Changed-pass-456', Groups: ['admins', 'ops'] }));
    expect((await h.client.send(new DescribeUserCommand({ BrokerId: brokerId, Username: 'app' })))).toMatchObject({
      Groups: ['admins'], Pending: { PendingChange: 'UPDATE', Groups: ['admins', 'ops'] },
    });
    (await stomp(d, 'app', PASSWORD)).destroy(); // the old password still works until the reboot
    expect((await h.client.send(new DescribeUserCommand({ BrokerId: brokerId, Username: 'late' }))).Pending?.PendingChange).toBe('CREATE');
    await expect(stomp(d, 'late')).rejects.toThrow(/invalid/i); // not before the reboot
    const cfg = await h.client.send(new CreateConfigurationCommand({ EngineType: 'ACTIVEMQ', Name: `fanout-${h.id}` }));
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<broker xmlns="http://activemq.apache.org/schema/core">
  <destinationInterceptors>
    <virtualDestinationInterceptor>
      <virtualDestinations>
        <compositeQueue name="fanout.in">
          <forwardTo><queue physicalName="fanout.a"/><queue physicalName="fanout.b"/></forwardTo>
        </compositeQueue>
      </virtualDestinations>
    </virtualDestinationInterceptor>
  </destinationInterceptors>
</broker>`;
    const rev = await h.client.send(new UpdateConfigurationCommand({ ConfigurationId: cfg.Id, Data: Buffer.from(xml).toString('base64'), Description: 'composite queue' }));
    expect(rev.Warnings).toEqual([]);
    await h.client.send(new UpdateBrokerCommand({ BrokerId: brokerId, HostInstanceType: 'mq.m5.xlarge', Configuration: { Id: cfg.Id, Revision: 2 } }));
    const pending = await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    expect(pending.PendingHostInstanceType).toBe('mq.m5.xlarge');
    expect(pending.Configurations?.Pending).toEqual({ Id: cfg.Id, Revision: 2 });
    const pidBefore = pidOf(h, brokerId, 1);

    await h.client.send(new RebootBrokerCommand({ BrokerId: brokerId }));
    expect((await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }))).BrokerState).toBe('REBOOT_IN_PROGRESS');
    const after = await waitForState(h.client, brokerId, 'RUNNING', 90_000);
    expect(after.HostInstanceType).toBe('mq.m5.xlarge');
    expect(after.PendingHostInstanceType).toBeUndefined();
    expect(after.Configurations?.Current).toEqual({ Id: cfg.Id, Revision: 2 });
    expect(after.Users).toEqual([{ Username: 'app' }, { Username: 'late' }]);
    expect(after.BrokerInstances?.[0].Endpoints).toEqual(d.BrokerInstances?.[0].Endpoints); // same ports
    const pidAfter = pidOf(h, brokerId, 1);
    expect(pidAfter).not.toBe(pidBefore); // a real restart
    expect(readFileSync(`/proc/${pidAfter}/cmdline`, 'utf8')).toContain('-Xmx1g'); // mq.m5.xlarge

    // users as pending said: late in, reader out, app with its new password only
    await expect(stomp(d, 'reader')).rejects.toThrow(/invalid/i);
    await expect(stomp(d, 'app', PASSWORD)).rejects.toThrow(/invalid/i);
    (await stomp(d, 'app', 'Changed-pass-456')).destroy();
    appPassword = 'Changed-pass-456';
    const appUser = await h.client.send(new DescribeUserCommand({ BrokerId: brokerId, Username: 'app' }));
    expect(appUser.Groups).toEqual(['admins', 'ops']);
    expect(appUser.Pending).toBeUndefined();
    const c = await stomp(d, 'late');
    try {
      const kept = collect(c, 100, true);
      c.subscribe('/queue/keep', 'keep', 'client-individual');
      expect((await kept).map((f) => f.body)).toEqual(Array.from({ length: 100 }, (_, i) => `k${i}`));
      // the configuration's composite queue is live
      const a = collect(c, 2, true);
      c.subscribe('/queue/fanout.a', 'fa', 'client-individual');
      c.subscribe('/queue/fanout.b', 'fb', 'client-individual');
      await c.send('/queue/fanout.in', 'to both');
      expect((await a).map((f) => f.headers.destination).sort()).toEqual(['/queue/fanout.a', '/queue/fanout.b']);
    } finally {
      await c.close();
    }
  });

  it('a restarted mq re-attaches to a running broker and restarts one that died meanwhile', async () => {
    const pid = pidOf(h, brokerId, 1);
    await h.app.kill(); // mq crashes; the broker runs on
    const p = await stomp(d);
    await p.send('/queue/restart', 'while mq was down', { persistent: 'true' });
    await p.close();
    await h.restart();
    expect((await waitForState(h.client, brokerId, 'RUNNING', 10_000)).BrokerInstances?.[0].Endpoints).toEqual(d.BrokerInstances?.[0].Endpoints);
    expect(pidOf(h, brokerId, 1)).toBe(pid); // adopted, not restarted

    await h.app.kill();
    process.kill(pid, 'SIGKILL'); // the broker dies while mq is down
    await sleep(300);
    await h.restart();
    const deadline = Date.now() + 60_000;
    let c: StompTcp | undefined;
    while (!c) {
      c = await stomp(d).catch(() => undefined);
      if (!c && Date.now() > deadline) throw new Error('broker not restarted by the new mq');
      if (!c) await sleep(250);
    }
    expect(pidOf(h, brokerId, 1)).not.toBe(pid);
    try {
      const got = collect(c, 1, true);
      c.subscribe('/queue/restart', 'r', 'client-individual');
      expect((await got)[0].body).toBe('while mq was down');
    } finally {
      await c.close();
    }
  });

  it('DeleteBroker stops the process and frees its ports and data', async () => {
    const ports = (d.BrokerInstances?.[0].Endpoints ?? []).map((e) => Number(new URL(e).port));
    const pid = pidOf(h, brokerId, 1);
    await h.client.send(new DeleteBrokerCommand({ BrokerId: brokerId }));
    await waitForGone(h.client, brokerId, 60_000);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(existsSync(join(h.dataDir, brokerId))).toBe(false);
    for (const p of ports) expect(await canBind('127.0.0.1', p)).toBe(true);
  });
});
