import {
  CreateBrokerCommand,
  CreateUserCommand,
  DescribeBrokerEngineTypesCommand,
  DescribeBrokerInstanceOptionsCommand,
  type CreateBrokerRequest,
  type DescribeBrokerResponse,
} from '@aws-sdk/client-mq';
import amqp from 'amqplib';
import { ensureLocalCa } from '@wharf/service-kit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpConnect, amqpReceive, amqpSend } from './amqp10';
import { PASSWORD, endpoint, startMq, waitForState, type MqHarness } from './harness';
import { StompTcp } from './stomp-tcp';

/* The engine versions Amazon MQ offers today, run for real: ActiveMQ 5.19 and 5.18 by that ActiveMQ line,
 * RabbitMQ 4.2 and 3.13 by this machine's RabbitMQ node (its version stated in /health). */

/** What Terraform's aws_mq_broker sends (engine name in its case, maintenance window, logs, encryption, tags). */
function terraformShaped(over: Partial<CreateBrokerRequest>): CreateBrokerRequest {
  return {
    BrokerName: 'tf',
    EngineType: 'ActiveMQ' as never,
    EngineVersion: '5.19',
    HostInstanceType: 'mq.m5.large',
    DeploymentMode: 'SINGLE_INSTANCE',
    StorageType: 'EFS',
    PubliclyAccessible: false,
    AutoMinorVersionUpgrade: true,
    AuthenticationStrategy: 'SIMPLE',
    EncryptionOptions: { UseAwsOwnedKey: true },
    Logs: { General: false, Audit: false },
    MaintenanceWindowStartTime: { DayOfWeek: 'MONDAY', TimeOfDay: '02:00', TimeZone: 'UTC' },
    Tags: { env: 'test' },
    Users: [{ Username: 'app', Password: PASSWORD, ConsoleAccess: true, Groups: ['admins'] }],
    ...over,
  };
}

/** The instance's console (Jolokia): status without credentials, and the broker's own version with them. */
async function consoleCheck(consoleURL: string, brokerName: string): Promise<{ anonymous: number; version: string }> {
  const anonymous = (await fetch(consoleURL)).status;
  const auth = `Basic ${Buffer.from(`app:${PASSWORD}`).toString('base64')}`;
  const res = await fetch(`${consoleURL}read/org.apache.activemq:type=Broker,brokerName=${brokerName}/BrokerVersion`, { headers: { authorization: auth } });
  expect(res.status).toBe(200);
  return { anonymous, version: ((await res.json()) as { value: string }).value };
}

async function stompRoundTrip(d: DescribeBrokerResponse, queue: string): Promise<StompTcp['connectedHeaders']> {
  const u = endpoint(d, 'stomp+ssl'); // endpoints are TLS by default, with the local CA's certificate
  const c = await StompTcp.open(u.hostname, Number(u.port), 'app', PASSWORD, 5_000, { ca });
  try {
    const got = new Promise<string>((resolve) => (c.onMessage = (f) => resolve(f.body)));
    await c.subscribeSync(queue, 's');
    await c.send(queue, 'hello');
    expect(await got).toBe('hello');
    return c.connectedHeaders;
  } finally {
    await c.close();
  }
}

const ca = ensureLocalCa().ca;

