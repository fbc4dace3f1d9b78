import type { CreateBrokerRequest } from '@aws-sdk/client-mq';
import { AwsError } from '@wharf/aws-protocol';
import { describe, expect, it } from 'vitest';
import {
  createBroker,
  deleteBroker,
  describeBroker,
  listBrokers,
  rebootBroker,
  updateBroker,
} from './broker-ops';
import { ManualClock } from './clock';
import { createConfiguration } from './configuration-ops';
import { MqEngine } from './engine';
import { errorAttributeOf } from './errors';
import { InMemoryStore } from './store';
import { FakeBackend, deferred } from './testing/fake-backend';
import { createUser, deleteUser, describeUser, listUsers, updateUser } from './user-ops';

const PASSWORD = 'correct-horse-battery';

function setup(store = new InMemoryStore()) {
  const clock = new ManualClock('2024-05-01T10:00:00.000Z');
  const activemq = new FakeBackend('ACTIVEMQ');
  const rabbit = new FakeBackend('RABBITMQ');
  const engine = new MqEngine({ store, backends: [activemq, rabbit], scope: { region: 'eu-west-1', accountId: '123456789012' }, clock });
  return { engine, clock, activemq, rabbit, store };
}

const activeMq = (over: Partial<CreateBrokerRequest> = {}): CreateBrokerRequest => ({
  BrokerName: 'orders',
  EngineType: 'ACTIVEMQ',
  DeploymentMode: 'SINGLE_INSTANCE',
  HostInstanceType: 'mq.m5.large',
  PubliclyAccessible: false,
  Users: [{ Username: 'app', Password: PASSWORD }],
  ...over,
});

const rabbitMq = (over: Partial<CreateBrokerRequest> = {}): CreateBrokerRequest => ({
  ...activeMq({ BrokerName: 'events', EngineType: 'RABBITMQ', Users: [{ Username: 'admin', Password: PASSWORD }] }),
  ...over,
});

async function rejects(p: Promise<unknown>, code: string, attribute?: string): Promise<AwsError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AwsError);
  expect((err as AwsError).code).toBe(code);
  if (attribute) expect(errorAttributeOf(err)).toBe(attribute);
  return err as AwsError;
}

