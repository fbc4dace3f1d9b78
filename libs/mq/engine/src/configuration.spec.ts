import { AwsError } from '@wharf/aws-protocol';
import { describe, expect, it } from 'vitest';
import { activeMqConfigParts } from './activemq-config';
import { createBroker, updateBroker } from './broker-ops';
import { describeBrokerEngineTypes, describeBrokerInstanceOptions } from './catalog-ops';
import { ManualClock } from './clock';
import {
  createConfiguration,
  deleteConfiguration,
  describeConfiguration,
  describeConfigurationRevision,
  listConfigurationRevisions,
  listConfigurations,
  updateConfiguration,
} from './configuration-ops';
import { MqEngine } from './engine';
import { errorAttributeOf } from './errors';
import { InMemoryStore } from './store';
import { createTags, deleteTags, listTags } from './tag-ops';
import { FakeBackend } from './testing/fake-backend';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

function setup() {
  const clock = new ManualClock('2024-05-01T10:00:00.000Z');
  return new MqEngine({
    store: new InMemoryStore(),
    backends: [new FakeBackend('ACTIVEMQ'), new FakeBackend('RABBITMQ')],
    scope: { region: 'us-east-1', accountId: '000000000000' },
    clock,
  });
}

async function code(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(AwsError);
  return `${(e as AwsError).code}/${errorAttributeOf(e)}`;
}

describe('configurations', () => {
  it('creates revision 1 with the engine default and keeps revisions', async () => {
    const engine = setup();
    const c = await createConfiguration(engine, { EngineType: 'ACTIVEMQ', Name: 'my-config', Tags: { team: 'a' } });
    expect(c.Id).toMatch(/^c-[0-9a-f-]{36}$/);
    expect(c.Arn).toBe(`arn:aws:mq:us-east-1:000000000000:configuration:${c.Id}`);
    expect(c.LatestRevision).toMatchObject({ Revision: 1 });
    const r1 = await describeConfigurationRevision(engine, { ConfigurationId: c.Id, ConfigurationRevision: '1' });
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
    const u = await updateConfiguration(engine, { ConfigurationId: c.Id, Data: b64(xml), Description: 'second' });
    expect(u.LatestRevision).toMatchObject({ Revision: 2, Description: 'second' });
    expect(u.Warnings).toEqual(
      expect.arrayContaining([
        { ElementName: 'broker', AttributeName: 'useJmx', Reason: 'DISALLOWED_ATTRIBUTE_REMOVED' },
        { ElementName: 'transportConnectors', Reason: 'DISALLOWED_ELEMENT_REMOVED' },
        { ElementName: 'simpleAuthenticationPlugin', Reason: 'DISALLOWED_ELEMENT_REMOVED' },
        { ElementName: 'bean', Reason: 'DISALLOWED_ELEMENT_REMOVED' },
      ]),
    );
    const r2 = await describeConfigurationRevision(engine, { ConfigurationId: c.Id, ConfigurationRevision: '2' });
    const parts = activeMqConfigParts(r2.Data as string);
    expect(parts.attributes).toEqual({ schedulePeriodForDestinationPurge: '10000' });
    expect(parts.elements.join('')).toContain('gcInactiveDestinations="true"');
    expect(parts.plugins).toHaveLength(1);
    expect(parts.plugins[0]).toContain('timeStampingBrokerPlugin');
    expect(unb64(r2.Data as string)).not.toContain('transportConnector');
    expect((await listConfigurationRevisions(engine, { ConfigurationId: c.Id })).Revisions?.map((r) => r.Revision)).toEqual([1, 2]);
    expect((await describeConfiguration(engine, { ConfigurationId: c.Id })).LatestRevision?.Revision).toBe(2);
    expect((await listConfigurations(engine, {})).Configurations).toHaveLength(1);
  });

  it('refuses bad input with the model’s errors', async () => {
    const engine = setup();
    expect(await code(createConfiguration(engine, { EngineType: 'ACTIVEMQ', Name: 'bad name' }))).toBe('BadRequestException/name');
    expect(await code(createConfiguration(engine, { EngineType: 'X' as never, Name: 'n' }))).toBe('BadRequestException/engineType');
    const c = await createConfiguration(engine, { EngineType: 'ACTIVEMQ', Name: 'n' });
    expect(await code(updateConfiguration(engine, { ConfigurationId: c.Id, Data: b64('<broker><unclosed></broker>') }))).toBe('BadRequestException/data');
    expect(await code(updateConfiguration(engine, { ConfigurationId: c.Id, Data: b64('<beans/>') }))).toBe('BadRequestException/data');
    expect(await code(updateConfiguration(engine, { ConfigurationId: c.Id, Data: b64('<!DOCTYPE x [<!ENTITY a "b">]><broker/>') }))).toBe('BadRequestException/data');
    expect(await code(updateConfiguration(engine, { ConfigurationId: 'c-missing', Data: b64('<broker/>') }))).toBe('NotFoundException/configuration-id');
    expect(await code(describeConfigurationRevision(engine, { ConfigurationId: c.Id, ConfigurationRevision: '7' }))).toBe('NotFoundException/configuration-revision');
    const r = await createConfiguration(engine, { EngineType: 'RABBITMQ', Name: 'r' });
    expect(await code(updateConfiguration(engine, { ConfigurationId: r.Id, Data: b64('not a key value line') }))).toBe('BadRequestException/data');
  });

  it('cannot delete a configuration a broker uses (409); can otherwise', async () => {
    const engine = setup();
    const c = await createConfiguration(engine, { EngineType: 'ACTIVEMQ', Name: 'used' });
    const { BrokerId } = await createBroker(engine, {
      BrokerName: 'b', EngineType: 'ACTIVEMQ', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.m5.large', PubliclyAccessible: false,
      Users: [{ Username: 'app', Password: 'correct-horse-battery' }], Configuration: { Id: c.Id },
    });
    expect(await code(deleteConfiguration(engine, { ConfigurationId: c.Id }))).toBe('ConflictException/configuration-id');
    const rabbitCfg = await createConfiguration(engine, { EngineType: 'RABBITMQ', Name: 'rabbit' });
    expect(await code(updateBroker(engine, { BrokerId, Configuration: { Id: rabbitCfg.Id } }))).toBe('BadRequestException/configuration');
    expect(await deleteConfiguration(engine, { ConfigurationId: rabbitCfg.Id })).toEqual({ ConfigurationId: rabbitCfg.Id });
  });
});

