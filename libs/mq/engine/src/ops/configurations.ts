import type {
  Configuration,
  ConfigurationRevision,
  CreateConfigurationRequest,
  CreateConfigurationResponse,
  DeleteConfigurationRequest,
  DeleteConfigurationResponse,
  DescribeConfigurationRequest,
  DescribeConfigurationResponse,
  DescribeConfigurationRevisionRequest,
  DescribeConfigurationRevisionResponse,
  ListConfigurationRevisionsRequest,
  ListConfigurationRevisionsResponse,
  ListConfigurationsRequest,
  ListConfigurationsResponse,
  SanitizationWarning,
  UpdateConfigurationRequest,
  UpdateConfigurationResponse,
} from '@aws-sdk/client-mq';
import type { Caller } from '@wharf/engine-kit';
import { defaultActiveMqConfig, defaultRabbitMqConfig, parseCuttlefish, sanitizeActiveMqConfig } from '../activemq-config';
import { resolveEngineVersion } from '../broker-options';
import { ENGINE_TYPES } from '../catalog';
import { ownedBy, type MqContext } from '../context';
import { badRequest, conflict, notFound } from '../errors';
import { configurationArn, newConfigurationId } from '../ids';
import type { ConfigurationRecord, ConfigurationRevisionRecord } from '../model';
import { CONFIGURATION_NAME, checkEnum, checkMaxResults, checkTags, page, required } from '../validation';

const MAX_DATA_BYTES = 1024 * 1024;

const revisionOf = (r: ConfigurationRevisionRecord): ConfigurationRevision => ({
  Created: new Date(r.created),
  Description: r.description,
  Revision: r.revision,
});

const latest = (c: ConfigurationRecord): ConfigurationRevisionRecord => c.revisions[c.revisions.length - 1];

function view(c: ConfigurationRecord): Configuration {
  return {
    Arn: c.arn,
    AuthenticationStrategy: c.authenticationStrategy,
    Created: new Date(c.created),
    Description: latest(c).description ?? '',
    EngineType: c.engineType,
    EngineVersion: c.engineVersion,
    Id: c.id,
    LatestRevision: revisionOf(latest(c)),
    Name: c.name,
    Tags: c.tags,
  };
}

export async function CreateConfiguration(ctx: MqContext, input: CreateConfigurationRequest, caller: Caller): Promise<CreateConfigurationResponse> {
  const engineType = checkEnum(input.EngineType, ENGINE_TYPES, 'engineType');
  const name = required(input.Name, 'name');
  if (!CONFIGURATION_NAME.test(name)) {
    throw badRequest('name', 'Configuration names are 1-150 characters of letters, digits, dashes, periods, underscores and tildes.');
  }
  const authenticationStrategy = input.AuthenticationStrategy ? checkEnum(input.AuthenticationStrategy, ['SIMPLE', 'LDAP', 'CONFIG_MANAGED'] as const, 'authenticationStrategy') : 'SIMPLE';
  if (authenticationStrategy !== 'SIMPLE') throw badRequest('authenticationStrategy', `Authentication strategy ${authenticationStrategy} is not supported by Wharf.`);
  const engineVersion = resolveEngineVersion(ctx, engineType, input.EngineVersion);
  const tags = checkTags(input.Tags);
  const id = newConfigurationId();
  const created = ctx.now();
  const record: ConfigurationRecord = {
    id,
    arn: configurationArn(caller, id),
    name,
    engineType,
    engineVersion,
    authenticationStrategy,
    created,
    tags,
    revisions: [{
      revision: 1,
      created,
      description: `Auto-generated default for ${name} on ${engineType === 'ACTIVEMQ' ? 'ActiveMQ' : 'RabbitMQ'} ${engineVersion}`,
      data: engineType === 'ACTIVEMQ' ? defaultActiveMqConfig() : defaultRabbitMqConfig(),
    }],
  };
  await ctx.saveConfiguration(record);
  return {
    Arn: record.arn,
    AuthenticationStrategy: authenticationStrategy,
    Created: new Date(created),
    Id: id,
    LatestRevision: revisionOf(latest(record)),
    Name: name,
  };
}

