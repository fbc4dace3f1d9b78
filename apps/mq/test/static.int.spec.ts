import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBrokerCommand, CreateUserCommand, DeleteBrokerCommand, type CreateBrokerRequest } from '@aws-sdk/client-mq';
import { listenerPort, repoRoot, uniqueId, waitForPort } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, endpoint, startMq, waitForGone, waitForState, type MqHarness } from './harness';
import { StompTcp } from './stomp-tcp';

const deploy = join(repoRoot, 'libs/mq/backend-activemq/deploy');

describe('static strategy: brokers mapped onto an ActiveMQ that already runs (compose / k8s)', () => {
  const dir = join(repoRoot, 'tmp', 'mq-test', uniqueId('static'));
  let broker: ChildProcess;
  let h: MqHarness;
  let ports: Record<string, number>;
  const request = (over: Partial<CreateBrokerRequest> = {}): CreateBrokerRequest => ({
    BrokerName: `static-${h.id}`, EngineType: 'ACTIVEMQ', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.m5.large',
    PubliclyAccessible: false, Users: [{ Username: 'app', Password: PASSWORD }], ...over,
  });

  beforeAll(async () => {
    // the "pre-provisioned" broker: deploy/static-broker.xml + login.config, run with the same launcher
    mkdirSync(join(dir, 'data'), { recursive: true });
    ports = { openwire: await listenerPort(), amqp: await listenerPort(), stomp: await listenerPort(), mqtt: await listenerPort(), ws: await listenerPort() };
    const xml = readFileSync(join(deploy, 'static-broker.xml'), 'utf8')
      .replace(/@BROKER_NAME@/g, 'static')
      .replace(/@DATA_DIR@/g, join(dir, 'data'))
      .replace(/@KAHADB_DIR@/g, join(dir, 'kahadb'))
      .replace(/@HOST@/g, '127.0.0.1')
      .replace(/@OPENWIRE_PORT@/g, String(ports.openwire))
      .replace(/@AMQP_PORT@/g, String(ports.amqp))
      .replace(/@STOMP_PORT@/g, String(ports.stomp))
      .replace(/@MQTT_PORT@/g, String(ports.mqtt))
      .replace(/@WS_PORT@/g, String(ports.ws));
    writeFileSync(join(dir, 'broker.xml'), xml);
    writeFileSync(join(dir, 'users.properties'), '');
    writeFileSync(join(dir, 'groups.properties'), '');
    mkdirSync(join(dir, 'conf'), { recursive: true }); // login.config away from the users files: baseDir must do its job
    writeFileSync(join(dir, 'conf', 'login.config'), readFileSync(join(deploy, 'login.config'), 'utf8').replace('@AUTH_DIR@', dir));
    broker = spawn('bash', [join(repoRoot, 'libs/mq/backend-activemq/launcher/run-instance.sh'), dir], {
      env: { ...process.env, ACTIVEMQ_HEAP: '256m', ACTIVEMQ_JAVA_OPTS: `-Djava.security.auth.login.config=${join(dir, 'conf', 'login.config')}` },
      stdio: ['ignore', 'ignore', 'ignore'],
      cwd: dir,
    });
    await waitForPort(ports.stomp, '127.0.0.1', 90_000);
    const slots = {
      slots: [{ instances: [{ host: '127.0.0.1', ...ports }], usersFile: join(dir, 'users.properties'), groupsFile: join(dir, 'groups.properties') }],
    };
    h = await startMq({ WHARF_RABBITMQ_MANAGEMENT_URL: '', WHARF_MQ_ACTIVEMQ_STRATEGY: 'static', WHARF_MQ_ACTIVEMQ_STATIC: JSON.stringify(slots) });
  });

  afterAll(async () => {
    await h?.close();
    broker?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the running broker to CreateBroker with its endpoints; users enforced at once; delete revokes them', async () => {
    expect(await StompTcp.open('127.0.0.1', ports.stomp, 'app', PASSWORD).catch((e: Error) => e.message)).toMatch(/invalid/i); // nobody yet
    const { BrokerId } = await h.client.send(new CreateBrokerCommand(request()));
    const d = await waitForState(h.client, BrokerId as string, 'RUNNING', 30_000);
    expect(d.BrokerInstances?.[0].Endpoints).toEqual([
      `tcp://127.0.0.1:${ports.openwire}`, `amqp://127.0.0.1:${ports.amqp}`, `stomp://127.0.0.1:${ports.stomp}`, `mqtt://127.0.0.1:${ports.mqtt}`, `ws://127.0.0.1:${ports.ws}`,
    ]);
    const s = endpoint(d, 'stomp');
    const c = await StompTcp.open(s.hostname, Number(s.port), 'app', PASSWORD);
    const got = new Promise<string>((resolve) => (c.onMessage = (f) => resolve(f.body)));
    c.subscribe('/queue/static', 's');
    await c.send('/queue/static', 'hello static');
    expect(await got).toBe('hello static');
    await c.close();
    await expect(StompTcp.open(s.hostname, Number(s.port), 'app', 'Wrong-password-123')).rejects.toThrow(/invalid/i);

    // the only slot is taken; no pair slot at all
    await expect(h.client.send(new CreateBrokerCommand(request({ BrokerName: `second-${h.id}` })))).rejects.toMatchObject({ name: 'BadRequestException', ErrorAttribute: 'deploymentMode' });
    await expect(h.client.send(new CreateBrokerCommand(request({ BrokerName: `pair-${h.id}`, DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' })))).rejects.toMatchObject({ ErrorAttribute: 'deploymentMode' });

    await h.client.send(new CreateUserCommand({ BrokerId, Username: 'late', Password: PASSWORD }));
    (await StompTcp.open(s.hostname, Number(s.port), 'late', PASSWORD)).destroy(); // no reboot needed here

    await h.client.send(new DeleteBrokerCommand({ BrokerId }));
    await waitForGone(h.client, BrokerId as string);
    await expect(StompTcp.open(s.hostname, Number(s.port), 'app', PASSWORD)).rejects.toThrow(/invalid/i);
    // the slot is free again
    const again = await h.client.send(new CreateBrokerCommand(request({ BrokerName: `again-${h.id}` })));
    await waitForState(h.client, again.BrokerId as string, 'RUNNING', 30_000);
  });
});