describe('tags', () => {
  it('adds, lists and removes tags on brokers and configurations', async () => {
    const engine = setup();
    const c = await createConfiguration(engine, { EngineType: 'ACTIVEMQ', Name: 'tagged', Tags: { a: '1' } });
    await createTags(engine, { ResourceArn: c.Arn, Tags: { b: '2' } });
    expect((await listTags(engine, { ResourceArn: c.Arn })).Tags).toEqual({ a: '1', b: '2' });
    await deleteTags(engine, { ResourceArn: c.Arn, TagKeys: ['a'] });
    expect((await listTags(engine, { ResourceArn: c.Arn })).Tags).toEqual({ b: '2' });
    expect(await code(listTags(engine, { ResourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:x:b-nope' }))).toBe('NotFoundException/resource-arn');
    expect(await code(listTags(engine, { ResourceArn: 'not-an-arn' }))).toBe('BadRequestException/resource-arn');
    expect(await code(createTags(engine, { ResourceArn: c.Arn, Tags: { 'aws:x': 'y' } }))).toBe('BadRequestException/tags');
  });
});

describe('catalog', () => {
  it('lists the engines and versions really run, and instance options with their deployment modes', async () => {
    const engine = setup();
    const types = await describeBrokerEngineTypes(engine, {});
    expect(types.BrokerEngineTypes).toEqual([
      { EngineType: 'ACTIVEMQ', EngineVersions: [{ Name: '6.1.8' }] },
      { EngineType: 'RABBITMQ', EngineVersions: [{ Name: '3.10.8' }] },
    ]);
    expect((await describeBrokerEngineTypes(engine, { EngineType: 'RABBITMQ' })).BrokerEngineTypes).toHaveLength(1);
    expect(await code(describeBrokerEngineTypes(engine, { MaxResults: 2 }))).toBe('BadRequestException/maxResults');
    const opts = await describeBrokerInstanceOptions(engine, { EngineType: 'ACTIVEMQ', HostInstanceType: 'mq.m5.large', MaxResults: 100 });
    expect(opts.BrokerInstanceOptions?.map((o) => [o.StorageType, o.SupportedDeploymentModes])).toEqual([
      ['EBS', ['SINGLE_INSTANCE']],
      ['EFS', ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ']],
    ]);
    const micro = await describeBrokerInstanceOptions(engine, { HostInstanceType: 'mq.t3.micro', EngineType: 'RABBITMQ' });
    expect(micro.BrokerInstanceOptions?.[0]).toMatchObject({ StorageType: 'EBS', SupportedDeploymentModes: ['SINGLE_INSTANCE'], SupportedEngineVersions: ['3.10.8'] });
    const all: unknown[] = [];
    let token: string | undefined;
    do {
      const p = await describeBrokerInstanceOptions(engine, { MaxResults: 5, NextToken: token });
      all.push(...(p.BrokerInstanceOptions ?? []));
      token = p.NextToken;
    } while (token);
    expect(all.length).toBeGreaterThan(10);
  });
});