describe('engine versions as Amazon MQ offers them', () => {
  let h: MqHarness;

  beforeAll(async () => {
    h = await startMq();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lists ActiveMQ 5.19, 5.18 (and 6.1.8) and RabbitMQ 4.2, 3.13; /health says what really serves each', async () => {
    const types = await h.client.send(new DescribeBrokerEngineTypesCommand({}));
    expect(types.BrokerEngineTypes).toEqual([
      { EngineType: 'RABBITMQ', EngineVersions: [{ Name: '4.2' }, { Name: '3.13' }] },
      { EngineType: 'ACTIVEMQ', EngineVersions: [{ Name: '5.19' }, { Name: '5.18' }, { Name: '6.1.8' }] },
    ]);
    const opts = await h.client.send(new DescribeBrokerInstanceOptionsCommand({ EngineType: 'RABBITMQ', HostInstanceType: 'mq.m7g.large' }));
    expect(opts.BrokerInstanceOptions?.[0].SupportedEngineVersions).toEqual(['4.2', '3.13']);
    const health = (await (await fetch(`${h.app.url}/health`)).json()) as unknown;
    const text = JSON.stringify(health);
    expect(text).toMatch(/"servedBy":\{"4\.2":"3\.\d+\.\d+","3\.13":"3\.\d+\.\d+"\}/);
    expect(text).toContain('"servedBy":{"5.19":"5.19.1","5.18":"5.18.4","6.1.8":"6.1.8"}');
  });

  it('refuses versions AWS retired with its BadRequestException and message', async () => {
    for (const [EngineType, EngineVersion, valid] of [
      ['ACTIVEMQ', '5.17.6', '5.19, 5.18, 6.1.8'],
      ['ACTIVEMQ', '5.15', '5.19, 5.18, 6.1.8'],
      ['RABBITMQ', '3.12', '4.2, 3.13'],
      ['RABBITMQ', '3.11.20', '4.2, 3.13'],
    ] as const) {
      await expect(
        h.client.send(new CreateBrokerCommand(terraformShaped({ BrokerName: `old-${h.id}`, EngineType, EngineVersion, StorageType: EngineType === 'RABBITMQ' ? 'EBS' : 'EFS' }))),
      ).rejects.toMatchObject({
        name: 'BadRequestException',
        ErrorAttribute: 'engineVersion',
        message: `Broker engine version [${EngineVersion}] is invalid for broker engine type [${EngineType}]. Valid values: [${valid}].`,
      });
    }
  });

  it('RabbitMQ "4.2" (Terraform-shaped) reaches RUNNING and serves AMQP 0-9-1; CreateUser is refused', async () => {
    const user = `tf${Date.now().toString(36)}`;
    const { BrokerId } = await h.client.send(
      new CreateBrokerCommand(terraformShaped({
        BrokerName: `rabbit42-${h.id}`, EngineType: 'RabbitMQ' as never, EngineVersion: '4.2', HostInstanceType: 'mq.m7g.large', StorageType: 'EBS',
        Users: [{ Username: user, Password: PASSWORD }],
      })),
    );
    const d = await waitForState(h.client, BrokerId as string, 'RUNNING', 30_000);
    expect(d).toMatchObject({ EngineType: 'RABBITMQ', EngineVersion: '4.2', AutoMinorVersionUpgrade: true });
    const u = endpoint(d, 'amqps');
    u.username = user;
    u.password = PASSWORD;
    const conn = await amqp.connect(u.toString(), { ca: [ca], servername: 'localhost' });
    try {
      const ch = await conn.createChannel();
      const q = await ch.assertQueue('', { exclusive: true });
      ch.sendToQueue(q.queue, Buffer.from('on 4.2'));
      const got = await new Promise<string>((resolve) => void ch.consume(q.queue, (m) => m && resolve(m.content.toString()), { noAck: true }));
      expect(got).toBe('on 4.2');
    } finally {
      await conn.close();
    }
    await expect(h.client.send(new CreateUserCommand({ BrokerId, Username: `${user}x`, Password: PASSWORD }))).rejects.toMatchObject({
      name: 'BadRequestException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('ActiveMQ "5.19" ACTIVE_STANDBY_MULTI_AZ (Terraform-shaped) runs ActiveMQ 5.19.x: STOMP, AMQP 1.0, MQTT and its console', async () => {
    const { BrokerId } = await h.client.send(new CreateBrokerCommand(terraformShaped({ BrokerName: `amq519-${h.id}`, DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' })));
    const d = await waitForState(h.client, BrokerId as string, 'RUNNING', 120_000);
    expect(d).toMatchObject({ EngineType: 'ACTIVEMQ', EngineVersion: '5.19', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' });
    expect(d.BrokerInstances).toHaveLength(2);

    expect((await stompRoundTrip(d, '/queue/v519')).server).toMatch(/^ActiveMQ\/5\.19\.\d+$/);
    const a = endpoint(d, 'amqp+ssl');
    const conn = await amqpConnect(a.hostname, Number(a.port), 'app', PASSWORD, { ca });
    try {
      await amqpSend(conn, 'queue://amqp-519', ['x1', 'x2']);
      expect(await amqpReceive(conn, 'queue://amqp-519', 2).messages).toEqual(['x1', 'x2']);
    } finally {
      conn.close();
    }
    const m = endpoint(d, 'mqtt+ssl').toString().replace('mqtt+ssl:', 'mqtts:');
    const sub = await mqtt.connectAsync(m, { username: 'app', password: PASSWORD, ca, reconnectPeriod: 0 });
    try {
      await sub.subscribeAsync('v519/#', { qos: 1 });
      const got = new Promise<string>((resolve) => sub.on('message', (_t, p) => resolve(p.toString())));
      await sub.publishAsync('v519/a', 'mqtt on 5.19', { qos: 1 });
      expect(await got).toBe('mqtt on 5.19');
    } finally {
      await sub.endAsync();
    }

    const view = (await (await fetch(`${h.app.url}/_wharf/mq/brokers/${BrokerId}/instances`)).json()) as { instances: Array<{ role: string; engineVersion: string }> };
    expect(view.instances.map((i) => i.engineVersion)).toEqual(['5.19.1', '5.19.1']);
    const active = d.BrokerInstances?.[0].ConsoleURL as string;
    expect(active).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jolokia\/$/);
    expect(await consoleCheck(active, BrokerId as string)).toEqual({ anonymous: 401, version: '5.19.1' });
  });

  it('ActiveMQ "5.18" SINGLE_INSTANCE runs ActiveMQ 5.18.x', async () => {
    const { BrokerId } = await h.client.send(new CreateBrokerCommand(terraformShaped({ BrokerName: `amq518-${h.id}`, EngineVersion: '5.18' })));
    const d = await waitForState(h.client, BrokerId as string, 'RUNNING', 120_000);
    expect(d).toMatchObject({ EngineVersion: '5.18', DeploymentMode: 'SINGLE_INSTANCE' });
    expect((await stompRoundTrip(d, '/queue/v518')).server).toMatch(/^ActiveMQ\/5\.18\.\d+$/);
    expect(await consoleCheck(d.BrokerInstances?.[0].ConsoleURL as string, BrokerId as string)).toEqual({ anonymous: 401, version: '5.18.4' });
  });
});
