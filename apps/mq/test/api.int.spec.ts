import {
  CreateBrokerCommand,
  CreateConfigurationCommand,
  CreateTagsCommand,
  CreateUserCommand,
  DeleteBrokerCommand,
  DeleteConfigurationCommand,
  DeleteTagsCommand,
  DescribeBrokerCommand,
  DescribeBrokerEngineTypesCommand,
  DescribeBrokerInstanceOptionsCommand,
  DescribeConfigurationCommand,
  DescribeConfigurationRevisionCommand,
  DescribeUserCommand,
  ListConfigurationRevisionsCommand,
  ListConfigurationsCommand,
  ListTagsCommand,
  PromoteCommand,
  RebootBrokerCommand,
  UpdateBrokerCommand,
  UpdateConfigurationCommand,
  paginateListBrokers,
  type CreateBrokerRequest,
} from '@aws-sdk/client-mq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startMq, waitForState, type MqHarness } from './harness';

/** The SDK's view of an error: its name (x-amzn-ErrorType), HTTP status and errorAttribute. */
async function fails(p: Promise<unknown>): Promise<{ name: string; status?: number; attribute?: string; message: string }> {
  const e = (await p.then(() => undefined, (x: unknown) => x)) as
    | { name: string; $metadata?: { httpStatusCode?: number }; ErrorAttribute?: string; message: string }
    | undefined;
  if (!e) throw new Error('expected the call to fail');
  return { name: e.name, status: e.$metadata?.httpStatusCode, attribute: e.ErrorAttribute, message: e.message };
}

