import type {
  AuthenticationStrategy,
  BrokerInstance,
  BrokerStorageType,
  BrokerSummary,
  ConfigurationId,
  CreateBrokerRequest,
  CreateBrokerResponse,
  DeleteBrokerRequest,
  DeleteBrokerResponse,
  DeploymentMode,
  DescribeBrokerRequest,
  DescribeBrokerResponse,
  EngineType,
  ListBrokersRequest,
  ListBrokersResponse,
  PromoteRequest,
  PromoteResponse,
  RebootBrokerRequest,
  RebootBrokerResponse,
  UpdateBrokerRequest,
  UpdateBrokerResponse,
} from '@aws-sdk/client-mq';
import type { InstanceView } from './backend';
import { DEFAULT_STORAGE, ENGINE_TYPES, HOST_INSTANCE_TYPES, deploymentModesFor, storageTypesFor } from './catalog';
import type { MqEngine } from './engine';
import { badRequest, conflict } from './errors';
import { brokerArn, newBrokerId, type Scope } from './ids';
import type { BrokerRecord } from './model';
import { commitPendingUsers, userSummaries } from './user-ops';
import {
  checkBrokerName,
  checkDeploymentMode,
  checkEnum,
  checkInitialUsers,
  checkLogs,
  checkMaintenanceWindow,
  checkMaxResults,
  checkTags,
  page,
  required,
} from './validation';

const AUTH_STRATEGIES: readonly AuthenticationStrategy[] = ['SIMPLE', 'LDAP', 'CONFIG_MANAGED'];
const STORAGE_TYPES: readonly BrokerStorageType[] = ['EBS', 'EFS'];

/** The engine versions a backend runs, accepting `major.minor` for the newest matching patch. */
export function resolveEngineVersion(engine: MqEngine, engineType: EngineType, requested: string | undefined, attribute = 'engineVersion'): string {
  const versions = engine.backend(engineType).engineVersions();
  if (requested === undefined || requested === '') return versions[0];
  const exact = versions.find((v) => v === requested);
  if (exact) return exact;
  const prefix = versions.find((v) => v.startsWith(`${requested}.`));
  if (prefix) return prefix;
  throw badRequest(attribute, `Broker engine version ${requested} is not supported for ${engineType}. Supported versions here: ${versions.join(', ')}.`);
}

function checkAuthentication(engineType: EngineType, value: string | undefined, attribute = 'authenticationStrategy'): AuthenticationStrategy {
  const strategy = value === undefined ? 'SIMPLE' : checkEnum(value, AUTH_STRATEGIES, attribute);
  if (strategy !== 'SIMPLE') {
    throw badRequest(attribute, `Authentication strategy ${strategy} is not supported by Wharf for ${engineType}; use SIMPLE (users defined on the broker).`);
  }
  return strategy;
}

function checkConfigurationRef(engine: MqEngine, engineType: EngineType, ref: ConfigurationId | undefined): ConfigurationId | undefined {
  if (!ref) return undefined;
  const id = required(ref.Id, 'configuration');
  const c = engine.configurations.get(id);
  if (!c) throw badRequest('configuration', `Configuration ${id} does not exist.`);
  if (c.engineType !== engineType) throw badRequest('configuration', `Configuration ${id} is for ${c.engineType}, not ${engineType}.`);
  const revision = ref.Revision ?? c.revisions[c.revisions.length - 1].revision;
  if (!c.revisions.some((r) => r.revision === revision)) throw badRequest('configuration', `Configuration ${id} has no revision ${revision}.`);
  return { Id: id, Revision: revision };
}

