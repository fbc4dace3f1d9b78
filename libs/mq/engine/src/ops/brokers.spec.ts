import type { Caller } from '@wharf/engine-kit';
import { describe, expect, it } from 'vitest';
import { resumeBrokers } from '../broker-lifecycle';
import { type InMemoryStore, PASSWORD, activeMq, deferred, rabbitMq, rejects, testContext } from '../testing';
import { RebootBroker, UpdateBroker } from './broker-updates';
import { CreateBroker, DeleteBroker, DescribeBroker, ListBrokers } from './brokers';
import { CreateConfiguration } from './configurations';

const caller: Caller = { region: 'eu-west-1', accountId: '123456789012', requestId: 'test' };
const setup = (store?: InMemoryStore) => testContext(caller, store);

describe('CreateBroker validation', () => {
  it.each([
    ['', 'brokerName'],
    ['has space', 'brokerName'],
    ['a'.repeat(51), 'brokerName'],
    ['wild*card', 'brokerName'],
    ['brackets[1]', 'brokerName'],
  ])('refuses broker name %j', async (name, attr) => {
    await rejects(CreateBroker(setup().ctx, activeMq({ BrokerName: name }), caller), 'BadRequestException', attr);
  });

  it.each([
    ['short', 'at least 12'],
    ['aaaaaaaaaaaaaaa', '4 unique'],
    ['abcdefghijkl,m', 'commas'],
    ['abcdefghijkl:m', 'commas'],
    ['abcdefghijkl=m', 'commas'],
  ])('refuses password %j', async (password, words) => {
    const err = await rejects(CreateBroker(setup().ctx, activeMq({ Users: [{ Username: 'app', Password: password }] }), caller), 'BadRequestException', 'password');
    expect(err.message).toContain(words);
  });

  it('refuses bad usernames, guest on RabbitMQ, and a missing or second RabbitMQ user', async () => {
    const { ctx } = setup();
    await rejects(CreateBroker(ctx, activeMq({ Users: [{ Username: 'a', Password: PASSWORD }] }), caller), 'BadRequestException', 'username');
    await rejects(CreateBroker(ctx, activeMq({ Users: [{ Username: 'no spaces', Password: PASSWORD }] }), caller), 'BadRequestException', 'username');
    await rejects(CreateBroker(ctx, rabbitMq({ Users: [{ Username: 'guest', Password: PASSWORD }] }), caller), 'BadRequestException', 'username');
    await rejects(CreateBroker(ctx, rabbitMq({ Users: [{ Username: 'til~de', Password: PASSWORD }] }), caller), 'BadRequestException', 'username');
    await rejects(CreateBroker(ctx, rabbitMq({ Users: [] }), caller), 'BadRequestException', 'users');
    await rejects(
      CreateBroker(ctx, rabbitMq({ Users: [{ Username: 'one', Password: PASSWORD }, { Username: 'two', Password: PASSWORD }] }), caller),
      'BadRequestException',
      'users',
    );
    await rejects(CreateBroker(ctx, activeMq({ Users: [] }), caller), 'BadRequestException', 'users');
    await rejects(CreateBroker(ctx, activeMq({ Users: [{ Username: 'app', Password: PASSWORD, Groups: ['x'] }] }), caller), 'BadRequestException', 'groups');
  });

  it('refuses a deployment mode the engine does not have', async () => {
    const { ctx } = setup();
    const a = await rejects(CreateBroker(ctx, activeMq({ DeploymentMode: 'CLUSTER_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    expect(a.message).toContain('ACTIVEMQ');
    await rejects(CreateBroker(ctx, rabbitMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    // micro instances are single-instance only
    await rejects(CreateBroker(ctx, activeMq({ HostInstanceType: 'mq.t3.micro', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    // the fake RabbitMQ backend is a single node: CLUSTER_MULTI_AZ is refused clearly
    const c = await rejects(CreateBroker(ctx, rabbitMq({ DeploymentMode: 'CLUSTER_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    expect(c.message).toContain('cannot be honoured');
    await rejects(CreateBroker(ctx, activeMq({ DeploymentMode: 'SOMETHING' as never }), caller), 'BadRequestException', 'deploymentMode');
  });

  it('refuses missing members, unknown types, EFS for RabbitMQ, EBS for a pair, LDAP and unknown versions', async () => {
    const { ctx } = setup();
    await rejects(CreateBroker(ctx, activeMq({ HostInstanceType: undefined }), caller), 'BadRequestException', 'hostInstanceType');
    await rejects(CreateBroker(ctx, activeMq({ HostInstanceType: 'mq.huge' }), caller), 'BadRequestException', 'hostInstanceType');
    await rejects(CreateBroker(ctx, activeMq({ PubliclyAccessible: undefined }), caller), 'BadRequestException', 'publiclyAccessible');
    await rejects(CreateBroker(ctx, activeMq({ EngineType: 'KAFKA' as never }), caller), 'BadRequestException', 'engineType');
    await rejects(CreateBroker(ctx, rabbitMq({ StorageType: 'EFS' }), caller), 'BadRequestException', 'storageType');
    await rejects(CreateBroker(ctx, activeMq({ StorageType: 'EBS', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller), 'BadRequestException', 'deploymentMode');
    await rejects(CreateBroker(ctx, activeMq({ AuthenticationStrategy: 'LDAP' }), caller), 'BadRequestException', 'authenticationStrategy');
    await rejects(CreateBroker(ctx, activeMq({ EngineVersion: '5.15.0' }), caller), 'BadRequestException', 'engineVersion');
    await rejects(CreateBroker(ctx, activeMq({ DataReplicationMode: 'CRDR' }), caller), 'BadRequestException', 'dataReplicationMode');
    await rejects(CreateBroker(ctx, activeMq({ Configuration: { Id: 'c-nope' } }), caller), 'BadRequestException', 'configuration');
    expect(ctx.brokers.size).toBe(0);
  });

  it('accepts engine names in any case and major.minor versions', async () => {
    const { ctx } = setup();
    const { BrokerId } = await CreateBroker(ctx, activeMq({ EngineType: 'ActiveMQ' as never, EngineVersion: '6.1' }), caller);
    const d = await DescribeBroker(ctx, { BrokerId }, caller);
    expect(d.EngineType).toBe('ACTIVEMQ');
    expect(d.EngineVersion).toBe('6.1.8');
  });

  it('refuses a second broker with the same name (409) but is idempotent on creatorRequestId', async () => {
    const { ctx } = setup();
    const first = await CreateBroker(ctx, activeMq({ CreatorRequestId: 'token-1' }), caller);
    const again = await CreateBroker(ctx, activeMq({ CreatorRequestId: 'token-1' }), caller);
    expect(again).toEqual(first);
    await rejects(CreateBroker(ctx, activeMq({ CreatorRequestId: 'token-2' }), caller), 'ConflictException', 'brokerName');
    expect(ctx.brokers.size).toBe(1);
  });
});

describe('broker lifecycle', () => {
  it('goes CREATION_IN_PROGRESS → RUNNING with ids, ARN and the clock’s time', async () => {
    const { ctx, activemq } = setup();
    const gate = deferred();
    activemq.gate = gate.promise;
    const { BrokerId, BrokerArn } = await CreateBroker(ctx, activeMq(), caller);
    expect(BrokerId).toMatch(/^b-[0-9a-f-]{36}$/);
    expect(BrokerArn).toBe(`arn:aws:mq:eu-west-1:123456789012:broker:orders:${BrokerId}`);
    expect((await DescribeBroker(ctx, { BrokerId }, caller)).BrokerState).toBe('CREATION_IN_PROGRESS');
    gate.resolve();
    await ctx.settled((BrokerId as string));
    const d = await DescribeBroker(ctx, { BrokerId }, caller);
    expect(d.BrokerState).toBe('RUNNING');
    expect(d.Created?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(d.Users).toEqual([{ Username: 'app', PendingChange: undefined }]);
    expect(d.BrokerInstances?.[0].Endpoints).toEqual(['tcp://127.0.0.1:1000']);
    expect(d.StorageType).toBe('EFS');
    expect(ctx.brokers.get((BrokerId as string))?.runtime).toEqual({ port: 1234 });
  });

  it('ends in CREATION_FAILED with the reason when the backend fails, and cleans up', async () => {
    const { ctx, activemq } = setup();
    activemq.failProvision = new Error('port 61616 taken');
    const { BrokerId } = await CreateBroker(ctx, activeMq(), caller);
    await ctx.settled((BrokerId as string));
    const d = await DescribeBroker(ctx, { BrokerId }, caller);
    expect(d.BrokerState).toBe('CREATION_FAILED');
    expect(d.ActionsRequired?.[0].ActionRequiredInfo).toContain('port 61616 taken');
    expect(activemq.calls).toContain(`destroy ${BrokerId}`);
  });

  it('keeps UpdateBroker fields pending until RebootBroker, passing through REBOOT_IN_PROGRESS', async () => {
    const { ctx, activemq } = setup();
    const cfg = await CreateConfiguration(ctx, { EngineType: 'ACTIVEMQ', Name: 'cfg' }, caller);
    const { BrokerId } = await CreateBroker(ctx, activeMq(), caller);
    await ctx.settled((BrokerId as string));
    const res = await UpdateBroker(ctx, { BrokerId, HostInstanceType: 'mq.m5.xlarge', Configuration: { Id: cfg.Id }, AutoMinorVersionUpgrade: true, SecurityGroups: ['sg-1'] }, caller);
    expect(res.HostInstanceType).toBe('mq.m5.xlarge');
    let d = await DescribeBroker(ctx, { BrokerId }, caller);
    expect(d.HostInstanceType).toBe('mq.m5.large');
    expect(d.PendingHostInstanceType).toBe('mq.m5.xlarge');
    expect(d.PendingSecurityGroups).toEqual(['sg-1']);
    expect(d.Configurations?.Pending).toEqual({ Id: cfg.Id, Revision: 1 });
    expect(d.AutoMinorVersionUpgrade).toBe(true); // applied at once
    const gate = deferred();
    activemq.gate = gate.promise;
    await RebootBroker(ctx, { BrokerId }, caller);
    d = await DescribeBroker(ctx, { BrokerId }, caller);
    expect(d.BrokerState).toBe('REBOOT_IN_PROGRESS');
    await rejects(RebootBroker(ctx, { BrokerId }, caller), 'BadRequestException', 'broker-id');
    gate.resolve();
    await ctx.settled((BrokerId as string));
    d = await DescribeBroker(ctx, { BrokerId }, caller);
    expect(d.BrokerState).toBe('RUNNING');
    expect(d.HostInstanceType).toBe('mq.m5.xlarge');
    expect(d.PendingHostInstanceType).toBeUndefined();
    expect(d.SecurityGroups).toEqual(['sg-1']);
    expect(d.Configurations?.Current).toEqual({ Id: cfg.Id, Revision: 1 });
    expect(activemq.calls).toContain(`reboot ${BrokerId}`);
  });

  it('validates UpdateBroker against the engine', async () => {
    const { ctx } = setup();
    const { BrokerId } = await CreateBroker(ctx, activeMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller);
    await rejects(UpdateBroker(ctx, { BrokerId, HostInstanceType: 'mq.t3.micro' }, caller), 'BadRequestException', 'hostInstanceType');
    await rejects(UpdateBroker(ctx, { BrokerId, EngineVersion: '9.9' }, caller), 'BadRequestException', 'engineVersion');
    await rejects(UpdateBroker(ctx, { BrokerId: 'b-unknown' }, caller), 'NotFoundException', 'broker-id');
  });

  it('deletes through DELETION_IN_PROGRESS, then answers 404', async () => {
    const { ctx, activemq, store } = setup();
    const { BrokerId } = await CreateBroker(ctx, activeMq(), caller);
    await ctx.settled((BrokerId as string));
    expect(await DeleteBroker(ctx, { BrokerId }, caller)).toEqual({ BrokerId });
    expect((await DescribeBroker(ctx, { BrokerId }, caller)).BrokerState).toBe('DELETION_IN_PROGRESS');
    await ctx.settled((BrokerId as string));
    await rejects(DescribeBroker(ctx, { BrokerId }, caller), 'NotFoundException', 'broker-id');
    await rejects(DeleteBroker(ctx, { BrokerId }, caller), 'NotFoundException');
    expect(activemq.calls).toContain(`destroy ${BrokerId}`);
    expect(store.brokers.size).toBe(0);
    // the name is free again
    await CreateBroker(ctx, activeMq(), caller);
  });

  it('retries a failing delete on the context clock, then records DELETION_FAILED', async () => {
    const { ctx, clock, activemq } = setup();
    const { BrokerId } = await CreateBroker(ctx, activeMq(), caller);
    await ctx.settled(BrokerId as string);
    activemq.failDestroy = new Error('volume busy');
    await DeleteBroker(ctx, { BrokerId }, caller);
    const destroys = () => activemq.calls.filter((c) => c === `destroy ${BrokerId}`).length;
    // attempt n waits 500·n ms on the clock before attempt n+1; nothing moves while the clock stands still
    for (let attempt = 1; attempt < 5; attempt++) {
      for (let i = 0; i < 100 && clock.timerCount === 0; i++) await new Promise((r) => setImmediate(r));
      expect(destroys()).toBe(attempt);
      clock.advance(500 * attempt - 1);
      await new Promise((r) => setImmediate(r));
      expect(destroys()).toBe(attempt);
      clock.advance(1);
    }
    await ctx.settled(BrokerId as string);
    expect(destroys()).toBe(5);
    const d = await DescribeBroker(ctx, { BrokerId }, caller);
    expect(d.BrokerState).toBe('DELETION_IN_PROGRESS');
    expect(d.ActionsRequired).toEqual([{ ActionRequiredCode: 'DELETION_FAILED', ActionRequiredInfo: 'volume busy' }]);
  });

  it('answers unknown ids with NotFoundException', async () => {
    const { ctx } = setup();
    await rejects(DescribeBroker(ctx, { BrokerId: 'b-00000000-0000-0000-0000-000000000000' }, caller), 'NotFoundException', 'broker-id');
    await rejects(RebootBroker(ctx, { BrokerId: 'nonsense' }, caller), 'NotFoundException', 'broker-id');
  });

  it('lists the active instance first', async () => {
    const { ctx, activemq } = setup();
    activemq.roles = ['down', 'active'];
    const { BrokerId } = await CreateBroker(ctx, activeMq({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }), caller);
    await ctx.settled((BrokerId as string));
    const d = await DescribeBroker(ctx, { BrokerId }, caller);
    expect(d.BrokerInstances?.map((i) => i.Endpoints?.[0])).toEqual(['tcp://127.0.0.1:1001', 'tcp://127.0.0.1:1000']);
  });

  it('pages ListBrokers in creation order', async () => {
    const { ctx, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      ids.push((await CreateBroker(ctx, activeMq({ BrokerName: `b${i}` }), caller)).BrokerId as string);
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await ListBrokers(ctx, { MaxResults: 2, NextToken: token }, caller);
      expect((page.BrokerSummaries ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...(page.BrokerSummaries ?? []).map((s) => s.BrokerId as string));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(ids);
    await rejects(ListBrokers(ctx, { MaxResults: 0 }, caller), 'BadRequestException', 'maxResults');
    await rejects(ListBrokers(ctx, { NextToken: '!!bad' }, caller), 'BadRequestException', 'nextToken');
  });
});

describe('restart', () => {
  it('resumes interrupted transitions and re-attaches running brokers', async () => {
    const first = setup();
    const running = await CreateBroker(first.ctx, activeMq({ BrokerName: 'running' }), caller);
    await first.ctx.settled((running.BrokerId as string));
    const gate = deferred();
    first.activemq.gate = gate.promise;
    const creating = await CreateBroker(first.ctx, activeMq({ BrokerName: 'creating' }), caller);
    await new Promise((r) => setTimeout(r, 10));
    // "mq" dies here: a new context over the same store
    const second = setup(first.store);
    await resumeBrokers(second.ctx);
    await second.ctx.settled((creating.BrokerId as string));
    await second.ctx.settled((running.BrokerId as string));
    expect(second.activemq.calls).toContain(`provision ${creating.BrokerId}`);
    expect(second.activemq.calls).toContain(`attach ${running.BrokerId}`);
    expect((await DescribeBroker(second.ctx, { BrokerId: creating.BrokerId }, caller)).BrokerState).toBe('RUNNING');
    gate.resolve();
  });
});