describe('Amazon MQ API through @aws-sdk/client-mq: validation, errors, configurations, tags, catalog', () => {
  let h: MqHarness;
  const rabbit = (over: Partial<CreateBrokerRequest> = {}): CreateBrokerRequest => ({
    BrokerName: `api-${h.id}`,
    EngineType: 'RABBITMQ',
    DeploymentMode: 'SINGLE_INSTANCE',
    HostInstanceType: 'mq.t3.micro',
    PubliclyAccessible: false,
    Users: [{ Username: `u${h.id}`, Password: PASSWORD }],
    ...over,
  });

  beforeAll(async () => {
    h = await startMq();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('bad input: invalid names, short passwords, wrong deployment modes, missing members (400 + errorAttribute)', async () => {
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ BrokerName: 'no spaces allowed' }))))).toMatchObject({
      name: 'BadRequestException', status: 400, attribute: 'brokerName',
    });
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ BrokerName: 'x'.repeat(51) }))))).toMatchObject({ attribute: 'brokerName' });
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ Users: [{ Username: 'shorty', Password: 'short' }] }))))).toMatchObject({
      name: 'BadRequestException', status: 400, attribute: 'password',
    });
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ Users: [{ Username: 'guest', Password: PASSWORD }] }))))).toMatchObject({ attribute: 'username' });
    const amqMode = await fails(h.client.send(new CreateBrokerCommand({ ...rabbit(), EngineType: 'ACTIVEMQ', DeploymentMode: 'CLUSTER_MULTI_AZ', HostInstanceType: 'mq.m5.large' })));
    expect(amqMode).toMatchObject({ name: 'BadRequestException', status: 400, attribute: 'deploymentMode' });
    expect(amqMode.message).toContain('ACTIVEMQ');
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ', HostInstanceType: 'mq.m5.large' }))))).toMatchObject({
      attribute: 'deploymentMode',
    });
    // a single RabbitMQ node cannot be a three-node cluster: said clearly, not faked
    const cluster = await fails(h.client.send(new CreateBrokerCommand(rabbit({ DeploymentMode: 'CLUSTER_MULTI_AZ', HostInstanceType: 'mq.m5.large' }))));
    expect(cluster).toMatchObject({ attribute: 'deploymentMode' });
    expect(cluster.message).toMatch(/cannot be honoured/);
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ HostInstanceType: 'mq.nope' }))))).toMatchObject({ attribute: 'hostInstanceType' });
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ AuthenticationStrategy: 'LDAP' }))))).toMatchObject({ attribute: 'authenticationStrategy' });
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ EngineVersion: '1.0' }))))).toMatchObject({ attribute: 'engineVersion' });
  });

  it('unknown broker ids answer NotFoundException (404) on every broker operation', async () => {
    const BrokerId = 'b-00000000-0000-0000-0000-000000000000';
    for (const cmd of [
      new DescribeBrokerCommand({ BrokerId }),
      new RebootBrokerCommand({ BrokerId }),
      new DeleteBrokerCommand({ BrokerId }),
      new UpdateBrokerCommand({ BrokerId, HostInstanceType: 'mq.m5.large' }),
      new CreateUserCommand({ BrokerId, Username: 'someone', Password: PASSWORD }),
      new DescribeUserCommand({ BrokerId, Username: 'someone' }),
    ]) {
      expect(await fails(h.client.send(cmd as never))).toMatchObject({ name: 'NotFoundException', status: 404, attribute: 'broker-id' });
    }
  });

  it('raw wire: x-amzn-ErrorType, {message, errorAttribute}, lowerCamelCase JSON and ISO-8601 times', async () => {
    const bad = await fetch(`${h.app.url}/v1/brokers/b-nope`);
    expect(bad.status).toBe(404);
    expect(bad.headers.get('x-amzn-errortype')).toBe('NotFoundException');
    expect(bad.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await bad.json()).toEqual({ message: expect.stringContaining('b-nope'), errorAttribute: 'broker-id' });
    const malformed = await fetch(`${h.app.url}/v1/brokers`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    const cfg = await fetch(`${h.app.url}/v1/configurations`, { method: 'POST', body: JSON.stringify({ engineType: 'ACTIVEMQ', name: `raw-${h.id}` }), headers: { 'content-type': 'application/json' } });
    const body = (await cfg.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['arn', 'authenticationStrategy', 'created', 'id', 'latestRevision', 'name']);
    expect(body.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('CreateBroker is idempotent on creatorRequestId, 409 on a taken name; ListBrokers pages; Promote says what it cannot do', async () => {
    const token = `tok-${h.id}`;
    const first = await h.client.send(new CreateBrokerCommand(rabbit({ CreatorRequestId: token })));
    const again = await h.client.send(new CreateBrokerCommand(rabbit({ CreatorRequestId: token })));
    expect(again.BrokerId).toBe(first.BrokerId);
    expect(await fails(h.client.send(new CreateBrokerCommand(rabbit({ Users: [{ Username: `v${h.id}`, Password: PASSWORD }] }))))).toMatchObject({
      name: 'ConflictException', status: 409, attribute: 'brokerName',
    });
    const second = await h.client.send(new CreateBrokerCommand(rabbit({ BrokerName: `api2-${h.id}`, Users: [{ Username: `w${h.id}`, Password: PASSWORD }] })));
    const third = await h.client.send(new CreateBrokerCommand(rabbit({ BrokerName: `api3-${h.id}`, Users: [{ Username: `x${h.id}`, Password: PASSWORD }] })));
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListBrokers({ client: h.client, pageSize: 2 }, {})) {
      pages++;
      ids.push(...(page.BrokerSummaries ?? []).map((b) => b.BrokerId as string));
    }
    expect(pages).toBe(2);
    expect(ids).toEqual([first.BrokerId, second.BrokerId, third.BrokerId]);
    const running = await waitForState(h.client, first.BrokerId as string, 'RUNNING', 30_000);
    expect(running.Created?.getTime()).toBeLessThanOrEqual(Date.now());
    const promote = await fails(h.client.send(new PromoteCommand({ BrokerId: first.BrokerId, Mode: 'SWITCHOVER' })));
    expect(promote).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(promote.message).toMatch(/CRDR/);
    // the user APIs are ActiveMQ's: on a RabbitMQ broker refused before any other check, as on Amazon MQ
    // (user errors on ActiveMQ brokers: libs/mq/engine/src/ops/users.spec.ts, activemq.int.spec.ts)
    for (const cmd of [
      new CreateUserCommand({ BrokerId: first.BrokerId, Username: `u${h.id}`, Password: PASSWORD }),
      new CreateUserCommand({ BrokerId: first.BrokerId, Username: 'newbie', Password: 'tooshort' }),
      new DescribeUserCommand({ BrokerId: first.BrokerId, Username: 'ghost' }),
    ]) {
      expect(await fails(h.client.send(cmd as never))).toMatchObject({ name: 'BadRequestException', status: 400, attribute: 'broker-id' });
    }
  });

  it('tags: CreateTags and DeleteTags answer 204; ListTags reads them back', async () => {
    const { BrokerId } = await h.client.send(new CreateBrokerCommand(rabbit({ BrokerName: `tags-${h.id}`, Users: [{ Username: `t${h.id}`, Password: PASSWORD }], Tags: { env: 'test' } })));
    const { BrokerArn } = await h.client.send(new DescribeBrokerCommand({ BrokerId }));
    const put = await h.client.send(new CreateTagsCommand({ ResourceArn: BrokerArn, Tags: { team: 'wharf' } }));
    expect(put.$metadata.httpStatusCode).toBe(204);
    expect((await h.client.send(new ListTagsCommand({ ResourceArn: BrokerArn }))).Tags).toEqual({ env: 'test', team: 'wharf' });
    const del = await h.client.send(new DeleteTagsCommand({ ResourceArn: BrokerArn, TagKeys: ['env'] }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect((await h.client.send(new ListTagsCommand({ ResourceArn: BrokerArn }))).Tags).toEqual({ team: 'wharf' });
    expect(await fails(h.client.send(new ListTagsCommand({ ResourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:x:b-gone' })))).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('configurations and revisions: default revision, sanitized update with warnings, data round-trip, delete', async () => {
    const c = await h.client.send(new CreateConfigurationCommand({ EngineType: 'ACTIVEMQ', Name: `cfg-${h.id}`, Tags: { a: 'b' } }));
    expect(c).toMatchObject({ Name: `cfg-${h.id}`, AuthenticationStrategy: 'SIMPLE', LatestRevision: { Revision: 1 } });
    expect(c.Created).toBeInstanceOf(Date);
    const xml = '<broker xmlns="http://activemq.apache.org/schema/core"><destinationPolicy><policyMap><policyEntries><policyEntry queue="&gt;" prioritizedMessages="true"/></policyEntries></policyMap></destinationPolicy><transportConnectors/></broker>';
    const u = await h.client.send(new UpdateConfigurationCommand({ ConfigurationId: c.Id, Data: Buffer.from(xml).toString('base64'), Description: 'priorities' }));
    expect(u.LatestRevision?.Revision).toBe(2);
    expect(u.Warnings).toEqual([{ ElementName: 'transportConnectors', Reason: 'DISALLOWED_ELEMENT_REMOVED' }]);
    const r2 = await h.client.send(new DescribeConfigurationRevisionCommand({ ConfigurationId: c.Id, ConfigurationRevision: '2' }));
    expect(Buffer.from(r2.Data as string, 'base64').toString()).toContain('prioritizedMessages="true"');
    expect(r2.Description).toBe('priorities');
    expect((await h.client.send(new ListConfigurationRevisionsCommand({ ConfigurationId: c.Id }))).Revisions?.map((r) => r.Revision)).toEqual([1, 2]);
    expect((await h.client.send(new DescribeConfigurationCommand({ ConfigurationId: c.Id }))).Tags).toEqual({ a: 'b' });
    expect((await h.client.send(new ListConfigurationsCommand({}))).Configurations?.some((x) => x.Id === c.Id)).toBe(true);
    expect(await fails(h.client.send(new UpdateConfigurationCommand({ ConfigurationId: c.Id, Data: Buffer.from('<broker>').toString('base64') })))).toMatchObject({
      name: 'BadRequestException', attribute: 'data',
    });
    expect((await h.client.send(new DeleteConfigurationCommand({ ConfigurationId: c.Id }))).ConfigurationId).toBe(c.Id);
    expect(await fails(h.client.send(new DescribeConfigurationCommand({ ConfigurationId: c.Id })))).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('engine types and instance options list what this Wharf really runs', async () => {
    const types = await h.client.send(new DescribeBrokerEngineTypesCommand({}));
    expect(types.BrokerEngineTypes?.map((t) => t.EngineType).sort()).toEqual(['ACTIVEMQ', 'RABBITMQ']);
    expect(types.BrokerEngineTypes?.find((t) => t.EngineType === 'ACTIVEMQ')?.EngineVersions).toEqual([{ Name: '5.19' }, { Name: '5.18' }, { Name: '6.1.8' }]);
    const opts = await h.client.send(new DescribeBrokerInstanceOptionsCommand({ EngineType: 'ACTIVEMQ', HostInstanceType: 'mq.m5.large', StorageType: 'EFS' }));
    expect(opts.BrokerInstanceOptions).toEqual([
      expect.objectContaining({ EngineType: 'ACTIVEMQ', HostInstanceType: 'mq.m5.large', StorageType: 'EFS', SupportedDeploymentModes: ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ'] }),
    ]);
    const rabbitOpts = await h.client.send(new DescribeBrokerInstanceOptionsCommand({ EngineType: 'RABBITMQ', HostInstanceType: 'mq.m5.large' }));
    expect(rabbitOpts.BrokerInstanceOptions?.[0].SupportedDeploymentModes).toEqual(['SINGLE_INSTANCE']);
    expect(await fails(h.client.send(new DescribeBrokerEngineTypesCommand({ MaxResults: 1 })))).toMatchObject({ attribute: 'maxResults' });
  });
});