export async function DescribeConfiguration(ctx: MqContext, input: DescribeConfigurationRequest, caller: Caller): Promise<DescribeConfigurationResponse> {
  return view(ctx.configuration(input.ConfigurationId, caller));
}

export async function ListConfigurations(ctx: MqContext, input: ListConfigurationsRequest, caller: Caller): Promise<ListConfigurationsResponse> {
  const max = checkMaxResults(input.MaxResults, 1, 100, 20);
  const all = [...ctx.configurations.values()].filter((c) => ownedBy(c.arn, caller)).sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  const { items, nextToken } = page(all, max, input.NextToken);
  return { Configurations: items.map(view), MaxResults: max, NextToken: nextToken };
}

export async function UpdateConfiguration(ctx: MqContext, input: UpdateConfigurationRequest, caller: Caller): Promise<UpdateConfigurationResponse> {
  const c = ctx.configuration(input.ConfigurationId, caller);
  const raw = required(input.Data, 'data');
  if (Buffer.byteLength(raw) > MAX_DATA_BYTES) throw badRequest('data', 'The configuration data is larger than 1 MiB.');
  let data = raw;
  let warnings: SanitizationWarning[] = [];
  if (c.engineType === 'ACTIVEMQ') {
    ({ data, warnings } = sanitizeActiveMqConfig(raw));
  } else {
    parseCuttlefish(raw);
  }
  if (input.Description !== undefined && input.Description.length > 2000) throw badRequest('description', 'The description is longer than 2000 characters.');
  const revision: ConfigurationRevisionRecord = {
    revision: latest(c).revision + 1,
    created: ctx.now(),
    description: input.Description,
    data,
  };
  c.revisions.push(revision);
  await ctx.saveConfiguration(c);
  return {
    Arn: c.arn,
    Created: new Date(revision.created),
    Id: c.id,
    LatestRevision: revisionOf(revision),
    Name: c.name,
    Warnings: warnings,
  };
}

export async function DeleteConfiguration(ctx: MqContext, input: DeleteConfigurationRequest, caller: Caller): Promise<DeleteConfigurationResponse> {
  const c = ctx.configuration(input.ConfigurationId, caller);
  const user = [...ctx.brokers.values()].find((b) => b.configurations.current?.Id === c.id || b.pending.configuration?.Id === c.id);
  if (user) throw conflict('configuration-id', `Configuration ${c.id} is in use by broker ${user.brokerId}.`);
  await ctx.forgetConfiguration(c.id);
  return { ConfigurationId: c.id };
}

function findRevision(c: ConfigurationRecord, raw: string | undefined): ConfigurationRevisionRecord {
  const n = Number(required(raw, 'configuration-revision'));
  const r = Number.isInteger(n) ? c.revisions.find((x) => x.revision === n) : undefined;
  if (!r) throw notFound('configuration-revision', `Can't find requested revision [${raw}] of configuration [${c.id}].`);
  return r;
}

export async function DescribeConfigurationRevision(ctx: MqContext, input: DescribeConfigurationRevisionRequest, caller: Caller): Promise<DescribeConfigurationRevisionResponse> {
  const c = ctx.configuration(input.ConfigurationId, caller);
  const r = findRevision(c, input.ConfigurationRevision);
  return { ConfigurationId: c.id, Created: new Date(r.created), Data: r.data, Description: r.description };
}

export async function ListConfigurationRevisions(ctx: MqContext, input: ListConfigurationRevisionsRequest, caller: Caller): Promise<ListConfigurationRevisionsResponse> {
  const c = ctx.configuration(input.ConfigurationId, caller);
  const max = checkMaxResults(input.MaxResults, 1, 100, 20);
  const { items, nextToken } = page(c.revisions, max, input.NextToken);
  return { ConfigurationId: c.id, MaxResults: max, NextToken: nextToken, Revisions: items.map(revisionOf) };
}
