import { AwsError } from '@wharf/aws-protocol';
import type { Caller } from '@wharf/engine-kit';
import { describe, expect, it } from 'vitest';
import { activeMqConfigParts } from '../activemq-config';
import { errorAttributeOf } from '../errors';
import { testContext } from '../testing';
import { UpdateBroker } from './broker-updates';
import { CreateBroker } from './brokers';
import { DescribeBrokerEngineTypes, DescribeBrokerInstanceOptions } from './catalog';
import { CreateConfiguration, DeleteConfiguration, DescribeConfiguration, DescribeConfigurationRevision, ListConfigurationRevisions, ListConfigurations, UpdateConfiguration } from './configurations';
import { CreateTags, DeleteTags, ListTags } from './tags';

const caller: Caller = { region: 'us-east-1', accountId: '000000000000', requestId: 'test' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

const setup = () => testContext(caller).ctx;

async function code(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(AwsError);
  return `${(e as AwsError).code}/${errorAttributeOf(e)}`;
}

describe('configurations', () => {
  it('creates revision 1 with the engine default and keeps revisions', async () => {
    const ctx = setup();
    const c = await CreateConfiguration(ctx, { EngineType: 'ACTIVEMQ', Name: 'my-config', Tags: { team: 'a' } }, caller);
    expect(c.Id).toMatch(/^c-[0-9a-f-]{36}$/);
    expect(c.Arn).toBe(`arn:aws:mq:us-east-1:000000000000:configuration:${c.Id}`);
    expect(c.LatestRevision).toMatchObject({ Revision: 1 });
    const r1 = await DescribeConfigurationRevision(ctx, { ConfigurationId: c.Id, ConfigurationRevision: '1' }, caller);
    expect(unb64(r1.Data as string)).toContain('<broker xmlns="http://activemq.apache.org/schema/core">');
    const xml = `<?xml version="1.0"?>
<broker xmlns="http://activemq.apache.org/schema/core" schedulePeriodForDestinationPurge="10000" useJmx="true">
  <destinationPolicy><policyMap><policyEntries>
    <policyEntry queue="&gt;" gcInactiveDestinations="true" inactiveTimoutBeforeGC="600000"/>
  </policyEntries></policyMap></destinationPolicy>
  <transportConnectors><transportConnector uri="tcp://0.0.0.0:1"/></transportConnectors>
  <plugins>
    <timeStampingBrokerPlugin zeroExpirationOverride="86400000"/>
    <simpleAuthenticationPlugin/>
    <bean xmlns="http://www.springframework.org/schema/beans" class="java.lang.Runtime"/>
  </plugins>
</broker>`;
    const u = await UpdateConfiguration(ctx, { ConfigurationId: c.Id, Data: b64(xml), Description: 'second' }, caller);
    expect(u.LatestRevision).toMatchObject({ Revision: 2, Description: 'second' });
    expect(u.Warnings).toEqual(
      expect.arrayContaining([
        { ElementName: 'broker', AttributeName: 'useJmx', Reason: 'DISALLOWED_ATTRIBUTE_REMOVED' },
        { ElementName: 'transportConnectors', Reason: 'DISALLOWED_ELEMENT_REMOVED' },
        { ElementName: 'simpleAuthenticationPlugin', Reason: 'DISALLOWED_ELEMENT_REMOVED' },
        { ElementName: 'bean', Reason: 'DISALLOWED_ELEMENT_REMOVED' },
      ]),
    );
    const r2 = await DescribeConfigurationRevision(ctx, { ConfigurationId: c.Id, ConfigurationRevision: '2' }, caller);
    const parts = activeMqConfigParts(r2.Data as string);
    expect(parts.attributes).toEqual({ schedulePeriodForDestinationPurge: '10000' });
    expect(parts.elements.join('')).toContain('gcInactiveDestinations="true"');
    expect(parts.plugins).toHaveLength(1);
    expect(parts.plugins[0]).toContain('timeStampingBrokerPlugin');
    expect(unb64(r2.Data as string)).not.toContain('transportConnector');
    expect((await ListConfigurationRevisions(ctx, { ConfigurationId: c.Id }, caller)).Revisions?.map((r) => r.Revision)).toEqual([1, 2]);
    expect((await DescribeConfiguration(ctx, { ConfigurationId: c.Id }, caller)).LatestRevision?.Revision).toBe(2);
    expect((await ListConfigurations(ctx, {}, caller)).Configurations).toHaveLength(1);
  });

  it('refuses bad input with the model’s errors', async () => {
    const ctx = setup();
    expect(await code(CreateConfiguration(ctx, { EngineType: 'ACTIVEMQ', Name: 'bad name' }, caller))).toBe('BadRequestException/name');
    expect(await code(CreateConfiguration(ctx, { EngineType: 'X' as never, Name: 'n' }, caller))).toBe('BadRequestException/engineType');
    const c = await CreateConfiguration(ctx, { EngineType: 'ACTIVEMQ', Name: 'n' }, caller);
    expect(await code(UpdateConfiguration(ctx, { ConfigurationId: c.Id, Data: b64('<broker><unclosed></broker>') }, caller))).toBe('BadRequestException/data');
    expect(await code(UpdateConfiguration(ctx, { ConfigurationId: c.Id, Data: b64('<beans/>') }, caller))).toBe('BadRequestException/data');
    expect(await code(UpdateConfiguration(ctx, { ConfigurationId: c.Id, Data: b64('<!DOCTYPE x [<!ENTITY a "b">]><broker/>') }, caller))).toBe('BadRequestException/data');
    expect(await code(UpdateConfiguration(ctx, { ConfigurationId: 'c-missing', Data: b64('<broker/>') }, caller))).toBe('NotFoundException/configuration-id');
    expect(await code(DescribeConfigurationRevision(ctx, { ConfigurationId: c.Id, ConfigurationRevision: '7' }, caller))).toBe('NotFoundException/configuration-revision');
    const r = await CreateConfiguration(ctx, { EngineType: 'RABBITMQ', Name: 'r' }, caller);
    expect(await code(UpdateConfiguration(ctx, { ConfigurationId: r.Id, Data: b64('not a key value line') }, caller))).toBe('BadRequestException/data');
  });

  it('cannot delete a configuration a broker uses (409); can otherwise', async () => {
    const ctx = setup();
    const c = await CreateConfiguration(ctx, { EngineType: 'ACTIVEMQ', Name: 'used' }, caller);
    const { BrokerId } = await CreateBroker(ctx, {
      BrokerName: 'b', EngineType: 'ACTIVEMQ', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.m5.large', PubliclyAccessible: false,
      Users: [{ Username: 'app', Password: 'correct-horse-battery' }], Configuration: { Id: c.Id },
    }, caller);
    expect(await code(DeleteConfiguration(ctx, { ConfigurationId: c.Id }, caller))).toBe('ConflictException/configuration-id');
    const rabbitCfg = await CreateConfiguration(ctx, { EngineType: 'RABBITMQ', Name: 'rabbit' }, caller);
    expect(await code(UpdateBroker(ctx, { BrokerId, Configuration: { Id: rabbitCfg.Id } }, caller))).toBe('BadRequestException/configuration');
    expect(await DeleteConfiguration(ctx, { ConfigurationId: rabbitCfg.Id }, caller)).toEqual({ ConfigurationId: rabbitCfg.Id });
  });
});

describe('tags', () => {
  it('adds, lists and removes tags on brokers and configurations', async () => {
    const ctx = setup();
    const c = await CreateConfiguration(ctx, { EngineType: 'ACTIVEMQ', Name: 'tagged', Tags: { a: '1' } }, caller);
    await CreateTags(ctx, { ResourceArn: c.Arn, Tags: { b: '2' } }, caller);
    expect((await ListTags(ctx, { ResourceArn: c.Arn }, caller)).Tags).toEqual({ a: '1', b: '2' });
    await DeleteTags(ctx, { ResourceArn: c.Arn, TagKeys: ['a'] }, caller);
    expect((await ListTags(ctx, { ResourceArn: c.Arn }, caller)).Tags).toEqual({ b: '2' });
    expect(await code(ListTags(ctx, { ResourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:x:b-nope' }, caller))).toBe('NotFoundException/resource-arn');
    expect(await code(ListTags(ctx, { ResourceArn: 'not-an-arn' }, caller))).toBe('BadRequestException/resource-arn');
    expect(await code(CreateTags(ctx, { ResourceArn: c.Arn, Tags: { 'aws:x': 'y' } }, caller))).toBe('BadRequestException/tags');
  });
});

describe('catalog', () => {
  it('lists the engines and versions really run, and instance options with their deployment modes', async () => {
    const ctx = setup();
    const types = await DescribeBrokerEngineTypes(ctx, {}, caller);
    expect(types.BrokerEngineTypes).toEqual([
      { EngineType: 'ACTIVEMQ', EngineVersions: [{ Name: '6.1.8' }] },
      { EngineType: 'RABBITMQ', EngineVersions: [{ Name: '3.10.8' }] },
    ]);
    expect((await DescribeBrokerEngineTypes(ctx, { EngineType: 'RABBITMQ' }, caller)).BrokerEngineTypes).toHaveLength(1);
    expect(await code(DescribeBrokerEngineTypes(ctx, { MaxResults: 2 }, caller))).toBe('BadRequestException/maxResults');
    const opts = await DescribeBrokerInstanceOptions(ctx, { EngineType: 'ACTIVEMQ', HostInstanceType: 'mq.m5.large', MaxResults: 100 }, caller);
    expect(opts.BrokerInstanceOptions?.map((o) => [o.StorageType, o.SupportedDeploymentModes])).toEqual([
      ['EBS', ['SINGLE_INSTANCE']],
      ['EFS', ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ']],
    ]);
    const micro = await DescribeBrokerInstanceOptions(ctx, { HostInstanceType: 'mq.t3.micro', EngineType: 'RABBITMQ' }, caller);
    expect(micro.BrokerInstanceOptions?.[0]).toMatchObject({ StorageType: 'EBS', SupportedDeploymentModes: ['SINGLE_INSTANCE'], SupportedEngineVersions: ['3.10.8'] });
    const all: unknown[] = [];
    let token: string | undefined;
    do {
      const p = await DescribeBrokerInstanceOptions(ctx, { MaxResults: 5, NextToken: token }, caller);
      all.push(...(p.BrokerInstanceOptions ?? []));
      token = p.NextToken;
    } while (token);
    expect(all.length).toBeGreaterThan(10);
  });
});