export async function createBroker(engine: MqEngine, input: CreateBrokerRequest, scope: Scope = engine.scope): Promise<CreateBrokerResponse> {
  if (input.CreatorRequestId) {
    const existing = [...engine.brokers.values()].find((b) => b.creatorRequestId === input.CreatorRequestId);
    if (existing) return { BrokerArn: existing.brokerArn, BrokerId: existing.brokerId };
  }
  const brokerName = checkBrokerName(input.BrokerName);
  const engineType = checkEnum(input.EngineType, ENGINE_TYPES, 'engineType');
  const deploymentMode = checkEnum(input.DeploymentMode, ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ', 'CLUSTER_MULTI_AZ'] as DeploymentMode[], 'deploymentMode');
  const hostInstanceType = required(input.HostInstanceType, 'hostInstanceType');
  if (typeof input.PubliclyAccessible !== 'boolean') throw badRequest('publiclyAccessible', 'The request must include publiclyAccessible.');
  if (!HOST_INSTANCE_TYPES[engineType].includes(hostInstanceType)) {
    throw badRequest('hostInstanceType', `Host instance type ${hostInstanceType} is not supported for ${engineType}.`);
  }
  const storageType = input.StorageType === undefined ? DEFAULT_STORAGE[engineType] : checkEnum(input.StorageType, STORAGE_TYPES, 'storageType');
  if (!storageTypesFor(engineType, hostInstanceType).includes(storageType)) {
    throw badRequest('storageType', `Storage type ${storageType} is not supported for ${engineType} on ${hostInstanceType}.`);
  }
  checkDeploymentMode(engineType, deploymentMode, deploymentModesFor(engineType, hostInstanceType, storageType));
  const backend = engine.backend(engineType);
  await backend.ready?.();
  if (!backend.deploymentModes().includes(deploymentMode)) {
    throw badRequest('deploymentMode', `Deployment mode ${deploymentMode} cannot be honoured by this Wharf's ${engineType} backend (supported here: ${backend.deploymentModes().join(', ')}).`);
  }
  const authenticationStrategy = checkAuthentication(engineType, input.AuthenticationStrategy);
  if (input.LdapServerMetadata) throw badRequest('ldapServerMetadata', 'LDAP authentication is not supported by Wharf.');
  if (input.DataReplicationMode && input.DataReplicationMode !== 'NONE') {
    throw badRequest('dataReplicationMode', 'Cross-region data replication (CRDR) is not supported by Wharf.');
  }
  if (input.DataReplicationPrimaryBrokerArn) throw badRequest('dataReplicationPrimaryBrokerArn', 'Cross-region data replication (CRDR) is not supported by Wharf.');
  const engineVersion = resolveEngineVersion(engine, engineType, input.EngineVersion);
  const users = checkInitialUsers(engineType, input.Users);
  const tags = checkTags(input.Tags);
  const configuration = checkConfigurationRef(engine, engineType, input.Configuration);
  const maintenanceWindowStartTime = checkMaintenanceWindow(input.MaintenanceWindowStartTime) ?? { DayOfWeek: 'SUNDAY', TimeOfDay: '00:00', TimeZone: 'UTC' };
  const logs = checkLogs(engineType, input.Logs);
  if (input.EncryptionOptions && typeof input.EncryptionOptions.UseAwsOwnedKey !== 'boolean') {
    throw badRequest('useAwsOwnedKey', 'encryptionOptions.useAwsOwnedKey is required.');
  }
  const maxSubnets = deploymentMode === 'SINGLE_INSTANCE' ? 1 : deploymentMode === 'ACTIVE_STANDBY_MULTI_AZ' ? 2 : 3;
  if ((input.SubnetIds?.length ?? 0) > maxSubnets) throw badRequest('subnetIds', `${deploymentMode} takes at most ${maxSubnets} subnet ids.`);
  if ((input.SecurityGroups?.length ?? 0) > 5) throw badRequest('securityGroups', 'A broker has at most 5 security groups.');
  if ([...engine.brokers.values()].some((b) => b.brokerName === brokerName)) {
    throw conflict('brokerName', `A broker named ${brokerName} already exists in this account and region.`);
  }

  const brokerId = newBrokerId();
  const record: BrokerRecord = {
    brokerId,
    brokerArn: brokerArn(scope, brokerName, brokerId),
    brokerName,
    engineType,
    engineVersion,
    deploymentMode,
    hostInstanceType,
    storageType,
    publiclyAccessible: input.PubliclyAccessible,
    autoMinorVersionUpgrade: input.AutoMinorVersionUpgrade ?? false,
    authenticationStrategy,
    created: engine.now(),
    state: 'CREATION_IN_PROGRESS',
    creatorRequestId: input.CreatorRequestId,
    configurations: { current: configuration, history: [] },
    logs,
    maintenanceWindowStartTime,
    securityGroups: input.SecurityGroups ?? [],
    subnetIds: input.SubnetIds ?? [],
    encryptionOptions: input.EncryptionOptions ?? { UseAwsOwnedKey: true },
    tags,
    users: users.map((u) => ({
      username: u.Username as string,
      current: { password: u.Password as string, consoleAccess: !!u.ConsoleAccess, groups: u.Groups ?? [], replicationUser: false },
    })),
    pending: {},
    actionsRequired: [],
  };
  await backend.checkCreate?.(record);
  if ([...engine.brokers.values()].some((b) => b.brokerName === brokerName)) {
    throw conflict('brokerName', `A broker named ${brokerName} already exists in this account and region.`);
  }
  await engine.saveBroker(record);
  engine.background(brokerId, () => engine.runCreate(brokerId));
  return { BrokerArn: record.brokerArn, BrokerId: brokerId };
}

const ROLE_ORDER: Record<InstanceView['role'], number> = { active: 0, standby: 1, starting: 2, down: 3 };

/** Instances as DescribeBroker lists them: the active one first (Wharf's way of showing which is active). */
export async function brokerInstances(engine: MqEngine, b: BrokerRecord): Promise<InstanceView[]> {
  if (b.state === 'CREATION_FAILED' || b.state === 'DELETION_IN_PROGRESS') return [];
  const views = await engine.backend(b.engineType).instances(b);
  return views.map((v, i) => ({ v, i })).sort((x, y) => ROLE_ORDER[x.v.role] - ROLE_ORDER[y.v.role] || x.i - y.i).map((x) => x.v);
}

export async function describeBroker(engine: MqEngine, input: DescribeBrokerRequest): Promise<DescribeBrokerResponse> {
  const b = engine.broker(input.BrokerId);
  const instances: BrokerInstance[] = (await brokerInstances(engine, b)).map((v) => ({
    ConsoleURL: v.consoleURL,
    Endpoints: v.endpoints,
    IpAddress: v.ipAddress,
  }));
  const p = b.pending;
  return {
    ActionsRequired: b.actionsRequired,
    AuthenticationStrategy: b.authenticationStrategy,
    AutoMinorVersionUpgrade: b.autoMinorVersionUpgrade,
    BrokerArn: b.brokerArn,
    BrokerId: b.brokerId,
    BrokerInstances: instances,
    BrokerName: b.brokerName,
    BrokerState: b.state,
    Configurations: {
      Current: b.configurations.current,
      History: b.configurations.history,
      Pending: p.configuration,
    },
    Created: new Date(b.created),
    DeploymentMode: b.deploymentMode,
    EncryptionOptions: b.encryptionOptions,
    EngineType: b.engineType,
    EngineVersion: b.engineVersion,
    HostInstanceType: b.hostInstanceType,
    Logs: {
      General: !!b.logs.General,
      GeneralLogGroup: `/aws/amazonmq/broker/${b.brokerId}/general`,
      Audit: b.engineType === 'ACTIVEMQ' ? !!b.logs.Audit : undefined,
      AuditLogGroup: b.engineType === 'ACTIVEMQ' ? `/aws/amazonmq/broker/${b.brokerId}/audit` : undefined,
      Pending: p.logs,
    },
    MaintenanceWindowStartTime: b.maintenanceWindowStartTime,
    PendingAuthenticationStrategy: p.authenticationStrategy,
    PendingEngineVersion: p.engineVersion,
    PendingHostInstanceType: p.hostInstanceType,
    PendingSecurityGroups: p.securityGroups,
    PubliclyAccessible: b.publiclyAccessible,
    SecurityGroups: b.securityGroups,
    StorageType: b.storageType,
    SubnetIds: b.subnetIds,
    Tags: b.tags,
    Users: userSummaries(b),
    DataReplicationMode: 'NONE',
  };
}

export function sortedBrokers(engine: MqEngine): BrokerRecord[] {
  return [...engine.brokers.values()].sort((a, b) => a.created.localeCompare(b.created) || a.brokerId.localeCompare(b.brokerId));
}

export async function listBrokers(engine: MqEngine, input: ListBrokersRequest): Promise<ListBrokersResponse> {
  const max = checkMaxResults(input.MaxResults, 1, 100, 20);
  const { items, nextToken } = page(sortedBrokers(engine), max, input.NextToken);
  const summaries: BrokerSummary[] = items.map((b) => ({
    BrokerArn: b.brokerArn,
    BrokerId: b.brokerId,
    BrokerName: b.brokerName,
    BrokerState: b.state,
    Created: new Date(b.created),
    DeploymentMode: b.deploymentMode,
    EngineType: b.engineType,
    HostInstanceType: b.hostInstanceType,
  }));
  return { BrokerSummaries: summaries, NextToken: nextToken };
}

export async function updateBroker(engine: MqEngine, input: UpdateBrokerRequest): Promise<UpdateBrokerResponse> {
  const b = engine.broker(input.BrokerId);
  if (b.state === 'DELETION_IN_PROGRESS') throw conflict('broker-id', `Broker ${b.brokerId} is being deleted.`);
  // validate everything first, then change
  const engineVersion = input.EngineVersion !== undefined ? resolveEngineVersion(engine, b.engineType, input.EngineVersion) : undefined;
  if (input.HostInstanceType !== undefined) {
    if (!HOST_INSTANCE_TYPES[b.engineType].includes(input.HostInstanceType)) {
      throw badRequest('hostInstanceType', `Host instance type ${input.HostInstanceType} is not supported for ${b.engineType}.`);
    }
    if (!deploymentModesFor(b.engineType, input.HostInstanceType, b.storageType).includes(b.deploymentMode)) {
      throw badRequest('hostInstanceType', `Host instance type ${input.HostInstanceType} does not support ${b.deploymentMode}.`);
    }
  }
  const authenticationStrategy = input.AuthenticationStrategy !== undefined ? checkAuthentication(b.engineType, input.AuthenticationStrategy) : undefined;
  if (input.LdapServerMetadata) throw badRequest('ldapServerMetadata', 'LDAP authentication is not supported by Wharf.');
  if (input.DataReplicationMode && input.DataReplicationMode !== 'NONE') {
    throw badRequest('dataReplicationMode', 'Cross-region data replication (CRDR) is not supported by Wharf.');
  }
  const configuration = checkConfigurationRef(engine, b.engineType, input.Configuration);
  const maintenance = checkMaintenanceWindow(input.MaintenanceWindowStartTime);
  const logs = input.Logs ? checkLogs(b.engineType, input.Logs) : undefined;
  if ((input.SecurityGroups?.length ?? 0) > 5) throw badRequest('securityGroups', 'A broker has at most 5 security groups.');

  if (engineVersion !== undefined && engineVersion !== b.engineVersion) b.pending.engineVersion = engineVersion;
  if (input.HostInstanceType !== undefined && input.HostInstanceType !== b.hostInstanceType) b.pending.hostInstanceType = input.HostInstanceType;
  if (authenticationStrategy !== undefined && authenticationStrategy !== b.authenticationStrategy) b.pending.authenticationStrategy = authenticationStrategy;
  if (input.SecurityGroups !== undefined) b.pending.securityGroups = input.SecurityGroups;
  if (configuration) b.pending.configuration = configuration;
  if (logs) b.pending.logs = logs;
  if (input.AutoMinorVersionUpgrade !== undefined) b.autoMinorVersionUpgrade = input.AutoMinorVersionUpgrade;
  if (maintenance) b.maintenanceWindowStartTime = maintenance;
  await engine.saveBroker(b);
  return {
    AuthenticationStrategy: authenticationStrategy,
    AutoMinorVersionUpgrade: input.AutoMinorVersionUpgrade,
    BrokerId: b.brokerId,
    Configuration: configuration,
    EngineVersion: engineVersion,
    HostInstanceType: input.HostInstanceType,
    Logs: logs,
    MaintenanceWindowStartTime: maintenance,
    SecurityGroups: input.SecurityGroups,
    DataReplicationMode: 'NONE',
  };
}

/** Moves what UpdateBroker/CreateUser… left pending into the definition (the reboot applies it). */
export function commitPending(b: BrokerRecord): void {
  const p = b.pending;
  if (p.engineVersion) b.engineVersion = p.engineVersion;
  if (p.hostInstanceType) b.hostInstanceType = p.hostInstanceType;
  if (p.authenticationStrategy) b.authenticationStrategy = p.authenticationStrategy;
  if (p.securityGroups) b.securityGroups = p.securityGroups;
  if (p.logs) b.logs = p.logs;
  if (p.configuration) {
    if (b.configurations.current) b.configurations.history = [...b.configurations.history, b.configurations.current];
    b.configurations.current = p.configuration;
  }
  b.pending = {};
  commitPendingUsers(b);
}

export async function rebootBroker(engine: MqEngine, input: RebootBrokerRequest): Promise<RebootBrokerResponse> {
  const b = engine.broker(input.BrokerId);
  if (b.state !== 'RUNNING' && b.state !== 'CRITICAL_ACTION_REQUIRED') {
    throw badRequest('broker-id', `Broker ${b.brokerId} is ${b.state}; only a RUNNING broker can be rebooted.`);
  }
  commitPending(b);
  b.state = 'REBOOT_IN_PROGRESS';
  await engine.saveBroker(b);
  engine.background(b.brokerId, () => engine.runReboot(b.brokerId));
  return {};
}

export async function deleteBroker(engine: MqEngine, input: DeleteBrokerRequest): Promise<DeleteBrokerResponse> {
  const b = engine.broker(input.BrokerId);
  if (b.state !== 'DELETION_IN_PROGRESS') {
    b.state = 'DELETION_IN_PROGRESS';
    await engine.saveBroker(b);
    engine.background(b.brokerId, () => engine.runDelete(b.brokerId));
  }
  return { BrokerId: b.brokerId };
}

export async function promote(engine: MqEngine, input: PromoteRequest): Promise<PromoteResponse> {
  const b = engine.broker(input.BrokerId);
  checkEnum(input.Mode, ['SWITCHOVER', 'FAILOVER'], 'mode');
  throw badRequest('broker-id', `Promote applies to brokers in a cross-region data replication (CRDR) pair; broker ${b.brokerId} has none (Wharf does not offer CRDR).`);
}