describe('CreateBroker validation', () => {
  it.each([
    ['', 'brokerName'],
    ['has space', 'brokerName'],
    ['a'.repeat(51), 'brokerName'],
    ['wild*card', 'brokerName'],
    ['brackets[1]', 'brokerName'],
  ])('refuses broker name %j', async (name, attr) => {
    await rejects(createBroker(setup().engine, activeMq({ BrokerName: name })), 'BadRequestException', attr);
  });

  it.each([
    ['short', 'at least 12'],
    ['aaaaaaaaaaaaaaa', '4 unique'],
    ['abcdefghijkl,m', 'commas'],
    ['abcdefghijkl:m', 'commas'],
    ['abcdefghijkl=m', 'commas'],
  ])('refuses password %j', async (password, words) => {
    const err = await rejects(createBroker(setup().engine, activeMq({ Users: [{ Username: 'app', Password: password }] })), 'BadRequestException', 'password');
    expect(err.message).toContain(words);
  });

  it('refuses bad usernames, guest on RabbitMQ, and a missing or second RabbitMQ user', async () => {
    const { engine } = setup();
    await rejects(createBroker(engine, activeMq({ Users: [{ Username: 'a', Password: PASSWORD }] })), 'BadRequestException', 'username');
    await rejects(createBroker(engine, activeMq({ Users: [{ Username: 'no spaces', Password: PASSWORD }] })), 'BadRequestException', 'username');
    await rejects(createBroker(engine, rabbitMq({ Users: [{ Username: 'guest', Password: PASSWORD }] })), 'BadRequestException', 'username');
    await rejects(createBroker(engine, rabbitMq({ Users: [{ Username: 'til~de', Password: PASSWORD }] })), 'BadRequestException', 'username');
    await rejects(createBroker(engine, rabbitMq({ Users: [] })), 'BadRequestException', 'users');
    await rejects(
      createBroker(engine, rabbitMq({ Users: [{ Username: 'one', Password: PASSWORD }, { Username: 'two', Password: PASSWORD }] })),
      'BadRequestException',
      'users',
    );
    await rejects(createBroker(engine, activeMq({ Users: [] })), 'BadRequestException', 'users');
    await rejects(createBroker(engine, activeMq({ Users: [{ Username: 'app', Password: PASSWORD, Groups: ['x'] }] })), 'BadRequestException', 'groups');
  });

  it('refuses a deployment mode the engine does not have', async () => {
    const { engine } = setup();
    const a = await rejects(createBroker(engine, activeMq({ DeploymentMode: 'CLUSTER_MULTI_AZ' })), 'BadRequestException', 'deploymentMode');
    expect(a.message).toContain('ACTIVEMQ');
    await rejects(createBroker(engine, rabbitMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' })), 'BadRequestException', 'deploymentMode');
    // micro instances are single-instance only
    await rejects(createBroker(engine, activeMq({ HostInstanceType: 'mq.t3.micro', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' })), 'BadRequestException', 'deploymentMode');
    // the fake RabbitMQ backend is a single node: CLUSTER_MULTI_AZ is refused clearly
    const c = await rejects(createBroker(engine, rabbitMq({ DeploymentMode: 'CLUSTER_MULTI_AZ' })), 'BadRequestException', 'deploymentMode');
    expect(c.message).toContain('cannot be honoured');
    await rejects(createBroker(engine, activeMq({ DeploymentMode: 'SOMETHING' as never })), 'BadRequestException', 'deploymentMode');
  });

  it('refuses missing members, unknown types, EFS for RabbitMQ, EBS for a pair, LDAP and unknown versions', async () => {
    const { engine } = setup();
    await rejects(createBroker(engine, activeMq({ HostInstanceType: undefined })), 'BadRequestException', 'hostInstanceType');
    await rejects(createBroker(engine, activeMq({ HostInstanceType: 'mq.huge' })), 'BadRequestException', 'hostInstanceType');
    await rejects(createBroker(engine, activeMq({ PubliclyAccessible: undefined })), 'BadRequestException', 'publiclyAccessible');
    await rejects(createBroker(engine, activeMq({ EngineType: 'KAFKA' as never })), 'BadRequestException', 'engineType');
    await rejects(createBroker(engine, rabbitMq({ StorageType: 'EFS' })), 'BadRequestException', 'storageType');
    await rejects(createBroker(engine, activeMq({ StorageType: 'EBS', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' })), 'BadRequestException', 'deploymentMode');
    await rejects(createBroker(engine, activeMq({ AuthenticationStrategy: 'LDAP' })), 'BadRequestException', 'authenticationStrategy');
    await rejects(createBroker(engine, activeMq({ EngineVersion: '5.15.0' })), 'BadRequestException', 'engineVersion');
    await rejects(createBroker(engine, activeMq({ DataReplicationMode: 'CRDR' })), 'BadRequestException', 'dataReplicationMode');
    await rejects(createBroker(engine, activeMq({ Configuration: { Id: 'c-nope' } })), 'BadRequestException', 'configuration');
    expect(engine.brokers.size).toBe(0);
  });

  it('accepts engine names in any case and major.minor versions', async () => {
    const { engine } = setup();
    const { BrokerId } = await createBroker(engine, activeMq({ EngineType: 'ActiveMQ' as never, EngineVersion: '6.1' }));
    const d = await describeBroker(engine, { BrokerId });
    expect(d.EngineType).toBe('ACTIVEMQ');
    expect(d.EngineVersion).toBe('6.1.8');
  });

  it('refuses a second broker with the same name (409) but is idempotent on creatorRequestId', async () => {
    const { engine } = setup();
    const first = await createBroker(engine, activeMq({ CreatorRequestId: 'token-1' }));
    const again = await createBroker(engine, activeMq({ CreatorRequestId: 'token-1' }));
    expect(again).toEqual(first);
    await rejects(createBroker(engine, activeMq({ CreatorRequestId: 'token-2' })), 'ConflictException', 'brokerName');
    expect(engine.brokers.size).toBe(1);
  });
});

describe('broker lifecycle', () => {
  it('goes CREATION_IN_PROGRESS → RUNNING with ids, ARN and the clock’s time', async () => {
    const { engine, activemq } = setup();
    const gate = deferred();
    activemq.gate = gate.promise;
    const { BrokerId, BrokerArn } = await createBroker(engine, activeMq());
    expect(BrokerId).toMatch(/^b-[0-9a-f-]{36}$/);
    expect(BrokerArn).toBe(`arn:aws:mq:eu-west-1:123456789012:broker:orders:${BrokerId}`);
    expect((await describeBroker(engine, { BrokerId })).BrokerState).toBe('CREATION_IN_PROGRESS');
    gate.resolve();
    await engine.settled((BrokerId as string));
    const d = await describeBroker(engine, { BrokerId });
    expect(d.BrokerState).toBe('RUNNING');
    expect(d.Created?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(d.Users).toEqual([{ Username: 'app', PendingChange: undefined }]);
    expect(d.BrokerInstances?.[0].Endpoints).toEqual(['tcp://127.0.0.1:1000']);
    expect(d.StorageType).toBe('EFS');
    expect(engine.brokers.get((BrokerId as string))?.runtime).toEqual({ port: 1234 });
  });

  it('ends in CREATION_FAILED with the reason when the backend fails, and cleans up', async () => {
    const { engine, activemq } = setup();
    activemq.failProvision = new Error('port 61616 taken');
    const { BrokerId } = await createBroker(engine, activeMq());
    await engine.settled((BrokerId as string));
    const d = await describeBroker(engine, { BrokerId });
    expect(d.BrokerState).toBe('CREATION_FAILED');
    expect(d.ActionsRequired?.[0].ActionRequiredInfo).toContain('port 61616 taken');
    expect(activemq.calls).toContain(`destroy ${BrokerId}`);
  });

  it('keeps UpdateBroker fields pending until RebootBroker, passing through REBOOT_IN_PROGRESS', async () => {
    const { engine, activemq } = setup();
    const cfg = await createConfiguration(engine, { EngineType: 'ACTIVEMQ', Name: 'cfg' });
    const { BrokerId } = await createBroker(engine, activeMq());
    await engine.settled((BrokerId as string));
    const res = await updateBroker(engine, { BrokerId, HostInstanceType: 'mq.m5.xlarge', Configuration: { Id: cfg.Id }, AutoMinorVersionUpgrade: true, SecurityGroups: ['sg-1'] });
    expect(res.HostInstanceType).toBe('mq.m5.xlarge');
    let d = await describeBroker(engine, { BrokerId });
    expect(d.HostInstanceType).toBe('mq.m5.large');
    expect(d.PendingHostInstanceType).toBe('mq.m5.xlarge');
    expect(d.PendingSecurityGroups).toEqual(['sg-1']);
    expect(d.Configurations?.Pending).toEqual({ Id: cfg.Id, Revision: 1 });
    expect(d.AutoMinorVersionUpgrade).toBe(true); // applied at once
    const gate = deferred();
    activemq.gate = gate.promise;
    await rebootBroker(engine, { BrokerId });
    d = await describeBroker(engine, { BrokerId });
    expect(d.BrokerState).toBe('REBOOT_IN_PROGRESS');
    await rejects(rebootBroker(engine, { BrokerId }), 'BadRequestException', 'broker-id');
    gate.resolve();
    await engine.settled((BrokerId as string));
    d = await describeBroker(engine, { BrokerId });
    expect(d.BrokerState).toBe('RUNNING');
    expect(d.HostInstanceType).toBe('mq.m5.xlarge');
    expect(d.PendingHostInstanceType).toBeUndefined();
    expect(d.SecurityGroups).toEqual(['sg-1']);
    expect(d.Configurations?.Current).toEqual({ Id: cfg.Id, Revision: 1 });
    expect(activemq.calls).toContain(`reboot ${BrokerId}`);
  });

  it('validates UpdateBroker against the engine', async () => {
    const { engine } = setup();
    const { BrokerId } = await createBroker(engine, activeMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }));
    await rejects(updateBroker(engine, { BrokerId, HostInstanceType: 'mq.t3.micro' }), 'BadRequestException', 'hostInstanceType');
    await rejects(updateBroker(engine, { BrokerId, EngineVersion: '9.9' }), 'BadRequestException', 'engineVersion');
    await rejects(updateBroker(engine, { BrokerId: 'b-unknown' }), 'NotFoundException', 'broker-id');
  });

  it('deletes through DELETION_IN_PROGRESS, then answers 404', async () => {
    const { engine, activemq, store } = setup();
    const { BrokerId } = await createBroker(engine, activeMq());
    await engine.settled((BrokerId as string));
    expect(await deleteBroker(engine, { BrokerId })).toEqual({ BrokerId });
    expect((await describeBroker(engine, { BrokerId })).BrokerState).toBe('DELETION_IN_PROGRESS');
    await engine.settled((BrokerId as string));
    await rejects(describeBroker(engine, { BrokerId }), 'NotFoundException', 'broker-id');
    await rejects(deleteBroker(engine, { BrokerId }), 'NotFoundException');
    expect(activemq.calls).toContain(`destroy ${BrokerId}`);
    expect(store.brokers.size).toBe(0);
    // the name is free again
    await createBroker(engine, activeMq());
  });

  it('answers unknown ids with NotFoundException', async () => {
    const { engine } = setup();
    await rejects(describeBroker(engine, { BrokerId: 'b-00000000-0000-0000-0000-000000000000' }), 'NotFoundException', 'broker-id');
    await rejects(rebootBroker(engine, { BrokerId: 'nonsense' }), 'NotFoundException', 'broker-id');
  });

  it('lists the active instance first', async () => {
    const { engine, activemq } = setup();
    activemq.roles = ['down', 'active'];
    const { BrokerId } = await createBroker(engine, activeMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }));
    await engine.settled((BrokerId as string));
    const d = await describeBroker(engine, { BrokerId });
    expect(d.BrokerInstances?.map((i) => i.Endpoints?.[0])).toEqual(['tcp://127.0.0.1:1001', 'tcp://127.0.0.1:1000']);
  });

  it('pages ListBrokers in creation order', async () => {
    const { engine, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      ids.push((await createBroker(engine, activeMq({ BrokerName: `b${i}` }))).BrokerId as string);
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await listBrokers(engine, { MaxResults: 2, NextToken: token });
      expect((page.BrokerSummaries ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...(page.BrokerSummaries ?? []).map((s) => s.BrokerId as string));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(ids);
    await rejects(listBrokers(engine, { MaxResults: 0 }), 'BadRequestException', 'maxResults');
    await rejects(listBrokers(engine, { NextToken: '!!bad' }), 'BadRequestException', 'nextToken');
  });
});

describe('users', () => {
  it('ActiveMQ: changes wait for the reboot, shown as pending', async () => {
    const { engine, activemq } = setup();
    const { BrokerId } = await createBroker(engine, activeMq());
    await engine.settled((BrokerId as string));
    await createUser(engine, { BrokerId, Username: 'second', Password: PASSWORD, Groups: ['admins'], ConsoleAccess: true });
    await rejects(createUser(engine, { BrokerId, Username: 'second', Password: PASSWORD }), 'ConflictException', 'username');
    await rejects(createUser(engine, { BrokerId, Username: 'third', Password: 'short' }), 'BadRequestException', 'password');
    expect((await listUsers(engine, { BrokerId })).Users).toEqual([
      { Username: 'app', PendingChange: undefined },
      { Username: 'second', PendingChange: 'CREATE' },
    ]);
    const pending = await describeUser(engine, { BrokerId, Username: 'second' });
    expect(pending.Pending).toEqual({ PendingChange: 'CREATE', ConsoleAccess: true, Groups: ['admins'] });
    expect(pending.Groups).toBeUndefined();
    await updateUser(engine, { BrokerId, Username: 'app', Password: 'another-password-1' });
    await deleteUser(engine, { BrokerId, Username: 'app' });
    expect((await describeUser(engine, { BrokerId, Username: 'app' })).Pending?.PendingChange).toBe('DELETE');
    expect(activemq.enforced.get((BrokerId as string))).toEqual([`app:${PASSWORD}`]);
    await rebootBroker(engine, { BrokerId });
    await engine.settled((BrokerId as string));
    expect(activemq.enforced.get((BrokerId as string))).toEqual([`second:${PASSWORD}`]);
    const after = await describeUser(engine, { BrokerId, Username: 'second' });
    expect(after).toMatchObject({ Username: 'second', Groups: ['admins'], ConsoleAccess: true, Pending: undefined });
    await rejects(describeUser(engine, { BrokerId, Username: 'app' }), 'NotFoundException', 'username');
    await rejects(deleteUser(engine, { BrokerId, Username: 'second' }), 'BadRequestException', 'username');
  });

  it('RabbitMQ: changes reach the broker before the call returns', async () => {
    const { engine, rabbit } = setup();
    const { BrokerId } = await createBroker(engine, rabbitMq());
    await createUser(engine, { BrokerId, Username: 'worker', Password: PASSWORD }); // waits for creation
    expect(rabbit.enforced.get((BrokerId as string))).toEqual([`admin:${PASSWORD}`, `worker:${PASSWORD}`]);
    expect((await listUsers(engine, { BrokerId })).Users?.every((u) => u.PendingChange === undefined)).toBe(true);
    await updateUser(engine, { BrokerId, Username: 'worker', Password: 'changed-password-2' });
    expect(rabbit.enforced.get((BrokerId as string))).toContain('worker:changed-password-2');
    await deleteUser(engine, { BrokerId, Username: 'worker' });
    expect(rabbit.enforced.get((BrokerId as string))).toEqual([`admin:${PASSWORD}`]);
    await rejects(createUser(engine, { BrokerId, Username: 'guest', Password: PASSWORD }), 'BadRequestException', 'username');
  });
});

describe('restart', () => {
  it('resumes interrupted transitions and re-attaches running brokers', async () => {
    const first = setup();
    const running = await createBroker(first.engine, activeMq({ BrokerName: 'running' }));
    await first.engine.settled((running.BrokerId as string));
    const gate = deferred();
    first.activemq.gate = gate.promise;
    const creating = await createBroker(first.engine, activeMq({ BrokerName: 'creating' }));
    await new Promise((r) => setTimeout(r, 10));
    // "mq" dies here: a new engine over the same store
    const second = setup(first.store);
    await second.engine.start();
    await second.engine.settled((creating.BrokerId as string));
    await second.engine.settled((running.BrokerId as string));
    expect(second.activemq.calls).toContain(`provision ${creating.BrokerId}`);
    expect(second.activemq.calls).toContain(`attach ${running.BrokerId}`);
    expect((await describeBroker(second.engine, { BrokerId: creating.BrokerId })).BrokerState).toBe('RUNNING');
    gate.resolve();
  });
});
