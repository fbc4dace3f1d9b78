import type { Caller } from '@wharf/engine-kit';
import { describe, expect, it } from 'vitest';
import { activeMq, rabbitMq, rejects, testContext } from '../testing';
import { UpdateBroker } from './broker-updates';
import { CreateBroker, DescribeBroker } from './brokers';
import { DescribeBrokerEngineTypes } from './catalog';

const caller: Caller = { region: 'eu-west-1', accountId: '123456789012', requestId: 'test' };

/** Backends offering what Amazon MQ offers today (and 6.1.8, which Wharf runs besides). */
function awsVersions() {
  const t = testContext(caller);
  t.activemq.versions = ['5.19', '5.18', '6.1.8'];
  t.rabbit.versions = ['4.2', '3.13'];
  return t;
}

describe('engine versions as Amazon MQ offers them', () => {
  it('lists them recommended first and defaults to the recommended one, with AutoMinorVersionUpgrade on', async () => {
    const { ctx } = awsVersions();
    const types = await DescribeBrokerEngineTypes(ctx, {}, caller);
    expect(types.BrokerEngineTypes).toEqual([
      { EngineType: 'ACTIVEMQ', EngineVersions: [{ Name: '5.19' }, { Name: '5.18' }, { Name: '6.1.8' }] },
      { EngineType: 'RABBITMQ', EngineVersions: [{ Name: '4.2' }, { Name: '3.13' }] },
    ]);
    const { BrokerId } = await CreateBroker(ctx, rabbitMq(), caller);
    expect(await DescribeBroker(ctx, { BrokerId }, caller)).toMatchObject({ EngineVersion: '4.2', AutoMinorVersionUpgrade: true });
    const amq = await CreateBroker(ctx, activeMq({ EngineVersion: '6.1' }), caller);
    expect(await DescribeBroker(ctx, { BrokerId: amq.BrokerId }, caller)).toMatchObject({ EngineVersion: '6.1.8', AutoMinorVersionUpgrade: false });
  });

  it('refuses retired versions with AWS\'s message', async () => {
    const { ctx } = awsVersions();
    const amq = await rejects(CreateBroker(ctx, activeMq({ EngineVersion: '5.17.6' }), caller), 'BadRequestException', 'engineVersion');
    expect(amq.message).toBe('Broker engine version [5.17.6] is invalid for broker engine type [ACTIVEMQ]. Valid values: [5.19, 5.18, 6.1.8].');
    const rabbit = await rejects(CreateBroker(ctx, rabbitMq({ EngineVersion: '3.12' }), caller), 'BadRequestException', 'engineVersion');
    expect(rabbit.message).toBe('Broker engine version [3.12] is invalid for broker engine type [RABBITMQ]. Valid values: [4.2, 3.13].');
    await rejects(CreateBroker(ctx, rabbitMq({ EngineVersion: '3.10' }), caller), 'BadRequestException', 'engineVersion');
    expect(ctx.brokers.size).toBe(0);
  });

  it('requires AutoMinorVersionUpgrade on ActiveMQ 5.18+ and RabbitMQ 3.13+, at creation and on upgrade', async () => {
    const { ctx, activemq } = awsVersions();
    const off = await rejects(CreateBroker(ctx, activeMq({ EngineVersion: '5.18', AutoMinorVersionUpgrade: false }), caller), 'BadRequestException', 'autoMinorVersionUpgrade');
    expect(off.message).toBe('Brokers on [ActiveMQ] version [5.18] must have [autoMinorVersionUpgrade] set to [true].');
    await rejects(CreateBroker(ctx, rabbitMq({ EngineVersion: '3.13', AutoMinorVersionUpgrade: false }), caller), 'BadRequestException', 'autoMinorVersionUpgrade');
    activemq.versions = ['5.19', '5.18', '5.17.6']; // as AWS had it when 5.17 brokers moved to 5.18
    const { BrokerId } = await CreateBroker(ctx, activeMq({ EngineVersion: '5.17.6', AutoMinorVersionUpgrade: false }), caller);
    const up = await rejects(UpdateBroker(ctx, { BrokerId, EngineVersion: '5.19' }, caller), 'BadRequestException', 'autoMinorVersionUpgrade');
    expect(up.message).toBe('Brokers upgrading to [ActiveMQ] version [5.19] must have [autoMinorVersionUpgrade] set to [true].');
    await UpdateBroker(ctx, { BrokerId, EngineVersion: '5.19', AutoMinorVersionUpgrade: true }, caller);
    expect(await DescribeBroker(ctx, { BrokerId }, caller)).toMatchObject({ PendingEngineVersion: '5.19', AutoMinorVersionUpgrade: true });
    await rejects(UpdateBroker(ctx, { BrokerId, AutoMinorVersionUpgrade: false }, caller), 'BadRequestException', 'autoMinorVersionUpgrade');
  });

  it('upgrades only: an older version is refused', async () => {
    const { ctx } = awsVersions();
    const { BrokerId } = await CreateBroker(ctx, activeMq({ EngineVersion: '5.19' }), caller);
    await rejects(UpdateBroker(ctx, { BrokerId, EngineVersion: '5.18' }, caller), 'BadRequestException', 'engineVersion');
    await UpdateBroker(ctx, { BrokerId, EngineVersion: '6.1.8' }, caller);
    expect((await DescribeBroker(ctx, { BrokerId }, caller)).PendingEngineVersion).toBe('6.1.8');
  });
});
