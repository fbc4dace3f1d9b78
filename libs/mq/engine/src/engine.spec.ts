import type { CreateBrokerRequest } from '@aws-sdk/client-mq';
import { AwsError } from '@wharf/aws-protocol';
import { describe, expect, it } from 'vitest';
import type { Caller } from '@wharf/engine-kit';
import { ManualClock } from '@wharf/engine-kit/testing';
import { resumeBrokers } from './broker-lifecycle';
import { MqContext } from './context';
import { errorAttributeOf } from './errors';
import { RebootBroker, UpdateBroker } from './ops/broker-updates';
import { CreateBroker, DeleteBroker, DescribeBroker, ListBrokers } from './ops/brokers';
import { CreateConfiguration } from './ops/configurations';
import { CreateUser, DeleteUser, DescribeUser, ListUsers, UpdateUser } from './ops/users';
import { FakeBackend, InMemoryStore, deferred } from './testing';

const PASSWORD = 'correct-horse-battery';
const caller: Caller = { region: 'eu-west-1', accountId: '123456789012', requestId: 'test' };

function setup(store = new InMemoryStore()) {
  const clock = new ManualClock('2024-05-01T10:00:00.000Z');
  const activemq = new FakeBackend('ACTIVEMQ');
  const rabbit = new FakeBackend('RABBITMQ');
  const engine = new MqContext({ store, backends: [activemq, rabbit], defaults: caller, clock });
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
    await rejects(CreateBroker(setup().engine, activeMq({ BrokerName: name }), caller), 'BadRequestException', attr);
  });

  it.each([
    ['short', 'at least 12'],
    ['aaaaaaaaaaaaaaa', '4 unique'],
    ['abcdefghijkl,m', 'commas'],
    ['abcdefghijkl:m', 'commas'],
    ['abcdefghijkl=m', 'commas'],
  ])('refuses password %j', async (password, words) => {
    const err = await rejects(CreateBroker(setup().engine, activeMq({ Users: [{ Username: 'app', Password: password }] }), caller), 'BadRequestException', 'password');
    expect(err.message).toContain(words);
  });

  it('refuses bad usernames, guest on RabbitMQ, and a missing or second RabbitMQ user', async () => {
    const { engine } = setup();
    await rejects(CreateBroker(engine, activeMq({ Users: [{ Username: 'a', Password: PASSWORD }] }), caller), 'BadRequestException', 'username');
    await rejects(CreateBroker(engine, activeMq({ Users: [{ Username: 'no spaces', Password: PASSWORD }] }), caller), 'BadRequestException', 'username');
    await rejects(CreateBroker(engine, rabbitMq({ Users: [{ Username: 'guest', Password: PASSWORD }] }), caller), 'BadRequestException', 'username');
    await rejects(CreateBroker(engine, rabbitMq({ Users: [{ Username: 'til~de', Password: PASSWORD }] }), caller), 'BadRequestException', 'username');
    await rejects(CreateBroker(engine, rabbitMq({ Users: [] }), caller), 'BadRequestException', 'users');
    await rejects(
      CreateBroker(engine, rabbitMq({ Users: [{ Username: 'one', Password: PASSWORD }, { Username: 'two', Password: PASSWORD }] }), caller),
      'BadRequestException',
      'users',
    );
    await rejects(CreateBroker(engine, activeMq({ Users: [] }), caller), 'BadRequestException', 'users');
    await rejects(CreateBroker(engine, activeMq({ Users: [{ Username: 'app', Password: PASSWORD, Groups: ['x'] }] }), caller), 'BadRequestException', 'groups');
  });

  it('refuses a deployment mode the engine does not have', async () => {
    const { engine } = setup();
    const a = await rejects(CreateBroker(engine, activeMq({ DeploymentMode: 'CLUSTER_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    expect(a.message).toContain('ACTIVEMQ');
    await rejects(CreateBroker(engine, rabbitMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    // micro instances are single-instance only
    await rejects(CreateBroker(engine, activeMq({ HostInstanceType: 'mq.t3.micro', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    // the fake RabbitMQ backend is a single node: CLUSTER_MULTI_AZ is refused clearly
    const c = await rejects(CreateBroker(engine, rabbitMq({ DeploymentMode: 'CLUSTER_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    expect(c.message).toContain('cannot be honoured');
    await rejects(CreateBroker(engine, activeMq({ DeploymentMode: 'SOMETHING' as never }), caller), 'BadRequestException', 'deploymentMode');
  });

  it('refuses missing members, unknown types, EFS for RabbitMQ, EBS for a pair, LDAP and unknown versions', async () => {
    const { engine } = setup();
    await rejects(CreateBroker(engine, activeMq({ HostInstanceType: undefined }), caller), 'BadRequestException', 'hostInstanceType');
    await rejects(CreateBroker(engine, activeMq({ HostInstanceType: 'mq.huge' }), caller), 'BadRequestException', 'hostInstanceType');
    await rejects(CreateBroker(engine, activeMq({ PubliclyAccessible: undefined }), caller), 'BadRequestException', 'publiclyAccessible');
    await rejects(CreateBroker(engine, activeMq({ EngineType: 'KAFKA' as never }), caller), 'BadRequestException', 'engineType');
    await rejects(CreateBroker(engine, rabbitMq({ StorageType: 'EFS' }), caller), 'BadRequestException', 'storageType');
    await rejects(CreateBroker(engine, activeMq({ StorageType: 'EBS', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    await rejects(CreateBroker(engine, activeMq({ AuthenticationStrategy: 'LDAP' }), caller), 'BadRequestException', 'authenticationStrategy');
    await rejects(CreateBroker(engine, activeMq({ EngineVersion: '5.15.0' }), caller), 'BadRequestException', 'engineVersion');
    await rejects(CreateBroker(engine, activeMq({ DataReplicationMode: 'CRDR' }), caller), 'BadRequestException', 'dataReplicationMode');
    await rejects(CreateBroker(engine, activeMq({ Configuration: { Id: 'c-nope' } }), caller), 'BadRequestException', 'configuration');
    expect(engine.brokers.size).toBe(0);
  });

  it('accepts engine names in any case and major.minor versions', async () => {
    const { engine } = setup();
    const { BrokerId } = await CreateBroker(engine, activeMq({ EngineType: 'ActiveMQ' as never, EngineVersion: '6.1' }), caller);
    const d = await DescribeBroker(engine, { BrokerId }, caller);
    expect(d.EngineType).toBe('ACTIVEMQ');
    expect(d.EngineVersion).toBe('6.1.8');
  });

  it('refuses a second broker with the same name (409) but is idempotent on creatorRequestId', async () => {
    const { engine } = setup();
    const first = await CreateBroker(engine, activeMq({ CreatorRequestId: 'token-1' }), caller);
    const again = await CreateBroker(engine, activeMq({ CreatorRequestId: 'token-1' }), caller);
    expect(again).toEqual(first);
    await rejects(CreateBroker(engine, activeMq({ CreatorRequestId: 'token-2' }), caller), 'ConflictException', 'brokerName');
    expect(engine.brokers.size).toBe(1);
  });
});

describe('broker lifecycle', () => {
  it('goes CREATION_IN_PROGRESS → RUNNING with ids, ARN and the clock’s time', async () => {
    const { engine, activemq } = setup();
    const gate = deferred();
    activemq.gate = gate.promise;
    const { BrokerId, BrokerArn } = await CreateBroker(engine, activeMq(), caller);
    expect(BrokerId).toMatch(/^b-[0-9a-f-]{36}$/);
    expect(BrokerArn).toBe(`arn:aws:mq:eu-west-1:123456789012:broker:orders:${BrokerId}`);
    expect((await DescribeBroker(engine, { BrokerId }, caller)).BrokerState).toBe('CREATION_IN_PROGRESS');
    gate.resolve();
    await engine.settled((BrokerId as string));
    const d = await DescribeBroker(engine, { BrokerId }, caller);
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
    const { BrokerId } = await CreateBroker(engine, activeMq(), caller);
    await engine.settled((BrokerId as string));
    const d = await DescribeBroker(engine, { BrokerId }, caller);
    expect(d.BrokerState).toBe('CREATION_FAILED');
    expect(d.ActionsRequired?.[0].ActionRequiredInfo).toContain('port 61616 taken');
    expect(activemq.calls).toContain(`destroy ${BrokerId}`);
  });

  it('keeps UpdateBroker fields pending until RebootBroker, passing through REBOOT_IN_PROGRESS', async () => {
    const { engine, activemq } = setup();
    const cfg = await CreateConfiguration(engine, { EngineType: 'ACTIVEMQ', Name: 'cfg' }, caller);
    const { BrokerId } = await CreateBroker(engine, activeMq(), caller);
    await engine.settled((BrokerId as string));
    const res = await UpdateBroker(engine, { BrokerId, HostInstanceType: 'mq.m5.xlarge', Configuration: { Id: cfg.Id }, AutoMinorVersionUpgrade: true, SecurityGroups: ['sg-1'] }, caller);
    expect(res.HostInstanceType).toBe('mq.m5.xlarge');
    let d = await DescribeBroker(engine, { BrokerId }, caller);
    expect(d.HostInstanceType).toBe('mq.m5.large');
    expect(d.PendingHostInstanceType).toBe('mq.m5.xlarge');
    expect(d.PendingSecurityGroups).toEqual(['sg-1']);
    expect(d.Configurations?.Pending).toEqual({ Id: cfg.Id, Revision: 1 });
    expect(d.AutoMinorVersionUpgrade).toBe(true); // applied at once
    const gate = deferred();
    activemq.gate = gate.promise;
    await RebootBroker(engine, { BrokerId }, caller);
    d = await DescribeBroker(engine, { BrokerId }, caller);
    expect(d.BrokerState).toBe('REBOOT_IN_PROGRESS');
    await rejects(RebootBroker(engine, { BrokerId }, caller), 'BadRequestException', 'broker-id');
    gate.resolve();
    await engine.settled((BrokerId as string));
    d = await DescribeBroker(engine, { BrokerId }, caller);
    expect(d.BrokerState).toBe('RUNNING');
    expect(d.HostInstanceType).toBe('mq.m5.xlarge');
    expect(d.PendingHostInstanceType).toBeUndefined();
    expect(d.SecurityGroups).toEqual(['sg-1']);
    expect(d.Configurations?.Current).toEqual({ Id: cfg.Id, Revision: 1 });
    expect(activemq.calls).toContain(`reboot ${BrokerId}`);
  });

  it('validates UpdateBroker against the engine', async () => {
    const { engine } = setup();
    const { BrokerId } = await CreateBroker(engine, activeMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller);
    await rejects(UpdateBroker(engine, { BrokerId, HostInstanceType: 'mq.t3.micro' }, caller), 'BadRequestException', 'hostInstanceType');
    await rejects(UpdateBroker(engine, { BrokerId, EngineVersion: '9.9' }, caller), 'BadRequestException', 'engineVersion');
    await rejects(UpdateBroker(engine, { BrokerId: 'b-unknown' }, caller), 'NotFoundException', 'broker-id');
  });

  it('deletes through DELETION_IN_PROGRESS, then answers 404', async () => {
    const { engine, activemq, store } = setup();
    const { BrokerId } = await CreateBroker(engine, activeMq(), caller);
    await engine.settled((BrokerId as string));
    expect(await DeleteBroker(engine, { BrokerId }, caller)).toEqual({ BrokerId });
    expect((await DescribeBroker(engine, { BrokerId }, caller)).BrokerState).toBe('DELETION_IN_PROGRESS');
    await engine.settled((BrokerId as string));
    await rejects(DescribeBroker(engine, { BrokerId }, caller), 'NotFoundException', 'broker-id');
    await rejects(DeleteBroker(engine, { BrokerId }, caller), 'NotFoundException');
    expect(activemq.calls).toContain(`destroy ${BrokerId}`);
    expect(store.brokers.size).toBe(0);
    // the name is free again
    await CreateBroker(engine, activeMq(), caller);
  });

  it('answers unknown ids with NotFoundException', async () => {
    const { engine } = setup();
    await rejects(DescribeBroker(engine, { BrokerId: 'b-00000000-0000-0000-0000-000000000000' }, caller), 'NotFoundException', 'broker-id');
    await rejects(RebootBroker(engine, { BrokerId: 'nonsense' }, caller), 'NotFoundException', 'broker-id');
  });

  it('lists the active instance first', async () => {
    const { engine, activemq } = setup();
    activemq.roles = ['down', 'active'];
    const { BrokerId } = await CreateBroker(engine, activeMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller);
    await engine.settled((BrokerId as string));
    const d = await DescribeBroker(engine, { BrokerId }, caller);
    expect(d.BrokerInstances?.map((i) => i.Endpoints?.[0])).toEqual(['tcp://127.0.0.1:1001', 'tcp://127.0.0.1:1000']);
  });

  it('pages ListBrokers in creation order', async () => {
    const { engine, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      ids.push((await CreateBroker(engine, activeMq({ BrokerName: `b${i}` }), caller)).BrokerId as string);
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await ListBrokers(engine, { MaxResults: 2, NextToken: token }, caller);
      expect((page.BrokerSummaries ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...(page.BrokerSummaries ?? []).map((s) => s.BrokerId as string));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(ids);
    await rejects(ListBrokers(engine, { MaxResults: 0 }, caller), 'BadRequestException', 'maxResults');
    await rejects(ListBrokers(engine, { NextToken: '!!bad' }, caller), 'BadRequestException', 'nextToken');
  });
});

describe('users', () => {
  it('ActiveMQ: changes wait for the reboot, shown as pending', async () => {
    const { engine, activemq } = setup();
    const { BrokerId } = await CreateBroker(engine, activeMq(), caller);
    await engine.settled((BrokerId as string));
    await CreateUser(engine, { BrokerId, Username: 'second', Password: PASSWORD, Groups: ['admins'], ConsoleAccess: true }, caller);
    await rejects(CreateUser(engine, { BrokerId, Username: 'second', Password: PASSWORD }, caller), 'ConflictException', 'username');
    await rejects(CreateUser(engine, { BrokerId, Username: 'third', Password: 'short' }, caller), 'BadRequestException', 'password');
    expect((await ListUsers(engine, { BrokerId }, caller)).Users).toEqual([
      { Username: 'app', PendingChange: undefined },
      { Username: 'second', PendingChange: 'CREATE' },
    ]);
    const pending = await DescribeUser(engine, { BrokerId, Username: 'second' }, caller);
    expect(pending.Pending).toEqual({ PendingChange: 'CREATE', ConsoleAccess: true, Groups: ['admins'] });
    expect(pending.Groups).toBeUndefined();
    await UpdateUser(engine, { BrokerId, Username: 'app', Password: 'another-password-1' }, caller);
    await DeleteUser(engine, { BrokerId, Username: 'app' }, caller);
    expect((await DescribeUser(engine, { BrokerId, Username: 'app' }, caller)).Pending?.PendingChange).toBe('DELETE');
    expect(activemq.enforced.get((BrokerId as string))).toEqual([`app:${PASSWORD}`]);
    await RebootBroker(engine, { BrokerId }, caller);
    await engine.settled((BrokerId as string));
    expect(activemq.enforced.get((BrokerId as string))).toEqual([`second:${PASSWORD}`]);
    const after = await DescribeUser(engine, { BrokerId, Username: 'second' }, caller);
    expect(after).toMatchObject({ Username: 'second', Groups: ['admins'], ConsoleAccess: true, Pending: undefined });
    await rejects(DescribeUser(engine, { BrokerId, Username: 'app' }, caller), 'NotFoundException', 'username');
    await rejects(DeleteUser(engine, { BrokerId, Username: 'second' }, caller), 'BadRequestException', 'username');
  });

  it('RabbitMQ: changes reach the broker before the call returns', async () => {
    const { engine, rabbit } = setup();
    const { BrokerId } = await CreateBroker(engine, rabbitMq(), caller);
    await CreateUser(engine, { BrokerId, Username: 'worker', Password: PASSWORD }, caller); // waits for creation
    expect(rabbit.enforced.get((BrokerId as string))).toEqual([`admin:${PASSWORD}`, `worker:${PASSWORD}`]);
    expect((await ListUsers(engine, { BrokerId }, caller)).Users?.every((u) => u.PendingChange === undefined)).toBe(true);
    await UpdateUser(engine, { BrokerId, Username: 'worker', Password: 'changed-password-2' }, caller);
    expect(rabbit.enforced.get((BrokerId as string))).toContain('worker:changed-password-2');
    await DeleteUser(engine, { BrokerId, Username: 'worker' }, caller);
    expect(rabbit.enforced.get((BrokerId as string))).toEqual([`admin:${PASSWORD}`]);
    await rejects(CreateUser(engine, { BrokerId, Username: 'guest', Password: PASSWORD }, caller), 'BadRequestException', 'username');
  });
});

describe('restart', () => {
  it('resumes interrupted transitions and re-attaches running brokers', async () => {
    const first = setup();
    const running = await CreateBroker(first.engine, activeMq({ BrokerName: 'running' }), caller);
    await first.engine.settled((running.BrokerId as string));
    const gate = deferred();
    first.activemq.gate = gate.promise;
    const creating = await CreateBroker(first.engine, activeMq({ BrokerName: 'creating' }), caller);
    await new Promise((r) => setTimeout(r, 10));
    // "mq" dies here: a new engine over the same store
    const second = setup(first.store);
    await resumeBrokers(second.engine);
    await second.engine.settled((creating.BrokerId as string));
    await second.engine.settled((running.BrokerId as string));
    expect(second.activemq.calls).toContain(`provision ${creating.BrokerId}`);
    expect(second.activemq.calls).toContain(`attach ${running.BrokerId}`);
    expect((await DescribeBroker(second.engine, { BrokerId: creating.BrokerId }, caller)).BrokerState).toBe('RUNNING');
    gate.resolve();
  });
});
